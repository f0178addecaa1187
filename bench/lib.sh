# Shared helpers of husk's benchmarks (sourced by bench/*.sh; not a
# benchmark itself: bench/run.sh skips it).
#
# A benchmark script calls bench_init NAME first. Binaries go to
# $BENCH_STAGE (default /var/tmp/husk-bench, apart from the test suites'
# stage, which test/run-rootless.sh wipes); the stores the tools write go to
# $BENCH_WORK on a scratch file system (see bench_scratch_fs).
#
# Settings (environment):
#   BENCH_N       timed iterations per tool and case (default 5)
#   BENCH_MEM_N   extra iterations per tool and case that measure the memory
#                 of the whole process tree (default 3; 0 skips them)
#   BENCH_STAGE   work directory (default /var/tmp/husk-bench)
#   BENCH_FS      "loop" (default): the stores live on an ext4 file system
#                 (with a journal) made for the run on a loop device;
#                 "dir": directly in $BENCH_STAGE
#   BENCH_FS_SIZE size of that file system (sparse; default 4G)
#   BENCH_RESULTS where result files go (default bench/results)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BENCH_STAGE=${BENCH_STAGE:-/var/tmp/husk-bench}
BENCH_N=${BENCH_N:-5}
BENCH_MEM_N=${BENCH_MEM_N:-3}
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}

# test/lib.sh gives as_user, TEST_USER and REGISTRY; its as_user points
# $HUSK at $STAGE/husk, so STAGE is the bench stage here.
STAGE=$BENCH_STAGE
# shellcheck source=../test/lib.sh
. "$REPO_DIR/test/lib.sh"

HUSK_BIN=$BENCH_STAGE/husk
TREERSS=$BENCH_STAGE/treerss
BENCH_CGROUP_BASE= # a cgroup v2 directory treerss can create children in
# BENCH_USER_ENV: VAR=VALUE words that bench_time, bench_mem and the
# helpers for short commands add to the test user's environment (through
# env, outside the timed part), e.g. a private XDG_RUNTIME_DIR so that the
# tools' per-user pause processes are the benchmark's own.
declare -a BENCH_USER_ENV=()

bench_log() { printf '%s: %s\n' "${BENCH_NAME:-bench}" "$*" >&2; }
bench_die() {
	printf '%s: error: %s\n' "${BENCH_NAME:-bench}" "$*" >&2
	exit 1
}

