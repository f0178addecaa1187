#!/usr/bin/env bats
# husk pull: every source transport, short names, platforms, compression,
# and layer sharing in the per-user store.

load helpers

@test "pull by full name prints exactly the image ID on stdout and progress on stderr" {
	run_husk pull "$R/busybox:latest"
	expect_eq "${#lines[@]}" 1 "number of stdout lines"
	expect_match "$output" "$HEX64" "stdout"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	expect_contains "$stderr" "Copying blob" "progress on stderr"

	run_husk images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	expect_contains "$output" "$R/busybox:latest $(oci_image_id busybox | cut -c1-12)"
}

@test "pull -q prints only the ID, no progress" {
	run_husk pull -q "$R/busybox"
	expect_eq "$output" "$(oci_image_id busybox)" "stdout"
	expect_eq "$stderr" "" "stderr of pull -q"
}

@test "pull by short name resolves through registries.conf" {
	use_store shortname
	run_husk pull -q husk-test/busybox
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	run_husk image inspect --format '{{json .RepoTags}}' husk-test/busybox
	expect_eq "$output" "[\"$R/busybox:latest\"]" "RepoTags"
}

@test "pull with the docker:// prefix" {
	run_husk pull -q "docker://$R/busybox:latest"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	expect_eq "$stderr" ""
}

@test "pull by digest; image inspect RepoDigests names it correctly" {
	use_store bydigest
	local digest
	digest=$(oci_manifest_digest busybox)
	run_husk pull -q "$R/busybox@$digest"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	run_husk image inspect "$R/busybox@$digest"
	expect_eq "$(json 'd[0]["Digest"]')" "$digest" "Digest"
	expect_eq "$(json 'd[0]["RepoDigests"]')" "[\"$R/busybox@$digest\"]" "RepoDigests"
}

# podman 4.3.1 (and later) takes NAME:TAG@DIGEST as NAME@DIGEST: the image
# is pulled by digest and named by it, and run, inspect and rmi accept the
# same string.
@test "NAME:TAG@DIGEST is pulled, run and removed by its digest, as podman does" {
	use_store tagdigest
	local digest
	digest=$(oci_manifest_digest busybox)
	run_husk pull -q "$R/busybox:latest@$digest"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	run_husk image inspect --format '{{json .RepoTags}} {{json .RepoDigests}}' "$R/busybox:latest@$digest"
	expect_eq "$output" "[] [\"$R/busybox@$digest\"]" "the name it is stored under"
	run_husk run --rm --network none "$R/busybox:latest@$digest" echo ran
	expect_eq "$output" ran
	run_husk rmi "$R/busybox:latest@$digest"
	expect_contains "$output" "Untagged: $R/busybox@$digest"
	run_husk images -q
	expect_eq "$output" "" "images after rmi"
	# run of a missing image pulls it by the digest too.
	run_husk run --rm --network none "docker://$R/busybox:1.0@$digest" echo pulled
	expect_eq "$output" pulled
}

# podman lists an image by its tags: a name by digest gets a "<none>" row
# only when the image has no tag in that repository.
@test "a pull by digest of a tagged image adds no <none> row; rmi of the digest name takes only that name" {
	use_store digestrow
	local digest
	digest=$(oci_manifest_digest busybox)
	run_husk pull -q "$R/busybox:latest"
	run_husk pull -q "$R/busybox@$digest"
	run_husk images --format '{{.Repository}} {{.Tag}}'
	expect_eq "$output" "$R/busybox latest" "one row"
	run_husk images --format json
	expect_eq "$(json 'd[0]["RepoDigests"]')" "[\"$R/busybox@$digest\"]" "RepoDigests, once"
	run_husk rmi "$R/busybox@$digest"
	expect_eq "$output" "Untagged: $R/busybox@$digest"
	run_husk images --format '{{.Repository}} {{.Tag}}'
	expect_eq "$output" "$R/busybox latest" "the tag stays"
}

@test "pull oci: layout" {
	run_husk pull -q "oci:$HUSK_TEST_IMAGES/busybox:latest"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	run_husk image inspect --format '{{.ID}}' "$output"
	expect_eq "$output" "$(oci_image_id busybox)"
}

