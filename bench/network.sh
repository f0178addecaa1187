#!/usr/bin/env bash
# Benchmark: the default user network. husk (the bridge "podman" in the
# per-user rootless namespace, served by one pasta; -p through husk's
# forwarder; and `--network pasta`, one pasta per container, -p by pasta's
# splice path) against podman 4.3.1
# (rootless default: slirp4netns, -p through rootlessport), both rootless as
# the test user, `--runtime runc` for both, own stores on the scratch file
# system of bench/lib.sh, the image pulled into each store first (untimed).
#
# Part 1, startup cost (every round runs each case once, in an order that
# rotates per round; untimed warm-up rounds first):
#   husk-none    husk run --rm --network none IMAGE true
#   husk-net     husk run --rm IMAGE true            (default: the bridge)
#   podman-none  podman run --rm --network none IMAGE true
#   podman-net   podman run --rm IMAGE true          (default: slirp4netns)
# Wall medians; the added cost of the network = median(net) - median(none)
# per tool (goal: husk's <= BENCH_NET_ADD_GOAL ms, default 50).
#
# Part 2, throughput (iperf3 from the host's Debian package; inside a
# container it runs from the host's /usr, bind-mounted read-only at
# /host/usr, through the host's dynamic loader; -t BENCH_NET_T seconds,
# BENCH_NET_TP_N rounds, rotating order, one short warm-up round; Gbit/s
# received, medians):
#   loopback        host client -> host server on 127.0.0.1 (reference: no
#                   container in the path)
#   husk-pub        host client -> 127.0.0.1:HP, published by a detached
#                   `husk run -d -p HP:5201 ... iperf3 -s` (the bridge: husk's
#                   forwarder)
#   husk-pub-pasta  the same with `--network pasta` (pasta's splice path)
#   podman-pub      the same with podman (rootlessport)
#   husk-c2h-lo     client in `husk run --rm` -> host.containers.internal,
#                   host server bound to 127.0.0.1
#   husk-c2h-any    the same, host server bound to 0.0.0.0
#   husk-c2h-pasta  the same with husk --network pasta
#   husk-c2h-slirp  the same with husk --network slirp4netns (not husk's
#                   default: shows whether a gap is pasta's or husk's)
#   podman-c2h-lo   client in `podman run --rm --network
#                   slirp4netns:allow_host_loopback=true` -> 10.0.2.2 (the
#                   only way slirp4netns reaches the host's 127.0.0.1)
#   podman-c2h-any  client in `podman run --rm` (default) ->
#                   host.containers.internal (podman writes the host's own
#                   address there), host server bound to 0.0.0.0
#   Goals: husk-pub >= BENCH_NET_PUB_GOAL (default 1.3) x podman-pub,
#   husk-c2h-any >= BENCH_NET_C2H_GOAL (default 2) x podman-c2h-any. podman
#   --network pasta is tried too (podman 4.3.1 does not know it: reported).
#
# Time: like bench_time_fine (bench/lib.sh), with one difference: each run's
# cgroup is made INSIDE the cgroup v2 subtree delegated to the test user
# (test/lib.sh test_cgroup) and owned by it, so the run's session is in the
# delegated tree as on a systemd host (husk then places containers in their
# own cgroups, its default) while linger and tree CPU are still the run's
# own. (as_user alone moves the session to the delegated cgroup's root,
# outside a per-run cgroup.)
#
# Settings: BENCH_N (startup rounds, default 15 here), BENCH_NET_WARM
# (startup warm-up rounds, default 2), BENCH_NET_TP_N (throughput rounds,
# default 5), BENCH_NET_T (iperf3 seconds, default 5), BENCH_NET_IMAGE
# (default husk-test/busybox:latest under the test registry),
# BENCH_NET_ADD_GOAL (ms, default 50), BENCH_NET_PUB_GOAL (default 2).
set -euo pipefail
: "${BENCH_N:=15}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_MEM_N=0 # no memory rounds here

IMAGE_NAME=${BENCH_NET_IMAGE:-husk-test/busybox:latest}
WARM=${BENCH_NET_WARM:-2}
TP_N=${BENCH_NET_TP_N:-5}
TP_T=${BENCH_NET_T:-5}
ADD_GOAL=${BENCH_NET_ADD_GOAL:-50}
PUB_GOAL=${BENCH_NET_PUB_GOAL:-1.3}
C2H_GOAL=${BENCH_NET_C2H_GOAL:-2}
SCASES=(husk-none husk-net podman-none podman-net)
TCASES=(loopback husk-pub husk-pub-pasta podman-pub husk-c2h-lo husk-c2h-any husk-c2h-pasta husk-c2h-slirp podman-c2h-lo podman-c2h-any)

