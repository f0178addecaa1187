#!/usr/bin/env bats
# A container's life: husk create, start -a, container inspect (record,
# state and the generated config.json), rm, names, and --rm leaving
# nothing behind (runtime state, storage, mounts, processes), also when
# the command is not found or the container is killed.
# It runs for minutes: it starts first when files run side by side.
# bats-parallel: first

load helpers

setup_file() { husk_setup_run_file busybox; }

# container_id NAME: the full ID of a container.
container_id() {
	"$HUSK" container inspect --format '{{.ID}}' "$1"
}

# expect_container_gone NAME|ID: husk does not know it any more and no
# storage container of that ID is left.
expect_container_gone() {
	run_husk 125 container inspect "$1"
	expect_one_error_line
	expect_contains "$stderr" "no such container"
	if [[ $1 =~ ^[0-9a-f]{12,64}$ ]]; then
		expect_eq "$(storage_containers | grep "^$1" || true)" "" "storage containers with ID $1"
	fi
}

# ---------------------------------------------------------------- create/start/rm

@test "create prints the ID; start -a runs it (again); inspect follows the state; rm removes it" {
	run_husk create --name life "$R/busybox" sh -c 'echo "run $(cat /count 2>/dev/null || echo 0)"; echo 1 >/count; exit 3'
	expect_match "$output" "$HEX64" "create's stdout"
	local id=$output
	expect_eq "$stderr" "" "create's stderr"
	run_husk container inspect life
	expect_valid_json
	expect_eq "$(json 'd[0]["Id"]')" "$id" "Id"
	expect_eq "$(json 'd[0]["Name"]')" life "Name"
	expect_eq "$(json 'd[0]["State"]["Status"]')" created "State.status after create"
	expect_eq "$(json 'd[0]["ImageName"]')" "$R/busybox:latest" "ImageName (with its tag, as podman)"
	expect_eq "$(json 'd[0]["Image"]')" "$(oci_image_id busybox)" "Image (the ID, as podman)"

	run_husk 3 start -a life
	expect_eq "$output" "run 0" "first start"
	run_husk container inspect life
	expect_eq "$(json 'd[0]["State"]["Status"]')" exited "State.status"
	expect_eq "$(json 'd[0]["State"]["ExitCode"]')" 3 "State.exitCode"
	expect_eq "$(json 'd[0]["State"]["StartedAt"] <= d[0]["State"]["FinishedAt"]')" True "startedAt <= finishedAt"
	expect_eq "$(json 'd[0]["OCIRuntime"] in ("runc", "crun")')" True "State.runtime"
	expect_eq "$(runc_state_dir_entries)" "" "runtime state after the container exited"

	# The container keeps its filesystem between starts.
	run_husk 3 start -a "${id:0:12}"
	expect_eq "$output" "run 1" "second start (by ID prefix)"

	run_husk rm life
	expect_eq "$output" life "rm's stdout"
	expect_container_gone life
	expect_container_gone "$id"
	expect_no_container_leftovers
}

# runc_state_dir_entries: what is in runc's state directory.
runc_state_dir_entries() {
	ls -A "$(runc_state_dir)" 2>/dev/null || true
}

@test "create -i and start -a -i connect stdin; start -a alone does not" {
	run_husk create -i --name with-i "$R/busybox" sh -c 'cat; echo end'
	run_husk start -a with-i <<<"piped in"
	expect_eq "$output" $'piped in\nend'
	run_husk create --name without-i "$R/busybox" sh -c 'cat; echo end'
	run_husk start -a without-i <<<"not connected"
	expect_eq "$output" "end"
	run_husk start -a -i without-i <<<"now connected"
	expect_eq "$output" $'now connected\nend'
	run_husk rm with-i without-i
	expect_eq "${#lines[@]}" 2 "removed containers"
}

# rm of a name that is no container exits 1, as podman's does (540-rm.bats).
@test "start/inspect of unknown containers, and rm without names, are husk's errors 125; rm of one is 1" {
	run_husk 125 start -a no-such-container
	expect_one_error_line
	expect_contains "$stderr" "no-such-container"
	run_husk 1 rm no-such-container
	expect_one_error_line
	run_husk 125 rm
	expect_one_error_line
	run_husk 125 container inspect no-such-container
	expect_one_error_line
}

