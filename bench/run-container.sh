#!/usr/bin/env bash
# Benchmark: starting a container. `husk run --rm` against `podman run --rm`
# and against a bare `runc run` of the very config.json husk generates, all
# rootless as the test user, runc for every one of them, on this machine.
#
# Cases (every round runs each once, in an order that rotates per round, so
# drifting machine load hits all alike; untimed warm-up rounds first):
#   husk        husk --runtime runc run --rm --network none IMAGE true
#   podman      podman --runtime runc run --rm --network none IMAGE true
#               (joins its pause process, started by the warm-up: podman's
#               usual steady state)
#   runc        unshare --user --map-root-user --map-users=SUBUID,1,N
#               --map-groups=SUBGID,1,N --mount runc --root DIR run --bundle B ID
#               B/config.json is husk's own config.json (from `husk container
#               inspect` of a container husk created and started) with only
#               root.path and the sources of the /etc/hosts, /etc/hostname
#               and /etc/resolv.conf bind mounts (and of the files husk mounts
#               from the container's directory, /run/.containerenv) rewritten (the report lists
#               every changed field: seccomp, capabilities, masks, namespaces
#               stay). B/rootfs is a plain directory: the image unpacked with
#               `husk save --format oci-archive` + `umoci unpack --rootless`.
#               The user namespace has the same map as husk's (checked, both
#               printed): runc runs inside it exactly as under husk.
#   runc-ovl    the same, but the rootfs is a fresh overlay (the plain
#               directory as lower layer) mounted, used, unmounted and
#               removed inside the run, as husk's container gets one: not the
#               goal's baseline, it shows what the overlay costs runc itself
#   split       the same bundle and namespace, with runc driven the way husk
#               drives it (create with --pid-file and a JSON log, start, wait
#               as subreaper, delete --force; a small python3 program): how
#               much of husk's time is the split runc lifecycle itself
#   userns      unshare with those maps and /bin/true: the namespace setup the
#               runc case pays before runc starts
#   husk-dbg    husk with --log-level debug: its "timing:" lines give the
#               per-phase breakdown (wall reported too, to show the logging
#               costs nothing measurable)
#   husk-late   husk with HUSK_NO_EARLY_RUNTIME set (through env(1), ~1 ms):
#               runc started only once the container exists, as before
#               husk started it beside the container's creation
#               (runtime.Early); shows what starting it early saves
#   husk-small  husk with HUSK_SMALL_PAGES=1 (through env(1)): its Go heap
#               on 4 KiB pages and the runtime's chunks faulted page by
#               page, as before internal/hugeheap; shows what both save
#   husk-nopf   husk with HUSK_NO_PREFAULT=1 (through env(1)): its code
#               mapped page by page, as before internal/prefault; shows what
#               mapping the code at start saves
#   husk-ver    husk version: one start of the husk binary without a user
#               namespace (husk run starts the binary twice, see the timeline)
#
# Time: bench_time_fine (bench/lib.sh): wall of the command alone, taken in
# the test user's shell ($EPOCHREALTIME; the runuser/PAM wrapper is outside),
# %M, rusage CPU, and CPU of everything started (cgroup v2 cpu.stat, minus
# the wrapper's own share measured with `true`). Each run gets its own
# cgroup and the next run starts only when every process of the previous one
# is gone (podman's conmon runs `podman container cleanup` after podman
# returned: "linger"). Memory: separate rounds under bench/treerss (peak sum
# of PSS over the process tree, 5 ms sampling). Timeline: a few extra rounds
# under `perf record` of the scheduler's exec/exit/fork tracepoints (no
# ptrace: newuidmap stays setuid), giving when each process of a run starts
# and ends.
#
# Stores: one husk and one podman store for the whole run (the image is
# pulled into each once, untimed), on the scratch file system of
# bench/lib.sh; --storage-driver overlay for both.
#
# Settings: BENCH_N (timed rounds, default 10 here), BENCH_MEM_N,
# BENCH_RUN_WARM (warm-up rounds, default 2), BENCH_RUN_TRACE (timeline
# rounds per tool, default 3, 0 = none), BENCH_RUN_IMAGE (default
# husk-test/busybox:latest under the test registry), BENCH_RUN_GOALS
# (default "podman=0.3 runc=1.1", issue 15's: highest acceptable husk/podman and
# husk/bare-runc wall ratios), BENCH_MEM_INTERVAL (treerss sampling,
# default 5ms).
set -euo pipefail
: "${BENCH_N:=10}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGE_NAME=${BENCH_RUN_IMAGE:-husk-test/busybox:latest}
GOALS=${BENCH_RUN_GOALS:-podman=0.3 runc=1.1}
WARM=${BENCH_RUN_WARM:-2}
TRACE_N=${BENCH_RUN_TRACE:-3}
MEM_IV=${BENCH_MEM_INTERVAL:-5ms}
CASES=(husk podman runc runc-ovl split userns husk-dbg husk-late husk-small husk-nopf husk-ver)

bench_init run
[[ $WARM =~ ^[0-9]+$ ]] || bench_die "BENCH_RUN_WARM must be a number"
[[ $TRACE_N =~ ^[0-9]+$ ]] || bench_die "BENCH_RUN_TRACE must be a number"
for t in podman umoci jq unshare python3 runc; do
	command -v "$t" >/dev/null || bench_die "$t not found: the benchmark needs it (apt-get install $t)"
done
unshare --help 2>/dev/null | grep -q -- --map-users ||
	bench_die "this unshare has no --map-users (util-linux >= 2.38 needed)"

