#!/usr/bin/env bats
# husk rm as scripts use it (and the other removal commands' exit codes),
# with podman 4.3.1's exit codes and output:
# 1 for a name that is no container (0 with --ignore), 2 for a running
# container without --force, the names printed as given, --cidfile (a
# missing one ignored with --ignore, as later podman's systemd units need),
# --depend, --time with --force, and an rm told to stop (SIGTERM) while
# another command holds the container's lock. The last test runs the same
# command lines with podman and compares the exit codes.

load helpers
load podman-compare

setup_file() {
	husk_setup_run_file busybox
	podman_optional_setup_file
}

teardown_file() { podman_optional_teardown_file; }

@test "rm: 1 for a name that is no container (0 with --ignore, and nothing is removed), 2 for a running one" {
	run_husk create --name keep1 "$R/busybox" true
	run_husk 1 rm nosuch
	expect_one_error_line
	expect_contains "$stderr" '"nosuch"'
	run_husk 1 rm keep1 nosuch
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$output" keep1 "every name is looked up before anything is removed"
	run_husk rm --ignore nosuch keep1
	expect_eq "$output" keep1 "rm --ignore"

	run_husk run -d --name busy "$R/busybox" sleep 1000
	run_husk 2 rm busy
	expect_one_error_line
	expect_contains "$stderr" "running"
	expect_contains "$stderr" "--force"
	run_husk 125 rm -t 1 busy
	expect_contains "$stderr" "--time needs --force"
	run_husk rm -f busy
	expect_eq "$output" busy
	run_husk 125 rm
	expect_contains "$stderr" "--all alone"
}

@test "rmi, volume rm and network rm of a missing name exit 1 (rmi --ignore 0); kill -s 0 checks that a container runs" {
	run_husk 1 rmi nosuch-image
	run_husk rmi --ignore nosuch-image
	run_husk 1 volume rm nosuch-volume
	expect_contains "$stderr" nosuch-volume
	run_husk 1 network rm nosuch-network
	expect_contains "$stderr" nosuch-network
	run_husk run -d --name sig0 "$R/busybox" sleep 1000
	run_husk kill -s 0 sig0
	run_husk ps --format '{{.Names}}'
	expect_eq "$output" sig0 "signal 0 leaves it running"
	run_husk rm -f sig0
	run_husk 125 kill -s 0 sig0
}

@test "rm prints each name as given; -a prints IDs; --cidfile, and a missing one with --ignore" {
	run_husk create --name byname "$R/busybox" true
	local id
	run_husk create "$R/busybox" true
	id=$output
	run_husk rm byname "${id:0:12}"
	expect_eq "$output" $'byname\n'"${id:0:12}"

	run_husk create --name fromfile "$R/busybox" true
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/cid"
	run_husk rm --cidfile "$BATS_TEST_TMPDIR/cid"
	expect_eq "$output" "$(cat "$BATS_TEST_TMPDIR/cid")"
	run_husk 125 rm --cidfile "$BATS_TEST_TMPDIR/missing"
	expect_contains "$stderr" "cidfile"
	run_husk rm --ignore --cidfile "$BATS_TEST_TMPDIR/missing"
	expect_eq "$output" ""
	# A cidfile naming a container that is gone: 1, or 0 with --ignore.
	run_husk 1 rm --cidfile "$BATS_TEST_TMPDIR/cid"
	run_husk rm -f --ignore --cidfile "$BATS_TEST_TMPDIR/cid"

	run_husk create --name a1 "$R/busybox" true
	local a1=$output
	run_husk run -d --name a2 "$R/busybox" sleep 1000
	local a2=$output
	run_husk rm -a -f
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "$a1" "$a2" | sort)" "rm -a -f"
	run_husk ps -aq
	expect_eq "$output" ""
}

@test "rm --depend removes the containers in a container's network first; without it, 125 names them" {
	run_husk run -d --name netbase "$R/busybox" sleep 1000
	local base=$output
	run_husk run -d --name netuser --network container:netbase "$R/busybox" sleep 1000
	local user=$output
	run_husk 125 rm -f netbase
	expect_one_error_line
	expect_contains "$stderr" "dependent containers"
	expect_contains "$stderr" netuser
	run_husk ps --format '{{.Names}}'
	expect_eq "$(sort <<<"$output")" $'netbase\nnetuser' "both still run"
	run_husk rm -f --depend netbase
	expect_eq "$output" "$user"$'\nnetbase' "the dependent (by ID), then the name given"
	run_husk ps -aq
	expect_eq "$output" ""
}

