#!/usr/bin/env bats
# husk mount / unmount / unshare, images hiding a build's intermediate
# images, ps --external (containers that are not husk's: a build's working
# containers) and what an interrupted build leaves: nothing, once the next
# command has listed or checked. Rootless, as the test user.

load helpers

setup_file() {
	husk_setup_run_file busybox
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	export CTX=$BATS_FILE_TMPDIR/ctx
	mkdir -p "$CTX/slow" "$CTX/steps"
	printf 'FROM %s\nRUN echo STEP-STARTED && exec sleep 3301\n' "$R/busybox" >"$CTX/slow/Containerfile"
	printf 'x\n' >"$CTX/steps/f"
	printf 'FROM %s\nRUN echo one >/one\nCOPY f /f\nRUN echo two >/two\nLABEL a=b\n' "$R/busybox" >"$CTX/steps/Containerfile"
}

teardown() {
	[[ -n ${HUSK_SKIP_REASON:-} ]] || "$HUSK" rm -a -f >/dev/null 2>&1 || true
}

# in_ns CMD...: run a shell command line inside husk unshare.
in_ns() { "$HUSK" unshare sh -c "$*"; }

@test "mount outside husk unshare is refused as podman does; the bare listing is not" {
	run_husk create --name m0 "$R/busybox" true
	run_husk 125 mount m0
	expect_eq "$stderr" 'husk: cannot run command "husk mount" in rootless mode, must execute `husk unshare` first'
	run_husk 125 mount --format json
	expect_one_error_line
	run_husk mount
	expect_eq "$output" ""
	run_husk unmount m0
	expect_eq "$output" "m0"
}

@test "unshare: root in husk's namespace, the store's paths, the command's exit code, 127 for a missing one, a shell by default" {
	run_husk unshare id -u
	expect_eq "$output" "0"
	run_husk unshare sh -c 'echo "$CONTAINERS_GRAPHROOT"'
	expect_eq "$output" "$XDG_DATA_HOME/husk/storage"
	run_husk 3 unshare sh -c 'exit 3'
	run_husk_127 unshare no-such-command-here
	expect_eq "$status" 127
	expect_contains "$stderr" "no-such-command-here"
	run --separate-stderr env SHELL=/bin/sh "$HUSK" unshare <<<'echo shell:$0'
	expect_eq "$output" "shell:/bin/sh"
	# Flags after the command are the command's.
	run_husk unshare ls -d /
	expect_eq "$output" "/"
}

@test "mount inside unshare: the path shows the container's files there and only there; counts follow mount, run, unmount and rm" {
	run_husk create --name m1 "$R/busybox" sleep 60
	run_husk unshare sh -c "p=\$(\"$HUSK\" mount m1) && echo \$p && cat \$p/bin/busybox >/dev/null && echo readable"
	expect_eq "${lines[1]}" "readable"
	local path=${lines[0]}
	expect_match "$path" "/overlay/[0-9a-f]{64}/merged$"
	[[ ! -e $path/bin ]] || die "the mount is visible outside husk's namespace"
	# Listed, with podman's columns and JSON keys.
	run_husk mount
	expect_match "$output" "^[0-9a-f]{12}  $path$"
	run_husk unshare "$HUSK" mount --format json
	expect_eq "$(json 'd[0]["Names"][0]')" "m1"
	expect_eq "$(json 'd[0]["mountpoint"]')" "$path"
	# A mounted container starts, runs and stops; it stays mounted after.
	run_husk start m1
	run_husk exec m1 cat /proc/1/cmdline
	run_husk stop -t 0 m1
	run_husk mount
	expect_contains "$output" "$path"
	# Two mounts, two unmounts; the file system goes with the last.
	run_husk unshare "$HUSK" mount m1
	run_husk unmount m1
	run_husk mount
	expect_contains "$output" "$path"
	run_husk unmount m1
	expect_eq "$output" "m1"
	run_husk mount
	expect_eq "$output" ""
	expect_eq "$(in_ns "grep -c ' $path ' /proc/self/mountinfo")" "0" "mounts of $path"
	# rm of a mounted container unmounts it.
	run_husk unshare "$HUSK" mount m1
	run_husk unshare "$HUSK" mount m1
	run_husk rm m1
	expect_eq "$(in_ns "grep -c ' $path ' /proc/self/mountinfo")" "0" "mounts of $path after rm"
}

