#!/usr/bin/env bats
# User-defined networks, as the unprivileged user: husk network
# create|ls|inspect|rm|prune; containers on a network reach each other by
# name (DNS) and by address; a published port of a user-network container
# reached from the host; no process, mount or namespace file left after rm,
# also after SIGKILL of husk.

load helpers

setup_file() {
	husk_setup_run_file busybox
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	command -v pasta >/dev/null || command -v slirp4netns >/dev/null ||
		HUSK_SKIP_REASON="user networks need pasta or slirp4netns"
	return 0
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	"$HUSK" rm -a -f >/dev/null 2>&1 || true
	"$HUSK" network prune -f >/dev/null 2>&1 || true
}

# netdir: where husk keeps network namespaces and helper state.
netdir() { echo "$XDG_RUNTIME_DIR/husk/storage/husk-netns"; }

# expect_no_network_leftovers: no helper process (pasta, slirp4netns, DNS
# server, port forwarder), no bound namespace file, nothing but the lock in
# the network run directory.
expect_no_network_leftovers() {
	expect_eq "$(user_pids_with "$(netdir)")" "" "network helper processes" || return 1
	expect_eq "$(user_mounts_with "$(netdir)")" "" "bound namespace files" || return 1
	expect_eq "$(ls -A "$(netdir)" 2>/dev/null | grep -vxF usernet.lock)" "" "files in $(netdir)"
}

expect_container_gone_quietly() {
	! "$HUSK" container inspect "$1" >/dev/null 2>&1 || die "container $1 still exists"
}

no_network_helpers() { [[ -z $(user_pids_with "$(netdir)") ]]; }

# host_read PORT: what a TCP server on 127.0.0.1:PORT sends (2 s at most).
host_read() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && cat <&3" 2>/dev/null
}

# A server that answers every connection on port 80 with its name.
SERVE='while :; do echo "hello from $(hostname)" | nc -l -p 80; done'

@test "network create, ls, inspect, rm and prune" {
	run_husk network create tnet
	expect_eq "$output" tnet
	run_husk network create --subnet 10.97.3.0/24 --label team=a tnet2
	run_husk 125 network create tnet
	expect_contains "$stderr" "already exists"
	run_husk 125 network create host
	expect_contains "$stderr" "reserved"
	run_husk network ls -q
	expect_eq "$output" "$(printf 'podman\ntnet\ntnet2')" "the built-in default network and the two"
	run_husk network inspect tnet2
	expect_valid_json
	expect_contains "$output" '"subnet": "10.97.3.0/24"'
	expect_contains "$output" '"gateway": "10.97.3.1"'
	run_husk network rm tnet
	expect_eq "$output" tnet
	run_husk 125 network inspect tnet
	expect_contains "$stderr" "no such network"
	run_husk network prune -f
	expect_eq "$output" tnet2
	run_husk network ls -q
	expect_eq "$output" podman "the built-in default network stays"
	run_husk 125 run --rm --network nosuchnet "$R/busybox" true
	expect_contains "$stderr" "no such network"
	expect_contains "$stderr" "husk network create nosuchnet"
}

@test "two containers on a network reach each other by name and by address" {
	run_husk network create app
	run_husk run -d --name web --network app "$R/busybox" sh -c "$SERVE"
	local ip
	ip=$(ctr_field web '{{.NetworkSettings.IPAddress}}')
	[[ $ip =~ ^10\. ]] || die "web's address: '$ip'"
	run_husk run --rm --network app "$R/busybox" sh -c '
		cat /etc/resolv.conf
		nslookup web
		# (A client that closes at once may beat the server to its
		# answer: try until an answer comes.)
		for i in 1 2 3 4 5 6 7 8 9 10; do out=$(nc -w 2 web 80 </dev/null); case $out in *hello*) echo "$out"; break;; esac; sleep 0.2; done
		for i in 1 2 3 4 5 6 7 8 9 10; do out=$(nc -w 2 '"$ip"' 80 </dev/null); case $out in *hello*) echo "$out"; break;; esac; sleep 0.2; done'
	expect_contains "$output" "nameserver 10."
	expect_contains "$output" "search dns.husk"
	expect_contains "$output" "Address: $ip"
	[[ $(grep -c "hello from" <<<"$output") -eq 2 ]] || die "two answers expected, got: $output"
	# The short ID resolves too; a name of another network does not.
	local short
	short=$(ctr_field web '{{.ID}}' | cut -c1-12)
	run_husk run --rm --network app "$R/busybox" nslookup "$short"
	expect_contains "$output" "Address: $ip"
	run_husk network create other
	run_husk '?' run --rm --network other "$R/busybox" nslookup web
	expect_not_contains "$output" "Address: $ip"
	# Uploads leave through pasta too: small TCP send buffers.
	run_husk run --rm --network app "$R/busybox" cat /proc/sys/net/ipv4/tcp_wmem
	expect_eq "$(echo $output)" "4096 16384 262144" "tcp_wmem on a user network"
}

