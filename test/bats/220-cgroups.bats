#!/usr/bin/env bats
# cgroups of rootless containers: placement in the cgroup v2 subtree
# delegated to the user (<delegated>/husk-<id>, created and removed by
# husk), pause/unpause (cgroup.freeze), rm -f (cgroup.kill), stats, every
# limit flag (refused before anything is created when the controller is not
# delegated, enforced where it is), update, --cgroups=disabled, invalid
# values and husk info's cgroups section.
#
# The refusal tests compare the delegated cgroup before and after a
# command, and other files' fault tests leave empty cgroups there until a
# later command of theirs reconciles: this file runs by itself.
# bats-parallel: alone
#
# test/run-rootless.sh starts the test user's session inside the cgroup
# delegated to it (test_cgroup in test/lib.sh); tests that need it skip
# when husk info shows no delegated cgroup. On this project's CI machine
# (hybrid cgroups, cgroup v2 without controllers) every limit is refused;
# the enforcement tests run on hosts that delegate the controllers.

load helpers

setup_file() {
	husk_setup_run_file busybox
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	local cg
	cg=$("$HUSK" info --format json | python3 -c '
import json, sys
c = json.load(sys.stdin)["cgroups"]
print(c["mode"]); print(c.get("mount", "")); print(c.get("own", "")); print(c.get("delegated", ""))
print(" ".join(c["controllers"]))')
	export CG_MODE CG_MOUNT CG_OWN CG_DELEG CG_CTRLS
	{ read -r CG_MODE; read -r CG_MOUNT; read -r CG_OWN; read -r CG_DELEG; read -r CG_CTRLS || true; } <<<"$cg"
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# need_delegated: skip unless husk has a cgroup v2 subtree of the user's
# to put containers in.
need_delegated() {
	[[ -n $CG_MOUNT && -n $CG_DELEG ]] ||
		skip "husk info --format json shows no delegated cgroup (mode $CG_MODE, own '${CG_OWN}'): run through test/run-rootless.sh, whose sessions start in the cgroup test/setup/setup.sh delegates"
}

# deleg_dir: the delegated cgroup's directory.
deleg_dir() { echo "$CG_MOUNT${CG_DELEG%/}"; }

# has_ctrl CTRL: husk info lists CTRL among the controllers available to
# the containers' cgroups.
has_ctrl() { [[ " $CG_CTRLS " == *" $1 "* ]]; }

# need_ctrl CTRL WHAT: skip unless CTRL is delegated.
need_ctrl() {
	need_delegated
	has_ctrl "$1" || skip "the $1 controller is not delegated to $(id -un) here (controllers: '${CG_CTRLS}'), so $2 is refused, not enforced (the refusal test covers that)"
}

# cg_dirs: the husk-* cgroups in the delegated cgroup, sorted. The test
# user's other sessions share that cgroup, so compare sets, never counts.
cg_dirs() {
	[[ -n $CG_DELEG ]] || return 0
	ls -A "$(deleg_dir)" | grep '^husk-' | grep -vx -e husk-session -e husk-network | sort || true
}

# cgroups_left_since BEFORE: the husk-* cgroups that are not in BEFORE (a
# cg_dirs listing) and stay, empty: what a command of this test left behind.
# The test user's other sessions (a suite running in parallel) come and go
# in the same cgroup; their containers' cgroups hold processes or vanish.
# Another session's container that just ended is removed by its monitor
# soon, but on a loaded machine that can take seconds: a cgroup counts as
# left only if it is still there, empty, after up to 10 s. A leak stays.
cgroups_left_since() {
	local new d left tries
	new=$(comm -13 <(echo "$1") <(cg_dirs))
	[[ -n $new ]] || return 0
	for ((tries = 0; tries < 20; tries++)); do
		sleep 0.5
		left=()
		for d in $new; do
			[[ -d $(deleg_dir)/$d && ! -s $(deleg_dir)/$d/cgroup.procs ]] && left+=("$d")
		done
		((${#left[@]})) || return 0
	done
	printf '%s\n' "${left[@]}"
	return 0
}

# my_cgroup PID: the cgroup v2 path of a process.
my_cgroup() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }

# descendants PID: PID and every process below it, sorted.
descendants() {
	local p c
	echo "$1"
	for c in $(pgrep -P "$1"); do
		descendants "$c"
	done | sort -n
}

# procs_of DIR: the sorted cgroup.procs of a cgroup directory.
procs_of() { sort -n "$1/cgroup.procs"; }

# procs_count DIR N: DIR holds N processes (for wait_until).
procs_count() { [[ $(wc -l <"$1/cgroup.procs") -eq $2 ]]; }

# dir_gone DIR: for wait_until.
dir_gone() { [[ ! -e $1 ]]; }

# log_lines NAME: number of lines in husk logs NAME.
log_lines() { "$HUSK" logs "$1" 2>/dev/null | wc -l; }

# more_log_lines NAME N: husk logs NAME has more than N lines.
more_log_lines() { [[ $(log_lines "$1") -gt $2 ]]; }

# snapshot / expect_nothing_new: containers (ps -a and storage) and cgroup
# directories before a refused command, and the check that none appeared.
snapshot() {
	SNAP_PS=$("$HUSK" ps -a -q --no-trunc)
	SNAP_STORAGE=$(storage_containers)
	SNAP_CG=$(cg_dirs)
}
expect_nothing_new() {
	expect_eq "$("$HUSK" ps -a -q --no-trunc)" "$SNAP_PS" "ps -a -q after a refused command" || return 1
	expect_eq "$(storage_containers)" "$SNAP_STORAGE" "the store's containers after a refused command" || return 1
	expect_eq "$(cgroups_left_since "$SNAP_CG")" "" "cgroups created in $(deleg_dir) by a refused command"
}

# ---------------------------------------------------------------- husk info

@test "info: the cgroups section says what this host offers the user" {
	run_husk info --format json
	expect_eq "$(json 'd["cgroups"]["rootless"]')" True "cgroups.rootless"
	expect_eq "$(json 'd["cgroups"]["uid"]')" "$(id -u)" "cgroups.uid"
	local mode
	mode=$(json 'd["cgroups"]["mode"]')
	case $(stat -f -c %T /sys/fs/cgroup) in
	cgroup2fs) expect_eq "$mode" v2 "cgroups.mode (/sys/fs/cgroup is cgroup2)" ;;
	*)
		if [[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
			expect_eq "$mode" hybrid "cgroups.mode (cgroup2 at /sys/fs/cgroup/unified)"
		else
			expect_eq "$mode" v1 "cgroups.mode"
		fi
		;;
	esac
	if [[ $mode == v1 ]]; then
		expect_eq "$(json 'd["cgroups"].get("mount", "")')" "" "cgroups.mount on cgroup v1"
		return
	fi
	local mount
	mount=$(json 'd["cgroups"]["mount"]')
	expect_eq "$(stat -f -c %T "$mount")" cgroup2fs "file system at cgroups.mount $mount"
	# Own is this shell's cgroup (husk ran from it).
	expect_eq "$(json 'd["cgroups"]["own"]')" "$(my_cgroup $$)" "cgroups.own"
	if [[ $mode == hybrid ]]; then
		local v1=() c
		for c in cpu cpuset memory pids blkio; do
			[[ $(stat -f -c %T "/sys/fs/cgroup/$c" 2>/dev/null) == cgroupfs ]] && v1+=("$c")
		done
		expect_eq "$(json '" ".join(d["cgroups"]["v1Controllers"])')" "${v1[*]}" "cgroups.v1Controllers"
	fi
	[[ -n $CG_DELEG ]] || return 0
	# Delegated is this shell's cgroup or an ancestor, writable, and its
	# parent is not (it is the topmost one).
	local own
	own=$(my_cgroup $$)
	[[ $own == "$CG_DELEG" || $own == "$CG_DELEG"/* ]] || die "delegated $CG_DELEG is not own $own or an ancestor"
	[[ -w $(deleg_dir)/cgroup.procs ]] || die "$(deleg_dir)/cgroup.procs is not writable"
	if [[ $CG_DELEG != / ]]; then
		[[ ! -w $CG_MOUNT$(dirname "$CG_DELEG")/cgroup.procs ]] ||
			die "the parent of $CG_DELEG is writable too, so $CG_DELEG is not the topmost delegated cgroup"
	fi
	expect_eq "$(json '" ".join(d["cgroups"]["controllers"])')" "$(cat "$(deleg_dir)/cgroup.controllers")" "cgroups.controllers"
	expect_eq "$(json '" ".join(d["cgroups"]["subtreeControl"])')" "$(cat "$(deleg_dir)/cgroup.subtree_control")" "cgroups.subtreeControl"
	expect_match "$(json 'd["cgroups"]["manager"]')" '^(cgroupfs|systemd)$' "cgroups.manager"
	[[ -d /run/systemd/system ]] || expect_eq "$(json 'd["cgroups"]["manager"]')" cgroupfs "cgroups.manager without systemd"

	run_husk info
	expect_contains "$output" "cgroups:"
	expect_contains "$output" "version: $mode"
	expect_contains "$output" "delegated to you: $CG_DELEG"
	# Controllers missing: info says that limits are refused and how to fix it.
	if [[ $mode != v2 ]]; then
		expect_contains "$output" "limits cannot be enforced for rootless containers (husk refuses them)" "husk info's fixes"
		expect_contains "$output" "systemd.unified_cgroup_hierarchy=1" "husk info's fixes"
	elif [[ -z $CG_CTRLS ]]; then
		expect_contains "$output" "Delegate=cpu cpuset io memory pids" "husk info's fixes"
	fi
}

# ---------------------------------------------------------------- placement

@test "run --rm: the container runs in <delegated>/husk-<id>, which goes with it" {
	need_delegated
	local before
	before=$(cg_dirs)
	run_husk run --rm "$R/busybox" sh -c 'hostname; sed -n "s/^0:://p" /proc/self/cgroup'
	expect_eq "${#lines[@]}" 2 "lines of output"
	local short=${lines[0]} cg=${lines[1]}
	expect_match "$cg" "^${CG_DELEG%/}/husk-${short}[0-9a-f]{52}\$" "the container's cgroup (hostname $short)"
	[[ ! -e $CG_MOUNT$cg ]] || die "$CG_MOUNT$cg is still there after run --rm"
	expect_eq "$(cgroups_left_since "$before")" "" "cgroups left in $(deleg_dir)"
	# This shell stays where it was.
	expect_eq "$(my_cgroup $$)" "$CG_OWN" "the test shell's cgroup"
}

@test "run -d: State.Cgroup is <delegated>/husk-<id>, holding the container's processes and not its monitor" {
	need_delegated
	run_husk run -d --name place "$R/busybox" sh -c 'sleep 1000 & sleep 1001 & wait'
	local id=$output
	local cg
	cg=$(ctr_field place '{{.HuskState.Cgroup}}')
	expect_eq "$cg" "$(deleg_dir)/husk-$id" "State.Cgroup"
	[[ -d $cg ]] || die "$cg does not exist"
	expect_eq "$(stat -c %u "$cg")" "$(id -u)" "owner of $cg"
	local pid mpid
	pid=$(ctr_pid place)
	mpid=$(ctr_monitor_pid place)
	expect_eq "$(my_cgroup "$pid")" "${CG_DELEG%/}/husk-$id" "cgroup of the container's init $pid"
	wait_until 5 procs_count "$cg" 3
	# Exactly the container's processes: its init and what it started.
	expect_eq "$(procs_of "$cg")" "$(descendants "$pid")" "cgroup.procs of $cg"
	[[ $(my_cgroup "$mpid") != "${CG_DELEG%/}/husk-$id" ]] || die "the monitor $mpid is in the container's cgroup"
	grep -qx "$mpid" "$cg/cgroup.procs" && die "the monitor $mpid is listed in $cg/cgroup.procs"

	run_husk rm -f place
	[[ ! -e $cg ]] || die "$cg is still there after rm -f"
}

@test "the default network's pasta and idle waiter are born in <delegated>/husk-network, not in the cgroup of the command that started them" {
	need_delegated
	command -v pasta >/dev/null && command -v nft >/dev/null ||
		skip "the default network is a bridge served by one pasta only with pasta and nft"
	local netdir="$XDG_RUNTIME_DIR/husk/storage/husk-netns" want="${CG_DELEG%/}/husk-network" p
	HUSK_NET_LINGER=60 run_husk run -d --name nethelp "$R/busybox" sleep 600
	local pastas
	pastas=$(user_pids_with "$netdir/usernet/netns" | grep -E '^[0-9]+: [^ ]*pasta ' | cut -d: -f1)
	[[ -n $pastas ]] || die "no pasta serves $netdir/usernet/netns"
	for p in $pastas; do
		expect_eq "$(my_cgroup "$p")" "$want" "cgroup of the shared pasta $p"
	done
	HUSK_NET_LINGER=60 run_husk rm -f nethelp
	local waiter
	waiter=$(user_pids_with "__netlinger $netdir/" | cut -d: -f1)
	[[ -n $waiter ]] || die "no idle waiter after the last container left"
	expect_eq "$(my_cgroup "$waiter")" "$want" "cgroup of the idle waiter $waiter"
	expect_eq "$(my_cgroup $$)" "$CG_OWN" "the test shell's cgroup"
	run_husk rm -a
	expect_eq "$(user_pids_with "$netdir/usernet/")" "" "the shared helpers after rm -a"
}

@test "exec: the new process joins the container's cgroup (frozen, counted and killed with it)" {
	need_delegated
	run_husk run -d --name execcg "$R/busybox" sleep 1000
	local id=$output cg
	cg=$(ctr_field execcg '{{.HuskState.Cgroup}}')
	run_husk exec -d execcg sleep 1001
	local epid
	wait_until 5 eval '[[ -n $(pgrep -u "$(id -u)" -f "^sleep 1001$") ]]'
	epid=$(pgrep -u "$(id -u)" -f '^sleep 1001$')
	expect_eq "$(my_cgroup "$epid")" "${CG_DELEG%/}/husk-$id" "cgroup of the exec'd process $epid"
	run_husk exec execcg true
	run_husk rm -f execcg
	wait_until 5 pid_gone "$epid"
	[[ ! -e $cg ]] || die "$cg is still there after rm -f"
}

@test "create + start: the cgroup exists only while the container runs, and again after a restart" {
	need_delegated
	run_husk create --name cs "$R/busybox" sleep 1000
	local id=$output cg
	cg="$(deleg_dir)/husk-$id"
	[[ ! -e $cg ]] || die "$cg exists for a container that was only created"
	run_husk start cs
	expect_eq "$(ctr_field cs '{{.HuskState.Cgroup}}')" "$cg" "State.Cgroup after start"
	expect_eq "$(procs_of "$cg")" "$(ctr_pid cs)" "cgroup.procs"
	run_husk kill cs
	wait_until 10 dir_gone "$cg"
	run_husk start cs
	expect_eq "$(procs_of "$cg")" "$(ctr_pid cs)" "cgroup.procs after the second start"
	run_husk rm -f cs
	[[ ! -e $cg ]] || die "$cg is still there after rm -f"
}

# ---------------------------------------------------------------- pause

@test "pause/unpause: the cgroup is frozen, nothing runs, ps says Paused, exec is refused; unpause resumes" {
	need_delegated
	run_husk run -d --name frz "$R/busybox" sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done'
	local cg
	cg=$(ctr_field frz '{{.HuskState.Cgroup}}')
	wait_until 5 more_log_lines frz 2
	run_husk pause frz
	expect_eq "$output" frz "pause's stdout"
	expect_eq "$(cat "$cg/cgroup.freeze")" 1 "$cg/cgroup.freeze"
	expect_contains "$(cat "$cg/cgroup.events")" "frozen 1" "$cg/cgroup.events"
	local n1 n2
	n1=$(log_lines frz)
	sleep 1
	n2=$(log_lines frz)
	expect_eq "$n2" "$n1" "log lines 1 s apart while paused"

	run_husk ps -a --format '{{.Names}} {{.State}} {{.Status}}'
	expect_match "$output" '^frz paused Up .*\(Paused\)$' "ps"
	expect_eq "$(ctr_field frz '{{.State.Paused}}')" true "State.Paused"
	run_husk 125 exec frz true
	expect_one_error_line
	expect_contains "$stderr" "container frz is paused"
	expect_contains "$stderr" "husk unpause frz"
	run_husk 125 pause frz
	expect_one_error_line
	expect_contains "$stderr" "already paused"

	run_husk unpause frz
	expect_eq "$output" frz "unpause's stdout"
	expect_eq "$(cat "$cg/cgroup.freeze")" 0 "$cg/cgroup.freeze after unpause"
	expect_contains "$(cat "$cg/cgroup.events")" "frozen 0" "$cg/cgroup.events after unpause"
	wait_until 5 more_log_lines frz "$n2"
	run_husk ps -a --format '{{.Names}} {{.State}}'
	expect_eq "$output" "frz running" "ps after unpause"
	expect_eq "$(ctr_field frz '{{.State.Paused}}')" false "State.Paused after unpause"
	run_husk exec frz echo hi
	expect_eq "$output" hi "exec after unpause"
	run_husk 125 unpause frz
	expect_one_error_line
	expect_contains "$stderr" "is not paused"
	run_husk rm -f frz
}

@test "stop of a paused container thaws it, so its SIGTERM handler runs" {
	need_delegated
	run_husk run -d --name pst "$R/busybox" sh -c 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done'
	local cg
	cg=$(ctr_field pst '{{.HuskState.Cgroup}}')
	wait_until 5 logs_contain pst ready
	run_husk pause pst
	local t0
	t0=$(now_ms)
	run_husk stop -t 10 pst
	(($(now_ms) - t0 < 5000)) || die "stop of the paused container took $(($(now_ms) - t0)) ms (waited for the timeout?)"
	expect_eq "$(ctr_status pst)" exited "State.Status"
	expect_eq "$(ctr_field pst '{{.State.ExitCode}}')" 3 "exit code (from the TERM handler)"
	wait_until 5 logs_contain pst got-term
	expect_eq "$(ctr_field pst '{{.State.Paused}}')" false "State.Paused of the stopped container"
	wait_until 5 dir_gone "$cg"
	run_husk rm pst
}

@test "pause of a stopped or unknown container is refused" {
	need_delegated
	run_husk create --name pc "$R/busybox" true
	run_husk 125 pause pc
	expect_one_error_line
	expect_contains "$stderr" "pc"
	run_husk 125 pause nosuch
	expect_one_error_line
	expect_contains "$stderr" "no such container"
	run_husk rm pc
}

# ---------------------------------------------------------------- rm -f

@test "rm -f: every process of the cgroup dies, the cgroup is removed, nothing is left" {
	need_delegated
	run_husk run -d --name kil "$R/busybox" sh -c 'trap "" TERM; sleep 1000 & sleep 1001 & (sleep 1002 &); wait'
	local cg
	cg=$(ctr_field kil '{{.HuskState.Cgroup}}')
	wait_until 5 procs_count "$cg" 4
	local pids
	pids=$(procs_of "$cg")
	local p
	for p in $pids; do
		pid_alive "$p" || die "process $p of $cg is not alive"
	done
	run_husk rm -f kil
	for p in $pids; do
		wait_until 5 pid_gone "$p"
	done
	[[ ! -e $cg ]] || die "$cg is still there after rm -f"
	run_husk ps -a -q
	expect_eq "$output" "" "ps -a -q"
	expect_no_container_leftovers
}

# ---------------------------------------------------------------- stats

@test "stats --no-stream: table, json and template; PIDs and CPU % from the cgroup" {
	need_delegated
	run_husk run -d --name busy "$R/busybox" sh -c 'while :; do :; done'
	run_husk run -d --name three "$R/busybox" sh -c 'sleep 1000 & sleep 1001 & wait'
	wait_until 5 procs_count "$(ctr_field three '{{.HuskState.Cgroup}}')" 3
	run_husk create --name idle "$R/busybox" true

	run_husk stats --no-stream --format json
	expect_valid_json
	expect_eq "$(json '" ".join(sorted(r["Name"] for r in d))')" "busy three" "containers in stats (running ones only)"
	local busy="[r for r in d if r['Name'] == 'busy'][0]" three="[r for r in d if r['Name'] == 'three'][0]"
	expect_eq "$(json "$busy['pids']")" 1 "busy's pids"
	expect_eq "$(json "$three['pids']")" 3 "three's pids"
	expect_eq "$(json "$three['PIDs']")" 3 "three's PIDs"
	expect_eq "$(json "$busy['ID']")" "$(ctr_field busy '{{.ID}}' | cut -c1-12)" "busy's ID"
	local cpu
	cpu=$(json "$busy['CPUPerc']")
	expect_match "$cpu" '^[0-9]+\.[0-9]{2}%$' "busy's CPUPerc"
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1].rstrip('%')) > 20 else 1)" "$cpu" ||
		die "CPU % of a busy loop is $cpu"
	(($(json "$busy['cpuNano']") > 0)) || die "busy's cpuNano is 0"
	(($(json "$three['memBytes']") > 0)) || die "three's memBytes is 0"
	if has_ctrl memory; then
		expect_eq "$(json "$three['memorySource']")" memory.current "memorySource with the memory controller"
	else
		expect_eq "$(json "$three['memorySource']")" rss "memorySource without the memory controller"
		expect_match "$(json "$three['MemUsage']")" ' \(rss\)$' "MemUsage without the memory controller"
	fi

	run_husk stats --no-stream
	expect_match "${lines[0]}" '^ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET IO +BLOCK IO +PIDS$' "stats header"
	expect_eq "${#lines[@]}" 3 "lines of the table"
	local row
	row=$(grep ' three ' <<<"$output")
	expect_match "$row" '^[0-9a-f]{12} +three +[0-9.]+% .* 3$' "three's row"

	run_husk stats --no-stream --format '{{.Name}}={{.PIDs}}' three busy
	expect_eq "$(sort <<<"$output" | tr '\n' ' ')" "busy=1 three=3 " "stats with a template"

	run_husk 125 stats --no-stream idle
	expect_one_error_line
	expect_contains "$stderr" "idle"
	run_husk rm -f busy three idle
}

# ---------------------------------------------------------------- limits

# limit_refused CTRL NAMED ARGS...: when CTRL is not delegated, run
# --rm, run -d and create with the limit ARGS are refused with 125 before
# anything exists; the message names the flag NAMED, the controller and the
# fix.
limit_refused() {
	local ctrl=$1 named=$2
	shift 2
	has_ctrl "$ctrl" &&
		skip "the $ctrl controller is delegated here (controllers: '${CG_CTRLS}'): the enforcement test covers $named"
	snapshot
	local how
	for how in "run --rm" "run -d" create; do
		# shellcheck disable=SC2086 # how is two words
		run_husk 125 $how --name lim "$@" "$R/busybox" true
		expect_one_error_line
		expect_eq "$output" "" "stdout of a refused $how"
		expect_contains "$stderr" "$named needs the $ctrl cgroup controller"
		expect_contains "$stderr" "or run without $named"
		if [[ $CG_MODE == v1 ]]; then
			expect_contains "$stderr" "systemd.unified_cgroup_hierarchy=1"
		else
			expect_contains "$stderr" "Delegate=cpu cpuset io memory pids"
		fi
		if [[ $CG_MODE == hybrid ]]; then
			expect_contains "$stderr" "cgroup v1 only (hybrid mode"
		fi
		expect_nothing_new
	done
}

# cg_of NAME: the cgroup directory of a running container (fails when none).
cg_of() {
	local cg
	cg=$(ctr_field "$1" '{{.HuskState.Cgroup}}')
	[[ -n $cg && -d $cg ]] || die "container $1 has no cgroup ('$cg')"
	echo "$cg"
}

@test "--memory without the memory controller is refused before anything is created" {
	limit_refused memory --memory --memory 64m
}

@test "--memory-reservation without the memory controller is refused" {
	limit_refused memory --memory-reservation --memory-reservation 32m
}

@test "--memory-swap without the memory controller is refused (naming --memory, the first limit that needs it)" {
	limit_refused memory --memory --memory 64m --memory-swap 128m
}

@test "--cpus without the cpu controller is refused" {
	limit_refused cpu --cpus --cpus 0.5
}

@test "--cpu-shares without the cpu controller is refused" {
	limit_refused cpu --cpu-shares --cpu-shares 512
}

@test "--cpu-weight without the cpu controller is refused" {
	limit_refused cpu --cpu-weight --cpu-weight 50
}

@test "--cpuset-cpus without the cpuset controller is refused" {
	limit_refused cpuset --cpuset-cpus --cpuset-cpus 0
}

@test "--pids-limit without the pids controller is refused" {
	limit_refused pids --pids-limit --pids-limit 5
}

@test "--blkio-weight without the io controller is refused" {
	limit_refused io --blkio-weight --blkio-weight 300
}

@test "enforced: --memory 20m --memory-swap 20m (memory.max, memory.swap.max; OOM kill -> 137)" {
	need_ctrl memory "--memory"
	run_husk run -d --name mem --memory 20m --memory-swap 20m "$R/busybox" sleep 1000
	local cg
	cg=$(cg_of mem)
	expect_eq "$(cat "$cg/memory.max")" 20971520 "$cg/memory.max"
	[[ ! -e $cg/memory.swap.max ]] || expect_eq "$(cat "$cg/memory.swap.max")" 0 "$cg/memory.swap.max"
	run_husk rm -f mem
	# A string that doubles until the shell is killed.
	run_husk 137 run --rm --memory 20m --memory-swap 20m "$R/busybox" sh -c 'a=x; while :; do a=$a$a; done'
	# Without the limit the same machine has room for 20 MiB more.
	run_husk run --rm "$R/busybox" sh -c 'a=x; i=0; while [ $i -lt 25 ]; do a=$a$a; i=$((i+1)); done; echo ${#a}'
	expect_eq "$output" 33554432 "a 32 MiB string without a limit"
}

@test "enforced: --memory-reservation (memory.low)" {
	need_ctrl memory "--memory-reservation"
	run_husk run -d --name memr --memory-reservation 32m "$R/busybox" sleep 1000
	expect_eq "$(cat "$(cg_of memr)/memory.low")" 33554432 "memory.low"
	run_husk rm -f memr
}

@test "enforced: --pids-limit 5 (pids.max; fork fails beyond it)" {
	need_ctrl pids "--pids-limit"
	run_husk run -d --name pl --pids-limit 5 "$R/busybox" sleep 1000
	expect_eq "$(cat "$(cg_of pl)/pids.max")" 5 "pids.max"
	run_husk rm -f pl
	run_husk '?' run --rm --pids-limit 5 "$R/busybox" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo started'
	expect_contains "$stderr" "can't fork" "stderr of 8 background processes under --pids-limit 5"
	run_husk run --rm "$R/busybox" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; echo started'
	expect_eq "$stderr" "" "stderr of 8 background processes without a limit"
}

@test "enforced: --cpus 0.5 (cpu.max) and a busy loop stays near half a CPU" {
	need_ctrl cpu "--cpus"
	run_husk run -d --name cpus --cpus 0.5 "$R/busybox" sh -c 'while :; do :; done'
	local cg
	cg=$(cg_of cpus)
	expect_eq "$(cat "$cg/cpu.max")" "50000 100000" "cpu.max"
	local u1 u2
	u1=$(sed -n 's/^usage_usec //p' "$cg/cpu.stat")
	sleep 2
	u2=$(sed -n 's/^usage_usec //p' "$cg/cpu.stat")
	((u2 - u1 < 1300000)) || die "a busy loop under --cpus 0.5 used $((u2 - u1)) us of CPU in 2 s"
	run_husk rm -f cpus
}

@test "enforced: --cpu-shares 512 and --cpu-weight 50 (cpu.weight)" {
	need_ctrl cpu "--cpu-shares"
	run_husk run -d --name sh512 --cpu-shares 512 "$R/busybox" sleep 1000
	# 1 + (512-2)*9999/262142, as runc and crun convert.
	expect_eq "$(cat "$(cg_of sh512)/cpu.weight")" 20 "cpu.weight for --cpu-shares 512"
	run_husk run -d --name w50 --cpu-weight 50 "$R/busybox" sleep 1000
	expect_eq "$(cat "$(cg_of w50)/cpu.weight")" 50 "cpu.weight for --cpu-weight 50"
	run_husk rm -f sh512 w50
}

@test "enforced: --cpuset-cpus 0 (cpuset.cpus; the container sees one CPU)" {
	need_ctrl cpuset "--cpuset-cpus"
	run_husk run -d --name cset --cpuset-cpus 0 "$R/busybox" sleep 1000
	expect_eq "$(cat "$(cg_of cset)/cpuset.cpus")" 0 "cpuset.cpus"
	run_husk rm -f cset
	run_husk run --rm --cpuset-cpus 0 "$R/busybox" sh -c 'grep Cpus_allowed_list /proc/self/status'
	expect_match "$output" 'Cpus_allowed_list:\s+0$' "the container's CPUs"
}

@test "enforced: --blkio-weight 300 (io.bfq.weight, or io.weight converted)" {
	need_ctrl io "--blkio-weight"
	run_husk run -d --name bw --blkio-weight 300 "$R/busybox" sleep 1000
	local cg
	cg=$(cg_of bw)
	if [[ -e $cg/io.bfq.weight ]]; then
		expect_contains "$(cat "$cg/io.bfq.weight")" "300" "io.bfq.weight"
	else
		# 1 + (300-10)*9999/990
		expect_contains "$(cat "$cg/io.weight")" "default 2930" "io.weight"
	fi
	run_husk rm -f bw
}

# ---------------------------------------------------------------- update

@test "update: refused limits change nothing; update without limits is refused" {
	need_delegated
	run_husk run -d --name upd "$R/busybox" sleep 1000
	local ctrl flag
	for flag in "--memory 64m:memory" "--pids-limit 10:pids" "--cpus 1:cpu" "--cpuset-cpus 0:cpuset" "--blkio-weight 300:io"; do
		ctrl=${flag##*:}
		has_ctrl "$ctrl" && continue
		# shellcheck disable=SC2086 # two words
		run_husk 125 update ${flag%:*} upd
		expect_one_error_line
		expect_contains "$stderr" "${flag%% *} needs the $ctrl cgroup controller"
		[[ $CG_MODE == v1 ]] || expect_contains "$stderr" "Delegate=cpu cpuset io memory pids"
	done
	run_husk container inspect upd
	expect_eq "$(json 'd[0]["HuskConfig"]["resources"]')" "{}" "Config.resources after refused updates"
	expect_eq "$(ctr_status upd)" running "the container's state"

	# No limit given: nothing changes and, as podman 4.3.1, the ID is
	# printed with exit 0 (575-exec-start.bats compares).
	run_husk update upd
	expect_eq "$output" "$("$HUSK" inspect --format '{{.ID}}' upd)"
	run_husk 125 update nosuch
	run_husk 125 update --pids-limit 0 upd
	expect_one_error_line
	expect_contains "$stderr" "--pids-limit 0"
	run_husk 125 update --memory 64m nosuch
	expect_one_error_line
	expect_contains "$stderr" "no such container"
	run_husk rm -f upd
}

@test "update where the controller is delegated: pids.max changes at once and is kept" {
	need_ctrl pids "update --pids-limit"
	run_husk run -d --name upd2 --pids-limit 5 "$R/busybox" sleep 1000
	local cg
	cg=$(cg_of upd2)
	run_husk update --pids-limit 20 upd2
	expect_eq "$(cat "$cg/pids.max")" 20 "pids.max after update"
	run_husk container inspect upd2
	expect_eq "$(json 'd[0]["HuskConfig"]["resources"]["pidsLimit"]')" 20 "Config.resources.pidsLimit"
	run_husk rm -f upd2
}

# ---------------------------------------------------------------- --cgroups

@test "--cgroups=disabled: the container stays in husk's cgroup; pause and stats say why not; limits are refused" {
	need_delegated
	local before
	before=$(cg_dirs)
	run_husk run --rm --cgroups=disabled "$R/busybox" sed -n 's/^0:://p' /proc/self/cgroup
	expect_eq "$output" "$(my_cgroup $$)" "the container's cgroup with --cgroups=disabled"
	run_husk run -d --name nocg --cgroups=disabled "$R/busybox" sleep 1000
	expect_eq "$(ctr_field nocg '{{.HuskState.Cgroup}}')" "" "State.Cgroup"
	expect_eq "$(my_cgroup "$(ctr_pid nocg)")" "$(my_cgroup $$)" "cgroup of the container's init"
	expect_eq "$(cgroups_left_since "$before")" "" "cgroups created for --cgroups=disabled containers"
	run_husk 125 pause nocg
	expect_one_error_line
	expect_contains "$stderr" "runs without a cgroup (--cgroups=disabled)"
	run_husk 125 stats --no-stream nocg
	expect_one_error_line
	expect_contains "$stderr" "runs without a cgroup (--cgroups=disabled)"
	run_husk rm -f nocg

	# --cgroups=enabled is the default, spelled out.
	run_husk run --rm --cgroups=enabled "$R/busybox" sed -n 's/^0:://p' /proc/self/cgroup
	expect_match "$output" "^${CG_DELEG%/}/husk-[0-9a-f]{64}\$" "the container's cgroup with --cgroups=enabled"
}

@test "--cgroups=disabled with a limit is refused, whatever the host offers" {
	snapshot
	local how
	for how in "run --rm" create; do
		# shellcheck disable=SC2086
		run_husk 125 $how --cgroups=disabled --pids-limit 5 "$R/busybox" true
		expect_one_error_line
		expect_contains "$stderr" "--pids-limit needs a cgroup, but --cgroups=disabled runs the container without one"
		expect_nothing_new
	done
}

# ---------------------------------------------------------------- invalid values

@test "invalid limit values are refused with 125 and say what is wrong" {
	snapshot
	local -a cases=(
		"--cpu-shares 1|--cpu-shares must be between 2 and 262144"
		"--memory 1k|--memory 1024 is below the minimum of 6MiB"
		"--memory-swap 1g|--memory-swap needs --memory as well"
		"--cgroups=foo|invalid --cgroups \"foo\": use enabled or disabled"
		"--memory abc|--memory \"abc\": invalid size"
		"--memory 64m --memory-swap 32m|--memory-swap (33554432) must be at least --memory (67108864)"
		"--memory 64m --memory-reservation 128m|--memory-reservation must not exceed --memory"
		"--cpus 0|--cpus 0: must be more than 0"
		"--cpus 0.001|--cpus 0.001 is too small"
		"--cpu-weight 0|--cpu-weight must be between 1 and 10000"
		"--cpu-weight 10001|--cpu-weight must be between 1 and 10000"
		"--cpu-shares 512 --cpu-weight 50|--cpu-shares and --cpu-weight set the same thing"
		"--cpuset-cpus 3-1|--cpuset-cpus: invalid CPU list \"3-1\""
		"--pids-limit 0|--pids-limit 0: use a positive number, or -1 for unlimited"
		"--pids-limit -2|--pids-limit must be positive, or -1 for unlimited"
		"--blkio-weight 5|--blkio-weight must be between 10 and 1000"
	)
	local c args msg
	for c in "${cases[@]}"; do
		args=${c%%|*}
		msg=${c#*|}
		# shellcheck disable=SC2086 # args are words
		run_husk 125 run --rm $args "$R/busybox" true
		expect_one_error_line
		expect_contains "$stderr" "$msg" "stderr for $args"
	done
	expect_nothing_new
}
