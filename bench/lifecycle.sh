#!/usr/bin/env bash
# Benchmark: the detached-container lifecycle. husk against podman, both
# rootless as the test user, `--runtime runc` and `--network none` for both,
# each with a fresh store of its own (--root/--runroot on the scratch file
# system of bench/lib.sh, --storage-driver overlay), the image pulled into
# each store first (untimed).
#
# Cases (one run, in this order; every round runs both tools, which one goes
# first alternates per round; untimed warm-up rounds first):
#   exec      `exec lc-sleep true` into one detached container per tool
#             (`run -d --name lc-sleep --network none IMAGE sleep 100000`):
#             wall of each exec, median over BENCH_N rounds (default 20).
#   par32     32 × `run --rm --network none IMAGE true` started at once
#             (background jobs of one shell + wait): wall of the whole
#             batch, median over BENCH_LC_PAR_N rounds (default 3). Every
#             run must exit 0 (failures are counted and reported).
#   ps        `ps -a` with 100 more containers in the store (made untimed
#             after the two cases above, identically for both tools:
#             `create --name lc-c-K --network none IMAGE true` ×100, then
#             `start -a` of the first BENCH_LC_EXITED (default 10) of them,
#             so the list holds created, exited and the one running
#             container: 101 lines): wall, median over BENCH_N rounds.
#   exec@101  `exec lc-sleep true` again, now with 101 containers in the
#             store (informational, no goal).
# Time: bench_time_fine (bench/lib.sh): wall of the command alone, taken in
# the test user's shell; CPU of every process it started (cgroup v2), and
# the next run starts only when every process of the previous one is gone
# (podman's conmon runs `podman container cleanup` after `podman run --rm`
# returned: "linger"). The untimed creation of the 100 containers is timed
# too, as a whole (a sequential `create` loop in one shell), for information.
# Memory: BENCH_MEM_N separate rounds per tool and case under bench/treerss
# (peak sum of PSS over the command's process tree, BENCH_MEM_INTERVAL
# sampling); the pause processes and the per-container processes that stay
# (husk's monitor, podman's conmon) are outside those trees: their idle PSS
# is printed once.
#
# Pause processes: every command gets XDG_RUNTIME_DIR=$BENCH_WORK/xdg
# (BENCH_USER_ENV), so husk's pause process is this benchmark's own; podman's
# pid file is in its --tmpdir. The pull starts both. Both are stopped by pid
# at the end, after `rm -a -f` and the removal of both stores.
#
# Settings: BENCH_N (default 20 here), BENCH_MEM_N, BENCH_LC_PAR_N (rounds of
# the 32-run batch, default 3), BENCH_LC_PAR (runs per batch, default 32),
# BENCH_LC_CTRS (containers for ps, default 100), BENCH_LC_EXITED (how many
# of them are started once so they are "exited", default 10), BENCH_LC_WARM
# (warm-up rounds, default 2), BENCH_LC_IMAGE (default
# husk-test/busybox:latest under the test registry), BENCH_LC_GOALS (default
# "exec=0.5 ps=0.5 par32=0.5": highest acceptable husk/podman wall ratios),
# BENCH_MEM_INTERVAL (default 5ms).
set -euo pipefail
: "${BENCH_N:=20}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGE_NAME=${BENCH_LC_IMAGE:-husk-test/busybox:latest}
GOALS=${BENCH_LC_GOALS:-exec=0.5 ps=0.5 par32=0.5}
PAR_N=${BENCH_LC_PAR_N:-3}
PAR=${BENCH_LC_PAR:-32}
NCTR=${BENCH_LC_CTRS:-100}
NEXITED=${BENCH_LC_EXITED:-10}
WARM=${BENCH_LC_WARM:-2}
MEM_IV=${BENCH_MEM_INTERVAL:-5ms}
TOOLS=(husk podman)

bench_init lifecycle
for v in PAR_N PAR NCTR NEXITED WARM; do
	[[ ${!v} =~ ^[0-9]+$ ]] || bench_die "$v (BENCH_LC_*) must be a number, not '${!v}'"
done
((PAR_N > 0 && PAR > 0)) || bench_die "BENCH_LC_PAR_N and BENCH_LC_PAR must be positive"
((NEXITED <= NCTR)) || bench_die "BENCH_LC_EXITED must not exceed BENCH_LC_CTRS"
for t in podman runc; do
	command -v "$t" >/dev/null || bench_die "$t not found: the benchmark needs it (apt-get install $t)"