@test "unmount: a running container keeps the mount its run holds; -f takes back the others; -a every mounted one" {
	run_husk run -d --name m2 "$R/busybox" sleep 60
	run_husk 125 unmount m2
	expect_contains "$stderr" "running"
	run_husk unshare sh -c "\"$HUSK\" mount m2 && \"$HUSK\" mount m2"
	run_husk unmount -f m2
	run_husk exec m2 ls /bin/busybox
	run_husk create --name m3 "$R/busybox" true
	run_husk unshare "$HUSK" mount m3
	run_husk unmount -a
	expect_eq "$output" "$("$HUSK" container inspect --format '{{.ID}}' m3)"
	run_husk exec m2 ls /bin/busybox
	run_husk mount
	expect_not_contains "$output" "$("$HUSK" container inspect --format '{{.ID}}' m3 | cut -c1-12)"
}

@test "images hides a build's intermediate images unless -a; rmi takes them with the image; image prune takes those that become dangling" {
	use_store steps
	"$HUSK" pull -q "$R/busybox" >/dev/null
	run_husk build -q -t localhost/steps "$CTX/steps"
	local first=$output
	run_husk images -q --no-trunc
	expect_eq "$(wc -l <<<"$output")" "2" "images without -a"
	run_husk images -a -q --no-trunc
	expect_eq "$(wc -l <<<"$output")" "5" "images with -a (busybox, 3 steps, the image)"
	run_husk images --format json
	expect_eq "$(json '[i for i in d if i["Dangling"]]')" "[]" "dangling images"
	# A changed COPY source: the old image loses its name and is dangling,
	# with the intermediate images that led to it from the COPY on.
	printf 'y\n' >"$CTX/steps/f"
	run_husk build -q -t localhost/steps "$CTX/steps"
	printf 'x\n' >"$CTX/steps/f"
	run_husk images -q --no-trunc
	expect_eq "$(wc -l <<<"$output")" "3" "images: busybox, steps and the old one"
	expect_contains "$output" "$first"
	run_husk image prune -f
	# The old image, its RUN step and its COPY step; the first RUN step is
	# the new image's parent too.
	expect_eq "$(wc -l <<<"$output")" "3" "pruned"
	expect_contains "$output" "$first"
	run_husk images -a -q --no-trunc
	expect_eq "$(wc -l <<<"$output")" "5" "images with -a after prune"
	run_husk rmi localhost/steps
	expect_eq "$(grep -c '^Deleted: ' <<<"$output")" "4" "deleted by rmi"
	run_husk images -a -q
	expect_eq "$(wc -l <<<"$output")" "1" "images left"
	run_husk system check
}

# start_slow_build OUT: a build whose RUN step sleeps, started in the
# background; returns once the step runs (HUSK_BG_PID is the builder).
start_slow_build() {
	husk_bg "$1" build -t localhost/slow "$CTX/slow"
	wait_for_line "$1" '^STEP-STARTED$' 60
}

# build_leftovers: what of a build exists besides the image: its account,
# network attachment, RUN process, working container.
build_leftovers() {
	ls -A "$XDG_DATA_HOME/husk/storage/husk-builds" 2>/dev/null
	ls -A "$XDG_RUNTIME_DIR/husk/storage/husk-netns" 2>/dev/null | grep '^build-' || true
	user_pids_with "sleep 3301"
	user_pids_with "$XDG_RUNTIME_DIR/husk/storage/husk-netns/build-"
	"$HUSK" ps -a --external --format '{{.Names}}' 2>&1
}

