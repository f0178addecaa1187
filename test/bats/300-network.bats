#!/usr/bin/env bats
# Container networking as the unprivileged user: the default network (a
# bridge served by one pasta per user, else a private namespace with pasta or
# slirp4netns), published tcp/udp ports and ranges,
# -P, husk port, host.containers.internal, /etc/hosts and resolv.conf with
# --dns/--dns-search/--dns-option/--add-host, the modes none, host,
# container:NAME, pasta and slirp4netns, the port errors, and teardown of
# the helpers. Traffic stays on the host's loopback and the namespaces the
# tests create.

load helpers

setup_file() {
	husk_setup_run_file busybox multilayer
	# Ports of this file: a block of 50 that differs between concurrent
	# runs, below the kernel's ephemeral range (where any outgoing
	# connection may hold a port for a while).
	local eph
	eph=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	export PORT0=$((10000 + ($$ % ((eph - 10050) / 50)) * 50))
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
	[[ -z ${HOST_SERVER_PID:-} ]] || kill "$HOST_SERVER_PID" 2>/dev/null || true
}

# tcp_get PORT: connect to 127.0.0.1:PORT from the host and print what the
# server sends (up to 2 s).
tcp_get() {
	timeout 3 socat -T2 - "TCP:127.0.0.1:$1" </dev/null 2>/dev/null
}

# The test image's busybox nc has no UDP: the host's socat runs in the
# container through the host's dynamic loader, from a read-only bind mount
# of the host's /usr.
CTR_SOCAT=(-v /usr:/host/usr:ro)
ctr_socat() {
	echo /host/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /host/usr/lib/x86_64-linux-gnu /host/usr/bin/socat "$@"
}

# serve_tcp NAME PORT TEXT [RUN ARGS...]: a detached container answering
# every connection on PORT with TEXT.
serve_tcp() {
	local name=$1 port=$2 text=$3
	shift 3
	run_husk run -d --name "$name" "$@" "$R/busybox" sh -c "echo listening; while :; do echo $text | nc -l -p $port; done"
	wait_until 5 logs_contain "$name" listening
}

# helper_pids ID: pasta or slirp4netns processes serving container ID.
helper_pids() {
	user_pids_with "husk-netns/$1"
}

@test "the default network is the bridge: own namespace with an address of its subnet and a route through it" {
	need_cmd pasta
	need_cmd nft
	run_husk run --name priv "$R/busybox" sh -c 'ip -4 addr show; ip route'
	expect_contains "$output" "inet 127.0.0.1/8" "loopback"
	expect_match "$output" 'inet 10\.[0-9]+\.[0-9]+\.[0-9]+/16 .*eth0' "an address of the bridge's /16"
	expect_match "$output" 'default via 10\.[0-9]+\.0\.1 dev eth0' "a default route through the bridge's gateway"
	run_husk container inspect priv
	expect_eq "$(json 'd[0]["HuskConfig"]["net"]["mode"]')" private "Config.net.mode"
	expect_eq "$(json 'd[0]["HuskState"]["netInfo"]["mode"]')" bridge "State.netInfo.mode"
	# Not the host's namespace.
	[[ $("$HUSK" run --rm "$R/busybox" readlink /proc/self/ns/net) != $(readlink /proc/self/ns/net) ]] ||
		die "the container shares the host's network namespace"
	# Its TCP send buffers are small: what leaves ends at pasta, a hop
	# away (a 4 MiB default made uploads to the host stall; bench/network.sh).
	run_husk run --rm "$R/busybox" cat /proc/sys/net/ipv4/tcp_wmem
	expect_eq "$(echo $output)" "4096 16384 262144" "tcp_wmem in the container"
	run_husk run --rm --network slirp4netns "$R/busybox" cat /proc/sys/net/ipv4/tcp_wmem
	expect_eq "$(echo $output)" "4096 16384 262144" "tcp_wmem with slirp4netns"
}