done

bench_side_by_side

# tool_argv TOOL: sets T to the tool's command with its global options.
tool_argv() {
	case $1 in
	husk) T=("${HUSK[@]}") ;;
	podman) T=("${PODMAN[@]}") ;;
	*) bench_die "unknown tool $1" ;;
	esac
}

# The batch of parallel runs: N copies of CMD as background jobs of one
# shell, then wait for each; prints "failed=K" (never fails itself, so a
# failing run is counted, not fatal; its stderr is kept).
# shellcheck disable=SC2016
PAR_SH='n=$1; shift; pids=()
for ((i = 0; i < n; i++)); do "$@" >/dev/null & pids+=($!); done
f=0; for p in "${pids[@]}"; do wait "$p" || f=$((f + 1)); done
echo "failed=$f"'

# case_argv CASE TOOL: sets ARGV to one run of CASE with TOOL.
case_argv() {
	tool_argv "$2"
	case $1 in
	exec | exec101) ARGV=("${T[@]}" exec lc-sleep true) ;;
	ps) ARGV=("${T[@]}" ps -a) ;;
	par) ARGV=(bash -c "$PAR_SH" bash "$PAR" "${T[@]}" run --rm --network none "$IMAGE" true) ;;
	*) bench_die "unknown case $1" ;;
	esac
}



# pss_mib PID: a process's PSS in MiB.
pss_mib() { awk '/^Pss:/ {printf "%.1f", $2 / 1024}' "/proc/$1/smaps_rollup" 2>/dev/null || echo "?"; }

# Processes of the detached containers (monitor/conmon and the container's
# init), recorded when they start: the last resort of the cleanup.
CTR_PIDS=()
# kill_if_ours PID START_TICKS: SIGKILL a process of the test user that
# still is the one recorded (same start time).
kill_if_ours() {
	[[ $1 =~ ^[0-9]+$ ]] || return 0
	[[ $(stat -c %U "/proc/$1" 2>/dev/null) == "$TEST_USER" ]] || return 0
	[[ $(awk '{print $22}' "/proc/$1/stat" 2>/dev/null) == "$2" ]] || return 0
	kill -KILL "$1" 2>/dev/null || true
}
record_pids() {
	local p
	for p in "$@"; do
		[[ $p =~ ^[1-9][0-9]*$ ]] || continue
		CTR_PIDS+=("$p:$(awk '{print $22}' "/proc/$p/stat" 2>/dev/null)")
	done
}

