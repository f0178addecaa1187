#!/usr/bin/env bats
# wait --condition, --interval and --latest, and start of several
# containers and start -a -i, as scripts use them (issue 14), with podman
# 4.3.1's output (-1 for a condition that is no stop) and exit codes.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_setup_file
}

# husk's system reset (husk_teardown_file) removes the containers.
teardown_file() { podman_compare_teardown_file; }

teardown() { "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true; }

@test "wait --condition: -1 for a state that is no stop, the exit code for exited and stopped" {
	run_husk create --name w-exit3 "$R/busybox" sh -c 'exit 3'
	run_husk wait --condition created w-exit3
	expect_eq "$output" -1
	run_husk wait --condition running --condition stopped w-exit3
	expect_eq "$output" 0 "a created container is stopped, exit code 0 (as podman)"

	# wait --condition running returns once the container is started
	run_husk create --name w-run "$R/busybox" sleep 1000
	"$HUSK" wait --condition running --interval 50 w-run >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local waiter=$!
	run_husk start w-run
	wait "$waiter" || die "wait --condition running failed: $(cat "$BATS_TEST_TMPDIR/out")"
	expect_eq "$(cat "$BATS_TEST_TMPDIR/out")" -1
	run_husk wait --condition running w-run
	expect_eq "$output" -1

	run_husk start w-exit3
	run_husk wait --condition exited --interval 10ms w-exit3
	expect_eq "$output" 3
	run_husk run -d --name w-last "$R/busybox" sh -c 'exit 5'
	run_husk wait -l
	expect_eq "$output" 5 "the container created last"
	run_husk 125 wait --condition healthy w-run
	expect_contains "$stderr" "has no healthcheck"
	run_husk 125 wait --condition stopping w-run
	expect_contains "$stderr" "no such state"
	run_husk 125 wait --condition bogus w-run
	expect_contains "$stderr" "bogus"
	run_husk 125 wait --interval 1x w-run
	expect_contains "$stderr" "1x"
	run_husk 125 wait
}

@test "start starts several containers (not attached); start -a -i feeds stdin to the container" {
	run_husk create --name st1 "$R/busybox" sleep 1000
	run_husk create --name st2 "$R/busybox" sleep 1000
	run_husk 125 start -a st1 st2
	expect_contains "$stderr" "multiple containers"
	run_husk start st1 st2
	expect_eq "$output" $'st1\nst2'
	run_husk ps --format '{{.Names}}'
	expect_eq "$(sort <<<"$output")" $'st1\nst2'

	run_husk create --name cat1 "$R/busybox" sh -c 'cat; echo done'
	run bash -c "echo hello-stdin | '$HUSK' start -a -i cat1"
	[[ $status -eq 0 ]] || die "start -a -i exited $status: $output"
	expect_eq "$output" $'hello-stdin\ndone'
}

@test "wait and start refuse what podman refuses, with its exit codes" {
	[[ -z $HUSK_SKIP_REASON ]] || skip "$HUSK_SKIP_REASON"
	run_husk create --name cmp1 "$R/busybox" true
	pm create -q --name cmp1 "$R/busybox" true >/dev/null 2>&1 || pm pull -q --tls-verify=false "$R/busybox" >/dev/null
	pm create --name cmp1 "$R/busybox" true >/dev/null 2>&1 || true
	local args
	for args in "wait" "wait nosuch" "wait --condition bogus cmp1" "wait --interval 1x cmp1" \
		"wait --condition created cmp1" "wait --interval 100 cmp1" "start -a cmp1 cmp1" "start nosuch"; do
		# shellcheck disable=SC2086
		expect_same $args
	done
}
