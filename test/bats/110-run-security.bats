#!/usr/bin/env bats
# husk run's security profile, checked from inside real containers:
# capabilities, seccomp, no-new-privileges, --privileged, masked and
# read-only kernel paths, --read-only, and user namespace ownership
# (default mapping and --userns keep-id).

load helpers

setup_file() { husk_setup_run_file busybox; }

# cap_mask NAME...: the /proc/PID/status hex mask of capabilities.
cap_mask() {
	local -A bit=([CHOWN]=0 [DAC_OVERRIDE]=1 [DAC_READ_SEARCH]=2 [FOWNER]=3 [FSETID]=4 [KILL]=5
		[SETGID]=6 [SETUID]=7 [SETPCAP]=8 [LINUX_IMMUTABLE]=9 [NET_BIND_SERVICE]=10
		[NET_BROADCAST]=11 [NET_ADMIN]=12 [NET_RAW]=13 [IPC_LOCK]=14 [IPC_OWNER]=15
		[SYS_MODULE]=16 [SYS_RAWIO]=17 [SYS_CHROOT]=18 [SYS_PTRACE]=19 [SYS_PACCT]=20
		[SYS_ADMIN]=21 [SYS_BOOT]=22 [SYS_NICE]=23 [SYS_RESOURCE]=24 [SYS_TIME]=25
		[SYS_TTY_CONFIG]=26 [MKNOD]=27 [LEASE]=28 [AUDIT_WRITE]=29 [AUDIT_CONTROL]=30
		[SETFCAP]=31)
	local m=0 c
	for c in "$@"; do
		m=$((m | (1 << ${bit[$c]})))
	done
	printf '%016x\n' "$m"
}

# podman's default capabilities (containers.conf default_capabilities
# since podman 4.0; docker's set adds NET_RAW, MKNOD and AUDIT_WRITE).
PODMAN_CAPS=(CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT)

# status_field FIELD: FIELD's value in the /proc/self/status in $output.
status_field() {
	sed -n "s/^$1:[[:space:]]*//p" <<<"$output"
}

# ---------------------------------------------------------------- capabilities

@test "default capabilities are podman's set, for root; a non-root user has none effective" {
	local want
	want=$(cap_mask "${PODMAN_CAPS[@]}")
	expect_eq "$want" 00000000800405fb "podman's default mask (sanity)"
	run_husk run --rm "$R/busybox" cat /proc/self/status
	expect_eq "$(status_field CapBnd)" "$want" "CapBnd"
	expect_eq "$(status_field CapEff)" "$want" "CapEff"
	expect_eq "$(status_field CapPrm)" "$want" "CapPrm"
	expect_eq "$(status_field CapInh)" 0000000000000000 "CapInh"
	expect_eq "$(status_field CapAmb)" 0000000000000000 "CapAmb"

	run_husk run --rm -u app "$R/busybox" cat /proc/self/status
	expect_eq "$(status_field CapBnd)" "$want" "CapBnd of app"
	expect_eq "$(status_field CapEff)" 0000000000000000 "CapEff of app"
	expect_eq "$(status_field CapPrm)" 0000000000000000 "CapPrm of app"

	run_husk create "$R/busybox" true
	local id=$output
	run_husk container inspect "$id"
	local c want_names
	want_names=$(for c in "${PODMAN_CAPS[@]}"; do echo "CAP_$c"; done | sort | paste -sd' ')
	expect_eq "$(json '" ".join(sorted(d[0]["OCIConfig"]["process"]["capabilities"]["bounding"]))')" "$want_names" "OCIConfig bounding set"
	run_husk rm "$id"
}

@test "the default capabilities work: root may chown; --cap-drop CHOWN takes that away" {
	run_husk run --rm "$R/busybox" sh -c 'touch /f && chown 1000:1000 /f && stat -c %u:%g /f'
	expect_eq "$output" "1000:1000"
	run_husk 1 run --rm --cap-drop CHOWN "$R/busybox" sh -c 'touch /f && chown 1000 /f'
	expect_contains "$stderr" "Operation not permitted"
	run_husk run --rm --cap-drop chown "$R/busybox" grep CapEff /proc/self/status
	expect_eq "$(status_field CapEff)" "$(cap_mask DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT)" "CapEff without CHOWN"
}