# bench_init NAME: checks, stage directory, husk and treerss binaries, the
# results file ($BENCH_OUT) and the work directory ($BENCH_WORK, owned by the
# test user, emptied first).
bench_init() {
	BENCH_NAME=$1
	[[ $(id -u) == 0 ]] || bench_die "run as root (the benchmark switches to the test user $TEST_USER itself)"
	id "$TEST_USER" >/dev/null 2>&1 || bench_die "test user $TEST_USER missing: run test/setup/setup.sh (or make setup)"
	[[ $BENCH_N =~ ^[1-9][0-9]*$ ]] || bench_die "BENCH_N must be a positive number, not '$BENCH_N'"
	[[ $BENCH_MEM_N =~ ^[0-9]+$ ]] || bench_die "BENCH_MEM_N must be a number, not '$BENCH_MEM_N'"
	[[ -x /usr/bin/time ]] || bench_die "/usr/bin/time missing: apt-get install time"
	local b
	for b in husk husk-transfer husk-compose husk-reexec; do
		[[ -x $REPO_DIR/bin/$b ]] || bench_die "bin/$b missing: make build"
	done
	curl -fsS -o /dev/null --max-time 2 "http://$REGISTRY/v2/" 2>/dev/null ||
		bench_die "no registry at $REGISTRY: make images (test/setup/registry.sh start; test/setup/push-images.sh)"

	umask 022
	mkdir -p "$BENCH_STAGE" "$BENCH_RESULTS"
	chmod 755 "$BENCH_STAGE"
	install -m 755 "$REPO_DIR/bin/husk" "$HUSK_BIN"
	for b in husk-transfer husk-compose husk-reexec; do
		install -m 755 "$REPO_DIR/bin/$b" "$(dirname "$HUSK_BIN")/$b"
	done
	(cd "$REPO_DIR" && CGO_ENABLED=0 "$GO" build -o "$TREERSS" ./bench/treerss) ||
		bench_die "building bench/treerss failed"
	chmod 755 "$TREERSS"

	trap bench_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	bench_scratch_fs
	# Short: podman refuses a --runroot longer than 50 characters.
	BENCH_WORK=$BENCH_BASE/$BENCH_NAME
	# Leftovers of an interrupted run may be owned by subordinate ids:
	# root removes them (the runs themselves clean up as the test user).
	rm -rf "$BENCH_WORK"
	mkdir -p "$BENCH_WORK"
	chown "$TEST_USER:" "$BENCH_WORK"
	chmod 700 "$BENCH_WORK"
	cd "$BENCH_WORK" || exit 1

	# Written as .partial; bench_done gives it its name, so a failed run
	# leaves no results file.
	BENCH_OUT_FINAL=$BENCH_RESULTS/$BENCH_NAME-$(date -u +%Y-%m-%d-%H%M%S).txt
	BENCH_OUT=$BENCH_RESULTS/.${BENCH_OUT_FINAL##*/}.partial
	: >"$BENCH_OUT"

	# as_user must reach treerss's child (bash -c 'as_user ...').
	export TEST_USER STAGE REGISTRY IMAGES_DIR
	export -f as_user
	bench_find_cgroup
}

# bench_on_exit CMD: run CMD (a function name) when the benchmark exits,
# before the scratch file system goes; the last registered runs first.
BENCH_EXIT_HOOKS=()
bench_on_exit() { BENCH_EXIT_HOOKS=("$1" "${BENCH_EXIT_HOOKS[@]}"); }

bench_exit() {
	local rc=$? h
	for h in "${BENCH_EXIT_HOOKS[@]}"; do
		"$h" || true
	done
	cd / || true
	[[ -n ${BENCH_WORK:-} ]] && rm -rf "$BENCH_WORK"
	[[ -n ${BENCH_OUT:-} ]] && rm -f "$BENCH_OUT"
	bench_scratch_fs_remove
	return $rc
}

# bench_scratch_fs: where the stores go ($BENCH_BASE, described in
# $BENCH_FS_DESC). Why a file system of its own: on an ext4 WITHOUT a
# journal (the CI and developer VMs' root file system), the inode allocator
# skips inodes deleted in the last 60-300 s (ext4 recently_deleted()), so
# creating files gets slower and slower while stores of tens of thousands
# of files are created and removed, by this benchmark or by any other job
# on the machine: a pull of the 20000-file image went from 3.4 s to 27 s
# that way, for both tools. A fresh journaled ext4 is what users' hosts
# have, and nothing else writes to it. The podman pause process must be
# started after the mount (its mount namespace is a copy, "/" is not a
# shared mount here), which a benchmark's warm-up does.
bench_scratch_fs() {
	local mnt=$BENCH_STAGE/fs img=$BENCH_STAGE/fs.img size=${BENCH_FS_SIZE:-4G}
	bench_scratch_fs_remove
	BENCH_FS_MOUNTED=
	if [[ ${BENCH_FS:-loop} == loop ]]; then
		mkdir -p "$mnt"
		if truncate -s "$size" "$img" && mkfs.ext4 -q -F "$img" && mount -o loop "$img" "$mnt"; then
			BENCH_FS_MOUNTED=$mnt
			BENCH_BASE=$mnt
			BENCH_FS_DESC="ext4 (journal) on a loop device made for this run ($img, $size sparse)"
			chmod 755 "$mnt"
			return 0
		fi
		bench_log "warning: could not make a loop-mounted ext4; the stores go to $BENCH_STAGE itself"
		rm -f "$img"
	fi
	BENCH_BASE=$BENCH_STAGE
	BENCH_FS_DESC="$(findmnt -no FSTYPE -T "$BENCH_STAGE") at $BENCH_STAGE (the machine's own)"
	if bench_ext4_nojournal "$BENCH_STAGE"; then
		BENCH_FS_DESC+="; WARNING: ext4 without a journal: file creation slows down after mass deletions (see bench/lib.sh)"
	fi
}

bench_scratch_fs_remove() {
	local mnt=$BENCH_STAGE/fs
	if mountpoint -q "$mnt" 2>/dev/null; then
		umount "$mnt" 2>/dev/null || umount -l "$mnt" || bench_log "warning: could not unmount $mnt"
	fi
	rm -f "$BENCH_STAGE/fs.img"
	[[ -d $mnt ]] && rmdir "$mnt" 2>/dev/null
	return 0
}

# bench_ext4_nojournal DIR: true when DIR is on an ext4 without a journal.
bench_ext4_nojournal() {
	local src
	[[ $(findmnt -no FSTYPE -T "$1") == ext4 ]] || return 1
	src=$(findmnt -no SOURCE -T "$1")
	[[ $(cat "/sys/fs/ext4/${src##*/}/journal_task" 2>/dev/null) == "<none>" ]]
}

# bench_sync: flush the scratch file system, so that one run's writeback
# does not land in the next run's time.
bench_sync() { sync -f "$BENCH_BASE" 2>/dev/null || sync; }

# bench_find_cgroup: a cgroup v2 mount where root can create a directory,
# so that treerss sees the whole tree, daemons included. Falls back to
# following parent pids.
bench_find_cgroup() {
	local mnt probe
	mnt=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
	[[ -n $mnt ]] || return 0
	probe=$mnt/husk-bench-probe.$$
	if mkdir "$probe" 2>/dev/null; then
		rmdir "$probe"
		BENCH_CGROUP_BASE=$mnt
	fi
}

# bench_done: the results file is complete.
bench_done() {
	mv -f "$BENCH_OUT" "$BENCH_OUT_FINAL"
	BENCH_OUT=
	bench_log "results written to $BENCH_OUT_FINAL"
}

# bench_say TEXT...: print to stdout and append to the results file.
bench_say() { printf '%s\n' "$*" | tee -a "$BENCH_OUT"; }
# bench_say_file FILE: the same for a file's content.
bench_say_file() { tee -a "$BENCH_OUT" <"$1"; }

# bench_header TITLE: what was measured, where, with which versions.
bench_header() {
	local load
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	bench_say "== $1"
	bench_say "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	bench_say "host:    $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f MiB", $2/1024}' /proc/meminfo), load average $load at start"
	bench_say "husk:    $("$HUSK_BIN" --version 2>&1 | head -n1) (commit $(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown))"
	if command -v podman >/dev/null; then
		bench_say "podman:  $(podman --version 2>&1 | head -n1)"
	fi
	bench_say "stores:  $BENCH_FS_DESC"
	bench_say "user:    $TEST_USER (uid $(id -u "$TEST_USER")), rootless; N=$BENCH_N timed + $BENCH_MEM_N memory iterations per tool and case"
	if awk -v l="${load%% *}" 'BEGIN {exit !(l > 0.5)}'; then
		bench_say "note:    the machine was busy when the benchmark started (load $load): other jobs add noise"
	fi
}

# bench_time FILE CMD...: run CMD as the test user (with BENCH_USER_ENV)
# under /usr/bin/time; append "WALL_S MAXRSS_KB CPU_S" to FILE (CPU:
# user+system time of CMD and the children it waited for; less sensitive to
# other load than wall time). CMD's stdout goes to FILE.stdout, its stderr
# to FILE.stderr (both overwritten). Fails if CMD fails.
bench_time() {
	local file=$1 tf
	shift
	tf=$BENCH_WORK/.time
	rm -f "$tf"
	if ! as_user env "${BENCH_USER_ENV[@]}" /usr/bin/time -o "$tf" -f '%e %M %U %S' "$@" >"$file.stdout" 2>"$file.stderr"; then
		bench_log "failed: $*"
		sed 's/^/    /' "$file.stderr" >&2
		return 1
	fi
	tail -n1 "$tf" | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' >>"$file"
}

# bench_mem FILE CMD...: run CMD as the test user (with BENCH_USER_ENV)
# under treerss; append "PEAK_PSS_KB PEAK_RSS_KB MAX_SINGLE_KB WALL_S PROCS"
# to FILE.
bench_mem() {
	local file=$1 line cg=()
	shift
	[[ -n $BENCH_CGROUP_BASE ]] && cg=(-cgroup "$BENCH_CGROUP_BASE/husk-bench.$$.$RANDOM")
	if ! "$TREERSS" "${cg[@]}" -- bash -c 'as_user "$@"' bash env "${BENCH_USER_ENV[@]}" "$@" >"$file.stdout" 2>"$file.stderr"; then
		bench_log "failed: $*"
		sed 's/^/    /' "$file.stderr" >&2
		return 1
	fi
	line=$(grep '^treerss: ' "$file.stderr" | tail -n1)
	[[ -n $line ]] || bench_die "treerss printed no result for: $*"
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["peak_pss_kb"], v["peak_rss_kb"], v["max_single_rss_kb"], v["wall_s"], v["procs"]
	}' <<<"$line" >>"$file"
}

