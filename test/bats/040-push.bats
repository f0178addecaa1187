#!/usr/bin/env bats
# husk push: to the test registry under a new name (then pulled back into a
# fresh store) and to an oci: layout.

load helpers

# A tag of its own per run: the registry keeps what earlier runs pushed.
TAG=bats-$(date +%s)-$$-$RANDOM

@test "push to the registry with --tls-verify=false, pull back into a fresh store: same ID" {
	run_husk pull -q "$R/busybox"
	local id=$output
	local dest=$HUSK_TEST_REGISTRY/bats-push/busybox:$TAG-a
	run_husk push -q --tls-verify=false "$R/busybox" "$dest"
	expect_eq "$output" "" "push -q stdout"

	use_store pushed-a
	expect_eq "$(image_ids)" "" "images in the fresh store"
	run_husk pull -q "$dest"
	expect_eq "$output" "$id" "ID of the image pulled back"
}

@test "push relying on registries.conf's insecure entry, pull back into a fresh store: same ID" {
	run_husk pull -q "$R/multilayer"
	local id=$output
	local dest=$HUSK_TEST_REGISTRY/bats-push/multilayer:$TAG-b
	run_husk push -q "$id" "$dest"

	use_store pushed-b
	run_husk pull -q "docker://$dest"
	expect_eq "$output" "$id" "ID of the image pulled back"
	run_husk image inspect --format '{{len .RootFS.Layers}}' "$dest"
	expect_eq "$output" 4 "layers of the image pulled back"
}

@test "push without a destination goes to the registry the image's name says" {
	run_husk pull -q "$R/busybox"
	local id=$output
	local name=$HUSK_TEST_REGISTRY/bats-push/retagged:$TAG-c
	run_husk tag "$R/busybox" "$name"
	run_husk push -q "$name"

	use_store pushed-c
	run_husk pull -q "$name"
	expect_eq "$output" "$id" "ID of the image pulled back"
}

@test "push to an oci: layout, pull it back" {
	run_husk pull -q "$R/busybox"
	local id=$output
	local dir=$BATS_FILE_TMPDIR/pushed-oci
	run_husk push -q "$R/busybox" "oci:$dir:v1"
	[[ -f $dir/index.json && -f $dir/oci-layout ]] || die "no OCI layout in $dir: $(ls -la "$dir" 2>&1)"
	expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])' "$dir/index.json")" v1 "ref.name in index.json"

	use_store pushed-oci
	run_husk pull -q "oci:$dir:v1"
	expect_eq "$output" "$id" "ID of the image pulled back from the layout"
}

@test "push of an unknown image fails with one error line" {
	run_husk 125 push bats/no-such-image "$HUSK_TEST_REGISTRY/bats-push/nope:$TAG"
	expect_one_error_line
}
