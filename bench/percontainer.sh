#!/usr/bin/env bash
# Benchmark: what one detached container costs to keep, and what the
# default network adds to a run. husk against podman, both rootless as the
# test user, `--runtime runc`, each with a fresh store of its own (see
# bench_side_by_side in lib.sh), the image pulled into each store first.
#
# Cases:
#   memory   BENCH_PC_N (default 20) × `run -d --name pc-K IMAGE sleep 600`
#            with the default network, one tool after the other (the first
#            tool's containers are removed before the second starts). Then
#            the PSS (/proc/PID/smaps_rollup) of every process the tool
#            started (see user_procs) that did not exist before the
#            containers started: the monitors (husk __monitor, conmon) and
#            the network helpers (pasta, slirp4netns, rootlessport ...). The
#            containers' own processes are not counted: they are the same
#            for both tools. Printed
#            per process name and as the sum divided by BENCH_PC_N. The
#            per-user pause process (started by the pull) is printed apart.
#   startup  `run --rm IMAGE true` with `--network none` and with the
#            default network, BENCH_N (default 10) timed rounds per tool
#            after BENCH_PC_WARM (default 1) untimed ones; the first untimed
#            run of each case is also shown ("first": no container was
#            running and none had run with that network for a while). Time: bench_time_fine's wall of the command alone;
#            runs in a cgroup inside the test user's delegated subtree.
#
# Settings: BENCH_N, BENCH_PC_N, BENCH_PC_WARM, BENCH_PC_IMAGE (default
# husk-test/busybox:latest under the test registry), BENCH_PC_GOAL (highest
# acceptable helper MiB per container for husk, default 2), BENCH_PC_NET_GOAL
# (highest acceptable default - none difference in ms for husk, default 10).
set -euo pipefail
: "${BENCH_N:=10}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGE_NAME=${BENCH_PC_IMAGE:-husk-test/busybox:latest}
NCTR=${BENCH_PC_N:-20}
WARM=${BENCH_PC_WARM:-1}
GOAL=${BENCH_PC_GOAL:-2}
NET_GOAL=${BENCH_PC_NET_GOAL:-10}
TOOLS=(husk podman)

bench_init percontainer
for v in NCTR WARM; do
	[[ ${!v} =~ ^[0-9]+$ ]] || bench_die "$v (BENCH_PC_*) must be a number, not '${!v}'"
done
((NCTR > 0 && WARM > 0)) || bench_die "BENCH_PC_N and BENCH_PC_WARM must be positive"
command -v podman >/dev/null || bench_die "podman not found: the benchmark compares with it"

bench_side_by_side
DELEG=$(test_cgroup)

tool_argv() {
	case $1 in
	husk) T=("${HUSK[@]}") ;;
	podman) T=("${PODMAN[@]}") ;;
	*) bench_die "unknown tool $1" ;;
	esac
}

# user_procs: "PID START_TICKS" of every process of the test user (real
# uid: /proc/PID of a non-dumpable process belongs to root) whose
# environment has this benchmark's XDG_RUNTIME_DIR: what the tools started
# here, helpers included (pasta isolates itself in a pid namespace of its
# own, so the pid namespace cannot tell). The containers' processes get the
# image's environment instead, and other jobs of the same user another
# XDG_RUNTIME_DIR.
user_procs() {
	local p uid
	uid=$(id -u "$TEST_USER")
	for p in /proc/[0-9]*; do
		[[ $(awk '$1 == "Uid:" {print $2}' "$p/status" 2>/dev/null) == "$uid" ]] || continue
		tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qxF "XDG_RUNTIME_DIR=$XDG" || continue
		echo "${p#/proc/} $(awk '{print $22}' "$p/stat" 2>/dev/null)"
	done | sort
}

