#!/usr/bin/env bash
# Build husk's test images (OCI layouts) and push them to the local test
# registry as ADDR/husk-test/NAME:latest. Idempotent.
#
#   - layouts go to $HUSK_TEST_IMAGES_DIR (default /var/tmp/husk-test-images)
#     and stay there: tests also use them through the oci: transport
#   - they are regenerated only when test/imagegen is newer than the output
#   - the registry is started if needed (test/setup/registry.sh start)
#   - after pushing, the "tampered" image's second layer is corrupted in the
#     registry's storage: same size, same digest in the manifest, wrong bytes
#   - a Debian image (DEBIAN, for husk build's dpkg test) is made once from
#     debootstrap --variant=minbase with its defaults and kept as a layout;
#     without debootstrap, or when it fails, a warning says so and the tests
#     that need it skip
#   - the hostile corpus (HOSTILE) goes up byte for byte through the
#     registry API, since skopeo refuses some of it (a 10 MiB config); the
#     layout-only ones (LAYOUT_ONLY: no registry stores an index that names
#     itself) are pulled from their layouts
set -euo pipefail
umask 022 # the layouts must be readable by the unprivileged test user

IMAGES=(busybox multilayer multiarch hostile tampered manyfiles zstd)
HOSTILE=(implicitdirs devices hugeenv badgzip nullconfig diffidmismatch manylayers deeptree)
LAYOUT_ONLY=(selfindex)
OUT=${HUSK_TEST_IMAGES_DIR:-/var/tmp/husk-test-images}
NAMESPACE=husk-test

