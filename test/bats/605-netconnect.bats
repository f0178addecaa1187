#!/usr/bin/env bats
# Several bridge networks per container, as the unprivileged user with real
# containers: run --network A --network B (and A,B) gives an interface on
# each, names resolve on each; network connect|disconnect of a RUNNING
# container adds and removes the interface at once (DNS and the
# container's own /etc/hosts follow), restart keeps what was connected,
# rm leaves no veth or address in the per-user namespace; --alias and
# --network-alias; the errors, with podman's exit codes where podman runs
# the same line here (podman 4.3.1 with netavark and aardvark-dns).

load helpers
load podman-compare

setup_file() {
	podman_compare_setup_file busybox
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	command -v pasta >/dev/null || command -v slirp4netns >/dev/null ||
		HUSK_SKIP_REASON="user networks need pasta or slirp4netns"
	return 0
}
teardown_file() { podman_compare_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] && return 0
	"$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	"$HUSK" network prune -f >/dev/null 2>&1 || true
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	pm network prune -f >/dev/null 2>&1 || true
}

netdir() { echo "$XDG_RUNTIME_DIR/husk/storage/husk-netns"; }
no_network_helpers() { [[ -z $(user_pids_with "$(netdir)") ]]; }

# A server that answers every connection on port 80 with its name.
SERVE='while :; do echo "hello from $(hostname)" | nc -l -p 80; done'

# addr_of CTR IFACE: the container's IPv4 address on IFACE ("" if none).
addr_of() {
	"$HUSK" exec "$1" ip -4 -o addr show "$2" 2>/dev/null | grep -o 'inet [0-9.]*' | cut -d' ' -f2
}

# nets_of CTR: "NAME IP PREFIXLEN GATEWAY" of each network in inspect.
nets_of() {
	"$HUSK" container inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}} {{$v.IPPrefixLen}} {{$v.Gateway}}
{{end}}' "$1" | sed '/^$/d'
}

# reach FROM NAME [PORT]: what FROM reads from NAME's port (80) (tries
# for ~4 s: a client that closes at once may beat the server to its
# answer).
reach() {
	"$HUSK" exec "$1" sh -c 'for i in $(seq 20); do out=$(nc -w 1 '"$2"' '"${3:-80}"' </dev/null 2>/dev/null); case $out in *hello*) echo "$out"; exit 0;; esac; sleep 0.2; done; exit 1'
}

# resolves FROM NAME: the address NAME resolves to in FROM ("" if none).
resolves() {
	"$HUSK" exec "$1" nslookup "$2" 2>/dev/null | sed -n '/^Name:/,$p' | grep -o 'Address: [0-9.]*' | head -n1 | cut -d' ' -f2
}

@test "run --network A --network B: an interface on each, inspect lists both as podman, names resolve on each" {
	run_husk network create na
	run_husk network create nb
	run_husk run -d --name m1 --network na --network nb "$R/busybox" sh -c "$SERVE"
	run_husk run -d --name onA --network na "$R/busybox" sh -c "$SERVE"
	run_husk run -d --name onB --network nb "$R/busybox" sh -c "$SERVE"
	local a0 a1
	a0=$(addr_of m1 eth0) a1=$(addr_of m1 eth1)
	[[ $a0 =~ ^10\. && $a1 =~ ^10\. && $a0 != "$a1" ]] || die "m1's addresses: eth0 '$a0', eth1 '$a1'"
	run nets_of m1
	expect_eq "$output" "$(printf 'na %s 24 %s.1\nnb %s 24 %s.1' "$a0" "${a0%.*}" "$a1" "${a1%.*}")" "inspect's Networks"
	run_husk container inspect --format '{{.NetworkSettings.IPAddress}} {{.HostConfig.NetworkMode}}' m1
	expect_eq "$output" "$a0 bridge" "the first network's address on top"
	# Each side resolves m1 to its address on the network they share.
	expect_eq "$(resolves onA m1)" "$a0" "m1 from na"
	expect_eq "$(resolves onB m1)" "$a1" "m1 from nb"
	run reach onA m1
	expect_contains "$output" "hello from"
	run reach onB m1
	expect_contains "$output" "hello from"
	# m1 reaches both; the two others do not resolve each other.
	run reach m1 onA
	expect_contains "$output" "hello from"
	run reach m1 onB
	expect_contains "$output" "hello from"
	expect_eq "$(resolves onA onB)" "" "onB from na"
	# Both addresses in m1's own /etc/hosts, as podman writes them.
	run_husk exec m1 cat /etc/hosts
	expect_contains "$output" "$a0"
	expect_contains "$output" "$a1"
	# A comma list, as podman takes it; a network given twice is one.
	run_husk run --rm --network na,nb --network na "$R/busybox" sh -c 'ip -4 -o addr | grep -c " eth"'
	expect_eq "$output" 2 "interfaces with --network na,nb --network na"
	# podman: the same lines give the same networks, prefix lengths and
	# aliases (the short ID).
	on_both network create pa
	on_both network create pb
	"$HUSK" run -d --name pm1 --network pa,pb "$R/busybox" sleep 600 >/dev/null
	pm run -d --name pm1 --network pa,pb "$R/busybox" sleep 600 >/dev/null
	expect_same container inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.NetworkID}} {{$v.IPPrefixLen}} {{len $v.Aliases}} {{$v.Links}}
{{end}}' pm1
	expect_same exec pm1 sh -c 'ip -4 -o addr | grep -o " eth[0-9]*" | sort'
}