finish() {
	local pid hpid e
	pid=$(pause_pid) || pid=
	hpid=$(husk_pause_pid) || hpid=
	if [[ -d $HS ]]; then
		U "${HUSK[@]}" rm -a -f >/dev/null 2>"$W/fin.err" || bench_log "warning: husk rm -a -f failed: $(head -c 600 "$W/fin.err")"
		U "${HUSK[@]}" system reset -f >/dev/null 2>"$W/fin.err" || bench_log "warning: husk system reset failed: $(head -c 600 "$W/fin.err")"
		as_user rm -rf "$HS"
	fi
	if [[ -d $PS ]]; then
		U "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>"$W/fin.err" || bench_log "warning: podman rm -a -f failed: $(head -c 600 "$W/fin.err")"
		# In podman's namespace its store's overlay directory stays mounted
		# (a private bind mount podman makes), even after rm -a -f.
		# shellcheck disable=SC2016
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			unshare sh -c 'if mountpoint -q "$1/root/overlay"; then umount -R "$1/root/overlay"; fi; rm -rf "$1"' sh "$PS" \
			2>"$W/fin.err" || bench_log "warning: removing the podman store failed: $(head -c 600 "$W/fin.err")"
	fi
	if [[ -d $PCLEAN ]]; then
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			system reset -f >/dev/null 2>&1 || true
	fi
	# Anything of the detached containers that survived rm -f (by pid).
	for e in "${CTR_PIDS[@]}"; do
		# (zombies are gone already: PID 1 reaps late here)
		if [[ $(awk '{print $22}' "/proc/${e%%:*}/stat" 2>/dev/null) == "${e#*:}" ]] &&
			[[ ! $(awk '{print $3}' "/proc/${e%%:*}/stat" 2>/dev/null) =~ ^[ZX]$ ]]; then
			bench_log "warning: pid ${e%%:*} of a detached container survived rm -a -f ($(tr '\0' ' ' <"/proc/${e%%:*}/cmdline" 2>/dev/null | head -c 200)); killing it"
			kill_if_ours "${e%%:*}" "${e#*:}"
		fi
	done
	# The pause processes this benchmark started (by their pids, checked
	# above; catatonit -P ignores SIGTERM, husk's stops only on SIGKILL).
	[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	if [[ -n $hpid ]] && [[ $(husk_pause_pid) == "$hpid" ]]; then
		kill -KILL "$hpid" 2>/dev/null
	fi
	return 0
}
bench_on_exit finish

# ------------------------------------------------------------------ setup
bench_header "lifecycle: husk vs podman, exec / ps -a / $PAR parallel run --rm, rootless, --runtime runc, --network none"
others=$({ ps -u "$TEST_USER" -o pid= 2>/dev/null || true; } | wc -l)
bench_say "runtime: $(runc --version | head -n1); $(conmon --version 2>/dev/null | head -n1 || echo 'conmon ?') (podman only)"
bench_say "image:   $IMAGE"
bench_say "other:   $others processes of $TEST_USER were running at the start (other test runs share this user and machine)"

bench_log "pulling $IMAGE into both stores (untimed)"
U "${HUSK[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/husk.pull" 2>&1 ||
	{ cat "$DATA/husk.pull" >&2; bench_die "husk pull failed"; }
U "${PODMAN[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/podman.pull" 2>"$DATA/podman.pull.err" ||
	{ cat "$DATA/podman.pull.err" >&2; bench_die "podman pull failed"; }
[[ $(tail -n1 "$DATA/husk.pull") == "$(tail -n1 "$DATA/podman.pull")" ]] ||
	bench_say "WARNING: image IDs differ: husk $(tail -n1 "$DATA/husk.pull"), podman $(tail -n1 "$DATA/podman.pull")"
PPAUSE=$(pause_pid) || bench_die "podman did not leave a pause process in $PTMP (unexpected for podman 4.x)"
HPAUSE=$(husk_pause_pid) || bench_die "husk did not leave a pause process in $XDG/husk"
pinfo=$(U "${PODMAN[@]}" info --format 'events={{.Host.EventLogger}} cgroup-manager={{.Host.CgroupManager}} cgroups={{.Host.CgroupsVersion}} driver={{.Store.GraphDriverName}}' 2>/dev/null) ||
	pinfo="(podman info failed)"
bench_say "podman:  $pinfo; pause process pid $PPAUSE (catatonit)"
bench_say "husk:    pause process pid $HPAUSE"

# The detached containers.
bench_log "starting one detached container per tool (sleep 100000)"
for t in "${TOOLS[@]}"; do
	tool_argv "$t"
	U "${T[@]}" run -d --name lc-sleep --network none "$IMAGE" sleep 100000 </dev/null >"$DATA/$t.runalive" 2>&1 ||
		{ cat "$DATA/$t.runalive" >&2; bench_die "$t run -d failed"; }
done
read -r HMON HCTR < <(U "${HUSK[@]}" container inspect --format '{{.State.ConmonPid}} {{.State.Pid}}' lc-sleep)
read -r PMON PCTR < <(U "${PODMAN[@]}" inspect --format '{{.State.ConmonPid}} {{.State.Pid}}' lc-sleep)
record_pids "$HMON" "$HCTR" "$PMON" "$PCTR"
bench_say "detached: husk monitor pid $HMON (PSS $(pss_mib "$HMON") MiB), container pid $HCTR;" \
	"podman conmon pid $PMON (PSS $(pss_mib "$PMON") MiB), container pid $PCTR"
for t in "${TOOLS[@]}"; do
	tool_argv "$t"
	out=$(U "${T[@]}" exec lc-sleep echo ok </dev/null 2>&1) || true
	[[ $out == ok ]] || bench_die "$t exec into lc-sleep does not work: $out"
done

# measure_case CASE ROUNDS: warm-up and timed rounds of both tools, the
# first tool alternating per round.
measure_case() {
	local c=$1 n=$2 r t order
	bench_log "$c: $WARM warm-up + $n timed round(s) per tool"
	for ((r = 1; r <= WARM; r++)); do
		for t in "${TOOLS[@]}"; do
			case_argv "$c" "$t"
			bench_time_fine "$DATA/warm.$c.$t" "${ARGV[@]}" || bench_die "$t $c failed in the warm-up"
			if [[ $c == par ]]; then check_par "$t" "$DATA/warm.$c.$t"; fi
		done
	done
	for ((r = 1; r <= n; r++)); do
		if ((r % 2)); then order=(husk podman); else order=(podman husk); fi
		cut -d' ' -f1 /proc/loadavg >>"$DATA/$c.load"
		for t in "${order[@]}"; do
			case_argv "$c" "$t"
			bench_sync
			bench_time_fine "$DATA/$c.$t.time" "${ARGV[@]}" || bench_die "$t $c failed in round $r"
			if [[ $c == par ]]; then check_par "$t" "$DATA/$c.$t.time"; fi
			if [[ $c == ps ]]; then check_ps "$t" "$DATA/$c.$t.time.stdout"; fi
		done
	done
	return 0
}

# check_par TOOL FILE: failures of a batch (bench_time_fine's FILE.stdout).
check_par() {
	local f
	f=$(sed -n 's/^failed=//p' "$2.stdout")
	[[ -n $f ]] || bench_die "$1: the parallel batch printed no result"
	echo "$f" >>"$DATA/par.$1.failed"
	if ((f > 0)); then
		bench_log "warning: $f of $PAR parallel $1 runs failed"
		cat "$2.stderr" >>"$DATA/par.$1.errors"
	fi
	return 0
}

# check_ps TOOL FILE: the listing must show every container (+ a header).
check_ps() {
	local lines
	lines=$(wc -l <"$2")
	[[ $lines == $((NCTR + 2)) ]] || bench_die "$1 ps -a printed $lines lines, expected $((NCTR + 2))"
}

# measure_mem CASE: BENCH_MEM_N memory rounds of both tools.
measure_mem() {
	local c=$1 r t order
	((BENCH_MEM_N > 0)) || return 0
	bench_log "$c: memory rounds (treerss, every $MEM_IV): N=$BENCH_MEM_N"
	for ((r = 1; r <= BENCH_MEM_N; r++)); do
		if ((r % 2)); then order=(podman husk); else order=(husk podman); fi
		for t in "${order[@]}"; do
			case_argv "$c" "$t"
			bench_sync
			bench_mem_fine "$DATA/$c.$t.mem" "$MEM_IV" "${ARGV[@]}" || bench_die "$t $c failed in memory round $r"
		done
	done
}

WRAP_CPU=$(bench_wrapper_cpu 5)

# ------------------------------------------------------------------ 1. exec
measure_case exec "$BENCH_N"
measure_mem exec

# Diagnostic (husk only): the same exec while a second detached container
# with a monitor that waits in Go (HUSK_MONITOR_GO=1, the monitor of 12-05
# and before) runs. That monitor maps the husk binary too, so the exec's
# tree shares those pages with it and its PSS is lower, while the memory
# of both together is far higher: the exec PSS of earlier results is not
# comparable with the C waiter's.
if ((BENCH_MEM_N > 0)); then
	U env HUSK_MONITOR_GO=1 "${HUSK[@]}" run -d --name lc-gomon --network none "$IMAGE" sleep 100000 </dev/null >"$DATA/husk.gomon" 2>&1 ||
		{ cat "$DATA/husk.gomon" >&2; bench_die "husk run -d with a Go monitor failed"; }
	read -r GMON GCTR < <(U "${HUSK[@]}" container inspect --format '{{.State.ConmonPid}} {{.State.Pid}}' lc-gomon)
	record_pids "$GMON" "$GCTR"
	GMON_PSS=$(pss_mib "$GMON")
	for ((r = 1; r <= BENCH_MEM_N; r++)); do
		case_argv exec husk
		bench_sync
		bench_mem_fine "$DATA/execgo.husk.mem" "$MEM_IV" "${ARGV[@]}" || bench_die "husk exec failed in the Go-monitor memory round $r"
	done
	GMON_PSS_DURING=$(pss_mib "$GMON")
	U "${HUSK[@]}" rm -f -t 0 lc-gomon >/dev/null 2>&1 || bench_die "husk rm lc-gomon failed"
fi

# ------------------------------------------------ 2. parallel run --rm batch
measure_case par "$PAR_N"
measure_mem par
for t in "${TOOLS[@]}"; do
	tool_argv "$t"
	left=$(U "${T[@]}" ps -a -q | wc -l)
	[[ $left == 1 ]] || bench_say "WARNING: $t has $left containers after the parallel run --rm batches (expected 1: lc-sleep)"
done

# ---------------------------------------------------- 3. ps -a, 100 containers
# Created in one shell per tool (no runuser per container); the loop's wall
# time is kept for information.
# shellcheck disable=SC2016
MAKE_SH='n=$1 ne=$2 img=$3; shift 3
s=$EPOCHREALTIME
for ((i = 1; i <= n; i++)); do "$@" create --name "lc-c-$i" --network none "$img" true >/dev/null || exit 1; done
m=$EPOCHREALTIME
for ((i = 1; i <= ne; i++)); do "$@" start -a "lc-c-$i" </dev/null >/dev/null || exit 1; done
e=$EPOCHREALTIME
echo "${s/,/.} ${m/,/.} ${e/,/.}"'
for t in "${TOOLS[@]}"; do
	tool_argv "$t"
	bench_log "$t: creating $NCTR containers, starting $NEXITED of them (untimed)"
	U bash -c "$MAKE_SH" bash "$NCTR" "$NEXITED" "$IMAGE" "${T[@]}" </dev/null >"$DATA/make.$t" 2>"$DATA/make.$t.err" ||
		{ cat "$DATA/make.$t.err" >&2; bench_die "$t: creating the containers failed"; }
	n=$(U "${T[@]}" ps -a -q | wc -l)
	[[ $n == $((NCTR + 1)) ]] || bench_die "$t ps -a -q lists $n containers, expected $((NCTR + 1))"
	U "${T[@]}" ps -a --format '{{.Status}}' | awk '{print $1}' | sort | uniq -c | awk '{printf "%s %s, ", $1, $2}' >"$DATA/states.$t"
done
measure_case ps "$BENCH_N"
measure_mem ps
measure_case exec101 "$BENCH_N"

# ------------------------------------------------------------------ report
med() { bench_median "$DATA/$1.time" "$2"; }
ms_med() { bench_ms "$(med "$1" "$2")"; }
ms_minmax() { awk -v c="$2" 'NR == 1 || $c < lo {lo = $c} NR == 1 || $c > hi {hi = $c} END {printf "%.0f-%.0f", lo * 1000, hi * 1000}' "$DATA/$1.time"; }
net_cpu() { awk -v c="$1" -v w="$WRAP_CPU" 'BEGIN { if (c == "nan" || w == "nan") print "nan"; else printf "%.1f", (c - w) * 1000 }'; }
label() {
	case $1 in
	exec) echo "exec CTR true" ;;
	par) echo "$PAR x run --rm, parallel" ;;
	ps) echo "ps -a, $((NCTR + 1)) containers" ;;
	exec101) echo "exec, $((NCTR + 1)) in store" ;;
	esac
}
goal_key() { case $1 in par) echo par32 ;; *) echo "$1" ;; esac; }
rounds() { case $1 in par) echo "$PAR_N" ;; *) echo "$BENCH_N" ;; esac; }