log() { printf 'push-images: %s\n' "$*" >&2; }
die() { printf 'push-images: error: %s\n' "$*" >&2; exit 1; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
registry=$script_dir/registry.sh

command -v skopeo >/dev/null || die "skopeo not found (run test/setup/setup.sh)"
GO=$(command -v go || true)
[[ -n $GO ]] || GO=/usr/local/go/bin/go
[[ -x $GO ]] || die "go not found (expected in PATH or at /usr/local/go/bin/go)"

# ---------------------------------------------------------------- build
stamp=$OUT/.generated
up_to_date() {
	[[ -f $stamp ]] || return 1
	local f n
	for f in "$repo_dir"/test/imagegen/*.go; do
		[[ $stamp -nt $f ]] || return 1
	done
	for n in "${IMAGES[@]}" "${HOSTILE[@]}" "${LAYOUT_ONLY[@]}"; do
		[[ -f $OUT/$n/index.json ]] || return 1
	done
	[[ -f $OUT/tampered.blob ]]
}

if up_to_date; then
	log "layouts in $OUT are up to date"
else
	log "generating layouts in $OUT"
	mkdir -p "$OUT"
	rm -f "$stamp"
	(cd "$repo_dir" && "$GO" run ./test/imagegen -out "$OUT") >&2
	touch "$stamp"
fi

# ---------------------------------------------------------------- debian
# A minimal Debian (the host's release, debootstrap's default mirror): one
# layer, apt's lists and downloaded packages removed as Debian's own images
# do. Made once; takes about two minutes on a fresh machine.
DEBIAN=debian
# apt_mirror: the first http(s) URI of the host's Debian sources (deb822
# .sources files, then sources.list), if any.
apt_mirror() {
	local u
	u=$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) {print $i; exit}}' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[[ -n $u ]] || u=$(awk '$1 == "deb" && $2 ~ /^https?:\/\/.*\/debian\/?$/ {print $2; exit}' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1)
	[[ -n $u ]] && echo "$u"
}
make_debian() {
	local dir=$OUT/$DEBIAN tmp suite
	[[ -f $dir/index.json ]] && return 0
	command -v debootstrap >/dev/null || { log "warning: no debootstrap (run test/setup/setup.sh): no $DEBIAN image"; return 1; }
	[[ $(id -u) -eq 0 ]] || { log "warning: debootstrap needs root: no $DEBIAN image"; return 1; }
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[[ -n $suite ]] || { log "warning: no VERSION_CODENAME in /etc/os-release: no $DEBIAN image"; return 1; }
	tmp=$(mktemp -d "$OUT/.debian.XXXXXX")
	# The mirror apt already uses on this host, where one is configured
	# (a machine may reach Debian's packages only through it); else
	# debootstrap's default.
	local mirror=() m
	m=$(apt_mirror) && mirror=("$m")
	log "making the $DEBIAN image: debootstrap --variant=minbase $suite (a few minutes)"
	if ! debootstrap --variant=minbase "$suite" "$tmp/rootfs" "${mirror[@]}" >"$tmp/debootstrap.log" 2>&1; then
		log "warning: debootstrap failed (last lines below): no $DEBIAN image"
		tail -5 "$tmp/debootstrap.log" >&2
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$tmp"/rootfs/var/lib/apt/lists/* "$tmp"/rootfs/var/cache/apt/archives/*.deb \
		"$tmp"/rootfs/var/log/* "$tmp"/rootfs/proc/* "$tmp"/rootfs/sys/* "$tmp"/rootfs/dev/*
	tar -C "$tmp/rootfs" --numeric-owner --sort=name -cf "$tmp/layer.tar" . &&
		umoci init --layout "$tmp/layout" &&
		umoci new --image "$tmp/layout:latest" &&
		umoci raw add-layer --image "$tmp/layout:latest" "$tmp/layer.tar" &&
		umoci config --image "$tmp/layout:latest" --os linux --architecture "$(dpkg --print-architecture)" \
			--config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			--config.cmd bash --author "husk test/setup/push-images.sh: debootstrap --variant=minbase $suite" &&
		umoci gc --layout "$tmp/layout" || { rm -rf "$tmp"; die "making the $DEBIAN layout failed"; }
	chmod -R a+rX "$tmp/layout"
	mv "$tmp/layout" "$dir"
	rm -rf "$tmp"
}

# ---------------------------------------------------------------- push
"$registry" start >&2
addr=$("$registry" addr)
storage=$("$registry" storage)

copy_opts=(--all --dest-tls-verify=false --quiet)
# --preserve-digests refuses any manifest edit, so layers (zstd included)
# go up exactly as generated. Older skopeo versions lack it.
if skopeo copy --help 2>&1 | grep -q -- '--preserve-digests'; then
	copy_opts+=(--preserve-digests)
fi

for n in "${IMAGES[@]}"; do
	skopeo copy "${copy_opts[@]}" "oci:$OUT/$n:latest" "docker://$addr/$NAMESPACE/$n:latest" >&2 ||
		die "pushing $n failed"
done

debian_pushed=no
if make_debian; then
	skopeo copy "${copy_opts[@]}" "oci:$OUT/$DEBIAN:latest" "docker://$addr/$NAMESPACE/$DEBIAN:latest" >&2 ||
		die "pushing $DEBIAN failed"
	debian_pushed=yes
fi

# push_raw NAME: upload every blob of layout NAME and the manifest its
# index.json names, unchanged, with the registry's HTTP API.
push_raw() {
	local dir=$OUT/$1 repo=$NAMESPACE/$1 f d loc mt man
	for f in "$dir"/blobs/sha256/*; do
		d=sha256:${f##*/}
		curl -fsS -o /dev/null -I "http://$addr/v2/$repo/blobs/$d" 2>/dev/null && continue
		loc=$(curl -fsS -D - -o /dev/null -X POST "http://$addr/v2/$repo/blobs/uploads/" |
			tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
		[[ -n $loc ]] || return 1
		[[ $loc == http* ]] || loc=http://$addr$loc
		if [[ $loc == *\?* ]]; then loc="$loc&digest=$d"; else loc="$loc?digest=$d"; fi
		curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
			--data-binary "@$f" "$loc" || return 1
	done
	read -r man mt < <(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["manifests"][0]
print(m["digest"], m["mediaType"])' "$dir/index.json")
	curl -fsS -o /dev/null -X PUT -H "Content-Type: $mt" \
		--data-binary "@$dir/blobs/sha256/${man#sha256:}" "http://$addr/v2/$repo/manifests/latest"
}

for n in "${HOSTILE[@]}"; do
	push_raw "$n" || die "pushing $n failed"
done

# ---------------------------------------------------------------- tamper
# The blob's data file in the distribution registry's filesystem layout.
# Overwrite 16 bytes in the middle with a fixed pattern (same size): the
# registry keeps serving it under its original digest. Applied after every
# push so it stays corrupted (a re-push skips blobs that already exist, but
# a fresh registry would get the good bytes).
digest=$(tr -d '[:space:]' <"$OUT/tampered.blob")
[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "bad digest in $OUT/tampered.blob: $digest"
hex=${digest#sha256:}
data=$storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data
[[ -f $data ]] || die "tampered blob not found in registry storage: $data"
size=$(stat -c %s "$data")
((size >= 64)) || die "tampered blob is too small to corrupt ($size bytes)"
printf 'HUSK-TAMPERED!!!' | dd of="$data" bs=1 seek=$((size / 2)) conv=notrunc status=none
[[ $(stat -c %s "$data") == "$size" ]] || die "size of $data changed"
actual=$(sha256sum "$data" | cut -d' ' -f1)
[[ $actual != "$hex" ]] || die "corrupting $data did not change its content"

[[ $debian_pushed == yes ]] || log "warning: no $DEBIAN image in the registry: husk build's dpkg test will skip"
printf 'push-images: pushed %d images (%s) and %d hostile ones (%s) to %s/%s/NAME:latest; layouts in %s (%s only there); tampered layer %s corrupted in %s\n' \
	"${#IMAGES[@]}" "${IMAGES[*]}" "${#HOSTILE[@]}" "${HOSTILE[*]}" "$addr" "$NAMESPACE" "$OUT" "${LAYOUT_ONLY[*]}" "${hex:0:12}" "$storage"
