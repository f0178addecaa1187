#!/usr/bin/env bats
# husk logs on large logs: --tail reads from the end in little time and
# memory, logs streams and stops promptly on SIGINT and SIGTERM, and the
# log of a chatty detached container stays within its rotation limits
# (default 20m x 2 files; --log-opt max-size, max-file, max-size=-1).
# (The everyday logs tests are in 200-detached.bats.)

load helpers

# A container "big" with a log of about 100 MB (rotation off) ending in
# THE-END, shared by the tests of the file.
BIG_LINES=100000

setup_file() {
	husk_setup_run_file busybox
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	"$HUSK" run -d --name big --log-opt max-size=-1 "$R/busybox" sh -c \
		"x=\$(head -c 1000 /dev/zero | tr '\\0' x); yes \"\$x\" | head -n $BIG_LINES; echo THE-END" >/dev/null
	"$HUSK" wait big >/dev/null
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -f chatty chatty3 deflt follow >/dev/null 2>&1 || true
}

# big_log: the path of big's log.
big_log() {
	echo "$(ctr_field big '{{.Bundle}}')/ctr.log"
}

# peak_rss_kb OUT CMD...: run CMD with stdout to OUT and print its peak
# resident memory in KiB (GNU time's %M when installed, else the VmHWM of
# /proc/PID/status read until it exits, a high-water mark).
peak_rss_kb() {
	local out=$1
	shift
	if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M true 2>/dev/null; then
		/usr/bin/time -o "$BATS_TEST_TMPDIR/rss" -f %M "$@" >"$out" || return 1
		tail -n 1 "$BATS_TEST_TMPDIR/rss"
		return
	fi
	"$@" >"$out" &
	local pid=$! hwm=0 v
	while kill -0 "$pid" 2>/dev/null; do
		v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) && [[ -n $v ]] && hwm=$v
		sleep 0.01
	done
	wait "$pid" || return 1
	echo "$hwm"
}

@test "logs --tail 1 of a 100 MB log: the last line, in little time and memory" {
	local log size
	log=$(big_log)
	size=$(stat -c %s "$log")
	((size > 100000000)) || die "big's log is only $size bytes"
	[[ ! -e $log.1 ]] || die "max-size=-1 rotated the log: $(ls -l "$log"*)"
	expect_eq "$(ctr_field big '{{.HuskConfig.LogMaxSize}}')" -1 "LogMaxSize with max-size=-1"

	local t0 ms rss out=$BATS_TEST_TMPDIR/out
	t0=$(now_ms)
	rss=$(peak_rss_kb "$out" "$HUSK" logs --tail 1 big) || die "logs --tail 1 failed"
	ms=$(($(now_ms) - t0))
	expect_eq "$(cat "$out")" THE-END "logs --tail 1"
	# Reading the whole log into memory took 20 s and 1 GB here; reading
	# from the end takes about 0.1 s and 15 MB.
	((rss < 100000)) || die "logs --tail 1 of a $size-byte log peaked at $rss KiB"
	((ms < 5000)) || die "logs --tail 1 of a $size-byte log took $ms ms"

	run_husk logs --tail 2 -t big
	expect_eq "${#lines[@]}" 2 "lines of --tail 2 -t"
	expect_match "${lines[0]}" '^[0-9]{4}-[^ ]+ x{1000}$' "the line before the last"
	expect_match "${lines[1]}" '^[0-9]{4}-[^ ]+ THE-END$' "the last line"
}

@test "logs of a 100 MB log streams it whole in bounded memory" {
	local rss out=$BATS_TEST_TMPDIR/out
	rss=$(peak_rss_kb "$out" "$HUSK" logs big) || die "logs failed"
	expect_eq "$(wc -l <"$out")" $((BIG_LINES + 1)) "lines printed"
	expect_eq "$(tail -n 1 "$out")" THE-END "the last line"
	expect_eq "$(sort -u <(head -n $BIG_LINES "$out") | wc -l)" 1 "distinct lines before the last"
	((rss < 100000)) || die "logs of a 100 MB log peaked at $rss KiB"
}

# slow_reader FIFO STARTED: read FIFO at about 400 KB/s (100 MB would take
# minutes) until EOF; create STARTED after the first read.
slow_reader() {
	python3 -c '
import os, sys, time
with open(sys.argv[1], "rb") as f:
    first = True
    while f.read(4096):
        if first:
            open(sys.argv[2], "w").close()
            first = False
        time.sleep(0.01)
' "$1" "$2"
}

# stuck_reader FIFO STARTED: open FIFO, read once, then never again.
stuck_reader() {
	python3 -c '
import sys, time
f = open(sys.argv[1], "rb")
f.read(1)
open(sys.argv[2], "w").close()
time.sleep(120)
' "$1" "$2"
}

# logs_stops_on SIGNAL READER: husk logs big writing into a FIFO that
# READER (slow_reader or stuck_reader) reads ends within 5 s of SIGNAL
# with exit code 0 (podman 4.3's logs exits at once too, 0 on SIGTERM;
# an interrupted logs did what it was asked).
logs_stops_on() {
	local sig=$1 reader=$2 fifo=$BATS_TEST_TMPDIR/fifo started=$BATS_TEST_TMPDIR/started rpid pid t0
	rm -f "$fifo" "$started"
	mkfifo "$fifo"
	"$reader" "$fifo" "$started" 3>&- &
	rpid=$!
	"$HUSK" logs big >"$fifo" 2>"$BATS_TEST_TMPDIR/stderr" 3>&- &
	pid=$!
	wait_until 30 test -e "$started"
	sleep 0.2
	pid_alive "$pid" || die "logs ended before the signal (exit: $(wait "$pid"; echo $?))"
	t0=$(now_ms)
	kill -"$sig" "$pid"
	wait_bg "$pid" 5
	local ms=$(($(now_ms) - t0))
	kill "$rpid" 2>/dev/null || true
	wait "$rpid" 2>/dev/null || true
	expect_eq "$status" 0 "exit code of logs after SIG$sig ($reader)"
	expect_eq "$(cat "$BATS_TEST_TMPDIR/stderr")" "" "stderr of logs after SIG$sig"
	echo "# SIG$sig with $reader: logs ended after $ms ms" >&3
}

