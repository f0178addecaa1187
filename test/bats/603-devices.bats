#!/usr/bin/env bats
# Devices (issue 16): --device HOST[:CTR][:rwm] binds a host node the user
# can open (rootless cannot mknod, as podman does rootless), a directory's
# nodes, CDI devices (vendor/class=name) from --cdi-spec-dir, inspect's
# HostConfig.Devices, and the refusals: a node the user cannot open,
# --device-cgroup-rule, --group-add keep-groups without crun. Real runc,
# as the test user.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_optional_setup_file busybox
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
}

# cdi_dir: a CDI spec directory with test.husk/device=foo (a node, a
# mount of a file, a variable) and test.husk/device=bar.
cdi_dir() {
	local d=$BATS_TEST_TMPDIR/cdi
	mkdir -p "$d"
	echo "hello from cdi" >"$BATS_TEST_TMPDIR/cdi-file"
	cat >"$d/husk.yaml" <<EOF
cdiVersion: "0.6.0"
kind: test.husk/device
devices:
  - name: foo
    containerEdits:
      deviceNodes:
        - path: /dev/husk-cdi-null
          hostPath: /dev/null
      env: [HUSK_CDI=foo]
      mounts:
        - hostPath: $BATS_TEST_TMPDIR/cdi-file
          containerPath: /etc/husk-cdi
          options: [bind, ro]
  - name: bar
    containerEdits:
      env: [HUSK_CDI_BAR=1]
EOF
	echo "$d"
}

@test "--device HOST:CTR binds the node, usable in the container" {
	run_husk run --rm --network none --device /dev/null:/dev/mynull "$R/busybox" \
		sh -c 'stat -c "%F %t:%T" /dev/mynull && echo data >/dev/mynull && wc -c </dev/mynull'
	expect_eq "${lines[0]}" "character special file 1:3"
	expect_eq "${lines[1]}" "0"
}

@test "--device /dev/fuse appears at the same path" {
	[[ -c /dev/fuse ]] || skip "this host has no /dev/fuse"
	[[ -r /dev/fuse && -w /dev/fuse ]] || skip "/dev/fuse is not open to the test user here (distros ship it 0666)"
	run_husk run --rm --network none --device /dev/fuse "$R/busybox" stat -c "%F %t:%T" /dev/fuse
	expect_eq "$output" "character special file a:e5"
}

@test "--device :r mounts the node read-only (a device node stays writable: documented)" {
	run_husk run --rm --network none --device /dev/null:/dev/mynull:r "$R/busybox" \
		sh -c 'grep " /dev/mynull " /proc/self/mountinfo; echo x >/dev/mynull && echo written'
	expect_match "${lines[0]}" ' /dev/mynull ro,'
	# The kernel checks a node's write access on the inode, not on the
	# mount (may_open): rootless, nothing enforces :r (podman 4.3.1
	# rootless behaves the same); docs/services.md says so.
	expect_eq "${lines[1]}" "written"
}

@test "--device matches podman 4.3.1 rootless: the node, :r's read-only bind, a directory" {
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	local script='stat -c "%F %t:%T" /dev/mynull; grep -c " /dev/mynull ro," /proc/self/mountinfo; echo x >/dev/mynull && echo written; ls /dev/net'
	local args=(run --rm --network none --device /dev/null:/dev/mynull:r --device /dev/net "$R/busybox" sh -c "$script")
	[[ -c /dev/net/tun && -r /dev/net/tun && -w /dev/net/tun ]] || args=(run --rm --network none --device /dev/null:/dev/mynull:r "$R/busybox" sh -c "${script%; ls*}")
	run_husk "${args[@]}"
	local husk_out=$output
	run_pm "${args[@]}"
	expect_eq "$husk_out" "$output" "husk's output against podman's"
}

@test "--device DIR adds the nodes under it" {
	[[ -c /dev/net/tun && -r /dev/net/tun && -w /dev/net/tun ]] || skip "/dev/net/tun is missing or not open to the test user"
	run_husk create --name devdir --network none --device /dev/net "$R/busybox" true
	run_husk inspect devdir --format '{{json .HostConfig.Devices}}'
	expect_eq "$output" '[{"PathOnHost":"/dev/net/tun","PathInContainer":"/dev/net/tun","CgroupPermissions":"rwm"}]'
	run_husk rm devdir
	run_husk run --rm --network none --device /dev/net:/dev/other "$R/busybox" stat -c "%F %t:%T" /dev/other/tun
	expect_eq "$output" "character special file a:c8"
}

@test "inspect HostConfig.Devices lists the devices as podman names them" {
	run_husk create --name devs --network none --device /dev/null:/dev/mynull:r --device /dev/zero "$R/busybox" true
	run_husk inspect devs --format '{{json .HostConfig.Devices}}'
	expect_eq "$output" '[{"PathOnHost":"/dev/null","PathInContainer":"/dev/mynull","CgroupPermissions":"r"},{"PathOnHost":"/dev/zero","PathInContainer":"/dev/zero","CgroupPermissions":"rwm"}]'
	run_husk create --name nodevs --network none "$R/busybox" true
	run_husk inspect nodevs --format '{{json .HostConfig.Devices}}'
	expect_eq "$output" '[]'
}

