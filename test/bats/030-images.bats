#!/usr/bin/env bats
# husk images, image inspect, tag, rmi, image prune, save and load.

load helpers

BB_ID=
pull_busybox() {
	run_husk pull -q "$R/busybox"
	BB_ID=$output
}

@test "images prints a table with a header and one row per name" {
	pull_busybox
	run_husk images
	expect_match "${lines[0]}" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$' "header"
	expect_match "$output" $'\n'"$R/busybox +latest +${BB_ID:0:12} +[^ ].* +[0-9.]+ [kMG]?B"$'(\n|$)' "busybox row"
}

@test "images -q prints each image ID once, even for an image with several names" {
	use_store quiet
	pull_busybox
	run_husk tag "$R/busybox" bats/q1 bats/q2:v2
	run_husk pull -q "$R/zstd"
	local zstd=$output
	run_husk images
	expect_eq "$((${#lines[@]} - 1))" 4 "table rows (3 names of busybox + zstd)"
	run_husk images -q
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "${BB_ID:0:12}" "${zstd:0:12}" | sort)" "images -q"
}

@test "images --digests shows the manifest digest" {
	pull_busybox
	run_husk images --digests
	expect_match "${lines[0]}" '^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$' "header"
	expect_match "$output" "$R/busybox +latest +$(oci_manifest_digest busybox) +${BB_ID:0:12} " "busybox row"
}

@test "images --no-trunc shows full IDs" {
	pull_busybox
	run_husk images --no-trunc
	expect_match "$output" "$R/busybox +latest +sha256:$BB_ID " "busybox row"
	run_husk images --no-trunc -q
	expect_contains "$output" "sha256:$BB_ID"
}

@test "images --format json is valid JSON with IDs and names" {
	pull_busybox
	run_husk images --format json
	expect_valid_json
	expect_eq "$(json "[i['Names'] for i in d if i['Id'] == '$BB_ID']")" "[[\"$R/busybox:latest\"]]" "Names of busybox"
}

@test "images --format takes a Go template" {
	pull_busybox
	run_husk images --format '{{.Repository}}:{{.Tag}}'
	expect_contains "$output" "$R/busybox:latest"
	for l in "${lines[@]}"; do
		expect_match "$l" '^[^ ]+:[^ ]+$' "templated line"
	done
}

@test "image inspect prints Id, Digest, RepoTags, Config, Layers and Size" {
	pull_busybox
	run_husk image inspect "$R/busybox"
	expect_valid_json
	expect_eq "$(json 'len(d)')" 1 "number of entries"
	expect_eq "$(json 'sorted(k for k in ["Id", "Digest", "RepoTags", "Config", "Layers", "Size"] if k not in d[0])')" "[]" "missing keys"
	expect_eq "$(json 'd[0]["Id"]')" "$BB_ID" Id
	expect_eq "$(json 'd[0]["Digest"]')" "$(oci_manifest_digest busybox)" Digest
	expect_eq "$(json 'd[0]["RepoTags"]')" "[\"$R/busybox:latest\"]" RepoTags
	expect_eq "$(json 'd[0]["Config"]["Cmd"]')" '["/bin/sh"]' Config.Cmd
	expect_eq "$(json 'len(d[0]["Layers"])')" 1 "number of Layers"
	expect_eq "$(json 'd[0]["Size"] > 1000000')" True "Size > 1 MB"
}

@test "tag adds a name; rmi of one of several names only untags" {
	use_store tag
	pull_busybox
	run_husk tag "$R/busybox" bats/extra:1
	run_husk images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	expect_contains "$output" "localhost/bats/extra:1 ${BB_ID:0:12}"
	expect_contains "$output" "$R/busybox:latest ${BB_ID:0:12}"

	run_husk rmi localhost/bats/extra:1
	expect_eq "$output" "Untagged: localhost/bats/extra:1" "rmi output"
	run_husk images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	expect_eq "$output" "$R/busybox:latest ${BB_ID:0:12}" "images after untagging"
	expect_eq "$(layer_count)" 1 "layers"
}

