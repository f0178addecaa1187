#!/usr/bin/env bats
# Detached containers, managed from separate husk invocations (as from
# separate shells or CI steps): run -d, create + start, ps, container
# inspect, exec, logs (-f, --tail, -t, --since, rotation), stop (timeout,
# the image's STOPSIGNAL), kill, wait, restart, rm -f, rm -a -f, rename,
# container prune, cp, top, attach, and many husk commands at once.
# It runs for minutes: it starts first when files run side by side.
# bats-parallel: first

load helpers

setup_file() { husk_setup_run_file busybox multilayer; }

# Every test removes its containers; this only keeps one failure from
# spilling into the next tests.
teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# A container command that says "ready" and exits 0 on SIGTERM at once.
OBEYS_TERM='trap "exit 0" TERM; echo ready; sleep 1000 & wait'
# One that ignores SIGTERM.
IGNORES_TERM="trap '' TERM; echo ready; while :; do sleep 0.1; done"

# expect_container_gone NAME|ID
expect_container_gone() {
	run_husk 125 container inspect "$1"
	expect_one_error_line
	expect_contains "$stderr" "no such container"
}

# container_gone NAME|ID: for wait_until.
container_gone() {
	! "$HUSK" container inspect "$1" >/dev/null 2>&1
}

# no_overlay_mount LAYER: for wait_until.
no_overlay_mount() {
	[[ -z $(store_overlay_mounts "$1") ]]
}

# elapsed_ms T0: milliseconds since T0 (from now_ms).
elapsed_ms() {
	echo $(($(now_ms) - $1))
}

# ---------------------------------------------------------------- lifecycle

@test "run -d: the container outlives husk; ps, inspect, exec, logs, stop, wait, start, kill, rm each in its own invocation" {
	local t0
	t0=$(now_ms)
	run_husk run -d --name life "$R/busybox" sh -c 'echo started; trap "echo stopping; exit 7" TERM; sleep 1000 & wait'
	local took
	took=$(elapsed_ms "$t0")
	((took < 5000)) || die "run -d took ${took} ms"
	expect_match "$output" "$HEX64" "run -d's stdout"
	local id=$output
	expect_eq "$stderr" "" "run -d's stderr"

	run_husk ps --format '{{.Names}} {{.State}}'
	expect_eq "$output" "life running" "ps"
	run_husk ps -q
	expect_eq "$output" "${id:0:12}" "ps -q"
	run_husk container inspect life
	expect_eq "$(json 'd[0]["State"]["Status"]')" running "State.status"
	local pid mpid
	pid=$(json 'd[0]["State"]["Pid"]')
	mpid=$(json 'd[0]["State"]["ConmonPid"]')
	pid_alive "$pid" || die "State.pid $pid is not alive"
	pid_alive "$mpid" || die "State.monitorPid $mpid is not alive"
	[[ $pid != "$mpid" ]] || die "pid and monitorPid are both $pid"
	expect_match "$(tr '\0' ' ' <"/proc/$pid/cmdline")" '^sh -c echo started' "command line of State.pid"
	expect_contains "$(tr '\0' ' ' <"/proc/$mpid/cmdline")" "__monitor $id" "command line of State.monitorPid"
	local layer
	layer=$(ctr_layer "$id")
	[[ -n $layer && -n $(store_overlay_mounts "$layer") ]] ||
		die "no overlay mount of layer '$layer' in the pause process's mount namespace"

	wait_until 5 logs_contain life started
	run_husk exec life sh -c 'echo $((6 * 7))'
	expect_eq "$output" 42 "exec"

	t0=$(now_ms)
	run_husk stop life
	expect_eq "$output" life "stop's stdout"
	took=$(elapsed_ms "$t0")
	((took < 5000)) || die "stop of a container that exits on SIGTERM took ${took} ms"
	run_husk wait life
	expect_eq "$output" 7 "wait"
	run_husk ps -q
	expect_eq "$output" "" "ps -q after stop"
	run_husk ps -a --format '{{.Names}} {{.State}} {{.ExitCode}} {{.Status}}'
	expect_match "$output" '^life exited 7 Exited \(7\) ' "ps -a after stop"
	run_husk container inspect life
	expect_eq "$(json 'd[0]["State"]["Status"]')" exited "State.status after stop"
	expect_eq "$(json 'd[0]["State"]["ExitCode"]')" 7 "State.exitCode"
	expect_eq "$(json 'd[0]["State"]["Pid"]')" 0 "State.pid after stop"
	expect_eq "$(json 'd[0]["State"]["StartedAt"] <= d[0]["State"]["FinishedAt"]')" True "startedAt <= finishedAt"
	pid_gone "$pid" || die "the container's process $pid is still alive"
	wait_until 5 pid_gone "$mpid"
	wait_until 5 no_overlay_mount "$layer"
	expect_eq "$(ls -A "$(runc_state_dir)" 2>/dev/null)" "" "runtime state after stop"

	run_husk start life
	expect_eq "$output" life "start's stdout"
	expect_eq "$(ctr_status life)" running "State.status after start"
	local pid2 mpid2
	pid2=$(ctr_pid life)
	mpid2=$(ctr_monitor_pid life)
	[[ $pid2 != "$pid" ]] && pid_alive "$pid2" || die "State.pid after start: $pid2 (before: $pid)"
	wait_until 5 eval '[[ $(logs_count life started) -eq 2 ]]'
	run_husk kill -s TERM life
	expect_eq "$output" life "kill's stdout"
	run_husk wait life
	expect_eq "$output" 7 "wait after kill -s TERM"
	run_husk logs life
	expect_eq "$output" $'started\nstopping\nstarted\nstopping' "logs of both runs"

	run_husk rm life
	expect_eq "$output" life "rm's stdout"
	expect_container_gone life
	wait_until 5 pid_gone "$mpid2"
	expect_no_container_leftovers
}