bench_say ""
bench_say "Medians (wall = the command alone, taken in the test user's shell; tree cpu = CPU of every process it"
bench_say "started, lingering ones included, minus the runuser wrapper's $(bench_ms "$WRAP_CPU") ms; linger = how long"
bench_say "processes it started kept running after it returned; tree PSS = peak sum over its process tree, separate"
bench_say "rounds, N=$BENCH_MEM_N, MiB):"
{
	printf '%-28s %-6s %5s %18s %9s %8s %9s %8s %11s\n' case tool rounds "wall ms (min-max)" "tree cpu" linger "tree PSS" ratio "goal"
	for c in exec par ps exec101; do
		for t in "${TOOLS[@]}"; do
			pss=-
			[[ -s $DATA/$c.$t.mem ]] && pss=$(bench_mib "$(bench_median "$DATA/$c.$t.mem" 1)")
			ratio= goal=
			if [[ $t == husk ]]; then
				ratio=$(bench_ratio "$(med "$c.husk" 1)" "$(med "$c.podman" 1)")
				g=$(goal_for "$(goal_key "$c")")
				if [[ $g == - ]]; then goal="(info)"; else goal="<=$g $(bench_goal "$ratio" "$g")"; fi
			fi
			printf '%-28s %-6s %5s %18s %9s %8s %9s %8s %11s\n' "$(label "$c")" "$t" "$(rounds "$c")" \
				"$(ms_med "$c.$t" 1) ($(ms_minmax "$c.$t" 1))" "$(net_cpu "$(med "$c.$t" 4)")" \
				"$(ms_med "$c.$t" 5)" "$pss" "$ratio" "$goal"
		done
	done
} >"$DATA/table"
bench_say_file "$DATA/table"
bench_say "(ratio = husk/podman of the median walls; goal = the highest acceptable ratio)"

