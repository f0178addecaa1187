#!/usr/bin/env bats
# Global flags reach every husk process a command starts: the transfer
# helper that pulls a missing image and a detached container's monitor
# see the same store, storage driver, runtime and cgroup manager.

load helpers

@test "run --rm on an empty store given by --root/--runroot pulls into that store, not the default one" {
	use_store empty-default
	local st=$BATS_FILE_TMPDIR/explicit
	mkdir -p "$st/root" "$st/run"
	run_husk --root "$st/root" --runroot "$st/run" run --rm "$R/busybox" echo hello
	expect_eq "$output" hello
	run_husk --root "$st/root" --runroot "$st/run" images --format '{{.Repository}}'
	expect_contains "$output" "husk-test/busybox" "images of the explicit store"
	run_husk images -q
	expect_eq "$output" "" "images of the default store"
	run_husk --root "$st/root" --runroot "$st/run" system reset -f
}

@test "run --rm with --storage-driver vfs on an empty store uses vfs for the pull too" {
	use_store empty-vfs
	local st=$BATS_FILE_TMPDIR/vfs
	mkdir -p "$st/root" "$st/run"
	run_husk --root "$st/root" --runroot "$st/run" --storage-driver vfs run --rm "$R/busybox" echo hello
	expect_eq "$output" hello
	[[ -d $st/root/vfs-layers ]] || die "no vfs layers in $st/root: $(ls "$st/root")"
	run_husk --root "$st/root" --runroot "$st/run" --storage-driver vfs system reset -f
}

@test "a detached container's monitor gets the global flags (--cgroup-manager, --runtime)" {
	use_store monitor-flags
	"$HUSK" pull -q "$R/busybox" >/dev/null
	run_husk --cgroup-manager=cgroupfs --runtime runc run -d --name mon "$R/busybox" sleep 1000
	local mpid cmd
	mpid=$(ctr_monitor_pid mon)
	cmd=$(tr '\0' ' ' <"/proc/$mpid/cmdline")
	expect_contains "$cmd" "--cgroup-manager=cgroupfs" "the monitor's command line"
	expect_contains "$cmd" "--runtime=runc" "the monitor's command line"
	run_husk rm -f mon
}
