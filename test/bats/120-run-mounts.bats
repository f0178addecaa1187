#!/usr/bin/env bats
# What a container sees of its filesystem: the layers of a multi-layer
# image, a hostile image, bind mounts, named volumes (and husk volume
# create/ls/inspect/rm/prune), tmpfs mounts.

load helpers

setup_file() { husk_setup_run_file busybox multilayer; }

# layer_file_md5 IMAGE PATH: md5 of PATH in the last layer of a test image
# that has it, read from the image's OCI layout.
layer_file_md5() {
	python3 - "$HUSK_TEST_IMAGES/$1" "$2" <<'EOF'
import hashlib, json, os, sys, tarfile
root, path = sys.argv[1], sys.argv[2]
def blob(d):
    return os.path.join(root, "blobs", *d.split(":"))
m = json.load(open(blob(json.load(open(os.path.join(root, "index.json")))["manifests"][0]["digest"])))
for layer in reversed(m["layers"]):
    with tarfile.open(blob(layer["digest"])) as t:
        try:
            f = t.extractfile(path)
        except KeyError:
            continue
        print(hashlib.md5(f.read()).hexdigest())
        break
EOF
}

# ---------------------------------------------------------------- image layers

@test "multilayer image inside the container: hardlink, symlink, setuid, owner, fifo, whiteout, opaque dir" {
	run_husk run --rm "$R/multilayer" sh -c '
		stat -c "%i %h" /data/keep /data/hard
		readlink /data/link; cat /data/link
		stat -c "%a %u:%g %F" /data/suid /data/owned /data/fifo /data/keep
		ls -A /data/opq
		ls /data/gone 2>&1; echo "gone=$?"
		ls -A /data | paste -sd" "'
	local keep_ino hard_ino
	read -r keep_ino keep_links <<<"${lines[0]}"
	read -r hard_ino hard_links <<<"${lines[1]}"
	expect_eq "$hard_ino" "$keep_ino" "inode of /data/hard vs /data/keep"
	expect_eq "$keep_links $hard_links" "2 2" "link counts"
	expect_eq "${lines[2]}" "keep" "readlink /data/link"
	expect_eq "${lines[3]}" "keep" "content through /data/link"
	expect_eq "${lines[4]}" "4755 0:0 regular file" "/data/suid"
	expect_eq "${lines[5]}" "644 1000:1000 regular file" "/data/owned"
	expect_eq "${lines[6]}" "644 0:0 fifo" "/data/fifo"
	expect_eq "${lines[7]}" "644 0:0 regular file" "/data/keep"
	expect_eq "${lines[8]}" "z" "/data/opq (opaque: only the upper layer's z)"
	expect_contains "${lines[9]}" "No such file or directory" "/data/gone (whited out)"
	expect_eq "${lines[10]}" "gone=1"
	expect_eq "${lines[11]}" "big dir fifo hard keep link opq owned suid xattr" "entries of /data"
}

@test "multilayer image: a 1 MiB file is intact, and it streams out unchanged" {
	local want
	want=$(layer_file_md5 multilayer data/big)
	expect_match "$want" '^[0-9a-f]{32}$' "md5 from the OCI layout"
	run_husk run --rm "$R/multilayer" md5sum /data/big
	expect_eq "$output" "$want  /data/big" "md5 inside"
	local got
	got=$("$HUSK" run --rm "$R/multilayer" cat /data/big | md5sum)
	expect_eq "$got" "$want  -" "md5 of husk's stdout"
}

@test "multilayer image: the user.husk xattr inside the container" {
	run_husk '?' run --rm "$R/multilayer" sh -c 'command -v getfattr || busybox --list | grep -qx getfattr'
	[[ $status -eq 0 ]] || skip "the test image's busybox has no getfattr applet, so the xattr cannot be read inside (020-layers.bats checks it in the store)"
	run_husk run --rm "$R/multilayer" getfattr -n user.husk --only-values /data/xattr
	expect_eq "$output" "hello"
}

@test "changes in one container do not reach the image or the next container" {
	run_husk run --rm "$R/multilayer" sh -c 'rm /data/keep; echo new >/data/new; chmod 600 /data/owned; ls /data | paste -sd" "'
	expect_eq "$output" "big dir fifo hard link new opq owned suid xattr" "after the changes"
	run_husk run --rm "$R/multilayer" sh -c 'cat /data/keep; ls /data/new 2>/dev/null; stat -c %a /data/owned'
	expect_eq "$output" $'keep\n644' "a fresh container"
}

