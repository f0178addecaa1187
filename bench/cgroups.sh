#!/usr/bin/env bash
# Benchmark: what placing a container in a cgroup of its own costs. husk
# against podman 4.3.1, both rootless as the test user, `--runtime runc`,
# `--network none`, own stores on the scratch file system of bench/lib.sh,
# the image pulled into each store first (untimed).
#
# Cases (every round runs each once, in an order that rotates per round;
# untimed warm-up rounds first):
#   husk-cg       husk run --rm --network none IMAGE true
#                 (default --cgroups=enabled: husk makes
#                 DELEGATED/husk-ID and starts runc inside it)
#   husk-nocg     the same with --cgroups=disabled (the container stays in
#                 the session's cgroup)
#   podman-cg     podman run --rm --network none IMAGE true (its default)
#   podman-nocg   podman --cgroups=disabled: only when this podman accepts it
#                 with runc (podman 4.3.1 refuses: "requested OCI runtime
#                 runc is not compatible with NoCgroups"; crun, which it
#                 would take, refuses hybrid cgroup hosts): then reported,
#                 not measured
# Goal: median(husk-cg) - median(husk-nocg) <= BENCH_CG_GOAL ms (default 20).
#
# The test user's session must be inside its delegated cgroup v2 subtree
# (test/setup/setup.sh makes /sys/fs/cgroup[/unified]/husk-delegate-USER, as
# systemd's Delegate=yes does), or husk has nowhere to put a container: each
# timed run gets a cgroup of its own INSIDE that subtree, owned by the test
# user (see deleg_time), and `husk info --format json` run the same way must
# show .cgroups.delegated; otherwise the report says "no delegation" (the
# cases still run, but husk-cg then makes no cgroup). Where each case's
# container process ends up (/proc/self/cgroup) is printed.
#
# Time: like bench_time_fine (bench/lib.sh): wall of the command alone in the
# test user's shell, rusage CPU (/usr/bin/time: the command and the
# children it waited for, wherever their cgroup), tree CPU (cpu.stat of the
# run's cgroup: the runuser wrapper and everything the command started,
# except, for husk-cg, what husk spawns into the container's cgroup, runc
# create and the container's init, so compare rusage CPU there), linger.
#
# Settings: BENCH_N (timed rounds, default 15 here), BENCH_CG_WARM (warm-up
# rounds, default 2), BENCH_CG_IMAGE (default husk-test/busybox:latest under
# the test registry), BENCH_CG_GOAL (ms, default 20).
set -euo pipefail
: "${BENCH_N:=15}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH_MEM_N=0 # no memory rounds here

IMAGE_NAME=${BENCH_CG_IMAGE:-husk-test/busybox:latest}
WARM=${BENCH_CG_WARM:-2}
GOAL=${BENCH_CG_GOAL:-20}
CASES=(husk-cg husk-nocg podman-cg)

bench_init cgroups
[[ $WARM =~ ^[0-9]+$ ]] || bench_die "BENCH_CG_WARM must be a number, not '$WARM'"
for t in podman runc jq; do
	command -v "$t" >/dev/null || bench_die "$t not found: the benchmark needs it (apt-get install $t)"
done

bench_side_by_side

# ------------------------------------------------- timing in the delegated tree
DELEG=$(test_cgroup)
DELEG_NOTE=
if [[ -z $DELEG ]]; then
	DELEG_NOTE="no cgroup v2 subtree delegated to $TEST_USER (test/setup/setup.sh makes one): runs use bench_time_fine's cgroups"
fi


bench_on_exit bench_finish_stores

# leftover_cgroups: husk-ID cgroups in the delegated subtree that this run's
# containers left (IDs from the store are unknowable after --rm, so: new
# husk-* entries since the start).
list_husk_cgroups() { [[ -n $DELEG ]] && find "$DELEG" -maxdepth 1 -name 'husk-*' -printf '%f\n' | sort; return 0; }

# ------------------------------------------------------------------ setup
bench_header "cgroups: \`run --rm --network none IMAGE true\` with and without a cgroup of its own, husk vs podman"
bench_say "runtime: $(runc --version | head -n1), --runtime runc for both"
bench_say "other:   $({ ps -u "$TEST_USER" -o pid= 2>/dev/null || true; } | wc -l) processes of $TEST_USER were running at the start (other test runs share this user and machine)"

