#!/usr/bin/env bats
# husk commit, diff, history, export and import in husk's root mode, and
# their output side by side with podman's (Debian's podman, run as root
# with its own throw-away store under $BATS_FILE_TMPDIR; those tests skip
# when podman is missing): the same changes made with cp give the same
# diff lines and JSON, the same image gives the same history rows, the
# same tarball imported gives the same history step. Runs as ROOT with a
# private store (husk --root/--runroot); the rootless run skips it. Invoke
# as root, e.g. from the staged copy:
#
#   HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
#       bats --tap "$STAGE/bats/root-commit.bats"

load helpers

# root_problem: why this file cannot run here, or nothing.
root_problem() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "needs root (tests husk's root mode): run this file as root, see its header"
		return
	fi
	test_env_problem
}

setup_file() {
	root_setup_file || return 0
	export STORE_DIR=$BATS_FILE_TMPDIR/store
	husk_with_store "$STORE_DIR/root" "$STORE_DIR/run"
	"$HUSK" pull -q --tls-verify=false "$R/busybox" >/dev/null
	"$HUSK" run --rm --network none "$R/busybox" true 2>/dev/null
}

setup() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || skip "$HUSK_SKIP_REASON"
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

teardown_file() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || return 0
	"$HUSK" rm -a -f >/dev/null 2>&1 || true
	"$HUSK" system reset -f >/dev/null || echo "# husk system reset -f failed for $STORE_DIR" >&2
	if [[ -d $BATS_FILE_TMPDIR/podman ]]; then
		pm rm -a -f >/dev/null 2>&1 || true
		pm system reset -f >/dev/null 2>&1 || true
	fi
}

# pm ARGS...: podman with a store of this file's (vfs, so nothing of it
# stays mounted), no containers.conf of the host's affecting it.
pm() {
	podman --root "$BATS_FILE_TMPDIR/podman/root" --runroot "$BATS_FILE_TMPDIR/podman/run" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend file "$@"
}

need_podman() {
	command -v podman >/dev/null || skip "needs podman (apt-get install podman) to compare with"
	if [[ ! -d $BATS_FILE_TMPDIR/podman ]]; then
		mkdir -p "$BATS_FILE_TMPDIR/podman"
		pm pull -q --tls-verify=false "$R/busybox" >/dev/null
	fi
}

# changes_by_cp TOOL CTR: make the same changes in a created container
# with TOOL's cp (husk or pm).
changes_by_cp() {
	local tool=$1 ctr=$2 src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/d/e"
	echo hi >"$src/new"
	echo f >"$src/d/e/f"
	printf 'root:x:0:0:root:/root:/bin/sh\nextra:x:5:5::/:/bin/sh\n' >"$src/passwd"
	"$tool" cp "$src/new" "$ctr:/new"
	"$tool" cp "$src/d" "$ctr:/d"
	"$tool" cp "$src/passwd" "$ctr:/etc/passwd"
}

@test "root: commit, run, diff, history, export and import round trip" {
	run_husk run --name r1 --network none "$R/busybox" sh -c 'echo root-made > /made; rm /bin/true'
	run_husk commit -q -c 'CMD ["cat", "/made"]' r1 localhost/r1img
	local id=$output
	run_husk run --rm --network none localhost/r1img
	expect_eq "$output" root-made
	run_husk diff r1
	expect_eq "$output" $'C /bin\nD /bin/true\nC /etc\nA /made'
	run_husk history -q --no-trunc localhost/r1img
	expect_eq "${lines[0]}" "$id"
	expect_eq "${#lines[@]}" 2
	run bash -c '"$HUSK" export r1 | "$HUSK" import -q -c "CMD [\"cat\", \"/made\"]" - localhost/r1flat'
	expect_eq "$status" 0
	run_husk run --rm --network none localhost/r1flat
	expect_eq "$output" root-made
	# The export holds the container's owners.
	run bash -c '"$HUSK" export r1 | tar -tvf - made'
	expect_match "$output" '^-rw-r--r-- (root/root|0/0) '
}

@test "root: commit --pause freezes a running container and thaws it" {
	run_husk run -d --name r2 --network none "$R/busybox" sh -c 'echo up > /up; sleep 1000'
	wait_until 10 "$HUSK" exec r2 test -e /up
	run_husk commit -q -p r2 localhost/r2img
	expect_eq "$(ctr_status r2)" running
	run_husk inspect --format '{{.State.Paused}}' r2
	expect_eq "$output" false
	run_husk run --rm --network none localhost/r2img cat /up
	expect_eq "$output" up
}

