#!/usr/bin/env bats
# Pulls that go wrong: a corrupted blob, an image whose layer tries to write
# outside the store, concurrent pulls, pulls killed with SIGKILL, and
# references that cannot work. Whatever happens, the store stays consistent
# and nothing is written outside it.

load helpers

# open_tmpdirs PGID: directories outside the store that the processes of
# group PGID have files open in (containers/image's temporary blobs).
open_tmpdirs() {
	local p f
	for p in $(pgrep -g "$1"); do
		for f in /proc/"$p"/fd/*; do
			readlink "$f"
		done
	done 2>/dev/null | sed -n 's|^\(.*/container_images_[^/]*\)/.*|\1|p' | sort -u
}

@test "tampered blob: pull fails with one error naming the layer digest and leaves nothing behind" {
	use_store tampered
	local digest
	digest=$(tr -d '[:space:]' <"$HUSK_TEST_IMAGES/tampered.blob")
	expect_match "$digest" '^sha256:[0-9a-f]{64}$' "digest in tampered.blob"

	run_husk 125 pull -q "$R/tampered"
	expect_one_error_line
	expect_contains "$stderr" "$digest" "error message"
	expect_eq "$output" "" "stdout"

	expect_eq "$(image_ids)" "" "images after the failed pull"
	expect_eq "$(layer_count)" 0 "layers after the failed pull (busybox's layer was committed before the bad blob)"

	# With progress output, still exactly one error line.
	run_husk 125 pull "$R/tampered"
	expect_eq "$(grep -c '^husk: ' <<<"$stderr")" 1 "error lines among the progress output"
	expect_eq "$(layer_count)" 0 "layers after the second failed pull"
	run_husk system check
	expect_eq "$output" "No problems found"
}

@test "hostile layer: pull succeeds or fails cleanly, and nothing is written outside the store" {
	use_store hostile
	local outside=(/tmp/husk-escape-abs /tmp/husk-escape-via-symlink /tmp/husk-escape-via-symlink2
		/husk-abs-escape /escape-dotdot /tmp/escape-dotdot "$HOME/escape-dotdot" "$HOME/husk-escape-abs"
		"$XDG_DATA_HOME/escape-dotdot" "$XDG_DATA_HOME/husk/escape-dotdot"
		"$XDG_DATA_HOME/husk/storage/escape-dotdot" "$XDG_DATA_HOME/husk/storage/overlay/escape-dotdot"
		"$XDG_DATA_HOME/husk/storage/vfs/escape-dotdot" "$XDG_DATA_HOME/husk/storage/tmp/husk-escape-abs"
		"$XDG_DATA_HOME/husk/storage/overlay/tmp/husk-escape-abs" "$TMPDIR/../escape-dotdot")
	local p
	for p in "${outside[@]}"; do
		[[ ! -e $p && ! -L $p ]] || die "$p exists before the pull (left by an earlier escape? remove it as root)"
	done
	local passwd_before
	passwd_before=$(sha256sum /etc/passwd; stat -c '%h %i %s' /etc/passwd)

	run_husk '?' pull -q "$R/hostile"
	if [[ $status -eq 0 ]]; then
		expect_match "$output" "$HEX64" "image ID"
		expect_eq "$(image_ids)" "$output" "images after the pull"
	else
		expect_eq "$status" 125 "exit code of a refused pull"
		expect_one_error_line
		expect_eq "$(image_ids)" "" "images after the refused pull"
		expect_eq "$(layer_count)" 0 "layers after the refused pull"
	fi

	for p in "${outside[@]}"; do
		[[ ! -e $p && ! -L $p ]] || die "$p was written by the pull: $(ls -la "$p")"
	done
	# Anything named *escape* in the store or the run/temp dirs must sit
	# inside a layer's own tree (overlay diff/ or vfs dir/ID/).
	run find "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" -name '*escape*' \
		-not -path '*/overlay/*/diff/*' -not -path '*/vfs/dir/*/*'
	expect_eq "$output" "" "files named *escape* outside the layers' trees"
	expect_eq "$(sha256sum /etc/passwd; stat -c '%h %i %s' /etc/passwd)" "$passwd_before" "/etc/passwd checksum, link count, inode, size"
	run_husk system check
	expect_eq "$output" "No problems found"
}

@test "two concurrent pulls of the same image both succeed and store it once" {
	use_store concurrent
	local t=$BATS_TEST_TMPDIR
	"$HUSK" pull -q "$R/multilayer" >"$t/1.out" 2>"$t/1.err" 3>&- &
	local p1=$!
	"$HUSK" pull -q "$R/multilayer" >"$t/2.out" 2>"$t/2.err" 3>&- &
	local p2=$!
	local rc1=0 rc2=0
	wait $p1 || rc1=$?
	wait $p2 || rc2=$?
	expect_eq "$rc1" 0 "exit code of pull 1 ($(cat "$t/1.err"))"
	expect_eq "$rc2" 0 "exit code of pull 2 ($(cat "$t/2.err"))"
	local id
	id=$(oci_image_id multilayer)
	expect_eq "$(cat "$t/1.out")" "$id" "stdout of pull 1"
	expect_eq "$(cat "$t/2.out")" "$id" "stdout of pull 2"

	run_husk images --format '{{.Repository}}:{{.Tag}}'
	expect_eq "$output" "$R/multilayer:latest" "images"
	expect_eq "$(layer_count)" 4 "layers"
	run_husk system check
	expect_eq "$output" "No problems found"
}

