#!/usr/bin/env bats
# The hostile-image corpus of test/imagegen, pulled from the test registry
# (selfindex, which no registry stores, from its OCI layout). Each image
# either pulls, runs and passes system check, or is refused with exit 125
# and one line naming the problem, leaving the store as it was (no image,
# no layer, no temporary file) and working.
#
# Where podman 4.3.1 was compared (rootless, overlay, same images): it
# pulls implicitdirs, devices (leaving the device nodes out, silently) and
# nullconfig, and runs nullconfig only with a command ("no command or
# entrypoint provided" otherwise, 125); it refuses hugeenv (its config
# limit is 4 MiB too), badgzip and diffidmismatch; it takes 2.8 s to pull
# deeptree (husk refuses it: see MaxLayerDepth in pkg/pull/verify.go) and
# 54 s to pull manylayers, which it then cannot run ("max depth exceeded":
# its overlay driver stacks at most 128 layers; husk's, 500).

load helpers

# need_corpus NAME...: skip unless the corpus images are in the registry
# (their layouts stand for that: push-images.sh writes and pushes both).
need_corpus() {
	local n
	for n in "$@"; do
		[[ -f $HUSK_TEST_IMAGES/$n/index.json ]] ||
			skip "needs the hostile corpus image $n (test/setup/push-images.sh)"
	done
}

# oci_layer_digest NAME INDEX: the digest of a layer of a test image.
oci_layer_digest() {
	python3 - "$HUSK_TEST_IMAGES/$1" "$2" <<'EOF'
import json, os, sys
root, i = sys.argv[1], int(sys.argv[2])
def blob(d):
    with open(os.path.join(root, "blobs", *d.split(":"))) as f:
        return json.load(f)
m = blob(json.load(open(os.path.join(root, "index.json")))["manifests"][0]["digest"])
print(m["layers"][i]["digest"])
EOF
}

# oci_config_digest NAME: the digest of a test image's config.
oci_config_digest() {
	echo "sha256:$(oci_image_id "$1")"
}

# expect_refused REF TEXT...: pulling REF exits 125 with one error line
# containing every TEXT and no stdout, and leaves the store as it was.
expect_refused() {
	local ref=$1 t images layers
	shift
	images=$(image_ids)
	layers=$(layer_count)
	run_husk 125 pull -q "$ref"
	expect_one_error_line
	expect_eq "$output" "" "stdout of the refused pull"
	for t in "$@"; do
		expect_contains "$stderr" "$t" "error of the refused pull"
	done
	expect_eq "$(image_ids)" "$images" "images after the refused pull"
	expect_eq "$(layer_count)" "$layers" "layers after the refused pull"
	expect_eq "$(ls -A "$XDG_DATA_HOME/husk/storage/tmp")" "" "temporary files in the store"
	expect_eq "$(ls -A "$TMPDIR")" "" "files in TMPDIR"
}

# expect_store_works: the store passes system check and pulls and runs.
expect_store_works() {
	run_husk system check
	expect_eq "$output" "No problems found" "system check"
	run_husk pull -q "$R/busybox"
	run_husk run --rm --network none "$R/busybox" echo still works
	expect_eq "$output" "still works"
}

@test "implicitdirs: parents the layers do not list are made; system check and --repair keep the image (overlay and vfs)" {
	need_corpus implicitdirs
	local driver id
	for driver in overlay vfs; do
		use_store "implicit-$driver"
		run_husk --storage-driver "$driver" pull -q "$R/implicitdirs"
		id=$output
		expect_eq "$id" "$(oci_image_id implicitdirs)" "image ID ($driver)"
		run_husk run --rm --network none "$R/implicitdirs" sh -c \
			'cat /home/app/notes /opt/tool/etc/conf; /opt/tool/bin/run; ls -A /data/deep; stat -c "%a %u" /srv /home/app/notes'
		expect_eq "$output" "notes
conf
run
750 0
644 1000" "files, whiteout and listed modes in the container ($driver)"
		run_husk system check
		expect_eq "$output" "No problems found" "system check right after the pull ($driver)"
		run_husk system check --repair
		expect_eq "$output" "No problems found" "system check --repair ($driver)"
		expect_eq "$(image_ids)" "$id" "images after --repair ($driver)"
	done
}

