#!/usr/bin/env bats
# Healthchecks (issue 16): --health-* and the image's HEALTHCHECK, run
# periodically by the container's monitor (the C waiter's timer; the Go
# monitor's ticker with HUSK_MONITOR_GO) and once by "healthcheck run";
# the record inspect and ps show, the on-failure actions, wait
# --condition healthy, and nothing left behind.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_optional_setup_file busybox
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
}

# health_is NAME STATUS: for wait_until.
health_is() {
	[[ $(ctr_field "$1" '{{.State.Health.Status}}') == "$2" ]]
}

# log_has NAME N: the health record keeps N results.
log_has() {
	[[ $(ctr_field "$1" '{{len .State.Health.Log}}') == "$2" ]]
}

# started_at NAME: the container's start time and pid, to tell a restart.
started_at() {
	ctr_field "$1" '{{.State.StartedAt}} {{.State.Pid}}'
}

@test "a passing check turns the container healthy: inspect, ps, the event" {
	run_husk run -d --network none --name hok --health-cmd 'echo hi-from-check' --health-interval 1s "$R/busybox" sleep 1000
	run_husk inspect --format '{{json .Config.Healthcheck}} {{.Config.HealthcheckOnFailureAction}}' hok
	expect_eq "$output" '{"Test":["CMD-SHELL","echo hi-from-check"],"Interval":1000000000,"Timeout":30000000000,"Retries":3} none'
	wait_until 15 health_is hok healthy
	run_husk inspect --format '{{json .State.Health}}' hok
	expect_eq "$(json '[d["Status"], d["FailingStreak"], d["Log"][-1]["ExitCode"], d["Log"][-1]["Output"]]')" \
		'["healthy", 0, 0, "hi-from-check"]'
	run_husk ps --format '{{.Names}} {{.Status}}'
	expect_match "$output" '^hok Up .* \(healthy\)$'
	run_husk ps -q --filter health=healthy
	expect_eq "$(wc -l <<<"$output")" 1 "ps --filter health=healthy"
	run_husk ps -q --filter health=unhealthy
	expect_eq "$output" "" "ps --filter health=unhealthy"
	run_husk events --stream=false --filter event=health_status --format '{{.Name}} {{.HealthStatus}}'
	expect_contains "$output" "hok healthy"
	run_husk wait --condition healthy hok
	expect_eq "$output" -1
	# The log keeps the last five results.
	wait_until 20 log_has hok 5
}

@test "a failing check turns the container unhealthy after --health-retries failures" {
	run_husk run -d --network none --name hbad --health-cmd 'echo failing; false' --health-retries 2 --health-interval 1s "$R/busybox" sleep 1000
	run_husk ps --format '{{.Names}} {{.Status}}'
	expect_match "$output" '^hbad Up .* \(starting\)$'
	run_husk ps -q --filter health=starting
	expect_eq "$(wc -l <<<"$output")" 1 "ps --filter health=starting"
	run_husk wait --condition unhealthy hbad
	run_husk inspect --format '{{json .State.Health}}' hbad
	expect_eq "$(json 'd["Status"]')" unhealthy
	expect_eq "$(json 'd["FailingStreak"] >= 2')" True
	expect_eq "$(json 'd["Log"][0]["ExitCode"]')" 1
	expect_eq "$(json 'd["Log"][0]["Output"]')" failing
	expect_match "$(json 'd["Log"][0]["Start"]')" '^20[0-9-]+T'
	run_husk ps --format '{{.Names}} {{.Status}}'
	expect_match "$output" '^hbad Up .* \(unhealthy\)$'
	# --health-on-failure none (the default): it keeps running.
	expect_eq "$(ctr_status hbad)" running
}

