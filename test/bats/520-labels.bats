#!/usr/bin/env bats
# Labels and annotations of containers (run/create --label/-l,
# --label-file, --annotation), volumes and networks (--label,
# --label-file): stored in the record, the image's labels inherited under
# the user's (as podman does: image, then --label-file, then --label),
# annotations in the bundle's config.json, and label files read bounded,
# with clear errors.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	# An image with labels of its own.
	mkdir -p "$BATS_FILE_TMPDIR/ctx"
	printf 'FROM %s/busybox\nLABEL a=image b=image img.only=yes\n' "$R" >"$BATS_FILE_TMPDIR/ctx/Containerfile"
	"$HUSK" build -q -t labelled "$BATS_FILE_TMPDIR/ctx" >/dev/null
	# podman (one test compares with it) gets a store of this file's own,
	# and its pause process is stopped at the end.
	podman_optional_setup_file
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}


# ctr_labels NAME: the container's labels, as sorted JSON, from husk
# inspect (under Config, whatever the key's case).
ctr_labels() {
	run_husk container inspect "$1"
	json 'dict(sorted((d[0]["Config"].get("Labels") or d[0]["Config"].get("labels") or {}).items()))'
}

# ctr_annotations NAME: the annotations of the container's config.json.
ctr_annotations() {
	run_husk container inspect "$1"
	local bundle
	bundle=$(json 'd[0].get("Bundle", "")')
	python3 -c 'import json,sys; print(json.dumps(dict(sorted(json.load(open(sys.argv[1])).get("annotations", {}).items()))))' "$bundle/config.json"
}

@test "run/create --label, -l KEY, --label-file: stored with the container; the flags override the file" {
	printf '# a comment\n\n  a=file\nb=file\nfileonly\n' >"$BATS_TEST_TMPDIR/labels"
	run_husk create --name l1 --label-file "$BATS_TEST_TMPDIR/labels" --label b=flag -l c "$R/busybox" true
	expect_eq "$(ctr_labels l1)" '{"a": "file", "b": "flag", "c": "", "fileonly": ""}' "labels"

	run_husk run --rm --name l2 -l x=1 -l x=2 "$R/busybox" true
	run_husk run -d --name l3 -l x=1 -l 'y=with spaces=and equals' "$R/busybox" sleep 100
	expect_eq "$(ctr_labels l3)" '{"x": "1", "y": "with spaces=and equals"}' "labels of a detached container"
}

@test "the image's labels are inherited, under --label-file's and --label's" {
	printf 'b=file\n' >"$BATS_TEST_TMPDIR/labels"
	run_husk create --name inh --label-file "$BATS_TEST_TMPDIR/labels" -l a=flag labelled true
	expect_eq "$(ctr_labels inh)" '{"a": "flag", "b": "file", "img.only": "yes", "io.buildah.version": "1.45.0"}' "labels"
	run_husk create --name plain labelled true
	expect_eq "$(ctr_labels plain)" '{"a": "image", "b": "image", "img.only": "yes", "io.buildah.version": "1.45.0"}' "labels without flags"
}

@test "labels as podman stores them: the same .Config.Labels for the same image and flags" {
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	printf 'b=file\nc=file\n' >"$BATS_TEST_TMPDIR/labels"
	local img=localhost/husk-bats-520-labelled:$$
	"$HUSK" tag labelled "$img"
	"$HUSK" save -o "$BATS_TEST_TMPDIR/img.tar" "$img"
	pm load -q -i "$BATS_TEST_TMPDIR/img.tar" >/dev/null || skip "podman cannot load husk's archive here"
	local pname=husk-bats-520-$$
	pm create --name "$pname" --label-file "$BATS_TEST_TMPDIR/labels" -l a=flag -l d "$img" true >/dev/null
	local want
	want=$(pm inspect --format '{{json .Config.Labels}}' "$pname" |
		python3 -c 'import json,sys; print(json.dumps(dict(sorted(json.load(sys.stdin).items()))))')
	pm rm -f "$pname" >/dev/null
	pm rmi -f "$img" >/dev/null 2>&1 || true

	run_husk create --name cmp --label-file "$BATS_TEST_TMPDIR/labels" -l a=flag -l d labelled true
	expect_eq "$(ctr_labels cmp)" "$want" "husk's labels against podman's"
}

@test "--annotation KEY=VALUE goes into the container's config.json; husk's own annotations stay" {
	run_husk run -d --name ann --annotation org.example.a=1 --annotation 'b=two words' "$R/busybox" sleep 100
	local got
	got=$(ctr_annotations ann)
	expect_contains "$got" '"b": "two words"'
	expect_contains "$got" '"org.example.a": "1"'
	expect_contains "$got" '"io.husk.container.name": "ann"'
	run_husk run --rm --annotation io.husk.container.name=fake --name ann2 "$R/busybox" true

	run_husk 125 create --annotation novalue "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" '--annotation "novalue": no value: use KEY=VALUE'
}

@test "label errors: one line, exit 125, nothing created; /dev/zero, a FIFO, a directory and a huge file are refused without hanging" {
	local before
	before=$("$HUSK" ps -a -q | wc -l)
	run_husk 125 run --rm -l '=v' "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" '--label "=v": empty key'

	run_husk 125 create --label-file "$BATS_TEST_TMPDIR/missing" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "--label-file"
	expect_contains "$stderr" "no such file"

	mkfifo "$BATS_TEST_TMPDIR/fifo"
	head -c $((4 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >"$BATS_TEST_TMPDIR/huge"
	local f
	for f in /dev/zero "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR"; do
		run_expect 125 timeout 20 "$HUSK" create --label-file "$f" "$R/busybox" true
		expect_one_error_line
		expect_contains "$stderr" "--label-file: \"$f\" is not a regular file"
	done
	run_expect 125 timeout 20 "$HUSK" create --label-file "$BATS_TEST_TMPDIR/huge" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "is larger than the limit of 4 MiB"

	printf 'ok=1\nbad key=2\n' >"$BATS_TEST_TMPDIR/bad"
	run_husk 125 create --label-file "$BATS_TEST_TMPDIR/bad" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "line 2: key \"bad key\" contains white space"
	expect_eq "$("$HUSK" ps -a -q | wc -l)" "$before" "containers after the refusals"
}

@test "volume create and network create: --label and --label-file" {
	printf 'a=file\nb=file\n' >"$BATS_TEST_TMPDIR/labels"
	run_husk volume create --label-file "$BATS_TEST_TMPDIR/labels" -l b=flag -l c lv
	run_husk volume inspect lv
	expect_eq "$(json 'dict(sorted(d[0]["Labels"].items()))')" '{"a": "file", "b": "flag", "c": ""}' "volume labels"
	run_husk volume rm lv

	run_husk network create --label-file "$BATS_TEST_TMPDIR/labels" --label b=flag ln
	run_husk network inspect ln
	expect_eq "$(json 'dict(sorted((d[0].get("labels") or d[0].get("Labels") or {}).items()))')" '{"a": "file", "b": "flag"}' "network labels"
	run_husk network rm ln

	run_expect 125 timeout 20 "$HUSK" volume create --label-file /dev/zero lz
	expect_one_error_line
	expect_contains "$stderr" '--label-file: "/dev/zero" is not a regular file'
	run_expect 125 timeout 20 "$HUSK" network create --label-file /dev/zero nz
	expect_one_error_line
	expect_contains "$stderr" '--label-file: "/dev/zero" is not a regular file'
	run_husk volume ls -q
	expect_not_contains "$output" lz
}