@test "--network pasta: own namespace with an address and a route, served by a pasta of its own" {
	need_cmd pasta
	run_husk run -d --name priv --network pasta "$R/busybox" sh -c 'ip -4 addr show; ip route; echo listed; sleep 600'
	wait_until 5 logs_contain priv listed
	run_husk logs priv
	expect_contains "$output" "inet 127.0.0.1/8" "loopback"
	expect_match "$output" 'inet [0-9.]+/[0-9]+ .*(eth0|tap0)' "an address besides loopback"
	expect_contains "$output" "default via" "a default route"
	run_husk container inspect priv
	expect_eq "$(json 'd[0]["HuskConfig"]["net"]["mode"]')" pasta "Config.net.mode"
	expect_eq "$(json 'd[0]["HuskState"]["netInfo"]["mode"]')" pasta "State.netInfo.mode"
	local id
	id=$(ctr_field priv '{{.ID}}')
	expect_match "$(helper_pids "$id")" '(pasta|passt)[^ ]* .*--netns [^ ]*husk-netns/'"$id"'/netns' "the container's own pasta"
	[[ $("$HUSK" exec priv readlink /proc/self/ns/net) != $(readlink /proc/self/ns/net) ]] ||
		die "the container shares the host's network namespace"
	run_husk exec priv cat /proc/sys/net/ipv4/tcp_wmem
	expect_eq "$(echo $output)" "4096 16384 262144" "tcp_wmem with --network pasta"
	run_husk rm -f priv
	wait_until 5 eval '[[ -z $(helper_pids '"$id"') ]]'
}

@test "-p publishes a tcp port on the host; husk port lists it; rm ends the helper and removes the namespace" {
	local p=$((PORT0 + 1)) mode
	# The default network's forwarder, and --network pasta's own pasta.
	for mode in default pasta; do
		local args=()
		[[ $mode == default ]] || { need_cmd pasta; args=(--network pasta); }
		serve_tcp web 80 hello-from-web -p "$p:80" "${args[@]}"
		local id
		id=$(ctr_field web '{{.ID}}')
		run tcp_get "$p"
		expect_eq "$output" hello-from-web "reply on 127.0.0.1:$p ($mode)"
		run_husk port web
		expect_eq "$output" "80/tcp -> 0.0.0.0:$p" "husk port"
		run_husk port web 80
		expect_eq "$output" "0.0.0.0:$p" "husk port web 80"
		run_husk 125 port web 81
		expect_contains "$stderr" '"81"'
		[[ -n $(helper_pids "$id") ]] || die "no network helper runs for the container ($mode)"
		if [[ $mode == pasta ]]; then
			expect_match "$(helper_pids "$id")" '(pasta|passt)' "the container's helper is pasta"
		fi
		[[ -e $XDG_RUNTIME_DIR/husk/storage/husk-netns/$id/netns ]] || die "no namespace file"
		run_husk rm -f web
		wait_until 5 eval '[[ -z $(helper_pids '"$id"') ]]'
		[[ ! -e $XDG_RUNTIME_DIR/husk/storage/husk-netns/$id ]] || die "the namespace directory is left ($mode)"
		expect_eq "$(user_mounts_with "husk-netns/$id")" "" "mounts of the namespace file ($mode)"
		run tcp_get "$p"
		[[ -z $output ]] || die "port $p still answers after rm ($mode): $output"
	done
}

