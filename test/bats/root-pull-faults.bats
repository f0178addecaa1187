#!/usr/bin/env bats
# Pulls into a full file system: husk's store (--root) on a 4 MiB tmpfs that
# this file mounts. The pull fails with one line that says the disk is
# full and what to do, stores nothing (no image, no layer, no temporary
# file) and the store works once there is room. (A pull started on a full
# disk used to end in a Go stack trace and exit 2.) Runs as ROOT: mounting
# the small file system needs it; husk runs in root mode with a private
# store. The rootless run skips it. Invoke as root, e.g. from the staged
# copy:
#
#   HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
#       bats --tap "$STAGE/bats/root-pull-faults.bats"

load helpers

root_problem() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "needs root (mounts a small tmpfs for the store): run this file as root, see its header"
		return
	fi
	test_env_problem
}

setup_file() {
	root_setup_file || return 0
	export SMALL=$BATS_FILE_TMPDIR/small
	mkdir -p "$SMALL"
	if ! mount -t tmpfs -o size=4m husk-test-small "$SMALL"; then
		HUSK_SKIP_REASON="cannot mount a tmpfs at $SMALL"
		return 0
	fi
	husk_with_store "$SMALL/root" "$BATS_FILE_TMPDIR/run"
}

setup() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || skip "$HUSK_SKIP_REASON"
	rm -f "$SMALL/filler"
	"$HUSK" system reset -f >/dev/null
}

teardown_file() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || return 0
	"$HUSK" system reset -f >/dev/null 2>&1 || true
	umount "$SMALL"
}

# expect_disk_full_refusal IMAGE: pulling IMAGE fails with one line naming
# the full disk and the way out, and stores nothing.
expect_disk_full_refusal() {
	run_husk 125 pull -q --tls-verify=false "$R/$1"
	expect_one_error_line
	expect_contains "$stderr" "no space left on device"
	expect_contains "$stderr" "free space on the file system of $SMALL/root"
	expect_not_contains "$stderr" "goroutine"
	expect_eq "$output" "" "stdout"
	expect_eq "$(image_ids)" "" "images after the failed pull"
	expect_eq "$(layer_count)" 0 "layers after the failed pull"
	expect_eq "$(ls -A "$SMALL/root/tmp")" "" "temporary files in the store"
}

# expect_store_works: check passes, and busybox pulls and runs.
expect_store_works() {
	run_husk system check
	expect_eq "$output" "No problems found"
	run_husk pull -q --tls-verify=false "$R/busybox"
	expect_eq "$output" "$(oci_image_id busybox)" "busybox pulled once there is room"
	run_husk run --rm --network none "$R/busybox" echo fits
	expect_eq "$output" fits
}

@test "a pull that fills the disk fails in one line, stores nothing, and the store works after" {
	expect_disk_full_refusal multilayer
	expect_store_works
}

@test "a pull started on a full disk fails in one line (no stack trace), and works once there is room" {
	"$HUSK" info >/dev/null
	dd if=/dev/zero of="$SMALL/filler" bs=64k 2>/dev/null || true
	expect_disk_full_refusal zstd
	rm "$SMALL/filler"
	expect_store_works
}