# proc_name PID: the program's name, and for husk's own helpers (one
# binary, /proc/PID/comm "exe") the hidden command that names the role.
proc_name() {
	tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | awk '
		NR == 1 { n = $0; sub(/.*\//, "", n) }
		/^__/ { n = n ":" $0; exit }
		END { print (n == "" ? "gone" : n) }'
}

# pss_kb PID: a process's PSS in kB (0 when it is gone).
pss_kb() { awk '/^Pss:/ {print $2; f = 1} END {if (!f) print 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

finish() {
	bench_finish_stores
}
bench_on_exit finish

# ------------------------------------------------------------------ setup
bench_header "percontainer: husk vs podman, helper memory per detached container and the default network's start-up cost, rootless, --runtime runc"
bench_say "runtime: $(runc --version | head -n1); $(pasta --version 2>&1 | head -n1 || true); $(slirp4netns --version 2>&1 | head -n1 || true)"
bench_say "image:   $IMAGE; $NCTR detached containers per tool"
[[ -n $DELEG ]] && bench_say "cgroup:  timed runs in a cgroup inside $DELEG (the test user's delegated subtree)"

for t in "${TOOLS[@]}"; do
	tool_argv "$t"
	U "${T[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/$t.pull" 2>&1 ||
		{ cat "$DATA/$t.pull" >&2; bench_die "$t pull failed"; }
done
HPAUSE=$(husk_pause_pid) || bench_die "husk did not leave a pause process in $XDG/husk"
PPAUSE=$(pause_pid) || bench_die "podman did not leave a pause process in $PTMP"

# ------------------------------------------------------------------ memory
bench_say ""
bench_say "-- memory: PSS of the processes the tool started for $NCTR × run -d ... sleep 600 (default network)"
printf '%-8s %-22s %6s %10s\n' tool process count "PSS MiB" | bench_say_file /dev/stdin
declare -A PER
for t in "${TOOLS[@]}"; do
	tool_argv "$t"
	user_procs >"$DATA/$t.before"
	for ((i = 1; i <= NCTR; i++)); do
		U "${T[@]}" run -d --name "pc-$i" "$IMAGE" sleep 600 >/dev/null 2>"$DATA/$t.run.err" ||
			{ cat "$DATA/$t.run.err" >&2; bench_die "$t run -d failed at container $i"; }
	done
	sleep 2 # helpers settle (pasta's buffers, Go's first GC)
	user_procs >"$DATA/$t.after"
	total=0
	: >"$DATA/$t.procs"
	while read -r pid _; do
		[[ $pid == "$HPAUSE" || $pid == "$PPAUSE" ]] && continue
		echo "$(proc_name "$pid") $(pss_kb "$pid")" >>"$DATA/$t.procs"
	done < <(comm -13 "$DATA/$t.before" "$DATA/$t.after")
	awk -v t="$t" '{n[$1]++; s[$1] += $2} END {for (c in n) printf "%-8s %-22s %6d %10.1f\n", t, c, n[c], s[c] / 1024}' "$DATA/$t.procs" |
		sort -k4 -rn | bench_say_file /dev/stdin
	total=$(awk '{s += $2} END {print s + 0}' "$DATA/$t.procs")
	PER[$t]=$(awk -v s="$total" -v n="$NCTR" 'BEGIN {printf "%.2f", s / 1024 / n}')
	pause=$HPAUSE
	[[ $t == podman ]] && pause=$PPAUSE
	printf '%-8s %-22s %6d %10.1f\n' "$t" "(pause, per user)" 1 "$(bench_mib "$(pss_kb "$pause")")" | bench_say_file /dev/stdin
	U "${T[@]}" rm -a -f -t 0 >/dev/null 2>"$DATA/$t.rm.err" ||
		{ cat "$DATA/$t.rm.err" >&2; bench_die "$t rm -a -f failed"; }
done
bench_say "per container (helpers only): husk ${PER[husk]} MiB, podman ${PER[podman]} MiB; husk/podman $(bench_ratio "${PER[husk]}" "${PER[podman]}"); husk goal <= $GOAL MiB: $(bench_goal "$(bench_ratio "${PER[husk]}" "$GOAL")" 1)"

# ------------------------------------------------------------------ startup
bench_say ""
bench_say "-- startup: run --rm IMAGE true, --network none against the default network (ms; median of $BENCH_N, min-max)"
case_argv() {
	local tool=${1%%.*} net=${1#*.}
	tool_argv "$tool"
	ARGV=("${T[@]}" run --rm)
	[[ $net == none ]] && ARGV+=(--network none)
	ARGV+=("$IMAGE" true)
}
cases=()
for t in "${TOOLS[@]}"; do cases+=("$t.none" "$t.default"); done
bench_rounds case_argv deleg_time "$DATA/load" "$WARM" "${cases[@]}"
printf '%-8s %10s %14s %10s %14s %10s %12s\n' tool "none" "none min-max" default "def min-max" "def-none" "first n/d" | bench_say_file /dev/stdin
for t in "${TOOLS[@]}"; do
	d=$(paired "$t.default" "$t.none")
	printf '%-8s %10s %14s %10s %14s %10s %12s\n' "$t" "$(ms_med "$t.none" 1)" "$(ms_minmax "$t.none" 1)" \
		"$(ms_med "$t.default" 1)" "$(ms_minmax "$t.default" 1)" "$d" \
		"$(bench_ms "$(head -n1 "$DATA/warm.$t.none" | cut -d' ' -f1)")/$(bench_ms "$(head -n1 "$DATA/warm.$t.default" | cut -d' ' -f1)")" |
		bench_say_file /dev/stdin
	[[ $t == husk ]] && hd=$d
done
for c in "${cases[@]}"; do
	bench_say "  $c: wall ms $(awk '{printf "%.0f ", $1 * 1000}' "$DATA/$c.time"); left running after it, s: $(awk '{printf "%s ", $5}' "$DATA/$c.time")"
done
bench_say "husk default - none: $hd ms (paired median); goal <= $NET_GOAL ms: $(awk -v d="$hd" -v g="$NET_GOAL" 'BEGIN {print (d <= g ? "ok" : "MISSED")}')"
bench_say "load average at the start of each round: $(tr '\n' ' ' <"$DATA/load")"
bench_done
