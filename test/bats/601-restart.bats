#!/usr/bin/env bats
# Restart policies (issue 16): --restart on run, create and update; the
# detached monitor restarts the container with docker's back-off; stop,
# kill and rm end the policy; inspect's RestartCount and
# HostConfig.RestartPolicy; ps and start --all --filter restart-policy=.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_optional_setup_file busybox
}

teardown_file() { podman_optional_teardown_file; }

teardown() { "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true; }

# settled NAME: the container exited and its monitor neither restarts it
# nor waits to.
settled() {
	[[ $(ctr_field "$1" '{{.State.Status}} {{.State.Restarting}} {{.HuskState.MonitorPid}}') == "exited false 0" ]]
}

# restarted NAME OLDPID: the container runs again, with another process.
restarted() {
	local p
	p=$(ctr_field "$1" '{{.State.Status}} {{.State.Pid}}')
	[[ $p == running* && $p != "running $2" && $p != "running 0" ]]
}

# counting DIR LIMIT: a command that counts its runs in DIR/n (a bind
# mount at /d) and exits 3 on the first LIMIT ones, then sleeps.
counting() {
	mkdir -p "$1"
	echo "n=\$(cat /d/n 2>/dev/null || echo 0); n=\$((n+1)); echo \$n >/d/n; [ \$n -gt $2 ] || exit 3; exec sleep 1000"
}

# backing_off NAME N DIR: the container's run N+1 (counted in DIR/n)
# exited and its monitor, which restarted it N times, waits to restart
# it again (the back-off after N restarts in a row is 100 ms * 2^N).
backing_off() {
	[[ $(cat "$3/n" 2>/dev/null) == $(($2 + 1)) &&
		$(ctr_field "$1" '{{.State.Status}} {{.State.Restarting}} {{.RestartCount}}') == "exited true $2" ]]
}

@test "restart: on-failure:5 restarts a failing container until it exits 0" {
	local d=$BATS_TEST_TMPDIR/count
	mkdir -p "$d"
	# Exits 1 on its first three runs, 0 on the fourth.
	run_husk run -d --name of5 --network none --restart on-failure:5 -v "$d:/d" "$R/busybox" \
		sh -c 'n=$(cat /d/n 2>/dev/null || echo 0); n=$((n+1)); echo $n >/d/n; [ $n -ge 4 ]'
	wait_until 30 settled of5
	expect_eq "$(cat "$d/n")" 4 "runs"
	expect_eq "$(ctr_field of5 '{{.RestartCount}} {{.State.ExitCode}}')" "3 0" "restart count and exit code"
	run_husk events --stream=false --filter container=of5 --filter event=restart --format '{{.Status}}'
	expect_eq "${#lines[@]}" 3 "restart events"
}

@test "restart: on-failure:2 gives up after two restarts" {
	run_husk run -d --name of2 --network none --restart on-failure:2 "$R/busybox" sh -c 'exit 7'
	wait_until 30 settled of2
	expect_eq "$(ctr_field of2 '{{.RestartCount}} {{.State.ExitCode}}')" "2 7"
	run_husk inspect --format '{{json .HostConfig.RestartPolicy}}' of2
	expect_eq "$output" '{"Name":"on-failure","MaximumRetryCount":2}'
	# on-failure does not restart a clean exit.
	run_husk run -d --name of0 --network none --restart on-failure "$R/busybox" true
	wait_until 30 settled of0
	expect_eq "$(ctr_field of0 '{{.RestartCount}} {{.State.ExitCode}}')" "0 0"
}

@test "restart: always survives a kill -9 of its process from outside husk" {
	run_husk run -d --name al --network none --restart always "$R/busybox" sleep 1000
	local pid mon
	pid=$(ctr_pid al)
	mon=$(ctr_monitor_pid al)
	[[ $pid -gt 0 ]] || die "no pid"
	kill -9 "$pid"
	wait_until 30 restarted al "$pid"
	expect_eq "$(ctr_field al '{{.RestartCount}}')" 1
	expect_eq "$(ctr_monitor_pid al)" "$mon" "the same monitor process"
	run_husk exec al true
}

@test "restart: husk stop and husk kill end an always policy; start re-arms it" {
	run_husk run -d --name st --network none --restart always "$R/busybox" sleep 1000
	run_husk run -d --name kl --network none --restart always "$R/busybox" sleep 1000
	local mon
	mon=$(ctr_monitor_pid st)
	run_husk stop -t 1 st
	wait_until 10 pid_gone "$mon"
	mon=$(ctr_monitor_pid kl)
	run_husk kill kl
	wait_until 10 pid_gone "$mon"
	sleep 0.5 # longer than the first back-off
	expect_eq "$(ctr_field st '{{.State.Status}} {{.RestartCount}} {{.State.Restarting}}')" "exited 0 false" "stopped"
	expect_eq "$(ctr_field kl '{{.State.Status}} {{.RestartCount}} {{.State.Restarting}}')" "exited 0 false" "killed"
	# A start re-arms the policy: a crash restarts it again.
	run_husk start kl
	local pid
	pid=$(ctr_pid kl)
	kill -9 "$pid"
	wait_until 30 restarted kl "$pid"
}

@test "restart: stop and rm -f while the monitor waits to restart leave nothing behind" {
	local d=$BATS_TEST_TMPDIR
	run_husk run -d --name bo --network none --restart always -v "$d/bo:/d" "$R/busybox" sh -c "$(counting "$d/bo" 100)"
	# After 4 restarts in a row the back-off is 1.6 s.
	wait_until 30 backing_off bo 4 "$d/bo"
	local mon
	mon=$(ctr_field bo '{{.HuskState.MonitorPid}}')
	pid_alive "$mon" || die "monitor $mon is not alive while restarting"
	run_husk inspect --format '{{.State.Status}} {{.State.Pid}} {{.State.ExitCode}}' bo
	expect_eq "$output" "exited 0 3" "between restarts"
	run_husk stop bo
	wait_until 10 pid_gone "$mon"
	expect_eq "$(ctr_field bo '{{.State.Status}} {{.State.Restarting}}')" "exited false"

	run_husk run -d --name bo2 --network none --restart always -v "$d/bo2:/d" "$R/busybox" sh -c "$(counting "$d/bo2" 100)"
	wait_until 30 backing_off bo2 4 "$d/bo2"
	mon=$(ctr_field bo2 '{{.HuskState.MonitorPid}}')
	run_husk rm -f bo2
	pid_gone "$mon" || die "rm -f left the monitor $mon running"
	run_husk rm -f bo
	expect_no_container_leftovers
}

@test "restart: a start while the monitor waits starts it at once and the count starts again" {
	local d=$BATS_TEST_TMPDIR/count
	# Fails on its first five runs, then runs.
	run_husk run -d --name bs --network none --restart always -v "$d:/d" "$R/busybox" sh -c "$(counting "$d" 5)"
	wait_until 30 backing_off bs 4 "$d"
	local mon
	mon=$(ctr_monitor_pid bs)
	run_husk start bs
	expect_eq "$(ctr_field bs '{{.State.Status}} {{.RestartCount}} {{.State.Restarting}}')" "running 0 false"
	wait_until 10 pid_gone "$mon"
	expect_eq "$(cat "$d/n")" 6 "runs"
	[[ $(ctr_monitor_pid bs) != "$mon" ]] || die "the old monitor still monitors it"
}

@test "restart: inspect, ps --filter restart-policy, update --restart" {
	run_husk create --name p-none "$R/busybox" true
	run_husk create --name p-no --restart no "$R/busybox" true
	run_husk create --name p-al --restart always "$R/busybox" true
	run_husk create --name p-us --restart unless-stopped "$R/busybox" true
	run_husk inspect --format '{{json .HostConfig.RestartPolicy}} {{.RestartCount}}' p-none p-no p-al
	expect_eq "${lines[0]}" '{"Name":"","MaximumRetryCount":0} 0'
	expect_eq "${lines[1]}" '{"Name":"no","MaximumRetryCount":0} 0'
	expect_eq "${lines[2]}" '{"Name":"always","MaximumRetryCount":0} 0'
	run_husk ps -a --filter restart-policy=always --format '{{.Names}}'
	expect_eq "$output" p-al
	run_husk ps -a --filter restart-policy=none --format '{{.Names}}'
	expect_eq "$output" p-none
	run_husk ps -a --filter restart-policy=no --filter restart-policy=unless-stopped --format '{{.Names}}'
	expect_eq "$(sort <<<"$output" | tr '\n' ' ')" "p-no p-us "
	run_husk update --restart on-failure:4 p-none
	run_husk inspect --format '{{json .HostConfig.RestartPolicy}}' p-none
	expect_eq "$output" '{"Name":"on-failure","MaximumRetryCount":4}'
	run_husk 125 update --restart sometimes p-none
	expect_one_error_line
	expect_contains "$stderr" '"sometimes" is not a valid restart policy'
	# update --restart reaches a running container's monitor at its next exit.
	run_husk run -d --name up --network none "$R/busybox" sleep 1000
	run_husk update --restart always up
	local pid
	pid=$(ctr_pid up)
	kill -9 "$pid"
	wait_until 30 restarted up "$pid"
}

@test "restart: start --all --filter restart-policy=always brings back only those" {
	run_husk create --name sa-al --network none --restart always "$R/busybox" sleep 1000
	run_husk create --name sa-no --network none "$R/busybox" sleep 1000
	local id
	id=$(ctr_field sa-al '{{.Id}}')
	run_husk start --all --filter restart-policy=always
	expect_eq "$output" "$id" "--all prints IDs, as podman's"
	expect_eq "$(ctr_status sa-al)" running
	expect_eq "$(ctr_status sa-no)" created
}

@test "restart: refusals: --rm with a policy, bad values, a foreground run" {
	run_husk 125 run --rm --restart always "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "--rm"
	expect_contains "$stderr" "--restart"
	run_husk 125 create --rm --restart on-failure "$R/busybox" true
	run_husk run --rm --restart no --network none "$R/busybox" true
	local v
	for v in bogus always:3 on-failure:x on-failure:-1 no:1; do
		run_husk 125 create --restart "$v" "$R/busybox" true
		expect_one_error_line
	done
	run_husk 125 run --restart always --network none "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "--detach"
	expect_eq "$(storage_containers)" "" "nothing created"
}

@test "restart: HostConfig.RestartPolicy as podman 4.3.1 prints it" {
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	local p i=0
	for p in "" no always unless-stopped on-failure on-failure:0 on-failure:3; do
		i=$((i + 1))
		"$HUSK" create --name "cmp$i" ${p:+--restart "$p"} "$R/busybox" true >/dev/null
		pm create --name "cmp$i" ${p:+--restart "$p"} "$R/busybox" true >/dev/null
		expect_same inspect --format '{{json .HostConfig.RestartPolicy}} {{.RestartCount}} {{.State.Restarting}}' "cmp$i"
		pm rm "cmp$i" >/dev/null
	done
	both run --rm --restart always "$R/busybox" true
	expect_eq "$HUSK_RC $PM_RC" "125 125" "--rm with --restart"
}
