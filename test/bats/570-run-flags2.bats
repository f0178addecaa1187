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
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	PM_SKIP=$(podman_problem)
	export PM_SKIP
	if [[ -z $PM_SKIP ]]; then
		podman_setup_file
		pm pull -q --tls-verify=false "$R/busybox" >/dev/null
	fi
}

teardown_file() {
	[[ -n ${PM_SKIP:-} ]] || podman_compare_teardown_file
	husk_teardown_file
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
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