@test "container inspect: OCIConfig holds process args, env, user, capabilities, seccomp, mounts, hostname" {
	local d=$BATS_TEST_TMPDIR/b
	mkdir -p "$d"
	run_husk create --name insp --hostname hn -e FOO=bar -u app -w /tmp -v "$d:/b:ro" --tmpfs /t --cap-drop KILL \
		--security-opt no-new-privileges "$R/busybox" sh -c 'exit 0'
	run_husk container inspect insp
	expect_valid_json
	expect_eq "$(json 'd[0]["OCIConfig"]["process"]["args"]')" '["sh", "-c", "exit 0"]' "process.args"
	expect_eq "$(json '"FOO=bar" in d[0]["OCIConfig"]["process"]["env"]')" True "FOO in process.env"
	expect_eq "$(json 'd[0]["OCIConfig"]["process"]["user"]["uid"], d[0]["OCIConfig"]["process"]["user"]["gid"]')" "(1000, 1000)" "process.user"
	expect_eq "$(json 'd[0]["OCIConfig"]["process"]["cwd"]')" /tmp "process.cwd"
	expect_eq "$(json 'd[0]["OCIConfig"]["process"]["noNewPrivileges"]')" True "process.noNewPrivileges"
	expect_eq "$(json '"CAP_KILL" in d[0]["OCIConfig"]["process"]["capabilities"]["bounding"]')" False "CAP_KILL dropped"
	expect_eq "$(json '"CAP_CHOWN" in d[0]["OCIConfig"]["process"]["capabilities"]["bounding"]')" True "CAP_CHOWN kept"
	expect_eq "$(json 'd[0]["OCIConfig"]["linux"]["seccomp"]["defaultAction"]')" SCMP_ACT_ERRNO "seccomp"
	expect_eq "$(json 'd[0]["OCIConfig"]["hostname"]')" hn "hostname"
	expect_eq "$(json '[m["source"] for m in d[0]["OCIConfig"]["mounts"] if m["destination"] == "/b"]')" "[\"$d\"]" "bind mount source"
	expect_eq "$(json '"ro" in [o for m in d[0]["OCIConfig"]["mounts"] if m["destination"] == "/b" for o in m["options"]]')" True "bind mount ro"
	expect_eq "$(json '[m["type"] for m in d[0]["OCIConfig"]["mounts"] if m["destination"] == "/t"]')" '["tmpfs"]' "tmpfs mount"
	expect_eq "$(json 'sorted(m["destination"] for m in d[0]["OCIConfig"]["mounts"] if m["destination"] in ("/proc", "/dev", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"))')" \
		'["/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc"]' "standard mounts"
	expect_eq "$(json '"network" in [n["type"] for n in d[0]["OCIConfig"]["linux"]["namespaces"]]')" True "network namespace (--network none)"
	expect_eq "$(json '"/proc/kcore" in d[0]["OCIConfig"]["linux"]["maskedPaths"]')" True "maskedPaths"
	expect_eq "$(json 'd[0]["Config"]["Hostname"], d[0]["Config"]["User"]')" "('hn', 'app')" "Config"

	run_husk container inspect --format '{{.Name}} {{.State.Status}}' insp
	expect_eq "$output" "insp created" "--format"
	run_husk rm insp
}

@test "container inspect shows a running container with its live pid" {
	local out=$BATS_TEST_TMPDIR/out
	husk_bg "$out" run --rm --name running "$R/busybox" sh -c 'trap "exit 143" TERM; echo ready; sleep 60 & wait'
	wait_for_line "$out" '^ready$'
	run_husk container inspect running
	expect_eq "$(json 'd[0]["State"]["Status"]')" running "State.status"
	local pid
	pid=$(json 'd[0]["State"]["Pid"]')
	((pid > 0)) || die "State.pid is $pid"
	kill -0 "$pid" || die "State.pid $pid is not alive"
	expect_eq "$(tr '\0' ' ' <"/proc/$pid/cmdline")" 'sh -c trap "exit 143" TERM; echo ready; sleep 60 & wait ' "command line of State.pid"
	run_husk 2 rm running
	expect_one_error_line
	expect_contains "$stderr" "running"
	kill -TERM "$HUSK_BG_PID"
	wait_bg "$HUSK_BG_PID"
	expect_eq "$status" 143 "exit code after the forwarded SIGTERM"
	expect_container_gone running
	expect_no_container_leftovers
}

