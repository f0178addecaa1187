#!/usr/bin/env bats
# systemd integration the Quadlet way (issue 16): husk-systemd-generator
# turns podman's Quadlet files into user units that run husk, and
# --sdnotify tells the service manager (NOTIFY_SOCKET) that the container
# runs. No systemd manager runs here: the units are checked with
# systemd-analyze verify and their commands run by hand, and a small
# listener plays the notify socket.

load helpers

GEN=$(dirname "$HUSK")/husk-systemd-generator

setup_file() {
	husk_setup_file
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	"$HUSK" pull -q "$R/busybox" >/dev/null
	# The listener: prints "PID LINE" for each line of each datagram
	# (PID: the sender's, from SCM_CREDENTIALS) until a datagram holds
	# END, or 60 s went by.
	cat >"$BATS_FILE_TMPDIR/listen.py" <<'PY'
import os, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path + ".tmp")
os.chmod(path + ".tmp", 0o777)
os.rename(path + ".tmp", path)
s.settimeout(60)
with open(out, "w") as f:
    while True:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = 0
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data[:12])[0]
        text = msg.decode()
        for line in text.split("\n"):
            f.write("%d %s\n" % (pid, line))
        f.flush()
        if "END" in text:
            break
PY
}

teardown() {
	"$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	[[ -z ${LISTENER:-} ]] || kill "$LISTENER" 2>/dev/null || true
}

# listen: start the listener on $SOCK, writing $BATS_TEST_TMPDIR/got.
listen() {
	need_cmd python3
	SOCK=$BATS_TEST_TMPDIR/notify.sock
	python3 "$BATS_FILE_TMPDIR/listen.py" "$SOCK" "$BATS_TEST_TMPDIR/got" 3>&- &
	LISTENER=$!
	wait_until 10 test -S "$SOCK"
}

# listened: end the listener and set $got to what it received.
listened() {
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"END", sys.argv[1])' "$SOCK"
	wait "$LISTENER" || die "the listener failed"
	LISTENER=
	got=$(grep -v ' END$' "$BATS_TEST_TMPDIR/got" || true)
}

# quadlet NAME TEXT: write a Quadlet file into the test's config.
quadlet() {
	mkdir -p "$BATS_TEST_TMPDIR/cfg/containers/systemd"
	printf '%s\n' "$2" >"$BATS_TEST_TMPDIR/cfg/containers/systemd/$1"
}

# generate [ARGS...]: run the generator as systemd would, for the test's
# config, into $OUT.
generate() {
	[[ -x $GEN ]] || skip "needs $GEN (make build)"
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
	run_expect '?' env XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg" "$GEN" "$@" "$OUT" "$OUT.early" "$OUT.late"
}

# unit_key UNIT KEY: the values of KEY= in a generated unit.
unit_key() { sed -n "s/^$2=//p" "$OUT/$1"; }

# verify UNIT...: systemd-analyze verify as the user's manager would load
# the units (with their runtime directory, %t, of their own).
verify() {
	need_cmd systemd-analyze
	local rt=$BATS_TEST_TMPDIR/verify-run
	mkdir -p -m 0700 "$rt"
	(cd "$OUT" && XDG_RUNTIME_DIR=$rt SYSTEMD_LOG_LEVEL=notice systemd-analyze --user verify "$@")
}

# exec_line UNIT KEY: the command of KEY= with the specifiers the units
# use filled in (%t: the runtime directory, %N: the unit's name), for
# running it by hand as the manager would.
exec_line() {
	local n=${1%.service}
	unit_key "$1" "$2" | sed -e "s|%t|$XDG_RUNTIME_DIR|g" -e "s|%N|$n|g" -e 's|^-||'
}

