#!/usr/bin/env bats
# husk run: the process (command, entrypoint, environment, user, working
# directory, host name), exit codes, stdio, terminals, signal forwarding,
# --pull, --platform, --network and --runtime. Real runc, as the test user.

load helpers

setup_file() { husk_setup_run_file busybox; }

# ---------------------------------------------------------------- exit codes

@test "run: exit code 0, the container's own code N, and output on stdout" {
	run_husk run --rm "$R/busybox" echo hello
	expect_eq "$output" "hello" "stdout"
	expect_eq "$stderr" "" "stderr"

	run_husk 7 run --rm "$R/busybox" sh -c 'exit 7'
	expect_eq "$stderr" "" "stderr of a container exiting 7 (husk adds nothing)"
	run_husk 255 run --rm "$R/busybox" sh -c 'exit 255'
	run_husk 1 run --rm "$R/busybox" false
}

@test "run: stdout and stderr of the container stay separate" {
	run_husk 4 run --rm "$R/busybox" sh -c 'echo out; echo err >&2; exit 4'
	expect_eq "$output" "out" "stdout"
	expect_eq "$stderr" "err" "stderr"
}

@test "run: a command killed by a signal inside the container gives 128+N" {
	run_husk 137 run --rm "$R/busybox" sh -c 'sleep 30 & kill -KILL $!; wait $!'
	# Killed from outside: the container's init itself dies by the signal.
	husk_bg "$BATS_TEST_TMPDIR/out" run --rm "$R/busybox" sh -c 'echo ready; exec sleep 27182'
	wait_for_line "$BATS_TEST_TMPDIR/out" '^ready'
	local pid
	for _ in $(seq 100); do
		pid=$(pgrep -u "$(id -u)" -xf 'sleep 27182') && break
		sleep 0.05
	done
	[[ -n $pid ]] || die "the container's sleep 27182 did not show up"
	kill -KILL "$pid"
	wait_bg "$HUSK_BG_PID"
	expect_eq "$status" 137 "husk's exit code after the container's init got SIGKILL"
}

@test "run: an unknown flag is husk's error 125 with a hint" {
	run_husk 125 run --no-such-flag "$R/busybox" true
	expect_contains "$stderr" "unknown flag: --no-such-flag"
	expect_contains "$stderr" "husk run --help"
	expect_eq "$output" "" "stdout"
}

@test "run: flags after the image belong to the command" {
	run_husk run --rm "$R/busybox" echo --no-such-flag -e x
	expect_eq "$output" "--no-such-flag -e x" "stdout"
}

@test "run: a command that is not executable exits 126" {
	run_husk 126 run --rm "$R/busybox" /etc/passwd
	expect_one_error_line
	expect_contains "$stderr" "/etc/passwd"
	expect_contains "$stderr" "permission denied"
	run_husk 126 run --rm "$R/busybox" /etc
	expect_one_error_line
}

@test "run: a command that does not exist exits 127" {
	run_husk_127 run --rm "$R/busybox" no-such-command
	expect_one_error_line
	expect_contains "$stderr" '"no-such-command"'
	expect_eq "$output" "" "stdout"
	run_husk_127 run --rm "$R/busybox" /no/such/path
	expect_one_error_line
	expect_contains "$stderr" "/no/such/path"
}

@test "run: an image with no command and none given is an error, not a hang" {
	run_husk 125 run --rm --entrypoint '' "$R/busybox"
	expect_one_error_line
	expect_contains "$stderr" "no command"
}

# ---------------------------------------------------------------- command

@test "run: the image's CMD runs by default (/bin/sh reading the closed stdin)" {
	run_husk run --rm "$R/busybox"
	expect_eq "$output" "" "stdout"
	run_husk run --rm -i "$R/busybox" <<<'echo from-default-cmd'
	expect_eq "$output" "from-default-cmd" "stdout"
}