bench_say ""
bench_say "Memory: ratios husk/podman of the median tree PSS:$(for c in exec par ps; do
	[[ -s $DATA/$c.husk.mem && -s $DATA/$c.podman.mem ]] || continue
	printf ' %s %s;' "$c" "$(bench_ratio "$(bench_median "$DATA/$c.husk.mem" 1)" "$(bench_median "$DATA/$c.podman.mem" 1)")"
done)"
bench_say "  outside the trees (idle, at the end): pause process husk $(pss_mib "$HPAUSE") MiB, podman $(pss_mib "$PPAUSE") MiB;"
bench_say "  per detached container: husk monitor $(pss_mib "$HMON") MiB, podman conmon $(pss_mib "$PMON") MiB"
if [[ -s $DATA/execgo.husk.mem ]]; then
	bench_say "  husk exec tree PSS with a second container's Go monitor alive (HUSK_MONITOR_GO=1, as up to 12-05):" \
		"$(bench_mib "$(bench_median "$DATA/execgo.husk.mem" 1)") MiB (that monitor: $GMON_PSS MiB idle, $GMON_PSS_DURING MiB at the end);" \
		"with only C waiters: $(bench_mib "$(bench_median "$DATA/exec.husk.mem" 1)") MiB"
fi
for t in "${TOOLS[@]}"; do
	f=$(awk '{s += $1} END {print s + 0}' "$DATA/par.$t.failed")
	bench_say "parallel batches: $t: $f of $((PAR * (PAR_N + WARM))) runs failed (timed + warm-up batches)"
	if [[ -s $DATA/par.$t.errors ]]; then
		bench_say "  first errors:"
		head -n 5 "$DATA/par.$t.errors" | sed 's/^/    /' >"$DATA/par.$t.errors.head"
		bench_say_file "$DATA/par.$t.errors.head"
	fi