@test "--device of a node the user cannot open: 125, saying how to fix the host" {
	local n node=
	for n in /dev/cpu_dma_latency /dev/loop-control /dev/hwrng /dev/btrfs-control /dev/tty0 /dev/vcs /dev/mem; do
		if [[ -c $n && ! -r $n && ! -w $n ]]; then
			node=$n
			break
		fi
	done
	[[ -n $node ]] || skip "no device node closed to the test user found on this host"
	run_husk 125 run --rm --network none --device "$node:/dev/x" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "--device \"$node\": you cannot open this device to read and write"
	expect_contains "$stderr" "usermod -aG"
	run_husk 125 create --network none --device "$node" "$R/busybox" true
	run_husk ps -a -q
	expect_eq "$output" ""
}

@test "--device checks the access asked: a read-only node with :r, not with rw" {
	[[ -c /dev/kmsg && -r /dev/kmsg && ! -w /dev/kmsg ]] || skip "/dev/kmsg is not readable-only for the test user here"
	run_husk 125 run --rm --network none --device /dev/kmsg "$R/busybox" true
	expect_contains "$stderr" "you cannot open this device to read and write"
	run_husk run --rm --network none --device /dev/kmsg:r "$R/busybox" stat -c "%F" /dev/kmsg
	expect_eq "$output" "character special file"
}

@test "--device refuses what is not a device, a missing path and bad forms" {
	run_husk 125 run --rm --network none --device /etc/passwd "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "not a device node"
	run_husk 125 run --rm --network none --device /no/such/dev "$R/busybox" true
	expect_contains "$stderr" "no such file or directory"
	run_husk 125 run --rm --network none --device dev/null "$R/busybox" true
	expect_contains "$stderr" "absolute path"
	run_husk 125 run --rm --network none --device /dev/null:/dev/x:rwx "$R/busybox" true
	expect_contains "$stderr" "permissions \"rwx\""
}

@test "CDI: --device vendor/class=name injects its node, mount and variable" {
	local d
	d=$(cdi_dir)
	run_husk --cdi-spec-dir "$d" run --rm --network none --device test.husk/device=foo "$R/busybox" \
		sh -c 'stat -c "%F %t:%T" /dev/husk-cdi-null; cat /etc/husk-cdi; echo "$HUSK_CDI"; echo ok >/dev/husk-cdi-null && echo usable'
	expect_eq "${lines[0]}" "character special file 1:3"
	expect_eq "${lines[1]}" "hello from cdi"
	expect_eq "${lines[2]}" "foo"
	expect_eq "${lines[3]}" "usable"
}

@test "CDI: a created container gets its devices again at start" {
	local d
	d=$(cdi_dir)
	run_husk --cdi-spec-dir "$d" create --name cdi1 --network none --device test.husk/device=bar "$R/busybox" sh -c 'echo "bar=$HUSK_CDI_BAR"'
	# start without --cdi-spec-dir: the container keeps create's directories.
	run_husk start -a cdi1
	expect_eq "$output" "bar=1"
}

@test "CDI: an unknown name is 125 listing the known ones" {
	local d
	d=$(cdi_dir)
	run_husk 125 --cdi-spec-dir "$d" run --rm --network none --device test.husk/device=nope "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "\"test.husk/device=nope\": no such CDI device in $d"
	expect_contains "$stderr" "known: test.husk/device=bar, test.husk/device=foo"
	run_husk 125 --cdi-spec-dir "$BATS_TEST_TMPDIR/empty" run --rm --network none --device test.husk/device=foo "$R/busybox" true
	expect_contains "$stderr" "(known: none)"
}

@test "CDI: a malformed spec file is an error naming the file" {
	local d
	d=$(cdi_dir)
	echo 'cdiVersion: [' >"$d/broken.yaml"
	run_husk 125 --cdi-spec-dir "$d" run --rm --network none --device test.husk/device=foo "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "CDI spec file \"$d/broken.yaml\""
}

@test "--device-cgroup-rule is refused rootless, with the reason" {
	run_husk 125 run --rm --network none --device-cgroup-rule "c 1:3 rwm" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "device cgroup cannot be set"
	expect_contains "$stderr" "--device"
	run_husk 125 run --rm --network none --device-cgroup-rule "c 1:3" "$R/busybox" true
	expect_contains "$stderr" "TYPE MAJOR:MINOR PERMISSIONS"
}

@test "--group-add keep-groups: refused with runc, naming --runtime crun" {
	run_husk 125 --runtime runc run --rm --network none --group-add keep-groups "$R/busybox" id -G
	expect_one_error_line
	expect_contains "$stderr" "--runtime crun"
}

@test "--group-add keep-groups with crun keeps the user's groups" {
	command -v crun >/dev/null || skip "crun is not installed"
	run --separate-stderr "$HUSK" --runtime crun run --rm --network none "$R/busybox" true
	[[ $status -eq 0 ]] || skip "crun cannot run containers on this host: $stderr"
	[[ $(id -G | wc -w) -gt 1 ]] || skip "the test user has no supplementary group"
	run_husk --runtime crun run --rm --network none "$R/busybox" id -G
	local without=$output
	run_husk --runtime crun run --rm --network none --group-add keep-groups "$R/busybox" id -G
	[[ $(wc -w <<<"$output") -gt $(wc -w <<<"$without") ]] ||
		die "keep-groups: groups \"$output\", not more than without it: \"$without\""
}