@test "healthcheck run: 0 healthy, 1 unhealthy, 125 without a healthcheck or when not running" {
	run_husk run -d --network none --name hr-ok --health-cmd true --health-interval disable "$R/busybox" sleep 1000
	run_husk run -d --network none --name hr-bad --health-cmd '["false"]' --health-interval disable --health-retries 1 "$R/busybox" sleep 1000
	run_husk run -d --network none --name hr-none "$R/busybox" sleep 1000
	run_husk inspect --format '{{.State.Health.Status}}' hr-ok
	expect_eq "$output" starting "before any check (interval disabled)"
	run_husk healthcheck run hr-ok
	expect_eq "$output" ""
	expect_eq "$(ctr_field hr-ok '{{.State.Health.Status}}')" healthy
	run_husk 1 healthcheck run hr-bad
	expect_eq "$output" unhealthy
	expect_eq "$(ctr_field hr-bad '{{.State.Health.Status}}')" unhealthy
	run_husk 125 healthcheck run hr-none
	expect_one_error_line
	expect_contains "$stderr" "has no defined healthcheck"
	run_husk stop -t 0 hr-ok
	run_husk 125 healthcheck run hr-ok
	expect_one_error_line
	expect_contains "$stderr" "is not running"
	# A stopped container shows no health.
	expect_eq "$(ctr_field hr-ok '{{.State.Health.Status}}')" ""
	run_husk 125 healthcheck run nosuch
	expect_one_error_line
}

@test "a check that outlives --health-timeout fails" {
	run_husk run -d --network none --name hto --health-cmd 'sleep 30' --health-timeout 1s --health-interval disable "$R/busybox" sleep 1000
	local t0
	t0=$(now_ms)
	run_husk 1 healthcheck run hto
	(($(now_ms) - t0 < 15000)) || die "the check ran $(($(now_ms) - t0)) ms"
	run_husk inspect --format '{{json .State.Health}}' hto
	expect_contains "$(json 'd["Log"][0]["Output"]')" "timeout"
	expect_eq "$(json 'd["FailingStreak"]')" 1
}

@test "failures in --health-start-period do not count" {
	run_husk run -d --network none --name hsp --health-cmd false --health-retries 1 --health-start-period 1h --health-interval disable "$R/busybox" sleep 1000
	run_husk 1 healthcheck run hsp
	run_husk inspect --format '{{json .State.Health}}' hsp
	expect_eq "$(json '[d["Status"], d["FailingStreak"], len(d["Log"])]')" '["starting", 0, 1]'
}

@test "--health-on-failure=kill ends the container; =stop stops it" {
	run_husk run -d --network none --name hkill --health-cmd false --health-retries 1 --health-interval 1s --health-on-failure=kill "$R/busybox" sleep 1000
	run_husk run -d --network none --name hstop --health-cmd false --health-retries 1 --health-interval 1s --health-on-failure stop --stop-timeout 1 "$R/busybox" sleep 1000
	expect_eq "$(ctr_field hkill '{{.Config.HealthcheckOnFailureAction}}')" kill
	run_husk wait hkill
	expect_eq "$output" 137 "killed"
	run_husk wait hstop
	expect_eq "$output" 137 "sleep ignores SIGTERM as PID 1: stop kills it after --stop-timeout"
	expect_eq "$(ctr_status hkill) $(ctr_status hstop)" "exited exited"
}

@test "--health-on-failure=restart restarts the container (new pid and start time)" {
	run_husk run -d --network none --name hrs --health-cmd 'test ! -e /ran-once && touch /ran-once' --health-retries 1 --health-interval 1s --health-on-failure=restart "$R/busybox" sleep 1000
	local first
	first=$(started_at hrs)
	wait_until 30 bash -c "[[ \$('$HUSK' inspect --format '{{.State.StartedAt}} {{.State.Pid}} {{.State.Status}}' hrs) != '$first running' && \$('$HUSK' inspect --format '{{.State.Status}}' hrs) == running ]]"
	run_husk inspect --format '{{.State.Pid}}' hrs
	[[ $output -gt 0 && "$(started_at hrs)" != "$first" ]] || die "not restarted: $first, now $(started_at hrs)"
	run_husk events --stream=false --filter event=restart --format '{{.Name}}'
	expect_contains "$output" hrs
}

@test "the image's HEALTHCHECK is used; flags override it; --no-healthcheck disables it" {
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM %s\nHEALTHCHECK --interval=1s --timeout=5s --retries=4 CMD ["/bin/echo", "from-image"]\n' "$R/busybox" >"$ctx/Containerfile"
	run_husk build -q --format docker -t localhost/hc-image "$ctx"
	run_husk run -d --network none --name himg localhost/hc-image sleep 1000
	run_husk inspect --format '{{json .Config.Healthcheck}}' himg
	expect_eq "$output" '{"Test":["CMD","/bin/echo","from-image"],"Interval":1000000000,"Timeout":5000000000,"Retries":4}'
	wait_until 15 health_is himg healthy
	run_husk inspect --format '{{(index .State.Health.Log 0).Output}}' himg
	expect_eq "$output" from-image
	run_husk create --name hflags --health-retries 7 --health-cmd 'echo flag' localhost/hc-image
	run_husk inspect --format '{{json .Config.Healthcheck}}' hflags
	expect_eq "$output" '{"Test":["CMD-SHELL","echo flag"],"Interval":1000000000,"Timeout":5000000000,"Retries":7}'
	run_husk create --name hnone --no-healthcheck localhost/hc-image
	run_husk inspect --format '{{json .Config.Healthcheck}}' hnone
	expect_eq "$output" null
	run_husk 125 healthcheck run hnone
}

