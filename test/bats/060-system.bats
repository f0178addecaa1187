#!/usr/bin/env bats
# husk system df, check (and --repair of a damaged layer) and reset.

load helpers

@test "system df shows Images, Containers and Local Volumes rows; --format json agrees" {
	use_store df
	run_husk system df
	expect_match "${lines[0]}" '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE$' "header"
	expect_match "$output" $'\nImages +0 ' "Images row of an empty store"
	expect_match "$output" $'\nContainers +0 ' "Containers row of an empty store"
	expect_match "$output" $'\nLocal Volumes +0 ' "Local Volumes row of an empty store"

	run_husk pull -q "$R/multilayer"
	run_husk system df
	expect_match "$output" $'\nImages +1 +0 +3.2MB +3.2MB \\(100%\\)' "Images row"
	expect_eq "$(layer_count)" 4 "layers"
	run_husk system df --format json
	expect_valid_json
	expect_eq "$(json '(d[0]["Type"], d[0]["Total"], d[0]["Size"] > 3000000)')" "('Images', 1, True)" "Images, Size > 3 MB"
}

@test "system check finds no problems in a healthy store" {
	run_husk pull -q "$R/busybox"
	run_husk pull -q "$R/multilayer"
	run_husk system check
	expect_eq "$output" "No problems found"
	expect_eq "$stderr" ""
}

# Every image of the test registry that pulls, on overlay and on vfs: right
# after the pulls check finds nothing and --repair removes nothing. (The
# storage library's own content check called layers with directories they
# do not list, or with device nodes, modified; --repair deleted them.)
@test "system check right after pulling every test image finds nothing; --repair keeps every image" {
	local driver img ids images=(busybox multilayer manyfiles zstd implicitdirs devices nullconfig)
	for img in implicitdirs devices nullconfig; do
		[[ -f $HUSK_TEST_IMAGES/$img/index.json ]] || skip "needs the hostile corpus image $img (test/setup/push-images.sh)"
	done
	for driver in overlay vfs; do
		use_store "every-$driver"
		run_husk info --storage-driver "$driver" --format json
		for img in "${images[@]}"; do
			run_husk pull -q "$R/$img"
		done
		run_husk pull -q --platform linux/arm64 "$R/multiarch"
		run_husk pull -q --platform linux/amd64 "$R/multiarch"
		ids=$(image_ids)
		expect_eq "$(wc -l <<<"$ids")" $((${#images[@]} + 2)) "images stored ($driver)"
		run_husk system check
		expect_eq "$output" "No problems found" "system check ($driver)"
		run_husk system check --repair
		expect_eq "$output" "No problems found" "system check --repair ($driver)"
		expect_eq "$(image_ids)" "$ids" "images after --repair ($driver)"
	done
}

# The vfs driver keeps each layer as a plain directory whose files (owned
# by the mapped root, i.e. the user) can be changed from outside the
# namespace.
@test "system check names a damaged layer; --repair removes only the image that needs it" {
	use_store damaged
	run_husk --storage-driver vfs pull -q "$R/multilayer"
	local ml=$output
	run_husk pull -q "$R/zstd" # shares only busybox's base layer with multilayer
	local zstd=$output
	run_husk info --format json
	expect_eq "$(json 'd["store"]["driver"]')" vfs "driver of this store"

	local S=$XDG_DATA_HOME/husk/storage
	local found=("$S"/vfs/dir/*/data/big)
	expect_eq "${#found[@]}" 1 "layers holding /data/big (${found[*]})"
	local big=${found[0]}
	local layer=${big%/data/big}
	layer=${layer##*/}
	[[ -w $big ]] || die "$big is not writable from outside: $(ls -ln "$big")"
	printf 'damage' | dd of="$big" bs=1 seek=1000 conv=notrunc status=none

	run_husk 1 system check
	expect_contains "$output" "${layer:0:12}" "check report naming the damaged layer"
	expect_contains "$output" "data/big" "check report naming the damaged file"
	expect_not_contains "$output" "${zstd:0:12}" "check report"
	expect_one_error_line

	run_husk system check --repair
	expect_contains "$output" "Repaired"
	expect_eq "$(image_ids)" "$zstd" "images after repair"
	run_husk system check
	expect_eq "$output" "No problems found"

	# The healthy image is intact and the damaged one can be pulled again.
	run_husk image inspect --format '{{.ID}}' "$R/zstd"
	expect_eq "$output" "$zstd"
	run_husk pull -q "$R/multilayer"
	expect_eq "$output" "$ml" "ID of the re-pulled image"
	run_husk system check
	expect_eq "$output" "No problems found"
}

@test "system reset asks first: 'n' keeps everything, -f removes everything" {
	use_store reset
	run_husk pull -q "$R/busybox"
	local id=$output
	run_husk 1 system reset <<<"n"
	expect_contains "$stderr" "[y/N]" "prompt"
	expect_eq "$(image_ids)" "$id" "images after answering n"
	expect_eq "$(layer_count)" 1 "layers after answering n"

	run_husk 1 system reset </dev/null
	expect_eq "$(image_ids)" "$id" "images after an empty answer"

	run_husk system reset -f
	[[ ! -e $XDG_DATA_HOME/husk/storage ]] || die "graph root still there: $(ls -la "$XDG_DATA_HOME/husk/storage")"
	[[ ! -e $XDG_RUNTIME_DIR/husk/storage ]] || die "run root still there"
	expect_eq "$(image_ids)" "" "images after reset -f"
	expect_eq "$(layer_count)" 0 "layers after reset -f"
}
