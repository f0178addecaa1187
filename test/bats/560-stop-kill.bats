#!/usr/bin/env bats
# stop and kill as scripts call them (issue 14), with podman 4.3.1's exit
# codes and output: --all, --latest, --cidfile, stop --ignore and
# --filter; a name is printed as given, a container the user did not name
# by its ID; every name is looked up before anything is stopped; stop
# warns, in podman's words, when the stop signal did not stop the
# container in time. The refusals are compared with podman's.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_setup_file
}

# husk's system reset (husk_teardown_file) removes the containers.
teardown_file() { podman_compare_teardown_file; }

teardown() { "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true; }

@test "stop and kill: a missing name is 125 and stops nothing; stop --ignore skips it" {
	run_husk run -d --name s1 "$R/busybox" sleep 1000
	run_husk 125 stop s1 nosuch
	expect_one_error_line
	expect_contains "$stderr" '"nosuch"'
	expect_eq "$(ctr_status s1)" running "every name is looked up before anything is stopped"
	run_husk 125 kill nosuch s1
	expect_eq "$(ctr_status s1)" running
	run_husk stop --ignore nosuch
	expect_eq "$output" ""
	run_husk stop -i -t 0 s1 nosuch
	expect_eq "$output" s1 "the name as given"
	run_husk run -d --name s2 "$R/busybox" sleep 1000
	local id=$output
	run_husk kill "${id:0:12}"
	expect_eq "$output" "${id:0:12}" "the reference as given"
}

@test "stop and kill --all, --latest, --cidfile print IDs; kill --all signals only running containers" {
	run_husk create --name c-created "$R/busybox" true
	local created=$output
	printf '%s\n' "$created" >"$BATS_TEST_TMPDIR/cid"
	run_husk run -d --name c-run1 "$R/busybox" sleep 1000
	local run1=$output
	run_husk run -d --name c-run2 "$R/busybox" sleep 1000
	local run2=$output

	run_husk kill --latest
	expect_eq "$output" "$run2"
	run_husk wait c-run2
	run_husk kill -a
	expect_eq "$output" "$run1" "only the running container"
	run_husk wait c-run1
	run_husk 125 kill --cidfile "$BATS_TEST_TMPDIR/cid"
	expect_contains "$stderr" "not running"
	run_husk stop --cidfile "$BATS_TEST_TMPDIR/cid"
	expect_eq "$output" "$created"
	run_husk 125 stop --cidfile "$BATS_TEST_TMPDIR/missing"
	expect_contains "$stderr" "cidfile"
	run_husk 125 stop --ignore --cidfile "$BATS_TEST_TMPDIR/missing"

	run_husk start c-run1
	run_husk start c-run2
	run_husk stop -a -t 0
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "$created" "$run1" "$run2" | sort)" "stop -a: every container, stopped or not"
	run_husk ps -q
	expect_eq "$output" ""
	run_husk stop -l
	expect_eq "$output" "$run2"
}

@test "stop --filter stops the containers that match" {
	run_husk run -d --name f-one --label stopme=1 "$R/busybox" sleep 1000
	local one=$output
	run_husk run -d --name f-two "$R/busybox" sleep 1000
	run_husk stop -t 0 --filter label=stopme
	expect_eq "$output" "$one"
	run_husk ps --format '{{.Names}}'
	expect_eq "$output" f-two
	run_husk stop -t 0 --filter name=f-t --filter status=running
	run_husk ps -q
	expect_eq "$output" ""
	run_husk 125 stop --filter bogus=1
	run_husk 125 stop --filter name
}

@test "stop -t 1 of a container that ignores its stop signal warns as podman, then kills it" {
	run_husk run -d --name deaf "$R/busybox" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	wait_until 10 logs_contain deaf ready
	run_husk stop -t 1 deaf
	expect_eq "$output" deaf
	expect_contains "$stderr" "StopSignal SIGTERM failed to stop container deaf in 1 seconds, resorting to SIGKILL"
	expect_eq "$(ctr_status deaf)" exited
}

@test "stop and kill refuse what podman refuses, with its exit codes" {
	[[ -z $HUSK_SKIP_REASON ]] || skip "$HUSK_SKIP_REASON"
	local args
	for args in "stop" "kill" "stop -a -l" "kill -a -l" "stop -a x" "kill -a x" "stop -l x" "kill -l x" \
		"stop --cidfile $BATS_TEST_TMPDIR/c x" "stop --filter name=x x" "stop --filter bogus=1" \
		"stop --filter name" "stop nosuch" "kill nosuch" "stop -i nosuch" "stop -a" "kill -a" "stop -l" \
		"stop --cidfile $BATS_TEST_TMPDIR/missing" "stop -i --cidfile $BATS_TEST_TMPDIR/missing"; do
		# shellcheck disable=SC2086
		expect_same $args
	done
	both stop -a -l
	expect_contains "$(cat "$BATS_TEST_TMPDIR/husk.err")" "--all and --latest cannot be used together"
}