W=$BENCH_WORK
IMAGE=$REGISTRY/$IMAGE_NAME
HS=$W/h       # husk store
PS=$W/p       # podman store (--runroot must stay under 50 characters)
PTMP=$W/pt    # podman --tmpdir: pause.pid, events, locks
PCLEAN=$W/pi  # empty podman store that cleanup commands run against
B=$W/bundle   # bare runc bundle: config.json, rootfs/, etc files
BO=$W/bovl    # the same on an overlay: config.json (root: BO/merged), up/ and wk/ per run
SPLIT=$W/sf   # pid files and logs of the split case
DATA=$W/data  # measurement files (root writes them)
XDG=$W/xdg    # the test user's XDG_RUNTIME_DIR for every command here
mkdir -p "$DATA"
as_user mkdir -p "$PTMP" "$B/state" "$SPLIT"
as_user mkdir -m 700 "$XDG"
# A private runtime directory: a tool's per-user pause process (podman's
# catatonit; husk's, when the build has one: $XDG_RUNTIME_DIR/husk/pause.pid)
# is then the benchmark's own, started after the scratch file system was
# mounted (its mount namespace must contain it), and stopped at the end.
# With the test user's usual /run/user/UID, husk would join a pause process
# some other test run left, whose namespace lacks the scratch file system.
BENCH_USER_ENV=("XDG_RUNTIME_DIR=$XDG")

RUNC=$(U bash -c 'command -v runc')
HUSK=("$HUSK_BIN" --root "$HS/root" --runroot "$HS/run" --storage-driver overlay --runtime runc)
PODMAN=(podman --root "$PS/root" --runroot "$PS/run" --tmpdir "$PTMP" --storage-driver overlay)

# The test user's first subordinate range, as husk's map uses it.
read -r SUBUID SUBUID_N < <(awk -F: -v u="$TEST_USER" '$1 == u {print $2, $3; exit}' /etc/subuid)
read -r SUBGID SUBGID_N < <(awk -F: -v u="$TEST_USER" '$1 == u {print $2, $3; exit}' /etc/subgid)
[[ -n ${SUBUID:-} && -n ${SUBGID:-} ]] || bench_die "no /etc/subuid or /etc/subgid range for $TEST_USER"
USERNS=(unshare --user --map-root-user --map-users="$SUBUID,1,$SUBUID_N" --map-groups="$SUBGID,1,$SUBGID_N" --mount)

# The split case: runc driven as husk drives it (pkg/runtime: create with a
# pid file and a JSON log in its own process group, start, wait for the
# container process as subreaper, delete --force). Appends "create start
# wait delete total" seconds (measured inside, python's own start excluded).
# shellcheck disable=SC2016
SPLIT_PY='
import ctypes, os, subprocess, sys, time
runc, root, bundle, cid, files, out = sys.argv[1:7]
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
pidf, logf = os.path.join(files, cid + ".pid"), os.path.join(files, cid + ".log")
base = [runc, "--root", root]
null = open(os.devnull, "rb")
t0 = time.monotonic()
subprocess.run(base + ["--log", logf, "--log-format", "json", "create", "--bundle", bundle,
                       "--pid-file", pidf, cid], stdin=null, check=True, process_group=0)
t1 = time.monotonic()
pid = int(open(pidf).read())
subprocess.run(base + ["start", cid], check=True)
t2 = time.monotonic()
_, st = os.waitpid(pid, 0)
t3 = time.monotonic()
subprocess.run(base + ["delete", "--force", cid], check=True)
t4 = time.monotonic()
for f in (pidf, logf):
    os.unlink(f)
with open(out, "a") as f:
    f.write("%.4f %.4f %.4f %.4f %.4f\n" % (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0))
sys.exit(os.waitstatus_to_exitcode(st))
'

# case_argv CASE: sets ARGV to the command of one run of CASE.
SEQ=0
case_argv() {
	local id
	SEQ=$((SEQ + 1))
	id=bench-$$-$SEQ
	case $1 in
	husk) ARGV=("${HUSK[@]}" run --rm --network none "$IMAGE" true) ;;
	husk-dbg) ARGV=("${HUSK[@]}" --log-level debug run --rm --network none "$IMAGE" true) ;;
	husk-late) ARGV=(env HUSK_NO_EARLY_RUNTIME=1 "${HUSK[@]}" run --rm --network none "$IMAGE" true) ;;
	husk-small) ARGV=(env HUSK_SMALL_PAGES=1 "${HUSK[@]}" run --rm --network none "$IMAGE" true) ;;
	husk-nopf) ARGV=(env HUSK_NO_PREFAULT=1 "${HUSK[@]}" run --rm --network none "$IMAGE" true) ;;
	husk-ver) ARGV=("$HUSK_BIN" version) ;;
	podman) ARGV=("${PODMAN[@]}" --runtime runc run --rm --network none "$IMAGE" true) ;;
	runc) ARGV=("${USERNS[@]}" "$RUNC" --root "$B/state" run --bundle "$B" "$id") ;;
	# The bare bundle's rootfs as the lower layer of a fresh overlay, as
	# husk's container gets one (mounted, used, unmounted and removed in
	# the run): what the overlay itself costs runc.
	runc-ovl) ARGV=("${USERNS[@]}" sh -c 'mkdir "$1/up" "$1/wk" &&
		mount -t overlay overlay -o "lowerdir=$2,upperdir=$1/up,workdir=$1/wk" "$1/merged" &&
		{ "$3" --root "$4" run --bundle "$1" "$5"; rc=$?; umount "$1/merged"; rm -rf "$1/up" "$1/wk"; exit $rc; }' \
		sh "$BO" "$B/rootfs" "$RUNC" "$B/state" "$id") ;;
	split) ARGV=("${USERNS[@]}" python3 -c "$SPLIT_PY" "$RUNC" "$B/state" "$B" "$id" "$SPLIT" "$SPLIT/phases") ;;
	userns) ARGV=("${USERNS[@]}" true) ;;
	*) bench_die "unknown case $1" ;;
	esac
}