@test "pull oci-archive: file" {
	need_cmd skopeo
	local f=$BATS_FILE_TMPDIR/bb-oci.tar
	skopeo copy -q "oci:$HUSK_TEST_IMAGES/busybox:latest" "oci-archive:$f"
	run_husk pull -q "oci-archive:$f"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
}

@test "pull docker-archive: file" {
	need_cmd skopeo
	local f=$BATS_FILE_TMPDIR/bb-docker.tar
	skopeo copy -q "oci:$HUSK_TEST_IMAGES/busybox:latest" "docker-archive:$f"
	run_husk pull -q "docker-archive:$f"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
}

@test "pull docker-archive: keeps the name recorded in the archive" {
	need_cmd skopeo
	use_store dockerarchive-name
	local f=$BATS_FILE_TMPDIR/bb-docker-named.tar
	local name=$HUSK_TEST_REGISTRY/bats/named:v1
	skopeo copy -q "oci:$HUSK_TEST_IMAGES/busybox:latest" "docker-archive:$f:$name"
	run_husk pull -q "docker-archive:$f"
	local id=$output
	run_husk images --format '{{.Repository}}:{{.Tag}}'
	expect_eq "$output" "$name" "name of the image pulled from a docker-archive whose manifest.json says RepoTags [\"$name\"]"
	expect_eq "$id" "$(oci_image_id busybox)" "image ID"
}

@test "pull dir: directory" {
	need_cmd skopeo
	local d=$BATS_FILE_TMPDIR/bb-dir
	skopeo copy -q "oci:$HUSK_TEST_IMAGES/busybox:latest" "dir:$d"
	run_husk pull -q "dir:$d"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
}

@test "pull --platform picks arm64 and amd64 from a multi-arch index" {
	run_husk pull -q --platform linux/arm64 "$R/multiarch"
	local arm=$output
	run_husk pull -q --platform linux/amd64 "$R/multiarch"
	local amd=$output
	expect_match "$arm" "$HEX64" "arm64 ID"
	expect_match "$amd" "$HEX64" "amd64 ID"
	[[ $arm != "$amd" ]] || die "arm64 and amd64 pulls gave the same ID $arm"
	expect_eq "$arm" "$(oci_image_id multiarch arm64)" "arm64 image ID"
	expect_eq "$amd" "$(oci_image_id multiarch amd64)" "amd64 image ID"

	run_husk image inspect --format '{{.Architecture}}' "$arm"
	expect_eq "$output" arm64 "Architecture of $arm"
	run_husk image inspect --format '{{.Os}}/{{.Architecture}}' "$amd"
	expect_eq "$output" linux/amd64 "platform of $amd"
}

@test "pull a zstd-compressed image" {
	run_husk pull -q "$R/zstd"
	expect_eq "$output" "$(oci_image_id zstd)" "image ID"
	run_husk image inspect "$R/zstd"
	expect_eq "$(json '[l["MediaType"] for l in d[0]["Layers"]]')" \
		'["application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.v1.tar+zstd"]' "layer media types"
}

@test "pull an image with 20000 files" {
	run_husk pull -q "$R/manyfiles"
	expect_eq "$output" "$(oci_image_id manyfiles)" "image ID"
	run_husk image inspect --format '{{len .RootFS.Layers}}' "$R/manyfiles"
	expect_eq "$output" 2 "number of layers"
}

@test "layers shared by busybox and multilayer are stored once" {
	use_store shared
	run_husk pull -q "$R/busybox"
	expect_eq "$(layer_count)" 1 "layers after pulling busybox"
	run_husk pull -q "$R/multilayer"
	expect_eq "$(layer_count)" 4 "layers after pulling multilayer (1 shared + 3 own)"

	run_husk image inspect "$R/busybox" "$R/multilayer"
	expect_eq "$(json 'd[0]["RootFS"]["Layers"][0] == d[1]["RootFS"]["Layers"][0]')" True "first diff ID shared"
	expect_eq "$(json 'len(d[1]["RootFS"]["Layers"])')" 4 "multilayer diff IDs"
	expect_eq "$(json 'd[0]["Layers"][0]["Digest"] == d[1]["Layers"][0]["Digest"]')" True "first layer blob shared"

	run_husk system df
	expect_match "$output" $'\nImages +2 ' "system df Images row"
}