@test "podman: diff of the same changes gives the same lines and the same JSON" {
	need_podman
	run_husk create --name cmp1 "$R/busybox"
	changes_by_cp "$HUSK" cmp1
	pm create --name cmp1 "$R/busybox" >/dev/null
	changes_by_cp pm cmp1
	# podman cp replaces /etc/passwd (a rename in /etc, which changes
	# /etc); husk cp writes it in place. podman lists a vfs layer's
	# changes in the driver's order; husk sorts them (as an overlay
	# layer's walk gives them, podman's default): compare in one order.
	run pm diff cmp1
	expect_eq "$status" 0
	local want
	want=$(grep -vx 'C /etc' <<<"$output" | LC_ALL=C sort)
	[[ -n $want ]] || die "podman diff shows nothing"
	expect_contains "$want" "C /etc/passwd"
	run_husk diff cmp1
	expect_eq "$(LC_ALL=C sort <<<"$output")" "$want" "husk diff (podman's above)"
	run pm diff --format json cmp1
	local pj
	pj=$(json 'json.dumps({k: sorted(p for p in v if p != "/etc") for k, v in d.items()}, sort_keys=True)')
	run_husk diff --format json cmp1
	expect_eq "$(json 'json.dumps({k: sorted(v) for k, v in d.items()}, sort_keys=True)')" "$pj" "husk diff --format json"
	run_husk diff "$R/busybox"
	local hi
	hi=$(LC_ALL=C sort <<<"$output")
	run pm diff "$R/busybox"
	expect_eq "$hi" "$(LC_ALL=C sort <<<"$output")" "diff of the image"
}

@test "podman: history of the same image and of the same tarball imported shows the same rows" {
	need_podman
	local f='{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}'
	run pm history --format "$f" "$R/busybox"
	local want=$output
	run_husk history --format "$f" "$R/busybox"
	expect_eq "$output" "$want" "history --format"
	run pm history --no-trunc --format "$f" "$R/busybox"
	want=$output
	run_husk history --no-trunc --format "$f" "$R/busybox"
	expect_eq "$output" "$want" "history --no-trunc --format"
	run pm history -q "$R/busybox"
	want=$output
	run_husk history -q "$R/busybox"
	expect_eq "$output" "$want" "history -q"
	run pm history "$R/busybox"
	local header=${lines[0]}
	run_husk history "$R/busybox"
	expect_eq "$(tr -s ' ' <<<"${lines[0]}")" "$(tr -s ' ' <<<"$header")" "the header"
	run pm history --format json "$R/busybox"
	local pj
	pj=$(json '[(e["id"], e["size"], e["CreatedBy"], e.get("comment", "")) for e in d]')
	run_husk history --format json "$R/busybox"
	expect_eq "$(json '[(e["id"], e["size"], e["CreatedBy"], e.get("comment", "")) for e in d]')" "$pj" "history --format json"

	# The same tarball imported: the same step (ADD file:DIFFID, the
	# message) and the same size.
	run_husk create --name cmp2 "$R/busybox"
	"$HUSK" export -o "$BATS_TEST_TMPDIR/fs.tar" cmp2
	pm import -q -m 'same tarball' "$BATS_TEST_TMPDIR/fs.tar" localhost/cmpimp >/dev/null
	run_husk import -q -m 'same tarball' "$BATS_TEST_TMPDIR/fs.tar" localhost/cmpimp
	f='{{.CreatedBy}}|{{.Size}}|{{.Comment}}'
	run pm history --no-trunc --format "$f" localhost/cmpimp
	want=$output
	run_husk history --no-trunc --format "$f" localhost/cmpimp
	expect_eq "$output" "$want" "history of the imported tarball"
}

@test "podman: an image husk committed loads into podman with its comment, author, label, history and file" {
	need_podman
	run_husk run --name cmp3 --network none "$R/busybox" sh -c 'echo from-husk > /husk.txt'
	run_husk commit -q -f docker -m note -a 'Ann' -c 'CMD ["cat", "/husk.txt"]' -c 'LABEL made.by=husk' cmp3 localhost/cmp3img
	"$HUSK" save -q -o "$BATS_TEST_TMPDIR/cmp3.tar" localhost/cmp3img
	pm load -q -i "$BATS_TEST_TMPDIR/cmp3.tar" >/dev/null
	run pm image inspect --format '{{.Comment}}|{{.Author}}|{{index .Labels "made.by"}}|{{len .History}}' localhost/cmp3img
	expect_eq "$output" "note|Ann|husk|2"
	# podman here cannot run containers as root (its default nproc
	# rlimit is refused); its mount shows the file.
	pm create --name cmp3 localhost/cmp3img >/dev/null
	local m
	m=$(pm mount cmp3)
	expect_eq "$(cat "$m/husk.txt")" from-husk
	pm unmount cmp3 >/dev/null
}