bench_log "pulling $IMAGE into both stores (untimed)"
U "${HUSK[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/husk.pull" 2>&1 ||
	{ cat "$DATA/husk.pull" >&2; bench_die "husk pull failed"; }
U "${PODMAN[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/podman.pull" 2>"$DATA/podman.pull.err" ||
	{ cat "$DATA/podman.pull.err" >&2; bench_die "podman pull failed"; }
pause_pid >/dev/null || bench_die "podman did not leave a pause process in $PTMP"
before_cgroups=$(list_husk_cgroups)

# Delegation as husk sees it from a session like the timed runs'.
DELEGATED=
if [[ -n $DELEG ]]; then
	bench_say "cgroup:  each timed run's session is in its own cgroup inside $DELEG (the test user's delegated subtree)"
	deleg_time "$DATA/info" "${HUSK[@]}" info --format json || bench_die "husk info failed"
	jq -c '.cgroups | {mode, mount, own, delegated, manager, controllers}' "$DATA/info.stdout" >"$DATA/info.cg" ||
		bench_die "husk info --format json printed no .cgroups"
	DELEGATED=$(jq -r '.cgroups.delegated // empty' "$DATA/info.stdout")
	bench_say "husk:    info (from such a session): $(cat "$DATA/info.cg")"
else
	bench_say "cgroup:  $DELEG_NOTE"
fi
if [[ -z $DELEGATED ]]; then
	bench_say "NOTE:    no delegation: husk sees no delegated cgroup, so husk-cg makes no cgroup and measures nothing extra"
fi
pinfo=$(U "${PODMAN[@]}" info --format 'cgroup-manager={{.Host.CgroupManager}} cgroups={{.Host.CgroupsVersion}} controllers={{.Host.CgroupControllers}}' 2>/dev/null) ||
	pinfo="(podman info failed)"
bench_say "podman:  $pinfo"

# Where each case's container process lives (0:: line of /proc/self/cgroup).
where() { grep '^0::' "$1.stdout" | head -n1 | cut -d: -f3-; }
deleg_time "$DATA/where.husk-cg" "${HUSK[@]}" run --rm --network none "$IMAGE" cat /proc/self/cgroup || bench_die "husk run failed"
deleg_time "$DATA/where.husk-nocg" "${HUSK[@]}" run --rm --network none --cgroups=disabled "$IMAGE" cat /proc/self/cgroup || bench_die "husk run --cgroups=disabled failed"
deleg_time "$DATA/where.podman-cg" "${PODMAN[@]}" run --rm --network none "$IMAGE" cat /proc/self/cgroup || bench_die "podman run failed"
bench_say "placement (cgroup v2 path of the container's process; the session's is .../bench-cgroups.PID.N):"
bench_say "  husk default:             $(where "$DATA/where.husk-cg")"
bench_say "  husk --cgroups=disabled:  $(where "$DATA/where.husk-nocg")"
bench_say "  podman default:           $(where "$DATA/where.podman-cg")"
if [[ -n $DELEGATED && $(where "$DATA/where.husk-cg") != */husk-* ]]; then
	bench_say "WARNING: husk's container is not in a husk-ID cgroup although a delegated cgroup was found"
fi
if deleg_time "$DATA/where.podman-nocg" "${PODMAN[@]}" run --rm --network none --cgroups=disabled "$IMAGE" cat /proc/self/cgroup 2>/dev/null; then
	CASES+=(podman-nocg)
	bench_say "  podman --cgroups=disabled: $(where "$DATA/where.podman-nocg")"
else
	bench_say "  podman --cgroups=disabled (runc): refused: $(grep -m1 -i error "$DATA/where.podman-nocg.stderr" | sed 's/^Error: //')"
	if command -v crun >/dev/null; then
		rm -f "$DATA/where.podman-crun"
		if deleg_time "$DATA/where.podman-crun" "${PODMAN[@]}" --runtime crun run --rm --network none --cgroups=disabled "$IMAGE" true 2>/dev/null; then
			bench_say "  podman --runtime crun --cgroups=disabled works here, but is not measured (the other cases use runc)"
		else
			bench_say "  podman --runtime crun --cgroups=disabled: fails: $(grep -m1 -iE 'error|crun' "$DATA/where.podman-crun.stderr" | sed 's/^Error: //' | cut -c1-160)"
		fi
	fi
	bench_say "  so podman is measured with its default only (on this hybrid host rootless podman makes no cgroup: see above)"