@test "concurrent pulls of images sharing a layer both succeed" {
	use_store concurrent-shared
	local t=$BATS_TEST_TMPDIR
	"$HUSK" pull -q "$R/busybox" >"$t/1.out" 2>"$t/1.err" 3>&- &
	local p1=$!
	"$HUSK" pull -q "$R/multilayer" >"$t/2.out" 2>"$t/2.err" 3>&- &
	local p2=$!
	local rc1=0 rc2=0
	wait $p1 || rc1=$?
	wait $p2 || rc2=$?
	expect_eq "$rc1" 0 "exit code of the busybox pull ($(cat "$t/1.err"))"
	expect_eq "$rc2" 0 "exit code of the multilayer pull ($(cat "$t/2.err"))"
	expect_eq "$(image_ids)" "$(printf '%s\n' "$(oci_image_id busybox)" "$(oci_image_id multilayer)" | sort)" "images"
	expect_eq "$(layer_count)" 4 "layers"
	run_husk system check
	expect_eq "$output" "No problems found"
}

@test "pulls killed with SIGKILL at random moments leave a usable store" {
	use_store killed
	run_husk pull -q "$R/busybox"
	local bb=$output
	local t=$BATS_TEST_TMPDIR i delay pid rc hits=0
	for i in 0 1 2 3 4; do
		# 0.05 s .. 1.5 s: five slots, a random point in each.
		delay=$(awk -v i=$i -v r=$RANDOM 'BEGIN { printf "%.2f", 0.05 + i * 0.29 + (r % 290) / 1000 }')
		setsid "$HUSK" pull -q "$R/manyfiles" >"$t/kill-$i.out" 2>&1 3>&- &
		pid=$!
		sleep "$delay"
		# Note the temporary directories the pull has open (see the next
		# test).
		open_tmpdirs "$pid" >>"$BATS_FILE_TMPDIR/killed-tmpdirs"
		if kill -9 -- "-$pid" 2>/dev/null; then
			hits=$((hits + 1))
		fi
		rc=0
		wait "$pid" || rc=$?
		echo "# kill $i after ${delay}s: exit $rc" >&2
	done
	((hits >= 3)) || die "only $hits of 5 pulls were still running when killed"
	touch "$BATS_FILE_TMPDIR/killed-done"

	run_husk '?' system check
	if [[ $status -ne 0 ]]; then
		echo "# system check after the kills: $output" >&2
		run_husk system check --repair
	fi
	run_husk pull -q "$R/manyfiles"
	expect_eq "$output" "$(oci_image_id manyfiles)" "ID of manyfiles pulled after the kills"
	run_husk images -q --no-trunc
	expect_contains "$output" "sha256:$bb" "busybox still listed"
	run_husk system check
	expect_eq "$output" "No problems found"
	expect_eq "$(layer_count)" 2 "layers (busybox's, shared, and manyfiles' own)"
}

@test "pulls killed with SIGKILL leave no temporary blobs outside the store" {
	[[ -f $BATS_FILE_TMPDIR/killed-done ]] || skip "needs the SIGKILL test above to have run"
	# containers/image keeps the blobs being pulled in
	# /var/tmp/container_images_storage*/ unless told otherwise; a killed
	# pull cannot remove its directory, and being outside the store, no
	# later husk command (pull, system check --repair, system reset) does.
	local dirs d left=()
	dirs=$(sort -u "$BATS_FILE_TMPDIR/killed-tmpdirs")
	[[ -n $dirs ]] || skip "saw no temporary directory open in the killed pulls"
	for d in $dirs; do
		if [[ -e $d ]]; then
			left+=("$d ($(du -sh "$d" | cut -f1))")
			rm -rf "$d" # do not litter the host with what the test found
		fi
	done
	expect_eq "${left[*]}" "" "temporary directories of killed pulls still there after a later pull and system check"
}

@test "unknown image: exit 125 and one error line" {
	run_husk 125 pull "$R/nope"
	expect_one_error_line
	expect_eq "$output" "" "stdout"
}

@test "unreachable registry: exit 125 and one error line" {
	run_husk 125 pull 127.0.0.1:1/x
	expect_one_error_line
	expect_eq "$output" "" "stdout"
	run_husk 125 pull --tls-verify=false 127.0.0.1:1/x
	expect_one_error_line
}

@test "bad references: exit 125 and one error line" {
	local ref
	for ref in UPPER/Case a::b "$R/busybox:bad:tag" ""; do
		run_husk 125 pull "$ref"
		expect_one_error_line
		expect_eq "$output" "" "stdout for \"$ref\""
	done
}
