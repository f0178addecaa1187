# Shared helpers of husk's bats suite; every *.bats file starts with
# `load helpers`.
#
# The rootless files run as the unprivileged test user (test/run-rootless.sh
# stages husk and this directory and runs `bats --tap bats` through as_user in
# test/lib.sh), against the real test registry and a private store per file:
#
#   HUSK                path of the husk binary under test
#   HUSK_TEST_REGISTRY  host:port of the plain-HTTP test registry
#   HUSK_TEST_IMAGES    directory of the test images' OCI layouts
#
# A file calls husk_setup_file from setup_file, husk_setup from setup and
# husk_teardown_file from teardown_file (or simply uses the defaults below).
# Preconditions that are missing make every test of the file skip with the
# reason (bats 1.8 cannot skip from setup_file, so the reason is passed on
# to setup).

if type bats_require_minimum_version >/dev/null 2>&1; then
	bats_require_minimum_version 1.5.0 # run --separate-stderr
fi

: "${HUSK:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)/husk}"
if [[ ! -x $HUSK && -x $BATS_TEST_DIRNAME/../../bin/husk ]]; then
	HUSK=$(cd "$BATS_TEST_DIRNAME/../../bin" && pwd)/husk
fi
export HUSK
# The rootless network namespace of the bridges goes with its last
# container (husk keeps it 60 s by default, internal/childenv NetLinger):
# the tests check for leftovers right after. 596-default-net.bats tests
# the linger itself.
export HUSK_NET_LINGER=0
: "${HUSK_TEST_IMAGES:=/var/tmp/husk-test-images}"
export HUSK_TEST_IMAGES
# The test images' names in the registry.
R=${HUSK_TEST_REGISTRY:-}/husk-test

HEX64='^[0-9a-f]{64}$'

# ---------------------------------------------------------------- running husk