@test "create, then start without -a runs it detached; ps shows it running; start of a running container changes nothing" {
	run_husk create --name cs "$R/busybox" sh -c 'echo hello from cs; sleep 1000'
	local id=$output
	run_husk ps -q
	expect_eq "$output" "" "ps -q (nothing running)"
	run_husk ps -a --format '{{.Names}} {{.State}} {{.Status}}'
	expect_eq "$output" "cs created Created" "ps -a after create"
	run_husk start cs
	expect_eq "$output" cs "start's stdout"
	expect_eq "$stderr" "" "start's stderr"
	run_husk ps --format '{{.Names}} {{.State}}'
	expect_eq "$output" "cs running" "ps after start"
	local pid
	pid=$(ctr_pid cs)
	pid_alive "$pid" || die "State.pid $pid is not alive"
	wait_until 5 logs_contain cs "hello from cs"
	run_husk start cs
	# podman 4.3.1 (and later) prints nothing for a container that runs
	# already (575-exec-start.bats compares).
	expect_eq "$output" "" "start of a running container"
	expect_eq "$(ctr_pid cs)" "$pid" "State.pid after the second start"
	run_husk rm -f cs
	expect_eq "$output" cs
	expect_container_gone cs
}

@test "run -d of a command that cannot start is 127/126 with one error line; with --rm nothing is left" {
	run_husk_127 run -d --rm --name nf "$R/busybox" no-such-command
	expect_one_error_line
	expect_contains "$stderr" "no-such-command"
	expect_eq "$output" "" "stdout"
	expect_container_gone nf
	run_husk 126 run -d --rm --name ni "$R/busybox" /etc/passwd
	expect_one_error_line
	expect_container_gone ni
	expect_eq "$(storage_containers)" "" "storage containers"
	expect_no_container_leftovers
}

@test "run -d --rm: wait gets the exit code and the monitor removes the container" {
	# (The pause after /go lets the exec's touch end before the
	# container's exit kills what is left in its pid namespace: else
	# exec can report the touch killed, 137, on a loaded machine.)
	run_husk run -d --rm --name ephemeral "$R/busybox" sh -c 'while [ ! -e /go ]; do sleep 0.05; done; sleep 0.5; exit 6'
	local id=$output mpid out=$BATS_TEST_TMPDIR/wait waiter
	mpid=$(ctr_monitor_pid ephemeral)
	expect_eq "$(ctr_status ephemeral)" running
	husk_bg "$out" wait ephemeral
	waiter=$HUSK_BG_PID
	sleep 0.2
	run_husk exec ephemeral touch /go
	wait_bg "$waiter" 10
	expect_eq "$status" 0 "wait's exit code"
	expect_eq "$(cat "$out")" 6 "wait's output"
	wait_until 10 container_gone ephemeral
	wait_until 5 pid_gone "$mpid"
	expect_container_gone "$id"
	expect_eq "$(storage_containers)" "" "storage containers"
	expect_no_container_leftovers
}

@test "the first detached container of a new store: the monitor has no zombie children (runtime fallback included)" {
	# In a new store husk first tries crun; where crun refuses the host
	# (hybrid cgroups) it falls back to runc inside the monitor.
	use_store first-run
	"$HUSK" pull -q "$R/busybox" >/dev/null
	run_husk run -d --name first "$R/busybox" sleep 1000
	local mpid pid children
	mpid=$(ctr_monitor_pid first)
	pid=$(ctr_pid first)
	sleep 0.5
	children=$(ps -o pid=,stat=,comm= --ppid "$mpid")
	# The container, and the network helper (pasta daemonizes and the
	# monitor, a subreaper, adopts it); nothing else, no zombie.
	expect_eq "$(awk '$3 !~ /^(passt|pasta|slirp4netns)/ { print $1 }' <<<"$children" | paste -sd' ')" "$pid" "the monitor's children (pid stat comm: $children)"
	expect_eq "$(awk '$2 ~ /^Z/' <<<"$children")" "" "zombie children of the monitor"
	run_husk rm -f first
}

# ---------------------------------------------------------------- exec

@test "exec: -u, -e, -w and the container's environment" {
	run_husk run -d --name ex -e FROM_RUN=run "$R/busybox" sleep 1000
	run_husk exec ex id -u
	expect_eq "$output" 0 "default user"
	run_husk exec -u app ex id
	expect_match "$output" '^uid=1000\(app\) gid=1000\(app\)' "-u app"
	run_husk exec -u 1000:1000 ex sh -c 'echo $(id -u):$(id -g)'
	expect_eq "$output" 1000:1000 "-u 1000:1000"
	run_husk exec -w /home/app ex pwd
	expect_eq "$output" /home/app "-w"
	run_husk exec -u app -w /tmp ex sh -c 'pwd; touch /tmp/by-app; stat -c %u /tmp/by-app'
	expect_eq "$output" $'/tmp\n1000' "-u app -w /tmp"
	run_husk exec ex sh -c 'echo "$FROM_RUN"'
	expect_eq "$output" run "the container's environment"
	run_husk exec -e FOO=bar -e FROM_RUN=exec ex sh -c 'echo "$FOO $FROM_RUN"'
	expect_eq "$output" "bar exec" "-e"
	HUSK_FROM_HOST=host run_husk exec -e HUSK_FROM_HOST -e HUSK_UNSET_ON_HOST ex sh -c 'echo "$HUSK_FROM_HOST ${HUSK_UNSET_ON_HOST-unset}"'
	expect_eq "$output" "host unset" "-e NAME takes the host's value"
	run_husk rm -f ex
}

@test "exec: the command's exit code; 127, 126 and husk's errors with one error line each" {
	run_husk run -d --name ex "$R/busybox" sleep 1000
	run_husk 3 exec ex sh -c 'exit 3'
	run_husk_127 exec ex no-such-command
	expect_one_error_line
	run_husk 126 exec ex /etc/passwd
	expect_one_error_line
	run_husk 125 exec -u no-such-user ex true
	expect_one_error_line
	run_husk 125 exec -w relative ex true
	expect_one_error_line
	run_husk 125 exec no-such-container true
	expect_one_error_line
	run_husk rm -f ex
	run_husk create --name ex-created "$R/busybox" true
	run_husk 125 exec ex-created true
	expect_one_error_line
	expect_contains "$stderr" "not running"
	run_husk rm ex-created
}

@test "exec -i passes piped stdin; without -i stdin is not connected" {
	run_husk run -d --name exi "$R/busybox" sleep 1000
	run_husk exec -i exi sh -c 'cat; echo end' <<<"piped in"
	expect_eq "$output" $'piped in\nend' "exec -i"
	run_husk exec -i exi wc -l < <(seq 1 20000)
	expect_eq "$(tr -d ' ' <<<"$output")" 20000 "lines through exec -i"
	run_husk exec exi sh -c 'cat; echo end' <<<"not connected"
	expect_eq "$output" end "exec without -i"
	run_husk 1 exec exi tty
	expect_eq "$output" "not a tty" "tty without -t"
	run_husk rm -f exi
}