bench_init network
for v in WARM TP_N TP_T; do
	[[ ${!v} =~ ^[0-9]+$ ]] || bench_die "$v (BENCH_NET_*) must be a number, not '${!v}'"
done
((TP_N > 0 && TP_T > 0)) || bench_die "BENCH_NET_TP_N and BENCH_NET_T must be positive"
for t in podman runc iperf3 jq ss pasta slirp4netns; do
	command -v "$t" >/dev/null || bench_die "$t not found: the benchmark needs it (apt-get install $t)"
done
LDSO=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
[[ -x $LDSO ]] || bench_die "$LDSO missing (the in-container iperf3 runs through the host's loader)"

bench_side_by_side
# iperf3 inside a container: the host's binary and libraries.
VOL=(-v /usr:/host/usr:ro)
IPERF=(/host/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /host/usr/lib/x86_64-linux-gnu /host/usr/bin/iperf3)

# ------------------------------------------------- timing in the delegated tree
DELEG=$(test_cgroup)
DELEG_NOTE=
if [[ -z $DELEG ]]; then
	DELEG_NOTE="no cgroup v2 subtree delegated to $TEST_USER (test/setup/setup.sh makes one): runs use bench_time_fine's cgroups"
fi


# free_port: a TCP port nothing listens on (checked again by the tools).
USED_PORTS=" "
free_port() {
	local p i eph
	# Below the ephemeral range: a port an outgoing connection holds there
	# is not listening (ss -l misses it), yet a server cannot bind it.
	eph=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	for ((i = 0; i < 200; i++)); do
		p=$((10000 + RANDOM % (eph - 10000)))
		[[ $USED_PORTS == *" $p "* ]] && continue
		ss -Htln "sport = :$p" | grep -q . && continue
		USED_PORTS+="$p "
		echo "$p"
		return 0
	done
	bench_die "no free port found"
}

HOST_SRV_PIDS=()
finish() {
	local p
	for p in "${HOST_SRV_PIDS[@]}"; do
		[[ $(cat "/proc/$p/comm" 2>/dev/null) == iperf3 ]] && kill "$p" 2>/dev/null
	done
	bench_finish_stores
}
bench_on_exit finish

# ------------------------------------------------------------------ setup
bench_header "network: husk (pasta) vs podman (slirp4netns) default networks: startup cost, iperf3 throughput"
pver=$(dpkg-query -W -f '${Version}' passt 2>/dev/null) || pver="version ?"
bench_say "tools:   pasta (passt $pver); $(slirp4netns --version | head -n1); $(iperf3 --version | head -n1)"
bench_say "runtime: $(runc --version | head -n1), --runtime runc for both"
bench_say "other:   $({ ps -u "$TEST_USER" -o pid= 2>/dev/null || true; } | wc -l) processes of $TEST_USER were running at the start (other test runs share this user and machine)"
if [[ -n $DELEG ]]; then
	bench_say "cgroup:  each timed run's session is in its own cgroup inside $DELEG (the test user's delegated subtree)"
else
	bench_say "cgroup:  $DELEG_NOTE"
fi

bench_log "pulling $IMAGE into both stores (untimed)"
U "${HUSK[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/husk.pull" 2>&1 ||
	{ cat "$DATA/husk.pull" >&2; bench_die "husk pull failed"; }
U "${PODMAN[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/podman.pull" 2>"$DATA/podman.pull.err" ||
	{ cat "$DATA/podman.pull.err" >&2; bench_die "podman pull failed"; }
pause_pid >/dev/null || bench_die "podman did not leave a pause process in $PTMP"