@test "bad healthcheck flags: 125 with one line naming the flag" {
	local args
	for args in "--health-interval bogus" "--health-timeout 0s" "--health-retries 0" \
		"--health-start-period -1s" "--health-on-failure bogus" "--no-healthcheck --health-cmd true" "--health-cmd []"; do
		# shellcheck disable=SC2086
		run_husk 125 create --network none $args "$R/busybox" true
		expect_one_error_line
		expect_contains "$stderr" "--" "$args"
	done
	run_husk 125 wait --condition healthy nosuch
	run_husk create --network none --name hnocheck "$R/busybox" true
	run_husk 125 wait --condition healthy hnocheck
	expect_contains "$stderr" "has no healthcheck"
}

@test "the Go monitor (HUSK_MONITOR_GO) runs the checks too" {
	HUSK_MONITOR_GO=1 run_husk run -d --network none --name hgo --health-cmd 'echo go' --health-interval 1s "$R/busybox" sleep 1000
	wait_until 15 health_is hgo healthy
}

@test "a foreground run's checks run from husk run itself" {
	run_husk run --network none --name hfg --health-cmd 'touch /checked' --health-interval 1s "$R/busybox" \
		sh -c 'for i in $(seq 150); do [ -e /checked ] && echo checked && exit 0; sleep 0.1; done; exit 1'
	expect_eq "$output" checked
}

@test "rm -f leaves no check behind; the waiter stays small" {
	run_husk run -d --network none --name hleak --health-cmd 'sleep 100' --health-interval 1s --health-timeout 60s "$R/busybox" sleep 1000
	local mpid id
	mpid=$(ctr_monitor_pid hleak)
	id=$(ctr_field hleak '{{.Id}}')
	# A check is running (sleep 100 in the container, the check's husk
	# beside the monitor).
	wait_until 15 bash -c "pgrep -u $(id -u) -f '__healthcheck $id' >/dev/null"
	local pss
	pss=$(sed -n 's/^Pss:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$mpid/smaps_rollup")
	echo "# the waiter with a healthcheck: PSS $pss kB" >&3
	((pss <= 1024)) || die "the monitor's PSS is $pss kB"
	run_husk rm -f -t 0 hleak
	wait_until 10 pid_gone "$mpid"
	expect_eq "$(user_pids_with "__healthcheck $id")" "" "check processes"
	expect_no_container_leftovers
}

@test "inspect's Health and Healthcheck, healthcheck run's output and codes: as podman 4.3.1" {
	[[ -z $PM_SKIP ]] || skip "$PM_SKIP"
	local args=(run -d --network none --name hcmp --health-cmd 'echo cmp' --health-interval disable --health-retries 2 "$R/busybox" sleep 1000)
	run_husk "${args[@]}"
	run_pm "${args[@]}"
	run_pm create --network none --name hcmp-none "$R/busybox" true
	run_husk create --network none --name hcmp-none "$R/busybox" true
	expect_same inspect --format '{{json .Config.Healthcheck}} {{.Config.HealthcheckOnFailureAction}} {{json .State.Health}}' hcmp-none
	expect_same inspect --format '{{json .Config.Healthcheck}} {{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}}' hcmp
	expect_same healthcheck run hcmp
	expect_same inspect --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{(index .State.Health.Log 0).ExitCode}} {{(index .State.Health.Log 0).Output}}' hcmp
	# The JSON shape of State.Health (keys, types).
	both inspect --format '{{json .State.Health}}' hcmp
	expect_eq "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sorted(d), sorted(d["Log"][0]))' "$HUSK_OUT")" \
		"$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sorted(d), sorted(d["Log"][0]))' "$PM_OUT")"
	both healthcheck run hcmp-none
	expect_eq "$HUSK_RC $PM_RC" "125 125"
	pm rm -f -t 0 hcmp hcmp-none >/dev/null 2>&1 || true
}