# run_husk [EXPECTED_RC] ARGS...
# Runs "$HUSK" ARGS with bats' run: $output is stdout, $stderr is stderr
# ($lines/$stderr_lines split them), $status the exit code. Fails the test,
# showing the command, both exit codes and both outputs, when the code is not
# EXPECTED_RC (default 0; '?' accepts any). Stdin is passed through, so
# `run_husk load <file` and `run_husk login ... <<<"$password"` work.
run_husk() {
	local expected=0
	if [[ $# -gt 0 && ($1 =~ ^[0-9]+$ || $1 == '?') ]]; then
		expected=$1
		shift
	fi
	run_expect "$expected" "$HUSK" "$@"
}

# run_expect EXPECTED_RC CMD...: run_husk's engine, for any command.
run_expect() {
	local expected=$1
	shift
	run --separate-stderr "$@"
	if [[ $expected != '?' && $status -ne $expected ]]; then
		{
			printf '#/vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\n'
			printf '#| FAIL:'
			printf ' %q' "$@"
			printf '\n#| expected exit code %s, got %s\n' "$expected" "$status"
			printf '#| stdout:\n'
			[[ -z $output ]] || sed 's/^/#|   /' <<<"$output"
			printf '#| stderr:\n'
			[[ -z $stderr ]] || sed 's/^/#|   /' <<<"$stderr"
			printf '#\\^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n'
		} >&2
		return 1
	fi
	return 0
}

# die MESSAGE: fail the current test with a message.
die() {
	printf '# FAIL: %s\n' "$*" >&2
	return 1
}

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
	[[ $1 == "$2" ]] || die "${3:-value}: expected \"$2\", got \"$1\""
}

# expect_match ACTUAL REGEX [WHAT]
expect_match() {
	[[ $1 =~ $2 ]] || die "${3:-value}: expected to match /$2/, got \"$1\""
}

# expect_contains HAYSTACK NEEDLE [WHAT]
expect_contains() {
	[[ $1 == *"$2"* ]] || die "${3:-output}: expected to contain \"$2\", got:
$1"
}

# expect_not_contains HAYSTACK NEEDLE [WHAT]
expect_not_contains() {
	[[ $1 != *"$2"* ]] || die "${3:-output}: expected not to contain \"$2\", got:
$1"
}

# expect_one_error_line: the last run_husk wrote exactly one line to stderr
# and it starts with "husk: ".
expect_one_error_line() {
	if [[ ${#stderr_lines[@]} -ne 1 || ${stderr_lines[0]} != "husk: "* ]]; then
		die "expected exactly one stderr line starting with 'husk: ', got ${#stderr_lines[@]}:
$stderr"
	fi
}

# json EXPR: evaluate a Python expression on the JSON in $output (as `d`)
# and print the result (JSON for lists/dicts).
json() {
	python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (list, dict)) else v)
' "$1" <<<"$output"
}

# expect_valid_json: $output parses as JSON.
expect_valid_json() {
	python3 -c 'import json,sys; json.load(sys.stdin)' <<<"$output" ||
		die "output is not valid JSON:
$output"
}

# ---------------------------------------------------------------- test images

# oci_image_id NAME [ARCH]: the image ID (config digest, hex) of a test image
# from its OCI layout; ARCH picks from a multi-platform index.
oci_image_id() {
	python3 - "$HUSK_TEST_IMAGES/$1" "${2:-}" <<'EOF'
import json, os, sys
root, arch = sys.argv[1], sys.argv[2]
def blob(d):
    with open(os.path.join(root, "blobs", *d.split(":"))) as f:
        return json.load(f)
desc = json.load(open(os.path.join(root, "index.json")))["manifests"][0]
m = blob(desc["digest"])
if "manifests" in m:
    m = blob(next(x for x in m["manifests"] if x["platform"]["architecture"] == arch)["digest"])
print(m["config"]["digest"].split(":")[1])
EOF
}

# oci_manifest_digest NAME: the digest of a test image's manifest (what the
# registry serves it under).
oci_manifest_digest() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
		"$HUSK_TEST_IMAGES/$1/index.json"
}

# ---------------------------------------------------------------- preconditions

# rootless_problem: prints why this process cannot run the rootless tests,
# or nothing.
rootless_problem() {
	local uid name
	uid=$(id -u)
	name=$(id -un)
	if [[ $uid -eq 0 ]]; then
		echo "needs an unprivileged user with subordinate ids, not root (run test/run-rootless.sh)"
		return
	fi
	if ! grep -qE "^($name|$uid):[0-9]+:[0-9]+" /etc/subuid 2>/dev/null ||
		! grep -qE "^($name|$uid):[0-9]+:[0-9]+" /etc/subgid 2>/dev/null; then
		echo "needs subordinate ids for $name in /etc/subuid and /etc/subgid (run test/setup/setup.sh as root)"
		return
	fi
	test_env_problem
}

# test_env_problem: what every file needs besides its user: the husk
# binary, the test registry, the test images' layouts, python3 (or
# nothing, when all is there).
test_env_problem() {
	if [[ ! -x $HUSK ]]; then
		echo "needs the husk binary at \$HUSK ($HUSK): run make build"
		return
	fi
	if [[ -z ${HUSK_TEST_REGISTRY:-} ]]; then
		echo "needs HUSK_TEST_REGISTRY (host:port of the test registry; test/run-all.sh and test/run-rootless.sh set it)"
		return
	fi
	if ! curl -fsS -o /dev/null "http://$HUSK_TEST_REGISTRY/v2/" 2>/dev/null; then
		echo "needs the test registry at $HUSK_TEST_REGISTRY (test/setup/registry.sh start; test/setup/push-images.sh)"
		return
	fi
	if [[ ! -f $HUSK_TEST_IMAGES/busybox/index.json ]]; then
		echo "needs the test images' layouts in $HUSK_TEST_IMAGES (test/setup/push-images.sh)"
		return
	fi
	if ! command -v python3 >/dev/null; then
		echo "needs python3"
		return
	fi
}

# root_setup_file: the start of setup_file for the files run as root
# (root-*.bats): finds the test registry when the file is run by hand,
# then sets HUSK_SKIP_REASON from the file's own root_problem. Fails (1)
# when the file must skip.
root_setup_file() {
	if [[ -z ${HUSK_TEST_REGISTRY:-} && -x $BATS_TEST_DIRNAME/../setup/registry.sh ]]; then
		HUSK_TEST_REGISTRY=$("$BATS_TEST_DIRNAME/../setup/registry.sh" addr)
		export HUSK_TEST_REGISTRY
		R=$HUSK_TEST_REGISTRY/husk-test
	fi
	export HUSK_SKIP_REASON
	HUSK_SKIP_REASON=$(root_problem)
	[[ -z $HUSK_SKIP_REASON ]]
}

# husk_with_store ROOT RUNROOT: from here every husk command of the file
# uses that store: HUSK becomes a wrapper that adds --root and --runroot
# (REAL_HUSK is the binary itself).
husk_with_store() {
	export REAL_HUSK=${REAL_HUSK:-$HUSK}
	mkdir -p "$1" "$2"
	printf '#!/bin/sh\nexec "%s" --root "%s" --runroot "%s" "$@"\n' "$REAL_HUSK" "$1" "$2" >"$BATS_FILE_TMPDIR/husk"
	chmod 0755 "$BATS_FILE_TMPDIR/husk"
	export HUSK=$BATS_FILE_TMPDIR/husk
}

# kill_and_wait PID...: SIGKILL each process and wait until it is gone
# (or a zombie).
kill_and_wait() {
	local p
	for p in "$@"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "$@"; do
		wait_until 5 pid_gone "$p"
	done
}

# fresh_store NAME: a store of its own for a test that kills the pause
# process or wipes the run root, with busybox pulled and the one-time
# runtime notice already given.
fresh_store() {
	use_store "$1"
	"$HUSK" pull -q "$R/busybox" >/dev/null
	"$HUSK" run --rm "$R/busybox" true 2>/dev/null
}

# need_cmd CMD...: skip the test when a command is missing.
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "needs $c (run test/setup/setup.sh)"
	done
}

