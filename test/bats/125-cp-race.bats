#!/usr/bin/env bats
# husk cp against a running container that races it: the container keeps
# swapping its directory /d for a symlink to a directory of the host (the
# symlink's target is an absolute host path, which does not exist in the
# container). Whatever husk resolves in the container's files must stay
# inside them: no iteration may create, change or read a file of the host.
# (exec -u's lookup in the container's /etc/passwd, which the same code
# serves, races a tighter loop in the Go unit tests of pkg/runtime.)

load helpers

setup_file() { husk_setup_run_file busybox; }

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# Copies per test, bounded by count, not time. The code before this test
# (which checked a path and then opened it again by name) lost the
# copy-in race in about 1 of 7 copies of the large file here, and the
# copy-out race in about 1 of 5 copies of the directory.
ITERATIONS=${HUSK_RACE_ITERATIONS:-100}

# The swapper: /d holds big (16 MB), secret and f1..f100 (all but big
# say "inside"). The loop renames /d away, a symlink to $1 in its place,
# waits, then the symlink away and /d back, and waits. Each rename is a
# busybox process of its own, so /d is missing for a moment between the
# directory and the symlink; the waits make both last long enough that
# a copy which takes a while starts with one and ends with the other.
SWAP_D='mkdir -p /d; head -c 16000000 /dev/urandom >/d/big
for i in $(seq 100); do echo inside >/d/f$i; done
echo inside >/d/secret; ln -s "$1" /d.lnk; echo ready
while :; do mv /d /d.dir; mv /d.lnk /d; sleep 0.01; mv /d /d.lnk; mv /d.dir /d; sleep 0.01; done'

# run_swapper NAME HOSTDIR: a detached container swapping /d for a
# symlink to HOSTDIR, once it said ready.
run_swapper() {
	run_husk run -d --name "$1" "$R/busybox" sh -c "$SWAP_D" sh "$2"
	wait_until 20 logs_contain "$1" ready
}

# host_dir_unchanged DIR: DIR holds only x, mode 600, content "host".
host_dir_unchanged() {
	[[ $(ls -A "$1") == x && $(stat -c %a "$1/x") == 600 && $(cat "$1/x") == host ]]
}

@test "cp into a container that swaps a directory for a symlink to the host never touches the host" {
	local d=$BATS_TEST_TMPDIR try ok=0
	mkdir -p "$d/host" "$d/tree/sub"
	echo host >"$d/host/x"
	chmod 600 "$d/host/x"
	# A large file: the old code changed its mode by path after the
	# copy, a window of milliseconds.
	head -c 16000000 /dev/urandom >"$d/big"
	chmod 755 "$d/big"
	for i in 1 2 3 4 5 6 7 8; do echo tree >"$d/tree/sub/t$i"; done
	chmod -R 755 "$d/tree"
	run_swapper swapin "$d/host"
	for ((try = 1; try <= ITERATIONS; try++)); do
		if ((try % 4)); then
			run_husk '?' cp "$d/big" swapin:/d/x
		else
			run_husk '?' cp "$d/tree" swapin:/d/t
		fi
		[[ $status -ne 0 ]] || ok=$((ok + 1))
		host_dir_unchanged "$d/host" ||
			die "copy $try of $ITERATIONS wrote on the host through the container's symlink: $(ls -lA "$d/host")" ||
			return 1
	done
	echo "# $ok of $ITERATIONS copies in succeeded" >&3
	[[ $ok -gt 0 ]] || die "no copy succeeded in $ITERATIONS tries; the last said: $stderr"
	# What was copied landed in the container.
	# (/d moves meanwhile: look until a cat finds it.)
	run_husk exec swapin sh -c 'first() { for i in $(seq 50); do for f; do cat "$f" 2>/dev/null && return; done; done; }
first /d/x /d.dir/x | md5sum; first /d/t/sub/t1 /d.dir/t/sub/t1 /d/t/tree/sub/t1 /d.dir/t/tree/sub/t1'
	expect_eq "$output" "$(md5sum <"$d/big")"$'\ntree' "the file and the directory copied into the container's /d"
	run_husk rm -f swapin
}

@test "cp out of a container that swaps a directory for a symlink to the host never copies a host file" {
	local d=$BATS_TEST_TMPDIR try ok=0 got
	mkdir "$d/host" "$d/out"
	echo host-secret >"$d/host/secret"
	for i in $(seq 100); do echo host-secret >"$d/host/f$i"; done
	run_swapper swapout "$d/host"
	for ((try = 1; try <= ITERATIONS; try++)); do
		got=$d/out/got$try
		if ((try % 4)); then
			# A directory: the old code opened its files by path, one
			# after the other, and big (first) takes a while.
			run_husk '?' cp swapout:/d "$got"
		else
			run_husk '?' cp swapout:/d/secret "$got"
		fi
		[[ $status -ne 0 ]] || ok=$((ok + 1))
		if [[ -e $got ]] && grep -rqs host-secret "$got"; then
			die "copy $try of $ITERATIONS copied the host's file out: $(grep -rls host-secret "$got")"
			return 1
		fi
		rm -rf "$got"
	done
	echo "# $ok of $ITERATIONS copies out succeeded" >&3
	[[ $ok -gt 0 ]] || die "no copy succeeded in $ITERATIONS tries; the last said: $stderr"
	run_husk rm -f swapout
}