# bench_median FILE COLUMN: median of a column (mean of the middle two for
# an even count).
bench_median() {
	awk -v c="$2" '{print $c}' "$1" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# bench_minmax FILE COLUMN: "MIN-MAX" of a column.
bench_minmax() {
	awk -v c="$2" 'NR == 1 || $c < lo {lo = $c} NR == 1 || $c > hi {hi = $c} END {print lo "-" hi}' "$1"
}

# bench_ratio A B: A/B with two decimals.
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || a == "nan" || b == "nan") print "nan"; else printf "%.2f", a / b }'; }

# bench_goal RATIO GOAL: "ok" when RATIO <= GOAL, else "MISSED".
bench_goal() { awk -v r="$1" -v g="$2" 'BEGIN { if (r == "nan") print "?"; else print (r <= g ? "ok" : "MISSED") }'; }

# goal_for CASE: the goal of CASE in the script's GOALS ("case=ratio ..."),
# or "-" when it has none.
goal_for() {
	local kv
	for kv in $GOALS; do
		[[ ${kv%%=*} == "$1" ]] && { echo "${kv#*=}"; return; }
	done
	echo "-"
}

# bench_mib KB: kB as MiB with one decimal.
bench_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ---------------------------------------------------------------------------
# Helpers for short commands (added with bench/run-container.sh). A container
# run takes tenths of a second: /usr/bin/time's %e has 10 ms steps, and the
# runuser/PAM wrapper of as_user alone costs 15-40 ms, so these helpers time
# the command from inside the test user's shell, and account CPU and
# leftover processes through a cgroup of their own.
# ---------------------------------------------------------------------------

