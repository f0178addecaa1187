#!/usr/bin/env bash
# Benchmark: `husk pull` against `podman pull` of the same images from the
# local test registry, both rootless as the test user, on this machine.
#
# Every measurement starts from an empty store of its own (--root/--runroot
# under the work directory, on the scratch file system of bench/lib.sh) and
# both tools use native overlay (--storage-driver overlay) and
# --tls-verify=false. The tools alternate (which one goes first flips every
# round), so drifting machine load hits both alike. The scratch file system
# is synced before each measurement, so one pull's writeback does not land
# in the next one's time. Untimed warm-up pulls come first (page cache,
# both tools' pause processes). Both tools must store the same image ID.
#
# Timed rounds: /usr/bin/time's wall time (%e) and %M. %M is ru_maxrss from
# wait4: the LARGEST single process of the tree (the kernel takes the
# maximum over the waited-for descendants, it does not add them up). Both
# tools can run as more than one process at once (the process that joins
# the pause process's namespace, helpers such as storage-untar per layer,
# or a re-executed child when no pause process can be used), so the
# memory rounds run each pull under bench/treerss, which samples the whole
# tree every 10 ms and reports the peak SUM of PSS (shared pages split
# between the processes that map them). They are separate rounds so that
# sampling does not disturb the timed ones.
#
# Pause processes: both tools keep a per-user pause process that holds the
# user+mount namespace and that later commands join instead of creating a
# namespace (podman: catatonit, pid file in --tmpdir; husk: `husk __pause`,
# pid file $XDG_RUNTIME_DIR/husk/pause.pid). Every command here gets a
# private XDG_RUNTIME_DIR ($BENCH_WORK/xdg, 0700, the test user's, made
# after the scratch file system was mounted; BENCH_USER_ENV): with the test
# user's usual /run/user/UID, husk would join whatever pause process another
# test run left there, whose mount namespace may lack the scratch file
# system ("mkdir .../fs/...: permission denied"). The first warm-up pull of
# each tool starts its pause process, so no measured pull pays for creating
# one: both tools are measured in their usual steady state (the pause
# processes themselves stay outside the measured trees; their PSS is
# printed). Both pause processes must live for the whole run, so the
# stores are removed without touching them, and both are stopped (by pid)
# at the end. Podman stores are removed with `podman unshare rm -rf` (run
# against a separate, empty store: a podman process keeps its own store's
# overlay directory mounted, and `podman system reset` would delete the
# --tmpdir with the pause pid file and leave the pause process orphaned);
# husk stores with `husk rmi -a -f` and then `rm -rf` (`husk system reset`
# would stop husk's pause process, and the next pull would pay for a new
# one). All as the test user.
#
# Settings: BENCH_N, BENCH_MEM_N (see bench/lib.sh),
# BENCH_PULL_IMAGES (default "multilayer manyfiles"; names under
# REGISTRY/husk-test), BENCH_PULL_GOALS (default "multilayer=0.6
# manyfiles=1.0": the highest acceptable husk/podman ratio per image).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a IMAGES <<<"${BENCH_PULL_IMAGES:-multilayer manyfiles}"
GOALS=${BENCH_PULL_GOALS:-multilayer=0.6 manyfiles=1.0}
TOOLS=(husk podman)

bench_init pull
command -v podman >/dev/null || bench_die "podman not found (apt-get install podman): the benchmark compares against it"

W=$BENCH_WORK
PTMP=$W/podman-tmp    # podman --tmpdir: pause.pid, events log, locks
PCLEAN=$W/podman-idle # the store podman unshare runs against when cleaning up
DATA=$W/data          # measurement files
XDG=$W/xdg            # the test user's XDG_RUNTIME_DIR for every command here

as_user mkdir -p "$PTMP" "$DATA"
# Private runtime directory (see the header): made here, after bench_init
# mounted the scratch file system, so the pause processes the warm-up
# starts have it in their mount namespace.
as_user mkdir -m 700 "$XDG"
BENCH_USER_ENV=("XDG_RUNTIME_DIR=$XDG")