# ---------------------------------------------------------------- isolation

# use_store NAME: point husk at a private store NAME of this file: its own
# XDG_DATA_HOME (graph root), XDG_RUNTIME_DIR (run root, auth.json) and
# TMPDIR (husk load's spool file), all under
# $BATS_FILE_TMPDIR, sharing the file's registries.conf. Remembered for
# husk_teardown_file, which resets it. Lasts for the current test (or, from
# setup_file, for the file).
use_store() {
	local base=$BATS_FILE_TMPDIR/store-$1
	mkdir -p "$base/data" "$base/tmp"
	mkdir -p -m 0700 "$base/run"
	export XDG_DATA_HOME=$base/data
	export XDG_RUNTIME_DIR=$base/run
	export TMPDIR=$base/tmp
	grep -qxF "$base" "$BATS_FILE_TMPDIR/stores" 2>/dev/null ||
		echo "$base" >>"$BATS_FILE_TMPDIR/stores"
}

# husk_setup_file: check the preconditions, write registries.conf and select
# the file's default store.
husk_setup_file() {
	export HUSK_SKIP_REASON
	HUSK_SKIP_REASON=$(rootless_problem)
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	export XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/config
	mkdir -p "$XDG_CONFIG_HOME/containers"
	cat >"$XDG_CONFIG_HOME/containers/registries.conf" <<EOF
unqualified-search-registries = ["$HUSK_TEST_REGISTRY"]

[[registry]]
location = "$HUSK_TEST_REGISTRY"
insecure = true
EOF
	use_store main
}

husk_setup() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || skip "$HUSK_SKIP_REASON"
}

# husk_teardown_file: remove every store the file used. The stores hold
# files owned by subordinate ids, which only husk (inside its namespace) can
# remove.
husk_teardown_file() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || return 0
	local base rc=0
	[[ -f $BATS_FILE_TMPDIR/stores ]] || return 0
	while read -r base; do
		[[ -d $base/data ]] || continue
		XDG_DATA_HOME=$base/data XDG_RUNTIME_DIR=$base/run TMPDIR=$base/tmp \
			"$HUSK" system reset -f >/dev/null 2>&1 || {
			echo "# husk system reset -f failed for $base" >&2
			rc=1
		}
	done <"$BATS_FILE_TMPDIR/stores"
	return $rc
}

setup_file() { husk_setup_file; }
setup() { husk_setup; }
teardown_file() { husk_teardown_file; }