@test "--cap-drop ALL: no capabilities at all" {
	run_husk run --rm --cap-drop ALL "$R/busybox" cat /proc/self/status
	local f
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		expect_eq "$(status_field $f)" 0000000000000000 "$f"
	done
	run_husk 1 run --rm --cap-drop all "$R/busybox" sh -c 'touch /f && chown 1000 /f'
	# Dropping all, then adding one back.
	run_husk run --rm --cap-drop ALL --cap-add CHOWN "$R/busybox" sh -c 'grep CapEff /proc/self/status; touch /tmp/f && chown 1000 /tmp/f && echo chowned'
	expect_eq "$(status_field CapEff)" "$(cap_mask CHOWN)" "CapEff"
	expect_contains "$output" "chowned"
}

@test "--cap-add: NET_RAW, net_admin and CAP_SYS_ADMIN spellings; ALL; an unknown one is 125" {
	run_husk run --rm --cap-add NET_RAW --cap-add net_admin "$R/busybox" grep CapEff /proc/self/status
	expect_eq "$(status_field CapEff)" "$(cap_mask "${PODMAN_CAPS[@]}" NET_RAW NET_ADMIN)" "CapEff"
	# The seccomp profile follows the capabilities: with SYS_ADMIN,
	# unshare(2) is allowed.
	run_husk run --rm --cap-add CAP_SYS_ADMIN "$R/busybox" unshare -U true
	run_husk run --rm --cap-add ALL "$R/busybox" grep CapBnd /proc/self/status
	expect_eq "$(status_field CapBnd)" "$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))" "CapBnd with --cap-add ALL"
	run_husk 125 run --rm --cap-add CAP_NO_SUCH "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "CAP_NO_SUCH"
	run_husk 125 run --rm --cap-drop bogus "$R/busybox" true
	expect_one_error_line
}

# ---------------------------------------------------------------- seccomp

@test "seccomp: the default profile filters (Seccomp 2) and denies unshare(2)" {
	run_husk run --rm "$R/busybox" grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status
	expect_eq "$(status_field Seccomp)" 2 "Seccomp mode"
	expect_eq "$(status_field NoNewPrivs)" 0 "NoNewPrivs by default"
	# Creating a user namespace needs no privilege from the kernel here;
	# only the filter refuses it.
	run_husk 1 run --rm "$R/busybox" unshare -U true
	expect_contains "$stderr" "Operation not permitted"
	run_husk create "$R/busybox" true
	local id=$output
	run_husk container inspect "$id"
	expect_eq "$(json 'd[0]["OCIConfig"]["linux"]["seccomp"]["defaultAction"]')" SCMP_ACT_ERRNO "seccomp defaultAction"
	expect_eq "$(json '"unshare" in [n for s in d[0]["OCIConfig"]["linux"]["seccomp"]["syscalls"] if s["action"] == "SCMP_ACT_ALLOW" for n in s["names"]]')" False "unshare allowed without SYS_ADMIN"
	run_husk rm "$id"
}

@test "--security-opt seccomp=unconfined: no filter, unshare(2) works" {
	run_husk run --rm --security-opt seccomp=unconfined "$R/busybox" sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true && echo unshared'
	expect_eq "$(status_field Seccomp)" 0 "Seccomp mode"
	expect_contains "$output" "unshared"
	run_husk create --security-opt seccomp=unconfined "$R/busybox" true
	local id=$output
	run_husk container inspect "$id"
	expect_eq "$(json 'd[0]["OCIConfig"]["linux"].get("seccomp")')" None "OCIConfig linux.seccomp"
	run_husk rm "$id"
}