@test "logs of a 100 MB log stops promptly on SIGINT and SIGTERM" {
	logs_stops_on INT slow_reader
	logs_stops_on TERM slow_reader
	# A reader that stopped reading leaves husk in a blocked write; it
	# ends all the same.
	logs_stops_on INT stuck_reader
	logs_stops_on TERM stuck_reader
}

@test "logs -f stops on SIGINT and SIGTERM" {
	run_husk run -d --name follow "$R/busybox" sh -c 'echo up; exec sleep 1000'
	wait_until 5 logs_contain follow up
	local sig out=$BATS_TEST_TMPDIR/follow
	for sig in INT TERM; do
		husk_bg "$out" logs -f follow
		wait_for_line "$out" '^up$'
		kill -"$sig" "$HUSK_BG_PID"
		wait_bg "$HUSK_BG_PID" 5
		expect_eq "$status" 0 "exit code of logs -f after SIG$sig"
	done
	run_husk rm -f follow
}

# log_files NAME: the names of NAME's log files, one a line.
log_files() {
	local dir
	dir=$(ctr_field "$1" '{{.Bundle}}')
	(cd "$dir" && ls ctr.log*)
}

# expect_log_bounded NAME MAX_SIZE MAX_FILES: NAME's log files are at most
# MAX_FILES, each at most MAX_SIZE plus one line, and logs prints the end
# of the output (lines "line-N-..." and then "done") with no line missing.
expect_log_bounded() {
	local name=$1 max=$2 files=$3 dir f size total=0 longest n
	dir=$(ctr_field "$name" '{{.Bundle}}')
	n=$(log_files "$name" | wc -l)
	((n <= files)) || die "$name has $n log files, more than $files: $(ls -l "$dir"/ctr.log*)"
	for f in "$dir"/ctr.log*; do
		size=$(stat -c %s "$f")
		longest=$(awk '{ if (length($0) + 1 > m) m = length($0) + 1 } END { print m + 0 }' "$f")
		((size <= max + longest)) || die "$f is $size bytes, more than $max plus one line ($longest)"
		total=$((total + size))
	done
	((total <= files * max + 200)) || die "the log of $name takes $total bytes"
	echo "# $name: $n files, $total bytes on disk" >&3
	"$HUSK" logs "$name" >"$BATS_TEST_TMPDIR/logs"
	expect_eq "$(tail -n 1 "$BATS_TEST_TMPDIR/logs")" done "the last line of logs $name"
	awk 'NR == 1 { split($0, a, "-"); p = a[2]; next }
		$0 == "done" { exit }
		{ split($0, a, "-"); if (a[2] != p + 1) { print "after line-" p " came " $0; exit 1 } p = a[2] }' \
		"$BATS_TEST_TMPDIR/logs" || die "logs $name has a gap"
}

@test "a chatty container's log stays within --log-opt max-size and max-file" {
	# About 6 MB of output: more than 3 times either limit.
	local cmd='i=0; while [ $i -lt 40000 ]; do echo "line-$i-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding-padding"; i=$((i + 1)); done; echo done'
	run_husk run -d --name chatty --log-opt max-size=1m "$R/busybox" sh -c "$cmd"
	run_husk run -d --name chatty3 --log-opt max-size=512k --log-opt max-file=3 "$R/busybox" sh -c "$cmd"
	run_husk wait chatty chatty3
	expect_eq "$(ctr_field chatty '{{.HuskConfig.LogMaxSize}} {{.HuskConfig.LogMaxFiles}}')" "1048576 2" "chatty's limits in inspect"
	expect_eq "$(ctr_field chatty3 '{{.HuskConfig.LogMaxSize}} {{.HuskConfig.LogMaxFiles}}')" "524288 3" "chatty3's limits in inspect"
	expect_log_bounded chatty $((1 << 20)) 2
	expect_eq "$(log_files chatty | tr '\n' ' ')" "ctr.log ctr.log.1 " "chatty's log files"
	expect_log_bounded chatty3 $((512 << 10)) 3
	expect_eq "$(log_files chatty3 | tr '\n' ' ')" "ctr.log ctr.log.1 ctr.log.2 " "chatty3's log files"
	run_husk logs --tail 1 chatty3
	expect_eq "$output" done "--tail 1"
	# A restart keeps appending within the same limits.
	run_husk start chatty3
	run_husk wait chatty3
	expect_log_bounded chatty3 $((512 << 10)) 3
	run_husk rm chatty chatty3
}

@test "without --log-opt the default limits (20m, 2 files) apply and inspect shows them" {
	run_husk run -d --name deflt "$R/busybox" true
	run_husk wait deflt
	expect_eq "$(ctr_field deflt '{{.HuskConfig.LogMaxSize}} {{.HuskConfig.LogMaxFiles}}')" "$((20 << 20)) 2" "the default limits in inspect"
	run_husk 125 run -d --log-opt max-size=0 "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "-1 for no limit"
	run_husk 125 run -d --log-opt max-file=0 "$R/busybox" true
	expect_one_error_line
	run_husk rm deflt
}