@test "ps --external shows a running build's working container (Storage, buildah); rm refuses it while mounted" {
	use_store ext
	"$HUSK" pull -q "$R/busybox" >/dev/null
	start_slow_build "$BATS_TEST_TMPDIR/out"
	run_husk ps -a --external
	expect_match "${lines[1]}" "^[0-9a-f]{12} +$R/busybox:latest +buildah +.* +Storage +[^ ]+-build-[0-9a-f]{12}$"
	run_husk ps -a
	expect_eq "${#lines[@]}" "1" "husk ps -a without --external"
	run_husk ps -a --external --format json
	expect_eq "$(json 'd[0]["State"]')" "storage"
	local name
	name=$(json 'd[0]["Names"][0]') # a list, as podman's
	run_husk 125 rm "$name"
	expect_contains "$stderr" "mounted"
	run_husk system check
	kill_and_wait "$HUSK_BG_PID"
	wait "$HUSK_BG_PID" 2>/dev/null || true
	run_husk ps -a --external -q
	expect_eq "$output" ""
}

@test "rm and rm -f remove a container that is not husk's (buildah's, made in husk's store)" {
	need_cmd buildah
	use_store buildah
	"$HUSK" pull -q "$R/busybox" >/dev/null
	local b="buildah --root $XDG_DATA_HOME/husk/storage --runroot $XDG_RUNTIME_DIR/husk/storage --storage-driver overlay"
	run_husk unshare sh -c "$b from --name wc1 $R/busybox && $b from --name wc2 $R/busybox && $b mount wc2"
	run_husk ps -a --external --format '{{.Names}} {{.Command}} {{.Status}}'
	expect_eq "$output" "wc1 buildah Storage
wc2 buildah Storage"
	run_husk system check
	expect_eq "$output" "No problems found"
	run_husk rm wc1
	expect_eq "$output" "wc1"
	run_husk 125 rm wc2
	run_husk rm -f wc2
	run_husk ps -a --external -q
	expect_eq "$output" ""
	run_husk system check
}

@test "a build killed with SIGKILL in a RUN step leaves nothing once husk ps has listed: no container, process, network, image; system check clean" {
	use_store kill
	"$HUSK" pull -q "$R/busybox" >/dev/null
	local before
	before=$(image_ids)
	start_slow_build "$BATS_TEST_TMPDIR/out"
	[[ -n $(build_leftovers) ]] || die "the running build shows nothing to clean up"
	kill_and_wait "$HUSK_BG_PID"
	wait "$HUSK_BG_PID" 2>/dev/null || true
	run_husk ps -a --external
	expect_eq "${#lines[@]}" "1" "ps -a --external after the kill"
	expect_eq "$(build_leftovers)" "" "build leftovers"
	expect_eq "$(image_ids)" "$before" "images"
	expect_eq "$(in_ns "grep -c husk-builds /proc/self/mountinfo")" "0" "mounts of the build's files"
	run_husk system check
	expect_eq "$output" "No problems found"
	# And the same found by system check alone, then the next build works.
	start_slow_build "$BATS_TEST_TMPDIR/out2"
	kill_and_wait "$HUSK_BG_PID"
	wait "$HUSK_BG_PID" 2>/dev/null || true
	run_husk system check
	expect_eq "$output" "No problems found"
	expect_eq "$(build_leftovers)" "" "build leftovers after system check"
	run_husk build -q -t localhost/after "$CTX/steps"
}

@test "a build interrupted with SIGINT in a RUN step stops at once and removes all of it itself" {
	use_store int
	"$HUSK" pull -q "$R/busybox" >/dev/null
	local before
	before=$(image_ids)
	start_slow_build "$BATS_TEST_TMPDIR/out"
	kill -INT "$HUSK_BG_PID"
	# Well before the step's sleep ends.
	wait_bg "$HUSK_BG_PID" 20
	[[ $status -ne 0 ]] || die "the interrupted build succeeded"
	expect_contains "$(cat "$BATS_TEST_TMPDIR/out")" "husk: build interrupted"
	# Nothing left even before any listing.
	expect_eq "$(ls -A "$XDG_DATA_HOME/husk/storage/husk-builds")" "" "build accounts"
	expect_eq "$(user_pids_with "sleep 3301")" "" "RUN processes"
	expect_eq "$(build_leftovers)" "" "build leftovers"
	expect_eq "$(image_ids)" "$before" "images"
	run_husk system check
	expect_eq "$output" "No problems found"
}