@test "--security-opt seccomp=FILE: a custom profile is applied; a missing or broken one is 125" {
	local p=$BATS_TEST_TMPDIR/profile.json
	cat >"$p" <<-'EOF'
		{"defaultAction": "SCMP_ACT_ALLOW",
		 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	EOF
	run_husk 1 run --rm --security-opt "seccomp=$p" "$R/busybox" sh -c 'grep ^Seccomp: /proc/self/status; touch /tmp/ok && echo touched; mkdir /tmp/d'
	expect_eq "$(status_field Seccomp)" 2 "Seccomp mode"
	expect_contains "$output" "touched"
	expect_contains "$stderr" "Operation not permitted" "mkdir under the custom profile"
	# unshare(2), denied by the default profile, is allowed by this one.
	run_husk run --rm --security-opt "seccomp=$p" "$R/busybox" unshare -U true

	run_husk 125 run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/missing.json" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "missing.json"
	echo '{"defaultAction": ' >"$p"
	run_husk 125 run --rm --security-opt "seccomp=$p" "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "seccomp"
	# label=disable is taken now, as podman takes it: an AppArmor profile
	# husk cannot apply is refused instead.
	run_husk 125 run --rm --security-opt apparmor=my-profile "$R/busybox" true
	expect_one_error_line
}

@test "--security-opt no-new-privileges sets NoNewPrivs" {
	run_husk run --rm --security-opt no-new-privileges "$R/busybox" grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
	expect_eq "$(status_field NoNewPrivs)" 1 "NoNewPrivs"
	expect_eq "$(status_field Seccomp)" 2 "Seccomp still on"
	run_husk run --rm --security-opt no-new-privileges=true "$R/busybox" grep ^NoNewPrivs: /proc/self/status
	expect_eq "$(status_field NoNewPrivs)" 1 "NoNewPrivs with =true"
}

# ---------------------------------------------------------------- privileged

@test "--privileged: every capability, no seccomp, kernel paths not masked" {
	local full
	full=$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
	run_husk run --rm --privileged "$R/busybox" cat /proc/self/status
	expect_eq "$(status_field CapEff)" "$full" "CapEff"
	expect_eq "$(status_field CapBnd)" "$full" "CapBnd"
	expect_eq "$(status_field Seccomp)" 0 "Seccomp"
	if [[ -s /proc/interrupts ]]; then
		run_husk run --rm --privileged "$R/busybox" sh -c 'wc -c </proc/interrupts'
		((output > 0)) || die "/proc/interrupts is empty in a privileged container"
	fi
	run_husk run --rm --privileged "$R/busybox" unshare -U true
}

# ---------------------------------------------------------------- masked paths

@test "kernel paths are masked (/proc/kcore, /proc/keys, /proc/interrupts, /sys/firmware) and /proc/sys is read-only" {
	local p
	for p in /proc/kcore /proc/keys /proc/timer_list /proc/interrupts /proc/sched_debug; do
		# A masked file is /dev/null (or gone when the kernel lacks it).
		run_husk run --rm "$R/busybox" sh -c "if [ -e $p ]; then stat -c '%F %t:%T' $p; wc -c <$p; else echo absent; fi"
		if [[ $output != absent ]]; then
			expect_eq "${lines[0]}" "character special file 1:3" "$p is /dev/null"
			expect_eq "${lines[1]}" 0 "bytes readable from $p"
		elif [[ -e $p ]]; then
			die "$p exists on the host but not in the container (masked by removal?)"
		fi
	done
	run_husk run --rm "$R/busybox" sh -c 'ls -A /sys/firmware | wc -l'
	expect_eq "$output" 0 "entries in /sys/firmware"

	run_husk 1 run --rm "$R/busybox" sh -c 'echo 1 >/proc/sys/kernel/ns_last_pid'
	expect_contains "$stderr" "Read-only file system"
	if [[ -e /proc/sysrq-trigger ]]; then
		run_husk 1 run --rm "$R/busybox" sh -c 'echo h >/proc/sysrq-trigger'
		expect_contains "$stderr" "Read-only file system"
	fi
	run_husk run --rm "$R/busybox" awk '$5 == "/proc/sys" { print $6 }' /proc/self/mountinfo
	expect_match "$output" '^ro(,|$)' "mount options of /proc/sys"
}

# ---------------------------------------------------------------- --read-only

@test "--read-only: the root filesystem refuses writes; --tmpfs, -v and /dev/shm accept them" {
	local d=$BATS_TEST_TMPDIR/rw
	mkdir -p "$d"
	run_husk run --rm --read-only --tmpfs /scratch -v "$d:/rw" "$R/busybox" sh -c '
		touch /new 2>&1; echo "root=$?"
		touch /tmp/new 2>&1; echo "tmp=$?"
		echo hi >/scratch/f && cat /scratch/f
		echo bound >/rw/f && echo "bind=$?"
		touch /dev/shm/f && echo "shm=$?"
		awk '"'"'$5 == "/" { print $6 }'"'"' /proc/self/mountinfo'
	expect_contains "$output" "Read-only file system"
	expect_contains "$output" "root=1"
	expect_contains "$output" "tmp=1"
	expect_contains "$output" $'\nhi\n'
	expect_contains "$output" "bind=0"
	expect_contains "$output" "shm=0"
	expect_match "${lines[-1]}" '^ro(,|$)' "mount options of /"
	expect_eq "$(cat "$d/f")" "bound" "file written through the bind mount"

	run_husk create --read-only "$R/busybox" true
	local id=$output
	run_husk container inspect "$id"
	expect_eq "$(json 'd[0]["OCIConfig"]["root"].get("readonly")')" True "OCIConfig root.readonly"
	run_husk rm "$id"
}

# ---------------------------------------------------------------- ownership

@test "default mapping: container root is the user on the host, other ids are subordinate" {
	local d=$BATS_TEST_TMPDIR/own sub
	mkdir -p "$d"
	chmod 0777 "$d"
	sub=$(subid_start /etc/subuid)
	run_husk run --rm -v "$d:/b" "$R/busybox" sh -c 'id -u; touch /b/by-root; mkdir /b/dir-by-root'
	expect_eq "$output" 0 "id -u inside"
	expect_eq "$(stat -c %u "$d/by-root")" "$(id -u)" "host owner of root's file"
	expect_eq "$(stat -c %u "$d/dir-by-root")" "$(id -u)" "host owner of root's directory"
	run_husk run --rm -u app -v "$d:/b" "$R/busybox" touch /b/by-app
	expect_eq "$(stat -c %u:%g "$d/by-app")" "$((sub + 999)):$(($(subid_start /etc/subgid) + 999))" "host owner of app's (1000) file"
	# Files of the user show as root's inside.
	touch "$d/by-user"
	run_husk run --rm -v "$d:/b" "$R/busybox" stat -c %u /b/by-user
	expect_eq "$output" 0 "owner of the user's file inside"
	# (app's file belongs to a subordinate id the user cannot remove.)
	run_husk run --rm -v "$d:/b" "$R/busybox" rm -f /b/by-app
}

@test "--userns keep-id: the user's uid and gid inside, files in a bind mount stay the user's" {
	local d=$BATS_TEST_TMPDIR/keep
	mkdir -p "$d"
	touch "$d/from-host"
	run_husk run --rm --userns keep-id -v "$d:/b" "$R/busybox" sh -c 'id -u; id -g; touch /b/from-ctr; stat -c %u:%g /b/from-host'
	expect_eq "${lines[0]}" "$(id -u)" "id -u inside"
	expect_eq "${lines[1]}" "$(id -g)" "id -g inside"
	expect_eq "${lines[2]}" "$(id -u):$(id -g)" "owner of the user's file inside"
	expect_eq "$(stat -c %u:%g "$d/from-ctr")" "$(id -u):$(id -g)" "host owner of the container's file"
	# The image's files keep their owners.
	run_husk run --rm --userns keep-id "$R/busybox" stat -c %u:%g /bin/busybox /home/app
	expect_eq "$output" $'0:0\n1000:1000' "owners of image files under keep-id"
	run_husk run --rm --userns=keep-id -u 0 "$R/busybox" id -u
	expect_eq "$output" 0 "-u 0 under keep-id"
	# The image has no entry for the user's ids: husk adds the host
	# account (name, home) to the container's /etc/passwd and /etc/group,
	# as podman does, and HOME is that home, made for the user.
	local name home
	name=$(id -un)
	home=$(getent passwd "$(id -u)" | cut -d: -f6)
	run_husk run --rm --userns keep-id "$R/busybox" sh -c 'id -un; id -gn; echo "$HOME"; stat -c %u "$HOME"; touch "$HOME/x"; grep -c "^'"$name"':" /etc/passwd'
	expect_eq "$output" "$name"$'\n'"$name"$'\n'"$home"$'\n'"$(id -u)"$'\n1' "whoami, group, HOME, its owner, one passwd entry"
	# create + start (the spec is built twice): still one entry.
	run_husk create --name kid --userns keep-id "$R/busybox" grep -c "^$name:" /etc/passwd
	run_husk start -a kid
	expect_eq "$output" 1 "passwd entries after create + start"
	run_husk rm kid
	run_husk 125 run --rm --userns auto "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "keep-id"
}
