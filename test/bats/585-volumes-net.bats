#!/usr/bin/env bats
# Volumes and networks as scripts written for podman 4.3.1 use them:
# anonymous volumes (-v /dst and the image's VOLUME entries; --rm and
# rm -v remove them, rm keeps them), -v options (U, z, Z; O and idmap
# refused with the reason), duplicate mount destinations, volume and
# network subcommands. Where podman can run the same line here, the
# outputs compare.

load helpers
load podman-compare

setup_file() {
	podman_compare_setup_file busybox
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	# An image with a VOLUME that has content, made the same way for both.
	local tool
	for tool in "$HUSK" pm; do
		"$tool" run --name volseed "$R/busybox" sh -c 'mkdir -p /data && echo seed >/data/f && chown 7:7 /data/f' >/dev/null
		"$tool" commit -q --change 'VOLUME /data' volseed localhost/volimg >/dev/null
		"$tool" rm volseed >/dev/null
	done
}
teardown_file() { podman_compare_teardown_file; }

# anon_count TOOL: how many volumes of TOOL have a generated (64-hex) name.
anon_count() {
	"$1" volume ls -q | grep -cE "$HEX64" || true
}

@test "-v /dst: an anonymous volume with a 64-hex name, in inspect's Mounts and volume ls" {
	run_husk run --name anon1 -v /scratch "$R/busybox" sh -c 'echo hi >/scratch/x'
	run_husk container inspect --format '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}' anon1
	expect_match "$output" '^volume [0-9a-f]{64} /scratch$'
	local name=${output#volume }
	name=${name%% *}
	run_husk volume ls -q
	expect_contains "$output" "$name"
	run_husk volume inspect --format '{{.Anonymous}}' "$name"
	expect_eq "$output" true "Anonymous of volume inspect"
	run_husk run --rm -v "$name:/v" "$R/busybox" cat /v/x
	expect_eq "$output" hi "the anonymous volume holds what the container wrote"
	pm run --name anon1 -v /scratch "$R/busybox" true >/dev/null
	both container inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' anon1
	expect_eq "$HUSK_OUT" "$PM_OUT" "Mounts as podman"
	on_both rm anon1
}

@test "anonymous volumes: rm keeps them, rm -v and run --rm remove them (named ones stay), as podman" {
	local tool before
	for tool in "$HUSK" pm; do
		before=$(anon_count "$tool")
		"$tool" run --name keep -v /a "$R/busybox" true >/dev/null
		"$tool" rm keep >/dev/null
		expect_eq "$(anon_count "$tool")" $((before + 1)) "$tool: rm keeps the anonymous volume"
		"$tool" run --name gone -v /a -v named1:/n "$R/busybox" true >/dev/null
		"$tool" rm -v gone >/dev/null
		expect_eq "$(anon_count "$tool")" $((before + 1)) "$tool: rm -v removes the anonymous volume"
		"$tool" run --rm -v /a -v named2:/n "$R/busybox" true >/dev/null
		expect_eq "$(anon_count "$tool")" $((before + 1)) "$tool: run --rm removes the anonymous volume"
		"$tool" volume inspect named1 named2 >/dev/null || die "$tool: named volumes are kept"
	done
}

@test "anonymous volumes: rm -f of a running --rm container removes them (podman 4.3.1 leaks them)" {
	# podman 4.3.1 keeps the volume when rm -f (without -v) ends a --rm
	# container; docker's --rm removes a container's anonymous volumes
	# however it ends, and so does husk: nothing else would ever remove
	# that volume.
	local before
	before=$(anon_count "$HUSK")
	run_husk run --rm -d --name rmd -v /a "$R/busybox" sleep 100
	expect_eq "$(anon_count "$HUSK")" $((before + 1)) "a running --rm container has its volume"
	run_husk rm -f rmd
	run_husk '?' wait rmd
	expect_eq "$(anon_count "$HUSK")" "$before" "rm -f of a --rm container removes its volume"
}

@test "the image's VOLUME: an anonymous volume filled from the image, unless another mount covers it" {
	run_husk run --rm localhost/volimg sh -c 'cat /data/f; stat -c %u:%g /data/f'
	expect_eq "$output" $'seed\n7:7' "the volume has the image's files, owners kept"
	run_husk run --name iv localhost/volimg true
	run_husk container inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' iv
	expect_eq "$output" "volume /data"
	run_husk rm -v iv
	expect_same run --rm -v cover:/data localhost/volimg cat /data/f
	local before
	before=$(anon_count "$HUSK")
	run_husk run --rm --tmpfs /data localhost/volimg true
	expect_eq "$(anon_count "$HUSK")" "$before" "a tmpfs on /data: no anonymous volume"
	run_husk run --rm -v "$BATS_TEST_TMPDIR:/data" localhost/volimg true
	expect_eq "$(anon_count "$HUSK")" "$before" "a bind mount on /data: no anonymous volume"
	run_husk create --name ivc localhost/volimg true
	expect_eq "$(anon_count "$HUSK")" $((before + 1)) "create makes the image's volume"
	run_husk rm -v ivc
	expect_eq "$(anon_count "$HUSK")" "$before"
}

@test "--volumes-from shares another container's anonymous volume; removing this one keeps it" {
	run_husk run --name owner -v /shared "$R/busybox" sh -c 'echo mine >/shared/f'
	run_husk run --rm --volumes-from owner "$R/busybox" cat /shared/f
	expect_eq "$output" mine
	run_husk run --rm --volumes-from owner "$R/busybox" cat /shared/f
	expect_eq "$output" mine "a --rm user of the volume did not remove it"
	run_husk rm -v owner
}

@test "-v SRC:DST:U gives a bind mount's tree and a volume to the container's user, as podman" {
	local tool dir
	for tool in "$HUSK" pm; do
		dir=$BATS_TEST_TMPDIR/u-$(basename "$tool")
		mkdir -p "$dir/sub" && touch "$dir/sub/f"
		"$tool" run --rm --user 1000:1001 -v "$dir:/x:U" "$R/busybox" sh -c 'stat -c %u:%g /x /x/sub /x/sub/f; touch /x/new' \
			>"$dir.out" || die "$tool: run with :U"
	done
	expect_eq "$(cat "$BATS_TEST_TMPDIR/u-husk.out")" $'1000:1001\n1000:1001\n1000:1001' "owners inside"
	expect_eq "$(cat "$BATS_TEST_TMPDIR/u-husk.out")" "$(cat "$BATS_TEST_TMPDIR/u-pm.out")" "husk and podman"
	expect_same run --rm --user 5:6 -v uvol:/v:U "$R/busybox" stat -c %u:%g /v
	# podman 4.3.1 reads -v /anon:U as SRC:DST; husk takes U there too.
	run_husk run --rm --user 5:6 -v /anon:U "$R/busybox" stat -c %u:%g /anon
	expect_eq "$output" 5:6 "an anonymous volume with U"
	"$HUSK" unshare rm -rf "$BATS_TEST_TMPDIR/u-husk" "$BATS_TEST_TMPDIR/u-pm"
}

@test "-v options: z and Z accepted (no SELinux labels to set), idmap refused with the reason, z,Z refused as podman" {
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "SELinux is enabled here: z/Z would relabel"
	expect_same run --rm -v "$BATS_TEST_TMPDIR:/x:z" "$R/busybox" true
	expect_same run --rm -v "$BATS_TEST_TMPDIR:/x:Z,ro" "$R/busybox" true
	run_husk 125 run --rm -v "$BATS_TEST_TMPDIR:/x:z,Z" "$R/busybox" true
	expect_contains "$stderr" "give one of z, Z, O"
	run_husk 125 run --rm -v "$BATS_TEST_TMPDIR:/x:idmap" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "idmapped mounts (idmap) are not supported"
}

@test "-v SRC:DST:O: an overlay on the directory; the container's changes never reach it and are gone at the next start, as podman" {
	local d=$BATS_TEST_TMPDIR/lower
	mkdir -p "$d" && echo low >"$d/f"
	local cmd='cat /l/f; echo new >/l/g; echo changed >/l/f; ls /l'
	on_both create --name ovl -v "$d:/l:O" "$R/busybox" sh -c "$cmd"
	expect_same start -a ovl
	expect_eq "$HUSK_OUT" $'low\nf\ng'
	expect_eq "$(ls "$d")" f "the host directory has no new file"
	expect_eq "$(cat "$d/f")" low "the host file is unchanged"
	expect_same start -a ovl
	expect_eq "$HUSK_OUT" $'low\nf\ng' "the second start sees the directory as it was"
	on_both rm ovl
	run_husk 125 run --rm -v "ovlvol:/l:O" "$R/busybox" true
	expect_contains "$stderr" "is for host directories"
}

@test "two mounts on one destination: refused with podman's 'duplicate mount destination'" {
	local args
	for args in "-v $BATS_TEST_TMPDIR:/data --tmpfs /data" "-v $BATS_TEST_TMPDIR:/data --mount type=tmpfs,dst=/data" \
		"-v $BATS_TEST_TMPDIR:/data/ -v dupvol:/data" "-v /data -v $BATS_TEST_TMPDIR:/data"; do
		# shellcheck disable=SC2086
		run_husk 125 run --rm $args "$R/busybox" true
		expect_contains "$stderr" "/data: duplicate mount destination"
		# shellcheck disable=SC2086
		run_pm 125 run --rm $args "$R/busybox" true
		expect_contains "$stderr" "duplicate mount destination"
	done
}

# ---------------------------------------------------------------- networks

need_net_helper() {
	command -v pasta >/dev/null || command -v slirp4netns >/dev/null || skip "user networks need pasta or slirp4netns"
}

@test "network exists: exit 0 for a network, 1 for none, as podman" {
	on_both network create exnet
	expect_same network exists exnet
	expect_same network exists no-such-net
	expect_eq "$HUSK_RC" 1 "exit code of a missing network"
	on_both network rm exnet
}

@test "network prune --force and -f (podman's flags; husk never asks), rm --force removes the network's containers" {
	on_both network create prnet
	expect_same network prune --force
	on_both network create prnet2
	expect_same network prune -f
	on_both network create rmnet
	on_both create --name onrmnet --network rmnet "$R/busybox" true
	expect_same network rm rmnet
	expect_eq "$HUSK_RC" 2 "podman's exit code for a network in use"
	expect_same network rm --force rmnet
	run_husk 125 container inspect onrmnet
	expect_contains "$stderr" "no such container"
}

@test "network connect/disconnect: a stopped container joins a user network at its next start, and leaves it" {
	need_net_helper
	run_husk network create --subnet 10.97.3.0/24 cnet
	run_husk create --name cc "$R/busybox" sh -c 'ip -4 -o addr show 2>/dev/null | grep -o "inet 10.97[0-9.]*" || echo no-cnet'
	run_husk network connect --alias web cnet cc
	run_husk start -a cc
	expect_eq "$output" "inet 10.97.3.2" "the container is on cnet (besides the default network, as podman's bridge containers)"
	run_husk container inspect --format '{{json .HuskConfig.Net.Aliases}}' cc
	expect_eq "$output" '{"cnet":["web"]}' "the alias is kept"
	run_husk 125 network connect cnet cc
	expect_contains "$stderr" "already connected"
	run_husk network disconnect cnet cc
	run_husk 125 network disconnect cnet cc
	expect_contains "$stderr" "is not connected to network cnet"
	run_husk start -a cc
	expect_eq "$output" no-cnet "off cnet after disconnect"
	run_husk 125 network connect no-such-net cc
	run_husk 125 network connect cnet no-such-ctr
	run_husk rm cc
	run_husk network rm cnet
}

@test "network connect/disconnect of a running container works at once; other modes refused as podman" {
	need_net_helper
	run_husk network create rnet
	run_husk run -d --name runc1 --network rnet "$R/busybox" sleep 100
	run_husk network disconnect rnet runc1
	run_husk exec runc1 sh -c 'ip -4 -o addr | cut -d" " -f2'
	expect_eq "$output" lo "no interface but lo after disconnecting the only network"
	run_husk network connect rnet runc1
	run_husk exec runc1 sh -c 'ip -4 -o addr | cut -d" " -f2'
	expect_eq "$(echo $output)" "lo eth0" "back on rnet"
	run_husk rm -f -t 0 runc1
	run_husk create --name hostc --network host "$R/busybox" true
	run_husk 125 network connect rnet hostc
	expect_contains "$stderr" '"host" is not supported: invalid network mode'
	run_husk rm hostc
	run_husk network rm rnet
}

@test "network reload: prints a running container's ID; --all the running ones; a stopped one is refused" {
	need_net_helper
	run_husk run -d --name rl1 "$R/busybox" sleep 100
	local id
	id=$("$HUSK" container inspect --format '{{.Id}}' rl1)
	run_husk network reload rl1
	expect_eq "$output" "$id"
	run_husk create --name rl2 "$R/busybox" true
	run_husk network reload --all
	expect_eq "$output" "$id" "--all: the running container"
	run_husk 125 network reload rl2
	expect_contains "$stderr" "not running"
	run_husk 125 network reload
	run_husk rm -f -t 0 rl1 rl2
}

@test "--network slirp4netns:cidr=…: the container's address, gateway and DNS in that network, as podman" {
	command -v slirp4netns >/dev/null || skip "needs slirp4netns"
	local cmd='ip -4 -o addr show tap0 | grep -o "inet [0-9./]*"; grep -m1 ^nameserver /etc/resolv.conf; ip route | grep default | grep -o "via [0-9.]*"'
	expect_same run --rm --network slirp4netns:cidr=10.41.0.0/24 "$R/busybox" sh -c "$cmd"
	expect_contains "$HUSK_OUT" "inet 10.41.0.100/24"
	expect_contains "$HUSK_OUT" "nameserver 10.41.0.3"
	expect_same run --rm --network slirp4netns:port_handler=slirp4netns,mtu=1500 "$R/busybox" cat /sys/class/net/tap0/mtu
	expect_eq "$HUSK_OUT" 1500
	run_husk 125 run --rm --network slirp4netns:port_handler=rootlesskit "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "port_handler=slirp4netns"
	run_husk 125 run --rm --network slirp4netns:cidr=10.41.0.5/24 "$R/busybox" true
	expect_contains "$stderr" "network address"
}

# ---------------------------------------------------------------- volume commands

@test "volume rm: one in use exits 2; --force removes the containers that use it first, as podman" {
	on_both volume create busyvol
	on_both create --name busyuser -v busyvol:/x "$R/busybox" true
	expect_same volume rm busyvol
	expect_eq "$HUSK_RC" 2 "podman's exit code for a volume in use"
	expect_same volume rm --force busyvol
	expect_eq "$HUSK_OUT" busyvol
	run_husk 125 container inspect busyuser
	expect_contains "$stderr" "no such container"
	on_both run -d --name busyrun -v busyvol2:/x "$R/busybox" sleep 100
	expect_same volume rm -f busyvol2
	run_husk 125 container inspect busyrun
}

@test "volume exists, inspect --all, unmount as podman; mount prints the volume's directory" {
	on_both volume create exvol
	expect_same volume exists exvol
	expect_same volume exists no-such-vol
	expect_eq "$HUSK_RC" 1 "exit code of a missing volume"
	both volume inspect --all --format '{{.Name}}'
	expect_eq "$(grep -vE "$HEX64" <<<"$HUSK_OUT" | sort)" "$(grep -vE "$HEX64" <<<"$PM_OUT" | sort)" "the named volumes of inspect --all"
	expect_contains "$HUSK_OUT" exvol
	run_husk 125 volume inspect --all exvol
	run_husk 125 volume inspect
	# podman 4.3.1 refuses volume mount rootless ("must execute podman
	# unshare first"); a husk volume is a directory, so there is
	# nothing to mount and its path is printed, as podman does as root.
	run_husk volume mount exvol
	local path=$output
	run_husk volume inspect --format '{{.Mountpoint}}' exvol
	expect_eq "$path" "$output" "volume mount prints the mount point"
	[[ -d $path ]] || die "$path is no directory"
	expect_same volume unmount exvol
	run_husk 125 volume mount no-such-vol
	on_both volume rm exvol
}

@test "volume create --opt: a tmpfs volume, a bound directory (o=bind), and what rootless cannot mount refused" {
	run_husk volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=2m tmpvol
	run_husk volume inspect --format '{{.Options.type}} {{.Options.o}}' tmpvol
	expect_eq "$output" "tmpfs size=2m"
	run_husk run --rm -v tmpvol:/t "$R/busybox" sh -c 'grep " /t " /proc/mounts | cut -d" " -f3; df -k /t | tail -n1; echo x >/t/x'
	expect_contains "$output" tmpfs
	expect_contains "$output" " 2048 " "a 2 MiB tmpfs"
	run_husk volume rm tmpvol
	mkdir -p "$BATS_TEST_TMPDIR/bound" && echo hostfile >"$BATS_TEST_TMPDIR/bound/f"
	local tool
	for tool in "$HUSK" pm; do
		"$tool" volume create --opt type=none --opt "device=$BATS_TEST_TMPDIR/bound" --opt o=bind bindvol >/dev/null
	done
	expect_same run --rm -v bindvol:/b "$R/busybox" cat /b/f
	expect_eq "$HUSK_OUT" hostfile
	on_both volume rm bindvol
	# podman 4.3.1 accepts these and fails at run time (permission
	# denied, unknown filesystem type); husk refuses them when created.
	run_husk 125 volume create --opt type=ext4 --opt device=/dev/vda extvol
	expect_one_error_line
	expect_contains "$stderr" "rootless husk cannot mount ext4"
	run_husk 125 volume create --opt foo=bar badvol
	expect_contains "$stderr" "the local driver takes type, device and o"
	run_husk 125 volume create --opt type=tmpfs --opt o=size=2m,bogus tmpbad
	run_husk 1 volume exists extvol
}

@test "volume export and import: a tar of the volume's contents (owners kept), as podman" {
	local tool
	for tool in "$HUSK" pm; do
		"$tool" volume create expvol >/dev/null
		"$tool" run --rm -v expvol:/e "$R/busybox" sh -c 'echo data >/e/f; mkdir /e/d; chown 5:6 /e/d' >/dev/null
	done
	both volume export expvol
	expect_eq "$HUSK_RC" 0
	"$HUSK" volume export expvol | tar -tvf - | awk '{print $1, $2, $6}' | sort >"$BATS_TEST_TMPDIR/husk.list"
	pm volume export expvol | tar -tvf - | awk '{print $1, $2, $6}' | sort >"$BATS_TEST_TMPDIR/pm.list"
	expect_eq "$(cat "$BATS_TEST_TMPDIR/husk.list")" "$(cat "$BATS_TEST_TMPDIR/pm.list")" "the archives' entries"
	run_husk volume export -o "$BATS_TEST_TMPDIR/exp.tar" expvol
	run_husk volume create impvol
	run_husk volume import impvol "$BATS_TEST_TMPDIR/exp.tar"
	run_husk run --rm -v impvol:/i "$R/busybox" sh -c 'cat /i/f; stat -c %u:%g /i/d'
	expect_eq "$output" $'data\n5:6'
	run_husk volume create impvol2
	run bash -c '"$HUSK" volume import impvol2 - <"$BATS_TEST_TMPDIR/exp.tar"'
	[[ $status -eq 0 ]] || die "import from stdin: $output"
	run_husk run --rm -v impvol2:/i "$R/busybox" cat /i/f
	expect_eq "$output" data
	expect_same volume import no-such-vol "$BATS_TEST_TMPDIR/exp.tar"
	expect_eq "$HUSK_RC" 125
	expect_same volume export no-such-vol
}