# ---------------------------------------------------------------- store facts

# layer_count: number of layers in the current store (images' and
# containers'), from the store's own records: system df counts images,
# containers and volumes, as podman's.
layer_count() {
	run_husk info --format json || return 1
	python3 -c '
import json, os, sys
info = json.loads(sys.argv[1])["store"]
d = os.path.join(info["graphRoot"], info["graphDriverName"] + "-layers")
n = 0
for f in ("layers.json", "volatile-layers.json"):
    p = os.path.join(d, f)
    if os.path.exists(p):
        n += len(json.load(open(p)))
print(n)
' "$output"
}

# image_ids: the current store's full image IDs, one per line, sorted.
image_ids() {
	"$HUSK" images -q --no-trunc | sed 's/^sha256://' | sort
}

# subid_start FILE: the first subordinate id of the current user.
subid_start() {
	awk -F: -v n="$(id -un)" -v u="$(id -u)" '$1 == n || $1 == u { print $2; exit }' "$1"
}

# ---------------------------------------------------------------- containers
# (added with the 1xx husk run files)

# husk_setup_run_file IMAGE...: husk_setup_file, then pull the images into
# the file's store and run one container, so that the tests' stderr holds
# neither pull progress nor the one-time runtime fallback notice.
husk_setup_run_file() {
	husk_setup_file
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	local img
	for img in "$@"; do
		"$HUSK" pull -q "$R/$img" >/dev/null
	done
	"$HUSK" run --rm "$R/busybox" true 2>/dev/null
}

# runc_state_dir: the --root husk gives runc in the current store.
runc_state_dir() {
	echo "$XDG_RUNTIME_DIR/husk/storage/husk-runtime/runc"
}

# husk_bg OUT ARGS...: start husk ARGS in the background with stdout and
# stderr in OUT (bats' fd 3 closed); its PID goes to HUSK_BG_PID.
husk_bg() {
	local out=$1
	shift
	"$HUSK" "$@" >"$out" 2>&1 3>&- &
	HUSK_BG_PID=$!
}

# wait_for_line FILE REGEX [SECONDS]: wait (default 15 s) until a line of
# FILE matches the extended REGEX.
wait_for_line() {
	local f=$1 re=$2 limit=${3:-15} i
	for ((i = 0; i < limit * 20; i++)); do
		grep -qE -- "$re" "$f" 2>/dev/null && return 0
		sleep 0.05
	done
	die "no line matching /$re/ in $f after ${limit}s; it holds:
$(cat "$f" 2>/dev/null)"
}