@test "run --entrypoint: a string, a JSON array, and an empty one" {
	run_husk run --rm --entrypoint echo "$R/busybox" a b
	expect_eq "$output" "a b"
	run_husk run --rm --entrypoint '["/bin/echo","-n","x y"]' "$R/busybox" z
	expect_eq "$output" "x y z"
	run_husk run --rm --entrypoint '' "$R/busybox" echo cleared
	expect_eq "$output" "cleared"
	run_husk 125 run --rm --entrypoint '["unterminated' "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "--entrypoint"

	run_husk create --entrypoint '["/bin/echo","-n"]' "$R/busybox" p q
	local id=$output
	run_husk container inspect "$id"
	expect_eq "$(json 'd[0]["OCIConfig"]["process"]["args"]')" '["/bin/echo", "-n", "p", "q"]' "process.args"
	run_husk rm "$id"
}

# ---------------------------------------------------------------- environment

@test "run -e: overrides the image's Env (PATH) and husk's defaults" {
	run_husk run --rm "$R/busybox" env
	expect_contains "$output" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	expect_contains "$output" "HOME=/root"
	expect_contains "$output" "container=husk"
	expect_not_contains "$output" "TERM=" "env without -t"

	run_husk run --rm -e PATH=/bin -e HOME=/elsewhere -e FOO=bar -e 'SPACED=a b  c' "$R/busybox" env
	expect_contains "$output" $'\nHOME=/elsewhere\n'
	expect_contains "$output" "FOO=bar"
	expect_contains "$output" "SPACED=a b  c"
	expect_eq "$(grep -c '^PATH=' <<<"$output")" 1 "PATH lines"
	expect_contains "$output" "PATH=/bin"
	expect_eq "$(grep -c '^HOME=' <<<"$output")" 1 "HOME lines"

	# The last -e of a name wins; an empty value is kept.
	run_husk run --rm -e X=1 -e X=2 -e EMPTY= "$R/busybox" sh -c 'echo "$X"; env | grep ^EMPTY='
	expect_eq "${lines[0]}" 2 "X"
	expect_eq "${lines[1]}" "EMPTY=" "EMPTY"
}

@test "run -e NAME copies NAME from husk's environment; an unset NAME is left out" {
	HUSK_FROM_HOST='value from host' run_husk run --rm -e HUSK_FROM_HOST -e HUSK_NOT_SET "$R/busybox" env
	expect_contains "$output" "HUSK_FROM_HOST=value from host"
	expect_not_contains "$output" "HUSK_NOT_SET"
	# husk's own environment does not leak in otherwise.
	HUSK_FROM_HOST=x run_husk run --rm "$R/busybox" env
	expect_not_contains "$output" "HUSK_FROM_HOST"
	expect_not_contains "$output" "XDG_RUNTIME_DIR"
	expect_not_contains "$output" "_CONTAINERS"
}

@test "run --env-file: NAME=VALUE lines, comments, NAME copies; -e wins over the file" {
	local f=$BATS_TEST_TMPDIR/env
	cat >"$f" <<-'EOF'
		# a comment
		A=1

		B=two words
		C="quoted"
		HUSK_FROM_HOST
		HUSK_NOT_SET
	EOF
	HUSK_FROM_HOST=copied run_husk run --rm --env-file "$f" -e A=override "$R/busybox" env
	expect_contains "$output" $'\nA=override\n'
	expect_eq "$(grep -c '^A=' <<<"$output")" 1 "A lines"
	expect_contains "$output" "B=two words"
	expect_contains "$output" 'C="quoted"' "values are taken literally"
	expect_contains "$output" "HUSK_FROM_HOST=copied"
	expect_not_contains "$output" "HUSK_NOT_SET"
	expect_not_contains "$output" "comment"

	run_husk 125 run --rm --env-file "$BATS_TEST_TMPDIR/missing" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "missing"
}

# docker and podman take an env-file value literally after the '=': only
# leading white space of the line is dropped.
@test "run --env-file keeps trailing white space of a value, like docker and podman" {
	local f=$BATS_TEST_TMPDIR/env
	printf 'TRAIL=v  \n  LEAD=ok\n' >"$f"
	run_husk run --rm --env-file "$f" "$R/busybox" sh -c 'echo "[$TRAIL][$LEAD]"'
	expect_eq "$output" "[v  ][ok]" "values from the env file"
}

