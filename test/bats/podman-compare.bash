# Helpers of the bats files that run the same command lines with husk and
# podman (51x-*.bats), loaded after helpers.bash. podman gets a store of
# its own under $BATS_FILE_TMPDIR (--root, --runroot), runc (crun refuses
# hybrid cgroup hosts), cgroupfs and file events, so that it touches
# neither the user's podman store nor the other files.

# podman_problem: why podman cannot be compared with (or nothing).
podman_problem() {
	if ! command -v podman >/dev/null; then
		echo "needs podman to compare with (apt-get install podman)"
		return
	fi
	if ! command -v runc >/dev/null; then
		echo "needs runc for podman"
		return
	fi
}

# podman_setup_file: after husk_setup_file, point podman at the file's own
# store; sets HUSK_SKIP_REASON when podman is missing.
podman_setup_file() {
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	HUSK_SKIP_REASON=$(podman_problem)
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	export PODMAN_DIR=$BATS_FILE_TMPDIR/podman
	mkdir -p "$PODMAN_DIR/root" "$PODMAN_DIR/run" "$PODMAN_DIR/tmp"
	# podman keeps its pause process's pid under XDG_RUNTIME_DIR
	export PODMAN_XDG=$XDG_RUNTIME_DIR
}

# pm ARGS...: podman with the file's store.
pm() {
	XDG_RUNTIME_DIR=$PODMAN_XDG TMPDIR=$PODMAN_DIR/tmp podman --root "$PODMAN_DIR/root" --runroot "$PODMAN_DIR/run" \
		--cgroup-manager cgroupfs --events-backend file --runtime runc "$@"
}

# run_pm [EXPECTED_RC] ARGS...: pm under bats' run, as run_husk.
run_pm() {
	local expected=0
	if [[ $# -gt 0 && ($1 =~ ^[0-9]+$ || $1 == '?') ]]; then
		expected=$1
		shift
	fi
	run_expect "$expected" pm "$@"
}

# podman_teardown_file: remove podman's containers and store (its files
# of subordinate ids in podman's namespace: only it can remove them) and
# stop the pause process podman started for this file, last: a podman
# command after it (unshare) would start another that nothing stops.
podman_teardown_file() {
	[[ -n ${PODMAN_DIR:-} && -d $PODMAN_DIR ]] || return 0
	local pids pidfile=$PODMAN_XDG/libpod/tmp/pause.pid
	pids=$(cat "$pidfile" 2>/dev/null) || true
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	pm system reset -f >/dev/null 2>&1 || true
	XDG_RUNTIME_DIR=$PODMAN_XDG podman unshare rm -rf "$PODMAN_DIR" >/dev/null 2>&1 || true
	pids="$pids $(cat "$pidfile" 2>/dev/null)" || true
	local pid
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
}

# both CMD...: run a command line with husk, then podman, and set
# HUSK_OUT, PM_OUT (stdout) and HUSK_RC, PM_RC.
both() {
	HUSK_RC=0 PM_RC=0
	HUSK_OUT=$("$HUSK" "$@" 2>"$BATS_TEST_TMPDIR/husk.err") || HUSK_RC=$?
	PM_OUT=$(pm "$@" 2>"$BATS_TEST_TMPDIR/pm.err") || PM_RC=$?
}

# expect_same CMD...: husk and podman print the same lines (in any
# order) and exit with the same code.
expect_same() {
	both "$@"
	[[ $HUSK_RC -eq $PM_RC ]] || die "$*: husk exited $HUSK_RC, podman $PM_RC
husk: $HUSK_OUT $(cat "$BATS_TEST_TMPDIR/husk.err")
podman: $PM_OUT $(cat "$BATS_TEST_TMPDIR/pm.err")" || return 1
	[[ $(sort <<<"$HUSK_OUT") == "$(sort <<<"$PM_OUT")" ]] || die "$*: outputs differ
husk:
$HUSK_OUT
podman:
$PM_OUT"
}

# expect_same_ordered CMD...: as expect_same, in the same order.
expect_same_ordered() {
	both "$@"
	[[ $HUSK_RC -eq $PM_RC && $HUSK_OUT == "$PM_OUT" ]] || die "$*: husk (exit $HUSK_RC) and podman (exit $PM_RC) differ
husk:
$HUSK_OUT
podman:
$PM_OUT"
}

# header_of TEXT: the first line with runs of spaces squeezed (column
# widths depend on the rows).
header_of() {
	head -n1 <<<"$1" | sed -E 's/ +/ /g; s/ $//'
}

# json_shape: the keys of each object in the JSON list on stdin and their
# types (null where the value is null), one object per line, sorted.
json_shape() {
	python3 -c '
import json, sys
def t(v):
    return "null" if v is None else type(v).__name__
for o in json.load(sys.stdin):
    print(" ".join("%s:%s" % (k, t(v)) for k, v in sorted(o.items())))
' | sort -u
}

# podman_compare_setup_file IMAGE...: a file whose tests run husk and
# podman side by side: both get the images.
podman_compare_setup_file() {
	husk_setup_run_file "$@"
	podman_setup_file
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	local img
	for img in "$@"; do
		pm pull -q --tls-verify=false "$R/$img" >/dev/null
	done
}

# podman_optional_setup_file [IMAGE...]: for a file whose husk tests also
# run without podman, after husk's setup_file helpers: PM_SKIP says why
# podman cannot be compared with ("" when it can); when it can, podman gets
# the file's store (podman_setup_file) and pulls each IMAGE of the test
# registry.
podman_optional_setup_file() {
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	PM_SKIP=$(podman_problem)
	export PM_SKIP
	if [[ -n $PM_SKIP ]]; then
		return 0
	fi
	podman_setup_file
	local img
	for img in "$@"; do
		pm pull -q --tls-verify=false "$R/$img" >/dev/null
	done
}

# podman_optional_teardown_file: the teardown of such a file: podman's
# store and pause process first (when podman was set up), then husk's.
podman_optional_teardown_file() {
	[[ -n ${PM_SKIP:-} ]] || podman_teardown_file
	husk_teardown_file
}

# podman_compare_teardown_file: podman_teardown_file, then husk's.
podman_compare_teardown_file() {
	podman_teardown_file
	husk_teardown_file
}

# on_both ARGS...: run ARGS with husk and with podman, output dropped.
on_both() {
	"$HUSK" "$@" >/dev/null 2>&1 || true
	pm "$@" >/dev/null 2>&1 || true
}