@test "transfers run in husk-transfer; without it pull says where it looked, and run of a stored image still works" {
	use_store helper
	run_husk info --format json
	expect_eq "$(json 'd["transfers"]["name"]')" helper "transfers in husk info"
	expect_eq "$(json 'd["transfers"]["path"]')" "$(dirname "$HUSK")/husk-transfer" "helper path"

	# An implicit pull (run of a missing image) goes through the helper too.
	run_husk run --rm --network none "$R/busybox" echo pulled by run
	expect_eq "$output" "pulled by run"
	expect_contains "$stderr" "Copying blob" "the helper's progress on run's stderr"

	local lone=$BATS_TEST_TMPDIR/lone
	mkdir -p "$lone"
	cp "$HUSK" "$lone/husk"
	HUSK=$lone/husk run_husk 125 pull "$R/multilayer"
	expect_contains "$stderr" "husk-transfer, which is missing" "error names the helper"
	expect_contains "$stderr" "looked at $lone/husk-transfer" "error says where it looked"
	expect_contains "$stderr" "HUSK_TRANSFER_HELPER" "error names the override"
	HUSK=$lone/husk run_husk 125 run --rm --network none "$R/multilayer" true
	expect_contains "$stderr" "husk-transfer, which is missing"
	HUSK=$lone/husk run_husk run --rm --network none "$R/busybox" echo no helper needed
	expect_eq "$output" "no helper needed"
	HUSK_TRANSFER_HELPER=$(dirname "$HUSK")/husk-transfer HUSK=$lone/husk run_husk pull -q "$R/multilayer"
	expect_match "$output" "$HEX64" "pull through HUSK_TRANSFER_HELPER"
}

# podman 4.3.1 does the same: with an amd64 image stored, "run --platform
# linux/arm64" pulls the arm64 one (and keeps using it); an image that is
# not multi-platform is pulled again and run with a warning. podman accepts
# any --platform for such an image; husk refuses names no image is built for.
@test "run --platform pulls again when the stored image is for another platform; an unknown platform is 125" {
	use_store run-platform
	run_husk pull -q "$R/multiarch"
	expect_eq "$output" "$(oci_image_id multiarch amd64)" "ID pulled for the host"
	run_husk run --rm --network none "$R/multiarch" cat /arch
	expect_eq "$output" amd64

	run_husk run --rm --network none --platform linux/arm64 "$R/multiarch" cat /arch
	expect_eq "$output" arm64 "/arch of the image run for linux/arm64"
	expect_contains "$stderr" "Copying config" "the arm64 image was pulled"
	run_husk image inspect --format '{{.Architecture}}' "$R/multiarch"
	expect_eq "$output" arm64 "the name now points to the arm64 image"
	run_husk run --rm --network none --platform linux/arm64 "$R/multiarch" cat /arch
	expect_eq "$output" arm64
	expect_not_contains "$stderr" "Copying" "stderr of a second run for linux/arm64 (nothing to pull)"

	run_husk 125 run --rm --network none --platform linux/amd64 --pull never "$R/multiarch" cat /arch
	expect_one_error_line
	expect_contains "$stderr" "is for linux/arm64, not linux/amd64"

	local p
	for p in evil/arch linux/arch; do
		run_husk 125 run --rm --network none --platform "$p" "$R/multiarch" cat /arch
		expect_one_error_line
		expect_contains "$stderr" "invalid platform \"$p\""
		run_husk 125 create --platform "$p" "$R/multiarch"
		expect_one_error_line
		run_husk 125 pull --platform "$p" "$R/multiarch"
		expect_one_error_line
	done

	run_husk pull -q "$R/busybox"
	run_husk run --rm --network none --platform linux/arm64 "$R/busybox" echo hi
	expect_eq "$output" hi
	expect_contains "$stderr" "is for linux/amd64, not the requested linux/arm64" "warning"
}
