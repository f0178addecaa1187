#!/usr/bin/env bats
# What the store holds after a pull: the multilayer image's layers on disk
# (owners mapped through the subordinate ids, setuid, hardlink, symlink, fifo,
# xattr, whiteout, opaque directory), and the same tree as husk save gives it
# back. husk has no command that shows a stored file's owner from inside the
# namespace yet (that check comes with husk run); the overlay driver's layer
# directories are readable from outside, so the owners are checked on the
# host side of the id mapping.

load helpers

# tree_dump DIR: one line per entry below DIR: path, type, mode, size,
# content hash, symlink target, xattrs (umoci --rootless records the owner
# in user.rootlesscontainers) and, for hardlinks, the first path sharing the
# inode.
tree_dump() {
	python3 - "$1" <<'EOF'
import hashlib, os, stat, sys
root = sys.argv[1]
seen = {}
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    for name in sorted(dirnames + filenames):
        p = os.path.join(dirpath, name)
        rel = os.path.relpath(p, root)
        st = os.lstat(p)
        kind = stat.S_IFMT(st.st_mode)
        extra = ""
        if stat.S_ISREG(kind):
            with open(p, "rb") as f:
                extra = hashlib.sha256(f.read()).hexdigest()[:16]
            key = (st.st_dev, st.st_ino)
            if st.st_nlink > 1:
                extra += " link-group=" + seen.setdefault(key, rel)
        elif stat.S_ISLNK(kind):
            extra = "-> " + os.readlink(p)
        xattrs = []
        try:
            for x in sorted(os.listxattr(p, follow_symlinks=False)):
                xattrs.append(x + "=" + os.getxattr(p, x, follow_symlinks=False).hex())
        except OSError:
            pass
        size = st.st_size if stat.S_ISREG(kind) else 0
        print(rel, oct(kind), oct(stat.S_IMODE(st.st_mode)), size, extra, " ".join(xattrs))
EOF
}

pull_multilayer() {
	run_husk pull -q "$R/multilayer"
	ML_ID=$output
}

@test "multilayer's second layer is stored with mapped owners, setuid, hardlink, symlink, fifo and xattr" {
	pull_multilayer
	run_husk info --format json
	local driver
	driver=$(json 'd["store"]["driver"]')
	[[ $driver == overlay ]] || skip "needs the overlay driver to look at layer directories (store uses $driver)"

	local S=$XDG_DATA_HOME/husk/storage
	local found=("$S"/overlay/*/diff/data/owned)
	expect_eq "${#found[@]}" 1 "layer directories holding data/owned (${found[*]})"
	local d=${found[0]%/owned}

	local uid gid u0 g0
	uid=$(id -u) gid=$(id -g)
	u0=$(subid_start /etc/subuid) g0=$(subid_start /etc/subgid)
	# Container uid 1000 is host id SUBUID_START+999 (container root is the
	# user, container id N>0 is SUBUID_START+N-1).
	expect_eq "$(stat -c %u:%g "$d/owned")" "$((u0 + 999)):$((g0 + 999))" "host owner of /data/owned (uid 1000 in the image)"
	expect_eq "$(stat -c %u:%g "$d/keep")" "$uid:$gid" "host owner of /data/keep (root in the image)"
	expect_eq "$(cat "$d/keep")" keep "content of /data/keep"
	expect_eq "$(stat -c %a "$d/suid")" 4755 "mode of /data/suid"
	expect_eq "$(stat -c %i "$d/hard")" "$(stat -c %i "$d/keep")" "inode of /data/hard vs /data/keep"
	expect_eq "$(stat -c %h "$d/keep")" 2 "link count of /data/keep"
	expect_eq "$(readlink "$d/link")" keep "target of /data/link"
	[[ -p $d/fifo ]] || die "/data/fifo is not a fifo: $(stat -c %F "$d/fifo")"
	expect_eq "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.husk").decode())' "$d/xattr")" hello "xattr user.husk of /data/xattr"
	# The layer also still has the files the next layer deletes.
	[[ -f $d/gone && -f $d/opq/x && -f $d/opq/y ]] || die "layer 2 lacks gone, opq/x or opq/y: $(ls -la "$d" "$d/opq")"
}

@test "multilayer's third layer stores the whiteout and the opaque directory the way overlay reads them" {
	pull_multilayer
	run_husk info --format json
	local driver
	driver=$(json 'd["store"]["driver"]')
	[[ $driver == overlay ]] || skip "needs the overlay driver to look at layer directories (store uses $driver)"

	local S=$XDG_DATA_HOME/husk/storage
	local found=("$S"/overlay/*/diff/data/opq/z)
	expect_eq "${#found[@]}" 1 "layer directories holding data/opq/z (${found[*]})"
	local d=${found[0]%/opq/z}
	# A whiteout is a 0:0 character device; an opaque directory carries
	# user.overlay.opaque=y (rootless overlay mounts use userxattr).
	expect_eq "$(stat -c '%F %t:%T' "$d/gone")" "character special file 0:0" "whiteout for /data/gone"
	expect_eq "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.overlay.opaque").decode())' "$d/opq")" y \
		"user.overlay.opaque of /data/opq"
	expect_eq "$(ls -A "$d/opq")" z "entries of /data/opq in layer 3"
	[[ ! -e $d/opq/.wh..wh..opq && ! -e $d/.wh.gone ]] || die "whiteout marker files were stored as files: $(ls -la "$d" "$d/opq")"
}