@test "ping of a container name (with CAP_NET_RAW)" {
	run_husk network create pnet
	run_husk run -d --name target --network pnet "$R/busybox" sleep 1000
	run_husk run --rm --cap-add NET_RAW --network pnet "$R/busybox" ping -c 1 -W 3 target
	expect_contains "$output" "1 packets received"
}

@test "a published port of a user-network container is reached from the host; a busy port is named" {
	run_husk network create pubnet
	run_husk run -d --name pweb --network pubnet -p 80 "$R/busybox" sh -c "$SERVE"
	local port got i
	port=$("$HUSK" port pweb 80/tcp | sed 's/.*://')
	[[ $port =~ ^[0-9]+$ ]] || die "husk port: '$port'"
	for i in $(seq 20); do
		got=$(host_read "$port") && [[ $got == hello* ]] && break
		sleep 0.1
	done
	expect_contains "$got" "hello from"
	# The same host port for a second container fails, naming the port,
	# with 126 as podman's run.
	run_husk 126 run -d --name pweb2 --network pubnet -p "$port:80" "$R/busybox" sleep 100
	expect_contains "$stderr" "$port"
}

@test "no leftovers after rm and network rm; network rm refuses while a container uses it" {
	run_husk network create gone
	run_husk run -d --name a1 --network gone -p 80 "$R/busybox" sleep 1000
	run_husk run -d --name a2 --network gone "$R/busybox" sleep 1000
	[[ -n $(user_pids_with "$(netdir)/usernet/netns") ]] || die "no helper of the rootless namespace"
	run_husk 2 network rm gone # podman's exit code for a network in use
	expect_contains "$stderr" "a1"
	run_husk network prune -f
	expect_eq "$output" ""
	run_husk rm -f a1
	# a2 still runs: the rootless namespace stays.
	[[ -n $(user_pids_with "$(netdir)/usernet/netns") ]] || die "the rootless namespace went with a1"
	run_husk rm -f a2
	wait_until 5 no_network_helpers
	expect_no_network_leftovers
	run_husk network rm gone
	expect_no_network_leftovers
	expect_no_container_leftovers
}

@test "network rm -f removes the containers that use the network" {
	run_husk network create forced
	run_husk run -d --name f1 --network forced "$R/busybox" sleep 1000
	run_husk network rm -f forced
	expect_eq "$output" forced
	expect_container_gone_quietly f1
	wait_until 5 no_network_helpers
	expect_no_network_leftovers
}

@test "after SIGKILL of husk run, rm cleans up the network" {
	run_husk network create knet
	husk_bg "$BATS_TEST_TMPDIR/out" run --name killed --network knet -p 80 "$R/busybox" sh -c 'echo up; sleep 1000'
	local pid=$HUSK_BG_PID
	wait_for_line "$BATS_TEST_TMPDIR/out" '^up$'
	kill -KILL "$pid"
	wait "$pid" || true
	# The container and its network still serve.
	run_husk run --rm --network knet "$R/busybox" nslookup killed
	expect_contains "$output" "Address: 10."
	run_husk rm -f killed
	wait_until 5 no_network_helpers
	expect_no_network_leftovers
}

@test "after SIGKILL of the monitor and the container, the next command cleans up the network" {
	run_husk network create mnet
	run_husk run -d --name mk --network mnet "$R/busybox" sleep 1000
	local mpid cpid
	mpid=$(ctr_monitor_pid mk)
	cpid=$(ctr_pid mk)
	kill -KILL "$mpid" "$cpid"
	wait_until 5 pid_gone "$cpid"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_contains "$output" "mk exited"
	wait_until 5 no_network_helpers
	expect_no_network_leftovers
	run_husk rm mk
	expect_no_network_leftovers
}