# ---------------------------------------------------------------- user

@test "run -u: name, uid, uid:gid, name:group; root's supplementary group" {
	run_husk run --rm "$R/busybox" id
	expect_eq "$output" "uid=0(root) gid=0(root) groups=10(wheel)" "default user (root, member of wheel)"
	run_husk run --rm -u root "$R/busybox" id -G
	expect_eq "$output" "0 10" "groups of -u root"
	run_husk run --rm -u app "$R/busybox" id
	expect_eq "$output" "uid=1000(app) gid=1000(app)" "-u app"
	run_husk run --rm -u 1000 "$R/busybox" id
	expect_eq "$output" "uid=1000(app) gid=1000(app)" "-u 1000 takes app's primary group"
	run_husk run --rm -u 1000:10 "$R/busybox" id
	expect_eq "$output" "uid=1000(app) gid=10(wheel)" "-u 1000:10"
	run_husk run --rm -u app:wheel "$R/busybox" id
	expect_eq "$output" "uid=1000(app) gid=10(wheel)" "-u app:wheel"
	run_husk run --rm -u 4242:4343 "$R/busybox" sh -c 'id -u; id -g'
	expect_eq "$output" $'4242\n4343' "ids without passwd entries"
	run_husk run --rm -u app "$R/busybox" sh -c 'echo $HOME'
	expect_eq "$output" "/home/app" "HOME of app"
}

@test "run -u: an unknown user or group is husk's error 125" {
	run_husk 125 run --rm -u nosuchuser "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "nosuchuser"
	run_husk 125 run --rm -u app:nosuchgroup "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "nosuchgroup"
}

# ---------------------------------------------------------------- workdir

# podman (since 3.0, podman#9054) creates an image's WORKDIR that its
# rootfs lacks, but not a --workdir the user gives: that one must exist
# (or be a volume's destination), else the command cannot run there: 126.
@test "run -w: an existing directory; a missing one is 126 as podman's, unless a volume provides it" {
	run_husk run --rm -w /etc "$R/busybox" pwd
	expect_eq "$output" "/etc"
	run_husk 126 run --rm -w /new/deeper/dir "$R/busybox" pwd
	expect_one_error_line
	expect_contains "$stderr" '"/new/deeper/dir" does not exist'
	local d=$BATS_TEST_TMPDIR/wd
	mkdir -p "$d"
	run_husk run --rm -v "$d:/data" -w /data "$R/busybox" pwd
	expect_eq "$output" /data "a volume's destination"
	run_husk 125 run --rm -w relative/dir "$R/busybox" true
	expect_one_error_line
	run_husk 126 run --rm -w /etc/passwd "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "not a directory"
}

# ---------------------------------------------------------------- hostname, /etc

@test "run: the host name defaults to the short container ID and is in /etc/hosts" {
	run_husk create "$R/busybox" sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME; grep -c "[[:space:]]$(hostname)\$" /etc/hosts'
	local id=$output
	run_husk start -a "$id"
	expect_eq "$output" "${id:0:12}"$'\n'"${id:0:12}"$'\n'"${id:0:12}"$'\n'1 "hostname, /etc/hostname, HOSTNAME, /etc/hosts lines"
	run_husk rm "$id"
}

@test "run --hostname: hostname, /etc/hostname, HOSTNAME and /etc/hosts agree; resolv.conf exists" {
	run_husk run --rm --network none --hostname my-box "$R/busybox" sh -c 'hostname; cat /etc/hostname; echo $HOSTNAME; grep my-box /etc/hosts; grep localhost /etc/hosts | head -1; test -f /etc/resolv.conf && echo resolv-ok'
	expect_eq "${lines[0]}" "my-box" "hostname"
	expect_eq "${lines[1]}" "my-box" "/etc/hostname"
	expect_eq "${lines[2]}" "my-box" "HOSTNAME"
	expect_match "${lines[3]}" '^127\.0\.1\.1[[:space:]]+my-box$' "/etc/hosts entry"
	expect_match "${lines[4]}" '^127\.0\.0\.1[[:space:]]+localhost' "/etc/hosts localhost"
	expect_eq "${lines[5]}" "resolv-ok" "/etc/resolv.conf"
}

