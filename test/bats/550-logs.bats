#!/usr/bin/env bats
# husk logs as podman 4.3.1 has it: a container run in the foreground
# (with or without -t) and one started with start --attach have a log
# too; logs of several containers at once, their lines prefixed with the
# short ID or (--names) the name; --until (times and durations as podman
# reads them); -t with podman's nine-digit times. Where podman is
# installed the same command lines run with it and the outputs compare.

load helpers
load podman-compare

setup_file() { podman_compare_setup_file busybox; }
teardown_file() { podman_compare_teardown_file; }

@test "logs: a container run in the foreground has a log (stdout and stderr, a last line without newline)" {
	run_husk run --name fg "$R/busybox" sh -c 'echo one; echo err >&2; printf nonl'
	expect_eq "$output" $'one\nnonl' "the run itself still shows stdout"
	expect_eq "$stderr" err "the run itself still shows stderr"
	run_husk logs fg
	expect_eq "$output" $'one\nnonl' "stdout of logs"
	expect_eq "$stderr" "err" "stderr of logs"
	pm run --name fg "$R/busybox" sh -c 'echo one; echo err >&2; printf nonl' >/dev/null 2>&1
	expect_same_ordered logs fg
}

@test "logs: a foreground container with -t has its terminal's output logged (with \\r\\n, as podman)" {
	run_husk run -t --name fgt "$R/busybox" sh -c 'echo tty1; echo tty2'
	run bash -c '"$HUSK" logs fgt | od -An -c | tr -s " "'
	expect_eq "$output" " t t y 1 \r \n t t y 2 \r \n" "logs of a -t container"
	pm run -t --name fgt "$R/busybox" sh -c 'echo tty1; echo tty2' >/dev/null 2>&1
	HUSK_OD=$("$HUSK" logs fgt | od -An -c)
	PM_OD=$(pm logs fgt | od -An -c)
	expect_eq "$HUSK_OD" "$PM_OD" "husk's and podman's logs of a -t container"
}

@test "logs: start --attach writes the log, each start adding to it" {
	run_husk create --name sa "$R/busybox" echo attached
	run_husk start -a sa
	expect_eq "$output" attached
	run_husk start --attach sa
	run_husk logs sa
	expect_eq "$output" $'attached\nattached' "logs after two attached starts"
	on_both create --name sa2 "$R/busybox" echo attached
	on_both start -a sa2
	on_both start -a sa2
	expect_same_ordered logs sa2
}

@test "logs: several containers, each line prefixed with the short ID, or with --names the name" {
	run_husk run --name m1 "$R/busybox" sh -c 'echo a1; echo a2'
	run_husk run --name m2 "$R/busybox" echo b1
	local id1 id2
	id1=$("$HUSK" inspect -f '{{.ID}}' m1 | cut -c1-12)
	id2=$("$HUSK" inspect -f '{{.ID}}' m2 | cut -c1-12)
	run_husk logs m1 m2
	expect_eq "$(sort <<<"$output")" "$(printf '%s a1\n%s a2\n%s b1' "$id1" "$id1" "$id2" | sort)" "logs of two"
	run_husk logs --names m1 m2
	expect_eq "$(sort <<<"$output")" $'m1 a1\nm1 a2\nm2 b1' "logs --names of two"
	run_husk logs -n m1
	expect_eq "$output" $'a1\na2' "--names of one log: no prefix (as podman)"
	run_husk logs -n -t m2
	expect_match "$output" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z b1$' "-n -t of one log: the time with nine digits, as podman"
	run_husk logs -n -t m1 m2
	expect_match "${lines[0]}" '^m[12] [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z [ab][12]$' "-n -t of two: the name, then the time"
	run_husk logs --tail 1 -n m1 m2
	expect_eq "$(sort <<<"$output")" $'m1 a2\nm2 b1' "--tail counts in each log"
	pm run --name m1 "$R/busybox" sh -c 'echo a1; echo a2' >/dev/null 2>&1
	pm run --name m2 "$R/busybox" echo b1 >/dev/null 2>&1
	expect_same logs --names m1 m2
	expect_same logs -n --tail 1 m1 m2
}

@test "logs: a name that is no container among several: 125, one error line, nothing printed" {
	run_husk run --name e1 "$R/busybox" echo x
	run_husk 125 logs e1 nosuch
	expect_one_error_line
	expect_contains "$stderr" nosuch
	[[ $output != *x* ]] || die "printed a log before the error: $output"
	on_both run --name e1 "$R/busybox" echo x
	expect_same logs e1 nosuch
}

@test "logs --until: times, dates, Unix times and durations as podman reads them (a duration counts on from now)" {
	run_husk run --name u1 "$R/busybox" sh -c 'echo early'
	run_husk logs --until 2000-01-01 u1
	expect_eq "$output" "" "--until a date long past"
	run_husk logs --until 946684800 u1
	expect_eq "$output" "" "--until a Unix time long past"
	run_husk logs --until 2000-01-01T00:00:00Z u1
	expect_eq "$output" ""
	run_husk logs --until 1h u1
	expect_eq "$output" early "--until 1h (an hour from now, as podman 4.3.1)"
	run_husk logs --until 2999-01-01T00:00:00.5Z --since 2000-01-01 u1
	expect_eq "$output" early
	run_husk logs --since 1h u1
	expect_eq "$output" early
	run_husk logs --since 2999-01-01 u1
	expect_eq "$output" ""
	run_husk 125 logs --until bogus u1
	expect_one_error_line
	expect_contains "$stderr" '"bogus"'
	run_husk 125 logs --since 2020-01-01T10:00 u1
	expect_one_error_line
	on_both run --name u1 "$R/busybox" sh -c 'echo early'
	local v
	for v in 2000-01-01 946684800 1h 2999-01-01T00:00:00.5Z bogus 2020-01-01T10:00; do
		expect_same logs --until "$v" u1
	done
}

@test "logs -f of several containers follows them side by side and returns once all have stopped" {
	run_husk run -d --name ff1 "$R/busybox" sh -c 'echo a1; sleep 1; echo a2'
	run_husk run -d --name ff2 "$R/busybox" sh -c 'echo b1; sleep 2; echo b2'
	run timeout 30 "$HUSK" logs -f -n ff1 ff2
	expect_eq "$status" 0 "logs -f of two (124: it did not return)"
	expect_eq "$(sort <<<"$output")" $'ff1 a1\nff1 a2\nff2 b1\nff2 b2'
}