@test "network connect of a running container: reached by name and alias there at once; disconnect: gone there, still on the first; restart keeps it" {
	run_husk network create na
	run_husk network create nb
	run_husk run -d --name srv --network na "$R/busybox" sh -c "$SERVE"
	run_husk run -d --name ca --network na "$R/busybox" sleep 600
	run_husk run -d --name cb --network nb "$R/busybox" sleep 600
	expect_eq "$(resolves cb srv)" "" "srv from nb before connect"
	run_husk network connect --alias web nb srv
	expect_eq "$output" "" "connect prints nothing, as podman"
	local b
	b=$(addr_of srv eth1)
	[[ $b =~ ^10\. ]] || die "srv's eth1 after connect: '$b'"
	expect_eq "$(resolves cb srv)" "$b" "srv from nb after connect"
	expect_eq "$(resolves cb web)" "$b" "the alias from nb"
	expect_eq "$(resolves ca web)" "" "the alias is nb's only"
	run reach cb srv
	expect_contains "$output" "hello from"
	run reach cb web
	expect_contains "$output" "hello from"
	local short
	short=$(ctr_field srv '{{.ID}}' | cut -c1-12)
	run_husk container inspect --format '{{json (index .NetworkSettings.Networks "nb").Aliases}} {{(index .NetworkSettings.Networks "nb").IPAddress}}' srv
	expect_eq "$output" "[\"web\",\"$short\"] $b" "nb in inspect: the alias, then the short ID, as podman"
	run_husk exec srv cat /etc/hosts
	expect_contains "$output" "$b"
	# Restart keeps both networks and the alias. The gateway keeps its
	# MAC while srv's veth goes and comes back (a bridge that took its
	# ports' lowest would change it, and cb's ARP entry would point
	# nowhere for seconds).
	local gw mac1 mac2
	gw=$("$HUSK" exec cb sh -c 'sed -n "s/^nameserver //p" /etc/resolv.conf')
	mac1=$("$HUSK" exec cb sh -c "ping -c 1 -W 2 $gw >/dev/null 2>&1; ip neigh show $gw" | grep -o 'lladdr [0-9a-f:]*')
	run_husk restart -t 0 srv
	mac2=$("$HUSK" exec cb sh -c "ping -c 1 -W 2 $gw >/dev/null 2>&1; ip neigh show $gw" | grep -o 'lladdr [0-9a-f:]*')
	[[ -n $mac1 ]] || die "no ARP entry for the gateway $gw in cb"
	expect_eq "$mac2" "$mac1" "the gateway's MAC across srv's restart"
	b=$(addr_of srv eth1)
	[[ $b =~ ^10\. ]] || die "srv's eth1 after restart: '$b'"
	run nets_of srv
	expect_contains "$output" "na "
	expect_contains "$output" "nb $b "
	expect_eq "$(resolves cb web)" "$b" "the alias after restart"
	run reach cb web
	expect_contains "$output" "hello from"
	# Disconnect: eth1 goes, srv's names do not resolve on nb, its old
	# address does not answer; ca still reaches it on na.
	run_husk network disconnect nb srv
	expect_eq "$(addr_of srv eth1)" "" "eth1 after disconnect"
	expect_eq "$(resolves cb srv)" "" "srv from nb after disconnect"
	expect_eq "$(resolves cb web)" "" "the alias after disconnect"
	run_husk 1 exec cb nc -w 2 "$b" 80
	run reach ca srv
	expect_contains "$output" "hello from"
	run nets_of srv
	expect_match "$output" "^na [0-9.]+ 24 [0-9.]+$"
	run_husk exec srv cat /etc/hosts
	expect_not_contains "$output" "$b"
	# The next start does not put it back on nb.
	run_husk restart -t 0 srv
	expect_eq "$(addr_of srv eth1)" "" "eth1 after disconnect and restart"
	run_husk container inspect --format '{{len .NetworkSettings.Networks}}' srv
	expect_eq "$output" 1
}

