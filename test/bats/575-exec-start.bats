#!/usr/bin/env bats
# exec, start, update, restart, pause and the global flags as scripts use
# them with podman (issue 14): exec --env-file --privileged --preserve-fds
# --latest --detach-keys; start --all --filter --latest; --runtime-flag,
# --storage-opt, --pidfile, --conmon-pidfile, --log-level. Compared with
# podman 4.3.1 where it can run the same line here.

load helpers
load podman-compare

setup_file() { podman_compare_setup_file busybox; }
teardown_file() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	podman_compare_teardown_file
}
teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	[[ -z ${PODMAN_DIR:-} ]] || pm rm -a -f -t 0 >/dev/null 2>&1 || true
}

# on_both_run NAME ARGS...: a detached container NAME running ARGS, with
# husk and with podman (when it can run here).
on_both_run() {
	local name=$1
	shift
	run_husk run -d --name "$name" "$R/busybox" "$@"
	[[ -z ${PODMAN_DIR:-} || -n $(podman_problem) ]] || pm run -d --name "$name" "$R/busybox" "$@" >/dev/null
}

need_podman() {
	local why
	why=$(podman_problem)
	[[ -z $why ]] || skip "$why"
}

@test "exec --env-file reads the file as run does; -e wins over it (as podman)" {
	printf '# a comment\nA=1\n  B=two words\nC=file\n' >"$BATS_TEST_TMPDIR/env"
	on_both_run ef sleep 1000
	run_husk exec --env-file "$BATS_TEST_TMPDIR/env" -e C=flag ef sh -c 'echo "$A|$B|$C"'
	expect_eq "$output" "1|two words|flag"
	run_husk 125 exec --env-file "$BATS_TEST_TMPDIR/nosuch" ef true
	expect_contains "$stderr" "--env-file"
	printf 'BAD NAME=1\n' >"$BATS_TEST_TMPDIR/bad"
	run_husk 125 exec --env-file "$BATS_TEST_TMPDIR/bad" ef true
	expect_contains "$stderr" "line 1"
	need_podman
	expect_same exec --env-file "$BATS_TEST_TMPDIR/env" -e C=flag ef sh -c 'echo "$A|$B|$C"'
	expect_same exec --env-file "$BATS_TEST_TMPDIR/nosuch" ef true
}

@test "exec --privileged: every capability (bounding set too), the seccomp filter stays (as podman)" {
	on_both_run priv sleep 1000
	run_husk exec priv grep CapBnd /proc/self/status
	expect_not_contains "$output" "000001ffffffffff" "without --privileged"
	run_husk exec --privileged priv grep -E '^(CapBnd|CapEff|CapPrm|Seccomp):' /proc/self/status
	expect_eq "$output" $'CapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\nSeccomp:\t2'
	run_husk exec --privileged -u 1000 priv grep -E '^(CapBnd|CapEff)' /proc/self/status
	expect_eq "$output" $'CapEff:\t0000000000000000\nCapBnd:\t000001ffffffffff' "another user: the bounding set only"
	need_podman
	expect_same exec --privileged priv grep -E '^(CapBnd|CapEff|CapPrm|Seccomp):' /proc/self/status
	expect_same exec --privileged -u 1000 priv grep -E '^(CapBnd|CapEff|CapPrm)' /proc/self/status
}