@test "-p HOSTIP:HOSTPORT:CTRPORT, ranges and a free host port" {
	local p=$((PORT0 + 5))
	run_husk run -d --name ranges -p "127.0.0.1:$p-$((p + 1)):90-91" -p 92 "$R/busybox" sh -c \
		'for port in 90 91 92; do (while :; do echo port-$port | nc -l -p $port; done) & done; echo listening; wait'
	wait_until 5 logs_contain ranges listening
	run tcp_get "$((p + 1))"
	expect_eq "$output" port-91 "range: host $((p + 1)) → 91"
	run tcp_get "$p"
	expect_eq "$output" port-90 "range: host $p → 90"
	run_husk port ranges 92
	expect_match "$output" '^0\.0\.0\.0:[0-9]+$' "free host port for 92"
	local free=${output##*:}
	((free != 92)) || true
	run tcp_get "$free"
	expect_eq "$output" port-92 "reply on the chosen host port $free"
	run_husk port ranges
	expect_contains "$output" "90/tcp -> 127.0.0.1:$p"
	expect_contains "$output" "91/tcp -> 127.0.0.1:$((p + 1))"
}

@test "-P publishes every port the image exposes on a free host port" {
	# The multilayer test image has EXPOSE 80/tcp 81/tcp.
	run_husk run -d --name pall -P "$R/multilayer" sh -c \
		'for port in 80 81; do (while :; do echo exposed-$port | nc -l -p $port; done) & done; echo listening; wait'
	wait_until 5 logs_contain pall listening
	run_husk port pall
	expect_match "$output" $'^80/tcp -> 0\\.0\\.0\\.0:[0-9]+\n81/tcp -> 0\\.0\\.0\\.0:[0-9]+$' "husk port"
	local port
	for port in 80 81; do
		run_husk port pall "$port"
		run tcp_get "${output##*:}"
		expect_eq "$output" "exposed-$port" "reply of the container's port $port"
	done
}

@test "-p with /udp: datagrams from the host reach the container" {
	local p=$((PORT0 + 10))
	[[ -x /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 ]] || skip "needs the host's x86_64 loader to run socat in the container"
	run_husk run -d --name udp -p "$p:$p/udp" "${CTR_SOCAT[@]}" "$R/busybox" sh -c "echo listening; $(ctr_socat -u UDP-RECV:$p -)"
	wait_until 5 logs_contain udp listening
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		echo "datagram-$i" >"/dev/udp/127.0.0.1/$p"
		logs_contain udp datagram- && break
		sleep 0.2
	done
	logs_contain udp datagram- || die "no datagram arrived; logs: $("$HUSK" logs udp)"
}

# udp_ask PORT TEXT: send TEXT to 127.0.0.1:PORT from the host and print
# the answer (up to 2 s).
udp_ask() {
	echo "$2" | timeout 3 socat -T2 - "UDP:127.0.0.1:$1" 2>/dev/null
}

@test "-p HOSTPORT:CTRPORT/udp with other numbers: answers reach clients on the host's loopback; rm ends the helper" {
	local hp=$((PORT0 + 12)) cp=$((PORT0 + 13))
	[[ -x /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 ]] || skip "needs the host's x86_64 loader to run socat in the container"
	local mode
	# The default network's forwarder, and --network pasta's own pasta.
	for mode in default pasta; do
		local args=()
		[[ $mode == default ]] || { need_cmd pasta; args=(--network pasta); }
		# A UDP echo server (one reply per datagram, prefixed).
		run_husk run -d --name uecho -p "$hp:$cp/udp" "${args[@]}" "${CTR_SOCAT[@]}" "$R/busybox" sh -c "echo listening; $(ctr_socat UDP-RECVFROM:$cp,fork "SYSTEM:'read l; echo echo-\$l'")"
		wait_until 5 logs_contain uecho listening
		local i out=""
		for i in 1 2 3 4 5 6 7 8 9 10; do
			out=$(udp_ask "$hp" "ping$i") && [[ $out == echo-ping* ]] && break
			sleep 0.2
		done
		expect_match "$out" '^echo-ping[0-9]+$' "the container's answer on the host ($hp -> $cp/udp, $mode)"
		# Again, from another client port: each client gets its own flow.
		expect_eq "$(udp_ask "$hp" again)" echo-again "a second client's answer ($mode)"
		run_husk port uecho
		expect_contains "$output" "$cp/udp -> 0.0.0.0:$hp"
		local id
		id=$(ctr_field uecho '{{.ID}}')
		[[ -n $(helper_pids "$id") ]] || die "no network helper runs for the container ($mode)"
		run_husk rm -f uecho
		wait_until 5 eval '[[ -z $(helper_pids '"$id"') ]]'
		[[ -z $(user_pids_with "husk-netns/$id") ]] || die "left behind: $(user_pids_with "husk-netns/$id")"
	done
}

@test "host.containers.internal reaches servers on the host's loopback and on all addresses" {
	local p=$((PORT0 + 15))
	socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr,fork" EXEC:'echo from-host-loopback' 3>&- &
	HOST_SERVER_PID=$!
	socat "TCP-LISTEN:$((p + 1)),reuseaddr,fork" EXEC:'echo from-host-any' 3>&- &
	local any_pid=$!
	sleep 0.3
	# The client keeps its side open for a moment: this pasta build
	# mishandles a connection the container half-closes at once (it
	# connects to the host again and again).
	local mode
	for mode in default pasta; do
		local args=()
		[[ $mode == default ]] || { command -v pasta >/dev/null || continue; args=(--network pasta); }
		run_husk run --rm "${args[@]}" "$R/busybox" sh -c "grep host.containers.internal /etc/hosts; sleep 1 | nc host.containers.internal $p; sleep 1 | nc host.containers.internal $((p + 1))"
		expect_match "${lines[0]}" '^[0-9.]+[[:space:]]+host\.containers\.internal' "/etc/hosts entry ($mode)"
		expect_contains "$output" from-host-loopback "server on 127.0.0.1 ($mode)"
		expect_contains "$output" from-host-any "server on 0.0.0.0 ($mode)"
	done
	kill "$any_pid" 2>/dev/null || true
}

@test "/etc/hosts and /etc/resolv.conf: hostname, resolver, --dns, --dns-search, --dns-option, --add-host" {
	run_husk run --rm --hostname box "$R/busybox" sh -c 'cat /etc/hosts; echo ---; cat /etc/resolv.conf'
	local hosts=${output%%---*} resolv=${output##*---}
	expect_match "$hosts" $'\n[0-9.]+\tbox' "hostname in /etc/hosts"
	expect_match "$resolv" 'nameserver [0-9.]+' "a resolver"
	expect_not_contains "$resolv" "nameserver 127." "no host-loopback resolver (unreachable from the namespace)"

	run_husk run --rm --dns 192.0.2.53 --dns-search example.test --dns-option ndots:3 \
		--add-host db:192.0.2.10 --add-host gw:host-gateway "$R/busybox" sh -c 'cat /etc/resolv.conf; cat /etc/hosts'
	expect_contains "$output" "nameserver 192.0.2.53"
	expect_not_contains "$output" "nameserver 169.254" "--dns replaces the default resolver"
	expect_contains "$output" "search example.test"
	expect_contains "$output" "ndots:3"
	expect_match "$output" $'192\\.0\\.2\\.10\tdb' "--add-host"
	expect_match "$output" $'[0-9.]+\tgw' "--add-host host-gateway"
}

@test "the resolver in resolv.conf answers (pasta's DNS forwarder)" {
	need_cmd pasta
	# The host resolver may know nothing here; a reply of any kind (also
	# NXDOMAIN) shows the forwarder works, a timeout shows it does not.
	local mode
	# The default network reaches the forwarder through the rootless
	# namespace's pasta, --network pasta through its own.
	for mode in default pasta; do
		local args=()
		[[ $mode == default ]] || args=(--network pasta)
		run_husk '?' run --rm "${args[@]}" "$R/busybox" nslookup -timeout=3 localhost
		expect_not_contains "$output$stderr" "timed out" "nslookup ($mode)"
		expect_not_contains "$output$stderr" "no servers could be reached" "nslookup ($mode)"
	done
}

@test "--network none: only loopback; --network host: the host's interfaces" {
	run_husk run --rm --network none "$R/busybox" ip -o link
	expect_eq "$(grep -c . <<<"$output")" 1 "links with --network none"
	expect_contains "$output" "lo:"
	run_husk run --rm --network host "$R/busybox" readlink /proc/self/ns/net
	expect_eq "$output" "$(readlink /proc/self/ns/net)" "network namespace with --network host"
	run_husk 125 run --rm --network none -p 80 "$R/busybox" true
	expect_contains "$stderr" "publish"
}

@test "--network container:NAME shares the other container's namespace, hosts and resolv.conf" {
	serve_tcp owner 80 hello-neighbour
	run_husk run --rm --network container:owner "$R/busybox" sh -c 'nc 127.0.0.1 80 </dev/null; readlink /proc/self/ns/net'
	expect_eq "${lines[0]}" hello-neighbour "loopback of the shared namespace"
	local owner_ns
	owner_ns=$("$HUSK" exec owner readlink /proc/self/ns/net)
	expect_eq "${lines[1]}" "$owner_ns" "the same network namespace"
	run_husk run --rm --network container:owner "$R/busybox" cat /etc/resolv.conf
	expect_eq "$output" "$("$HUSK" exec owner cat /etc/resolv.conf)" "resolv.conf of the owner"
	run_husk 125 run --rm --network container:nosuch "$R/busybox" true
	expect_contains "$stderr" "nosuch"
	run_husk stop -t 0 owner
	run_husk 125 run --rm --network container:owner "$R/busybox" true
	expect_contains "$stderr" "not running"
}

@test "--network slirp4netns publishes ports too" {
	need_cmd slirp4netns
	local p=$((PORT0 + 20))
	serve_tcp slirp 80 via-slirp --network slirp4netns -p "$p:80"
	run tcp_get "$p"
	expect_eq "$output" via-slirp "reply through slirp4netns"
	run_husk exec slirp ip -4 addr show
	expect_contains "$output" "10.0.2.100" "slirp4netns's address"
	local id
	id=$(ctr_field slirp '{{.ID}}')
	run_husk rm -f slirp
	wait_until 5 eval '[[ -z $(helper_pids '"$id"') ]]'
}

@test "--network pasta:OPTIONS passes the options to pasta" {
	need_cmd pasta
	run_husk run --rm --network pasta:--mtu,1400 "$R/busybox" sh -c 'cat /sys/class/net/*/mtu'
	expect_contains "$output" 1400 "MTU set through pasta's options"
}

@test "a port in use is an error naming the port; nothing is left behind" {
	local p=$((PORT0 + 25))
	socat -u SYSTEM:'echo busy' "TCP-LISTEN:$p,reuseaddr" 3>&- &
	HOST_SERVER_PID=$!
	sleep 0.3
	local before
	before=$("$HUSK" ps -a -q | wc -l)
	# 126 as podman's run (a container that cannot start); -d too.
	run_husk 126 run --rm -p "$p:80" "$R/busybox" true
	expect_contains "$stderr" "$p" "the port in the error"
	expect_contains "$stderr" "in use"
	expect_eq "$("$HUSK" ps -a -q | wc -l)" "$before" "containers after the refusal"
	run_husk 126 run -d --rm -p "$p:80" "$R/busybox" true
	expect_eq "$("$HUSK" ps -a -q | wc -l)" "$before" "containers after run -d's refusal"
	expect_no_container_leftovers
	# start of a created container keeps 125, as podman's start.
	run_husk create --name busyport -p "$p:80" "$R/busybox" true
	run_husk 125 start busyport
	expect_contains "$stderr" "in use"
	run_husk rm busyport
}

@test "a port below net.ipv4.ip_unprivileged_port_start is an error naming the sysctl" {
	local start
	start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	((start > 80)) || skip "this host lets users bind port 80 (ip_unprivileged_port_start=$start)"
	run_husk 126 run --rm -p 80:80 "$R/busybox" true
	expect_contains "$stderr" "net.ipv4.ip_unprivileged_port_start"
	expect_contains "$stderr" "80"
}

@test "invalid network flags are refused with a clear message" {
	run_husk 125 run --rm --network nosuchmode:x "$R/busybox" true
	expect_contains "$stderr" "nosuchmode"
	run_husk 125 run --rm -p 70000:80 "$R/busybox" true
	expect_contains "$stderr" "70000"
	run_husk 125 run --rm --dns not-an-ip "$R/busybox" true
	expect_contains "$stderr" "not-an-ip"
	run_husk 125 run --rm --add-host nocolon "$R/busybox" true
	expect_contains "$stderr" "nocolon"
}

@test "the helper goes when the monitor is killed and the container is removed later" {
	local p=$((PORT0 + 30))
	serve_tcp orphan 80 still-here -p "$p:80"
	local id mpid pid
	id=$(ctr_field orphan '{{.ID}}')
	mpid=$(ctr_monitor_pid orphan)
	pid=$(ctr_pid orphan)
	kill -9 "$mpid" "$pid"
	wait_until 5 pid_gone "$pid"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_eq "$output" "orphan exited" "ps after the kill"
	wait_until 5 eval '[[ -z $(helper_pids '"$id"') ]]'
	[[ ! -e $XDG_RUNTIME_DIR/husk/storage/husk-netns/$id ]] || die "namespace directory left"
	run_husk rm orphan
	expect_no_container_leftovers
}

@test "run --rm with a private network leaves no helper, namespace file or mount" {
	local p=$((PORT0 + 35)) mode
	local nsdir=$XDG_RUNTIME_DIR/husk/storage/husk-netns/
	# The default network (its rootless namespace goes with its last
	# container: the tests set no linger), then --network pasta.
	for mode in default pasta; do
		local args=()
		[[ $mode == default ]] || { command -v pasta >/dev/null || continue; args=(--network pasta); }
		run_husk run --rm -p "$p:80" "${args[@]}" "$R/busybox" true
		wait_until 5 eval '[[ -z $(user_pids_with "$nsdir") ]]'
		expect_eq "$(user_pids_with "$nsdir")" "" "helpers ($mode)"
		# The lock file of the rootless namespace's state stays, empty.
		expect_eq "$(ls -A "$nsdir" 2>/dev/null | grep -vxF usernet.lock)" "" "namespace files ($mode)"
		expect_eq "$(user_mounts_with "$nsdir")" "" "namespace mounts ($mode)"
		expect_no_container_leftovers
	done
}