@test "hostile image: the pull fails cleanly, or the container runs and nothing escaped" {
	use_store hostile
	local outside=(/tmp/husk-escape-abs /tmp/husk-escape-via-symlink /tmp/husk-escape-via-symlink2
		/husk-abs-escape /escape-dotdot /tmp/escape-dotdot "$HOME/escape-dotdot" "$HOME/husk-escape-abs"
		"$BATS_TEST_TMPDIR/escape-dotdot" "$PWD/escape-dotdot")
	local p
	for p in "${outside[@]}"; do
		[[ ! -e $p && ! -L $p ]] || die "$p exists before the test (left by an earlier escape? remove it as root)"
	done
	local passwd_before
	passwd_before=$(sha256sum /etc/passwd; stat -c '%h %i %s' /etc/passwd)
	cd "$BATS_TEST_TMPDIR"

	run_husk '?' run --rm "$R/hostile" sh -c 'ls -A /; ls -A /tmp; cat /hl 2>/dev/null | head -n1'
	if [[ $status -eq 125 ]]; then
		expect_eq "$output" "" "stdout of the refused run"
		expect_eq "$(grep -c '^husk: ' <<<"$stderr")" 1 "husk: error lines"
		expect_match "${stderr_lines[-1]}" '^husk: .*hostile' "the error names the image"
		expect_eq "$(image_ids)" "" "images after the refused pull"
		expect_eq "$(storage_containers)" "" "containers after the refused run"
	else
		expect_eq "$status" 0 "exit code of the run"
		expect_not_contains "$output" "husk-escape" "files at / or /tmp in the container"
		expect_not_contains "$output" "husk-abs-escape"
	fi
	for p in "${outside[@]}"; do
		[[ ! -e $p && ! -L $p ]] || die "$p was written: $(ls -la "$p")"
	done
	expect_eq "$(sha256sum /etc/passwd; stat -c '%h %i %s' /etc/passwd)" "$passwd_before" "/etc/passwd checksum, link count, inode, size"
}

# ---------------------------------------------------------------- bind mounts

@test "-v HOST:CTR: read-write both ways; :ro refuses writes; a missing source is 125" {
	local d=$BATS_TEST_TMPDIR/bind
	mkdir -p "$d"
	echo from-host >"$d/in"
	run_husk run --rm -v "$d:/b" "$R/busybox" sh -c 'cat /b/in; echo from-ctr >/b/out'
	expect_eq "$output" "from-host"
	expect_eq "$(cat "$d/out")" "from-ctr" "file the container wrote"

	run_husk 1 run --rm -v "$d:/b:ro" "$R/busybox" sh -c 'cat /b/in; echo x >/b/out'
	expect_eq "$output" "from-host"
	expect_contains "$stderr" "Read-only file system"
	expect_eq "$(cat "$d/out")" "from-ctr" "file after the refused write"

	run_husk 125 run --rm -v "$BATS_TEST_TMPDIR/no-such-dir:/b" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "no-such-dir"
	run_husk 125 run --rm -v "$d:/b:bogus" "$R/busybox" true
	expect_one_error_line
	# -v "$d" alone is an anonymous volume at $d now, as podman
	# (585-volumes-net.bats); an empty source is still refused.
	run_husk 125 run --rm -v ":/b" "$R/busybox" true
	expect_one_error_line
}

@test "-v: a relative source, a single file, a new mount point, and hiding an image directory" {
	local d=$BATS_TEST_TMPDIR/rel
	mkdir -p "$d/sub"
	echo rel >"$d/sub/f"
	echo motd >"$d/file"
	cd "$d"
	run_husk run --rm -v ./sub:/etc/app -v "$d/file:/etc/motd:ro" -v "$d/sub:/new/deep/mnt" "$R/busybox" \
		sh -c 'cat /etc/app/f /etc/motd /new/deep/mnt/f; ls /home/app; stat -c %F /etc/motd'
	expect_eq "$output" $'rel\nmotd\nrel\nregular file' "contents"
	run_husk run --rm -v "$d/sub:/home" "$R/busybox" ls /home
	expect_eq "$output" "f" "an image directory hidden by the mount"
}

