#!/usr/bin/env bats
# run in the foreground with runc started before the container exists
# (runtime.Early, docs/design.md): runc reads config.json from a pipe
# while husk creates the container. Its output, exit code, log, inspect
# and clean-up are those of a run without it (HUSK_NO_EARLY_RUNTIME set),
# and every way the early runtime goes unused leaves nothing: no runc
# process, no container directory, no cgroup. Real runc, as the test user.

load helpers

setup_file() { husk_setup_run_file busybox; }

# early_lines: how many of stderr's debug lines say runc was started early.
early_lines() { grep -c 'timing: runtime started early' <<<"$stderr" || true; }

# ctr_dirs: the storage's container directories, sorted.
ctr_dirs() { ls -A "$XDG_DATA_HOME/husk/storage/overlay-containers" 2>/dev/null | grep -E '^[0-9a-f]{64}$' | sort || true; }

# no_runc_left: no runc process of this file's store is left (other files
# run theirs side by side).
no_runc_left() {
	local left
	left=$(pgrep -u "$(id -u)" -f "runc --root $(runc_state_dir) " || true)
	expect_eq "$left" "" "runc processes of this store left"
}

@test "early runtime: output, exit code, stderr and the log are a late one's" {
	local mode
	for mode in early late; do
		local envs=()
		[[ $mode == early ]] || envs=(HUSK_NO_EARLY_RUNTIME=1)
		run_expect 3 env "${envs[@]}" "$HUSK" --runtime runc --log-level debug run --name "e-$mode" --network none "$R/busybox" \
			sh -c 'echo out; echo err >&2; exit 3'
		expect_eq "$output" out "$mode: stdout"
		expect_eq "$(grep -v '^level=' <<<"$stderr")" err "$mode: the container's stderr (and nothing else of runc's)"
		if [[ $mode == early ]]; then
			expect_eq "$(early_lines)" 1 "$mode: runc was started early"
		else
			expect_eq "$(early_lines)" 0 "$mode: runc was not started early"
		fi
		run_husk logs "e-$mode"
		expect_eq "$output" out "$mode: logs (stdout)"
		expect_eq "$stderr" err "$mode: logs (stderr)"
		# config.json is a file once runc is done with it.
		run_husk container inspect --format '{{.OCIConfigPath}}' "e-$mode"
		[[ -f $output && ! -L $output ]] || die "$mode: config.json $output is not a file"
		run_husk container inspect --format '{{.State.ExitCode}}' "e-$mode"
		expect_eq "$output" 3 "$mode: exit code recorded"
		run_husk 3 start -a "e-$mode"
		expect_eq "$output" out "$mode: started again"
	done
	run_husk rm e-early e-late
	no_runc_left
}

@test "early runtime: --rm removes everything, on none, the default network and with a published port" {
	local before
	before=$(ctr_dirs)
	run_husk --runtime runc --log-level debug run --rm --network none "$R/busybox" echo none
	expect_eq "$output" none
	expect_eq "$(early_lines)" 1 "none: started early"
	run_husk --runtime runc --log-level debug run --rm "$R/busybox" echo default
	expect_eq "$output" default
	expect_eq "$(early_lines)" 1 "default network: started early"
	# A published port is wired in the created state: runc was started
	# as "create" for it, then "start".
	run_husk --runtime runc --log-level debug run --rm -p 127.0.0.1::80 "$R/busybox" echo port
	expect_eq "$output" port
	expect_eq "$(early_lines)" 1 "published port: started early"
	expect_eq "$(ctr_dirs)" "$before" "container directories"
	no_runc_left
	expect_no_container_leftovers
}

@test "early runtime: a run that fails before its container exists leaves no runc, directory or cgroup" {
	local before cg
	before=$(ctr_dirs)
	cg=$(cgroup_dir)
	"$HUSK" run --name e-taken --network none "$R/busybox" true
	local args
	for args in "--pull never $R/no-such-image" "--name e-taken $R/busybox"; do
		# shellcheck disable=SC2086 # two words each
		run_husk 125 --runtime runc --log-level debug run --rm --network none $args true
		expect_eq "$(early_lines)" 0 "$args: runc got no spec"
		local id said
		id=$(sed -n 's/.*early runtime for container \([0-9a-f]*\).*/\1/p' <<<"$stderr")
		[[ -n $id ]] || die "$args: runc was not started early: $stderr"
		said=$(grep -v '^level=' <<<"$stderr")
		[[ $said != *"JSON"* && $said != *"config.json"* ]] || die "$args: runc's complaint about the spec reached the user: $said"
		[[ ! -e $XDG_DATA_HOME/husk/storage/overlay-containers/$id ]] || die "$args: the directory made ahead is left"
		[[ -z $cg || ! -d $cg/husk-$id ]] || die "$args: the early runtime's cgroup $cg/husk-$id is left"
	done
	[[ $stderr == *"already in use"* ]] || die "name in use: $stderr"
	run_husk rm e-taken
	expect_eq "$(ctr_dirs)" "$before" "container directories"
	no_runc_left
}