# ---------------------------------------------------------------- network

@test "run --network none: only lo, no name servers" {
	run_husk run --rm --network none "$R/busybox" sh -c 'ls /sys/class/net; grep -c nameserver /etc/resolv.conf || true'
	expect_eq "$output" $'lo\n0' "interfaces and nameserver lines"
	# (busybox-static's wget crashes here, nc does not.)
	run_husk 1 run --rm --network none "$R/busybox" sh -c "nc -w 2 ${HUSK_TEST_REGISTRY/:/ } </dev/null"
}

@test "run --network host: the host's interfaces, resolv.conf and loopback services" {
	run_husk run --rm --network host "$R/busybox" ls /sys/class/net
	expect_eq "$output" "$(ls /sys/class/net)" "interfaces"
	run_husk run --rm --network host "$R/busybox" cat /etc/resolv.conf
	expect_eq "$output" "$(cat /etc/resolv.conf)" "resolv.conf"
	run_husk run --rm --network host "$R/busybox" sh -c "printf 'GET /v2/ HTTP/1.0\r\n\r\n' | nc -w 5 ${HUSK_TEST_REGISTRY/:/ } | tail -n1"
	expect_eq "$output" "{}" "the test registry's /v2/ from inside"
}

@test "run --network: an unknown mode is refused with 125" {
	run_husk 125 run --rm --network bogus:opt "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "none"
	expect_contains "$stderr" "host"
}

# ---------------------------------------------------------------- stdin

@test "run without -i: stdin is not connected" {
	run_husk run --rm "$R/busybox" cat <<<"should not arrive"
	expect_eq "$output" "" "stdout of cat without -i"
	run_husk run --rm "$R/busybox" sh -c 'read x; echo "read=$? [$x]"' <<<"nope"
	expect_eq "$output" "read=1 []" "read without -i"
}

@test "run -i: stdin reaches the container, byte for byte" {
	run_husk run --rm -i "$R/busybox" sh -c 'cat; echo done' < <(printf 'a\nb\n')
	expect_eq "$output" $'a\nb\ndone'
	local f=$BATS_TEST_TMPDIR/blob
	head -c 3000000 /dev/urandom >"$f"
	run_husk run --rm -i "$R/busybox" md5sum <"$f"
	expect_eq "$output" "$(md5sum <"$f")" "md5 of 3 MB piped in"
	# ... and back out through stdout.
	local sum
	sum=$("$HUSK" run --rm -i "$R/busybox" cat <"$f" | md5sum)
	expect_eq "$sum" "$(md5sum <"$f")" "md5 of 3 MB through cat"
	# An empty stdin is EOF at once.
	run_husk run --rm -i "$R/busybox" cat </dev/null
	expect_eq "$output" ""
}

@test "run -i: husk returns when the container exits, without waiting for stdin's EOF" {
	local fifo=$BATS_TEST_TMPDIR/stdin
	mkfifo "$fifo"
	# This shell holds the FIFO open for writing: stdin never reaches EOF.
	exec 5<>"$fifo"
	echo line >&5
	run_expect '?' timeout -k 2 15 "$HUSK" run --rm -i "$R/busybox" head -n1 <"$fifo"
	exec 5>&-
	expect_eq "$status" 0 "exit code (124: husk waited for stdin's EOF)"
	expect_eq "$output" "line"
}

# ---------------------------------------------------------------- terminal

# in_terminal COMMAND: run a shell command line in a fresh pseudo-terminal
# (script(1)); $output is what the terminal showed, without CRs.
in_terminal() {
	SHELL=/bin/bash run bash -c 'timeout -k 5 30 script -qec "$1" /dev/null </dev/null | tr -d "\r"; exit "${PIPESTATUS[0]}"' _ "$1" 3>&-
}

