#!/usr/bin/env bats
# run and create's flags of issue 14 that came last: -h (--hostname),
# --net and --dns-opt (podman's hidden aliases), --security-opt's
# no-new-privileges=false, mask=, unmask=, label= and apparmor=, -ti
# without a terminal on stdin, and the user namespace modes. Each takes
# effect in the container or is refused with 125 and the reason; where
# podman 4.3.1 is installed the same lines run with it and compare. Real
# runc, as the test user.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_optional_setup_file busybox
}

teardown_file() { podman_optional_teardown_file; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
	# shellcheck disable=SC2086 # a list of paths without blanks
	[[ -z ${CGP_CLEANUP:-} ]] || rmdir $CGP_CLEANUP 2>/dev/null || true
	[[ -n ${PM_SKIP:-} || -z ${PODMAN_DIR:-} ]] || pm rm -a -f >/dev/null 2>&1 || true
}

# need_podman: skip the rest of the test without podman.
need_podman() { [[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"; }

# same_in_both ARGS...: husk and podman run ARGS with the same exit code
# and output.
same_in_both() {
	need_podman
	expect_same_ordered "$@"
}

@test "-h VALUE is --hostname; -h alone needs its argument; --help is help" {
	run_husk run --rm -h shorthost "$R/busybox" hostname
	expect_eq "$output" shorthost
	run_husk create --name hn -h h2 "$R/busybox" true
	expect_eq "$(ctr_field hn '{{.Config.Hostname}}')" h2 "Config.Hostname"
	run_husk 125 run -h
	expect_contains "$stderr" "flag needs an argument: 'h' in -h"
	run_husk run --help
	expect_contains "$output" "-h, --hostname"
	run_husk create --help
	expect_contains "$output" "-h, --hostname"
	same_in_both run --rm -h shorthost "$R/busybox" hostname
	expect_eq "$HUSK_OUT" shorthost
}

@test "--net is --network and --dns-opt is --dns-option, hidden as in podman" {
	run_husk create --name alias1 --net none "$R/busybox" true
	expect_eq "$(ctr_field alias1 '{{.HostConfig.NetworkMode}}')" none "NetworkMode"
	run_husk run --rm --net none --dns-opt ndots:3 "$R/busybox" grep options /etc/resolv.conf
	expect_eq "$output" "options ndots:3"
	run_husk run --help
	expect_not_contains "$output" "--net "
	expect_not_contains "$output" "--dns-opt "
	same_in_both run --rm --net none "$R/busybox" sh -c 'ip -o link | wc -l'
	same_in_both run --rm --dns-opt ndots:3 "$R/busybox" grep options /etc/resolv.conf
}

@test "--security-opt no-new-privileges[=true|false] sets the process's flag" {
	local o
	for o in no-new-privileges no-new-privileges=true no-new-privileges:true; do
		run_husk run --rm --security-opt "$o" "$R/busybox" grep NoNewPrivs /proc/self/status
		expect_match "$output" 'NoNewPrivs:.1'
	done
	run_husk run --rm --security-opt no-new-privileges --security-opt no-new-privileges=false "$R/busybox" grep NoNewPrivs /proc/self/status
	expect_match "$output" 'NoNewPrivs:.0'
	run_husk 125 run --rm --security-opt no-new-privileges=maybe "$R/busybox" true
	expect_one_error_line
	same_in_both run --rm --security-opt no-new-privileges:false "$R/busybox" grep NoNewPrivs /proc/self/status
}

# masks: the /proc and /sys mount points of masked and read-only paths
# in the container husk or podman runs with ARGS.
masks() {
	"$@" sh -c 'awk "\$2 ~ \"^/(proc|sys)/\" && \$2 !~ \"^/sys/fs/cgroup\" { print \$2 }" /proc/mounts | sort'
}

@test "--security-opt mask= masks more paths, unmask= leaves default ones alone" {
	run_husk run --rm --security-opt mask=/etc/hostname:/opt "$R/busybox" sh -c 'wc -c </etc/hostname'
	expect_eq "$output" 0 "bytes of a masked /etc/hostname"
	local all some
	all=$(masks "$HUSK" run --rm "$R/busybox")
	expect_contains "$all" /proc/keys
	expect_contains "$all" /sys/firmware
	some=$(masks "$HUSK" run --rm --security-opt 'unmask=/proc/*' "$R/busybox")
	expect_not_contains "$some" /proc/
	expect_contains "$some" /sys/firmware
	some=$(masks "$HUSK" run --rm --security-opt unmask=/proc/keys:/sys/firmware "$R/busybox")
	expect_not_contains "$some" /proc/keys
	expect_not_contains "$some" /sys/firmware
	expect_contains "$some" /proc/timer_list
	expect_eq "$(masks "$HUSK" run --rm --security-opt unmask=ALL "$R/busybox")" "" "masks with unmask=ALL"
	run_husk 125 run --rm --security-opt mask=relative/path "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "not a clean absolute path"
	need_podman
	expect_eq "$(masks "$HUSK" run --rm --security-opt 'unmask=/proc/*' "$R/busybox")" \
		"$(masks pm run --rm --security-opt 'unmask=/proc/*' "$R/busybox")" "unmask=/proc/* in husk and podman"
	expect_eq "$(masks "$HUSK" run --rm --security-opt unmask=ALL "$R/busybox")" \
		"$(masks pm run --rm --security-opt unmask=ALL "$R/busybox")" "unmask=ALL in husk and podman"
}

@test "--security-opt label= and apparmor=unconfined are taken (no SELinux, no AppArmor here); inspect shows them as podman" {
	[[ ! -e /sys/fs/selinux/enforce ]] || skip "the host runs SELinux: husk refuses labels but disable"
	local opts=(--security-opt apparmor=unconfined --security-opt no-new-privileges --security-opt seccomp=unconfined
		--security-opt label=disable --security-opt label=type:x_t --security-opt mask=/opt)
	run_husk create --name sec "${opts[@]}" "$R/busybox" true
	local got
	got=$(ctr_field sec '{{json .HostConfig.SecurityOpt}}')
	expect_eq "$got" '["no-new-privileges","label=disable,label=type:x_t","seccomp=unconfined","apparmor=unconfined"]' "SecurityOpt"
	run_husk run --rm --security-opt label=disable "$R/busybox" echo ok
	expect_eq "$output" ok
	run_husk 125 run --rm --security-opt apparmor=my-profile "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "AppArmor"
	run_husk 125 run --rm --security-opt bogus=1 "$R/busybox" true
	expect_one_error_line
	need_podman
	pm create --name sec "${opts[@]}" "$R/busybox" true >/dev/null
	expect_eq "$got" "$(pm inspect --format '{{json .HostConfig.SecurityOpt}}' sec)" "SecurityOpt in husk and podman"
	run_pm 125 run --rm --security-opt apparmor=my-profile "$R/busybox" true
}

@test "-ti with stdin not a terminal: podman's warning, and the run goes on with a terminal" {
	run_husk run --rm -ti "$R/busybox" sh -c 'test -t 0 && test -t 1 && echo both-terminals' </dev/null
	expect_contains "$output" both-terminals
	expect_contains "$stderr" "The input device is not a TTY"
	run bash -c 'echo piped | "$HUSK" run --rm -ti "$1/busybox" sh -c "read x; echo got \$x" 2>/dev/null' - "$R"
	expect_eq "$status" 0
	expect_contains "$output" "got piped"
	# -t alone and create -ti do not warn, as in podman.
	run_husk run --rm -t "$R/busybox" true </dev/null
	expect_not_contains "$stderr" "not a TTY"
	run_husk create -ti "$R/busybox" true </dev/null
	expect_not_contains "$stderr" "not a TTY"
	need_podman
	run_pm run --rm -ti "$R/busybox" sh -c 'test -t 0 && test -t 1 && echo both-terminals' </dev/null
	expect_contains "$output" both-terminals
	expect_contains "$stderr" "The input device is not a TTY"
}

@test "-t on a fresh run state where crun cannot run containers: husk falls back to runc with the terminal" {
	command -v crun >/dev/null || skip "needs crun (the runtime husk tries first)"
	# A store of its own: husk has not yet found out crun's refusal.
	use_store crunfirst
	"$HUSK" pull -q "$R/busybox" >/dev/null
	run_husk run --rm -t "$R/busybox" echo in-terminal </dev/null
	expect_contains "$output" in-terminal
	use_store main
}

# open_store_path: a container user namespace without the user's own id
# must be able to search the directories above the store, as for podman
# (whose store is 0711): the test's temporary directories get o+x.
open_store_path() {
	local d=$XDG_DATA_HOME/husk
	while [[ $d != / && -O $d ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# subid_count [gid]: how many subordinate uids (gids) the user has (its
# first range, the one husk's namespace maps).
subid_count() {
	local f=/etc/subuid
	[[ ${1:-} != gid ]] || f=/etc/subgid
	awk -F: -v n="$(id -un)" -v u="$(id -u)" '$1 == n || $1 == u { print $3; exit }' "$f"
}

# maps_of ARGS...: the uid and gid maps a container sees, run with ARGS.
maps_of() {
	"$@" sh -c 'cat /proc/self/uid_map /proc/self/gid_map' | awk '{ print $1, $2, $3 }'
}

@test "--userns host|keep-id:uid=N,gid=N|nomap|auto[:size=N]: the container's maps; inspect shows the mode" {
	open_store_path
	local host
	host=$(maps_of "$HUSK" run --rm "$R/busybox")
	expect_eq "$(maps_of "$HUSK" run --rm --userns host "$R/busybox")" "$host" "--userns host is the default"
	run_husk run --rm --userns keep-id:uid=200,gid=300 "$R/busybox" sh -c 'echo $(id -u) $(id -g)'
	expect_eq "$output" "200 300"
	run_husk create --name kid --userns keep-id:uid=200,gid=300 "$R/busybox" true
	expect_eq "$(ctr_field kid '{{.HostConfig.UsernsMode}}')" "keep-id:uid=200,gid=300"
	[[ -n $(subid_count) ]] || skip "needs a user with subordinate ids"
	expect_eq "$(maps_of "$HUSK" run --rm --net none --userns nomap "$R/busybox")" "0 1 $(subid_count)
0 1 $(subid_count gid)" "nomap: the subordinate ids only"
	run_husk create --name nm --net none --userns nomap "$R/busybox" true
	expect_eq "$(ctr_field nm '{{.HostConfig.UsernsMode}}')" nomap
	# auto: free ranges of 1024 (or size=N), one after the other.
	run_husk run -d --name a1 --net none --userns auto "$R/busybox" sleep 300
	run_husk run -d --name a2 --net none --userns auto:size=500 "$R/busybox" sleep 300
	expect_eq "$("$HUSK" exec a1 cat /proc/self/uid_map | awk '{ print $1, $2, $3 }')" "0 1 1024" "the first auto range"
	expect_eq "$("$HUSK" exec a2 cat /proc/self/uid_map | awk '{ print $1, $2, $3 }')" "0 1025 500" "the second auto range"
	# A third one gets the range after both; once they are gone, the first.
	expect_eq "$(maps_of "$HUSK" run --rm --net none --userns auto:size=100 "$R/busybox" | head -n1)" "0 1525 100" "a third auto range"
	run_husk rm -f a1 a2
	expect_eq "$(maps_of "$HUSK" run --rm --net none --userns auto:size=100 "$R/busybox" | head -n1)" "0 1 100" "an auto range freed"
	# A network husk makes inside such a namespace (590-leftovers14 has more).
	run_husk run --rm --userns nomap --net private "$R/busybox" true
	run_husk 125 run --rm --userns private "$R/busybox" true
	expect_one_error_line
	run_husk 125 run --rm --userns ns:/proc/self/ns/user "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "cannot be entered"
	run_husk 125 run --rm --userns auto:uidmapping=0:1:10 "$R/busybox" true
	expect_one_error_line
	need_podman
	same_in_both run --rm --userns keep-id:uid=200,gid=300 "$R/busybox" sh -c 'echo $(id -u) $(id -g)'
	expect_eq "$(maps_of "$HUSK" run --rm --net none --userns nomap "$R/busybox")" \
		"$(maps_of pm run --rm --net none --userns nomap "$R/busybox")" "nomap in husk and podman"
	expect_eq "$(maps_of "$HUSK" run --rm --net none --userns auto:size=500 "$R/busybox")" \
		"$(maps_of pm run --rm --net none --userns auto:size=500 "$R/busybox")" "auto:size=500 in husk and podman"
	run_pm 125 run --rm --userns private "$R/busybox" true
}

@test "--uidmap/--gidmap: the container's own maps in ids of husk's namespace; bad maps are refused" {
	open_store_path
	[[ $(subid_count) -ge 1000 ]] || skip "needs a user with at least 1000 subordinate ids"
	expect_eq "$(maps_of "$HUSK" run --rm --net none --uidmap 0:1:1000 --gidmap 0:2:500 "$R/busybox")" "0 1 1000
0 2 500"
	# Without --gidmap the uid map serves for gids too, as in podman.
	expect_eq "$(maps_of "$HUSK" run --rm --uidmap 0:0:1 --uidmap 1:1:999 "$R/busybox")" "0 0 1
1 1 999
0 0 1
1 1 999"
	run_husk create --name um --net none --uidmap 0:1:1000 "$R/busybox" true
	expect_eq "$(ctr_field um '{{.HostConfig.UsernsMode}}')" private
	run_husk 125 run --rm --net none --uidmap "0:1:$(($(subid_count) + 1))" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "not in husk's user namespace"
	run_husk 125 run --rm --net none --uidmap 0:1:10 --uidmap 5:20:10 "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "overlaps"
	run_husk 125 run --rm --uidmap x "$R/busybox" true
	expect_one_error_line
	run_husk 125 run --rm --uidmap 0:1:10 --userns keep-id "$R/busybox" true
	expect_one_error_line
	# --subuidname: only the user's own range can be mapped rootless.
	expect_eq "$(maps_of "$HUSK" run --rm --net none --subuidname "$(id -un)" "$R/busybox")" "0 1 $(subid_count)
0 1 $(subid_count gid)"
	run_husk 125 run --rm --net none --subuidname root "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "your own subordinate ids"
	need_podman
	expect_eq "$(maps_of "$HUSK" run --rm --net none --uidmap 0:1:1000 --gidmap 0:2:500 "$R/busybox")" \
		"$(maps_of pm run --rm --net none --uidmap 0:1:1000 --gidmap 0:2:500 "$R/busybox")" "--uidmap/--gidmap in husk and podman"
	run_pm 125 run --rm --uidmap 0:1:10 --userns keep-id "$R/busybox" true
	run_pm 125 run --rm --uidmap x "$R/busybox" true
}

@test "--rootfs DIR[:O]: runs a root directory of the user's, no image (:O on an overlay); a missing directory is 125" {
	local dir=$BATS_TEST_TMPDIR/root
	mkdir "$dir"
	run_husk create --name src "$R/busybox" true
	"$HUSK" export src | tar -C "$dir" -xf -
	run_husk rm src
	local probe='echo $(id -u) $(id -g); stat -c "%u %g" /etc/passwd; cat /proc/self/uid_map | wc -l'
	run_husk run --rm --rootfs "$dir" sh -c "$probe"
	local seen=$output
	expect_eq "$(head -n2 <<<"$seen")" "0 0
0 0" "the user's files are root's in the container"
	run_husk run --rm --rootfs "$dir" sh -c 'echo from-container >/written'
	expect_eq "$(cat "$dir/written")" from-container "the container writes to the directory"
	run_husk create --name rf --rootfs "$dir" echo hi
	expect_eq "$(ctr_field rf '{{.Rootfs}}')" "$dir" "inspect Rootfs"
	expect_eq "$(ctr_field rf '{{.ImageName}}')" "" "inspect ImageName"
	run_husk start -a rf
	expect_eq "$output" hi
	# DIR:O: the container writes to an overlay, the directory stays.
	run_husk run --rm --rootfs "$dir:O" sh -c 'echo o >/overlaid && cat /overlaid'
	expect_eq "$output" o
	[[ ! -e $dir/overlaid ]] || die "a write through :O reached the directory"
	run_husk create --name rfo --rootfs "$dir:O" cat /overlaid
	expect_eq "$(ctr_field rfo '{{.Rootfs}}')" "$dir:O" "inspect Rootfs with :O"
	run_husk 125 run --rm --rootfs "$BATS_TEST_TMPDIR/none" true
	expect_one_error_line
	need_podman
	run_pm run --rm --rootfs "$dir" sh -c "$probe"
	expect_eq "$seen" "$output" "husk and podman"
	run_pm 125 run --rm --rootfs "$BATS_TEST_TMPDIR/none" true
	same_in_both run --rm --rootfs "$dir:O" sh -c 'echo o >/overlaid2 && cat /overlaid2'
	[[ ! -e $dir/overlaid2 ]] || die "a write through :O reached the directory"
}

@test "--cgroup-parent: a path in the delegated cgroup tree (created), refused outside it; inspect shows it" {
	local delegated
	delegated=$("$HUSK" info --format '{{.Cgroups.Delegated}}' 2>/dev/null) || true
	run_husk create --name cgp --cgroup-parent web/tier "$R/busybox" true
	expect_eq "$(ctr_field cgp '{{.HostConfig.CgroupParent}}')" web/tier "HostConfig.CgroupParent"
	run_husk rm cgp
	if [[ -z $delegated || ! -d /sys/fs/cgroup/unified$delegated && ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
		run_husk 125 run --rm --cgroup-parent web "$R/busybox" true
		expect_one_error_line
		skip "no cgroup v2 tree is delegated to the user: the refusal is all there is"
	fi
	local mount
	mount=$("$HUSK" info --format '{{.Cgroups.Mount}}')
	# The parents this test makes go with it (as with podman, they stay).
	CGP_CLEANUP="$mount$delegated/web/tier $mount$delegated/web $mount$delegated/abs"
	run_husk run --rm --cgroup-parent web/tier "$R/busybox" grep ^0:: /proc/self/cgroup
	expect_match "$output" "^0::$delegated/web/tier/husk-[0-9a-f]{64}\$"
	run_husk run --rm --cgroup-parent "$delegated/abs" "$R/busybox" grep ^0:: /proc/self/cgroup
	expect_match "$output" "^0::$delegated/abs/husk-[0-9a-f]{64}\$"
	run_husk 125 run --rm --cgroup-parent /elsewhere "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "outside the cgroup tree delegated to you"
	run_husk 125 run --rm --cgroup-parent ../up "$R/busybox" true
	expect_one_error_line
	run_husk 125 run --rm --cgroup-parent x.slice "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "systemd slice"
	run_husk 125 run --rm --cgroups disabled --cgroup-parent web "$R/busybox" true
	expect_one_error_line
	need_podman
	pm create --name cgp --cgroup-parent web/tier "$R/busybox" true >/dev/null
	expect_eq "$(pm inspect --format '{{.HostConfig.CgroupParent}}' cgp)" web/tier "podman's CgroupParent"
}

@test "--mount type=image mounts an image's files (read-only, or rw=true on a throwaway overlay); devpts and ramfs work" {
	run_husk 1 run --rm --mount "type=image,source=$R/busybox,destination=/img" "$R/busybox" sh -c 'test -x /img/bin/sh && echo has-sh; touch /img/x'
	expect_contains "$output" has-sh
	expect_contains "$stderr" "Read-only file system"
	run_husk run --rm --mount "type=image,source=$R/busybox,destination=/img,rw=true" "$R/busybox" sh -c 'echo w >/img/new && cat /img/new'
	expect_eq "$output" w
	# The image itself is untouched.
	run_husk run --rm --mount "type=image,source=$R/busybox,destination=/img" "$R/busybox" sh -c 'test ! -e /img/new && echo clean'
	expect_eq "$output" clean
	# Detached: the mount stays while it runs and goes with it.
	run_husk run -d --name im --mount "type=image,source=$R/busybox,destination=/img" "$R/busybox" sleep 300
	run_husk exec im ls /img/bin/sh
	run_husk rm -f im
	run_husk 125 run --rm --mount "type=image,source=$R/no-such-image,destination=/img" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "pull it first"
	run_husk 125 run --rm --mount "type=image,destination=/img" "$R/busybox" true
	expect_one_error_line
	run_husk run --rm --mount type=devpts,destination=/dev/pts2 "$R/busybox" sh -c 'grep " /dev/pts2 " /proc/mounts | cut -d" " -f1,3'
	expect_eq "$output" "devpts devpts"
	run_husk run --rm --mount type=ramfs,destination=/r "$R/busybox" sh -c 'grep " /r " /proc/mounts | cut -d" " -f1,3; echo x >/r/f && cat /r/f'
	expect_eq "$output" "ramfs ramfs
x"
	run_husk 1 run --rm --mount type=ramfs,destination=/r,readonly "$R/busybox" sh -c 'touch /r/f'
	expect_contains "$stderr" "Read-only file system"
	need_podman
	same_in_both run --rm --mount "type=image,source=$R/busybox,destination=/img" "$R/busybox" sh -c 'ls /img/bin | head -3; touch /img/x 2>/dev/null || echo read-only'
	same_in_both run --rm --mount "type=image,source=$R/busybox,destination=/img,rw=true" "$R/busybox" sh -c 'echo w >/img/new && cat /img/new'
	same_in_both run --rm --mount type=devpts,destination=/dev/pts2 "$R/busybox" sh -c 'grep " /dev/pts2 " /proc/mounts | cut -d" " -f1,3'
	# podman 4.3.1 refuses ramfs ("invalid filesystem type"); later podman
	# mounts it, as husk does.
}
