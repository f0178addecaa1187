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

@test "exec --detach-keys: \"\" is husk's behaviour; a key sequence is refused (husk cannot detach an exec)" {
	run_husk run -d --name dk "$R/busybox" sleep 1000
	run_husk exec --detach-keys "" dk echo ok
	expect_eq "$output" ok
	run_husk 125 exec --detach-keys ctrl-a dk echo ok
	expect_one_error_line
	expect_contains "$stderr" "--detach-keys"
	run_husk exec -u 1000:1000 -w /tmp dk sh -c 'echo $(id -u):$(id -g) $PWD'
	expect_eq "$output" "1000:1000 /tmp" "--user and --workdir"
}