done
for t in "${TOOLS[@]}"; do
	read -r s m e <"$DATA/make.$t"
	bench_say "setup, $t: $NCTR sequential \`create\` $(awk -v a="$s" -v b="$m" 'BEGIN {printf "%.1f", b - a}') s" \
		"($(awk -v a="$s" -v b="$m" -v n="$NCTR" 'BEGIN {printf "%.0f", (b - a) * 1000 / n}') ms each)," \
		"$NEXITED \`start -a\` $(awk -v a="$m" -v b="$e" 'BEGIN {printf "%.1f", b - a}') s; ps -a states: $(cat "$DATA/states.$t")"
done
PARS=$(for t in husk podman; do awk -v t="$t" -v n="$PAR" '{ printf "%s %.0f ms per run; ", t, $1 * 1000 / n }' <<<"$(med "par.$t" 1)"; done)
bench_say "parallel batch, median wall / $PAR: ${PARS%; }"

bench_say ""
bench_say "Raw timed rounds (wall ms / tree cpu ms incl. wrapper / linger ms), in order:"
for c in exec par ps exec101; do
	for t in "${TOOLS[@]}"; do
		bench_say "  $(printf '%-8s %-7s' "$c" "$t") $(awk '{printf "%.0f/%.0f/%.0f ", $1 * 1000, $4 * 1000, $5 * 1000}' "$DATA/$c.$t.time")"
	done
	bench_say "  $(printf '%-16s' "$c load") $(tr '\n' ' ' <"$DATA/$c.load")"
done
if ((BENCH_MEM_N > 0)); then
	bench_say "Raw memory rounds (tree PSS peak kB / tree RSS peak kB / largest process kB / processes seen):"
	for c in exec execgo par ps; do
		for t in "${TOOLS[@]}"; do
			[[ -s $DATA/$c.$t.mem ]] || continue
			bench_say "  $(printf '%-8s %-7s' "$c" "$t") $(awk '{printf "%s/%s/%s/%s  ", $1, $2, $3, $5}' "$DATA/$c.$t.mem")"
		done
	done
fi
# Both pause processes must have lasted the whole run.
[[ $(pause_pid) == "$PPAUSE" ]] || bench_say "WARNING: podman's pause process $PPAUSE did not last the whole run"
[[ $(husk_pause_pid) == "$HPAUSE" ]] || bench_say "WARNING: husk's pause process $HPAUSE did not last the whole run"
bench_say ""
bench_say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_done