@test "exec --preserve-fds N passes descriptors 3..3+N-1 (foreground and -d); a missing one is refused" {
	on_both_run pfd sleep 1000
	echo first >"$BATS_TEST_TMPDIR/f3"
	echo second >"$BATS_TEST_TMPDIR/f4"
	run bash -c "'$HUSK' exec --preserve-fds 2 pfd sh -c 'cat <&3; cat <&4; ls /proc/self/fd' 3<'$BATS_TEST_TMPDIR/f3' 4<'$BATS_TEST_TMPDIR/f4'"
	[[ $status -eq 0 ]] || die "exec --preserve-fds 2 exited $status: $output"
	expect_contains "$output" $'first\nsecond'
	expect_not_contains "$output" $'\n5\n' "only two descriptors are passed"
	run bash -c "'$HUSK' exec -d --preserve-fds 1 pfd sh -c 'cat <&3 >/tmp/from-fd3' 3<'$BATS_TEST_TMPDIR/f3'"
	[[ $status -eq 0 ]] || die "exec -d --preserve-fds 1 exited $status: $output"
	local i
	for i in $(seq 50); do
		run_husk exec pfd cat /tmp/from-fd3
		[[ $output != first ]] || break
		sleep 0.1
	done
	expect_eq "$output" first "a detached exec got descriptor 3"
	run bash -c "'$HUSK' exec --preserve-fds 3 pfd true 3</dev/null 4</dev/null 5<&-"
	[[ $status -eq 125 ]] || die "a missing descriptor: exit $status, want 125: $output"
	expect_contains "$output" "descriptor 5"
	need_podman
	both exec --preserve-fds 1 pfd true 3<&-
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "fd 3 closed: husk $HUSK_RC, podman $PM_RC"
}

@test "exec -l runs in the container created last; exec without a command or container is 125" {
	on_both_run first sleep 1000
	on_both_run last sleep 1000
	run_husk exec -l cat /etc/hostname
	expect_eq "$output" "$("$HUSK" inspect --format '{{.Config.Hostname}}' last)"
	run_husk exec --latest sh -c 'echo $0' latest-arg
	expect_eq "$output" latest-arg "every argument is the command"
	run_husk 125 exec
	expect_contains "$stderr" "--latest"
	run_husk 125 exec last
	expect_contains "$stderr" "command"
	run_husk 125 exec -l
	need_podman
	# podman 4.3.1 ends "exec CTR" (no command) with 255: husk's own
	# errors are 125.
	local args
	for args in "exec" "exec nosuch true" "exec -l true"; do
		# shellcheck disable=SC2086
		expect_same $args
	done
}

@test "exec --detach-keys: \"\" never detaches; keys without -t -i are refused (nothing to detach from; exec -it detaches: 606-detach.bats)" {
	run_husk run -d --name dk "$R/busybox" sleep 1000
	run_husk exec --detach-keys "" dk echo ok
	expect_eq "$output" ok
	run_husk 125 exec --detach-keys ctrl-a dk echo ok
	expect_one_error_line
	expect_contains "$stderr" "--detach-keys"
	expect_contains "$stderr" "--tty"
	run_husk exec -u 1000:1000 -w /tmp dk sh -c 'echo $(id -u):$(id -g) $PWD'
	expect_eq "$output" "1000:1000 /tmp" "--user and --workdir"
}

@test "start prints each name or ID as given; a running container prints nothing (as podman 4.3.1)" {
	run_husk create --name sa "$R/busybox" sleep 1000
	local id
	id=$("$HUSK" inspect --format '{{.ID}}' sa)
	run_husk start "${id:0:12}"
	expect_eq "$output" "${id:0:12}" "the short ID as given"
	run_husk start sa
	expect_eq "$output" "" "already running: nothing printed"
	run_husk create --name sb "$R/busybox" sleep 1000
	run_husk start sa sb
	expect_eq "$output" sb "only the one started is printed"
	need_podman
	on_both create --name pa "$R/busybox" sleep 1000
	expect_same start pa
	expect_same start pa
	expect_same start nosuch
}

