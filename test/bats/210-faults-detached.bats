#!/usr/bin/env bats
# Faults around detached containers: the monitor killed, the container's
# process killed from outside, the run root wiped (as by a reboot), the
# pause process killed. Later husk commands must tell the truth and clean
# up.

load helpers

setup_file() { husk_setup_run_file busybox; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

OBEYS_TERM='trap "echo got TERM; exit 3" TERM; echo ready; sleep 1000 & wait'

# no_overlay_mount LAYER: for wait_until.
no_overlay_mount() {
	[[ -z $(store_overlay_mounts "$1") ]]
}

@test "monitor killed: the container keeps running and is managed; once its process dies, ps -a shows it exited (-1) and rm -f cleans up" {
	run_husk run -d --name orphan "$R/busybox" sh -c 'echo up; exec sleep 1000'
	local id=$output pid mpid layer
	pid=$(ctr_pid orphan)
	mpid=$(ctr_monitor_pid orphan)
	layer=$(ctr_layer "$id")
	wait_until 5 logs_contain orphan up
	kill_and_wait "$mpid"
	pid_alive "$pid" || die "the container's process $pid died with its monitor"

	run_husk ps --format '{{.Names}} {{.State}}'
	expect_eq "$output" "orphan running" "ps with the monitor gone"
	run_husk exec orphan echo still-here
	expect_eq "$output" still-here "exec with the monitor gone"
	run_husk logs orphan
	expect_eq "$output" up "logs with the monitor gone"

	kill_and_wait "$pid"
	run_husk ps -a --format '{{.Names}} {{.State}} {{.ExitCode}} {{.Status}}'
	expect_match "$output" '^orphan exited -1 Exited \(-1\) ' "ps -a once the process is gone too"
	expect_eq "$stderr" "" "ps -a's stderr"
	run_husk container inspect orphan
	[[ -n $(json 'd[0]["State"]["Error"]') ]] || die "State.error does not say what happened"
	run_husk wait orphan
	expect_eq "$output" -1 "wait"
	expect_eq "$(store_overlay_mounts "$layer")" "" "overlay mount of the dead container"
	expect_eq "$(ls -A "$(runc_state_dir)" 2>/dev/null)" "" "runtime state of the dead container"
	run_husk rm -f orphan
	expect_eq "$output" orphan "rm -f"
	expect_eq "$(storage_containers)" "" "storage containers"
	expect_no_container_leftovers
}

@test "monitor killed: stop still stops the container, and start gives it a new monitor" {
	run_husk run -d --name orphan2 "$R/busybox" sh -c "$OBEYS_TERM"
	local mpid pid
	mpid=$(ctr_monitor_pid orphan2)
	pid=$(ctr_pid orphan2)
	wait_until 5 logs_contain orphan2 ready
	kill_and_wait "$mpid"
	local t0=$SECONDS
	run_husk stop orphan2
	expect_eq "$output" orphan2 "stop's stdout"
	((SECONDS - t0 < 5)) || die "stop took $((SECONDS - t0)) s"
	pid_gone "$pid" || die "the container's process $pid is alive after stop"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_eq "$output" "orphan2 exited" "ps -a after stop"
	expect_eq "$(ls -A "$(runc_state_dir)" 2>/dev/null)" "" "runtime state after stop"

	run_husk start orphan2
	local mpid2
	mpid2=$(ctr_monitor_pid orphan2)
	[[ $mpid2 != "$mpid" ]] && pid_alive "$mpid2" || die "no new monitor: $mpid2"
	wait_until 5 eval '[[ $(logs_count orphan2 ready) -eq 2 ]]'
	run_husk stop orphan2
	run_husk wait orphan2
	expect_eq "$output" 3 "exit code recorded by the new monitor"
	run_husk rm orphan2
	expect_no_container_leftovers
}

@test "the container's process killed from outside: the monitor records 137 and cleans up" {
	run_husk run -d --name shot "$R/busybox" sh -c "$OBEYS_TERM"
	local id=$output pid mpid layer out=$BATS_TEST_TMPDIR/wait waiter
	pid=$(ctr_pid shot)
	mpid=$(ctr_monitor_pid shot)
	layer=$(ctr_layer "$id")
	husk_bg "$out" wait shot
	waiter=$HUSK_BG_PID
	kill -KILL "$pid"
	wait_bg "$waiter" 10
	expect_eq "$status" 0 "wait's exit code"
	expect_eq "$(cat "$out")" 137 "wait's output"
	run_husk ps -a --format '{{.Names}} {{.Status}}'
	expect_match "$output" '^shot Exited \(137\) ' "ps -a"
	run_husk container inspect shot
	expect_eq "$(json 'd[0]["State"]["ExitCode"]')" 137 "State.exitCode"
	expect_eq "$(json 'd[0]["HuskState"].get("monitorPid", 0)')" 0 "State.monitorPid"
	wait_until 5 pid_gone "$mpid"
	wait_until 5 no_overlay_mount "$layer"
	expect_eq "$(ls -A "$(runc_state_dir)" 2>/dev/null)" "" "runtime state"
	run_husk rm shot
	expect_no_container_leftovers
}

@test "run root wiped (a reboot): ps -a tells the truth, rm -f works, new containers run" {
	fresh_store reboot
	run_husk run -d --name boot "$R/busybox" sh -c "$OBEYS_TERM"
	local id=$output pid mpid pause
	pid=$(ctr_pid boot)
	mpid=$(ctr_monitor_pid boot)
	pause=$(pause_pid)
	((pause > 0)) || die "no pause process"
	# A reboot ends every process and empties the run root.
	kill_and_wait "$mpid" "$pid" "$pause"
	rm -rf "$XDG_RUNTIME_DIR/husk"

	run_husk ps -a --format '{{.Names}} {{.State}} {{.ExitCode}}'
	expect_eq "$output" "boot exited -1" "ps -a after the reboot"
	local pause2
	pause2=$(pause_pid)
	((pause2 > 0 && pause2 != pause)) || die "pause process after the reboot: $pause2 (before: $pause)"
	run_husk rm -f boot
	expect_eq "$output" boot "rm -f"
	expect_eq "$(storage_containers)" "" "storage containers"
	run_husk '?' run --rm "$R/busybox" echo after-reboot
	expect_eq "$status" 0 "run --rm after the reboot"
	expect_eq "$output" after-reboot
	run_husk run -d --name boot2 "$R/busybox" sh -c "$OBEYS_TERM"
	run_husk exec boot2 echo exec-ok
	expect_eq "$output" exec-ok
	run_husk stop boot2
	run_husk wait boot2
	expect_eq "$output" 3
	run_husk rm boot2
	expect_no_container_leftovers
}

@test "pause process killed while a container runs: ps, logs, stop, wait, rm -f and new containers still work" {
	fresh_store pausekill
	run_husk run -d --name survivor "$R/busybox" sh -c "$OBEYS_TERM"
	run_husk run -d --name survivor2 "$R/busybox" sh -c "$OBEYS_TERM"
	local id2=$output
	wait_until 5 logs_contain survivor ready
	local old pid
	old=$(pause_pid)
	pid=$(ctr_pid survivor)
	kill_and_wait "$old"

	run_husk ps --format '{{.Names}} {{.State}}'
	expect_eq "$(sort <<<"$output")" $'survivor running\nsurvivor2 running' "ps after the pause process died"
	local new
	new=$(pause_pid)
	((new > 0 && new != old)) || die "pause process: $new (before: $old)"
	run_husk logs survivor
	expect_eq "$output" ready "logs"
	run_husk stop survivor
	expect_eq "$output" survivor "stop"
	run_husk wait survivor
	expect_eq "$output" 3 "wait: the exit code its monitor recorded"
	pid_gone "$pid" || die "the container's process $pid is alive"
	run_husk logs survivor
	expect_eq "$output" $'ready\ngot TERM' "logs after stop"
	run_husk rm survivor
	run_husk rm -f survivor2
	expect_eq "$output" survivor2 "rm -f of a running container"
	expect_eq "$(storage_containers)" "" "storage containers"

	run_husk run --rm "$R/busybox" echo new-run
	expect_eq "$output" new-run
	run_husk run -d --name after "$R/busybox" sh -c "$OBEYS_TERM"
	run_husk exec after echo exec-new
	expect_eq "$output" exec-new "exec into a container started after the pause process died"
	run_husk rm -f after
	wait_until 5 eval '[[ -z $(store_overlay_mounts) ]]'
	expect_no_container_leftovers
}

@test "pause process killed while a container runs: exec into that container still works" {
	fresh_store pausekill-exec
	run_husk run -d --name old-ns "$R/busybox" sh -c "$OBEYS_TERM"
	wait_until 5 logs_contain old-ns ready
	kill_and_wait "$(pause_pid)"
	run_husk exec old-ns echo exec-old
	expect_eq "$output" exec-old "exec into a container started before the pause process died"
	run_husk rm -f old-ns
}

@test "system reset -f with a detached container running stops it and removes everything" {
	fresh_store reset
	run_husk run -d --name running "$R/busybox" sh -c "$OBEYS_TERM"
	local pid mpid
	pid=$(ctr_pid running)
	mpid=$(ctr_monitor_pid running)
	run_husk system reset -f
	wait_until 5 pid_gone "$pid"
	wait_until 5 pid_gone "$mpid"
	expect_eq "$(storage_containers)" "" "storage containers"
	run_husk images -q
	expect_eq "$output" "" "images after reset"
	expect_no_container_leftovers
}
