#!/usr/bin/env bats
# The default network as the unprivileged user: a bridge ("podman",
# 10.88.0.0/16 unless the host uses it) in the per-user rootless network
# namespace, served by ONE pasta for all containers and no DNS server;
# host.containers.internal and DNS through pasta; tcp and udp ports
# published; nothing left after the last container. Without nft each
# container gets a helper of its own, and husk info says so. With a linger
# time the namespace and its pasta stay after the last container, waiting
# in a process without a Go runtime, until the time passed or rm -a,
# network rm/prune or system reset end them.
# Traffic stays on the host's loopback and the namespaces the tests create.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	podman_optional_setup_file busybox
	if ! command -v pasta >/dev/null; then
		HUSK_SKIP_REASON="the default network's tests need pasta (package passt)"
	elif ! command -v nft >/dev/null; then
		HUSK_SKIP_REASON="the default network is a bridge only with nft (package nftables)"
	fi
	local eph
	eph=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	export PORT0=$((10000 + (($$ + 17) % ((eph - 10050) / 50)) * 50))
	return 0
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
	[[ -n ${PM_SKIP-x} ]] || pm rm -a -f -t 0 >/dev/null 2>&1 || true
	[[ -z ${HOST_SERVER_PID:-} ]] || kill "$HOST_SERVER_PID" 2>/dev/null || true
}

netdir() { echo "$XDG_RUNTIME_DIR/husk/storage/husk-netns"; }

# store_pastas: the pasta processes serving this store's namespaces.
store_pastas() {
	user_pids_with "$(netdir)/" | grep -E '^[0-9]+: [^ ]*(pasta|passt)[^ ]* ' || true
}

# default_prefix: the first two octets of the default network's subnet,
# as husk info reports it ("10.88" unless the host uses 10.88).
default_prefix() {
	"$HUSK" info --format '{{.DefaultNetwork}}' 2>/dev/null | sed -nE 's/^bridge podman \((10\.[0-9]+)\.0\.0\/16\).*/\1/p'
}

expect_no_network_leftovers() {
	expect_eq "$(user_pids_with "$(netdir)")" "" "network helper processes" || return 1
	expect_eq "$(user_mounts_with "$(netdir)")" "" "bound namespace files" || return 1
	expect_eq "$(ls -A "$(netdir)" 2>/dev/null | grep -vxF usernet.lock)" "" "files in $(netdir)"
}

@test "a default-network container gets an address of the podman bridge; private, bridge and podman mean the same" {
	local pfx
	pfx=$(default_prefix)
	[[ $pfx =~ ^10\.[0-9]+$ ]] || die "husk info's default network: $("$HUSK" info --format '{{.DefaultNetwork}}')"
	[[ -n $(ip -4 route show to match "$pfx.0.1" 2>/dev/null | grep -v '^default') ]] && die "the host routes $pfx.0.0/16 itself"
	local mode
	for mode in "" --network=private --network=bridge --network=podman; do
		run_husk run --rm $mode "$R/busybox" sh -c 'ip -4 addr show eth0; ip route'
		expect_match "$output" "inet $pfx\\.[0-9]+\\.[0-9]+/16" "address of the bridge's subnet ($mode)"
		expect_contains "$output" "default via $pfx.0.1" "route through the bridge's gateway ($mode)"
	done
	run_husk run -d --name d1 "$R/busybox" sleep 600
	run_husk inspect --format '{{.HostConfig.NetworkMode}} {{.HuskConfig.Net.Mode}} {{.HuskState.Net.Mode}}' d1
	expect_eq "$output" "bridge private bridge" "NetworkMode, the requested and the resolved mode"
	run_husk inspect --format '{{.NetworkSettings.IPAddress}}' d1
	expect_match "$output" "^$pfx\\.[0-9]+\\.[0-9]+$" "inspect's address"
	run_husk inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.Gateway}} {{$v.IPPrefixLen}}{{end}}' d1
	expect_eq "$output" "podman $pfx.0.1 16" "NetworkSettings.Networks"
}