@test "--mount type=bind: readonly, and required fields" {
	local d=$BATS_TEST_TMPDIR/mnt
	mkdir -p "$d"
	echo x >"$d/f"
	run_husk run --rm --mount "type=bind,source=$d,target=/m" "$R/busybox" sh -c 'cat /m/f; echo y >/m/g'
	expect_eq "$output" "x"
	expect_eq "$(cat "$d/g")" "y"
	run_husk 1 run --rm --mount "type=bind,src=$d,dst=/m,readonly" "$R/busybox" sh -c 'echo z >/m/g'
	expect_contains "$stderr" "Read-only file system"
	expect_eq "$(cat "$d/g")" "y"
	run_husk 125 run --rm --mount "type=bind,target=/m" "$R/busybox" true
	expect_one_error_line
	run_husk 125 run --rm --mount "source=$d,target=/m" "$R/busybox" true
	expect_one_error_line
	run_husk 125 run --rm --mount "type=nfs,target=/m" "$R/busybox" true
	expect_one_error_line
	run_husk 125 run --rm --mount "type=bind,source=$d,target=/m,colour=blue" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "colour"
}

# ---------------------------------------------------------------- tmpfs

@test "--tmpfs and --mount type=tmpfs: writable, mode and size options, a size limit" {
	run_husk run --rm --tmpfs /t "$R/busybox" sh -c 'echo x >/t/f && cat /t/f; stat -c %a /t; awk '"'"'$2 == "/t" { print $3 }'"'"' /proc/mounts'
	expect_eq "$output" $'x\n1777\ntmpfs' "content, mode, type"
	run_husk run --rm --tmpfs /t:size=1m,mode=0700 "$R/busybox" sh -c 'stat -c %a /t; awk '"'"'$2 == "/t" { print $4 }'"'"' /proc/mounts'
	expect_eq "${lines[0]}" 700 "mode"
	expect_contains "${lines[1]}" "size=1024k" "options"
	run_husk run --rm --mount type=tmpfs,target=/t,tmpfs-size=2m,tmpfs-mode=0750 "$R/busybox" sh -c 'stat -c %a /t; awk '"'"'$2 == "/t" { print $4 }'"'"' /proc/mounts'
	expect_eq "${lines[0]}" 750 "mode"
	expect_contains "${lines[1]}" "size=2048k" "options"
	expect_contains "${lines[1]}" "nosuid"
	expect_contains "${lines[1]}" "nodev"
	# A tmpfs over an image directory hides it.
	run_husk run --rm --tmpfs /home "$R/busybox" ls -A /home
	expect_eq "$output" "" "/home under a tmpfs"
	# 1 MiB is a limit.
	run_husk 1 run --rm --tmpfs /t:size=1m "$R/busybox" dd if=/dev/zero of=/t/big bs=1k count=2000
	expect_contains "$stderr" "No space left on device"
	run_husk 125 run --rm --tmpfs relative "$R/busybox" true
	expect_one_error_line
}

# ---------------------------------------------------------------- named volumes

@test "named volume: created by -v, persists between containers, visible on the host" {
	use_store volumes
	run_husk pull -q "$R/busybox"
	run_husk volume ls -q
	expect_eq "$output" "" "volumes of a fresh store"
	run_husk '?' run --rm -v data1:/data "$R/busybox" sh -c 'echo persisted >/data/f; mkdir /data/d; chown 1000:1000 /data/d'
	expect_eq "$status" 0
	run_husk volume ls -q
	expect_eq "$output" "data1" "volumes after -v data1:/data"
	run_husk run --rm -v data1:/other "$R/busybox" sh -c 'cat /other/f; stat -c %u:%g /other/d'
	expect_eq "$output" $'persisted\n1000:1000' "second container"
	run_husk run --rm --mount type=volume,source=data1,target=/v "$R/busybox" cat /v/f
	expect_eq "$output" "persisted" "--mount type=volume"
	run_husk 1 run --rm -v data1:/v:ro "$R/busybox" sh -c 'cat /v/f; echo x >/v/f'
	expect_eq "$output" "persisted"
	expect_contains "$stderr" "Read-only file system"
	run_husk 1 run --rm --mount type=volume,source=data1,target=/v,readonly "$R/busybox" touch /v/g
	expect_contains "$stderr" "Read-only file system"

	run_husk volume inspect data1
	expect_valid_json
	expect_eq "$(json 'd[0]["Name"]')" data1
	local mp
	mp=$(json 'd[0]["Mountpoint"]')
	expect_eq "$(cat "$mp/f")" "persisted" "the file at the volume's Mountpoint on the host"
	run_husk 125 run --rm --mount type=volume,target=/v "$R/busybox" true
	expect_one_error_line
}

