#!/usr/bin/env bats
# Reconciliation after faults in the middle of a command: husk killed while
# it starts (or tears down) a container, the pause process killed together
# with the monitors, the run directory wiped while the pause process lives.
# A later command must find out, clean up and say what happened.

load helpers

setup_file() { husk_setup_run_file busybox; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

@test "run --rm killed with SIGKILL at every moment of its start and teardown: the next command cleans up, nothing is left, the next run works" {
	fresh_store rmkill
	local try delay names=""
	for try in $(seq 0 13); do
		delay=$(awk -v i="$try" 'BEGIN { printf "%.3f", i * 0.025 }')
		husk_bg "$BATS_TEST_TMPDIR/out$try" run --rm --name "rk$try" "$R/busybox" sh -c 'sleep 0.1'
		sleep "$delay"
		kill_and_wait "$HUSK_BG_PID"
		wait "$HUSK_BG_PID" 2>/dev/null || true
		names+=" rk$try"
		# Whatever was interrupted, the next listing reconciles it: a --rm
		# container that is not running any more is gone.
		wait_until 5 no_listed_container_but_running "rk$try"
	done
	# The containers that were still running when their husk was killed
	# finish by themselves; then nothing of any of them is left.
	wait_until 10 eval '[[ -z $(storage_containers_listed) ]]'
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$output" "" "containers after the interrupted runs ($names)"
	local left d
	left=$(storage_containers)
	if [[ -n $left ]]; then
		# What is in them tells which step the kill interrupted.
		for d in $left; do
			ls -la "$XDG_DATA_HOME/husk/storage/overlay-containers/$d" "$XDG_DATA_HOME/husk/storage/overlay-containers/$d/userdata" >&2 2>&1 || true
		done
	fi
	expect_eq "$left" "" "storage containers"
	expect_no_container_leftovers
	run_husk run --rm "$R/busybox" echo after
	expect_eq "$output" after
}

# no_listed_container_but_running NAME: ps -a lists NAME only while it runs.
no_listed_container_but_running() {
	local st
	st=$("$HUSK" ps -a --filter "name=$1" --format '{{.State}}' 2>/dev/null)
	[[ -z $st || $st == running ]]
}

# storage_containers_listed: what ps -a lists (refreshing every record).
storage_containers_listed() {
	"$HUSK" ps -a -q 2>/dev/null
}

@test "start killed with SIGKILL during its start: the container is left startable, and starts" {
	fresh_store startkill
	local try delay
	for try in $(seq 0 7); do
		run_husk create --name "sk$try" "$R/busybox" sh -c 'echo started; sleep 1000'
		delay=$(awk -v i="$try" 'BEGIN { printf "%.3f", i * 0.03 }')
		husk_bg "$BATS_TEST_TMPDIR/start$try" start "sk$try"
		sleep "$delay"
		kill_and_wait "$HUSK_BG_PID"
		wait "$HUSK_BG_PID" 2>/dev/null || true
		run_husk start "sk$try"
		run_husk exec "sk$try" echo exec-ok
		expect_eq "$output" exec-ok "exec after the interrupted start $try"
		run_husk rm -f "sk$try"
	done
	expect_eq "$(storage_containers)" "" "storage containers"
	expect_no_container_leftovers
}

@test "pause process and monitor killed together: the new pause process adopts the container's namespace; ps, exec and rm -f work" {
	fresh_store pausemon
	run_husk run -d --name both "$R/busybox" sh -c 'echo ready; exec sleep 1000'
	run_husk run -d --name kid --userns=keep-id "$R/busybox" sh -c 'echo ready; exec sleep 1000'
	wait_until 5 logs_contain both ready
	wait_until 5 logs_contain kid ready
	local pid kpid
	pid=$(ctr_pid both)
	kpid=$(ctr_pid kid)
	kill_and_wait "$(ctr_monitor_pid both)" "$(ctr_monitor_pid kid)" "$(pause_pid)"
	pid_alive "$pid" || die "the container's process died with its monitor"

	run_husk ps --format '{{.Names}} {{.State}}'
	expect_eq "$(sort <<<"$output")" $'both running\nkid running' "ps"
	run_husk exec both echo exec-ok
	expect_eq "$output" exec-ok "exec after the pause process and the monitor died"
	run_husk exec kid id -u
	expect_eq "$output" "$(id -u)" "exec into the keep-id container"
	run_husk rm -f both kid
	wait_until 5 pid_gone "$pid"
	wait_until 5 pid_gone "$kpid"
	expect_eq "$(storage_containers)" "" "storage containers"
	run_husk run --rm "$R/busybox" echo after
	expect_eq "$output" after
}

@test "pause process and monitor killed, the container's process not adoptable: exec says what happened and how to end it" {
	fresh_store lost
	# A container whose init runs as a subordinate id: its /proc entry is
	# not the user's, so no new pause process can adopt from it.
	run_husk run -d --name lost -u 1000 "$R/busybox" sh -c 'echo ready; exec sleep 1000'
	wait_until 5 logs_contain lost ready
	local pid
	pid=$(ctr_pid lost)
	kill_and_wait "$(ctr_monitor_pid lost)" "$(pause_pid)"
	run_husk 125 exec lost true
	expect_one_error_line
	expect_contains "$stderr" "runs in a user namespace husk cannot enter any more"
	expect_contains "$stderr" "husk rm -f lost"
	expect_not_contains "$stderr" "setns"
	run_husk rm -f lost
	wait_until 10 pid_gone "$pid"
	expect_eq "$(storage_containers)" "" "storage containers"
}

@test "run directory wiped while the pause process lives: it is published again (not leaked); system reset stops it" {
	fresh_store wiped
	run_husk run -d --name w "$R/busybox" sh -c 'echo ready; exec sleep 1000'
	wait_until 5 logs_contain w ready
	local pause
	pause=$(pause_pid)
	((pause > 0)) || die "no pause process"
	rm -rf "$XDG_RUNTIME_DIR/husk"
	run_husk ps --format '{{.Names}} {{.State}}'
	expect_eq "$(pause_pid)" "$pause" "the pause process after the wipe"
	run_husk run --rm "$R/busybox" echo after-wipe
	expect_eq "$output" after-wipe
	run_husk system reset -f
	wait_until 5 pid_gone "$pause"
	expect_eq "$(user_pids_with "$XDG_RUNTIME_DIR/")" "" "processes of the store after system reset"
}

@test "start waits for the teardown of the last run (marked as in progress by a live process) before it makes the new run's network and mounts" {
	run_husk run -d --name tw "$R/busybox" sh -c 'echo run; sleep 1000'
	local id dir
	id=$(ctr_field tw '{{.Id}}')
	dir=$XDG_DATA_HOME/husk/storage/overlay-containers/$id/userdata
	run_husk stop -t 0 tw
	# (The real teardown ends first.)
	wait_until 10 test ! -e "$dir/starting"
	wait_until 10 test -z "$(user_pids_with "__monitor $id")"
	# What a monitor leaves while it still removes the exited run's
	# network namespace and mounts: the mark of a teardown in progress,
	# with its pid and start time (here a process that stays).
	sleep 1000 3>&- &
	local tearer=$!
	echo "$tearer $(awk '{print $22}' "/proc/$tearer/stat")" >"$dir/starting"
	husk_bg "$BATS_TEST_TMPDIR/start.out" start tw
	local starter=$HUSK_BG_PID
	sleep 1
	if ! kill -0 "$starter" 2>/dev/null; then
		kill "$tearer"
		die "start did not wait for the teardown: $(cat "$BATS_TEST_TMPDIR/start.out")"
	fi
	expect_eq "$(ctr_field tw '{{.State.Status}}')" exited "while the teardown lasts"
	rm "$dir/starting"
	local rc=0
	wait "$starter" || rc=$?
	kill "$tearer"
	wait "$tearer" 2>/dev/null || true
	expect_eq "$rc" 0 "start after the teardown: $(cat "$BATS_TEST_TMPDIR/start.out")"
	expect_eq "$(ctr_field tw '{{.State.Status}}')" running
	wait_until 10 logs_contain tw run
	run_husk stop -t 0 tw
	# A teardown whose process died is reconciled instead: start goes on.
	echo "999999 1" >"$dir/starting"
	run_husk start tw
	expect_eq "$(ctr_field tw '{{.State.Status}}')" running
	[[ ! -e $dir/starting ]] || die "the dead teardown's mark stays"
}