# What each default network is.
hnet=$(U "${HUSK[@]}" info --format json 2>/dev/null | jq -r '[.network[]?.name] | join(", ")') || hnet="?"
hhosts=$(U "${HUSK[@]}" run --rm "$IMAGE" grep host.containers.internal /etc/hosts </dev/null 2>/dev/null | awk '{print $1}') || hhosts="?"
U "${PODMAN[@]}" create --name nb-probe "$IMAGE" true >/dev/null 2>&1
pmode=$(U "${PODMAN[@]}" inspect --format '{{.HostConfig.NetworkMode}}' nb-probe 2>/dev/null) || pmode="?"
U "${PODMAN[@]}" rm nb-probe >/dev/null 2>&1 || true
phosts=$(U "${PODMAN[@]}" run --rm "$IMAGE" grep host.containers.internal /etc/hosts </dev/null 2>/dev/null | awk '{print $1}') || phosts="?"
hdef=$(U "${HUSK[@]}" info --format '{{.DefaultNetwork}}' 2>/dev/null) || hdef="?"
bench_say "husk:    default network: $hdef; helpers [$hnet]; host.containers.internal = ${hhosts:-?} (pasta's gateway, mapped to the host's loopback)"
bench_say "podman:  default network mode $pmode; host.containers.internal = ${phosts:-?} (the host's own address)"
PODMAN_PASTA=
if U "${PODMAN[@]}" run --rm --network pasta "$IMAGE" true </dev/null >"$DATA/podman-pasta.out" 2>&1; then
	PODMAN_PASTA=1
	bench_say "podman --network pasta: supported (not measured separately by this version of the script)"
else
	bench_say "podman --network pasta: not supported by this podman ($(grep -m1 -i error "$DATA/podman-pasta.out" | sed 's/^Error: //'))"
fi

# ------------------------------------------------------ part 1: startup cost
s_argv() {
	case $1 in
	husk-none) ARGV=("${HUSK[@]}" run --rm --network none "$IMAGE" true) ;;
	husk-net) ARGV=("${HUSK[@]}" run --rm "$IMAGE" true) ;;
	podman-none) ARGV=("${PODMAN[@]}" run --rm --network none "$IMAGE" true) ;;
	podman-net) ARGV=("${PODMAN[@]}" run --rm "$IMAGE" true) ;;
	*) bench_die "unknown case $1" ;;
	esac
}
bench_log "startup: $WARM warm-up + $BENCH_N timed rounds of ${#SCASES[@]} cases"
bench_rounds s_argv deleg_time "$DATA/load.s" "$WARM" "${SCASES[@]}"

# ------------------------------------------------------- part 2: throughput
HP=$(free_port) HP2=$(free_port) PP=$(free_port) S_LO=$(free_port) S_ANY=$(free_port)
bench_log "throughput: servers (host 127.0.0.1:$S_LO, 0.0.0.0:$S_ANY; husk -p $HP, husk --network pasta -p $HP2, podman -p $PP)"
iperf3 -s -B 127.0.0.1 -p "$S_LO" >"$DATA/srv-lo.log" 2>&1 &
HOST_SRV_PIDS+=($!)
iperf3 -s -B 0.0.0.0 -p "$S_ANY" >"$DATA/srv-any.log" 2>&1 &
HOST_SRV_PIDS+=($!)
U "${HUSK[@]}" run -d --name nb-srv -p "$HP:5201" "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -s --forceflush </dev/null >"$DATA/husk-srv.id" 2>&1 ||
	{ cat "$DATA/husk-srv.id" >&2; bench_die "husk run -d (iperf3 server) failed"; }
U "${HUSK[@]}" run -d --name nb-srv2 --network pasta -p "$HP2:5201" "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -s --forceflush </dev/null >"$DATA/husk-srv2.id" 2>&1 ||
	{ cat "$DATA/husk-srv2.id" >&2; bench_die "husk run -d --network pasta (iperf3 server) failed"; }
U "${PODMAN[@]}" run -d --name nb-srv -p "$PP:5201" "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -s --forceflush </dev/null >"$DATA/podman-srv.id" 2>&1 ||
	{ cat "$DATA/podman-srv.id" >&2; bench_die "podman run -d (iperf3 server) failed"; }
# Ready when each server says so (and the host ports listen).
for tool in husk husk2 podman; do
	srv=nb-srv
	case $tool in
	husk) T=("${HUSK[@]}") port=$HP ;;
	husk2) T=("${HUSK[@]}") port=$HP2 srv=nb-srv2 ;;
	*) T=("${PODMAN[@]}") port=$PP ;;
	esac
	for ((i = 0; i < 100; i++)); do
		U "${T[@]}" logs "$srv" 2>/dev/null | grep -q 'listening' && ss -Htln "sport = :$port" | grep -q . && break
		sleep 0.1
	done
	((i < 100)) || { U "${T[@]}" logs "$srv" >&2 || true; bench_die "$tool's iperf3 server did not come up"; }