# pss_mib PID: a process's PSS in MiB.
pss_mib() { awk '/^Pss:/ {printf "%.1f", $2 / 1024}' "/proc/$1/smaps_rollup" 2>/dev/null || echo "?"; }


finish() {
	local pid hpid
	pid=$(pause_pid) || pid=
	hpid=$(husk_pause_pid) || hpid=
	if [[ -d $HS ]]; then
		U "${HUSK[@]}" system reset -f >/dev/null 2>&1 || bench_log "warning: husk system reset failed"
		as_user rm -rf "$HS"
	fi
	if [[ -d $PS ]]; then
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			unshare rm -rf "$PS" 2>/dev/null || bench_log "warning: removing the podman store failed"
	fi
	if [[ -d $PCLEAN ]]; then
		U podman --root "$PCLEAN/root" --runroot "$PCLEAN/run" --tmpdir "$PTMP" --storage-driver overlay \
			system reset -f >/dev/null 2>&1 || true
	fi
	# Bare runc: `runc run` deletes its container; anything left (an
	# interrupted round) goes here.
	if [[ -d $B/state ]] && [[ -n $(ls -A "$B/state" 2>/dev/null) ]]; then
		bench_log "warning: runc state left in $B/state: $(ls "$B/state" | tr '\n' ' ')"
		U "${USERNS[@]}" bash -c 'for c in "$2"/*; do "$1" --root "$2" delete --force "${c##*/}"; done' \
			bash "$RUNC" "$B/state" 2>/dev/null || true
	fi
	as_user rm -rf "$B" "$SPLIT" 2>/dev/null || true
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
bench_header "run: husk vs podman vs bare runc, \`run --rm --network none $IMAGE true\`, rootless, runc for all"
others=$({ ps -u "$TEST_USER" -o pid= 2>/dev/null || true; } | wc -l)
bench_say "runtime: $("$RUNC" --version | head -n1) ($RUNC); $(conmon --version 2>/dev/null | head -n1 || echo 'conmon ?') (podman only)"
bench_say "other:   $others processes of $TEST_USER were running at the start (other test runs share this user and machine)"

bench_log "pulling $IMAGE into both stores (untimed)"
U "${HUSK[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/husk.pull" 2>&1 ||
	{ cat "$DATA/husk.pull" >&2; bench_die "husk pull failed"; }
U "${PODMAN[@]}" pull --tls-verify=false -q "$IMAGE" >"$DATA/podman.pull" 2>"$DATA/podman.pull.err" ||
	{ cat "$DATA/podman.pull.err" >&2; bench_die "podman pull failed"; }
[[ $(tail -n1 "$DATA/husk.pull") == "$(tail -n1 "$DATA/podman.pull")" ]] ||
	bench_say "WARNING: image IDs differ: husk $(tail -n1 "$DATA/husk.pull"), podman $(tail -n1 "$DATA/podman.pull")"
pause=$(pause_pid) || bench_die "podman did not leave a pause process in $PTMP (unexpected for podman 4.x)"
pinfo=$(U "${PODMAN[@]}" info --format 'events={{.Host.EventLogger}} cgroup-manager={{.Host.CgroupManager}} cgroups={{.Host.CgroupsVersion}} driver={{.Store.GraphDriverName}}' 2>/dev/null) ||
	pinfo="(podman info failed)"
PAUSE_PSS_P=$(pss_mib "$pause") PAUSE_PSS_H=0
bench_say "podman:  $pinfo; pause process pid $pause (catatonit, PSS $PAUSE_PSS_P MiB; started by the pull, joined by every podman run)"
if hpause=$(husk_pause_pid); then
	PAUSE_PSS_H=$(pss_mib "$hpause")
	bench_say "husk:    pause process pid $hpause (PSS $PAUSE_PSS_H MiB; started by the pull, joined by every husk command)"
else
	bench_say "husk:    no pause process: every husk command re-executes itself into a fresh user namespace"
fi

# husk's config.json: built when the container starts, so create, start,
# inspect, remove.
bench_log "getting husk's config.json"
U "${HUSK[@]}" create --name bench-spec --network none "$IMAGE" true >/dev/null
created_spec=$(U "${HUSK[@]}" container inspect --format '{{len .OCIConfig}}' bench-spec)
U "${HUSK[@]}" start -a bench-spec </dev/null
U "${HUSK[@]}" container inspect bench-spec >"$DATA/inspect.json"
jq -e '.[0].OCIConfig.root.path' "$DATA/inspect.json" >/dev/null || bench_die "husk container inspect shows no OCIConfig"
jq '.[0].OCIConfig' "$DATA/inspect.json" >"$DATA/husk-config.json"
hbundle=$(jq -r '.[0].Bundle' "$DATA/inspect.json")
for f in hosts hostname resolv.conf; do
	as_user cp "$hbundle/$f" "$B/$f"
done
# Files husk bind-mounts from the container's own directory (the store's),
# such as /run/.containerenv: copied into the bundle under their names.
jq -r '.mounts[] | select(.source | test("/overlay-containers/[0-9a-f]+/userdata/")) | select(.destination | IN("/etc/hosts", "/etc/hostname", "/etc/resolv.conf") | not) | .source' \
	"$DATA/husk-config.json" >"$DATA/own-files"
while read -r f; do
	as_user cp "$f" "$B/own-${f##*/}"
done <"$DATA/own-files"
U "${HUSK[@]}" rm bench-spec >/dev/null

# The rootfs: a plain directory with the image's files.
bench_log "unpacking the image into a plain rootfs (husk save + umoci unpack --rootless)"
U "${HUSK[@]}" save -q --format oci-archive -o "$W/img.tar" "$IMAGE"
as_user mkdir "$W/oci"
as_user tar -xf "$W/img.tar" -C "$W/oci"
# umoci wants a plain tag; husk's archive names the full reference.
as_user bash -c 'jq ".manifests[0].annotations[\"org.opencontainers.image.ref.name\"] = \"bench\"" "$1/index.json" >"$1/index.new" && mv "$1/index.new" "$1/index.json"' bash "$W/oci"
as_user umoci unpack --rootless --image "$W/oci:bench" "$W/umoci" >"$DATA/umoci.log" 2>&1 ||
	{ cat "$DATA/umoci.log" >&2; bench_die "umoci unpack failed"; }
as_user mv "$W/umoci/rootfs" "$B/rootfs"
as_user rm -rf "$W/umoci" "$W/oci" "$W/img.tar"

# The bare bundle's config.json: husk's, with the rootfs and the etc files
# moved; nothing else changes.
jq --arg b "$B" '
	.root.path = ($b + "/rootfs")
	| .mounts |= map(if (.destination | IN("/etc/hosts", "/etc/hostname", "/etc/resolv.conf"))
		then .source = ($b + "/" + (.destination | ltrimstr("/etc/")))
		elif (.source | test("/overlay-containers/[0-9a-f]+/userdata/"))
		then .source = ($b + "/own-" + (.source | split("/") | last)) else . end)' \
	"$DATA/husk-config.json" | as_user tee "$B/config.json" >/dev/null
as_user mkdir -p "$BO/merged"
jq --arg m "$BO/merged" '.root.path = $m' "$B/config.json" | as_user tee "$BO/config.json" >/dev/null
jq -r -n --slurpfile a "$DATA/husk-config.json" --slurpfile b "$B/config.json" '
	($a[0] | [paths(scalars)]) as $pa | ($b[0] | [paths(scalars)]) as $pb
	| ([$pa[] | select(. as $p | ($a[0] | getpath($p)) != ($b[0] | getpath($p)))]
	   + [$pb[] | select(. as $p | $pa | index([$p]) | not)]) | unique[]
	| . as $p | "  \($p | map(tostring) | join(".")): \($a[0] | getpath($p) // "(absent)") -> \($b[0] | getpath($p) // "(absent)")"' \
	>"$DATA/config.diff"

# Both namespaces must map alike.
hmap=$(U "${HUSK[@]}" run --rm --network none "$IMAGE" cat /proc/self/uid_map /proc/self/gid_map </dev/null | awk '{$1 = $1; print}' | paste -sd, -)
umap=$(U "${USERNS[@]}" cat /proc/self/uid_map /proc/self/gid_map | awk '{$1 = $1; print}' | paste -sd, -)
bench_say "userns:  husk's uid+gid maps: $hmap; bare runc's (unshare): $umap"
[[ $hmap == "$umap" ]] || bench_say "WARNING: the bare runc namespace maps differently from husk's"
if [[ $created_spec == 0 ]]; then
	bench_say "bundle:  husk's config.json (from \`husk container inspect\` after create + start -a; right after"
	bench_say "         create it has no OCIConfig: husk writes config.json when the container starts)."
else
	bench_say "bundle:  husk's config.json (from \`husk container inspect\` after create + start -a; this build"
	bench_say "         shows it right after create already, $created_spec bytes)."
fi
bench_say "         Fields changed for the bare bundle (all others, seccomp included, are husk's):"
bench_say_file "$DATA/config.diff"
bench_say "         rootfs: $(find "$B/rootfs" | wc -l) entries, plain directory on the same file system (husk: overlay)"

# ---------------------------------------------------------------- warm-up
bench_log "warm-up: $WARM round(s) of every case, and the wrapper's CPU baseline"
for ((r = 1; r <= WARM; r++)); do
	for c in "${CASES[@]}"; do
		case_argv "$c"
		bench_time_fine "$DATA/warm.$c" "${ARGV[@]}" || bench_die "$c failed in the warm-up"
	done
done
rm -f "$SPLIT/phases"
WRAP_CPU=$(bench_wrapper_cpu 5)

# ------------------------------------------------------------ timed rounds
# tree cpu minus the wrapper's share, in ms
net_cpu() { awk -v c="$1" -v w="$WRAP_CPU" 'BEGIN { if (c == "nan" || w == "nan") print "nan"; else printf "%.1f", (c - w) * 1000 }'; }

# timing_line FILE: "store_open image_ready ctr_created mounted spec_built
# created started exited done closed" in ms from husk's debug output.
timing_line() {
	awk '
		function ms(d) {
			if (d ~ /ms$/) return d + 0
			if (d ~ /(µs|us)$/) return d / 1000
			if (d ~ /ns$/) return d / 1e6
			if (d ~ /m[0-9.]+s$/) { split(d, p, "m"); return p[1] * 60000 + p[2] * 1000 }
			if (d ~ /s$/) return d * 1000
			return -1
		}
		/timing: / {
			s = $0; sub(/.*timing: /, "", s); sub(/".*/, "", s)
			i = index(s, " at "); v[substr(s, 1, i - 1)] = ms(substr(s, i + 4))
		}
		END {
			n = split("store open,image ready,container created,mounted,spec built,created,started,exited,container done,closed", k, ",")
			for (i = 1; i <= n; i++) printf "%s%s", (k[i] in v ? v[k[i]] : "nan"), (i < n ? " " : "\n")
		}' "$1"
}

bench_log "timed rounds: N=$BENCH_N, ${#CASES[@]} cases each"
# husk's --log-level debug rounds feed the per-phase breakdown.
record_breakdown() {
	[[ $1 == husk-dbg ]] || return 0
	echo "$(tail -n1 "$DATA/$1.time" | cut -d' ' -f1) $(timing_line "$DATA/$1.time.stderr")" >>"$DATA/breakdown"
}
BENCH_ROUND_HOOK=record_breakdown bench_rounds case_argv bench_time_fine "$DATA/load" 0 "${CASES[@]}"

if ((BENCH_MEM_N > 0)); then
	bench_log "memory rounds (treerss, every $MEM_IV): N=$BENCH_MEM_N"
	for ((r = 1; r <= BENCH_MEM_N; r++)); do
		if ((r % 2)); then order=(podman husk runc); else order=(runc husk podman); fi
		for c in "${order[@]}"; do
			case_argv "$c"
			bench_sync
			bench_mem_fine "$DATA/$c.mem" "$MEM_IV" "${ARGV[@]}" || bench_die "$c failed in memory round $r"
		done
	done
fi

# ---------------------------------------------------------------- timeline
# perf_table ROOTPID < perf script output: one line per process of ROOTPID's
# tree that exec'd: "TGID PARENT EXIT_TS NEXEC TS1 FILE1 TS2 FILE2 ..."
# (EXIT_TS "-" when it outlived the recording).
perf_table() {
	awk -v root="$1" '
		{
			for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) break
			if (i > NF) next
			split($i, pt, "/"); tg = pt[1]; ts = $(i + 1); sub(/:$/, "", ts); ev = $(i + 2)
			mine = (tg == root || (tg in in_))
			if (ev ~ /sched_process_fork/) {
				for (j = i + 3; j <= NF; j++) if ($j ~ /^child_pid=/) c = substr($j, 11)
				if (mine) { in_[c] = 1; if (!(c in par)) par[c] = tg }
			} else if (ev ~ /sched_process_exec/ && mine) {
				for (j = i + 3; j <= NF; j++) if ($j ~ /^filename=/) f = substr($j, 10)
				if (!(tg in n)) seq[++m] = tg
				n[tg]++; et[tg, n[tg]] = ts; ef[tg, n[tg]] = f
			} else if (ev ~ /sched_process_exit/ && mine && /group_dead=true/) {
				xt[tg] = ts
			}
		}
		END {
			for (q = 1; q <= m; q++) {
				tg = seq[q]
				printf "%s %s %s %d", tg, (tg in par ? par[tg] : "-"), (tg in xt ? xt[tg] : "-"), n[tg]
				for (k = 1; k <= n[tg]; k++) printf " %s %s", et[tg, k], ef[tg, k]
				printf "\n"
			}
		}'
}

# perf_spans KIND < perf_table: "NAME|MS" lines for husk or runc.
perf_spans() {
	awk -v kind="$1" -v hb="$HUSK_BIN" '
		function d(a, b) { return (a == "" || b == "" || a == "-" || b == "-") ? "nan" : sprintf("%.1f", (b - a) * 1000) }
		{
			tg = $1; pp[tg] = $2; x[tg] = $3; ne[tg] = $4; all[++m] = tg
			for (k = 1; k <= $4; k++) { t[tg, k] = $(3 + 2 * k); f[tg, k] = $(4 + 2 * k) }
		}
		# findexec PAT: the process with the earliest exec of a file
		# matching PAT (any exec of its chain); FX = the index of that exec.
		function findexec(pat,   q, tg, k, best, bt, bk) {
			best = ""
			for (q = 1; q <= m; q++) {
				tg = all[q]
				for (k = 1; k <= ne[tg]; k++)
					if (f[tg, k] ~ pat) { if (best == "" || t[tg, k] < bt) { best = tg; bt = t[tg, k]; bk = k }; break }
			}
			FX = bk
			return best
		}
		function ctr(   q, tg, k) {   # the container process: the exec of /bin/true
			for (q = 1; q <= m; q++) { tg = all[q]; for (k = 1; k <= ne[tg]; k++) if (f[tg, k] ~ /\/true$/) { CT = t[tg, k]; CX = x[tg]; return } }
		}
		END {
			ctr()
			if (kind == "husk") {
				# Works for both ways into the namespace: a forked child
				# that newuidmap/newgidmap map and that executes itself
				# again (/proc/self/exe, then /dev/fd/N), or the same
				# process executing itself to join a pause process.
				o = findexec("^" hb "$"); to = t[o, FX]; ox = FX
				nr = 0
				for (q = 1; q <= m; q++) { tg = all[q]; if (f[tg, 1] ~ /\/runc$/ && pp[tg] != "-" && f[pp[tg], 1] !~ /\/runc$/) r[++nr] = tg }
				for (a = 1; a <= nr; a++) for (b = a + 1; b <= nr; b++) if (t[r[b], 1] < t[r[a], 1]) { s = r[a]; r[a] = r[b]; r[b] = s }
				in1 = pp[r[1]]                 # the husk process that runs runc
				tin = t[in1, ne[in1]]          # its last exec: Go starts for good
				maps = 0; nmaps = 0
				for (q = 1; q <= m; q++) { tg = all[q]; if (f[tg, 1] ~ /new[ug]idmap$/ && x[tg] != "-") { maps += x[tg] - t[tg, 1]; nmaps++ } }
				nex = 0
				for (k = ox; k <= ne[o]; k++) if (f[o, k] ~ ("^" hb "$|^/proc/self/exe$|^/dev/fd/")) nex++
				if (in1 != o) for (k = 1; k <= ne[in1]; k++) if (f[in1, k] ~ ("^" hb "$|^/proc/self/exe$|^/dev/fd/")) nex++
				x_o = x[o]
				print "husk exec -> last exec of the husk that runs runc (into the namespace)|" d(to, tin)
				printf "  executions of the husk binary (all processes)|%d\n", nex
				printf "  newgidmap/newuidmap executions|%d\n", nmaps
				printf "  time newgidmap + newuidmap ran|%.1f\n", maps * 1000
				print "that exec -> runc create exec (Go start, store, create, mount, spec)|" d(tin, t[r[1], 1])
				print "runc create (exec -> exit)|" d(t[r[1], 1], x[r[1]])
				print "runc create exit -> runc start exec|" d(x[r[1]], t[r[2], 1])
				print "runc start (exec -> exit)|" d(t[r[2], 1], x[r[2]])
				print "container process true (exec -> exit)|" d(CT, CX)
				print "true exit -> runc delete exec|" d(CX, t[r[3], 1])
				print "runc delete (exec -> exit)|" d(t[r[3], 1], x[r[3]])
				print "true exit -> exit of the husk that ran runc (cleanup)|" d(CX, x[in1])
				print "that exit -> first husk process exit|" d(x[in1], x[o])
				print "total: husk exec -> exit|" d(to, x[o])
			} else {
				u = findexec("/unshare$"); tu = t[u, FX]
				ur = ""
				for (k = FX + 1; k <= ne[u]; k++) if (f[u, k] ~ /\/runc$/) { ur = t[u, k]; break }
				print "unshare exec -> runc exec (user+mount ns, newuidmap+newgidmap)|" d(tu, ur)
				print "runc run exec -> container process exec|" d(ur, CT)
				print "container process true (exec -> exit)|" d(CT, CX)
				print "true exit -> runc exit (runc run deletes the container)|" d(CX, x[u])
				print "total: unshare exec -> runc exit|" d(tu, x[u])
			}
		}'
}

# perf_listing T0PAT < perf_table: every process from the first exec
# matching T0PAT on: start offset, lifetime, exec chain.
perf_listing() {
	awk -v pat="$1" '
		{
			line[++m] = $0
			for (k = 1; k <= $4; k++) if ($(4 + 2 * k) ~ pat && (t0 == "" || $(3 + 2 * k) < t0)) t0 = $(3 + 2 * k)
		}
		END {
			for (q = 1; q <= m; q++) {
				n = split(line[q], a, " ")
				if (a[4 + 2 * a[4]] ~ /\/sleep$/) continue
				for (k = 1; k <= a[4] && a[3 + 2 * k] < t0; k++) ;
				if (k > a[4]) continue
				ts = a[3 + 2 * k]; chain = a[4 + 2 * k]
				for (k++; k <= a[4]; k++) chain = chain " > " a[4 + 2 * k]
				life = (a[3] == "-") ? "  (alive at end)" : sprintf("%9.1f ms", (a[3] - ts) * 1000)
				printf "%s    +%7.1f ms %s  pid %-7s parent %-7s %s\n", ts, (ts - t0) * 1000, life, a[1], a[2], chain
			}
		}' | sort -n | cut -d' ' -f2-
}

PERF_OK=
if ((TRACE_N > 0)) && command -v perf >/dev/null &&
	perf record -q -o "$DATA/probe.perf" -a -e sched:sched_process_exec -- true >/dev/null 2>&1; then
	PERF_OK=1
fi
if [[ -n $PERF_OK ]]; then
	bench_log "timeline rounds under perf (sched exec/exit/fork tracepoints): $TRACE_N per tool"
	for ((r = 1; r <= TRACE_N; r++)); do
		for c in husk runc podman; do
			[[ $c == podman && $r -gt 1 ]] && continue # one listing is enough
			case_argv "$c"
			bench_sync
			pf=$DATA/$c.$r.perf
			# sleep: catch what outlives the command (podman's cleanup)
			perf record -q -o "$pf" -a -e sched:sched_process_exec -e sched:sched_process_exit -e sched:sched_process_fork \
				-- bash -c 'echo $$ >"$1"; shift; as_user "$@" </dev/null >/dev/null 2>&1; sleep 1' \
				bash "$DATA/perf.root" env "${BENCH_USER_ENV[@]}" "${ARGV[@]}" >/dev/null 2>&1 || bench_die "$c failed under perf"
			perf script -i "$pf" -F comm,pid,tid,time,event,trace 2>/dev/null |
				perf_table "$(cat "$DATA/perf.root")" >"$DATA/$c.$r.table"
			if [[ $c != podman ]]; then
				perf_spans "$c" <"$DATA/$c.$r.table" >>"$DATA/$c.spans"
			fi
			rm -f "$pf"
		done
	done
fi

# ------------------------------------------------------------------ report
label() {
	case $1 in
	husk) echo "husk run --rm" ;;
	podman) echo "podman run --rm" ;;
	runc) echo "bare runc run" ;;
	runc-ovl) echo "bare runc run, overlay" ;;
	split) echo "runc split (py start in)" ;;
	userns) echo "unshare userns only" ;;
	husk-dbg) echo "husk, --log-level debug" ;;
	husk-late) echo "husk run, runc started late" ;;
	husk-small) echo "husk run, heap on small pages" ;;
	husk-nopf) echo "husk run, code mapped page by page" ;;
	husk-ver) echo "husk version" ;;
	esac
}

