#!/usr/bin/env bats
# The global --events-backend scripts pass (issue 14): file (the default,
# the store's journal) records, none records nothing (a detached
# container's monitor too), journald is refused with the reason.

load helpers

setup_file() { husk_setup_run_file busybox; }

@test "--events-backend none records nothing; journald and unknown backends are 125" {
	run_husk events --stream=false --filter event=died
	local before=${#lines[@]}
	run_husk --events-backend none run --name quiet "$R/busybox" true
	run_husk --events-backend none run -d --name quiet-d "$R/busybox" true
	run_husk wait quiet-d
	run_husk --events-backend none volume create quiet-vol
	run_husk events --stream=false --filter container=quiet --filter container=quiet-d
	expect_eq "$output" "" "no container events"
	run_husk events --stream=false --filter volume=quiet-vol
	expect_eq "$output" "" "no volume events"
	run_husk 125 --events-backend none events --stream=false
	expect_contains "$stderr" "--events-backend file"

	run_husk --events-backend file run --name loud "$R/busybox" true
	run_husk events --stream=false --filter container=loud --filter event=died
	expect_contains "$output" loud
	run_husk events --stream=false --filter event=died
	expect_eq "${#lines[@]}" "$((before + 1))" "only the file run's died event is new"

	run_husk 125 --events-backend journald ps
	expect_one_error_line
	expect_contains "$stderr" "use file or none"
	run_husk 125 --events-backend bogus ps
	expect_contains "$stderr" '"bogus"'
}