done
for p in "$S_LO" "$S_ANY"; do
	for ((i = 0; i < 50; i++)); do ss -Htln "sport = :$p" | grep -q . && break; sleep 0.1; done
	((i < 50)) || bench_die "host iperf3 server on port $p did not come up"
done

t_argv() {
	local t=$2
	case $1 in
	loopback) ARGV=(iperf3 -c 127.0.0.1 -p "$S_LO" -t "$t" -J) ;;
	husk-pub) ARGV=(iperf3 -c 127.0.0.1 -p "$HP" -t "$t" -J) ;;
	husk-pub-pasta) ARGV=(iperf3 -c 127.0.0.1 -p "$HP2" -t "$t" -J) ;;
	podman-pub) ARGV=(iperf3 -c 127.0.0.1 -p "$PP" -t "$t" -J) ;;
	husk-c2h-lo) ARGV=("${HUSK[@]}" run --rm "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -c host.containers.internal -p "$S_LO" -t "$t" -J) ;;
	husk-c2h-any) ARGV=("${HUSK[@]}" run --rm "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -c host.containers.internal -p "$S_ANY" -t "$t" -J) ;;
	husk-c2h-pasta) ARGV=("${HUSK[@]}" run --rm --network pasta "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -c host.containers.internal -p "$S_ANY" -t "$t" -J) ;;
	husk-c2h-slirp) ARGV=("${HUSK[@]}" run --rm --network slirp4netns "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -c host.containers.internal -p "$S_ANY" -t "$t" -J) ;;
	podman-c2h-lo) ARGV=("${PODMAN[@]}" run --rm --network slirp4netns:allow_host_loopback=true "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -c 10.0.2.2 -p "$S_LO" -t "$t" -J) ;;
	podman-c2h-any) ARGV=("${PODMAN[@]}" run --rm "${VOL[@]}" "$IMAGE" "${IPERF[@]}" -c host.containers.internal -p "$S_ANY" -t "$t" -J) ;;
	*) bench_die "unknown case $1" ;;
	esac
}