# wait_bg PID [SECONDS]: wait (default 20 s) for a background child to
# exit and set $status to its exit code; one that does not exit is killed
# with SIGKILL and the test fails.
wait_bg() {
	local pid=$1 limit=${2:-20} i
	for ((i = 0; i < limit * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		die "process $pid did not exit within ${limit}s (killed it)"
		return 1
	fi
	status=0
	wait "$pid" || status=$?
}

# user_pids_with TEXT: this user's processes (except this shell) whose
# command line contains TEXT, as "PID: CMDLINE" lines.
user_pids_with() {
	local p cmd
	for p in $(pgrep -u "$(id -u)"); do
		[[ $p != "$$" && $p != "$BASHPID" ]] || continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		[[ $cmd == *"$1"* ]] && echo "$p: $cmd"
	done
	return 0
}

# user_mounts_with TEXT: this user's processes whose mount table
# (/proc/PID/mountinfo) mentions TEXT, as "PID: MOUNT LINE" lines.
user_mounts_with() {
	local p line
	for p in $(pgrep -u "$(id -u)"); do
		line=$(grep -F -m1 -- "$1" "/proc/$p/mountinfo" 2>/dev/null) && echo "$p: $line"
	done
	return 0
}

# expect_no_container_leftovers: nothing of any container of the current
# store remains: no runtime state, no process whose command line names the
# store, no mount of the store in any of this user's processes.
expect_no_container_leftovers() {
	local rs
	rs=$(runc_state_dir)
	if [[ -d $rs ]]; then
		expect_eq "$(ls -A "$rs")" "" "runc state entries in $rs" || return 1
	fi
	expect_eq "$(user_pids_with "$XDG_RUNTIME_DIR/")" "" "processes naming the store's run dir" || return 1
	expect_eq "$(user_pids_with "$XDG_DATA_HOME/")" "" "processes naming the store's data dir" || return 1
	expect_eq "$(user_mounts_with "$XDG_DATA_HOME/husk/")" "" "mounts of the store in this user's processes"
}

# cgroup_dir: the cgroup v2 directory husk makes container cgroups in for
# this user ("" when none), from husk info.
cgroup_dir() {
	"$HUSK" info --format json | python3 -c '
import json, sys
c = json.load(sys.stdin)["cgroups"]
if c.get("mount") and c.get("delegated") and c.get("manager") == "cgroupfs":
    print(c["mount"].rstrip("/") + c["delegated"])'
}

# storage_containers: the storage library's container IDs in the current
# store, one per line.
storage_containers() {
	# (With the hidden directories of containers made ahead, being made
	# or being removed: runtime.makeEarlyDir, removeEarlyDir.)
	ls -A "$XDG_DATA_HOME/husk/storage/overlay-containers" 2>/dev/null | grep -E '^\.?[0-9a-f]{64}(-[0-9a-z]+)?$' || true
}

# run_husk_127 ARGS...: run_husk for an expected 127, told to bats so that
# it does not warn about "command not found".
run_husk_127() {
	run -127 --separate-stderr "$HUSK" "$@"
}

# ---------------------------------------------------------------- detached containers
# (added with 200-detached.bats and 210-faults-detached.bats)

# ctr_field NAME TEMPLATE: one field of husk container inspect, e.g.
# `ctr_field web '{{.State.Pid}}'`.
ctr_field() {
	"$HUSK" container inspect --format "$2" "$1"
}

# ctr_pid NAME, ctr_monitor_pid NAME, ctr_status NAME: the container's
# init process, its monitor (0 when none) and its state.
ctr_pid() { ctr_field "$1" '{{.State.Pid}}'; }
ctr_monitor_pid() { ctr_field "$1" '{{.HuskState.MonitorPid}}'; }
ctr_status() { ctr_field "$1" '{{.State.Status}}'; }

# ctr_layer ID: the storage layer of a container (its overlay mount is
# .../overlay/LAYER/merged).
ctr_layer() {
	python3 - "$XDG_DATA_HOME/husk/storage/overlay-containers/containers.json" "$1" <<'EOF'
import json, sys
for c in json.load(open(sys.argv[1])):
    if c["id"] == sys.argv[2] or sys.argv[2] in c.get("names", []):
        print(c["layer"])
EOF
}

# pause_pid: the pause process of the current store's run dir (husk info),
# 0 when there is none.
pause_pid() {
	"$HUSK" info --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["userns"]["pausePid"])'
}

# store_overlay_mounts [TEXT]: the overlay mounts of the current store
# (optionally only those whose line contains TEXT) in the mount namespace
# of its pause process, where husk's container mounts live.
store_overlay_mounts() {
	local p
	p=$(pause_pid) || return 1
	[[ $p -gt 0 ]] || return 0
	grep -F -- " - overlay " "/proc/$p/mountinfo" | grep -F -- "$XDG_DATA_HOME/husk/storage/" |
		grep -F -- "${1:-/}" || true
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local s
	[[ $1 -gt 0 ]] || return 1
	s=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ -n $s && $s != Z && $s != X ]]
}

# wait_until SECONDS CMD...: run CMD every 50 ms until it succeeds; fail
# the test when it did not within SECONDS.
wait_until() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	"$@" && return 0
	die "still false after ${limit}s: $*"
}

# pid_gone PID: the negation of pid_alive, for wait_until.
pid_gone() { ! pid_alive "$1"; }

# logs_contain NAME TEXT: husk logs NAME (stdout and stderr) contains TEXT.
logs_contain() {
	[[ $("$HUSK" logs "$1" 2>&1) == *"$2"* ]]
}

# logs_count NAME LINE: how many lines of husk logs NAME are exactly LINE.
logs_count() {
	"$HUSK" logs "$1" 2>&1 | grep -cxF -- "$2" || true
}

# now_ms: milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