bench_say ""
bench_say "Per case: medians over $BENCH_N rounds (wall = the command alone; tree cpu = CPU of every process it"
bench_say "started, lingering ones included, minus the runuser wrapper's $(bench_ms "$WRAP_CPU") ms; rusage cpu = what"
bench_say "/usr/bin/time sees; %M = largest single process; linger = processes alive after the command returned):"
{
	printf '%-24s %18s %9s %9s %7s %9s %8s\n' case "wall ms (min-max)" "tree cpu" "rus. cpu" "%M MiB" "tree PSS" "linger"
	for c in "${CASES[@]}"; do
		pss=-
		[[ -s $DATA/$c.mem ]] && pss=$(bench_mib "$(bench_median "$DATA/$c.mem" 1)")
		printf '%-24s %18s %9s %9s %7s %9s %8s\n' "$(label "$c")" "$(ms_med "$c" 1) ($(ms_minmax "$c" 1))" \
			"$(net_cpu "$(med "$c" 4)")" "$(ms_med "$c" 3)" "$(bench_mib "$(med "$c" 2)")" "$pss" "$(ms_med "$c" 5)"
	done
} >"$DATA/table"
bench_say_file "$DATA/table"
bench_say "(tree PSS in MiB: peak sum over the process tree, separate rounds, N=$BENCH_MEM_N; '-' = not measured)"