fi

# ---------------------------------------------------------------- rounds
c_argv() {
	case $1 in
	husk-cg) ARGV=("${HUSK[@]}" run --rm --network none "$IMAGE" true) ;;
	husk-nocg) ARGV=("${HUSK[@]}" run --rm --network none --cgroups=disabled "$IMAGE" true) ;;
	podman-cg) ARGV=("${PODMAN[@]}" run --rm --network none "$IMAGE" true) ;;
	podman-nocg) ARGV=("${PODMAN[@]}" run --rm --network none --cgroups=disabled "$IMAGE" true) ;;
	*) bench_die "unknown case $1" ;;
	esac
}
bench_log "$WARM warm-up + $BENCH_N timed rounds of ${#CASES[@]} cases"
bench_rounds c_argv deleg_time "$DATA/load" "$WARM" "${CASES[@]}"
after_cgroups=$(list_husk_cgroups)
left=$(comm -13 <(echo "$before_cgroups") <(echo "$after_cgroups") | grep -c . || true)

# ------------------------------------------------------------------ report
label() {
	case $1 in
	husk-cg) echo "husk (own cgroup, default)" ;;
	husk-nocg) echo "husk --cgroups=disabled" ;;
	podman-cg) echo "podman (default)" ;;
	podman-nocg) echo "podman --cgroups=disabled" ;;
	esac
}
diff_ms() { awk -v a="$(med "$1" "$3")" -v b="$(med "$2" "$3")" 'BEGIN { printf "%+.1f", (a - b) * 1000 }'; }

bench_say ""
bench_say "Per case: medians over $BENCH_N rounds (ms; wall = the command alone; tree cpu = CPU of the run's cgroup incl."
bench_say "the runuser wrapper, not subtracted; for husk's default it misses runc create and the container, which run in"
bench_say "the container's cgroup: compare rusage cpu; linger = processes alive after the command returned):"
{
	printf '%-30s %18s %9s %9s %8s\n' case "wall ms (min-max)" "tree cpu" "rus. cpu" "linger"
	for c in "${CASES[@]}"; do
		printf '%-30s %18s %9s %9s %8s\n' "$(label "$c")" "$(ms_med "$c" 1) ($(ms_minmax "$c" 1))" \
			"$(ms_med "$c" 4)" "$(ms_med "$c" 3)" "$(ms_med "$c" 5)"
	done
} >"$DATA/table"
bench_say_file "$DATA/table"
h_add=$(diff_ms husk-cg husk-nocg 1)
verdict=$(awk -v a="$h_add" -v g="$GOAL" 'BEGIN { print (a + 0 <= g ? "ok" : "MISSED") }')
[[ -n $DELEGATED ]] || verdict="? (no delegation)"
bench_say ""
bench_say "Cost of the container's own cgroup (median(default) - median(--cgroups=disabled)):"
bench_say "  husk   wall $h_add ms (paired per round: $(paired husk-cg husk-nocg) ms) $verdict (goal <= $GOAL ms); rusage cpu $(diff_ms husk-cg husk-nocg 3) ms"
if [[ -s $DATA/podman-nocg.time ]]; then
	bench_say "  podman wall $(diff_ms podman-cg podman-nocg 1) ms (paired per round: $(paired podman-cg podman-nocg) ms)"
else
	bench_say "  podman: not measurable here (--cgroups=disabled refused; its default makes no cgroup on this host)"
fi
bench_say "  husk/podman wall: default $(bench_ratio "$(med husk-cg 1)" "$(med podman-cg 1)"), husk --cgroups=disabled vs podman default $(bench_ratio "$(med husk-nocg 1)" "$(med podman-cg 1)")"
bench_say "  husk-ID cgroups left in the delegated subtree after the rounds: $left"

bench_say ""
bench_say "Raw timed rounds (wall ms / tree cpu ms / linger ms), in order:"
for c in "${CASES[@]}"; do
	bench_say "  $(printf '%-12s' "$c") $(awk '{printf "%.0f/%.0f/%.0f ", $1 * 1000, $4 * 1000, $5 * 1000}' "$DATA/$c.time")"
done
bench_say "  1-min load average at each round's start: $(tr '\n' ' ' <"$DATA/load")"
bench_say ""
bench_say "Goal: a container's own cgroup adds <= $GOAL ms to run --rm true: $verdict ($h_add ms)"
bench_say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_done