# pull_argv TOOL STOREDIR REF: sets ARGV to the pull command.
pull_argv() {
	local tool=$1 dir=$2 ref=$3
	case $tool in
	husk) ARGV=("$HUSK_BIN" --root "$dir/root" --runroot "$dir/run" --storage-driver overlay
		pull --tls-verify=false -q "$ref") ;;
	podman) ARGV=(podman --root "$dir/root" --runroot "$dir/run" --tmpdir "$PTMP" --storage-driver overlay
		pull --tls-verify=false -q "$ref") ;;
	esac
}

# clean TOOL STOREDIR: remove a store as the test user, the tool's own way.
clean() {
	local tool=$1 dir=$2
	case $tool in
	husk)
		# Not `system reset`: it stops the pause process (see the header).
		U "$HUSK_BIN" --root "$dir/root" --runroot "$dir/run" --storage-driver overlay rmi -a -f >/dev/null
		as_user rm -rf "$dir"
		;;
	podman)
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			unshare rm -rf "$dir" 2> >(grep -v 'is not a shared mount' >&2)
		;;
	esac
	if [[ -e $dir ]]; then
		bench_log "warning: $tool left $dir behind after cleaning up; removing it as root"
		rm -rf "$dir"
	fi
}


# husk_pause_pid: husk's pause process of this benchmark's runtime dir.

# pss_mib PID: a process's PSS in MiB.
pss_mib() { awk '/^Pss:/ {printf "%.1f", $2 / 1024}' "/proc/$1/smaps_rollup" 2>/dev/null || echo "?"; }

