#!/usr/bin/env bash
# Benchmark: `husk build` against `podman build` of the same Containerfile
# on the same base image, both rootless as the test user (issue 13's
# six-step build): FROM the test registry's busybox, three RUN steps, a COPY
# of 1000 files, a LABEL.
#
# Each tool has a store of its own on the scratch file system
# (bench_side_by_side: overlay, runc for both, private XDG_RUNTIME_DIR and
# podman --tmpdir); the base image is pulled into both during the warm-up,
# so no measured build pulls. Both use their default network for RUN steps
# (husk: pasta in a namespace of its own; podman 4.3: slirp4netns) and
# --layers (both tools' default). Cases:
#   cold    build --no-cache: every step runs and is committed
#   cached  the same build again with nothing changed: every step is a
#           cache hit (the goal of issue 13: <= 0.3x podman)
#   copy    the COPY source changed (one file rewritten): COPY and LABEL
#           rebuild, the RUN steps before them are cache hits
# The tools alternate in every round (which one goes first flips), so
# drifting load hits both alike. Timed rounds use bench_time_fine (wall time
# from the test user's shell); memory rounds sample the PSS of the whole
# process tree (bench/treerss). The built image's labels and files are
# checked once in each tool's store after the warm-up.
#
# Settings: BENCH_N, BENCH_MEM_N (bench/lib.sh); BENCH_BUILD_GOALS (default
# "cold=0.7 cached=0.3": highest acceptable husk/podman wall ratios).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GOALS=${BENCH_BUILD_GOALS:-cold=0.7 cached=0.3}
IMAGE_NAME=husk-test/busybox:latest
TOOLS=(husk podman)
CASES=(cold cached copy)

bench_init build
command -v podman >/dev/null || bench_die "podman not found (apt-get install podman): the benchmark compares against it"
bench_side_by_side
CTX=$W/ctx

finish() { bench_finish_stores; }
bench_on_exit finish

# The context: a Containerfile and 1000 small files.
as_user mkdir -p "$CTX/files"
as_user bash -c 'for i in $(seq 1 1000); do echo "file $i" >"$1/files/f$i.txt"; done' bash "$CTX"
as_user tee "$CTX/Containerfile" >/dev/null <<CF
FROM $IMAGE
RUN echo one >/one
RUN echo two >/two && ls / >/dev/null
RUN echo three >/three
COPY files/ /files/
LABEL bench=husk-build
CF

# build_argv TOOL CASE: sets ARGV.
build_argv() {
	local tool=$1 c=$2 extra=()
	[[ $c == cold ]] && extra=(--no-cache)
	case $tool in
	husk) ARGV=("${HUSK[@]}" build -q "${extra[@]}" -t localhost/bench-build "$CTX") ;;
	podman) ARGV=("${PODMAN[@]}" build -q "${extra[@]}" -t localhost/bench-build "$CTX") ;;
	esac
}

# prepare CASE: what the case needs before it is timed (untimed).
prepare() {
	if [[ $1 == copy ]]; then
		as_user bash -c 'echo "changed $RANDOM$RANDOM" >"$1/files/f500.txt"' bash "$CTX"
	fi
}

# measure MODE TOOL CASE
measure() {
	local mode=$1 tool=$2 c=$3
	prepare "$c"
	build_argv "$tool" "$c"
	bench_sync
	case $mode in
	time) bench_time_fine "$DATA/$tool-$c.time" "${ARGV[@]}" ;;
	mem) bench_mem_fine "$DATA/$tool-$c.mem" 5ms "${ARGV[@]}" ;;
	warm) U "${ARGV[@]}" >"$DATA/$tool-$c.warm.stdout" 2>"$DATA/$tool-$c.warm.stderr" || {
		sed 's/^/    /' "$DATA/$tool-$c.warm.stderr" >&2
		bench_die "$tool build ($c) failed"
	} ;;
	esac
}

bench_header "build: husk vs podman, a six-step Containerfile (FROM $IMAGE, 3 RUN, COPY of 1000 files, LABEL)"
bench_say "runtime: $(runc --version | head -n1) for both; RUN network: each tool's default"

# ---------------------------------------------------------------- warm-up
U "${HUSK[@]}" pull --tls-verify=false -q "$IMAGE" >/dev/null || bench_die "husk pull failed"
U "${PODMAN[@]}" pull --tls-verify=false -q "$IMAGE" >/dev/null || bench_die "podman pull failed"
for c in "${CASES[@]}"; do
	for tool in "${TOOLS[@]}"; do
		measure warm "$tool" "$c"
	done