@test "run --network-alias: a further name on each network with DNS, in inspect as podman lists it" {
	run_husk network create na
	run_husk run -d --name al --network na --network-alias db --network-alias store "$R/busybox" sleep 600
	run_husk run -d --name cl --network na "$R/busybox" sleep 600
	local a
	a=$(addr_of al eth0)
	expect_eq "$(resolves cl db)" "$a" "alias db"
	expect_eq "$(resolves cl store.dns.husk)" "$a" "alias store under the search domain"
	on_both network create pa
	"$HUSK" run -d --name pal --network pa --network-alias db "$R/busybox" sleep 600 >/dev/null
	pm run -d --name pal --network pa --network-alias db "$R/busybox" sleep 600 >/dev/null
	both container inspect --format '{{json .NetworkSettings.Networks.pa.Aliases}}' pal
	local hs ps
	hs=$(ctr_field pal '{{.ID}}' | cut -c1-12)
	ps=$(pm container inspect --format '{{.ID}}' pal | cut -c1-12)
	expect_eq "${HUSK_OUT/$hs/ID}" "${PM_OUT/$ps/ID}" "Aliases as podman"
	expect_eq "$HUSK_OUT" "[\"db\",\"$hs\"]"
	# A created container lists its networks and aliases without
	# addresses, as podman does.
	"$HUSK" create --name cal --network pa --network-alias db "$R/busybox" true >/dev/null
	pm create --name cal --network pa --network-alias db "$R/busybox" true >/dev/null
	on_both network create pb
	on_both network connect --alias x pb cal
	expect_same container inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.NetworkID}} [{{$v.IPAddress}}] {{$v.IPPrefixLen}} {{len $v.Aliases}} {{index $v.Aliases 0}}
{{end}}' cal
	run_husk 125 run --rm --network host --network-alias x "$R/busybox" true
	expect_contains "$stderr" "network-alias"
	run_husk 125 run --rm --network na --network-alias 'a b' "$R/busybox" true
}

@test "the default network with user networks, as podman: --network podman|bridge --network NET, connect and disconnect" {
	run_husk network create na
	on_both network create pa
	run_husk run -d --name d1 --network podman --network na "$R/busybox" sleep 600
	run nets_of d1
	expect_match "${lines[0]}" "^na 10\.[0-9.]+ 24 "
	expect_match "${lines[1]}" "^podman 10\.[0-9.]+ 16 "
	expect_eq "$(addr_of d1 eth0)" "$(ctr_field d1 '{{(index .NetworkSettings.Networks "podman").IPAddress}}')" "eth0 is the default network's"
	"$HUSK" run -d --name d2 --network bridge --network pa "$R/busybox" sleep 600 >/dev/null
	pm run -d --name d2 --network bridge --network pa "$R/busybox" sleep 600 >/dev/null
	expect_same container inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPPrefixLen}}
{{end}}' d2
	# A container on the default network alone gets a user network live,
	# and loses the default one.
	"$HUSK" run -d --name d3 "$R/busybox" sleep 600 >/dev/null
	run_husk network connect na d3
	[[ $(addr_of d3 eth1) =~ ^10\. ]] || die "d3's eth1 on na"
	run_husk network disconnect podman d3
	expect_eq "$(addr_of d3 eth0)" "" "eth0 (the default network) after disconnect"
	run nets_of d3
	expect_match "$output" "^na [0-9.]+ 24 "
	run_husk 125 network connect --alias x podman d3
	expect_contains "$stderr" "no DNS"
}

