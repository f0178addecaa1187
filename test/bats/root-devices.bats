#!/usr/bin/env bats
# --device in root mode: the node is bound as rootless, and the device
# cgroup (which the runtime sets as root) gets a rule that lets the
# container open it. Runs as ROOT with a private store; the rootless run
# skips it (603-devices.bats covers the rootless side). Invoke as root:
#
#   HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
#       bats --tap "$STAGE/bats/root-devices.bats"

load helpers

root_problem() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "needs root (husk in root mode): run this file as root, see its header"
		return
	fi
	test_env_problem
}

setup_file() {
	root_setup_file || return 0
	husk_with_store "$BATS_FILE_TMPDIR/root" "$BATS_FILE_TMPDIR/run"
	"$HUSK" pull -q --tls-verify=false "$R/busybox" >/dev/null
}

setup() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || skip "$HUSK_SKIP_REASON"
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

teardown_file() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || return 0
	"$HUSK" system reset -f >/dev/null 2>&1 || true
}

@test "root: --device /dev/fuse can be opened (the device cgroup allows it)" {
	[[ -c /dev/fuse ]] || skip "this host has no /dev/fuse"
	# Opened, fuse refuses a read without a mount (EPERM on read, not on
	# open); denied by the device cgroup, the open itself fails.
	run_husk run --rm --network none --device /dev/fuse "$R/busybox" sh -c 'exec 3</dev/fuse && echo opened'
	expect_eq "$output" "opened"
}

@test "root: --device-cgroup-rule is refused with the reason" {
	run_husk 125 run --rm --network none --device-cgroup-rule "c 1:3 rwm" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "husk does not set device cgroup rules"
}