# bench_now: $EPOCHREALTIME with a decimal point whatever the locale.
bench_now() { local t=$EPOCHREALTIME; echo "${t/,/.}"; }

# bench_time_fine FILE CMD...: run CMD (stdin /dev/null) as the test user;
# append "WALL_S MAXRSS_KB CPU_S TREE_CPU_S LINGER_S" to FILE:
#   WALL_S      the command alone (bash's $EPOCHREALTIME in the test user's
#               shell right before and after it; runuser is outside)
#   MAXRSS_KB   /usr/bin/time %M (largest single process waited for)
#   CPU_S       /usr/bin/time user+system (the command and what it waited
#               for; daemonized helpers such as conmon are missing)
#   TREE_CPU_S  cpu.stat usage of a cgroup v2 made for this run: every
#               process the command started, also those that outlive it
#               (includes the root-owned runuser wrapper, a few ms; see
#               bench_wrapper_cpu). "nan" without a usable cgroup v2.
#   LINGER_S    how long processes the command left behind kept running
#               after it returned (the next run starts only then)
# CMD's stdout/stderr go to FILE.stdout/FILE.stderr (overwritten). Fails
# if CMD fails.
#
# BENCH_TIME_PARENT, when set, is a cgroup delegated to the test user to
# make the run's cgroup in instead of BENCH_CGROUP_BASE (the run's cgroup
# then belongs to the test user too, like a session systemd delegates).
bench_time_fine() {
	local file=$1 tf wf cg= rc=0 t_end linger=nan tcpu=nan i
	shift
	tf=$BENCH_WORK/.time wf=$BENCH_WORK/.wall
	rm -f "$tf" "$wf"
	if [[ -n ${BENCH_TIME_PARENT:-} ]]; then
		cg=$BENCH_TIME_PARENT/bench-$BENCH_NAME.$$.$RANDOM
		mkdir "$cg" || bench_die "cannot make cgroup $cg"
		chown "$TEST_USER:" "$cg" "$cg/cgroup.procs" "$cg/cgroup.threads" "$cg/cgroup.subtree_control" 2>/dev/null || true
	elif [[ -n $BENCH_CGROUP_BASE ]]; then
		cg=$BENCH_CGROUP_BASE/husk-bench.$$.$RANDOM
		mkdir "$cg" 2>/dev/null || cg=
	fi
	(
		[[ -z $cg ]] || echo "$BASHPID" >"$cg/cgroup.procs"
		# shellcheck disable=SC2016
		as_user env "${BENCH_USER_ENV[@]}" /usr/bin/time -o "$tf" -f '%M %U %S' bash -c '
			w=$1; shift
			s=$EPOCHREALTIME; "$@"; rc=$?; e=$EPOCHREALTIME
			echo "${s/,/.} ${e/,/.}" >"$w"; exit $rc' bash "$wf" "$@"
	) </dev/null >"$file.stdout" 2>"$file.stderr" || rc=$?
	t_end=$(bench_now)
	if [[ -n $cg ]]; then
		for ((i = 0; i < 4000; i++)); do # up to 20 s
			grep -q '^populated 0' "$cg/cgroup.events" 2>/dev/null && break
			sleep 0.005
		done
		linger=$(awk -v a="$t_end" -v b="$(bench_now)" 'BEGIN { printf "%.4f", b - a }')
		tcpu=$(awk '$1 == "usage_usec" { printf "%.4f", $2 / 1e6 }' "$cg/cpu.stat" 2>/dev/null)
		[[ -n $tcpu ]] || tcpu=nan
		bench_cgroup_remove "$cg"
	fi
	if ((rc)) || [[ ! -s $wf ]]; then
		bench_log "failed (exit $rc): $*"
		sed 's/^/    /' "$file.stderr" >&2
		return 1
	fi
	awk -v w="$(awk '{ printf "%.4f", $2 - $1 }' "$wf")" -v c="$tcpu" -v l="$linger" \
		'END { printf "%s %s %.4f %s %s\n", w, $1, $2 + $3, c, l }' "$tf" >>"$file"
}

