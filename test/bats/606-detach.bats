#!/usr/bin/env bats
# Detaching (issue 14): --detach-keys on run -it, start -a and exec -it
# (ctrl-p,ctrl-q by default, podman's key syntax; "" never detaches), and
# an attach to a container without a terminal closing its stdin when the
# attach's input ends. A foreground run with a terminal that takes input
# is started by a monitor that husk attaches to, so the container outlives
# a detach; an exec'd process's terminal goes to a drainer (husk
# __exec-drain) that reads it until the process is gone. Typed on real
# terminals (a pty driven from python), as the test user, with real runc;
# where podman 4.3.1 is installed the same lines run with it.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_optional_setup_file busybox
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	[[ -n ${PM_SKIP:-} ]] || pm rm -a -f -t 0 >/dev/null 2>&1 || true
}

need_podman() { [[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"; }

# PM: a shell line that runs podman with the file's store (for on_pty).
pm_line() { printf '%s; pm' "$(declare -f pm)"; }

# on_pty KEYS CMD...: run CMD with a new terminal as its stdin, stdout and
# stderr (33 rows, 111 columns); type KEYS (pieces separated by '|', python
# escapes, each followed by half a second). Sets pty_out (what the
# terminal showed, python's repr) and pty_rc (CMD's exit code, or
# "timeout" after 15 s). Typing starts once the terminal showed something
# (at most 10 s later), as a user waits for the prompt.
on_pty() {
	local res
	res=$(python3 - "$@" <<'PY'
import ast, fcntl, os, pty, select, struct, subprocess, sys, termios, time
keys = [ast.literal_eval('b"' + k + '"') for k in sys.argv[1].split('|')] if sys.argv[1] else []
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 111, 0, 0))
p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
os.close(slave)
out = b""
def drain(t):
    global out
    end = time.time() + t
    while time.time() < end:
        if select.select([master], [], [], 0.05)[0]:
            try:
                out += os.read(master, 4096)
            except OSError:
                return
end = time.time() + 10
while not out and time.time() < end:
    drain(0.1)
drain(0.3)
for k in keys:
    os.write(master, k)
    drain(0.5)
try:
    rc = p.wait(timeout=15)
except subprocess.TimeoutExpired:
    p.kill()
    rc = "timeout"
drain(0.2)
sys.stdout.write(str(rc) + "\n" + repr(out) + "\n")
PY
	)
	pty_rc=${res%%$'\n'*}
	pty_out=${res#*$'\n'}
}

@test "run -it: ctrl-p,ctrl-q detaches (exit 0, nothing printed), the container goes on and attach takes it up again; --rm removes it once it exits" {
	on_pty 'echo one\r|\x10|\x11|echo gone\r' "$HUSK" run -it --name r1 "$R/busybox" sh
	expect_eq "$pty_rc" 0 "run -it's exit code on the detach"
	expect_contains "$pty_out" one
	expect_eq "$(ctr_status r1)" running "after the detach"
	# The log has what was shown while husk was attached; what was typed
	# after the detach stayed with the terminal.
	wait_until 5 logs_contain r1 one
	run_husk logs r1
	[[ $output != *gone* ]] || die "input after the detach reached the container: $output"
	on_pty 'echo back\r|exit 4\r' "$HUSK" attach r1
	expect_contains "$pty_out" back
	wait_until 5 ctr_exited r1
	expect_eq "$(ctr_field r1 '{{.State.ExitCode}}')" 4
	on_pty 'echo rm\r|\x10|\x11' "$HUSK" run -it --rm --name rm1 "$R/busybox" sh
	expect_eq "$pty_rc" 0
	expect_eq "$(ctr_status rm1)" running "--rm, detached"
	run_husk stop -t 0 rm1
	wait_until 10 ctr_gone rm1
	need_podman
	on_pty 'echo one\r|\x10|\x11' bash -c "$(pm_line) run -it --name r1 $R/busybox sh"
	expect_eq "$pty_rc" 0 "podman run -it's exit code on the detach"
	expect_eq "$(pm inspect --format '{{.State.Status}}' r1)" running
}

# ctr_exited NAME / ctr_gone NAME: for wait_until.
ctr_exited() { [[ $(ctr_status "$1") == exited ]]; }
ctr_gone() { ! "$HUSK" container exists "$1"; }

@test "run -it without a detach: the exit code and the output are the container's, and so is the log" {
	on_pty 'echo hi\r|exit 3\r' "$HUSK" run -it --name x1 "$R/busybox" sh
	expect_eq "$pty_rc" 3
	expect_contains "$pty_out" hi
	run_husk logs x1
	expect_contains "$output" hi
	expect_eq "$(ctr_field x1 '{{.State.Status}} {{.State.ExitCode}}')" "exited 3" "the record, once run returned"
	# The container's terminal has the size of husk's.
	on_pty '' "$HUSK" run -it --rm "$R/busybox" sh -c 'stty size; tty'
	expect_eq "$pty_rc" 0
	expect_contains "$pty_out" "33 111"
	expect_contains "$pty_out" /dev/pts/
	on_pty '' "$HUSK" run -it --rm "$R/busybox" sh -c 'exit 7'
	expect_eq "$pty_rc" 7
	# The same events as a run --rm that is husk's child (521-events.bats).
	on_pty '' "$HUSK" run -it --rm --name ev "$R/busybox" true
	expect_eq "$pty_rc" 0
	expect_eq "$("$HUSK" events --stream=false --format '{{.Status}}' --filter container=ev | tr '\n' ' ')" "create init start attach died cleanup remove "
	on_pty '' "$HUSK" run -it --rm "$R/busybox" nosuchcommand
	expect_eq "$pty_rc" 127
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$output" x1 "containers left (--rm)"
	need_podman
	on_pty 'echo hi\r|exit 3\r' bash -c "$(pm_line) run -it --rm $R/busybox sh"
	expect_eq "$pty_rc" 3 "podman's exit code"
}

@test "run -it --detach-keys: the user's keys detach; \"\" never does (the keys reach the container); bad keys are 125 and nothing is made" {
	on_pty 'echo two\r|\x01|\x02' "$HUSK" run -it --detach-keys ctrl-a,ctrl-b --name r2 "$R/busybox" sh
	expect_eq "$pty_rc" 0
	expect_eq "$(ctr_status r2)" running
	# ctrl-p reaches the container's read (ctrl-q is the terminal's flow
	# control, its own terminal keeps it).
	on_pty '\x10|\x11|\r' "$HUSK" run -it --detach-keys= --name r3 "$R/busybox" sh -c 'echo ready; read -r x; printf "%s" "$x" | od -An -c; exit 3'
	expect_eq "$pty_rc" 3 "no detach with --detach-keys \"\""
	expect_contains "$pty_out" "020"
	local k
	for k in foo ctrl-1 ctrl-A ctrl-p,,q ab ctrl-; do
		run_husk 125 run -it --detach-keys "$k" --name bad "$R/busybox" true </dev/null
		expect_contains "$stderr" "detach keys"
	done
	# Without a terminal that takes input there is nothing to detach
	# from: keys given are refused rather than ignored.
	run_husk 125 run -i --detach-keys ctrl-a "$R/busybox" true </dev/null
	expect_contains "$stderr" "--tty"
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$(grep -c bad <<<"$output")" 0 "containers made by refused runs"
	# The default's keys, unused, are no reason to refuse; -d takes keys.
	run_husk run --rm -i "$R/busybox" true </dev/null
	run_husk run -d --detach-keys ctrl-a --name dk "$R/busybox" true
}

@test "start -a -i and start -a of a container created with -i -t: ctrl-p,ctrl-q detaches, it goes on" {
	run_husk create -it --name s1 "$R/busybox" sh
	on_pty 'echo st\r|\x10|\x11' "$HUSK" start -a -i s1
	expect_eq "$pty_rc" 0
	expect_contains "$pty_out" st
	expect_eq "$(ctr_status s1)" running
	run_husk create -it --name s2 "$R/busybox" sh
	on_pty 'echo st2\r|\x01|\x02' "$HUSK" start -a --detach-keys ctrl-a,ctrl-b s2
	expect_eq "$pty_rc" 0
	expect_eq "$(ctr_status s2)" running
	run_husk 125 start -a --detach-keys foo s2
	expect_contains "$stderr" "detach keys"
	need_podman
	pm create -it --name s1 "$R/busybox" sh >/dev/null
	on_pty 'echo st\r|\x10|\x11' bash -c "$(pm_line) start -a -i s1"
	expect_eq "$pty_rc" 0
	expect_eq "$(pm inspect --format '{{.State.Status}}' s1)" running
}

@test "attach to a container without a terminal: the end of attach's input closes the container's stdin (cat ends, 0), as podman's; with a terminal it stays open" {
	run_husk run -d -i --name c1 "$R/busybox" cat
	run bash -c "echo hi | timeout 20 '$HUSK' attach c1"
	expect_eq "$status" 0
	expect_eq "$output" hi
	expect_eq "$(ctr_status c1)" exited
	expect_eq "$(ctr_field c1 '{{.State.ExitCode}}')" 0
	run_husk run -d -i -t --name c2 "$R/busybox" cat
	run bash -c "echo hi | timeout 3 '$HUSK' attach c2"
	expect_eq "$status" 124 "attach to a terminal's container went on"
	expect_eq "$(ctr_status c2)" running
	need_podman
	pm run -d -i --name c1 "$R/busybox" cat >/dev/null
	run bash -c "$(pm_line) attach c1 <<<hi"
	expect_eq "$status" 0
	expect_eq "$output" hi
	run_pm wait c1
	expect_eq "$output" 0
}

@test "run -it with a monitor that waits in Go (it keeps the terminal): husk follows the container as attach does, and detaches the same" {
	HUSK_MONITOR_GO=1 on_pty 'echo gomon\r|\x10|\x11' "$HUSK" run -it --name g1 "$R/busybox" sh
	expect_eq "$pty_rc" 0
	expect_contains "$pty_out" gomon
	expect_eq "$(ctr_status g1)" running
	HUSK_MONITOR_GO=1 on_pty 'exit 5\r' "$HUSK" run -it --rm "$R/busybox" sh
	expect_eq "$pty_rc" 5
}

@test "run -it killed (SIGKILL): the container goes on and its monitor logs its terminal from then on" {
	python3 - "$HUSK" run -it --name k1 "$R/busybox" sh -c 'i=0; while :; do echo tick$i; i=$((i+1)); sleep 0.2; done' <<'PY'
import os, pty, select, signal, subprocess, sys, time
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
os.close(slave)
out, end = b"", time.time() + 20
while b"tick2" not in out and time.time() < end:
    if select.select([master], [], [], 0.1)[0]:
        out += os.read(master, 4096)
p.send_signal(signal.SIGKILL)
p.wait()
PY
	expect_eq "$(ctr_status k1)" running
	local n
	n=$("$HUSK" logs k1 | wc -l)
	wait_until 10 log_grows k1 "$n"
}

# log_grows NAME N: the log of NAME has more than N lines.
log_grows() { [[ $("$HUSK" logs "$1" | wc -l) -gt $2 ]]; }

# host_pid CTR PID: the host's pid of the process that is PID in CTR's
# pid namespace (nothing when there is none).
host_pid() {
	local ns d
	ns=$(readlink "/proc/$(ctr_pid "$1")/ns/pid")
	for d in /proc/[0-9]*; do
		[[ $(readlink "$d/ns/pid" 2>/dev/null) == "$ns" ]] || continue
		if [[ $(awk '/^NSpid:/ {print $NF}' "$d/status" 2>/dev/null) == "$2" ]]; then
			echo "${d#/proc/}"
			return
		fi
	done
}

# drainer_pids: the exec drainers of this $HUSK.
drainer_pids() {
	local d exe
	exe=$(readlink -f "$HUSK")
	for d in $(pgrep -u "$(id -u)" -f -- '__exec-drain'); do
		[[ $(readlink "/proc/$d/exe") != "$exe" ]] || echo "$d"
	done
}

# drainers: how many there are; no_drainers: none.
drainers() { drainer_pids | grep -c . || true; }
no_drainers() { [[ $(drainers) -eq 0 ]]; }

# counter_grows CTR FILE N: the number in FILE of CTR is above N.
counter_grows() { [[ $("$HUSK" exec "$1" cat "$2") -gt $3 ]]; }

@test "exec -it: ctrl-p,ctrl-q detaches (exit 0, at once), the process goes on with its terminal drained, and nothing is left once it ends" {
	run_husk run -d --name e1 "$R/busybox" sleep 1000
	# 4 KiB on the terminal every 50 ms: without a reader of its
	# terminal, the process would block within a second.
	local t0=$SECONDS
	on_pty '\x10|\x11' "$HUSK" exec -it e1 sh -c 'echo $$ >/tmp/p; echo ready; i=0; while :; do head -c 4096 /dev/zero; echo $i >/tmp/n; i=$((i+1)); sleep 0.05; done'
	expect_eq "$pty_rc" 0 "exec -it's exit code on the detach"
	[[ $((SECONDS - t0)) -lt 10 ]] || die "exec took $((SECONDS - t0)) s to detach"
	expect_contains "$pty_out" ready
	local p hp n
	p=$("$HUSK" exec e1 cat /tmp/p)
	run_husk exec e1 kill -0 "$p"
	hp=$(host_pid e1 "$p")
	[[ -n $hp ]] || die "no host process for $p"
	expect_eq "$(drainers)" 1 "drainers of the detached terminal"
	# In a session of its own (the shell's hangup and job control do not
	# reach it), its stdio on /dev/null.
	local d
	d=$(drainer_pids)
	expect_eq "$(ps -o sid= -p "$d" | tr -d ' ')" "$d" "the drainer's session"
	expect_eq "$(readlink "/proc/$d/fd/0") $(readlink "/proc/$d/fd/1") $(readlink "/proc/$d/fd/2")" "/dev/null /dev/null /dev/null"
	expect_match "$(readlink "/proc/$d/fd/3")" '^/dev/pts/ptmx|^/dev/ptmx' "the drainer's terminal"
	n=$("$HUSK" exec e1 cat /tmp/n)
	sleep 2
	wait_until 5 counter_grows e1 /tmp/n $((n + 10))
	# No hangup: the terminal is still open.
	run_husk exec e1 kill -0 "$p"
	expect_eq "$(awk '/^State:/ {print $2}' "/proc/$hp/status")" S "state of the detached process"
	# The exec is recorded; its end is not (nobody waits for it here).
	local ev
	ev=$("$HUSK" events --stream=false --format '{{.Status}}' --filter container=e1)
	expect_eq "$(($(grep -cx exec <<<"$ev") - $(grep -cx exec_died <<<"$ev")))" 1 "execs without exec_died"
	run_husk exec e1 kill "$p"
	# Reaped (no zombie) and the drainer gone.
	wait_until 20 test ! -e "/proc/$hp"
	wait_until 10 no_drainers
	need_podman
	pm run -d --name e1 "$R/busybox" sleep 1000 >/dev/null
	on_pty '\x10|\x11' bash -c "$(pm_line) exec -it e1 sh -c 'echo ready; while :; do sleep 0.1; done'"
	# podman 4.3.1 waits for the exit file of a process that runs on,
	# then fails: a bug (containers/podman#24895, fixed in 5.4: 0).
	expect_eq "$pty_rc" 255 "podman's exit code on an exec detach"
	expect_contains "$pty_out" "timed out waiting for file"
}

@test "exec -it --detach-keys: the user's keys detach, ctrl-p,ctrl-q are then input; \"\" never detaches; bad keys and keys without a terminal that takes input are 125 and nothing runs" {
	run_husk run -d --name e2 "$R/busybox" sleep 1000
	on_pty 'echo hi\r|\x01|\x02' "$HUSK" exec -it --detach-keys ctrl-a,ctrl-b e2 sh
	expect_eq "$pty_rc" 0 "exit code on the detach"
	expect_contains "$pty_out" hi
	# The shell goes on (pid 1 is sleep).
	run_husk exec e2 ps -o pid,args
	expect_match "$output" $'\n'" *[0-9]+ sh"$'(\n|$)' "the detached shell"
	# ctrl-p reaches the process's read (ctrl-q is its terminal's flow
	# control), with other keys and with none.
	local k
	for k in ctrl-a,ctrl-b ""; do
		on_pty '\x10|\x11|\r' "$HUSK" exec -it --detach-keys "$k" e2 sh -c 'echo ready; read -r x; printf "%s" "$x" | od -An -c; exit 3'
		expect_eq "$pty_rc" 3 "no detach with --detach-keys \"$k\""
		expect_contains "$pty_out" "020"
	done
	# Without a detach, the exit code and the output are the process's.
	on_pty '' "$HUSK" exec -it e2 sh -c 'tty; exit 7'
	expect_eq "$pty_rc" 7
	expect_contains "$pty_out" /dev/pts/
	for k in foo ctrl-1 ctrl-A ctrl-p,,q ab ctrl-; do
		run_husk 125 exec -it --detach-keys "$k" e2 touch /tmp/bad </dev/null
		expect_contains "$stderr" "detach keys"
	done
	# Nothing to detach from: keys given are refused rather than ignored
	# (podman 4.3.1 passes them to the process as input).
	run_husk 125 exec -i --detach-keys ctrl-a e2 touch /tmp/bad </dev/null
	expect_contains "$stderr" "--tty"
	run_husk 125 exec -t --detach-keys ctrl-a e2 touch /tmp/bad </dev/null
	expect_contains "$stderr" "--interactive"
	run_husk 1 exec e2 test -e /tmp/bad
	# The default's keys, unused, are no reason to refuse; -d takes keys
	# (as podman: nothing to detach from there either); so does exec
	# with "".
	run_husk exec -i e2 true </dev/null
	run_husk exec -d --detach-keys ctrl-a e2 true
	run_husk exec --detach-keys "" e2 true
	# The detached shell's drainer ends with the container.
	expect_eq "$(drainers)" 1 "drainers while the detached shell runs"
	run_husk rm -f -t 0 e2
	wait_until 10 no_drainers
	need_podman
	pm run -d --name e2 "$R/busybox" sleep 1000 >/dev/null
	on_pty '\x10|\x11|\r' bash -c "$(pm_line) exec -it --detach-keys '' e2 sh -c 'echo ready; read -r x; printf \"%s\" \"\$x\" | od -An -c; exit 3'"
	expect_eq "$pty_rc" 3 "podman: no detach with --detach-keys \"\""
	expect_contains "$pty_out" "020"
}