@test "generator: .container, .volume, .network become units with the expected husk command lines" {
	quadlet web.container "[Unit]
Description=web

[Container]
Image=$R/busybox
Exec=sh -c \"echo up; sleep 1000\"
Environment=A=1 \"B=two words\"
PublishPort=127.0.0.1:18080:80
Volume=data.volume:/data
Network=front.network
Label=app=web
HealthCmd=true
HealthInterval=5s

[Service]
Restart=always

[Install]
WantedBy=default.target"
	quadlet data.volume "[Volume]
Label=k=v"
	quadlet front.network "[Network]
Subnet=10.99.7.0/24"
	generate -husk "$HUSK"
	expect_eq "$status" 0 "generator exit code ($stderr)"
	expect_eq "$(unit_key web.service ExecStart)" "$HUSK run --name=systemd-%N --cidfile=%t/%N.cid --replace --rm --sdnotify=conmon -d --env A=1 --env \"B=two words\" --publish 127.0.0.1:18080:80 --label app=web --health-cmd true --health-interval 5s --network systemd-front -v systemd-data:/data $R/busybox sh -c \"echo up; sleep 1000\""
	expect_eq "$(unit_key web.service ExecStop)" "$HUSK rm -v -f -i --cidfile=%t/%N.cid"
	expect_eq "$(unit_key web.service Type)" notify
	expect_eq "$(unit_key web.service NotifyAccess)" all
	expect_eq "$(unit_key web.service Restart)" always "[Service] passes through"
	expect_eq "$(unit_key web.service Requires | tr '\n' ' ')" "front-network.service data-volume.service "
	expect_eq "$(readlink "$OUT/default.target.wants/web.service")" ../web.service "[Install] WantedBy as a link"
	expect_eq "$(unit_key data-volume.service ExecStart)" "$HUSK volume create --ignore --label k=v systemd-data"
	expect_eq "$(unit_key data-volume.service Type)" oneshot
	expect_eq "$(unit_key front-network.service ExecStart)" "$HUSK network create --ignore --subnet 10.99.7.0/24 systemd-front"
	run verify web.service data-volume.service front-network.service
	expect_eq "$status" 0 "systemd-analyze verify: $output"
}

@test "generator: a unit that is broken fails systemd-analyze verify (the check can fail)" {
	quadlet web.container "[Container]
Image=$R/busybox"
	generate -husk /nonexistent/husk
	expect_eq "$status" 0 "generator exit code ($stderr)"
	run verify web.service
	expect_eq "$status" 1 "verify of a unit whose husk does not exist: $output"
	expect_contains "$output" "/nonexistent/husk"
}

@test "generator: an unsupported key fails its file as podman's quadlet does; the other files still get units" {
	quadlet bad.container "[Container]
Image=$R/busybox
Frobnicate=yes"
	quadlet ip.container "[Container]
Image=$R/busybox
IP=10.88.0.9"
	quadlet good.container "[Container]
Image=$R/busybox"
	generate -husk "$HUSK"
	expect_eq "$status" 1 "generator exit code"
	expect_contains "$stderr" 'converting "bad.container": unsupported key "Frobnicate" in group "Container"'
	expect_contains "$stderr" 'unsupported key "IP"'
	[[ -f $OUT/good.service ]] || die "good.service was not written"
	[[ ! -e $OUT/bad.service && ! -e $OUT/ip.service ]] || die "a unit was written for a refused file"
}

@test "generator: the units' commands work: the volume's twice, the container's notifies and runs, its ExecStop removes it" {
	listen
	quadlet svc.container "[Container]
Image=$R/busybox
Exec=sleep 1000
Network=none
Volume=vol.volume:/data"
	quadlet vol.volume "[Volume]"
	generate -husk "$HUSK"
	expect_eq "$status" 0 "generator exit code ($stderr)"
	local start
	start=$(exec_line vol-volume.service ExecStart)
	eval "$start" >/dev/null || die "$start"
	eval "$start" >/dev/null || die "again (--ignore): $start"
	run_husk volume ls --format '{{.Name}}'
	expect_eq "$output" systemd-vol
	start=$(exec_line svc.service ExecStart)
	NOTIFY_SOCKET=$SOCK eval "$start" >/dev/null || die "$start"
	listened
	local mon
	mon=$(ctr_monitor_pid systemd-svc)
	expect_contains "$got" "$mon MAINPID=$mon"
	expect_contains "$got" "$mon READY=1"
	[[ -s $XDG_RUNTIME_DIR/svc.cid ]] || die "no cidfile"
	eval "$(exec_line svc.service ExecStop)" >/dev/null
	run_husk 1 container exists systemd-svc
}