finish() {
	local pid hpid
	pid=$(pause_pid) || pid=
	hpid=$(husk_pause_pid) || hpid=
	clean_deferred
	if [[ -d $PCLEAN ]]; then
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			system reset -f >/dev/null 2>&1 || true
	fi
	# The pause processes this benchmark started (by their pids, checked
	# above; catatonit -P ignores SIGTERM, husk's stops only on SIGKILL).
	[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	if [[ -n $hpid ]] && [[ $(husk_pause_pid) == "$hpid" ]]; then
		kill -KILL "$hpid" 2>/dev/null
	fi
	return 0
}
bench_on_exit finish

# On the scratch file system each store is removed right after its
# measurement; on the machine's own file system (BENCH_FS=dir) only at the
# end, because there mass deletions can slow down later file creation.
DEFERRED=()
clean_later() {
	if [[ -n $BENCH_FS_MOUNTED ]]; then
		clean "$1" "$2"
	else
		DEFERRED+=("$1:$2")
	fi
}
clean_deferred() {
	local e
	for e in "${DEFERRED[@]}"; do
		[[ -e ${e#*:} ]] && clean "${e%%:*}" "${e#*:}"
	done
	DEFERRED=()
}

# measure MODE TOOL IMAGE ROUND: one pull into a fresh store, then clean up.
measure() {
	local mode=$1 tool=$2 img=$3 round=$4 dir id
	# Short: podman refuses a --runroot longer than 50 characters.
	dir=$W/${tool:0:1}-${img:0:4}-${mode:0:1}$round
	pull_argv "$tool" "$dir" "$REGISTRY/husk-test/$img:latest"
	bench_sync
	case $mode in
	time) bench_time "$DATA/$tool-$img.time" "${ARGV[@]}" ;;
	mem) bench_mem "$DATA/$tool-$img.mem" "${ARGV[@]}" ;;
	warm) U "${ARGV[@]}" >"$DATA/$tool-$img.warm.stdout" 2>"$DATA/$tool-$img.warm.stderr" || {
		sed 's/^/    /' "$DATA/$tool-$img.warm.stderr" >&2
		bench_die "$tool pull of $img failed"
	} ;;
	esac
	# The image ID each tool printed: both must have stored the same image.
	id=$(tail -n1 "$DATA/$tool-$img.$mode.stdout")
	echo "$id" >>"$DATA/$tool-$img.ids"
	clean_later "$tool" "$dir"
}

bench_header "pull: husk vs podman, images ${IMAGES[*]} from $REGISTRY (plain HTTP, --tls-verify=false)"

# ---------------------------------------------------------------- warm-up
# Untimed: starts both pause processes (the first pull of each tool), fills
# the page cache with both binaries and the registry's blobs, and checks both
# tools work here.
for img in "${IMAGES[@]}"; do
	for tool in "${TOOLS[@]}"; do
		measure warm "$tool" "$img" 0
	done
done
pause=$(pause_pid) || bench_die "podman did not leave a pause process in $PTMP (unexpected for podman 4.x)"
hpause=$(husk_pause_pid) || hpause=
# Idle PSS of the pause processes (outside the measured trees).
PAUSE_PSS_P=$(pss_mib "$pause") PAUSE_PSS_H=0
[[ -n $hpause ]] && PAUSE_PSS_H=$(pss_mib "$hpause")

# What the tools chose: native kernel overlay for both, no fuse-overlayfs.
pinfo=$(U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
	info --format '{{.Store.GraphDriverName}} {{json .Store.GraphOptions}} native-diff={{index .Store.GraphStatus "Native Overlay Diff"}}' 2>/dev/null) ||
	pinfo="(podman info failed)"
bench_say "storage: podman: $pinfo; husk: overlay (native kernel overlay; husk's fuse-overlayfs is a driver of its own)"
bench_say "podman pause process: pid $pause (catatonit, PSS $PAUSE_PSS_P MiB; started by the warm-up, joined by every measured podman pull)"
if [[ -n $hpause ]]; then
	bench_say "husk pause process:   pid $hpause (husk __pause, PSS $PAUSE_PSS_H MiB; started by the warm-up, joined by every measured husk pull)"
else
	bench_say "husk pause process:   none (this build re-executes every command into a fresh user namespace)"
fi
bench_say "         XDG_RUNTIME_DIR=$XDG for every command (private; the pause processes are outside the measured trees)"
bench_say "note:    podman 4.3 keeps its blob info cache (BoltDB) in ~/.local/share/containers/cache, outside"
bench_say "         --root: it exists in every measured podman pull; husk's pulls use an in-memory one (nothing"
bench_say "         on disk)."
bench_say "podman stderr (warm-up): $(grep -v '^$' "$DATA/podman-${IMAGES[0]}.warm.stderr" | head -n2 | tr '\n' ' ')"

# ---------------------------------------------------------------- rounds
bench_log "timed rounds: N=$BENCH_N"
for ((r = 1; r <= BENCH_N; r++)); do
	for img in "${IMAGES[@]}"; do
		if ((r % 2)); then order=(husk podman); else order=(podman husk); fi
		for tool in "${order[@]}"; do
			measure time "$tool" "$img" "$r"
		done
	done
done
if ((BENCH_MEM_N > 0)); then
	bench_log "memory rounds (process tree sampled by treerss): N=$BENCH_MEM_N"
	for ((r = 1; r <= BENCH_MEM_N; r++)); do
		for img in "${IMAGES[@]}"; do
			if ((r % 2)); then order=(podman husk); else order=(husk podman); fi
			for tool in "${order[@]}"; do
				measure mem "$tool" "$img" "$r"
			done
		done
	done
fi

# ---------------------------------------------------------------- report
for img in "${IMAGES[@]}"; do
	h=$(sort -u "$DATA/husk-$img.ids" | grep -v '^$' | tr '\n' ' ')
	p=$(sort -u "$DATA/podman-$img.ids" | grep -v '^$' | tr '\n' ' ')
	[[ $h == "$p" ]] || bench_say "WARNING: $img: husk stored image ID(s) $h, podman $p"
done

bench_say ""
bench_say "Per tool (medians; cpu = user+system of the whole tree):"
{
	printf '%-11s %-7s %20s %7s %8s %14s\n' image tool "wall s (min-max)" "cpu s" "%M MiB" "tree PSS MiB"
	for img in "${IMAGES[@]}"; do
		for tool in "${TOOLS[@]}"; do
			t=$DATA/$tool-$img.time m=$DATA/$tool-$img.mem
			pss=nan
			[[ -s $m ]] && pss=$(bench_mib "$(bench_median "$m" 1)")
			printf '%-11s %-7s %20s %7s %8s %14s\n' "$img" "$tool" \
				"$(bench_median "$t" 1) ($(bench_minmax "$t" 1))" "$(bench_median "$t" 3)" \
				"$(bench_mib "$(bench_median "$t" 2)")" "$pss"
		done
	done
} >"$DATA/table"
bench_say_file "$DATA/table"

bench_say ""
bench_say "Ratios husk/podman of the medians (goal: ratio <= the value given, checked for wall, %M and tree PSS; cpu for information):"
{
	printf '%-11s %6s   %-12s %-12s %-12s %-6s\n' image goal wall "%M" "tree PSS" "(cpu)"
	for img in "${IMAGES[@]}"; do
		g=$(goal_for "$img")
		rw=$(bench_ratio "$(bench_median "$DATA/husk-$img.time" 1)" "$(bench_median "$DATA/podman-$img.time" 1)")
		rm_=$(bench_ratio "$(bench_median "$DATA/husk-$img.time" 2)" "$(bench_median "$DATA/podman-$img.time" 2)")
		rc=$(bench_ratio "$(bench_median "$DATA/husk-$img.time" 3)" "$(bench_median "$DATA/podman-$img.time" 3)")
		rp=nan
		if [[ -s $DATA/husk-$img.mem && -s $DATA/podman-$img.mem ]]; then
			rp=$(bench_ratio "$(bench_median "$DATA/husk-$img.mem" 1)" "$(bench_median "$DATA/podman-$img.mem" 1)")
		fi
		if [[ $g == - ]]; then
			printf '%-11s %6s   %-12s %-12s %-12s %-6s\n' "$img" - "$rw" "$rm_" "$rp" "$rc"
		else
			printf '%-11s %6s   %-12s %-12s %-12s %-6s\n' "$img" "<=$g" "$rw $(bench_goal "$rw" "$g")" \
				"$rm_ $(bench_goal "$rm_" "$g")" "$rp $(bench_goal "$rp" "$g")" "$rc"
		fi
	done
} >"$DATA/ratios"
bench_say_file "$DATA/ratios"
# The pause processes stay outside the measured trees; counted in, as an
# approximation (their PSS was taken while idle, after the warm-up).
for img in "${IMAGES[@]}"; do
	[[ -s $DATA/husk-$img.mem && -s $DATA/podman-$img.mem ]] || continue
	bench_say "  $img: tree PSS + the idle pause process's PSS ($PAUSE_PSS_H vs $PAUSE_PSS_P MiB): $(awk \
		-v h="$(bench_median "$DATA/husk-$img.mem" 1)" -v p="$(bench_median "$DATA/podman-$img.mem" 1)" \
		-v hp="$PAUSE_PSS_H" -v pp="$PAUSE_PSS_P" 'BEGIN { printf "%.2f", (h / 1024 + hp) / (p / 1024 + pp) }') (approx., for information)"
done

bench_say ""
bench_say "Raw timed rounds (wall s/%M kB/cpu s), in order:"
for img in "${IMAGES[@]}"; do
	for tool in "${TOOLS[@]}"; do
		bench_say "  $img $tool: $(awk '{printf "%s/%s/%s  ", $1, $2, $3}' "$DATA/$tool-$img.time")"
	done
done
if ((BENCH_MEM_N > 0)); then
	bench_say "Raw memory rounds (tree PSS peak kB / tree RSS peak kB / largest single process kB / processes seen):"
	for img in "${IMAGES[@]}"; do
		for tool in "${TOOLS[@]}"; do
			bench_say "  $img $tool: $(awk '{printf "%s/%s/%s/%s  ", $1, $2, $3, $5}' "$DATA/$tool-$img.mem")"
		done
	done
fi
bench_say ""
bench_say "Memory: '%M' is /usr/bin/time's maximum RSS = the largest single process of the tree"
bench_say "(wait4 reports the max over waited-for descendants, not a sum). 'tree PSS' is the peak"
bench_say "sum of PSS over every process of the tree at once (bench/treerss, 10 ms sampling, in"
bench_say "separate rounds): what the pull costs in memory, with pages shared between the re-exec'd"
bench_say "processes counted once."
# Both pause processes must have lived through every round (a pull that had
# to start a new one would have paid for it).
[[ $(pause_pid) == "$pause" ]] || bench_say "WARNING: podman's pause process $pause did not last the whole run (now: $(pause_pid || echo none))"
if [[ -n $hpause ]]; then
	[[ $(husk_pause_pid) == "$hpause" ]] || bench_say "WARNING: husk's pause process $hpause did not last the whole run (now: $(husk_pause_pid || echo none))"
fi
bench_say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_done
