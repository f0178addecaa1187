#!/usr/bin/env bats
# husk manifest: lists made from registry images (and the instances of a
# multi-platform one), annotated, inspected, pushed with their images to
# the test registry and pulled back, removed; compared with what podman
# manifest inspect prints for the same pushed list.

load helpers
load podman-compare

setup_file() {
	husk_setup_file
	export TAG=t$$
	podman_optional_setup_file
}

teardown_file() { podman_optional_teardown_file; }

# index_digests IMAGE: the instance digests of a registry image's index.
index_digests() {
	curl -fsS -H 'Accept: application/vnd.oci.image.index.v1+json' "http://$HUSK_TEST_REGISTRY/v2/husk-test/$1/manifests/latest" |
		python3 -c 'import json,sys; print("\n".join(sorted(m["digest"] for m in json.load(sys.stdin)["manifests"])))'
}

@test "create, add (one image; every instance of a list with --all), inspect, exists, remove an instance, rm" {
	run_husk manifest create localhost/mylist
	expect_match "$output" "$HEX64" "create prints the list's ID"
	local id=$output
	run_husk 125 manifest add "$R/busybox:latest" localhost/mylist
	expect_contains "$stderr" "image not known" "the list comes first"
	run_husk 125 manifest add localhost/nosuch-list "$R/busybox:latest"
	expect_contains "$stderr" "image not known"
	run_husk manifest add localhost/mylist "$R/busybox:latest"
	expect_eq "$output" "$id" "add prints the list's ID"
	run_husk manifest add --all --annotation org.example.k=v localhost/mylist "docker://$R/multiarch:latest"
	run_husk manifest inspect localhost/mylist
	local got
	got=$(json '"\n".join(sorted(m["digest"] for m in d["manifests"]))')
	expect_eq "$got" "$(printf '%s\n' "$(oci_manifest_digest busybox)" $(index_digests multiarch) | sort)" "the list's instances"
	expect_contains "$(json '[m.get("annotations", {}) for m in d["manifests"]]')" '"org.example.k": "v"' "--annotation"
	expect_contains "$(json '[m["platform"]["architecture"] for m in d["manifests"]]')" arm64 "platforms from the index"

	run_husk manifest exists localhost/mylist
	run_husk 1 manifest exists localhost/nosuch-list
	run_husk 1 manifest exists "$R/busybox:latest"

	run_husk manifest remove localhost/mylist "$(oci_manifest_digest busybox)"
	expect_eq "$output" "$id"
	run_husk manifest inspect localhost/mylist
	expect_not_contains "$output" "$(oci_manifest_digest busybox)" "after manifest remove"

	run_husk pull -q "$R/busybox:latest"
	run_husk 125 manifest rm "$R/busybox:latest"
	expect_contains "$stderr" "not a manifest list"
	run_husk images --format '{{.Repository}}:{{.Tag}}'
	expect_contains "$output" "$R/busybox:latest" "manifest rm leaves an image that is no list"
	run_husk manifest rm localhost/mylist
	expect_eq "$output" $'Untagged: localhost/mylist:latest\nDeleted: '"$id"
	run_husk 1 manifest rm localhost/mylist
}

@test "push sends the list and its images; a pull of the pushed name gets this platform's; --digestfile, --rm" {
	local dest=$HUSK_TEST_REGISTRY/bats-manifest/list:$TAG
	run_husk manifest create localhost/pushlist "$R/busybox:latest"
	run_husk manifest add --all localhost/pushlist "$R/multiarch:latest"
	run_husk manifest push --digestfile "$BATS_TEST_TMPDIR/digest" --rm localhost/pushlist "$dest"
	expect_contains "$stderr" "Writing manifest list to image destination"
	local digest
	digest=$(cat "$BATS_TEST_TMPDIR/digest")
	expect_match "$digest" "^sha256:[0-9a-f]{64}$" "--digestfile"
	run_husk 1 manifest exists localhost/pushlist
	run_husk manifest inspect "$dest"
	expect_eq "$(json 'len(d["manifests"])')" 3 "instances in the registry's list"
	use_store pulled
	run_husk pull -q "$dest"
	run_husk run --rm --network none "$dest" echo from-the-list
	expect_eq "$output" from-the-list
	run_husk image inspect --format '{{.Digest}}' "$dest"
	expect_eq "$output" "$digest" "the pulled image is known by the list's digest"
	run_husk 125 manifest push --format v1 localhost/pushlist "$dest"
	expect_contains "$stderr" "oci or v2s2"
}

# podman 4.3.1's manifest inspect of a registry's list cannot reach an
# insecure registry (no --tls-verify until podman 4.4, and it does not
# apply registries.conf's insecure there), so the comparison is of the same
# list made in each tool's store.
@test "manifest inspect of a list made the same way: podman prints the same keys, media types and instances" {
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	run_husk manifest create localhost/cmplist "$R/busybox:latest"
	run_husk manifest add --all localhost/cmplist "$R/multiarch:latest"
	run_husk manifest inspect localhost/cmplist
	local husk_out=$output
	local P=(pm)
	# (podman 4.3.1's create does not reach an insecure registry either.)
	"${P[@]}" manifest create localhost/cmplist >/dev/null 2>&1 || skip "podman manifest create failed"
	"${P[@]}" manifest add --tls-verify=false localhost/cmplist "$R/busybox:latest" >/dev/null || die "podman manifest add"
	"${P[@]}" manifest add --all --tls-verify=false localhost/cmplist "$R/multiarch:latest" >/dev/null || die "podman manifest add"
	run --separate-stderr "${P[@]}" manifest inspect localhost/cmplist
	((status == 0)) || die "podman manifest inspect failed: $stderr"
	python3 - "$husk_out" "$output" <<'PY' || die "husk and podman differ"
import json, sys
h, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert sorted(h) == sorted(p), ("keys", sorted(h), sorted(p))
key = lambda m: m["digest"]
for a, b in zip(sorted(h["manifests"], key=key), sorted(p["manifests"], key=key)):
    assert (a["digest"], a["mediaType"], a["size"], a["platform"]) == (b["digest"], b["mediaType"], b["size"], b["platform"]), (a, b)
assert len(h["manifests"]) == len(p["manifests"]) == 3
PY
}

# podman image inspect of a list shows the stored image the list has for
# this platform.
@test "image inspect of a manifest list is its image for this platform; without it, an error that says to pull it" {
	use_store listinspect
	run_husk manifest create localhost/ilist "$R/busybox:latest"
	run_husk 125 image inspect localhost/ilist
	expect_contains "$stderr" "pull it"
	run_husk pull -q "$R/busybox:latest"
	run_husk image inspect --format '{{.Id}}' localhost/ilist
	expect_eq "$output" "$(oci_image_id busybox)"
}