@test "exec -t gives the command a terminal (/dev/pts)" {
	need_cmd script
	run_husk run -d --name ext "$R/busybox" sleep 1000
	run_expect 0 script -qec "$(printf '%q ' "$HUSK" exec -t ext tty)" /dev/null </dev/null
	expect_match "$(tr -d '\r' <<<"$output")" '^/dev/pts/[0-9]+$' "tty in exec -t"
	run_expect 0 script -qec "$(printf '%q ' "$HUSK" exec -t ext sh -c 'test -t 0 && test -t 1 && echo both')" /dev/null </dev/null
	expect_eq "$(tr -d '\r' <<<"$output")" both "stdin and stdout are terminals"
	run_husk rm -f ext
}

@test "exec -d returns at once and the command keeps running in the container" {
	run_husk run -d --name exd "$R/busybox" sleep 1000
	# The command waits for /tmp/go, which only appears after exec -d has
	# returned: an exec -d that waited for its command would not return
	# within the 30 s given, whatever the machine's load.
	local out=$BATS_TEST_TMPDIR/exec-d
	husk_bg "$out" exec -d exd sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; echo done >/tmp/exec-d'
	wait_bg "$HUSK_BG_PID" 30
	expect_eq "$status" 0 "exec -d's exit code"
	expect_eq "$(cat "$out")" "" "exec -d's output"
	run_husk exec exd ps
	expect_contains "$output" "/tmp/go" "ps in the container"
	run_husk 1 exec exd cat /tmp/exec-d
	run_husk exec exd touch /tmp/go
	wait_until 10 "$HUSK" exec exd test -e /tmp/exec-d
	run_husk exec exd cat /tmp/exec-d
	expect_eq "$output" done
	run_husk rm -f exd
}

# ---------------------------------------------------------------- logs

@test "logs -f follows a live container and ends by itself when the container stops" {
	run_husk run -d --name lf "$R/busybox" sh -c 'trap "echo last; exit 5" TERM; echo first
		while [ ! -e /go ]; do sleep 0.05; done
		echo second; echo to-stderr >&2; for i in 0 1 2; do echo n$i; done; sleep 1000 & wait'
	wait_until 5 logs_contain lf first
	local out=$BATS_TEST_TMPDIR/follow follower
	husk_bg "$out" logs -f lf
	follower=$HUSK_BG_PID
	wait_for_line "$out" '^first$'
	run_husk exec lf touch /go
	wait_for_line "$out" '^n2$'
	wait_for_line "$out" '^to-stderr$'
	kill -0 "$follower" 2>/dev/null || die "logs -f ended while the container runs"
	run_husk stop lf
	wait_bg "$follower" 10
	expect_eq "$status" 0 "logs -f's exit code"
	expect_eq "$(grep -v '^to-stderr$' "$out")" $'first\nsecond\nn0\nn1\nn2\nlast' "what logs -f printed"
	run_husk wait lf
	expect_eq "$output" 5 "wait"
	# Of a stopped container, logs -f prints everything and returns.
	run_husk logs -f lf
	expect_eq "$output" $'first\nsecond\nn0\nn1\nn2\nlast' "logs -f of a stopped container"
	expect_eq "$stderr" to-stderr "its stderr"
	run_husk rm lf
}

@test "logs -f of a chatty container prints every line once: nothing lost between the existing log and what follows" {
	run_husk run -d --name counter "$R/busybox" sh -c \
		'i=0; while [ $i -lt 200000 ]; do echo $i; i=$((i + 1)); done; echo end; sleep 1000 & wait'
	wait_until 5 logs_contain counter 1000
	local out=$BATS_TEST_TMPDIR/follow follower
	husk_bg "$out" logs -f counter
	follower=$HUSK_BG_PID
	wait_for_line "$out" '^end$' 60
	run_husk stop -t 0 counter
	wait_bg "$follower" 10
	expect_eq "$status" 0 "logs -f's exit code"
	"$HUSK" logs counter >"$BATS_TEST_TMPDIR/all"
	expect_eq "$(wc -l <"$BATS_TEST_TMPDIR/all")" 200001 "lines of logs"
	cmp -s "$BATS_TEST_TMPDIR/all" "$out" || die "logs -f printed $(wc -l <"$out") lines, logs $(wc -l <"$BATS_TEST_TMPDIR/all"); first gaps in what logs -f printed:
$(awk 'NR > 1 && $1 != "end" && $1 != p + 1 { print "after " p " came " $1; if (++n == 3) exit } { p = $1 }' "$out")"
	run_husk rm counter
}

@test "logs -f keeps following across log rotation without losing or repeating lines" {
	run_husk run -d --name lfr --log-opt max-size=2k "$R/busybox" sh -c '
		while [ ! -e /go ]; do sleep 0.05; done
		i=0; while [ $i -lt 150 ]; do echo "line-$i-abcdefghijklmnopqrstuvwxyz"; i=$((i + 1)); sleep 0.01; done; echo end'
	local out=$BATS_TEST_TMPDIR/follow follower
	husk_bg "$out" logs -f lfr
	follower=$HUSK_BG_PID
	sleep 0.3
	run_husk exec lfr touch /go
	wait_bg "$follower" 30
	expect_eq "$status" 0 "logs -f's exit code"
	local want
	want=$(for i in $(seq 0 149); do echo "line-$i-abcdefghijklmnopqrstuvwxyz"; done; echo end)
	[[ $(cat "$out") == "$want" ]] || die "logs -f across rotation printed $(wc -l <"$out") lines, not the 151 expected; diff:
$(diff <(echo "$want") "$out" | head -20)"
	run_husk rm lfr
}

