#!/usr/bin/env bats
# A detached container's monitor waits in C (internal/monwait): once the
# container runs, "husk __monitor ID" executes itself into a waiter with no
# Go runtime (one thread, a fraction of a MiB), which logs the output,
# feeds -i's stdin, records the exit code and executes husk again for the
# teardown. Everything the Go monitor did must still work, and the exit
# code must survive a monitor killed between the exit and the teardown.

load helpers

setup_file() { husk_setup_run_file busybox; }

teardown() {
	# A test that failed while holding a container's lock (lockfd, in
	# this shell) would otherwise hold rm -a below forever.
	[[ -z ${lockfd:-} ]] || exec {lockfd}>&-
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# proc_field PID FILE FIELD: a "Field: value" line's value of /proc/PID/FILE
# (the number only).
proc_field() {
	sed -n "s/^$3:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$1/$2"
}

# no_storage_containers: for wait_until (which must run the listing each
# time, not test its output of once).
no_storage_containers() {
	[[ -z $(storage_containers) ]]
}

# threads_are PID N: for wait_until.
threads_are() {
	[[ $(proc_field "$1" status Threads) == "$2" ]]
}

# expect_c_monitor NAME: the monitor of NAME is the C waiter: it still
# says "__monitor ID", has one thread and needs little memory.
expect_c_monitor() {
	local mpid id rss pss
	mpid=$(ctr_monitor_pid "$1")
	id=$(ctr_field "$1" '{{.Id}}')
	[[ $mpid -gt 0 ]] || die "$1 has no monitor"
	# run -d returns once the container runs; the exec follows at once.
	wait_until 10 threads_are "$mpid" 1 ||
		die "the monitor has $(proc_field "$mpid" status Threads) threads; $1 is $(ctr_status "$1")"
	expect_contains "$(tr '\0' ' ' <"/proc/$mpid/cmdline")" "__monitor $id" "the monitor's command line"
	rss=$(proc_field "$mpid" status VmRSS)
	pss=$(proc_field "$mpid" smaps_rollup Pss)
	echo "# monitor of $1: VmRSS $rss kB, PSS $pss kB" >&3
	# RSS counts the pages of libc it maps (shared with every process):
	# about 2 MiB. A Go monitor has 15 or more.
	((rss <= 3072)) || die "the monitor's VmRSS is $rss kB"
	((pss <= 1024)) || die "the monitor's PSS is $pss kB"
}

@test "the monitor waits in C: one thread, under 1 MiB PSS; logs, stop, wait, rm work as before" {
	run_husk run -d --network none --name mc "$R/busybox" sh -c 'trap "echo got TERM; printf no-newline; exit 3" TERM; echo out-line; echo err-line >&2; sleep 1000 & wait'
	expect_c_monitor mc
	wait_until 5 logs_contain mc err-line
	run_husk logs mc
	expect_eq "$output" "out-line" "logs' stdout"
	expect_eq "$stderr" "err-line" "logs' stderr"
	run_husk stop -t 10 mc
	run_husk wait mc
	expect_eq "$output" 3 "wait"
	run_husk ps -a --format '{{.Names}} {{.State}} {{.ExitCode}}'
	expect_eq "$output" "mc exited 3" "ps -a"
	run_husk logs mc
	expect_eq "$output" $'out-line\ngot TERM\nno-newline' "logs after the stop"
	local mcid
	mcid=$(ctr_field mc '{{.Id}}')
	wait_until 10 eval '[[ -z $(user_pids_with "__monitor $mcid") ]]'
	run_husk rm mc
	expect_no_container_leftovers
}

@test "the C waiter reports a signal's death (137) and restart gives the container a new C monitor" {
	run_husk run -d --name mk "$R/busybox" sleep 1000
	expect_c_monitor mk
	run_husk kill mk
	run_husk wait mk
	expect_eq "$output" 137 "wait after kill"
	run_husk start mk
	expect_c_monitor mk
	run_husk rm -f mk
	expect_no_container_leftovers
}

@test "-i: attach feeds stdin through the C waiter, connection after connection" {
	run_husk run -d -i --name mi "$R/busybox" sh -c 'read a; echo a=$a; read b; echo b=$b'
	expect_c_monitor mi
	# The first attach's input does not end (an input that ends closes
	# the container's stdin, as podman's does: 606-detach.bats); killed,
	# it leaves the stdin open for the next one. (husk_bg would give it
	# /dev/null: a background job's stdin must be redirected on the job
	# itself.)
	(printf 'one\n'; until [[ -e $BATS_TEST_TMPDIR/stop ]]; do sleep 0.1; done) 3>&- |
		"$HUSK" attach mi >"$BATS_TEST_TMPDIR/attach1" 2>&1 3>&- &
	local apid=$!
	wait_until 10 logs_contain mi a=one
	kill "$apid"
	# (wait waits for the whole pipeline: the input ends first.)
	touch "$BATS_TEST_TMPDIR/stop"
	wait "$apid" 2>/dev/null || true
	run_husk attach mi <<<"two"
	expect_contains "$output" "b=two" "the second attach's output"
	run_husk wait mi
	expect_eq "$output" 0 "wait"
	run_husk rm mi
}

@test "-t and -i -t: the C waiter logs the terminal and feeds it" {
	run_husk run -d -t --name mt "$R/busybox" sh -c 'echo on-$(tty); sleep 1000'
	expect_c_monitor mt
	wait_until 5 logs_contain mt on-/dev/pts/
	run_husk rm -f mt
	run_husk run -d -i -t --name mit "$R/busybox" sh -c 'read l; echo got-$l'
	expect_c_monitor mit
	run_husk attach mit <<<"word"
	expect_contains "$output" "got-word" "attach's output"
	run_husk wait mit
	expect_eq "$output" 0 "wait"
	run_husk rm mit
	expect_no_container_leftovers
}

@test "the exit code reaches wait when the monitor is killed after the exit, before its teardown recorded it" {
	need_cmd flock
	run_husk run -d --name mx "$R/busybox" sh -c 'trap "exit 7" TERM; sleep 1000 & wait'
	local id dir mpid layer
	id=$(ctr_field mx '{{.Id}}')
	dir=$XDG_DATA_HOME/husk/storage/overlay-containers/$id/userdata
	layer=$(ctr_layer "$id")
	expect_c_monitor mx
	mpid=$(ctr_monitor_pid mx)
	# Holding the container's lock stops the teardown before it records
	# the exit; the "starting" file says it began.
	exec {lockfd}>>"$dir/lock"
	flock "$lockfd"
	kill -TERM "$(ctr_pid mx)"
	wait_until 10 test -e "$dir/starting"
	kill_and_wait "$mpid"
	exec {lockfd}>&-
	unset lockfd
	run_husk wait mx
	expect_eq "$output" 7 "wait"
	run_husk ps -a --format '{{.Names}} {{.State}} {{.ExitCode}}'
	expect_eq "$output" "mx exited 7" "ps -a"
	expect_eq "$(store_overlay_mounts "$layer")" "" "overlay mount"
	run_husk rm mx
	expect_no_container_leftovers
}

@test "--rm -d: the C waiter's teardown removes the container; wait still gets the code" {
	need_cmd flock
	# (The pause after /go lets the exec's touch end before the
	# container's exit kills what is left in its pid namespace.)
	run_husk run -d --rm --name mr "$R/busybox" sh -c 'while [ ! -e /go ]; do sleep 0.05; done; sleep 0.5; exit 4'
	local id dir
	id=$(ctr_field mr '{{.Id}}')
	dir=$XDG_DATA_HOME/husk/storage/overlay-containers/$id/userdata
	expect_c_monitor mr
	# The container's lock holds the teardown before it removes the
	# container: wait finds it, and the exit code the C waiter recorded.
	exec {lockfd}>>"$dir/lock"
	flock "$lockfd"
	run_husk exec mr touch /go
	wait_until 10 test -e "$dir/exit"
	run_husk wait mr
	exec {lockfd}>&-
	unset lockfd
	expect_eq "$output" 4 "wait"
	wait_until 30 no_storage_containers
	run_husk ps -a -q
	expect_eq "$output" "" "ps -a"
	wait_until 10 test -z "$(user_pids_with "__monitor $id")"
	expect_no_container_leftovers
}

@test "HUSK_MONITOR_GO keeps the monitor in Go (the fallback)" {
	HUSK_MONITOR_GO=1 run_husk run -d --name mg "$R/busybox" sh -c 'echo hi; sleep 1000'
	local mpid
	mpid=$(ctr_monitor_pid mg)
	wait_until 5 logs_contain mg hi
	(($(proc_field "$mpid" status Threads) > 1)) || die "the forced Go monitor has one thread"
	run_husk rm -f mg
	expect_no_container_leftovers
}