# bench_cgroup_remove DIR: remove a cgroup bench_time_fine made; processes
# still in it after the wait (none expected) go to the parent cgroup.
bench_cgroup_remove() {
	local cg=$1 pid i
	for ((i = 0; i < 50; i++)); do
		rmdir "$cg" 2>/dev/null && return 0
		if ((i == 25)); then
			bench_log "warning: processes left in $cg after 20 s: $(tr '\n' ' ' <"$cg/cgroup.procs")"
			while read -r pid; do
				echo "$pid" >"${cg%/*}/cgroup.procs" 2>/dev/null
			done <"$cg/cgroup.procs"
		fi
		sleep 0.02
	done
	bench_log "warning: could not remove cgroup $cg"
}

# bench_wrapper_cpu N: median TREE_CPU_S of N runs of `true` through
# bench_time_fine: the share of TREE_CPU_S that is runuser/PAM and the
# timing shell, not the measured command ("nan" without cgroup).
bench_wrapper_cpu() {
	local f=$BENCH_WORK/.wrapper i
	rm -f "$f"
	for ((i = 0; i < $1; i++)); do
		bench_time_fine "$f" true || return 1
	done
	bench_median "$f" 4
}

# bench_mem_fine FILE INTERVAL CMD...: bench_mem with treerss sampling
# every INTERVAL (e.g. 5ms; the default 10 ms sees a 0.2 s command only
# ~20 times). Same output line as bench_mem. stdin is /dev/null.
bench_mem_fine() {
	local file=$1 iv=$2 line cg=()
	shift 2
	[[ -n $BENCH_CGROUP_BASE ]] && cg=(-cgroup "$BENCH_CGROUP_BASE/husk-bench.$$.$RANDOM")
	if ! "$TREERSS" -interval "$iv" "${cg[@]}" -- bash -c 'as_user "$@"' bash env "${BENCH_USER_ENV[@]}" "$@" </dev/null >"$file.stdout" 2>"$file.stderr"; then
		bench_log "failed: $*"
		sed 's/^/    /' "$file.stderr" >&2
		return 1
	fi
	line=$(grep '^treerss: wall_s' "$file.stderr" | tail -n1)
	[[ -n $line ]] || bench_die "treerss printed no result for: $*"
	awk '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["peak_pss_kb"], v["peak_rss_kb"], v["max_single_rss_kb"], v["wall_s"], v["procs"]
	}' <<<"$line" >>"$file"
}