@test "run -t: a real terminal: /dev/pts, the outer size, TERM=xterm, exit code" {
	need_cmd script
	local cmd i
	printf -v cmd '%q ' "$HUSK" run --rm -t "$R/busybox" sh -c 'tty; stty size; echo "TERM=$TERM"; test -t 0 && echo stdin-tty; exit 3'
	# The size must be there when the command starts, not a moment later:
	# three tries, since a late size is a race.
	for i in 1 2 3; do
		in_terminal "stty cols 123 rows 45; $cmd"
		expect_eq "$status" 3 "exit code through the terminal"
		expect_match "${lines[0]}" '^/dev/pts/[0-9]+$' "tty"
		expect_eq "${lines[1]}" "45 123" "stty size as the container's first command (try $i)"
		expect_eq "${lines[2]}" "TERM=xterm" "TERM"
		expect_eq "${lines[3]}" "stdin-tty" "stdin is the terminal"
	done
	expect_eq "$(ls -A "$TMPDIR" | grep -c husk-tty || true)" 0 "console socket directories left in \$TMPDIR"
}

@test "run without -t: no terminal inside, even when husk has one" {
	need_cmd script
	local cmd
	printf -v cmd '%q ' "$HUSK" run --rm "$R/busybox" sh -c 'tty; env | grep -c ^TERM='
	in_terminal "$cmd"
	expect_eq "${lines[0]}" "not a tty"
	expect_eq "${lines[1]}" "0" "TERM lines"
}

@test "run -t: the container's terminal follows a resize of husk's terminal" {
	need_cmd script
	local d=$BATS_TEST_TMPDIR/sync cmd
	mkdir -p "$d"
	# The container reports its size (once it has one: the size at start
	# is the previous test's business), waits until the outside resized
	# the terminal, then waits (bounded) for the new size to arrive.
	printf -v cmd '%q ' "$HUSK" run --rm -t -v "$d:/sync" "$R/busybox" sh -c 'i=0; until stty size 2>&1 | grep -q "^[1-9]" || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done; stty size; touch /sync/ready; while [ ! -e /sync/go ]; do sleep 0.05; done; i=0; while [ "$(stty size)" = "24 80" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; stty size'
	in_terminal "stty cols 80 rows 24; $cmd </dev/tty & n=0; while [ ! -e $d/ready ] && [ \$n -lt 300 ]; do sleep 0.05; n=\$((n+1)); done; stty cols 100 rows 30; touch $d/go; wait \$!"
	expect_eq "$status" 0
	expect_eq "$output" $'24 80\n30 100' "sizes before and after the resize"
}

@test "run -it: typed input reaches the container; ^C interrupts the container's foreground job" {
	need_cmd script
	local d=$BATS_TEST_TMPDIR/sync out=$BATS_TEST_TMPDIR/term cmd rc=0
	mkdir -p "$d"
	printf -v cmd '%q ' "$HUSK" run --rm -it -v "$d:/sync" "$R/busybox" sh -c 'trap "echo trapped" INT; read line; echo "got [$line]"; touch /sync/ready; sleep 60; echo "after sleep: $?"; exit 9'
	# The terminal is raw on husk's side, so ^C reaches the container's
	# terminal, which sends SIGINT to its whole foreground group: sleep dies
	# (130) while the shell traps it. (Forwarded as a signal it would reach
	# only the shell, and sleep would run on.) ^C is sent again until the
	# container reports it: one that arrives before sleep started only
	# hits the shell's trap.
	{
		echo "typed text"
		for _ in $(seq 200); do [[ -e $d/ready ]] && break; sleep 0.05; done
		for _ in $(seq 50); do
			grep -q "after sleep" "$out" 2>/dev/null && break
			printf '\003'
			sleep 0.2
		done
	} | SHELL=/bin/bash timeout -k 5 30 script -qec "$cmd" /dev/null >"$out" 3>&- || rc=$?
	run tr -d '\r' <"$out"
	expect_eq "$rc" 9 "exit code"
	expect_contains "$output" "got [typed text]"
	expect_contains "$output" "after sleep: 130" "sleep killed by SIGINT from the container's terminal"
}