# tp_run CASE SECONDS OUT: one iperf3 run; appends "GBPS LAST_S_GBPS STALLED
# RETR" to OUT: Gbit/s received over the run, Gbit/s in its last 1-s
# interval, how many 1-s intervals moved < 0.1 Gbit/s, the sender's TCP
# retransmissions.
# One retry (a server still finishing the previous test answers "busy").
tp_run() {
	local c=$1 t=$2 out=$3 f=$DATA/tp.$1 g try
	for try in 1 2; do
		t_argv "$c" "$t"
		rm -f "$f"
		if deleg_time "$f" "${ARGV[@]}" &&
			g=$(jq -er '[.end.sum_received.bits_per_second / 1e9, (.intervals[-1].sum.bits_per_second / 1e9),
				([.intervals[] | select(.sum.bits_per_second < 1e8)] | length), (.end.sum_sent.retransmits // 0)]
				| "\(.[0]) \(.[1]) \(.[2]) \(.[3])"' "$f.stdout" 2>/dev/null); then
			awk '{ printf "%.3f %.3f %d %d\n", $1, $2, $3, $4 }' <<<"$g" >>"$out"
			return 0
		fi
		bench_log "$c: iperf3 run failed (try $try): $(jq -r '.error // empty' "$f.stdout" 2>/dev/null | head -n1)"
		sed 's/^/    /' "$f.stderr" | tail -n5 >&2
		echo "$c try $try: $(jq -r '.error // empty' "$f.stdout" 2>/dev/null | head -n1) $(tail -n2 "$f.stderr" | tr '\n' ' ')" >>"$DATA/tp.failures"
		sleep 1
	done
	return 1
}

bench_log "throughput: 1 warm-up round (-t 2) + $TP_N rounds (-t $TP_T) of ${#TCASES[@]} cases"
for c in "${TCASES[@]}"; do
	tp_run "$c" 2 "$DATA/warm.$c.gbps" || bench_die "$c failed in the warm-up"
done
for ((r = 1; r <= TP_N; r++)); do
	k=$(((r - 1) % ${#TCASES[@]}))
	order=("${TCASES[@]:k}" "${TCASES[@]:0:k}")
	cut -d' ' -f1 /proc/loadavg >>"$DATA/load.t"
	for c in "${order[@]}"; do
		tp_run "$c" "$TP_T" "$DATA/$c.gbps" || bench_die "$c failed in round $r"
	done
done

# ------------------------------------------------------------------ report
slabel() {
	case $1 in
	husk-none) echo "husk --network none" ;;
	husk-net) echo "husk default (bridge)" ;;
	podman-none) echo "podman --network none" ;;
	podman-net) echo "podman default (slirp4netns)" ;;
	esac
}

bench_say ""
bench_say "Startup, \`run --rm [--network none] IMAGE true\`: medians over $BENCH_N rounds (ms; wall = the command alone;"
bench_say "tree cpu = CPU of every process of the run's cgroup incl. the runuser wrapper (not subtracted) and"
bench_say "helpers that outlive the command; linger = how long those kept running after it returned):"
{
	printf '%-30s %18s %9s %9s %8s\n' case "wall ms (min-max)" "tree cpu" "rus. cpu" "linger"
	for c in "${SCASES[@]}"; do
		printf '%-30s %18s %9s %9s %8s\n' "$(slabel "$c")" "$(ms_med "$c" 1) ($(ms_minmax "$c" 1))" \
			"$(ms_med "$c" 4)" "$(ms_med "$c" 3)" "$(ms_med "$c" 5)"
	done
} >"$DATA/table.s"
bench_say_file "$DATA/table.s"
h_add=$(awk -v a="$(med husk-net 1)" -v b="$(med husk-none 1)" 'BEGIN { printf "%.1f", (a - b) * 1000 }')
p_add=$(awk -v a="$(med podman-net 1)" -v b="$(med podman-none 1)" 'BEGIN { printf "%.1f", (a - b) * 1000 }')
h_addc=$(awk -v a="$(med husk-net 4)" -v b="$(med husk-none 4)" 'BEGIN { printf "%.1f", (a - b) * 1000 }')
p_addc=$(awk -v a="$(med podman-net 4)" -v b="$(med podman-none 4)" 'BEGIN { printf "%.1f", (a - b) * 1000 }')
# Paired per round (same round, adjacent in time): median of the differences.
h_goal=$(awk -v a="$h_add" -v g="$ADD_GOAL" 'BEGIN { print (a <= g ? "ok" : "MISSED") }')
bench_say ""
bench_say "Added cost of the default network (median(default) - median(none)):"
bench_say "  husk   wall +$h_add ms (paired per round: +$(paired husk-net husk-none) ms) $h_goal (goal <= $ADD_GOAL ms); tree cpu +$h_addc ms"
bench_say "  podman wall +$p_add ms (paired per round: +$(paired podman-net podman-none) ms); tree cpu +$p_addc ms"
bench_say "  husk/podman wall: none $(bench_ratio "$(med husk-none 1)" "$(med podman-none 1)"), default network $(bench_ratio "$(med husk-net 1)" "$(med podman-net 1)")"

tlabel() {
	case $1 in
	loopback) echo "host -> host 127.0.0.1 (reference)" ;;
	husk-pub) echo "host -> husk -p (bridge, forwarder)" ;;
	husk-pub-pasta) echo "host -> husk --network pasta -p (splice)" ;;
	podman-pub) echo "host -> podman -p (rootlessport)" ;;
	husk-c2h-lo) echo "husk ctr -> host 127.0.0.1 (h.c.i)" ;;
	husk-c2h-any) echo "husk ctr -> host 0.0.0.0 (h.c.i)" ;;
	husk-c2h-pasta) echo "husk --network pasta ctr -> host 0.0.0.0" ;;
	husk-c2h-slirp) echo "husk slirp4netns ctr -> host 0.0.0.0 (h.c.i)" ;;
	podman-c2h-lo) echo "podman ctr -> host 127.0.0.1 (10.0.2.2)" ;;
	podman-c2h-any) echo "podman ctr -> host 0.0.0.0 (h.c.i)" ;;
	esac
}
gmed() { bench_median "$DATA/$1.gbps" 1; }
bench_say ""
bench_say "Throughput, iperf3 -t $TP_T, Gbit/s received: medians over $TP_N rounds (h.c.i = host.containers.internal;"
bench_say "podman's 127.0.0.1 case needs --network slirp4netns:allow_host_loopback=true; last 1s = median rate in"
bench_say "the last 1-s interval of a run (steady state); stalled = 1-s intervals under 0.1 Gbit/s, all rounds;"
bench_say "retr = median TCP retransmissions of the sender per run):"
{
	printf '%-46s %7s %13s %8s %8s %6s\n' case median "min-max" "last 1s" stalled retr
	for c in "${TCASES[@]}"; do
		printf '%-46s %7.2f %13s %8.2f %8s %6s\n' "$(tlabel "$c")" "$(gmed "$c")" "$(bench_minmax "$DATA/$c.gbps" 1)" \
			"$(bench_median "$DATA/$c.gbps" 2)" "$(awk '{s += $3} END {print s + 0}' "$DATA/$c.gbps")/$((TP_N * TP_T))" \
			"$(bench_median "$DATA/$c.gbps" 4)"
	done
} >"$DATA/table.t"
bench_say_file "$DATA/table.t"
r_pub=$(bench_ratio "$(gmed husk-pub)" "$(gmed podman-pub)")
r_lo=$(bench_ratio "$(gmed husk-c2h-lo)" "$(gmed podman-c2h-lo)")
r_any=$(bench_ratio "$(gmed husk-c2h-any)" "$(gmed podman-c2h-any)")
pub_goal=$(awk -v r="$r_pub" -v g="$PUB_GOAL" 'BEGIN { if (r == "nan") print "?"; else print (r >= g ? "ok" : "MISSED") }')
c2h_goal=$(awk -v r="$r_any" -v g="$C2H_GOAL" 'BEGIN { if (r == "nan") print "?"; else print (r >= g ? "ok" : "MISSED") }')
bench_say ""
bench_say "Ratios husk/podman (higher is better for husk):"
bench_say "  published port (host -> container)   $r_pub $pub_goal (goal >= $PUB_GOAL)"
lmed() { bench_median "$DATA/$1.gbps" 2; }
bench_say "  container -> host 127.0.0.1          $r_lo (last 1 s of each run: $(bench_ratio "$(lmed husk-c2h-lo)" "$(lmed podman-c2h-lo)"))"
bench_say "  published port, husk --network pasta  $(bench_ratio "$(gmed husk-pub-pasta)" "$(gmed podman-pub)")"
bench_say "  container -> host 0.0.0.0            $r_any $c2h_goal (goal >= $C2H_GOAL) (last 1 s of each run: $(bench_ratio "$(lmed husk-c2h-any)" "$(lmed podman-c2h-any)"))"
bench_say "  published port, last 1 s of each run $(bench_ratio "$(lmed husk-pub)" "$(lmed podman-pub)")"
bench_say "  container -> host 0.0.0.0, husk --network pasta / podman: $(bench_ratio "$(gmed husk-c2h-pasta)" "$(gmed podman-c2h-any)")"
bench_say "  container -> host 0.0.0.0, husk --network slirp4netns / podman: $(bench_ratio "$(gmed husk-c2h-slirp)" "$(gmed podman-c2h-any)")"
bench_say "  husk published port / bare loopback  $(bench_ratio "$(gmed husk-pub)" "$(gmed loopback)"); podman $(bench_ratio "$(gmed podman-pub)" "$(gmed loopback)")"
[[ -n $PODMAN_PASTA ]] || bench_say "  (podman --network pasta: not available in this podman, so podman's default is the only podman case)"
if [[ -s $DATA/tp.failures ]]; then
	bench_say "iperf3 runs that failed and were retried:"
	bench_say_file <(sed 's/^/  /' "$DATA/tp.failures")
fi

bench_say ""
bench_say "Raw startup rounds (wall ms / tree cpu ms / linger ms), in order:"
for c in "${SCASES[@]}"; do
	bench_say "  $(printf '%-12s' "$c") $(awk '{printf "%.0f/%.0f/%.0f ", $1 * 1000, $4 * 1000, $5 * 1000}' "$DATA/$c.time")"
done
bench_say "  1-min load average at each round's start: $(tr '\n' ' ' <"$DATA/load.s")"
bench_say "Raw throughput rounds (Gbit/s over the run / last 1 s / stalled 1-s intervals / retransmissions), in order:"
for c in "${TCASES[@]}"; do
	bench_say "  $(printf '%-15s' "$c") $(awk '{printf "%s/%s/%s/%s  ", $1, $2, $3, $4}' "$DATA/$c.gbps")"
done
bench_say "  1-min load average at each round's start: $(tr '\n' ' ' <"$DATA/load.t")"
bench_say ""
bench_say "Goals: network setup adds <= $ADD_GOAL ms: $h_goal (+$h_add ms); published-port throughput >= $PUB_GOAL x podman's default: $pub_goal ($r_pub x); container -> host >= $C2H_GOAL x podman's: $c2h_goal ($r_any x)"
bench_say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_done