@test "network connect and disconnect move a stopped container between none and the default network" {
	run_husk create --name cn --network none "$R/busybox" sh -c 'ip -4 addr show eth0 2>&1'
	run_husk network connect podman cn
	run_husk inspect --format '{{.HuskConfig.Net.Mode}}' cn
	expect_eq "$output" private "after connect"
	run_husk 125 network connect podman cn
	expect_contains "$stderr" "already connected to network podman"
	run_husk start -a cn
	expect_match "$output" "inet $(default_prefix)\\.[0-9]+\\.[0-9]+/16"
	run_husk network disconnect podman cn
	run_husk inspect --format '{{.HuskConfig.Net.Mode}}' cn
	expect_eq "$output" none "after disconnect"
	run_husk 125 network disconnect podman cn
	expect_contains "$stderr" "not connected to network podman"
}

@test "two containers share ONE pasta and no DNS server; they reach each other by address" {
	run_husk run -d --name s1 "$R/busybox" sh -c 'while :; do echo hello-s1 | nc -l -p 80; done'
	run_husk run -d --name s2 "$R/busybox" sleep 600
	local ip1
	ip1=$(ctr_field s1 '{{.NetworkSettings.IPAddress}}')
	local i out=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		out=$("$HUSK" exec s2 sh -c "nc $ip1 80 </dev/null" 2>/dev/null) && [[ $out == hello-s1 ]] && break
		sleep 0.2
	done
	expect_eq "$out" hello-s1 "s2 → s1 over the bridge"
	local pastas
	pastas=$(store_pastas)
	expect_eq "$(grep -c . <<<"$pastas")" 1 "pasta processes of this store: $pastas"
	expect_contains "$pastas" "$(netdir)/usernet/netns" "the pasta serves the rootless namespace"
	local id1 id2
	id1=$(ctr_field s1 '{{.ID}}')
	id2=$(ctr_field s2 '{{.ID}}')
	# This store's: other files' stores run beside this one.
	expect_eq "$(user_pids_with "__netdns $(netdir)/")" "" "DNS server processes"
	# Neither container has a helper of its own.
	expect_eq "$(user_pids_with "husk-netns/$id1")$(user_pids_with "husk-netns/$id2")" "" "per-container helpers"
	# A third one still finds the same pasta.
	run_husk run --rm "$R/busybox" true
	expect_eq "$(store_pastas)" "$pastas" "pasta after another container came and went"
}

@test "host.containers.internal reaches the host's loopback; DNS answers through pasta's forwarder" {
	local p=$((PORT0 + 1))
	socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork" EXEC:'echo from-host-loopback' 3>&- &
	HOST_SERVER_PID=$!
	sleep 0.3
	run_husk run --rm "$R/busybox" sh -c "grep host.containers.internal /etc/hosts; sleep 1 | nc host.containers.internal $p; cat /etc/resolv.conf"
	expect_match "${lines[0]}" '^[0-9.]+[[:space:]]+host\.containers\.internal' "/etc/hosts entry"
	expect_contains "$output" from-host-loopback "server on the host's 127.0.0.1"
	expect_contains "$output" "nameserver 169.254.1.1" "pasta's DNS forwarder as the resolver"
	# A reply of any kind (also NXDOMAIN) shows the path works; a timeout
	# does not.
	run_husk '?' run --rm "$R/busybox" nslookup -timeout=3 localhost
	expect_not_contains "$output$stderr" "timed out" "nslookup"
	expect_not_contains "$output$stderr" "no servers could be reached" "nslookup"
	expect_contains "$output" "169.254.1.1" "the server that answered"
}