@test "devices: device nodes are left out, as podman does, and system check agrees with the pull" {
	need_corpus devices
	use_store devices
	run_husk pull -q "$R/devices"
	local id=$output
	expect_eq "$id" "$(oci_image_id devices)" "image ID"
	run_husk run --rm --network none "$R/devices" sh -c 'cat /devices-ok; ls -A /lib/devs; ls /dev/husk-null 2>&1 || true'
	expect_contains "$output" "devices ok"
	expect_not_contains "$output" "zero" "/lib/devs"
	run_husk system check
	expect_eq "$output" "No problems found" "system check"
	run_husk system check --repair
	expect_eq "$(image_ids)" "$id" "images after --repair"
}

@test "hugeenv: a 10 MiB config is refused before it is fetched, no panic" {
	need_corpus hugeenv
	use_store hugeenv
	expect_refused "$R/hugeenv" "image config too large" "$(oci_config_digest hugeenv)" "4 MiB"
	expect_store_works
}

@test "badgzip: a layer corrupt near its start is refused naming the layer, no panic" {
	need_corpus badgzip
	use_store badgzip
	expect_refused "$R/badgzip" "$(oci_layer_digest badgzip 1)" "not a valid compressed tar stream"
	# Again, now that busybox's layer is stored and shared.
	run_husk pull -q "$R/busybox"
	expect_refused "$R/badgzip" "$(oci_layer_digest badgzip 1)"
	expect_store_works
}

@test "nullconfig: a config of null pulls, and runs only with a command (as podman)" {
	need_corpus nullconfig
	use_store nullconfig
	run_husk pull -q "$R/nullconfig"
	expect_eq "$output" "$(oci_image_id nullconfig)" "image ID"
	run_husk run --rm --network none "$R/nullconfig" /bin/echo hi
	expect_eq "$output" hi
	run_husk 125 run --rm --network none "$R/nullconfig"
	expect_one_error_line
	expect_contains "$stderr" "no command"
	run_husk system check
	expect_eq "$output" "No problems found"
}

@test "diffidmismatch: a layer that is not the config's diff_id is refused" {
	need_corpus diffidmismatch
	use_store diffid
	expect_refused "$R/diffidmismatch" "DiffID"
	expect_store_works
}

@test "selfindex: an index that names itself is refused (from its layout: no registry stores it)" {
	need_corpus selfindex
	use_store selfindex
	expect_refused "oci:$HUSK_TEST_IMAGES/selfindex:latest" "does not match"
	expect_store_works
}

@test "hostile: entries reaching outside the rootfs are refused alike on overlay and vfs" {
	local driver
	for driver in overlay vfs; do
		use_store "hostile-$driver"
		run_husk --storage-driver "$driver" info --format json
		expect_refused "$R/hostile" "$(oci_layer_digest hostile 1)" "outside the root file system" '"../escape-dotdot"'
	done
	expect_store_works
}

@test "deeptree: a 1000-deep tree is refused before unpacking, not after 75 s" {
	need_corpus deeptree
	use_store deeptree
	run_husk pull -q "$R/busybox"
	expect_refused "$R/deeptree" "$(oci_layer_digest deeptree 1)" "too deep" "at most 256"
	expect_store_works
}

# husk pulls it in 28-40 s here (podman 4.3.1: 54 s), runs it, and checks
# it in ~30 s; overlay stacks at most 500 layers.
@test "manylayers: a 200-layer image pulls, runs and passes system check" {
	need_corpus manylayers
	use_store manylayers
	run_husk pull -q "$R/manylayers"
	expect_eq "$output" "$(oci_image_id manylayers)" "image ID"
	expect_eq "$(layer_count)" 200 "layers"
	run_husk run --rm --network none "$R/manylayers" sh -c 'cat /layers/001 /layers/199; ls /layers | wc -l'
	expect_eq "$output" "layer 1
layer 199
199"
	run_husk system check
	expect_eq "$output" "No problems found"
}