@test "rm -f kills a running container; its husk run ends with 137" {
	local out=$BATS_TEST_TMPDIR/out
	husk_bg "$out" run --name victim "$R/busybox" sh -c 'echo ready; exec sleep 1717'
	wait_for_line "$out" '^ready$'
	local id
	id=$(container_id victim)
	run_husk rm -f victim
	expect_eq "$output" victim
	wait_bg "$HUSK_BG_PID"
	expect_eq "$status" 137 "exit code of the husk run"
	expect_eq "$(pgrep -u "$(id -u)" -xf 'sleep 1717' || true)" "" "the container's process"
	expect_container_gone "$id"
	expect_no_container_leftovers
}

@test "rm -a removes every container" {
	run_husk create --name a1 "$R/busybox" true
	local id1=$output
	run_husk create --name a2 "$R/busybox" true
	local id2=$output
	run_husk 1 run --name a3 "$R/busybox" false
	local id3
	id3=$(container_id a3)
	run_husk rm -a
	expect_eq "$(sort <<<"$output")" "$(printf '%s\n' "$id1" "$id2" "$id3" | sort)" "IDs printed by rm -a"
	expect_container_gone a1
	expect_container_gone a2
	expect_container_gone a3
	expect_eq "$(storage_containers)" "" "storage containers after rm -a"
	run_husk 125 rm -a a1
	expect_one_error_line
}

# ---------------------------------------------------------------- names

@test "names: generated when not given, unique, validated, free again after rm" {
	run_husk create "$R/busybox" true
	local id=$output
	run_husk container inspect "$id"
	expect_match "$(json 'd[0]["Name"]')" '^[a-z]+_[a-z]+_[0-9a-f]+$' "generated name"
	run_husk rm "$id"

	run_husk run --name twice "$R/busybox" true
	run_husk 125 run --name twice "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" '"twice"'
	run_husk 125 create --name twice "$R/busybox" true
	expect_one_error_line
	run_husk rm twice
	run_husk run --rm --name twice "$R/busybox" true

	run_husk 125 run --rm --name 'bad/name' "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "bad/name"
	run_husk 125 run --rm --name '-lead' "$R/busybox" true
	expect_one_error_line
}

# ---------------------------------------------------------------- leftovers

@test "run without --rm: the container stays, its runtime state and mounts do not" {
	local before
	before=$(storage_containers | wc -l)
	run_husk run --name kept "$R/busybox" true
	expect_eq "$(storage_containers | wc -l)" "$((before + 1))" "storage containers"
	run_husk container inspect kept
	expect_eq "$(json 'd[0]["State"]["Status"]')" exited
	expect_no_container_leftovers
	run_husk rm kept
	expect_eq "$(storage_containers | wc -l)" "$before" "storage containers after rm"
}

@test "run --rm leaves nothing after a normal exit" {
	local before
	before=$(storage_containers)
	run_husk run --rm --name rm-ok "$R/busybox" hostname
	local short=$output
	expect_match "$short" '^[0-9a-f]{12}$' "short ID"
	expect_container_gone rm-ok
	expect_container_gone "$short"
	expect_eq "$(storage_containers)" "$before" "storage containers"
	expect_eq "$(user_pids_with "$short")" "" "processes naming the container"
	expect_eq "$(user_mounts_with "$short")" "" "mounts naming the container"
	expect_no_container_leftovers
}

@test "run --rm leaves nothing when the command is not found (127) or cannot run (126)" {
	local before
	before=$(storage_containers)
	run_husk_127 run --rm --name rm-127 "$R/busybox" no-such-command
	expect_container_gone rm-127
	expect_eq "$(storage_containers)" "$before" "storage containers after 127"
	expect_no_container_leftovers
	run_husk 126 run --rm --name rm-126 "$R/busybox" /etc/passwd
	expect_container_gone rm-126
	expect_eq "$(storage_containers)" "$before" "storage containers after 126"
	expect_no_container_leftovers
}