@test "tcp and udp ports of a default-network container are published" {
	local p=$((PORT0 + 5)) u=$((PORT0 + 6))
	[[ -x /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 ]] || skip "needs the host's x86_64 loader to run socat in the container"
	local socat="/host/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /host/usr/lib/x86_64-linux-gnu /host/usr/bin/socat"
	run_husk run -d --name ports -p "$p:80" -p "$u:$u/udp" -v /usr:/host/usr:ro "$R/busybox" sh -c \
		"(while :; do echo via-bridge | nc -l -p 80; done) & $socat UDP-RECVFROM:$u,fork SYSTEM:'read l; echo echo-\$l' & echo listening; wait"
	wait_until 5 logs_contain ports listening
	local i out=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		out=$(timeout 3 socat -T2 - "TCP:127.0.0.1:$p" </dev/null 2>/dev/null) && [[ $out == via-bridge ]] && break
		sleep 0.2
	done
	expect_eq "$out" via-bridge "tcp reply on 127.0.0.1:$p"
	out=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		out=$(echo "ping$i" | timeout 3 socat -T2 - "UDP:127.0.0.1:$u" 2>/dev/null) && [[ $out == echo-ping* ]] && break
		sleep 0.2
	done
	expect_match "$out" '^echo-ping[0-9]+$' "udp answer on 127.0.0.1:$u"
	run_husk port ports
	expect_contains "$output" "80/tcp -> 0.0.0.0:$p"
	expect_contains "$output" "$u/udp -> 0.0.0.0:$u"
}

# client_seen NAME PORT: the address busybox httpd -vv in container NAME
# logged for a request to 127.0.0.1:PORT (LOGS: the command that prints
# its logs).
client_seen() {
	local name=$1 port=$2 i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		timeout 3 socat -T2 - "TCP:127.0.0.1:$port" <<<$'GET / HTTP/1.0\r\n\r' >/dev/null 2>&1 || true
		"${LOGS[@]}" "$name" 2>&1 | sed -nE 's/^\[(::ffff:)?([0-9.]+)\]:[0-9]+: url:.*/\2/p' | head -n1 | grep . && return 0
		sleep 0.3
	done
	return 1
}

# own_addrs CMD... NAME: the container's IPv4 addresses but loopback, one
# per line (CMD is the tool: "$HUSK" or pm).
own_addrs() {
	local name=${*: -1}
	"${@:1:$#-1}" exec "$name" ip -4 -o addr | awk '{sub("/.*", "", $4); if ($4 !~ /^127\./) print $4}'
}

@test "a published port's client is the container's own address, as with podman 4.3.1's rootlessport" {
	local p=$((PORT0 + 7)) seen
	run_husk run -d --name web -p "$p:8080" "$R/busybox" httpd -f -vv -p 8080
	LOGS=("$HUSK" logs)
	seen=$(client_seen web "$p") || die "no request logged by the container: $("$HUSK" logs web 2>&1)"
	expect_eq "$seen" "$("$HUSK" inspect --format '{{.NetworkSettings.IPAddress}}' web)" "the client the container saw (its own address)"
	[[ -z ${PM_SKIP-x} ]] || skip "podman: ${PM_SKIP:-not set up}"
	local pp=$((PORT0 + 8))
	pm run -d --name web -p "$pp:8080" "$R/busybox" httpd -f -vv -p 8080 >/dev/null
	LOGS=(pm logs)
	seen=$(client_seen web "$pp") || die "podman's container logged no request"
	expect_eq "$seen" "$(own_addrs pm web)" "the client podman's container saw (its own address)"
}

@test "teardown after the last container leaves no process, namespace or mount" {
	run_husk run -d --name t1 "$R/busybox" sleep 600
	run_husk run -d --name t2 -p "$((PORT0 + 10)):80" "$R/busybox" sleep 600
	[[ -n $(store_pastas) ]] || die "no pasta while containers run"
	run_husk rm -f t1
	[[ -n $(store_pastas) ]] || die "pasta went with the first of two containers"
	[[ -e $(netdir)/usernet/netns ]] || die "the rootless namespace went with the first of two containers"
	run_husk rm -f t2
	wait_until 5 eval '[[ -z $(store_pastas) ]]'
	expect_no_network_leftovers
	expect_no_container_leftovers
	run_husk run --rm -p "$((PORT0 + 11)):80" "$R/busybox" true
	wait_until 5 eval '[[ -z $(store_pastas) ]]'
	expect_no_network_leftovers
	expect_no_container_leftovers
}