hw=$(med husk 1) pw=$(med podman 1) rw=$(med runc 1)
gp=$(goal_for podman) gr=$(goal_for runc)
rp=$(bench_ratio "$hw" "$pw") rr=$(bench_ratio "$hw" "$rw")
rpss=nan rm_=$(bench_ratio "$(med husk 2)" "$(med podman 2)")
if [[ -s $DATA/husk.mem && -s $DATA/podman.mem ]]; then
	rpss=$(bench_ratio "$(bench_median "$DATA/husk.mem" 1)" "$(bench_median "$DATA/podman.mem" 1)")
fi
# The pause processes stay outside the measured trees; counted in, as an
# approximation (their PSS was taken while idle).
rpss_pause=nan
if [[ -s $DATA/husk.mem && -s $DATA/podman.mem ]]; then
	rpss_pause=$(awk -v h="$(bench_median "$DATA/husk.mem" 1)" -v p="$(bench_median "$DATA/podman.mem" 1)" \
		-v hp="$PAUSE_PSS_H" -v pp="$PAUSE_PSS_P" 'BEGIN { printf "%.2f", (h / 1024 + hp) / (p / 1024 + pp) }')
fi
rcpu=$(awk -v h="$(net_cpu "$(med husk 4)")" -v p="$(net_cpu "$(med podman 4)")" 'BEGIN { if (h == "nan" || p == "nan" || p == 0) print "nan"; else printf "%.2f", h / p }')
bench_say ""
bench_say "Ratios of the medians:"
bench_say "  husk/podman     wall $rp $(bench_goal "$rp" "$gp") (goal <=$gp); tree PSS $rpss, %M $rm_ (memory: reported, no goal); (tree cpu $rcpu)"
bench_say "  husk/podman     tree PSS + the idle pause process's PSS ($PAUSE_PSS_H vs $PAUSE_PSS_P MiB): $rpss_pause (approx.)"
bench_say "  husk/bare runc  wall $rr $(bench_goal "$rr" "$gr") (goal <=$gr)"
bench_say "  (husk needs $(bench_ms "$(awk -v a="$hw" -v b="$rw" 'BEGIN {print a - b}')") ms more than the bare runc run; podman $(bench_ms "$(awk -v a="$pw" -v b="$rw" 'BEGIN {print a - b}')") ms)"
rs=$(bench_ratio "$(med husk-small 1)" "$rw")
bench_say "  husk/bare runc with the heap on small pages (HUSK_SMALL_PAGES=1)  wall $rs ($(bench_ms "$(awk -v a="$(med husk-small 1)" -v b="$hw" 'BEGIN {print a - b}')") ms more than with huge pages)"
rs=$(bench_ratio "$(med husk-nopf 1)" "$rw")
bench_say "  husk/bare runc with the code mapped page by page (HUSK_NO_PREFAULT=1)  wall $rs ($(bench_ms "$(awk -v a="$(med husk-nopf 1)" -v b="$hw" 'BEGIN {print a - b}')") ms more than mapped at start)"
ro=$(bench_ratio "$hw" "$(med runc-ovl 1)")
bench_say "  husk/bare runc on an overlay rootfs  wall $ro (not the goal's baseline: shows what the overlay itself costs runc,"
bench_say "                  $(bench_ms "$(awk -v a="$(med runc-ovl 1)" -v b="$rw" 'BEGIN {print a - b}')") ms over the plain directory, mount and removal included)"