@test "errors as podman: unknown network, not connected, already connected, modes that are no bridge; the last network disconnected" {
	on_both network create pa
	on_both network create pb
	"$HUSK" run -d --name e1 --network pa "$R/busybox" sleep 600 >/dev/null
	pm run -d --name e1 --network pa "$R/busybox" sleep 600 >/dev/null
	expect_same network connect nosuch e1
	expect_eq "$HUSK_RC" 125
	expect_same network disconnect nosuch e1
	expect_eq "$HUSK_RC" 125
	expect_same network disconnect pb e1
	expect_eq "$HUSK_RC" 125
	expect_contains "$(cat "$BATS_TEST_TMPDIR/husk.err")" "container e1 is not connected to network pb"
	expect_same network connect pa e1
	expect_eq "$HUSK_RC" 125
	expect_contains "$(cat "$BATS_TEST_TMPDIR/husk.err")" "already connected to network pa"
	expect_same run --rm --network pa --network nosuch "$R/busybox" true
	expect_eq "$HUSK_RC" 125
	expect_same network connect pa no-such-ctr
	local mode
	for mode in none host slirp4netns; do
		"$HUSK" run -d --name "m-$mode" --network "$mode" "$R/busybox" sleep 600 >/dev/null
		pm run -d --name "m-$mode" --network "$mode" "$R/busybox" sleep 600 >/dev/null
		expect_same network connect pa "m-$mode"
		expect_eq "$HUSK_RC" 125 "connect of a running --network $mode container"
		expect_contains "$(cat "$BATS_TEST_TMPDIR/husk.err")" "is not supported: invalid network mode"
	done
	run_husk run -d --name m-pasta --network pasta "$R/busybox" sleep 600
	run_husk 125 network connect pa m-pasta
	expect_contains "$stderr" '"pasta" is not supported: invalid network mode'
	run_husk 125 run --rm --network pa --network host "$R/busybox" true
	expect_contains "$stderr" "only bridge networks"
	# -f as podman takes it; then the last network: the container runs
	# on no network (lo alone) and stays so after a restart.
	expect_same network disconnect -f pa e1
	expect_eq "$HUSK_RC" 0
	expect_same exec e1 sh -c 'ip -4 -o addr | cut -d" " -f2'
	expect_eq "$HUSK_OUT" lo "interfaces after disconnecting the last network"
	run_husk container inspect --format '{{len .NetworkSettings.Networks}}' e1
	expect_eq "$output" 0
	run_husk restart -t 0 e1
	run_husk exec e1 sh -c 'ip -4 -o addr | cut -d" " -f2'
	expect_eq "$output" lo "after restart"
}

@test "rm leaves no veth, member or address in the per-user namespace; the last rm leaves nothing" {
	run_husk network create na
	run_husk network create nb
	run_husk run -d --name keep --network na "$R/busybox" sleep 600
	run_husk run -d --name gone --network na --network nb "$R/busybox" sleep 600
	run_husk network connect podman gone
	local id
	id=$(ctr_field gone '{{.ID}}')
	grep -q "$id" "$(netdir)/usernet.json" || die "gone is no member in usernet.json"
	run_husk unshare nsenter --net="$(netdir)/usernet/netns" ip -o link
	[[ $(grep -c "hv${id:0:11}" <<<"$output") -eq 3 ]] || die "three veths of gone expected: $output"
	run_husk network disconnect nb gone
	run_husk unshare nsenter --net="$(netdir)/usernet/netns" ip -o link
	[[ $(grep -c "hv${id:0:11}" <<<"$output") -eq 2 ]] || die "two veths of gone expected after disconnect: $output"
	run_husk rm -f -t 0 gone
	! grep -q "$id" "$(netdir)/usernet.json" || die "gone is still a member: $(cat "$(netdir)/usernet.json")"
	run_husk unshare nsenter --net="$(netdir)/usernet/netns" ip -o link
	expect_not_contains "$output" "hv${id:0:11}"
	# nb's bridge, which nobody uses any more, is gone; na's stays for keep.
	local gwa gwb
	gwa=$("$HUSK" network inspect na | grep -o '"gateway": "[0-9.]*"' | grep -o '[0-9.]*')
	gwb=$("$HUSK" network inspect nb | grep -o '"gateway": "[0-9.]*"' | grep -o '[0-9.]*')
	run_husk unshare nsenter --net="$(netdir)/usernet/netns" ip -o -4 addr
	expect_contains "$output" "inet $gwa/"
	expect_not_contains "$output" "inet $gwb/"
	run_husk rm -f -t 0 keep
	wait_until 5 no_network_helpers
	expect_eq "$(ls -A "$(netdir)" 2>/dev/null | grep -vxF usernet.lock)" "" "files in $(netdir)"
}

@test "connect and disconnect of a running --userns keep-id container (its namespace is in a user namespace of its own)" {
	run_husk network create na
	run_husk network create nb
	# (As the user, a port above 1023.)
	run_husk run -d --name kid --userns keep-id --network na "$R/busybox" sh -c "${SERVE/-p 80/-p 8080}"
	run_husk run -d --name kb --network nb "$R/busybox" sleep 600
	run_husk network connect nb kid
	local b
	b=$(addr_of kid eth1)
	[[ $b =~ ^10\. ]] || die "kid's eth1 after connect: '$b'"
	expect_eq "$(resolves kb kid)" "$b" "kid from nb"
	run reach kb kid 8080
	expect_contains "$output" "hello from"
	run_husk network disconnect nb kid
	expect_eq "$(addr_of kid eth1)" "" "eth1 after disconnect"
	expect_eq "$(resolves kb kid)" "" "kid from nb after disconnect"
}