@test "logs --tail, -t and --since; stderr lines go to stderr" {
	# (stdout and stderr reach the log through separate pipes: a pause
	# keeps early3 ahead of err1 there.)
	run_husk run -d --name lt "$R/busybox" sh -c 'for i in 1 2 3; do echo early$i; done; sleep 0.3; echo err1 >&2
		while [ ! -e /go ]; do sleep 0.05; done; echo late1; echo late2; exec sleep 1000'
	wait_until 5 logs_contain lt err1
	local t_test t_mid
	t_test=$(date -u +%s)
	sleep 0.1
	t_mid=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	sleep 0.1
	run_husk exec lt touch /go
	wait_until 5 logs_contain lt late2

	run_husk logs lt
	expect_eq "$output" $'early1\nearly2\nearly3\nlate1\nlate2' "logs"
	expect_eq "$stderr" err1 "logs' stderr"
	run_husk logs --tail 2 lt
	expect_eq "$output" $'late1\nlate2' "--tail 2"
	expect_eq "$stderr" "" "--tail 2's stderr"
	run_husk logs --tail 3 lt
	expect_eq "$output" $'late1\nlate2' "--tail 3"
	expect_eq "$stderr" err1 "--tail 3's stderr"
	run_husk logs --tail 0 lt
	expect_eq "$output$stderr" "" "--tail 0"
	run_husk logs --tail 100 lt
	expect_eq "$output" $'early1\nearly2\nearly3\nlate1\nlate2' "--tail 100"

	run_husk logs --since "$t_mid" lt
	expect_eq "$output" $'late1\nlate2' "--since $t_mid"
	expect_eq "$stderr" "" "--since's stderr"
	run_husk logs --since 10m lt
	expect_eq "$output" $'early1\nearly2\nearly3\nlate1\nlate2' "--since 10m"
	run_husk 125 logs --since yesterday lt
	expect_one_error_line

	run_husk logs -t lt
	expect_eq "${#lines[@]}" 5 "lines of logs -t"
	local l prev="" ts
	for l in "${lines[@]}"; do
		expect_match "$l" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9:]+) (early[123]|late[12])$' "line of logs -t"
		ts=$(date -u -d "${l%% *}" +%s.%N) || die "cannot parse the time of: $l"
		[[ -z $prev ]] || python3 -c "import sys; sys.exit(not $prev <= $ts)" || die "times not in order: $prev then $ts"
		python3 -c "import sys; sys.exit(not $t_test - 30 <= $ts <= $(date +%s) + 1)" || die "time $ts is not around now ($t_test)"
		prev=$ts
	done
	run_husk logs -t --tail 1 lt
	expect_match "$output" '^[0-9]{4}-[^ ]+ late2$' "-t --tail 1"
	run_husk rm -f lt
}

@test "logs of long lines and output without a final newline come back byte for byte" {
	run_husk run -d --name ll "$R/busybox" sh -c 'head -c 40000 /dev/zero | tr "\0" x; echo; printf "no newline"'
	run_husk wait ll
	run_husk logs ll
	expect_eq "$output" "$(head -c 40000 /dev/zero | tr '\0' x)"$'\nno newline' "logs"
	expect_eq "$(husk_logs_bytes ll)" 40011 "bytes printed by logs"
	run_husk rm ll
}

# husk_logs_bytes NAME: how many bytes husk logs prints.
husk_logs_bytes() {
	"$HUSK" logs "$1" | wc -c
}