# husk's breakdown: columns of $DATA/breakdown: wall_s, then the timing
# points in ms. Two clocks: runContainer's (store open .. image ready ..
# container created .. container done, closed) and runtime.Start's, which
# starts right after "container created" (mounted .. exited).
bench_say ""
bench_say "husk's breakdown (--log-level debug rounds, medians of per-round differences in ms; share of the"
bench_say "debug round's wall):"
awk '
	{
		w = $1 * 1000
		so = $2; ir = $3; cc = $4; mo = $5; sb = $6; cr = $7; st = $8; ex = $9; dn = $10; cl = $11
		v[1] = w - cl;          v[2] = so;             v[3] = ir - so;      v[4] = cc - ir
		v[5] = mo;              v[6] = sb - mo;        v[7] = cr - sb;      v[8] = st - cr
		v[9] = ex - st;         v[10] = dn - (cc + ex); v[11] = cl - dn;    v[12] = w
		for (i = 1; i <= 12; i++) col[i, NR] = v[i]
	}
	function median(i,   n, a, j, k, t) {
		for (j = 1; j <= NR; j++) a[j] = col[i, j]
		for (j = 1; j <= NR; j++) for (k = j + 1; k <= NR; k++) if (a[k] < a[j]) { t = a[j]; a[j] = a[k]; a[k] = t }
		return (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
	}
	END {
		split("outside husk'"'"'s clock: process start(s), entering the user namespace, Go runtime start, exit|" \
		      "open the store|" \
		      "look up the image|" \
		      "create the container (containers/storage: layer + records)|" \
		      "mount the overlay|" \
		      "build the spec (image config, /etc files, seccomp)|" \
		      "write config.json + runc create|" \
		      "save state + runc start|" \
		      "container runs (true)|" \
		      "cleanup: runc state (in-process), alongside unmount + delete storage|" \
		      "close the store|" \
		      "wall (debug round)", name, "|")
		total = median(12)
		for (i = 1; i <= 12; i++) { m = median(i); printf "  %-86s %7.1f %5.0f%%\n", name[i], m, 100 * m / total }
	}' "$DATA/breakdown" >"$DATA/breakdown.table"
bench_say_file "$DATA/breakdown.table"

if [[ -s $SPLIT/phases ]]; then
	bench_say ""
	bench_say "runc driven like husk drives it (split case, same bundle and namespace; ms, medians, measured inside python,"
bench_say "so without unshare and python's start, which the table's wall includes):"
	bench_say "  runc create $(bench_ms "$(bench_median "$SPLIT/phases" 1)"), runc start $(bench_ms "$(bench_median "$SPLIT/phases" 2)"), wait $(bench_ms "$(bench_median "$SPLIT/phases" 3)"), runc delete --force $(bench_ms "$(bench_median "$SPLIT/phases" 4)"); lifecycle $(bench_ms "$(bench_median "$SPLIT/phases" 5)")"
	bench_say "  against bare \`runc run\` $(ms_med runc 1) ms, of which the user namespace (unshare + newuidmap/newgidmap + true) $(ms_med userns 1) ms"
fi

if [[ -n $PERF_OK ]]; then
	for c in husk runc; do
		bench_say ""
		bench_say "Process timeline, $(label "$c") (perf sched tracepoints; medians of $TRACE_N rounds, ms):"
		awk -F'|' '
			{ if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }; c = ++cnt[$1]; v[$1, c] = $2 }
			END {
				for (i = 1; i <= n; i++) {
					k = order[i]; m = cnt[k]; delete a
					for (j = 1; j <= m; j++) a[j] = v[k, j]
					for (j = 1; j <= m; j++) for (l = j + 1; l <= m; l++) if (a[l] + 0 < a[j] + 0) { t = a[j]; a[j] = a[l]; a[l] = t }
					med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
					printf "  %-70s %7.1f\n", k, med
				}
			}' "$DATA/$c.spans" >"$DATA/$c.spans.table"
		bench_say_file "$DATA/$c.spans.table"
	done
	bench_say ""
	bench_say "One traced round of each, process by process (offset from the tool's exec, lifetime, exec chain):"
	for c in husk runc podman; do
		case $c in husk) pat="^$HUSK_BIN\$" ;; runc) pat="/unshare\$" ;; podman) pat="/podman\$" ;; esac
		bench_say "  $(label "$c"):"
		perf_listing "$pat" <"$DATA/$c.1.table" >"$DATA/$c.listing"
		bench_say_file "$DATA/$c.listing"
	done
