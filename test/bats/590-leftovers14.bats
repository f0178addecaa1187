#!/usr/bin/env bats
# Leftovers of issue 14: user namespaces without the user's own id on the
# default network; commit of a --rootfs container and inspect's image
# mounts; --detach-keys on attach (run -it and start -a detach too, see
# 606-detach.bats; exec -it too); ps filters health=,
# restart-policy= and pod=. Where podman 4.3.1 is installed the same lines
# run with it and compare. Real runc, as the test user.

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

# open_store_path: a container user namespace without the user's own id
# must be able to search the directories above the store (podman keeps
# its store 0711): the test's temporary directories get o+x.
open_store_path() {
	local d=$XDG_DATA_HOME/husk
	while [[ $d != / && -O $d ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# subid_count: how many subordinate uids the user has.
subid_count() {
	awk -F: -v n="$(id -un)" -v u="$(id -u)" '$1 == n || $1 == u { print $3; exit }' /etc/subuid
}

# free_port: a TCP port on loopback that nothing listens on.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

@test "--userns nomap, auto and --uidmap without the user's id work on the default network, slirp4netns, pasta and a user network" {
	open_store_path
	[[ $(subid_count) -ge 2000 ]] || skip "needs a user with at least 2000 subordinate ids"
	local net
	# The runtime joins the user namespace husk made with the network;
	# without the user's groups (which that namespace does not map) it can
	# search the store's directories (0701) as others.
	for net in "" "--network slirp4netns" "--network pasta"; do
		# shellcheck disable=SC2086
		run_husk run --rm --userns nomap $net "$R/busybox" sh -c 'head -n1 /proc/self/uid_map | awk "{ print \$2 }"; ip -4 addr | grep -c "inet "'
		expect_eq "$output" "1
2" "nomap ${net:-on the default network}: the subordinate ids, loopback and a network interface"
	done
	run_husk run --rm --userns auto:size=2000 "$R/busybox" id -u
	expect_eq "$output" 0
	run_husk run --rm --uidmap 0:1:1000 "$R/busybox" id -u
	expect_eq "$output" 0
	run_husk network create n590
	run_husk run --rm --userns nomap --network n590 "$R/busybox" sh -c 'ip -4 addr show eth0 | grep -c "inet "'
	expect_eq "$output" 1 "a user network"
	run_husk network rm n590
	# A published port reaches the container, and exec joins it.
	local port
	port=$(free_port)
	run_husk run -d --name web --userns nomap -p "127.0.0.1:$port:80" "$R/busybox" \
		sh -c 'echo hi >/tmp/i && exec httpd -f -p 80 -h /tmp'
	local i got=""
	for i in $(seq 50); do
		got=$(curl -fsS "http://127.0.0.1:$port/i" 2>/dev/null) && break
		sleep 0.1
	done
	expect_eq "$got" hi "the published port"
	run_husk exec web cat /proc/self/uid_map
	expect_eq "$(awk '{ print $1, $2 }' <<<"$output")" "0 1"
}

@test "--userns auto:size=N below 11: unmapped image groups are left out with podman's warning; gid 5 missing drops devpts' gid=" {
	open_store_path
	[[ $(subid_count) -ge 100 ]] || skip "needs a user with subordinate ids"
	# busybox's root is in group 10 (wheel), which size=8 does not map.
	run_husk run --rm --net none --userns auto:size=8 "$R/busybox" id
	expect_eq "$output" "uid=0(root) gid=0(root)"
	expect_contains "$stderr" "warning: additional gid=10 is not present in the user namespace, skip setting it"
	run_husk run --rm --net none --userns auto:size=11 "$R/busybox" id
	expect_eq "$output" "uid=0(root) gid=0(root) groups=10(wheel)"
	# gid 5 (tty) unmapped: podman 4.3.1 fails on devpts' gid=5 here (126),
	# husk leaves the option out as podman does when its own namespace
	# lacks gid 5.
	run_husk run --rm -t --userns auto:size=5 "$R/busybox" sh -c 'test -c /dev/pts/0 && echo tty'
	expect_eq "$(tr -d '\r' <<<"$output")" tty
	need_podman
	run_pm run --rm --net none --userns auto:size=8 "$R/busybox" id
	expect_eq "$output" "uid=0(root) gid=0(root)" "podman"
	expect_contains "$stderr" "Additional gid=10 is not present in the user namespace, skip setting it"
}

@test "commit of a --rootfs container is refused with 125, as podman's" {
	local dir=$BATS_TEST_TMPDIR/root
	mkdir "$dir"
	run_husk create --name src "$R/busybox" true
	"$HUSK" export src | tar -C "$dir" -xf -
	run_husk create --name rf --rootfs "$dir" sh -c 'echo x >/new'
	run_husk start -a rf
	run_husk 125 commit rf rfimg
	expect_one_error_line
	expect_contains "$stderr" "exploded rootfs"
	run_husk 1 image exists rfimg
	run_husk 125 commit -q rf
	need_podman
	run_pm create --name rf --rootfs "$dir" true
	run_pm 125 commit rf rfimg
	expect_contains "$stderr" "cannot commit a container that uses an exploded rootfs"
}

@test "inspect Mounts: --mount type=image is Type image, listed as podman lists it (volumes, images, binds); a bind has no Name" {
	run_husk volume create v590
	local args=(--mount "type=image,src=$R/busybox,dst=/x" -v "$BATS_TEST_TMPDIR:/t:ro" -v v590:/v
		--mount "type=image,source=$R/busybox,destination=/y,rw=true")
	run_husk create --name im "${args[@]}" "$R/busybox" true
	run_husk inspect --format '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}} {{.Options}} {{.Propagation}}|{{end}}' im
	expect_eq "$output" "volume $XDG_DATA_HOME/husk/storage/volumes/v590/_data /v true [nosuid nodev rbind] rprivate|image $R/busybox /x false [] |image $R/busybox /y true [] |bind $BATS_TEST_TMPDIR /t false [rbind] rprivate|"
	local husk_json
	husk_json=$("$HUSK" inspect --format '{{json .Mounts}}' im)
	need_podman
	pm volume create v590 >/dev/null
	run_pm create --name im "${args[@]}" "$R/busybox" true
	# The same keys, types and values but the volume's path (both mount
	# volumes nosuid,nodev). As sets: podman 4.3.1 lists its two image
	# mounts in either order from one run to the next (husk's order is
	# checked above).
	local norm='import json, sys
for m in json.load(sys.stdin):
    if m["Type"] == "volume": m["Source"] = "VOL"
    print(json.dumps(m, sort_keys=True))'
	expect_eq "$(python3 -c "$norm" <<<"$husk_json" | sort)" "$(pm inspect --format '{{json .Mounts}}' im | python3 -c "$norm" | sort)" "Mounts in husk and podman"
}

@test "ps --filter restart-policy=none|no|..., health=ANY, pod=NAME: podman 4.3.1's matches and refusals" {
	run_husk run -d --name f-run "$R/busybox" sleep 1000
	run_husk create --name f-new "$R/busybox" true
	# husk has no restart policies yet: every container has none.
	run_husk ps -a --filter restart-policy=none --format '{{.Names}}'
	expect_eq "$(sort <<<"$output")" "f-new
f-run"
	local f
	for f in restart-policy=no restart-policy=always restart-policy=on-failure restart-policy=unless-stopped \
		health=healthy health=bogus pod=nosuch; do
		run_husk ps -a --filter "$f" --format '{{.Names}}'
		expect_eq "$output" "" "$f"
	done
	for f in restart-policy= restart-policy=bogus pod=; do
		run_husk 125 ps -a --filter "$f"
		expect_one_error_line
	done
	need_podman
	pm run -d --name f-run "$R/busybox" sleep 1000 >/dev/null
	pm create --name f-new "$R/busybox" true >/dev/null
	for f in restart-policy=none restart-policy=no restart-policy=always restart-policy=on-failure restart-policy=unless-stopped \
		health=healthy health=unhealthy health=bogus pod=nosuch restart-policy= restart-policy=bogus pod=; do
		expect_same ps -a --filter "$f" --format '{{.Names}}'
	done
}

# wait_log NAME TEXT: wait (a bounded number of times) until the
# container's log has TEXT.
wait_log() {
	local i
	for i in $(seq 100); do
		"$HUSK" logs "$1" 2>/dev/null | grep -qF "$2" && return 0
		sleep 0.1
	done
	die "the log of $1 never had $2"
}

@test "attach --detach-keys: the sequence (ctrl-p,ctrl-q by default) leaves the container running, exit 0; its bytes never reach it; bad keys are 125" {
	run_husk run -d -i --name det "$R/busybox" cat
	# Each write arrives on its own, as typed (timeout: a husk that does
	# not detach follows the container until it ends).
	run bash -c '(printf "hello\n"; sleep 0.5; printf "\x10"; sleep 0.2; printf "\x11"; sleep 0.5; printf "after\n") | timeout 30 "$HUSK" attach det'
	expect_eq "$status" 0 "attach exits 0 on ctrl-p,ctrl-q"
	expect_eq "$(ctr_status det)" running "the container goes on"
	wait_log det hello
	[[ $("$HUSK" logs det) != *after* ]] || die "input after the detach sequence reached the container"
	# A sequence of the user's; keys that begin it but break it are input.
	run bash -c '(printf "a\x01b\n"; sleep 0.5; printf "\x01\x02"; sleep 0.5; printf "later\n") | timeout 30 "$HUSK" attach --detach-keys ctrl-a,ctrl-b det'
	expect_eq "$status" 0
	wait_log det $'a\x01b'
	expect_eq "$(ctr_status det)" running
	[[ $("$HUSK" logs det) != *later* ]] || die "input after --detach-keys ctrl-a,ctrl-b reached the container"
	# A container with a terminal: the same.
	run_husk run -d -i -t --name dett "$R/busybox" cat
	run bash -c '(printf "tty-in\n"; sleep 0.5; printf "\x10\x11"; sleep 0.5; printf "tty-after\n") | timeout 30 "$HUSK" attach dett'
	expect_eq "$status" 0
	expect_eq "$(ctr_status dett)" running
	[[ $("$HUSK" logs dett) != *tty-after* ]] || die "input after the detach sequence reached the container"
	local k
	for k in foo ctrl-1 ctrl-A ctrl-p,,q ab ctrl-; do
		run_husk 125 attach --detach-keys "$k" det </dev/null
		expect_one_error_line
		expect_contains "$stderr" "detach keys"
	done
	need_podman
	# podman 4.3.1 refuses the same keys (after its check that the
	# container runs). It does not take the sequence from piped input
	# here, so only the refusals are compared.
	pm run -d -i --name det "$R/busybox" cat >/dev/null
	for k in foo ctrl-1 ctrl-A ctrl-p,,q ab ctrl-; do
		run_pm 125 attach --detach-keys "$k" det </dev/null
		expect_contains "$stderr" "invalid detach keys"
	done
}

# attach_on_pty CMD...: run CMD (an attach) with a terminal as its stdin
# and stdout, type a line, ctrl-p, ctrl-q and another line as a user
# would, one key at a time; print CMD's exit code (or "timeout").
attach_on_pty() {
	python3 - "$@" <<'PY'
import os, pty, select, subprocess, sys, time
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
os.close(slave)
def drain(t):
    end = time.time() + t
    while time.time() < end:
        if select.select([master], [], [], 0.1)[0]:
            try:
                os.read(master, 4096)
            except OSError:
                return
drain(1)
for keys, pause in ((b"typed\r", 0.5), (b"\x10", 0.2), (b"\x11", 0.5), (b"gone\r", 0)):
    os.write(master, keys)
    drain(pause)
try:
    print(p.wait(timeout=20))
except subprocess.TimeoutExpired:
    p.kill()
    print("timeout")
PY
}

@test "attach from a terminal to a container with one: the terminal goes raw, so ctrl-p,ctrl-q typed detach (as podman's)" {
	run_husk run -d -i -t --name pty1 "$R/busybox" cat
	# Without raw mode the terminal keeps ctrl-q (flow control) and
	# attach never sees the sequence.
	expect_eq "$(attach_on_pty "$HUSK" attach pty1)" 0 "attach detached"
	expect_eq "$(ctr_status pty1)" running
	wait_log pty1 typed
	[[ $("$HUSK" logs pty1) != *gone* ]] || die "input after the detach sequence reached the container"
	need_podman
	pm run -d -i -t --name pty1 "$R/busybox" cat >/dev/null
	expect_eq "$(attach_on_pty bash -c "$(declare -f pm); pm attach pty1")" 0 "podman attach detached"
	expect_eq "$(pm inspect --format '{{.State.Status}}' pty1)" running
}