@test "start --all, --filter, --latest: the containers started, by full ID (as podman 4.3.1)" {
	run_husk create --name a1 --label grp=x "$R/busybox" sleep 1000
	run_husk create --name a2 --label grp=x "$R/busybox" sleep 1000
	run_husk create --name a3 "$R/busybox" sleep 1000
	local id1 id2 id3
	id1=$("$HUSK" inspect --format '{{.ID}}' a1)
	id2=$("$HUSK" inspect --format '{{.ID}}' a2)
	id3=$("$HUSK" inspect --format '{{.ID}}' a3)
	run_husk start --filter label=grp=x a2 a3
	expect_eq "$output" "$id2" "names narrow the filter"
	run_husk start --filter label=grp=x
	expect_eq "$output" "$id1" "a2 runs already"
	run_husk start -l
	expect_eq "$output" "$id3"
	run_husk stop -t 0 a1 a3
	run_husk start --all
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "$id1" "$id3" | sort)"
	run_husk ps -q --no-trunc
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "$id1" "$id2" "$id3" | sort)"
	run_husk 125 start --filter bogus=1
	expect_one_error_line
	run_husk 125 start --filter nokey
	# Keys are taken (they detach an attached start: 606-detach.bats);
	# bad ones are refused.
	run_husk 125 start --detach-keys ctrl-1 a1
	expect_contains "$stderr" "invalid detach keys"
	need_podman
	local args
	for args in "start" "start --all --latest" "start -l a1" "start --all a1" "start -a --all" "start -a a1 a2" \
		"start --filter bogus=1" "start --sig-proxy a1" "start --filter name=nomatch"; do
		# shellcheck disable=SC2086
		both $args
		[[ $HUSK_RC -eq $PM_RC ]] || die "$args: husk exited $HUSK_RC, podman $PM_RC: $(cat "$BATS_TEST_TMPDIR/husk.err")"
	done
	on_both create --name pf1 --label grp=y "$R/busybox" sleep 1000
	on_both create --name pf2 "$R/busybox" sleep 1000
	both start --filter label=grp=y pf1 pf2
	[[ $HUSK_RC -eq 0 && $PM_RC -eq 0 && ${#HUSK_OUT} -eq 64 && ${#PM_OUT} -eq 64 ]] ||
		die "start --filter NAME...: husk ($HUSK_RC) $HUSK_OUT, podman ($PM_RC) $PM_OUT"
}

@test "restart --all, --running, --filter, --latest, -t; pause and unpause --all, --latest" {
	run_husk run -d --name r1 "$R/busybox" sleep 1000
	run_husk create --name r2 "$R/busybox" sleep 1000
	local pid1
	pid1=$(ctr_pid r1)
	run_husk restart -a --running -t 0
	expect_eq "$output" "$("$HUSK" inspect --format '{{.ID}}' r1)"
	[[ $(ctr_pid r1) != "$pid1" ]] || die "r1 was not restarted"
	expect_eq "$(ctr_status r2)" created "--running leaves r2"
	run_husk restart -t 0 --filter name=r2
	expect_eq "$(ctr_status r2)" running
	run_husk restart -l -t 0
	expect_eq "$output" "$("$HUSK" inspect --format '{{.ID}}' r2)"
	run_husk restart -t 0 r1
	expect_eq "$output" r1
	run_husk 125 restart
	run_husk 125 restart -a r1

	if ! "$HUSK" pause r1 >/dev/null 2>"$BATS_TEST_TMPDIR/pause.err"; then
		skip "pause does not work here: $(cat "$BATS_TEST_TMPDIR/pause.err")"
	fi
	run_husk pause -a
	expect_eq "$output" "$("$HUSK" inspect --format '{{.ID}}' r2)" "r1 is paused already"
	run_husk unpause -a
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "$("$HUSK" inspect --format '{{.ID}}' r1)" "$("$HUSK" inspect --format '{{.ID}}' r2)" | sort)"
	run_husk pause -l
	expect_eq "$(ctr_status r2)" paused
	run_husk unpause --filter name=r2
	expect_eq "$(ctr_status r2)" running
	run_husk 125 pause
}

@test "update CTR without a limit changes nothing and prints the ID (as podman 4.3.1)" {
	run_husk run -d --name up0 "$R/busybox" sleep 1000
	run_husk update up0
	expect_eq "$output" "$("$HUSK" inspect --format '{{.ID}}' up0)"
	expect_eq "$(ctr_status up0)" running
	run_husk 125 update nosuch
	run_husk create --name upc "$R/busybox" true
	run_husk update upc
	expect_eq "$output" "$("$HUSK" inspect --format '{{.ID}}' upc)" "a created container too (podman 4.3.1 runs runc update on it and fails)"
	need_podman
	on_both_run up1 sleep 1000
	both update up1
	[[ $HUSK_RC -eq 0 && $PM_RC -eq 0 && ${#HUSK_OUT} -eq 64 && ${#PM_OUT} -eq 64 ]] ||
		die "update without a limit: husk ($HUSK_RC) $HUSK_OUT, podman ($PM_RC) $PM_OUT"
	expect_same update nosuch
}

@test "--runtime-flag reaches the OCI runtime as --FLAG; a dashed value is refused" {
	run_husk 125 --runtime-flag no-such-runtime-option run --rm "$R/busybox" true
	expect_contains "$stderr" "OCI runtime"
	run_husk 125 --runtime-flag --debug run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "without its dashes"
	# The runtime writes its log where --runtime-flag log= says (husk's
	# own --log still wins for create and exec, whose errors it reads).
	# --network pasta: the container waits in the created state for its
	# helper, so a separate "runc start" runs (with the default network a
	# single "runc run" creates and starts it, and the delete after the
	# exit runs in husk's process).
	local log=$BATS_TEST_TMPDIR/runtime.log
	run_husk --runtime-flag debug --runtime-flag "log=$log" run -d --network pasta --name rtf "$R/busybox" sleep 1000
	run_husk --runtime-flag debug --runtime-flag "log=$log" update --pids-limit 50 rtf || true
	run_husk --runtime-flag debug --runtime-flag "log=$log" rm -f -t 0 rtf
	[[ -e $log ]] || die "the runtime did not get --log=$log"
	run_husk run --rm --name rtf2 "$R/busybox" true
}

@test "--storage-opt goes to the storage driver, which refuses keys it does not know" {
	run_husk --storage-opt overlay.ignore_chown_errors=true images
	run_husk --storage-opt "" images
	run_husk 125 --storage-opt bogus=1 images
	expect_one_error_line
	expect_contains "$stderr" "bogus"
	need_podman
	both --storage-opt bogus=1 images
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "--storage-opt bogus=1: husk $HUSK_RC, podman $PM_RC"
}

@test "run/create --pidfile and --conmon-pidfile: the container's and its monitor's pids at each start (as podman 4.3.1)" {
	cd "$BATS_TEST_TMPDIR"
	run_husk run -d --name pidf --pidfile ctr.pid --conmon-pidfile mon.pid "$R/busybox" sleep 1000
	expect_eq "$(cat ctr.pid)" "$(ctr_pid pidf)" "--pidfile (relative: the directory of the command)"
	expect_eq "$(cat mon.pid)" "$(ctr_monitor_pid pidf)" "--conmon-pidfile"
	[[ $(wc -l <ctr.pid) -eq 0 ]] || die "podman writes no newline"
	run_husk inspect --format '{{.PidFile}} {{.ConmonPidFile}}' pidf
	expect_eq "$output" "$BATS_TEST_TMPDIR/ctr.pid $BATS_TEST_TMPDIR/mon.pid" "inspect"
	run_husk stop -t 0 pidf
	run_husk start pidf
	expect_eq "$(cat ctr.pid)" "$(ctr_pid pidf)" "rewritten at the next start"
	run_husk create --name pidc --pidfile "$BATS_TEST_TMPDIR/c.pid" "$R/busybox" sleep 1000
	[[ ! -e c.pid ]] || die "written before the start"
	run_husk start pidc
	expect_eq "$(cat c.pid)" "$(ctr_pid pidc)"
	run_husk run --rm --pidfile fg.pid --conmon-pidfile fgmon.pid "$R/busybox" true
	[[ -s fg.pid && -s fgmon.pid ]] || die "a foreground run writes both"
	run_husk 125 run --rm --pidfile /nonexistent/dir/x.pid "$R/busybox" true
}

@test "--log-level takes podman's levels" {
	local l
	for l in trace debug info warn warning error fatal panic; do
		run_husk --log-level "$l" version
	done
	run_husk 125 --log-level bogus version
	expect_contains "$stderr" "trace"
}
