#!/usr/bin/env bats
# husk mount / unmount / unshare, ps --external and a killed build's
# leftovers in root mode (no user namespace: mounts are the host's). Runs
# as ROOT with a private store; the rootless run skips it (330 covers the
# rootless side). Invoke as root, e.g. from the staged copy:
#
#   HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
#       bats --tap "$STAGE/bats/root-mount.bats"

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
	export G=$BATS_FILE_TMPDIR/root RR=$BATS_FILE_TMPDIR/run
	husk_with_store "$G" "$RR"
	"$HUSK" pull -q --tls-verify=false "$R/busybox" >/dev/null
	export CTX=$BATS_FILE_TMPDIR/ctx
	mkdir -p "$CTX"
	printf 'FROM %s\nRUN echo STEP-STARTED && exec sleep 3302\n' "$R/busybox" >"$CTX/Containerfile"
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

@test "root: mount prints a path the host sees; unmount takes it back; unshare runs the command" {
	run_husk create --name r1 "$R/busybox" true
	run_husk mount r1
	local p=$output
	[[ -x $p/bin/busybox ]] || die "no /bin/busybox under $p"
	run_husk mount --format json
	expect_eq "$(json 'd[0]["mountpoint"]')" "$p"
	run_husk unshare sh -c 'echo "$(id -u) $CONTAINERS_GRAPHROOT"'
	expect_eq "$output" "0 $G"
	run_husk 4 unshare sh -c 'exit 4'
	run_husk unmount r1
	expect_eq "$output" "r1"
	[[ ! -e $p/bin ]] || die "$p still mounted"
	run_husk mount r1
	run_husk rm r1
	grep -qF " $p " /proc/self/mountinfo && die "$p still mounted after rm"
	return 0
}

@test "root: ps --external lists buildah's working containers in the store; rm removes them" {
	need_cmd buildah
	local b="buildah --root $G --runroot $RR --storage-driver overlay"
	$b from --name rwc "$R/busybox" >/dev/null
	run_husk ps -a --external --format '{{.Names}} {{.Command}} {{.Status}}'
	expect_eq "$output" "rwc buildah Storage"
	run_husk system check
	expect_eq "$output" "No problems found"
	run_husk rm rwc
	run_husk ps -a --external -q
	expect_eq "$output" ""
}

@test "root: a build killed with SIGKILL in a RUN step leaves nothing once husk ps has listed" {
	local before out=$BATS_TEST_TMPDIR/out
	before=$(image_ids)
	husk_bg "$out" build --tls-verify=false -t localhost/slow "$CTX"
	wait_for_line "$out" '^STEP-STARTED$' 60
	run_husk ps -a --external --format '{{.Names}}'
	expect_match "$output" "-build-[0-9a-f]{12}$"
	kill_and_wait "$HUSK_BG_PID"
	wait "$HUSK_BG_PID" 2>/dev/null || true
	run_husk ps -a --external -q
	expect_eq "$output" ""
	expect_eq "$(ls -A "$G/husk-builds")" "" "build accounts"
	expect_eq "$(pgrep -f 'sleep 3302' || true)" "" "RUN processes"
	expect_eq "$(pgrep -f "$RR/husk-netns/build-" || true)" "" "network helpers"
	expect_eq "$(grep -c "$G/husk-builds" /proc/self/mountinfo)" "0" "mounts of the build's files"
	expect_eq "$(image_ids)" "$before" "images"
	run_husk system check
	expect_eq "$output" "No problems found"
}
