#!/usr/bin/env bats
# Fault injection: SIGKILL husk, a container's monitor, its network helper
# or the pause process at a random moment of pull, run --rm, run -d, rm and
# network create, many times. After every trial the store must be
# consistent (ps -a, images and system check work and agree), the next run
# must work, and once everything is removed nothing may be left: no
# process, no mount (in any of the user's mount namespaces, the pause
# process's included), no network namespace file, no cgroup.
#
# Seeded and reproducible: HUSK_FAULT_SEED picks the sequence (default: a
# fixed seed), HUSK_FAULT_TRIALS the number of trials (default 50). A
# failure names the seed and the trial, e.g.
#   HUSK_FAULT_SEED=7 HUSK_FAULT_TRIALS=12 bats bats/900-fault-injection.bats
# It runs for minutes: it starts first when files run side by side.
# bats-parallel: first

load helpers

setup_file() {
	husk_setup_file
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	"$HUSK" pull -q "$R/busybox" >/dev/null
	"$HUSK" pull -q "$R/multilayer" >/dev/null
	"$HUSK" run --rm "$R/busybox" true 2>/dev/null
	export CGROUP_DIR
	CGROUP_DIR=$(cgroup_dir)
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || cleanup_store
}

# rand N: sets RAND to the next number of the trial sequence, in 0..N-1
# (a linear congruential generator of our own, so that nothing else that
# draws from $RANDOM changes the sequence; not in a subshell, which would
# lose its state).
rand() {
	FAULT_STATE=$(((FAULT_STATE * 1103515245 + 12345) % 2147483648))
	RAND=$(((FAULT_STATE / 65536) % $1))
}

# store_pids TEXT: this store's processes (their environment names its
# data directory, or their command line its run directory) whose command
# line contains TEXT.
store_pids() {
	local p cmd
	for p in $(pgrep -u "$(id -u)"); do
		[[ $p != "$$" && $p != "$BASHPID" ]] || continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		[[ $cmd == *"$1"* ]] || continue
		if [[ $cmd == *"$XDG_RUNTIME_DIR/"* ]] || tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qxF "XDG_DATA_HOME=$XDG_DATA_HOME"; then
			echo "$p"
		fi
	done
	return 0
}

# victim KIND: the pid to kill (0 when there is none yet).
victim() {
	local p=""
	case $1 in
	husk) p=$HUSK_BG_PID ;;
	monitor) p=$(store_pids __monitor | head -1) ;;
	helper) p=$( (store_pids pasta; store_pids slirp4netns) | head -1) ;;
	pause) p=$(cat "$XDG_RUNTIME_DIR/husk/pause.pid" 2>/dev/null) ;;
	esac
	echo "${p:-0}"
}

# ids_seen: container IDs the store knows now (storage and runtime state).
ids_seen() {
	storage_containers
	ls -A "$(runc_state_dir)" 2>/dev/null
	ls -A "$XDG_RUNTIME_DIR/husk/storage/husk-netns" 2>/dev/null | grep -E '^[0-9a-f]{64}$'
	return 0
}

# cleanup_store: remove every container and network of the store.
cleanup_store() {
	"$HUSK" rm -a -f >/dev/null 2>&1 || true
	local n
	for n in $("$HUSK" network ls --format '{{.Name}}' 2>/dev/null); do
		[[ $n == fnet* ]] && "$HUSK" network rm -f "$n" >/dev/null 2>&1
	done
	return 0
}

# trial_fail MESSAGE: fail naming the seed and the trial.
trial_fail() {
	die "seed $SEED, trial $TRIAL ($OP, kill $KIND after ${DELAY}s): $*"
}

# check_consistent: the store answers and agrees with itself.
check_consistent() {
	run_husk '?' ps -a --format '{{.ID}} {{.Names}} {{.State}}'
	[[ $status -eq 0 ]] || trial_fail "ps -a: exit $status: $stderr"
	run_husk '?' images -q
	[[ $status -eq 0 ]] || trial_fail "images: exit $status: $stderr"
	run_husk '?' system check
	[[ $status -eq 0 ]] || trial_fail "system check: exit $status: $output $stderr"
	run_husk '?' run --rm "$R/busybox" echo next-run
	[[ $status -eq 0 && $output == next-run ]] || trial_fail "the next run: exit $status: $output $stderr"
}