@test "without nft a container gets a pasta of its own, and husk info says so" {
	# /usr/sbin holds nft; pasta and runc are in /usr/bin.
	[[ -x /usr/bin/pasta && ! -e /usr/bin/nft ]] || skip "needs pasta in /usr/bin and nft outside it"
	run env PATH=/usr/bin:/bin "$HUSK" info
	expect_contains "$output" "default network: private namespace per container (nft is not installed"
	run env PATH=/usr/bin:/bin "$HUSK" run -d --name nonft "$R/busybox" sleep 600
	[[ $status -eq 0 ]] || die "run without nft: $output"
	local id
	id=$(ctr_field nonft '{{.ID}}')
	expect_match "$(user_pids_with "husk-netns/$id/netns")" "(pasta|passt)" "the container's own pasta"
	expect_eq "$(ctr_field nonft '{{.HuskState.Net.Mode}}')" pasta "resolved mode"
	expect_eq "$(ctr_field nonft '{{.HostConfig.NetworkMode}}')" pasta "NetworkMode"
	run_husk rm -f nonft
	wait_until 5 eval '[[ -z $(store_pastas) ]]'
	expect_no_network_leftovers
}

# store_waiters: the rootless namespace's waiter (husk __netlinger).
store_waiters() {
	user_pids_with "__netlinger $(netdir)/" || true
}

@test "linger: the namespace and its pasta outlive the last container by HUSK_NET_LINGER seconds, in a waiter without a Go runtime" {
	# Long enough for the checks on a loaded machine; the end is checked
	# with a short time below.
	export HUSK_NET_LINGER=600
	run_husk run -d --name l1 "$R/busybox" sleep 600
	local pasta
	pasta=$(store_pastas)
	[[ -n $pasta ]] || die "no pasta"
	run_husk rm -f l1
	local waiter
	waiter=$(store_waiters)
	[[ -n $waiter ]] || die "no waiter after the last container"
	expect_eq "$(store_pastas)" "$pasta" "pasta after the last container"
	local wpid=${waiter%%:*}
	expect_eq "$(awk '/^Threads:/ {print $2}' "/proc/$wpid/status")" 1 "threads of the waiter (a Go runtime has several)"
	local rss
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$wpid/status")
	((rss <= 2048)) || die "the waiter's RSS is $rss KiB"
	# It holds no descriptor of whoever started it (bats' fd 3 would keep
	# this run waiting).
	expect_eq "$(ls /proc/$wpid/fd | sort -n | tr '\n' ' ')" "0 1 2 " "the waiter's descriptors"
	# The next container gets the same pasta and leaves the same waiter:
	# no process starts per container.
	run_husk run --rm "$R/busybox" true
	expect_eq "$(store_pastas)" "$pasta" "pasta of the next container"
	expect_eq "$(store_waiters)" "$waiter" "the waiter after the next container"
	# A shorter time (2 s) for the last container: a waiter that wakes in
	# time replaces the long one, and everything goes once the 2 s passed
	# (polled for up to 30 s).
	export HUSK_NET_LINGER=2
	run_husk run --rm "$R/busybox" true
	wait_until 5 pid_gone "$wpid"
	local i
	for i in $(seq 1 150); do
		[[ -z $(store_pastas)$(store_waiters) ]] && break
		sleep 0.2
	done
	expect_eq "$(store_pastas)$(store_waiters)" "" "pasta and waiter after the linger time"
	expect_no_network_leftovers
}

@test "linger: rm -a, network rm and prune, and system reset end it at once" {
	export HUSK_NET_LINGER=600
	local how
	for how in "rm -a -f" "network rm -f lnet" "network prune -f" "system reset -f"; do
		run_husk network create lnet
		run_husk run --rm "$R/busybox" true
		[[ -n $(store_pastas) && -n $(store_waiters) ]] || die "no lingering namespace before $how"
		run_husk $how
		wait_until 5 eval '[[ -z $(store_pastas)$(store_waiters) ]]'
		expect_no_network_leftovers
		"$HUSK" network rm -f lnet >/dev/null 2>&1 || true
	done
}