# containers/image reads these whole and opens whatever it finds: a named
# pipe hung the command (SIGTERM did not end it: the old code blocked in
# open(2) on the pipe), /dev/zero behind a link filled the memory. Each
# command runs under timeout -k so that a hang fails the test.
@test "files read on the user's word must be regular and of a sane size: layouts, archives, auth files, registries.conf" {
	use_store irregular
	local t=$BATS_TEST_TMPDIR
	cp -r "$HUSK_TEST_IMAGES/busybox" "$t/fifo-index"
	rm "$t/fifo-index/index.json"
	mkfifo "$t/fifo-index/index.json"
	run_expect 125 timeout -k 5 30 "$HUSK" pull -q "oci:$t/fifo-index:latest"
	expect_one_error_line
	expect_contains "$stderr" "index.json\" is not a regular file (a FIFO)"

	cp -r "$HUSK_TEST_IMAGES/busybox" "$t/zero-index"
	ln -sf /dev/zero "$t/zero-index/index.json"
	run_expect 125 timeout -k 5 30 "$HUSK" pull -q "oci:$t/zero-index:latest"
	expect_one_error_line
	expect_contains "$stderr" "(a character device)"

	# A manifest of 5 MiB (valid JSON: padding in an annotation).
	cp -r "$HUSK_TEST_IMAGES/busybox" "$t/big-manifest"
	python3 - "$t/big-manifest" <<'PY'
import hashlib, json, os, sys
root = sys.argv[1]
idx = json.load(open(os.path.join(root, "index.json")))
d = idx["manifests"][0]["digest"].split(":")[1]
m = json.load(open(os.path.join(root, "blobs", "sha256", d)))
m["annotations"] = {"pad": "x" * (5 << 20)}
b = json.dumps(m).encode()
h = hashlib.sha256(b).hexdigest()
open(os.path.join(root, "blobs", "sha256", h), "wb").write(b)
idx["manifests"][0].update(digest="sha256:" + h, size=len(b))
json.dump(idx, open(os.path.join(root, "index.json"), "w"))
PY
	run_expect 125 timeout -k 5 30 "$HUSK" pull -q "oci:$t/big-manifest:latest"
	expect_one_error_line
	expect_contains "$stderr" "is larger than the limit of 4 MiB"

	mkfifo "$t/archive.fifo"
	run_expect 125 timeout -k 5 30 "$HUSK" load -i "$t/archive.fifo"
	expect_one_error_line
	expect_contains "$stderr" "standard input"
	run_expect 125 timeout -k 5 30 "$HUSK" pull -q "docker-archive:$t/archive.fifo"
	expect_one_error_line

	ln -s /dev/zero "$t/auth.json"
	run_expect 125 timeout -k 5 30 "$HUSK" pull -q --authfile "$t/auth.json" "$R/busybox"
	expect_one_error_line
	expect_contains "$stderr" "auth file"
	mkdir -p "$XDG_RUNTIME_DIR/containers"
	ln -s /dev/zero "$XDG_RUNTIME_DIR/containers/auth.json"
	run_expect 125 timeout -k 5 30 "$HUSK" pull -q "$R/busybox"
	expect_one_error_line
	expect_contains "$stderr" "$XDG_RUNTIME_DIR/containers/auth.json"
	run_expect 125 timeout -k 5 30 "$HUSK" logout --all
	expect_one_error_line
	rm "$XDG_RUNTIME_DIR/containers/auth.json"

	expect_eq "$(image_ids)" "" "images after the refusals"
	expect_eq "$(layer_count)" 0 "layers after the refusals"
	expect_store_works
}