@test "run without -t in a terminal: ^C typed at husk reaches the container once" {
	need_cmd script
	local d=$BATS_TEST_TMPDIR/sync out=$BATS_TEST_TMPDIR/term cmd rc=0
	mkdir -p "$d"
	# The container counts SIGINTs for a second after the first one.
	printf -v cmd '%q ' "$HUSK" run --rm -v "$d:/sync" "$R/busybox" sh -c 'n=0; trap "n=\$((n+1))" INT; touch /sync/ready; while [ $n -lt 1 ]; do sleep 0.1; done; sleep 1; echo "ints=$n"; exit 5'
	{
		for _ in $(seq 200); do [[ -e $d/ready ]] && break; sleep 0.05; done
		sleep 0.3
		printf '\003'
		for _ in $(seq 100); do grep -q ints= "$out" 2>/dev/null && break; sleep 0.05; done
	} | SHELL=/bin/bash timeout -k 5 30 script -qec "$cmd" /dev/null >"$out" 3>&- || rc=$?
	run tr -d '\r' <"$out"
	expect_eq "$rc" 5 "exit code"
	expect_contains "$output" "ints=1" "SIGINTs the container got"
}

# ---------------------------------------------------------------- signals

# signal_test SIGNAL CODE: a container trapping SIGNAL exits CODE when husk
# gets SIGNAL once the container is well under way (the moment right after
# it started is the next tests' business).
signal_test() {
	local sig=$1 code=$2 out=$BATS_TEST_TMPDIR/sig-$1
	husk_bg "$out" run --rm "$R/busybox" sh -c "trap 'echo got $sig; exit $code' $sig; echo ready; sleep 60 & wait"
	wait_for_line "$out" '^ready$'
	sleep 0.5
	kill -"$sig" "$HUSK_BG_PID"
	wait_bg "$HUSK_BG_PID"
	expect_eq "$status" "$code" "exit code after SIG$sig (output: $(cat "$out"))"
	expect_eq "$(cat "$out")" $'ready\ngot '"$sig" "container output"
}

@test "run: SIGTERM to husk reaches the container" {
	signal_test TERM 42
}

@test "run: SIGHUP to husk reaches the container" {
	signal_test HUP 43
}

@test "run: SIGUSR1 and SIGINT to husk reach the container" {
	signal_test USR1 44
	signal_test INT 45
}

# race_signal SIGNAL: send SIGNAL to husk the moment the container has
# printed its first line; it must reach the container's trap.
race_signal() {
	local sig=$1 out=$BATS_TEST_TMPDIR/race-$1
	: >"$out"
	husk_bg "$out" run --rm "$R/busybox" sh -c "trap 'echo got $sig; exit 45' $sig; echo ready; sleep 8 & wait"
	for _ in $(seq 3000); do
		grep -q '^ready$' "$out" && break
		sleep 0.002
	done
	kill -"$sig" "$HUSK_BG_PID"
	wait_bg "$HUSK_BG_PID" 30
	expect_eq "$status $(tr '\n' '|' <"$out")" "45 ready|got $sig|" "SIG$sig right after the container started: exit code and output"
}

@test "run: a signal that arrives just after the container started is forwarded, not lost" {
	local i
	for i in 1 2 3 4 5 6; do
		race_signal TERM || return 1
		race_signal INT || return 1
		race_signal USR1 || return 1
	done
}

# ---------------------------------------------------------------- pull policy

@test "run --pull=never: a missing image is husk's error 125 with a clear message" {
	use_store pullnever
	run_husk 125 run --rm --pull=never "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "$R/busybox"
	expect_contains "$stderr" "--pull=never"
	expect_eq "$(image_ids)" "" "images after the refused run"
	# Present: runs without contacting anything.
	run_husk pull -q "$R/busybox"
	run_husk '?' run --rm --pull=never "$R/busybox" echo ok
	expect_eq "$output" "ok"
}