@test "husk save gives back multilayer's tree exactly as the original image has it" {
	need_cmd umoci
	pull_multilayer
	local t=$BATS_TEST_TMPDIR
	run_husk save -q --format oci-archive -o "$t/ml.tar" "$R/multilayer"
	mkdir "$t/ml"
	tar -C "$t/ml" -xf "$t/ml.tar"
	umoci unpack --rootless --image "$t/ml:$R/multilayer:latest" "$t/saved" >/dev/null
	umoci unpack --rootless --image "$HUSK_TEST_IMAGES/multilayer:latest" "$t/orig" >/dev/null

	local data=$t/saved/rootfs/data
	[[ ! -e $data/gone ]] || die "/data/gone exists although layer 3 whites it out"
	expect_eq "$(ls -A "$data/opq")" z "entries of opaque /data/opq"
	expect_eq "$(stat -c %i "$data/hard")" "$(stat -c %i "$data/keep")" "inode of /data/hard vs /data/keep"
	expect_eq "$(readlink "$data/link")" keep "target of /data/link"
	expect_eq "$(stat -c %a "$data/suid")" 4755 "mode of /data/suid"
	[[ -p $data/fifo ]] || die "/data/fifo is not a fifo"
	expect_eq "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.husk").decode())' "$data/xattr")" hello "xattr user.husk"
	# umoci --rootless keeps the image's owner in user.rootlesscontainers
	# (protobuf: field 1 uid, field 2 gid; 08 e8 07 10 e8 07 = 1000:1000).
	expect_eq "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.rootlesscontainers").hex())' "$data/owned")" 08e80710e807 \
		"recorded owner of /data/owned"

	run diff <(tree_dump "$t/orig/rootfs") <(tree_dump "$t/saved/rootfs")
	[[ $status -eq 0 ]] || die "saved tree differs from the original image's tree:
$output"
}

@test "husk save writes uid 1000 and the file types into the layer tars" {
	pull_multilayer
	local t=$BATS_TEST_TMPDIR
	run_husk save -q --format oci-archive -o "$t/ml.tar" "$R/multilayer"
	run python3 - "$t/ml.tar" <<'EOF'
import io, json, sys, tarfile
outer = tarfile.open(sys.argv[1])
def blob(d):
    return outer.extractfile("blobs/" + d.replace(":", "/")).read()
index = json.loads(outer.extractfile("index.json").read())
manifest = json.loads(blob(index["manifests"][0]["digest"]))
entries = {}
for layer in manifest["layers"]:
    with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"])), mode="r:*") as t:
        for m in t.getmembers():
            entries.setdefault(m.name.lstrip("./").rstrip("/"), []).append(m)
def one(name):
    return entries[name][-1]
owned = one("data/owned")
print("owned", owned.uid, owned.gid)
print("suid", oct(one("data/suid").mode))
hard = one("data/hard")
print("hard", hard.islnk(), hard.linkname.lstrip("./"))
link = one("data/link")
print("link", link.issym(), link.linkname)
print("fifo", one("data/fifo").isfifo())
print("xattr", one("data/xattr").pax_headers.get("SCHILY.xattr.user.husk"))
print("whiteout", "data/.wh.gone" in entries, "opaque", "data/opq/.wh..wh..opq" in entries)
EOF
	[[ $status -eq 0 ]] || die "reading the saved layers failed: $output"
	expect_eq "$output" "owned 1000 1000
suid 0o4755
hard True data/keep
link True keep
fifo True
xattr hello
whiteout True opaque True" "saved layer entries"
}
