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

# ALL_FLAGS: every global flag, given explicitly (values this host takes).
all_flags() {
	local st=$BATS_FILE_TMPDIR/all
	mkdir -p "$st/root" "$st/run"
	mkdir -p "$st/vols"
	GLOBALS=(--root="$st/root" --runroot="$st/run" --storage-driver=overlay --log-level=info
		--cgroup-manager=cgroupfs --runtime=runc --volumepath="$st/vols" --events-backend=file)
}

# expect_all_flags WHAT CMDLINE: CMDLINE carries every global flag.
expect_all_flags() {
	local f
	for f in "${GLOBALS[@]}"; do
		expect_contains "$2" "$f" "$1"
	done
}

@test "every global flag reaches every husk process a command starts: the transfer helper, the pause process, the monitor" {
	use_store all-flags
	all_flags
	# The transfer helper: a wrapper that records its command line.
	local helper=$BATS_FILE_TMPDIR/helper
	printf '#!/bin/sh\necho "$*" >>"%s.log"\nexec "%s" "$@"\n' "$helper" "$(dirname "$HUSK")/husk-transfer" >"$helper"
	chmod 0755 "$helper"
	HUSK_TRANSFER_HELPER=$helper run_husk "${GLOBALS[@]}" run -d --name mon "$R/busybox" sleep 1000
	expect_all_flags "the transfer helper's command line (run)" "$(cat "$helper.log")"
	# create of an image the store does not have pulls it the same way.
	: >"$helper.log"
	HUSK_TRANSFER_HELPER=$helper run_husk "${GLOBALS[@]}" create --name made "$R/multilayer" true
	expect_contains "$(cat "$helper.log")" "multilayer" "create ran the transfer helper"
	expect_all_flags "the transfer helper's command line (create)" "$(cat "$helper.log")"
	local mpid pause
	mpid=$("$HUSK" "${GLOBALS[@]}" container inspect --format '{{.HuskState.MonitorPid}}' mon)
	expect_all_flags "the monitor's command line" "$(tr '\0' ' ' <"/proc/$mpid/cmdline")"
	pause=$(cat "$XDG_RUNTIME_DIR/husk/pause.pid")
	expect_all_flags "the pause process's command line" "$(tr '\0' ' ' <"/proc/$pause/cmdline")"
	run_husk "${GLOBALS[@]}" rm -f mon made
	run_husk "${GLOBALS[@]}" system reset -f
}

@test "a container starts with the runtime and cgroup manager it was created with, unless start is given others" {
	use_store recorded
	"$HUSK" pull -q "$R/busybox" >/dev/null
	run_husk --cgroup-manager=cgroupfs --runtime runc create --name rec "$R/busybox" sleep 1000
	run_husk container inspect --format '{{.HuskConfig.Settings.Runtime}} {{.HuskConfig.Settings.CgroupManager}}' rec
	expect_eq "$output" "runc cgroupfs" "the recorded settings"
	run_husk start rec
	local cmd
	cmd=$(tr '\0' ' ' <"/proc/$(ctr_monitor_pid rec)/cmdline")
	expect_contains "$cmd" "--cgroup-manager=cgroupfs" "the monitor of a plain start"
	expect_contains "$cmd" "--runtime=runc" "the monitor of a plain start"
	run_husk stop -t 0 rec
	run_husk --log-level=info start rec
	cmd=$(tr '\0' ' ' <"/proc/$(ctr_monitor_pid rec)/cmdline")
	expect_contains "$cmd" "--runtime=runc" "the monitor of a start with other flags"
	expect_contains "$cmd" "--log-level=info" "the monitor of a start with other flags"
	run_husk rm -f rec
}

@test "--volumepath: volumes live there (VOLPATH/NAME/_data, as podman's), a container created with it keeps it, info shows it, reset empties it" {
	use_store volumepath
	local vp=$BATS_TEST_TMPDIR/vols
	run_husk --volumepath "$vp" volume create v1
	run_husk --volumepath "$vp" volume inspect v1 --format '{{.Mountpoint}}'
	expect_eq "$output" "$vp/v1/_data" "the volume's mount point"
	run_husk volume ls -q
	expect_eq "$output" "" "volumes of ROOT/volumes"
	run_husk --volumepath "$vp" info --format '{{.Store.VolumePath}}'
	expect_eq "$output" "$vp" "info's VolumePath"

	# A detached container writes through its monitor, which gets the
	# setting too; a later start without the flag keeps it.
	run_husk --volumepath "$vp" create --name vc -v v1:/v "$R/busybox" sh -c 'echo hi >>/v/f'
	run_husk start -a vc
	run_husk --volumepath "$vp" run -d --name vd -v v1:/v "$R/busybox" sh -c 'echo hi >>/v/f'
	run_husk wait vd
	expect_eq "$(cat "$vp/v1/_data/f")" "hi
hi" "what the containers wrote"
	run_husk inspect vc --format '{{range .Mounts}}{{.Source}}{{end}}'
	expect_eq "$output" "$vp/v1/_data" "inspect's mount source without the flag"

	# A relative path is the same directory.
	run_husk volume create --help
	(cd "$BATS_TEST_TMPDIR" && "$HUSK" --volumepath vols volume ls -q) >"$BATS_TEST_TMPDIR/ls"
	expect_eq "$(cat "$BATS_TEST_TMPDIR/ls")" "v1" "volumes through a relative --volumepath"

	run_husk rm -a -f
	run_husk --volumepath "$vp" system reset -f
	expect_eq "$(ls -A "$vp")" "" "the volume directory after reset"
	[[ -d $vp ]] || die "reset removed the user's directory $vp"
}