@test "--log-opt max-size rotates the log: ctr.log and ctr.log.1 stay bounded and logs prints the tail" {
	local max=8192
	run_husk run -d --name chatty --log-opt max-size=8k "$R/busybox" sh -c \
		'i=0; while [ $i -lt 3000 ]; do echo "line-$i-padding-padding-padding"; i=$((i + 1)); done; echo done'
	run_husk wait chatty
	expect_eq "$output" 0 "wait"
	local dir
	dir=$(ctr_field chatty '{{.Bundle}}')
	[[ -f $dir/ctr.log && -f $dir/ctr.log.1 ]] || die "no ctr.log and ctr.log.1 in $dir: $(ls -l "$dir")"
	[[ ! -e $dir/ctr.log.2 ]] || die "more than one rotated file: $(ls "$dir")"
	local f size longest
	for f in ctr.log ctr.log.1; do
		size=$(stat -c %s "$dir/$f")
		longest=$(awk '{ if (length($0) + 1 > m) m = length($0) + 1 } END { print m }' "$dir/$f")
		((size <= max + longest)) || die "$f is $size bytes, more than max-size $max plus one line ($longest)"
	done
	((size > max / 2)) || die "ctr.log.1 is only $size bytes"
	run_husk logs chatty
	expect_eq "${lines[-1]}" done "the last line"
	expect_eq "${lines[-2]}" line-2999-padding-padding-padding "the line before"
	((${#lines[@]} > 100 && ${#lines[@]} < 500)) || die "logs printed ${#lines[@]} lines"
	# What is kept is the end of the output, with no line missing.
	local first=${lines[0]#line-} i
	first=${first%%-*}
	for ((i = 0; i < ${#lines[@]} - 1; i++)); do
		[[ ${lines[i]} == "line-$((first + i))-padding-padding-padding" ]] ||
			die "line $i of logs is '${lines[i]}', expected line-$((first + i))-..."
	done
	run_husk logs --tail 2 chatty
	expect_eq "$output" $'line-2999-padding-padding-padding\ndone' "--tail 2"
	run_husk 125 run -d --log-opt max-size=lots "$R/busybox" true
	expect_one_error_line
	run_husk 125 run -d --log-opt no-such-opt=1 "$R/busybox" true
	expect_one_error_line
	run_husk rm chatty
}

# ---------------------------------------------------------------- stop, kill, wait, restart

@test "stop -t N: a container that ignores SIGTERM is killed after N seconds (137)" {
	run_husk run -d --name stubborn "$R/busybox" sh -c "$IGNORES_TERM"
	wait_until 5 logs_contain stubborn ready
	local t0 took
	t0=$(now_ms)
	run_husk stop -t 2 stubborn
	took=$(elapsed_ms "$t0")
	expect_eq "$output" stubborn "stop's stdout"
	((took >= 2000 && took < 6000)) || die "stop -t 2 took ${took} ms"
	run_husk wait stubborn
	expect_eq "$output" 137 "wait"
	run_husk ps -a --format '{{.Names}} {{.Status}}'
	expect_match "$output" '^stubborn Exited \(137\) ' "ps -a"
	# Stopping a stopped container is fine and quick.
	t0=$(now_ms)
	run_husk stop stubborn
	took=$(elapsed_ms "$t0")
	((took < 2000)) || die "stop of a stopped container took ${took} ms"
	# stop -t 0 kills at once.
	run_husk start stubborn
	wait_until 5 eval '[[ $(logs_count stubborn ready) -eq 2 ]]'
	t0=$(now_ms)
	run_husk stop -t 0 stubborn
	took=$(elapsed_ms "$t0")
	((took < 2000)) || die "stop -t 0 took ${took} ms"
	run_husk wait stubborn
	expect_eq "$output" 137 "wait after stop -t 0"
	run_husk rm stubborn
}

@test "stop sends the image's STOPSIGNAL; kill sends SIGKILL unless -s says otherwise" {
	need_cmd umoci
	local layout=$BATS_TEST_TMPDIR/stopsig
	cp -r "$HUSK_TEST_IMAGES/busybox" "$layout"
	chmod -R u+w "$layout"
	umoci config --image "$layout:latest" --config.stopsignal SIGUSR1 || die "umoci config failed"
	run_husk pull -q "oci:$layout:latest"
	local image=$output
	expect_match "$image" "$HEX64" "pulled image ID"
	run_husk run -d --name usr1 "$image" sh -c 'trap "echo got USR1; exit 42" USR1; echo ready; sleep 1000 & wait'
	expect_eq "$(ctr_field usr1 '{{.Config.StopSignal}} {{.HuskConfig.StopSignal}}')" "10 SIGUSR1" "Config.StopSignal (a number, as podman) and the record's"
	wait_until 5 logs_contain usr1 ready
	local t0 took
	t0=$(now_ms)
	run_husk stop usr1
	took=$(elapsed_ms "$t0")
	((took < 5000)) || die "stop took ${took} ms: was SIGUSR1 sent?"
	run_husk wait usr1
	expect_eq "$output" 42 "exit code after stop"
	run_husk logs usr1
	expect_eq "$output" $'ready\ngot USR1' "logs"

	run_husk start usr1
	wait_until 5 eval '[[ $(logs_count usr1 ready) -eq 2 ]]'
	run_husk kill usr1
	run_husk wait usr1
	expect_eq "$output" 137 "exit code after kill"
	run_husk start usr1
	wait_until 5 eval '[[ $(logs_count usr1 ready) -eq 3 ]]'
	run_husk kill -s USR1 usr1
	run_husk wait usr1
	expect_eq "$output" 42 "exit code after kill -s USR1"
	run_husk 125 kill usr1
	expect_one_error_line
	expect_contains "$stderr" "not running"
	run_husk 125 kill -s NOSUCHSIG usr1
	expect_one_error_line
	run_husk rm usr1
	run_husk rmi "$image"
}

@test "wait blocks until the container exits and prints the exit code of each container" {
	# (The pause after /go: see "run -d --rm: wait gets the exit code".)
	run_husk run -d --name w1 "$R/busybox" sh -c 'while [ ! -e /go ]; do sleep 0.05; done; sleep 0.5; exit 3'
	run_husk run -d --name w2 "$R/busybox" sh -c 'exit 0'
	local out=$BATS_TEST_TMPDIR/wait waiter
	husk_bg "$out" wait w1 w2
	waiter=$HUSK_BG_PID
	sleep 0.5
	kill -0 "$waiter" 2>/dev/null || die "wait returned while w1 runs: $(cat "$out")"
	run_husk exec w1 touch /go
	wait_bg "$waiter" 10
	expect_eq "$status" 0 "wait's exit code"
	expect_eq "$(cat "$out")" $'3\n0' "wait's output"
	run_husk wait w1
	expect_eq "$output" 3 "wait of an exited container"
	run_husk 125 wait no-such-container
	expect_one_error_line
	run_husk rm w1 w2
}

@test "restart: a new process, still running, the log shows both starts" {
	run_husk run -d --name rs "$R/busybox" sh -c "echo start; $OBEYS_TERM"
	wait_until 5 logs_contain rs ready
	local pid1 pid2
	pid1=$(ctr_pid rs)
	run_husk restart rs
	expect_eq "$output" rs "restart's stdout"
	expect_eq "$(ctr_status rs)" running "State.status"
	pid2=$(ctr_pid rs)
	[[ $pid2 != "$pid1" ]] || die "the pid did not change: $pid1"
	pid_alive "$pid2" || die "the new process $pid2 is not alive"
	pid_gone "$pid1" || die "the old process $pid1 is still alive"
	wait_until 5 eval '[[ $(logs_count rs start) -eq 2 ]]'
	# Restarting an exited container starts it.
	run_husk stop rs
	run_husk restart rs
	expect_eq "$(ctr_status rs)" running "State.status after restart of an exited container"
	wait_until 5 eval '[[ $(logs_count rs start) -eq 3 ]]'
	run_husk rm -f rs
}

# ---------------------------------------------------------------- rm

@test "rm -f of a running container: its processes, monitor, mount and runtime state are gone" {
	run_husk run -d --name victim "$R/busybox" sh -c 'sleep 1001 & exec sleep 1002'
	local id=$output pid mpid child layer
	pid=$(ctr_pid victim)
	mpid=$(ctr_monitor_pid victim)
	layer=$(ctr_layer "$id")
	wait_until 5 pgrep -u "$(id -u)" -xf 'sleep 1001' >/dev/null
	child=$(pgrep -u "$(id -u)" -xf 'sleep 1001')
	run_husk 2 rm victim # podman: 2 for a running container (540-rm.bats)
	expect_one_error_line
	expect_contains "$stderr" "running"
	run_husk rm -f victim
	expect_eq "$output" victim "rm -f's stdout"
	expect_eq "$stderr" "" "rm -f's stderr"
	pid_gone "$pid" || die "the container's process $pid is alive"
	wait_until 5 pid_gone "$child"
	wait_until 5 pid_gone "$mpid"
	expect_eq "$(store_overlay_mounts "$layer")" "" "overlay mount of the container"
	expect_container_gone victim
	expect_no_container_leftovers
}

@test "rm -a -f removes created, exited and running containers; no monitor, process or mount is left" {
	local i ids=() pids=() mpids=()
	run_husk create --name ra-created "$R/busybox" true
	ids+=("$output")
	run_husk 4 run --name ra-exited "$R/busybox" sh -c 'exit 4'
	ids+=("$(ctr_field ra-exited '{{.ID}}')")
	# Started side by side.
	local d=$BATS_TEST_TMPDIR
	for i in 1 2 3 4; do
		"$HUSK" run -d --name "ra-run$i" "$R/busybox" sh -c "$OBEYS_TERM" >"$d/id$i" 2>"$d/err$i" 3>&- &
		pids+=($!)
	done
	for i in 1 2 3 4; do
		wait "${pids[i - 1]}" || die "run -d ra-run$i failed: $(cat "$d/err$i")"
		ids+=("$(cat "$d/id$i")")
	done
	pids=()
	for i in 1 2 3 4; do
		pids+=("$(ctr_pid "ra-run$i")")
		mpids+=("$(ctr_monitor_pid "ra-run$i")")
	done
	run_husk ps -q
	expect_eq "${#lines[@]}" 4 "running containers"
	[[ -n $(store_overlay_mounts) ]] || die "no overlay mounts while containers run"

	run_husk rm -a -f
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "${ids[@]}" | sort)" "IDs printed by rm -a -f"
	expect_eq "$stderr" "" "rm -a -f's stderr"
	for i in "${pids[@]}"; do
		pid_gone "$i" || die "container process $i is alive"
	done
	for i in "${mpids[@]}"; do
		wait_until 5 pid_gone "$i"
	done
	for i in "${ids[@]}"; do
		expect_eq "$(user_pids_with "$i")" "" "processes naming $i"
	done
	expect_eq "$(store_overlay_mounts)" "" "overlay mounts of the store"
	expect_eq "$(storage_containers)" "" "storage containers"
	run_husk ps -a -q
	expect_eq "$output" "" "ps -a -q"
	expect_no_container_leftovers
}

# ---------------------------------------------------------------- ps

@test "ps: --filter name=, status=, ancestor=, id=; -q, --no-trunc, --format json and templates" {
	run_husk run -d --name web-1 "$R/busybox" sleep 1000
	local web1=$output
	run_husk 3 run --name web-2 "$R/busybox" sh -c 'exit 3'
	run_husk create --name db "$R/busybox" true
	run_husk run -d --name other "$R/multilayer" sleep 1000
	local other=$output

	psnames() {
		run_husk ps "$@" --format '{{.Names}}'
		sort <<<"$output" | paste -sd' '
	}
	expect_eq "$(psnames)" "other web-1" "ps"
	expect_eq "$(psnames -a)" "db other web-1 web-2" "ps -a"
	expect_eq "$(psnames --filter name=web)" "web-1" "name=web"
	expect_eq "$(psnames -a --filter name=web)" "web-1 web-2" "-a name=web"
	expect_eq "$(psnames -a --filter status=exited)" "web-2" "status=exited"
	expect_eq "$(psnames -a --filter status=created)" "db" "status=created"
	expect_eq "$(psnames -a --filter status=running)" "other web-1" "status=running"
	expect_eq "$(psnames -a --filter ancestor=$R/multilayer)" "other" "ancestor=full name"
	expect_eq "$(psnames -a --filter ancestor=multilayer)" "other" "ancestor=short name"
	expect_eq "$(psnames -a --filter ancestor=busybox)" "db web-1 web-2" "ancestor=busybox"
	expect_eq "$(psnames -a --filter "ancestor=$(oci_image_id busybox | cut -c1-12)")" "db web-1 web-2" "ancestor=image ID"
	expect_eq "$(psnames -a --filter id=${other:0:10})" "other" "id=prefix"
	expect_eq "$(psnames -a --filter name=web --filter status=exited)" "web-2" "two filters"
	expect_eq "$(psnames -a --filter name=nothing-matches)" "" "no match"

	run_husk ps -q
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "${web1:0:12}" "${other:0:12}" | sort)" "ps -q"
	run_husk ps -q --no-trunc
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "$web1" "$other" | sort)" "ps -q --no-trunc"

	run_husk ps -a --format json
	expect_valid_json
	expect_eq "$(json 'len(d)')" 4 "entries"
	# podman 4.3.1's keys (Id, Names as a list, times in Unix seconds)
	expect_eq "$(json 'sorted(d[0].keys())')" \
		'["AutoRemove", "Command", "Created", "CreatedAt", "ExitCode", "Exited", "ExitedAt", "Id", "Image", "ImageID", "IsInfra", "Labels", "Mounts", "Names", "Namespaces", "Networks", "Pid", "Pod", "PodName", "Ports", "Size", "StartedAt", "State", "Status"]' "keys"
	expect_eq "$(json '[(x["State"], x["ExitCode"]) for x in d if x["Names"] == ["web-2"]]')" '[["exited", 3]]' "web-2"
	expect_eq "$(json '[x["Pid"] > 0 for x in d if x["Names"] == ["web-1"]]')" '[true]' "web-1's Pid"
	run_husk ps --format json --filter name=nothing-matches
	expect_eq "$(json 'd')" "[]" "json of no containers"
	run_husk ps -a --filter name=web-2 --format '{{.Names}}|{{.State}}|{{.ExitCode}}|{{.Image}}|{{.Pid}}'
	expect_eq "$output" "web-2|exited|3|$R/busybox|0" "template"
	run_husk ps --filter name=web-1 --format '{{.ID}} {{.Command}} {{.Status}}'
	expect_match "$output" "^${web1:0:12} sleep 1000 Up " "template ID, Command, Status"

	run_husk ps -a
	expect_match "${lines[0]}" '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$' "table header (podman's)"
	expect_eq "${#lines[@]}" 5 "table lines"

	run_husk 125 ps --filter nosuchkey=1
	expect_one_error_line
	run_husk 125 ps --filter name
	expect_one_error_line
	run_husk rm -a -f
}

# ---------------------------------------------------------------- rename, prune

@test "rename a running container, then exec, stop and ps by the new name" {
	run_husk run -d --name old-name "$R/busybox" sh -c "$OBEYS_TERM"
	local id=$output
	run_husk rename old-name new-name
	run_husk exec new-name echo renamed
	expect_eq "$output" renamed "exec by the new name"
	run_husk 125 exec old-name true
	expect_one_error_line
	run_husk ps --format '{{.Names}}'
	expect_eq "$output" new-name "ps"
	run_husk 125 rename new-name 'bad/name'
	expect_one_error_line
	run_husk stop new-name
	run_husk ps -a --filter name=new-name --format '{{.Names}} {{.State}}'
	expect_eq "$output" "new-name exited" "ps after stop"
	# The old name is free again.
	run_husk run --rm --name old-name "$R/busybox" true
	run_husk rm new-name
	expect_eq "$output" new-name
}

@test "rename to a name another container has is refused; both keep their names" {
	run_husk run -d --name mine "$R/busybox" sleep 1000
	local mine=$output
	run_husk run -d --name taken "$R/busybox" sleep 1000
	local taken=$output
	run_husk 125 rename mine taken
	expect_one_error_line
	expect_contains "$stderr" '"taken"'
	run_husk ps -a --format '{{.ID}} {{.Names}}'
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "${mine:0:12} mine" "${taken:0:12} taken" | sort)" \
		"names after a refused rename"
	run_husk rm -f "$mine" "$taken"
}

@test "a rename while the container runs is not undone when it exits (the monitor's record)" {
	run_husk run -d --name before-rename "$R/busybox" sh -c "$OBEYS_TERM"
	run_husk rename before-rename after-rename
	expect_eq "$(ctr_field after-rename '{{.Name}} {{.HuskConfig.Name}}')" "after-rename after-rename" "names after rename"
	run_husk stop after-rename
	expect_eq "$(ctr_field after-rename '{{.Name}} {{.HuskConfig.Name}}')" "after-rename after-rename" "names after the container exited"
	run_husk rm after-rename
}

@test "container prune removes stopped and created containers only" {
	run_husk run -d --name keep "$R/busybox" sleep 1000
	local keep=$output ids=()
	run_husk run --name done1 "$R/busybox" true
	ids+=("$(ctr_field done1 '{{.ID}}')")
	run_husk run -d --name done2 "$R/busybox" sh -c 'exit 2'
	ids+=("$output")
	run_husk wait done2
	run_husk create --name fresh "$R/busybox" true
	ids+=("$output")
	run_husk container prune -f
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "${ids[@]}" | sort)" "pruned IDs"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_eq "$output" "keep running" "ps -a after prune"
	run_husk container prune -f
	expect_eq "$output" "" "second prune"
	run_husk rm -f keep
	expect_eq "$output" keep
}

# ---------------------------------------------------------------- concurrency

@test "32 parallel run --rm all succeed and leave nothing" {
	local d=$BATS_TEST_TMPDIR i pids=() failed=""
	for i in $(seq 1 32); do
		"$HUSK" run --rm "$R/busybox" sh -c "echo run-$i" >"$d/out$i" 2>"$d/err$i" 3>&- &
		pids+=($!)
	done
	for i in $(seq 1 32); do
		local rc=0
		wait "${pids[i - 1]}" || rc=$?
		if [[ $rc -ne 0 || $(cat "$d/out$i") != "run-$i" ]]; then
			failed+="run $i: exit $rc, stdout '$(cat "$d/out$i")', stderr: $(cat "$d/err$i")"$'\n'
		fi
	done
	[[ -z $failed ]] || die "parallel runs failed:
$failed"
	run_husk ps -a -q
	expect_eq "$output" "" "ps -a -q"
	expect_eq "$(storage_containers)" "" "storage containers"
	expect_no_container_leftovers
}

@test "commands on different containers do not wait for each other (stop -t 10 beside exec, ps, logs, run)" {
	run_husk run -d --name slowstop "$R/busybox" sh -c "$IGNORES_TERM"
	run_husk run -d --name busy "$R/busybox" sh -c "$OBEYS_TERM"
	wait_until 5 logs_contain slowstop ready
	wait_until 5 logs_contain busy ready
	local out=$BATS_TEST_TMPDIR/stop stopper t0 t1 took
	# The other commands must all end while the stop still waits out its
	# 10 s: had they waited for it, they would end after it. (Not a bound of
	# a few seconds: on a loaded machine six commands may take that long.)
	t0=$(now_ms)
	husk_bg "$out" stop -t 10 slowstop
	stopper=$HUSK_BG_PID
	sleep 0.5
	t1=$(now_ms)
	run_husk exec busy echo quick
	expect_eq "$output" quick
	run_husk ps -a
	run_husk logs busy
	run_husk container inspect busy
	run_husk run --rm "$R/busybox" true
	run_husk stop busy
	took=$(elapsed_ms "$t1")
	kill -0 "$stopper" 2>/dev/null ||
		die "exec, ps, logs, inspect, run --rm and stop of another container took ${took} ms: the stop -t 10 ended first: $(cat "$out")"
	wait_bg "$stopper" 20
	expect_eq "$status" 0 "stop's exit code"
	took=$(elapsed_ms "$t0")
	((took >= 10000)) || die "stop -t 10 took only ${took} ms"
	run_husk wait slowstop
	expect_eq "$output" 137
	run_husk rm slowstop busy
}

@test "two simultaneous starts of one created container: one process runs, the state is right, rm -f works" {
	# A store of its own: a failure here can leave a container that cannot
	# be removed.
	use_store twice
	"$HUSK" pull -q "$R/busybox" >/dev/null
	local d=$BATS_TEST_TMPDIR round a b ra rb
	for round in 1 2 3; do
		run_husk create --name "twice$round" "$R/busybox" sh -c 'echo ran; sleep 1000'
		"$HUSK" start "twice$round" >"$d/a" 2>&1 3>&- &
		a=$!
		"$HUSK" start "twice$round" >"$d/b" 2>&1 3>&- &
		b=$!
		ra=0 rb=0
		wait "$a" || ra=$?
		wait "$b" || rb=$?
		# Both succeed, or the later one says that the container runs.
		[[ $ra -eq 0 && $rb -eq 0 ||
			$ra -eq 0 && $rb -eq 125 && $(cat "$d/b") == *"already running"* ||
			$rb -eq 0 && $ra -eq 125 && $(cat "$d/a") == *"already running"* ]] ||
			die "round $round: start exit codes $ra and $rb; outputs: $(cat "$d/a") | $(cat "$d/b")"
		expect_eq "$(ctr_status "twice$round")" running "round $round: State.status"
		pid_alive "$(ctr_pid "twice$round")" || die "round $round: State.pid is not alive"
		wait_until 5 logs_contain "twice$round" ran
		sleep 0.2
		expect_eq "$(logs_count "twice$round" ran)" 1 "round $round: times the command ran"
		run_husk rm -f "twice$round"
	done
	expect_no_container_leftovers
}

# ---------------------------------------------------------------- cp, top, attach

@test "cp copies a file and a directory into a running container and out of it" {
	run_husk run -d --name cpc "$R/busybox" sleep 1000
	local d=$BATS_TEST_TMPDIR
	printf 'file content\n' >"$d/f.txt"
	mkdir -p "$d/tree/sub"
	echo a >"$d/tree/a"
	echo b >"$d/tree/sub/b"
	run_husk cp "$d/f.txt" cpc:/tmp/f.txt
	run_husk exec cpc sh -c 'cat /tmp/f.txt; stat -c %u /tmp/f.txt'
	expect_eq "$output" $'file content\n0' "file copied in (and owned by root inside)"
	run_husk cp "$d/tree" cpc:/tmp/
	run_husk exec cpc sh -c 'cat /tmp/tree/a /tmp/tree/sub/b'
	expect_eq "$output" $'a\nb' "directory copied in"

	run_husk exec cpc sh -c 'mkdir -p /out/d/e; echo x >/out/d/x; echo y >/out/d/e/y; echo single >/out/s'
	run_husk cp cpc:/out/s "$d/s.txt"
	expect_eq "$(cat "$d/s.txt")" single "file copied out"
	expect_eq "$(stat -c %u "$d/s.txt")" "$(id -u)" "owner of the file copied out"
	run_husk cp cpc:/out/d "$d/got"
	expect_eq "$(cat "$d/got/x" "$d/got/e/y" 2>&1)" $'x\ny' "directory copied out"
	run_husk 125 cp cpc:/no/such/file "$d/nothing"
	expect_one_error_line
	[[ ! -e $d/nothing ]] || die "cp of a missing file created $d/nothing"
	run_husk rm -f cpc
}

@test "cp to and from a container that is not running; its rootfs is not left mounted" {
	run_husk create --name cpstopped "$R/busybox" cat /in.txt
	local id=$output d=$BATS_TEST_TMPDIR layer
	layer=$(ctr_layer "$id")
	echo into-created >"$d/in.txt"
	run_husk cp "$d/in.txt" cpstopped:/in.txt
	run_husk start -a cpstopped
	expect_eq "$output" into-created "the created container saw the copied file"
	run_husk cp cpstopped:/etc/passwd "$d/passwd"
	expect_contains "$(cat "$d/passwd")" "app:x:1000:1000" "file copied out of an exited container"
	expect_eq "$(store_overlay_mounts "$layer")" "" "overlay mount after cp"
	run_husk rm cpstopped
}

@test "cp into a running container follows none of its symlinks out of it" {
	run_husk run -d --name cpsym "$R/busybox" sh -c \
		'ln -s /../../../../../../../tmp /up-link; ln -s /../../../../../etc/os-release /leak; mkdir /tmp/in; echo ready; sleep 1000'
	wait_until 5 logs_contain cpsym ready
	local d=$BATS_TEST_TMPDIR marker="husk-cp-escape-$$-$RANDOM"
	echo escaped >"$d/f"
	run_husk '?' cp "$d/f" "cpsym:/up-link/$marker"
	[[ ! -e /tmp/$marker ]] || {
		rm -f "/tmp/$marker"
		die "cp wrote through a container symlink to the host's /tmp/$marker"
	}
	if [[ $status -eq 0 ]]; then
		run_husk exec cpsym cat "/tmp/$marker"
		expect_eq "$output" escaped "the file landed in the container's /tmp"
	fi
	[[ -e /etc/os-release ]] || skip "the host has no /etc/os-release to leak"
	run_husk '?' cp cpsym:/leak "$d/leak"
	[[ ! -e $d/leak ]] || ! cmp -s "$d/leak" /etc/os-release || die "cp copied the host's /etc/os-release out of the container"
	run_husk rm -f cpsym
}

@test "cp into a bind-mounted volume of a running container writes into the volume" {
	local d=$BATS_TEST_TMPDIR
	mkdir -p "$d/vol"
	echo in-volume >"$d/f"
	run_husk run -d --name cpvol -v "$d/vol:/data" "$R/busybox" sleep 1000
	run_husk cp "$d/f" cpvol:/data/f
	expect_eq "$(cat "$d/vol/f" 2>&1)" in-volume "the host directory of the volume"
	run_husk exec cpvol cat /data/f
	expect_eq "$output" in-volume "the file seen in the container"
	echo from-host >"$d/vol/g"
	run_husk cp cpvol:/data/g "$d/g"
	expect_eq "$(cat "$d/g")" from-host "a file of the volume copied out"
	run_husk rm -f cpvol
}

@test "top lists the processes of a running container" {
	run_husk run -d --name topc "$R/busybox" sh -c 'sleep 1717 & sleep 1718 & wait'
	wait_until 5 pgrep -u "$(id -u)" -xf 'sleep 1718' >/dev/null
	run_husk top topc
	expect_match "${lines[0]}" 'PID' "header"
	expect_contains "$output" "sleep 1717"
	expect_contains "$output" "sleep 1718"
	expect_contains "$output" "sh -c"
	expect_eq "${#lines[@]}" 4 "header and three processes"
	run_husk stop -t 0 topc
	run_husk 125 top topc
	expect_one_error_line
	run_husk rm topc
}

@test "attach prints the output of a running container from then on and ends with its exit code" {
	run_husk run -d --name att "$R/busybox" sh -c 'echo before; while [ ! -e /go ]; do echo tick; sleep 0.1; done; echo after; exit 9'
	wait_until 5 logs_contain att tick
	local out=$BATS_TEST_TMPDIR/attach attacher
	"$HUSK" attach att >"$out" 2>&1 </dev/null 3>&- &
	attacher=$!
	wait_for_line "$out" '^tick$' 10
	run_husk exec att touch /go
	wait_bg "$attacher" 10
	expect_eq "$status" 9 "attach's exit code"
	expect_eq "$(tail -n 1 "$out")" after "the last line"
	expect_eq "$(grep -c '^before$' "$out")" 0 "output from before the attach"
	run_husk 125 attach att
	expect_one_error_line
	expect_contains "$stderr" "not running"
	run_husk rm att
}