@test "run --rm leaves nothing when husk refuses the container at start (unknown user, bad mount)" {
	local before
	before=$(storage_containers)
	run_husk 125 run --rm --name rm-user -u no-such-user "$R/busybox" true
	expect_container_gone rm-user
	run_husk 125 run --rm --name rm-mount -v "$BATS_TEST_TMPDIR/missing:/m" "$R/busybox" true
	expect_container_gone rm-mount
	expect_eq "$(storage_containers)" "$before" "storage containers"
	expect_no_container_leftovers
}

@test "run --rm leaves nothing when the container is killed by a signal" {
	local before out=$BATS_TEST_TMPDIR/out
	before=$(storage_containers)
	husk_bg "$out" run --rm --name rm-killed "$R/busybox" sh -c 'echo ready; exec sleep 2718'
	wait_for_line "$out" '^ready$'
	local id pid
	id=$(container_id rm-killed)
	expect_match "$id" "$HEX64" "ID of the running container"
	pid=$(pgrep -u "$(id -u)" -xf 'sleep 2718') || die "no container process"
	# While it runs, the helpers do see it (they are not blind).
	[[ -n $(user_mounts_with "$id") ]] || die "no mount names the running container $id"
	[[ -n $(ls -A "$(runc_state_dir)") ]] || die "no runtime state for the running container"
	kill -KILL "$pid"
	wait_bg "$HUSK_BG_PID"
	expect_eq "$status" 137 "husk's exit code"
	expect_container_gone rm-killed
	expect_container_gone "$id"
	expect_eq "$(storage_containers)" "$before" "storage containers"
	expect_eq "$(user_pids_with "$id")" "" "processes naming the container"
	expect_eq "$(user_mounts_with "$id")" "" "mounts naming the container"
	expect_no_container_leftovers
}

@test "run --rm leaves nothing when husk is stopped by SIGTERM and the container exits on it" {
	local before out=$BATS_TEST_TMPDIR/out
	before=$(storage_containers)
	husk_bg "$out" run --rm --name rm-term "$R/busybox" sh -c 'trap "exit 0" TERM; echo ready; sleep 60 & wait'
	wait_for_line "$out" '^ready$'
	kill -TERM "$HUSK_BG_PID"
	wait_bg "$HUSK_BG_PID"
	expect_eq "$status" 0 "husk's exit code"
	expect_container_gone rm-term
	expect_eq "$(storage_containers)" "$before" "storage containers"
	expect_no_container_leftovers
}

@test "two containers run at the same time from one store" {
	local o1=$BATS_TEST_TMPDIR/1 o2=$BATS_TEST_TMPDIR/2 d=$BATS_TEST_TMPDIR/sync p1 p2
	mkdir -p "$d"
	# Each waits for the other to be up.
	husk_bg "$o1" run --rm -v "$d:/s" "$R/busybox" sh -c 'touch /s/1; i=0; while [ ! -e /s/2 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done; ls /s | paste -sd" "'
	p1=$HUSK_BG_PID
	husk_bg "$o2" run --rm -v "$d:/s" "$R/busybox" sh -c 'touch /s/2; i=0; while [ ! -e /s/1 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done; ls /s | paste -sd" "'
	p2=$HUSK_BG_PID
	wait_bg "$p1"
	expect_eq "$status" 0 "first run"
	wait_bg "$p2"
	expect_eq "$status" 0 "second run"
	expect_eq "$(cat "$o1")" "1 2" "first container saw both"
	expect_eq "$(cat "$o2")" "1 2" "second container saw both"
	expect_no_container_leftovers
}

@test "after husk run itself is killed with SIGKILL, rm -f cleans the orphaned container up" {
	local out=$BATS_TEST_TMPDIR/out id
	husk_bg "$out" run --rm --name orphan "$R/busybox" sh -c 'echo ready; exec sleep 4343'
	wait_for_line "$out" '^ready$'
	id=$(container_id orphan)
	kill -KILL "$HUSK_BG_PID"
	wait_bg "$HUSK_BG_PID"
	expect_eq "$status" 137 "exit code of the killed husk"
	run_husk rm -f orphan
	expect_eq "$output" orphan
	expect_container_gone "$id"
	expect_eq "$(pgrep -u "$(id -u)" -xf 'sleep 4343' || true)" "" "the container's process"
	expect_eq "$(user_mounts_with "$id")" "" "mounts naming the container"
	expect_no_container_leftovers
}