# bench_ms SECONDS: seconds as milliseconds with one decimal ("nan" stays).
bench_ms() { awk -v s="$1" 'BEGIN { if (s == "nan" || s == "") print "nan"; else printf "%.1f", s * 1000 }'; }

# bench_side_by_side: the layout of a benchmark that runs husk and podman
# side by side as the test user, each with a store of its own on the
# scratch file system: W, IMAGE (from IMAGE_NAME), HS and PS (the stores;
# podman's --runroot must stay under 50 characters), PTMP (podman's
# --tmpdir: pause.pid, events, locks), PCLEAN (an empty podman store that
# cleanup commands run against), DATA (measurement files, root writes
# them), XDG (the test user's XDG_RUNTIME_DIR for every command), U (run as
# the test user with it), and the HUSK and PODMAN command prefixes (runc
# for both). XDG is made after bench_init mounted the scratch file system:
# the pause processes the first commands start must have it in their mount
# namespace (see bench/README.md).
bench_side_by_side() {
	W=$BENCH_WORK
	IMAGE=$REGISTRY/$IMAGE_NAME
	HS=$W/h PS=$W/p PTMP=$W/pt PCLEAN=$W/pi DATA=$W/data XDG=$W/xdg
	mkdir -p "$DATA"
	as_user mkdir -p "$PTMP"
	as_user mkdir -m 700 "$XDG"
	BENCH_USER_ENV=("XDG_RUNTIME_DIR=$XDG")
	HUSK=("$HUSK_BIN" --root "$HS/root" --runroot "$HS/run" --storage-driver overlay --runtime runc)
	PODMAN=(podman --root "$PS/root" --runroot "$PS/run" --tmpdir "$PTMP" --storage-driver overlay --runtime runc)
}

# U CMD...: CMD as the test user, with BENCH_USER_ENV.
U() { as_user env "${BENCH_USER_ENV[@]}" "$@"; }

# ------------------------------------------------------------------ network.sh and cgroups.sh
# Helpers of the benchmarks that time runs in the cgroup delegated to the
# test user. They use the calling script's DELEG (the delegated cgroup
# directory, "" for none), XDG (husk's runtime dir), PTMP (podman's tmpdir)
# and DATA (where the per-case .time files are).

# deleg_time FILE CMD...: bench_time_fine with the run's cgroup a child of
# the cgroup delegated to the test user (DELEG); without one, as usual.
deleg_time() {
	BENCH_TIME_PARENT=${DELEG:-} bench_time_fine "$@"
}