# check_nothing_left IDS...: after cleanup_store, nothing of the trial's
# containers remains.
check_nothing_left() {
	local rs left id
	rs=$(runc_state_dir)
	left=$(ls -A "$rs" 2>/dev/null)
	[[ -z $left ]] || trial_fail "runtime state left: $left"
	left=$(storage_containers)
	[[ -z $left ]] || trial_fail "storage containers left: $left"
	left=$(ls -A "$XDG_RUNTIME_DIR/husk/storage/husk-netns" 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true)
	[[ -z $left ]] || trial_fail "network namespace directories left: $left"
	left=$(store_pids pasta; store_pids slirp4netns; store_pids __monitor; store_pids __net)
	[[ -z $left ]] || trial_fail "helper processes left: $(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
	left=$(user_mounts_with "$XDG_DATA_HOME/husk/storage/overlay/")
	[[ -z $left ]] || trial_fail "overlay mounts left: $left"
	left=$(user_mounts_with "$XDG_RUNTIME_DIR/husk/storage/husk-netns/")
	[[ -z $left ]] || trial_fail "namespace mounts left: $left"
	if [[ -n $CGROUP_DIR ]]; then
		for id in "$@"; do
			[[ ! -d $CGROUP_DIR/husk-$id ]] || trial_fail "cgroup left: $CGROUP_DIR/husk-$id"
		done
	fi
}

@test "fault injection: SIGKILL of husk, monitor, network helper or pause process during pull, run --rm, run -d, rm and network create" {
	SEED=${HUSK_FAULT_SEED:-20261205}
	local trials=${HUSK_FAULT_TRIALS:-50}
	FAULT_STATE=$SEED
	local ops=(pull run-rm run-d rm network-create) kinds=(husk husk monitor helper pause)
	local seen=() counts=""
	for ((TRIAL = 1; TRIAL <= trials; TRIAL++)); do
		rand ${#ops[@]}
		OP=${ops[$RAND]}
		rand ${#kinds[@]}
		KIND=${kinds[$RAND]}
		rand 400
		DELAY=$(awk -v r="$RAND" 'BEGIN { printf "%.3f", r / 1000 }')
		# Set-up for the operation.
		case $OP in
		pull) "$HUSK" rmi -f "$R/multilayer" >/dev/null 2>&1 || true ;;
		rm) "$HUSK" run -d --name "fr$TRIAL" "$R/busybox" sleep 1000 >/dev/null || trial_fail "set-up run -d" ;;
		esac
		case $OP in
		pull) husk_bg "$BATS_TEST_TMPDIR/op" pull -q "$R/multilayer" ;;
		run-rm) husk_bg "$BATS_TEST_TMPDIR/op" run --rm --name "fx$TRIAL" "$R/busybox" sh -c 'sleep 0.2' ;;
		run-d) husk_bg "$BATS_TEST_TMPDIR/op" run -d --name "fd$TRIAL" "$R/busybox" sleep 1000 ;;
		rm) husk_bg "$BATS_TEST_TMPDIR/op" rm -f "fr$TRIAL" ;;
		network-create)
			husk_bg "$BATS_TEST_TMPDIR/op" network create "fnet$TRIAL"
			;;
		esac
		sleep "$DELAY"
		local pid t0=$SECONDS
		pid=$(victim "$KIND")
		if ((pid > 0)); then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		# The operation ends by itself (or was the victim).
		local w
		for ((w = 0; w < 300; w++)); do
			pid_alive "$HUSK_BG_PID" || break
			sleep 0.05
		done
		pid_alive "$HUSK_BG_PID" && trial_fail "the operation did not end within 15s: $(cat "$BATS_TEST_TMPDIR/op")"
		wait "$HUSK_BG_PID" 2>/dev/null || true
		seen+=($(ids_seen))
		# A network-create trial also runs a container on the network.
		if [[ $OP == network-create ]] && "$HUSK" network inspect "fnet$TRIAL" >/dev/null 2>&1; then
			run_husk '?' run --rm --network "fnet$TRIAL" "$R/busybox" true
			[[ $status -eq 0 ]] || trial_fail "run on the network: exit $status: $stderr"
		fi
		check_consistent
		seen+=($(ids_seen))
		cleanup_store
		check_nothing_left "${seen[@]}"
		seen=()
		counts+="$OP/$KIND:$((SECONDS - t0))s "
	done
	echo "# $trials trials, seed $SEED: $counts" >&3
	# The store is as good as new.
	run_husk pull -q "$R/multilayer"
	run_husk run --rm "$R/multilayer" true
	expect_no_container_leftovers
}