done
for tool in "${TOOLS[@]}"; do
	case $tool in husk) P=("${HUSK[@]}") ;; podman) P=("${PODMAN[@]}") ;; esac
	out=$(U "${P[@]}" run --rm localhost/bench-build sh -c 'cat /one /two /three; ls /files | wc -l' 2>&1) ||
		bench_die "$tool could not run its built image: $out"
	[[ $(echo $out) == "one two three 1000" ]] || bench_die "$tool's built image has unexpected content: $out"
done
hpause=$(husk_pause_pid) || hpause=
pause=$(pause_pid) || pause=

# ---------------------------------------------------------------- rounds
# rounds MODE N FIRST SECOND: N rounds of every case, the two tools taking
# turns at going first (FIRST in odd rounds).
rounds() {
	local mode=$1 n=$2 r c tool order
	for ((r = 1; r <= n; r++)); do
		for c in "${CASES[@]}"; do
			if ((r % 2)); then order=("$3" "$4"); else order=("$4" "$3"); fi
			for tool in "${order[@]}"; do
				measure "$mode" "$tool" "$c"
			done
		done
	done
}
bench_log "timed rounds: N=$BENCH_N"
rounds time "$BENCH_N" husk podman
if ((BENCH_MEM_N > 0)); then
	bench_log "memory rounds: N=$BENCH_MEM_N"
	rounds mem "$BENCH_MEM_N" podman husk
fi

# ---------------------------------------------------------------- report
bench_say ""
bench_say "Per tool (medians; cpu = user+system of the command and what it waited for):"
{
	printf '%-7s %-7s %20s %7s %14s\n' case tool "wall s (min-max)" "cpu s" "tree PSS MiB"
	for c in "${CASES[@]}"; do
		for tool in "${TOOLS[@]}"; do
			t=$DATA/$tool-$c.time m=$DATA/$tool-$c.mem pss=nan
			[[ -s $m ]] && pss=$(bench_mib "$(bench_median "$m" 1)")
			printf '%-7s %-7s %20s %7s %14s\n' "$c" "$tool" \
				"$(bench_median "$t" 1) ($(bench_minmax "$t" 1))" "$(bench_median "$t" 3)" "$pss"
		done
	done
} >"$DATA/table"
bench_say_file "$DATA/table"
bench_say ""
bench_say "Ratios husk/podman of the medians (goal: wall ratio <= the value given; tree PSS goal <= 1.0):"
{
	printf '%-7s %6s   %-12s %-12s %-6s\n' case goal wall "tree PSS" "(cpu)"
	for c in "${CASES[@]}"; do
		g=$(goal_for "$c")
		rw=$(bench_ratio "$(bench_median "$DATA/husk-$c.time" 1)" "$(bench_median "$DATA/podman-$c.time" 1)")
		rc=$(bench_ratio "$(bench_median "$DATA/husk-$c.time" 3)" "$(bench_median "$DATA/podman-$c.time" 3)")
		rp=nan
		if [[ -s $DATA/husk-$c.mem && -s $DATA/podman-$c.mem ]]; then
			rp=$(bench_ratio "$(bench_median "$DATA/husk-$c.mem" 1)" "$(bench_median "$DATA/podman-$c.mem" 1)")
		fi
		if [[ $g == - ]]; then
			printf '%-7s %6s   %-12s %-12s %-6s\n' "$c" - "$rw" "$rp $(bench_goal "$rp" 1.0)" "$rc"
		else
			printf '%-7s %6s   %-12s %-12s %-6s\n' "$c" "<=$g" "$rw $(bench_goal "$rw" "$g")" "$rp $(bench_goal "$rp" 1.0)" "$rc"
		fi
	done
} >"$DATA/ratios"
bench_say_file "$DATA/ratios"
bench_say ""
bench_say "Raw timed rounds (wall s / %M kB / cpu s), in order:"
for c in "${CASES[@]}"; do
	for tool in "${TOOLS[@]}"; do
		bench_say "  $c $tool: $(awk '{printf "%s/%s/%s  ", $1, $2, $3}' "$DATA/$tool-$c.time")"
	done
done
if ((BENCH_MEM_N > 0)); then
	bench_say "Raw memory rounds (tree PSS peak kB / tree RSS peak kB / largest process kB / processes seen):"
	for c in "${CASES[@]}"; do
		for tool in "${TOOLS[@]}"; do
			bench_say "  $c $tool: $(awk '{printf "%s/%s/%s/%s  ", $1, $2, $3, $5}' "$DATA/$tool-$c.mem")"
		done
	done
fi
[[ -z $pause || $(pause_pid) == "$pause" ]] || bench_say "WARNING: podman's pause process $pause did not last the whole run"
[[ -z $hpause || $(husk_pause_pid) == "$hpause" ]] || bench_say "WARNING: husk's pause process $hpause did not last the whole run"
bench_say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_done