# bench_rounds ARGV_FN TIMER LOADFILE WARM CASE...: WARM untimed rounds of
# every CASE (times in $DATA/warm.CASE), then BENCH_N timed rounds, each
# starting one case later than the last so that no case always runs first
# or after the same one; the load average is appended to LOADFILE once per
# round. ARGV_FN CASE sets ARGV; TIMER FILE CMD... (bench_time_fine,
# deleg_time) times it into $DATA/CASE.time. BENCH_ROUND_HOOK, when set,
# runs with the case after each timed run.
bench_rounds() {
	local argv_fn=$1 timer=$2 load=$3 warm=$4 r k c
	shift 4
	local -a cases=("$@") order
	for ((r = 1; r <= warm; r++)); do
		for c in "${cases[@]}"; do
			"$argv_fn" "$c"
			"$timer" "$DATA/warm.$c" "${ARGV[@]}" || bench_die "$c failed in the warm-up"
		done
	done
	for ((r = 1; r <= BENCH_N; r++)); do
		k=$(((r - 1) % ${#cases[@]}))
		order=("${cases[@]:k}" "${cases[@]:0:k}")
		cut -d' ' -f1 /proc/loadavg >>"$load"
		for c in "${order[@]}"; do
			"$argv_fn" "$c"
			bench_sync
			"$timer" "$DATA/$c.time" "${ARGV[@]}" || bench_die "$c failed in round $r"
			[[ -z ${BENCH_ROUND_HOOK:-} ]] || "$BENCH_ROUND_HOOK" "$c"
		done
	done
}

# husk_pause_pid, pause_pid: the pid of husk's (in $XDG) or podman's (in
# $PTMP) pause process of this benchmark, checked to be that process of
# the test user, so that the end of a run kills it and nothing else.
husk_pause_pid() {
	local pid
	pid=$(cat "$XDG/husk/pause.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ $(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | sed -n 2p) == __pause ]] || return 1
	[[ $(stat -c %U "/proc/$pid" 2>/dev/null) == "$TEST_USER" ]] || return 1
	echo "$pid"
}

pause_pid() {
	local pid
	pid=$(cat "$PTMP/pause.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == catatonit ]] || return 1
	[[ $(stat -c %U "/proc/$pid" 2>/dev/null) == "$TEST_USER" ]] || return 1
	echo "$pid"
}

# Medians and differences of the per-case .time files in DATA.
med() { bench_median "$DATA/$1.time" "$2"; }
ms_med() { bench_ms "$(med "$1" "$2")"; }
ms_minmax() { awk -v c="$2" 'NR == 1 || $c < lo {lo = $c} NR == 1 || $c > hi {hi = $c} END {printf "%.0f-%.0f", lo * 1000, hi * 1000}' "$DATA/$1.time"; }
paired() { paste -d' ' "$DATA/$1.time" "$DATA/$2.time" | awk '{print ($1 - $6) * 1000}' | sort -g | awk '{v[NR] = $1} END {if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# bench_finish_stores: the exit handler of network.sh and cgroups.sh: their
# husk store (HS, HUSK) and podman store (PS, PODMAN; PCLEAN and PTMP) go,
# and the pause processes they started.
bench_finish_stores() {
	local pid hpid
	pid=$(pause_pid) || pid=
	hpid=$(husk_pause_pid) || hpid=
	if [[ -d $HS ]]; then
		U "${HUSK[@]}" rm -a -f >/dev/null 2>&1 || true
		U "${HUSK[@]}" system reset -f >/dev/null 2>&1 || bench_log "warning: husk system reset failed"
		as_user rm -rf "$HS"
	fi
	if [[ -d $PS ]]; then
		U "${PODMAN[@]}" rm -a -f >/dev/null 2>&1 || true
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			unshare bash -c 'umount "$1/root/overlay" 2>/dev/null; rm -rf "$1"' bash "$PS" 2>/dev/null ||
			bench_log "warning: removing the podman store failed"
	fi
	if [[ -d $PCLEAN ]]; then
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			system reset -f >/dev/null 2>&1 || true
	fi
	[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	if [[ -n $hpid ]] && [[ $(husk_pause_pid) == "$hpid" ]]; then
		kill -KILL "$hpid" 2>/dev/null
	fi
	return 0
}