@test "run --pull=missing pulls once; --pull=always pulls again" {
	use_store pullpolicy
	run_husk '?' run --rm "$R/busybox" echo first
	expect_eq "$status" 0 "first run"
	expect_eq "$output" "first"
	expect_contains "$stderr" "Copying blob" "pull progress of the first run"
	run_husk run --rm "$R/busybox" echo second
	expect_eq "$stderr" "" "stderr of a run whose image is present"
	run_husk run --rm --pull=always "$R/busybox" echo third
	expect_eq "$output" "third"
	expect_contains "$stderr" "Getting image source signatures" "--pull=always contacts the registry"
	expect_eq "$(image_ids)" "$(oci_image_id busybox)" "still one image"

	run_husk 125 run --rm --pull=sometimes "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "missing, always, never or newer"
}

@test "run: an image the registry does not have is husk's error 125" {
	run_husk 125 run --rm "$R/no-such-image:latest" true
	expect_contains "${stderr_lines[-1]}" "husk: "
	expect_contains "$stderr" "no-such-image"
	expect_eq "$output" "" "stdout"
}

@test "run --platform picks the image of a multi-platform index" {
	use_store platform
	run_husk run --rm --platform linux/arm64 "$R/multiarch" cat /arch
	expect_eq "$output" "arm64"
	run_husk run --rm --platform linux/amd64 --pull=always "$R/multiarch" cat /arch
	expect_eq "$output" "amd64"
}

@test "run --tls-verify=false reaches a plain-HTTP registry that registries.conf does not list" {
	use_store tlsverify
	local cfg=$BATS_TEST_TMPDIR/config
	mkdir -p "$cfg/containers"
	echo 'unqualified-search-registries = []' >"$cfg/containers/registries.conf"
	XDG_CONFIG_HOME=$cfg run_husk 125 run --rm "$R/busybox" true
	expect_eq "$(image_ids)" "" "images after the refused HTTPS pull"
	XDG_CONFIG_HOME=$cfg run_husk '?' run --rm --tls-verify=false "$R/busybox" echo ok
	expect_eq "$status" 0 "exit code with --tls-verify=false"
	expect_eq "$output" "ok"
}

# ---------------------------------------------------------------- runtime

@test "run: the default runtime choice works here and is recorded (crun's refusal remembered)" {
	use_store rtdefault
	run_husk pull -q "$R/busybox"
	run_husk '?' run --name first "$R/busybox" echo ok
	expect_eq "$status" 0
	expect_eq "$output" "ok"
	local notices
	notices=$(grep -c 'notice' <<<"$stderr" || true)
	if [[ -f $XDG_RUNTIME_DIR/husk/storage/husk-runtime/crun.refused ]]; then
		expect_eq "$notices" 1 "fallback notices of the first run"
		expect_contains "$stderr" "using runc"
		run_husk run --rm "$R/busybox" true
		expect_eq "$stderr" "" "the refusal is remembered: no second notice"
	fi
	run_husk container inspect first
	expect_match "$(json 'd[0]["OCIRuntime"]')" '^(crun|runc)$' "State.runtime"
	run_husk rm first
}

@test "run --runtime runc (name and path) works" {
	need_cmd runc
	run_husk --runtime runc run --name rt-runc "$R/busybox" echo ok
	expect_eq "$output" "ok"
	expect_eq "$stderr" ""
	run_husk container inspect rt-runc
	expect_eq "$(json 'd[0]["OCIRuntime"]')" "runc"
	run_husk rm rt-runc
	run_husk --runtime "$(command -v runc)" run --rm "$R/busybox" echo ok
	expect_eq "$output" "ok"
}

@test "run --runtime crun on a host crun refuses: 125 and advice to pick another runtime" {
	need_cmd crun
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		skip "pure cgroup v2 host: crun runs here"
	fi
	run_husk 125 --runtime crun run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "crun"
	expect_contains "$stderr" "--runtime"
	expect_no_container_leftovers
}

@test "run --runtime with a missing runtime is husk's error 125" {
	run_husk 125 --runtime /nonexistent/runc run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "/nonexistent/runc"
	run_husk 125 --runtime no-such-runtime run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "no-such-runtime"
}