@test "early runtime: a hook that reads config.json gets the file (runc is then started late)" {
	mkdir -p "$BATS_TEST_TMPDIR/hooks.d"
	cat >"$BATS_TEST_TMPDIR/hook.sh" <<'EOF'
#!/bin/sh
b=$(sed -n 's/.*"bundle": *"\([^"]*\)".*/\1/p')
cp "$b/config.json" "$1/seen.json"
EOF
	chmod 0755 "$BATS_TEST_TMPDIR/hook.sh"
	cat >"$BATS_TEST_TMPDIR/hooks.d/01.json" <<EOF
{"version": "1.0.0",
 "hook": {"path": "$BATS_TEST_TMPDIR/hook.sh", "args": ["hook.sh", "$BATS_TEST_TMPDIR"]},
 "when": {"always": true}, "stages": ["prestart"]}
EOF
	run_husk --runtime runc --hooks-dir "$BATS_TEST_TMPDIR/hooks.d" --log-level debug run --rm --network none "$R/busybox" echo hooked
	expect_eq "$output" hooked
	expect_eq "$(early_lines)" 0 "not started early"
	[[ $stderr == *"early runtime abandoned"* ]] || die "the early runtime was not abandoned: $stderr"
	output=$(cat "$BATS_TEST_TMPDIR/seen.json")
	expect_eq "$(json 'd["process"]["args"][-1]')" hooked "the spec the hook read"
	no_runc_left
}

@test "early runtime: husk killed while runc waits for the spec; the next listing sweeps the directory it left" {
	local before
	before=$(ctr_dirs)
	# A registry that accepts and never answers keeps husk pulling, before
	# the container's creation, with runc waiting for its spec.
	python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept())
' >"$BATS_TEST_TMPDIR/port" 3>&- &
	local lpid=$!
	wait_for_line "$BATS_TEST_TMPDIR/port" '^[0-9]+$'
	husk_bg "$BATS_TEST_TMPDIR/out" --runtime runc run --rm --network none --pull always --tls-verify=false \
		"127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")/silent/image" true
	local rpid=""
	for _ in $(seq 100); do
		rpid=$(pgrep -u "$(id -u)" -x runc -P "$HUSK_BG_PID" || true)
		[[ -z $rpid ]] || break
		sleep 0.05
	done
	# (no_runc_left's pattern finds the waiting runc.)
	[[ -z $rpid || $(pgrep -u "$(id -u)" -f "runc --root $(runc_state_dir) ") == *"$rpid"* ]] ||
		die "runc $rpid is not found by its store's --root"
	local dir
	dir=$(comm -13 <(echo "$before") <(ctr_dirs))
	# The pull's helper, husk's other child, goes with it.
	local kids
	kids=$(pgrep -P "$HUSK_BG_PID" | grep -vx "${rpid:-none}" || true)
	kill -KILL "$HUSK_BG_PID"
	[[ -z $kids ]] || kill -KILL $kids 2>/dev/null || true
	wait "$HUSK_BG_PID" || true
	kill "$lpid"
	wait "$lpid" 2>/dev/null || true
	[[ -n $rpid ]] || die "runc was not started early: $(cat "$BATS_TEST_TMPDIR/out")"
	[[ -n $dir ]] || die "no container directory made ahead"
	# runc reads an incomplete spec and exits.
	for _ in $(seq 100); do
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.05
	done
	! kill -0 "$rpid" 2>/dev/null || die "runc $rpid outlived the killed run"
	run_husk ps -a --format '{{.ID}}'
	[[ $output != *"${dir:0:12}"* ]] || die "ps shows the directory as a container"
	expect_eq "$(ctr_dirs)" "$before" "container directories after ps -a"
	local cg
	cg=$(cgroup_dir)
	[[ -z $cg || ! -d $cg/husk-$dir ]] || die "the early cgroup $cg/husk-$dir is left"
	no_runc_left
}