else
	bench_say ""
	bench_say "(no process timeline: perf missing or not usable, or BENCH_RUN_TRACE=0)"
fi

bench_say ""
bench_say "Raw timed rounds (wall ms / tree cpu ms incl. wrapper / linger ms), in order:"
for c in "${CASES[@]}"; do
	bench_say "  $(printf '%-9s' "$c") $(awk '{printf "%.0f/%.0f/%.0f ", $1 * 1000, $4 * 1000, $5 * 1000}' "$DATA/$c.time")"
done
bench_say "  1-min load average at each round's start: $(tr '\n' ' ' <"$DATA/load")"
if ((BENCH_MEM_N > 0)); then
	bench_say "Raw memory rounds (tree PSS peak kB / tree RSS peak kB / largest process kB / processes seen):"
	for c in husk podman runc; do
		bench_say "  $(printf '%-9s' "$c") $(awk '{printf "%s/%s/%s/%s  ", $1, $2, $3, $5}' "$DATA/$c.mem")"
	done
fi
bench_say "husk debug rounds (wall ms, then timing points ms: store open, image ready, container created |"
bench_say "mounted, spec built, created, started, exited | container done, closed):"
while read -r line; do
	bench_say "  $(awk '{printf "%.0f: ", $1 * 1000; for (i = 2; i <= NF; i++) printf "%.1f ", $i}' <<<"$line")"
done <"$DATA/breakdown"
bench_say ""
bench_say "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_done