# podman and docker fill a new, empty named volume with what the image has
# at the mount point (unless nocopy is given); data-only directories of
# images (configuration, seeded databases) depend on it.
@test "named volume: a new volume mounted over an image directory starts with its contents" {
	use_store copyup
	run_husk pull -q "$R/multilayer"
	run_husk '?' run --rm -v seeded:/data "$R/multilayer" sh -c 'ls /data | paste -sd" "; cat /data/keep; stat -c %u:%g /data/owned'
	expect_eq "${lines[0]:-}" "big dir fifo hard keep link opq owned suid xattr" "entries of the new volume"
	expect_eq "${lines[1]:-}" "keep" "content copied"
	expect_eq "${lines[2]:-}" "1000:1000" "owner copied"
	# Only a new volume is filled: one that has data keeps it.
	run_husk run --rm -v seeded:/data "$R/multilayer" sh -c 'rm /data/keep; echo mine >/data/mine'
	run_husk run --rm -v seeded:/data "$R/multilayer" sh -c 'ls /data/keep 2>/dev/null; cat /data/mine'
	expect_eq "$output" "mine" "a used volume is not refilled"
}

@test "volume create, ls, inspect: labels, duplicates and bad names" {
	use_store volcli
	run_husk volume create v1
	expect_eq "$output" v1
	run_husk volume create --label team=blue -l tier=x v2
	run_husk 125 volume create v1
	expect_one_error_line
	expect_contains "$stderr" '"v1"'
	run_husk 125 volume create 'bad/name'
	expect_one_error_line
	run_husk volume ls
	expect_match "${lines[0]}" '^DRIVER +VOLUME NAME$' "header"
	expect_match "${lines[1]}" '^local +v1$'
	expect_match "${lines[2]}" '^local +v2$'
	expect_eq "${#lines[@]}" 3 "lines of volume ls"
	run_husk volume inspect v1 v2
	expect_eq "$(json '[v["Name"] for v in d]')" '["v1", "v2"]'
	expect_eq "$(json 'd[1]["Labels"]')" '{"team": "blue", "tier": "x"}' "labels"
	expect_eq "$(json 'd[0]["Driver"]')" local
	run_husk 125 volume inspect no-such-volume
	expect_one_error_line
	expect_contains "$stderr" "no-such-volume"
}

@test "volume rm refuses a volume a container uses unless -f (which removes the container too, as podman); prune removes only unused ones" {
	use_store volrm
	run_husk pull -q "$R/busybox"
	run_husk volume create used
	run_husk volume create unused1
	run_husk volume create unused2
	run_husk create --name user-of-vol -v used:/data "$R/busybox" true
	run_husk 2 volume rm used # podman's exit code for a volume in use
	expect_one_error_line
	expect_contains "$stderr" "user-of-vol"
	run_husk volume ls -q
	expect_eq "$output" $'unused1\nunused2\nused'

	run_husk volume prune -f
	expect_eq "$output" $'unused1\nunused2' "pruned volumes"
	run_husk volume ls -q
	expect_eq "$output" "used" "left after prune"

	run_husk volume rm -f used
	expect_eq "$output" "used"
	run_husk volume ls -q
	expect_eq "$output" ""
	run_husk 125 container inspect user-of-vol
	expect_contains "$stderr" "no such container" "volume rm -f removed the volume's container"
	run_husk 1 volume rm used # podman's exit code for no such volume
	expect_one_error_line

	# Once the container is gone, a volume it used can be removed.
	run_husk volume create again
	run_husk create --name user2 -v again:/data "$R/busybox" true
	run_husk rm user2
	run_husk volume rm again
}