@test "rmi by ID of an image with several names fails without -f and removes it with -f" {
	use_store rmi-id
	pull_busybox
	run_husk tag "$R/busybox" bats/other
	run_husk '?' rmi "$BB_ID"
	[[ $status -ne 0 ]] || die "rmi of a multi-name image by ID succeeded without -f: $output"
	expect_one_error_line
	expect_contains "$stderr" "-f" "hint"
	expect_eq "$(image_ids)" "$BB_ID" "images after refused rmi"

	run_husk rmi -f "$BB_ID"
	expect_contains "$output" "Deleted: $BB_ID"
	expect_eq "$(image_ids)" "" "images after rmi -f"
	expect_eq "$(layer_count)" 0 "layers after rmi -f"
}

@test "rmi of an unknown image exits 1 with one error line" {
	run_husk 1 rmi bats/no-such-image
	expect_one_error_line
}

@test "rmi --all removes every image and layer" {
	use_store rmi-all
	pull_busybox
	run_husk pull -q "$R/multilayer"
	run_husk rmi --all
	expect_eq "$(image_ids)" "" "images after rmi --all"
	expect_eq "$(layer_count)" 0 "layers after rmi --all"
}

@test "image prune removes only images without a name" {
	use_store prune
	pull_busybox
	# The same name pulled again with other content leaves the first
	# image without a name.
	run_husk pull -q --platform linux/arm64 "$R/multiarch"
	local arm=$output
	run_husk pull -q --platform linux/amd64 "$R/multiarch"
	local amd=$output
	run_husk images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	expect_contains "$output" "<none>:<none> ${arm:0:12}"

	run_husk image prune -f
	expect_eq "$output" "$arm" "pruned IDs"
	expect_eq "$(image_ids)" "$(printf '%s\n' "$BB_ID" "$amd" | sort)" "images after prune"
	run_husk image prune -f
	expect_eq "$output" "" "second prune"
}

# save_load_roundtrip FORMAT: save busybox, remove it, load it back.
save_load_roundtrip() {
	use_store "saveload-$1"
	pull_busybox
	local f=$BATS_TEST_TMPDIR/bb-$1.tar
	run_husk save -q --format "$1" -o "$f" "$R/busybox"
	[[ -s $f ]] || die "save wrote no $f"
	run_husk rmi "$R/busybox"
	expect_eq "$(image_ids)" "" "images after rmi"
	run_husk load -q -i "$f"
	expect_eq "$output" "Loaded image: $R/busybox:latest" "load output"
	run_husk images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	expect_eq "$output" "$R/busybox:latest ${BB_ID:0:12}" "images after load"
	expect_eq "$(image_ids)" "$BB_ID" "image ID after load"
}

@test "save --format oci-archive, rmi, load -i restores the ID and the name" {
	save_load_roundtrip oci-archive
}

@test "save --format docker-archive, rmi, load -i restores the ID and the name" {
	save_load_roundtrip docker-archive
}

@test "load from stdin" {
	use_store stdin
	pull_busybox
	local f=$BATS_TEST_TMPDIR/bb.tar
	run_husk save -q --format oci-archive -o "$f" "$R/busybox"
	run_husk rmi "$R/busybox"
	run_husk load -q <"$f"
	expect_eq "$output" "Loaded image: $R/busybox:latest" "load output"
	expect_eq "$(image_ids)" "$BB_ID" "image ID after load"
}

@test "save without -o writes the archive to stdout" {
	pull_busybox
	local f=$BATS_TEST_TMPDIR/bb-stdout.tar
	local rc=0
	"$HUSK" save -q --format oci-archive "$R/busybox" 2>"$BATS_TEST_TMPDIR/stderr" >"$f" || rc=$?
	[[ $rc -eq 0 ]] || die "husk save IMAGE >FILE exited $rc: $(cat "$BATS_TEST_TMPDIR/stderr")"
	tar -tf "$f" | grep -qx index.json || die "stdout is not an OCI archive: $(tar -tf "$f" 2>&1 | head -5)"
}