@test "generator: Notify=yes: the unit's command gives the container the socket; husk sends MAINPID only" {
	listen
	quadlet app.container "[Container]
Image=$R/busybox
Exec=sh -c 'test -S /run/notify/notify.sock && env | grep ^NOTIFY_SOCKET= && sleep 1000'
Network=none
Notify=yes"
	generate -husk "$HUSK"
	expect_eq "$status" 0 "generator exit code ($stderr)"
	local start
	start=$(exec_line app.service ExecStart)
	expect_contains "$start" " --sdnotify=container --cgroups=disabled -d "
	NOTIFY_SOCKET=$SOCK eval "$start" >/dev/null || die "$start"
	local mon
	mon=$(ctr_monitor_pid systemd-app)
	wait_until 10 logs_contain systemd-app NOTIFY_SOCKET=/run/notify/notify.sock
	listened
	expect_eq "$got" "$mon MAINPID=$mon"
}

@test "--sdnotify=conmon (the default): the monitor sends MAINPID=itself and READY=1 once the container runs" {
	listen
	NOTIFY_SOCKET=$SOCK run_husk run -d --name n1 --network none "$R/busybox" sh -c 'echo "[$NOTIFY_SOCKET]"; sleep 100'
	listened
	local mon
	mon=$(ctr_monitor_pid n1)
	[[ $mon -gt 0 ]] || die "no monitor pid"
	expect_eq "$got" "$mon MAINPID=$mon
$mon READY=1" "sent by the monitor itself"
	wait_until 10 logs_contain n1 "[]"
	expect_eq "$("$HUSK" logs n1)" "[]" "the container does not get NOTIFY_SOCKET"
}

@test "--sdnotify=conmon in the foreground: husk itself is the main pid" {
	listen
	NOTIFY_SOCKET=$SOCK "$HUSK" run --rm --network none "$R/busybox" true &
	local pid=$!
	wait "$pid" || die "husk run failed"
	listened
	expect_eq "$got" "$pid MAINPID=$pid
$pid READY=1"
}

@test "--sdnotify=container: the container gets the socket and says READY=1 itself; husk sends MAINPID only" {
	listen
	"$HUSK" pull -q "$R/debian" >/dev/null
	# perl (in the debian image) is the service that notifies; it stays,
	# so that its monitor's pid can be read.
	NOTIFY_SOCKET=$SOCK run_husk run -d --name c1 --sdnotify=container --network none "$R/debian" \
		perl -MSocket -e '$| = 1; print "$ENV{NOTIFY_SOCKET}\n"; socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die; send($s, "READY=1\nSTATUS=from the app", 0, pack_sockaddr_un($ENV{NOTIFY_SOCKET})) or die "send: $!"; sleep 100'
	local mon
	mon=$(ctr_monitor_pid c1)
	[[ $mon -gt 0 ]] || die "no monitor pid"
	wait_until 20 grep -q ' STATUS=from the app$' "$BATS_TEST_TMPDIR/got"
	listened
	wait_until 10 logs_contain c1 /run/notify/notify.sock
	expect_eq "$("$HUSK" logs c1)" /run/notify/notify.sock
	expect_eq "$(head -1 <<<"$got")" "$mon MAINPID=$mon"
	expect_not_contains "$got" "$mon READY=1" "husk does not say READY itself"
	expect_match "$got" $'[0-9]+ READY=1\n[0-9]+ STATUS=from the app'
}

@test "--sdnotify=ignore sends nothing; a bad value is husk's error (125); without NOTIFY_SOCKET nothing happens" {
	listen
	NOTIFY_SOCKET=$SOCK run_husk run --rm --sdnotify=ignore --network none "$R/busybox" true
	listened
	expect_eq "$got" "" "nothing sent"
	run_husk 125 run --rm --sdnotify=bogus "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" '--sdnotify "bogus": use conmon, container or ignore'
	run_husk 125 create --sdnotify=bogus "$R/busybox" true
	run_husk run --rm --sdnotify=container --network none "$R/busybox" sh -c 'echo "[$NOTIFY_SOCKET]"; test ! -e /run/notify'
	expect_eq "$output" "[]"
}