# wait_for_log NAME LINE: until the container's log has LINE (10 s at most).
wait_for_log() {
	local i
	for ((i = 0; i < 100; i++)); do
		"$HUSK" logs "$1" 2>/dev/null | grep -qx -- "$2" && return 0
		sleep 0.1
	done
	die "container $1 never logged '$2'"
}

@test "rm -f -t N sends the stop signal first; without -t the container is killed at once" {
	local dir=$BATS_TEST_TMPDIR/out
	mkdir -p "$dir"
	local script='trap "echo got TERM >/out/\$0; exit 0" TERM; echo ready; while :; do sleep 0.1; done'
	run_husk run -d --name graceful -v "$dir:/out" "$R/busybox" sh -c "$script" graceful
	wait_for_log graceful ready
	run_husk rm -f -t 5 graceful
	expect_eq "$output" graceful
	expect_eq "$(cat "$dir/graceful" 2>/dev/null)" "got TERM" "the stop signal reached it"
	run_husk run -d --name killed -v "$dir:/out" "$R/busybox" sh -c "$script" killed
	wait_for_log killed ready
	run_husk rm -f killed
	[[ ! -e $dir/killed ]] || die "rm -f without -t sent the stop signal: $(cat "$dir/killed")"
}

@test "rm -f told to stop while another husk command holds the container's lock gives up at once (128+N), leaving the container" {
	run_husk create --name held "$R/busybox" true
	local id=$output
	local lock=$XDG_DATA_HOME/husk/storage/overlay-containers/$id/userdata/lock
	[[ -d ${lock%/*} ]] || die "no container directory at ${lock%/*}"
	local fifo=$BATS_TEST_TMPDIR/release ready=$BATS_TEST_TMPDIR/locked
	mkfifo "$fifo"
	# Holds the lock as another husk command would, until told on the fifo.
	(
		exec 9>>"$lock"
		flock 9
		echo >"$ready"
		read -r _ <"$fifo"
	) &
	local holder=$!
	local i
	for i in $(seq 50); do [[ -e $ready ]] && break; sleep 0.1; done
	[[ -e $ready ]] || die "the lock holder did not start"
	local t0=$EPOCHREALTIME
	run_expect 143 timeout --preserve-status -k 5 -s TERM 1 "$HUSK" rm -f held
	local took
	took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	awk -v t="$took" 'BEGIN { exit !(t < 4) }' || die "rm took ${took}s: it went on waiting after SIGTERM"
	expect_contains "$stderr" "interrupted while waiting for another husk command on the container"
	echo >"$fifo"
	wait "$holder"
	run_husk ps -a --format '{{.Names}}'
	expect_eq "$output" held "the container is left as it was"
	# Not told to stop, rm waits for the lock and then removes.
	run_husk rm -f held
	expect_eq "$output" held
}

# kill -s 0 of a running container is left out: podman 4.3.1 refuses
# signal 0 ("invalid signal: 0", 125); the issue asks for it to be valid,
# as kill(1) and docker have it (see the test above). Of a stopped one,
# both fail with 125.
@test "podman gives the same exit codes for the same rm command lines" {
	[[ -z ${PM_SKIP:-} ]] || skip "$PM_SKIP"
	local P=(pm)
	"${P[@]}" pull -q --tls-verify=false "$R/busybox" >/dev/null 2>&1 || skip "podman cannot pull from the test registry"
	local tool rc out
	for tool in husk podman; do
		local T=("$HUSK")
		[[ $tool == podman ]] && T=("${P[@]}")
		"${T[@]}" run -d --name cmp-run --network none "$R/busybox" sleep 1000 >/dev/null 2>&1 || die "$tool run -d"
		out=
		for args in "rm cmp-nosuch" "rm --ignore cmp-nosuch" "rm cmp-run" "rm -t 1 cmp-run" "rm -a cmp-run" \
			"rmi cmp-nosuch" "rmi --ignore cmp-nosuch" "volume rm cmp-nosuch" "network rm cmp-nosuch" "rm -f cmp-run" "kill -s 0 cmp-run"; do
			rc=0
			# shellcheck disable=SC2086
			"${T[@]}" $args >/dev/null 2>&1 || rc=$?
			out+="$args: $rc"$'\n'
		done
		eval "rc_$tool=\$out"
	done
	expect_eq "$rc_husk" "$rc_podman" "exit codes (husk, podman)"
}
