#!/usr/bin/env bats
# Containers as services (issue 16): secrets (husk secret, run --secret),
# OCI hooks (hooks.d files, --hooks-dir) and --init, compared with podman
# 4.3.1 where podman can run the same command line (its own store, runc).

load helpers
load podman-compare

setup_file() {
	podman_compare_setup_file busybox
}

teardown_file() { podman_compare_teardown_file; }

teardown() {
	"$HUSK" rm -a -f -t 0 >/dev/null 2>&1 || true
	"$HUSK" secret rm -a >/dev/null 2>&1 || true
	if [[ -n ${PODMAN_DIR:-} && -z ${HUSK_SKIP_REASON:-} ]]; then
		pm rm -a -f -t 0 >/dev/null 2>&1 || true
		pm secret rm -a >/dev/null 2>&1 || true
	fi
}

# on_both_ok ARGS...: ARGS with husk and with podman; both must work.
on_both_ok() {
	"$HUSK" "$@" >/dev/null || die "husk $*"
	pm "$@" >/dev/null || die "podman $*"
}

# ---------------------------------------------------------------- secrets

@test "secret create, ls, inspect, exists, rm: podman's columns, keys and codes; never the value unless --showsecret" {
	printf 'hunter2' >"$BATS_TEST_TMPDIR/val"
	run_husk secret create --label team=ops s1 "$BATS_TEST_TMPDIR/val"
	expect_match "$output" '^[0-9a-f]{25}$' "the ID, as podman's"
	local id=$output
	run_husk secret create s2 - <<<"from-stdin"
	HUSKVAL=from-env run_husk secret create --env s3 HUSKVAL
	pm secret create --label team=ops s1 "$BATS_TEST_TMPDIR/val" >/dev/null
	pm secret create s2 - <<<"from-stdin" >/dev/null
	HUSKVAL=from-env pm secret create --env s3 HUSKVAL >/dev/null

	both secret ls
	expect_eq "$(header_of "$HUSK_OUT")" "$(header_of "$PM_OUT")" "secret ls header"
	expect_same secret ls --format '{{.Name}} {{.Driver}}'
	expect_same secret ls --noheading --filter name=s1 --format '{{.Name}}'
	expect_same secret ls --filter name=nomatch --format '{{.Name}}'
	run_husk secret ls -q
	expect_eq "${#lines[@]}" 3
	expect_contains "$output" "$id"
	run_husk secret ls --filter "id=$id" --format '{{.Name}}'
	expect_eq "$output" s1

	run_husk secret inspect s1
	local husk_shape pm_shape
	husk_shape=$(json_shape <<<"$output")
	expect_eq "$(json 'd[0]["Spec"]["Labels"]')" '{"team": "ops"}'
	expect_eq "$(json 'd[0]["Spec"]["Driver"]["Name"]')" file
	expect_not_contains "$output" hunter2 "secret inspect without --showsecret"
	pm_shape=$(pm secret inspect s1 | json_shape)
	expect_eq "$husk_shape" "$pm_shape" "secret inspect's keys"
	run_husk secret inspect --showsecret --format '{{.SecretData}}' s3
	expect_eq "$output" from-env "--showsecret, as later podman"
	run_husk secret inspect --format '{{.Spec.Name}}' "${id:0:8}"
	expect_eq "$output" s1 "an ID prefix"

	# The values are 0600 files of the store, as podman's.
	local dir=$XDG_DATA_HOME/husk/storage/secrets
	[[ $(stat -c %a "$dir/filedriver/$id") == 600 ]] || die "value file mode $(stat -c %a "$dir/filedriver/$id")"
	[[ $(stat -c %a "$dir/secrets.json") == 600 ]] || die "records mode $(stat -c %a "$dir/secrets.json")"
	expect_eq "$(cat "$dir/filedriver/$id")" hunter2
	! grep -q hunter2 "$dir/secrets.json" || die "the value is in the records"

	# exists is later podman's (4.3.1 has none): 0 or 1.
	run_husk secret exists s1
	run_husk 1 secret exists nosuch
	expect_eq "$stderr" ""

	run_husk secret rm s2
	expect_match "$output" '^[0-9a-f]{25}$'
	expect_same secret rm nosuch
	run_husk 125 secret rm nosuch
	expect_one_error_line
	expect_contains "$stderr" '"nosuch"'
	run_husk secret rm --ignore nosuch
	expect_eq "$output" ""
	run_husk secret rm -a
	expect_eq "${#lines[@]}" 2
	run_husk secret ls -q
	expect_eq "$output" ""
}

@test "secret create refuses what podman refuses: bad names, empty or huge values, a taken name, other drivers" {
	printf 'v' >"$BATS_TEST_TMPDIR/val"
	: >"$BATS_TEST_TMPDIR/empty"
	head -c 600000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	local n
	for n in a.b x "$(printf 'y%.0s' {1..64})"; do
		both secret create "$n" "$BATS_TEST_TMPDIR/val"
		[[ $HUSK_RC -eq 0 && $PM_RC -eq 0 ]] || die "name $n: husk $HUSK_RC, podman $PM_RC"
	done
	for n in 'a-' 'a b' 'a/b' "$(printf 'z%.0s' {1..65})"; do
		both secret create "$n" "$BATS_TEST_TMPDIR/val"
		[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "name '$n': husk $HUSK_RC, podman $PM_RC"
	done
	both secret create e "$BATS_TEST_TMPDIR/empty"
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "empty value: husk $HUSK_RC, podman $PM_RC"
	both secret create big "$BATS_TEST_TMPDIR/big"
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "600000 bytes: husk $HUSK_RC, podman $PM_RC"
	both secret create x "$BATS_TEST_TMPDIR/val"
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "a taken name: husk $HUSK_RC, podman $PM_RC"
	both secret create --env ev HUSK_NO_SUCH_VAR
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "an unset variable: husk $HUSK_RC, podman $PM_RC"
	run_husk 125 secret create --driver pass p "$BATS_TEST_TMPDIR/val"
	expect_one_error_line
	expect_contains "$stderr" "file driver only"
	run_husk 125 secret create p "$BATS_TEST_TMPDIR/nosuch"
	expect_one_error_line
}

@test "run --secret: a read-only file at /run/secrets/NAME (mode 0444) or TARGET with uid, gid, mode, as podman's" {
	printf 'hunter2' >"$BATS_TEST_TMPDIR/val"
	on_both_ok secret create s1 "$BATS_TEST_TMPDIR/val"
	expect_same run --rm --secret s1 "$R/busybox" sh -c 'stat -c "%a %u %g %s" /run/secrets/s1; cat /run/secrets/s1'
	expect_eq "$HUSK_OUT" "444 0 0 7
hunter2"
	expect_same run --rm --secret s1,target=/etc/app.key,uid=5,gid=6,mode=0400 "$R/busybox" stat -c "%a %u %g" /etc/app.key
	expect_eq "$HUSK_OUT" "400 5 6"
	expect_same run --rm --secret s1,target=other "$R/busybox" cat /run/secrets/other
	expect_same run --rm --secret s1,type=env,target=APP_KEY "$R/busybox" sh -c 'echo "$APP_KEY"'
	expect_eq "$HUSK_OUT" hunter2
	expect_same run --rm --secret s1,type=env "$R/busybox" sh -c 'echo "$s1"'
	# read-only: the container cannot change the copy (podman's is
	# writable by root; later podman, as husk, binds it read-only).
	run_husk 1 run --rm --secret s1 "$R/busybox" sh -c 'echo x >/run/secrets/s1'
	run_husk 125 run --rm --secret s1,type=env,mode=0400 "$R/busybox" true
	expect_one_error_line
	run_husk 125 run --rm --secret s1,type=bogus "$R/busybox" true
	expect_one_error_line
	both run --rm --secret nosuch "$R/busybox" true
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "a missing secret: husk $HUSK_RC, podman $PM_RC"
}

@test "a secret is not in inspect, commit or export: only the container sees it" {
	printf 'hunter2' >"$BATS_TEST_TMPDIR/val"
	run_husk secret create s1 "$BATS_TEST_TMPDIR/val"
	run_husk run --name c1 --secret s1 --secret s1,type=env,target=APP_KEY "$R/busybox" \
		sh -c 'cat /run/secrets/s1; echo; echo "$APP_KEY"; echo made >/made'
	expect_eq "$output" "hunter2
hunter2"
	run_husk container inspect c1
	expect_not_contains "$output" hunter2 "inspect"
	expect_eq "$(json 'd[0]["Config"]["Secrets"][0]["Name"]')" s1
	expect_eq "$(json 'd[0]["Config"]["Secrets"][0]["Mode"]')" 292
	expect_eq "$(json '[e for e in d[0]["Config"]["Env"] if e.startswith("APP_KEY")]')" "[]" "Config.Env, as podman hides it"
	pm secret create s1 "$BATS_TEST_TMPDIR/val" >/dev/null
	pm create --name c1 --secret s1,type=env,target=APP_KEY "$R/busybox" true >/dev/null
	[[ $(pm inspect c1 --format '{{json .Config.Env}}') != *hunter2* ]] || die "podman shows the value"
	run_husk commit -q c1 localhost/withsecret
	run_husk run --rm localhost/withsecret sh -c 'cat /made; cat /run/secrets/s1 2>/dev/null; echo "[$APP_KEY]"'
	expect_eq "$output" "made
[]" "the committed image has the container's change, not the secret"
	"$HUSK" export -o "$BATS_TEST_TMPDIR/c1.tar" c1
	! grep -a -q hunter2 "$BATS_TEST_TMPDIR/c1.tar" || die "the value is in export's tarball"
	tar -tf "$BATS_TEST_TMPDIR/c1.tar" | grep -qx made || die "export has no /made"
	run_husk image save -o "$BATS_TEST_TMPDIR/img.tar" localhost/withsecret
	! grep -a -q hunter2 "$BATS_TEST_TMPDIR/img.tar" || die "the value is in the image"
	run_husk rm c1
	run_husk rmi localhost/withsecret
}

@test "secret rm of a secret in use: removed, as podman 4.3.1; a file stays the container's copy, a variable cannot be set" {
	printf 'v1' >"$BATS_TEST_TMPDIR/val"
	printf 'v2' >"$BATS_TEST_TMPDIR/val2"
	on_both_ok secret create s1 "$BATS_TEST_TMPDIR/val"
	on_both_ok create --name c1 --secret s1 "$R/busybox" cat /run/secrets/s1
	on_both_ok create --name c2 --secret s1,type=env "$R/busybox" sh -c 'echo $s1'
	both secret rm s1
	[[ $HUSK_RC -eq 0 && $PM_RC -eq 0 ]] || die "secret rm of a secret in use: husk $HUSK_RC, podman $PM_RC"
	expect_same start -a c1
	expect_eq "$HUSK_OUT" v1 "the copy made at create"
	both start -a c2
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "start without the variable's secret: husk $HUSK_RC, podman $PM_RC"
	run_husk 125 start -a c2
	expect_one_error_line
	expect_contains "$stderr" '"s1"'
	# A secret made again under the name: a variable takes its value
	# (podman looks secrets up by name at start); the file stays the copy.
	on_both_ok secret create s1 "$BATS_TEST_TMPDIR/val2"
	expect_same start -a c1
	expect_eq "$HUSK_OUT" v1
	expect_same start -a c2
	expect_eq "$HUSK_OUT" v2
}

# ---------------------------------------------------------------- hooks

# hook_script: a hook that writes the state JSON from stdin to
# OUT/STAGE.json (its args: OUT STAGE), outside the container.
hook_script() {
	mkdir -p "$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/hook.sh" <<'EOF'
#!/bin/sh
cat >"$1/$2.json"
EOF
	chmod 0755 "$BATS_TEST_TMPDIR/hook.sh"
}

# hook_file DIR NAME STAGE [WHEN]: a hook file of version 1.0.0 that runs
# hook_script for STAGE when WHEN (JSON; default always).
hook_file() {
	mkdir -p "$1"
	cat >"$1/$2.json" <<EOF
{"version": "1.0.0",
 "hook": {"path": "$BATS_TEST_TMPDIR/hook.sh", "args": ["hook.sh", "$BATS_TEST_TMPDIR/out", "$3"]},
 "when": ${4:-{\"always\": true\}},
 "stages": ["$3"]}
EOF
}

@test "hooks: prestart, createRuntime, poststart and poststop hooks run at their stages with the state on stdin" {
	hook_script
	local d=$BATS_TEST_TMPDIR/hooks.d
	hook_file "$d" 01-prestart prestart
	hook_file "$d" 02-create createRuntime
	hook_file "$d" 03-poststart poststart
	hook_file "$d" 04-poststop poststop
	run_husk --hooks-dir "$d" run --name h1 "$R/busybox" true
	local id
	id=$("$HUSK" container inspect --format '{{.Id}}' h1)
	local out=$BATS_TEST_TMPDIR/out
	output=$(cat "$out/prestart.json")
	expect_eq "$(json 'd["id"]')" "$id" "prestart's state"
	expect_eq "$(json 'd["status"]')" creating "prestart's state"
	expect_eq "$(json 'd["annotations"]["io.husk.container.name"]')" h1
	output=$(cat "$out/createRuntime.json")
	expect_eq "$(json 'd["status"]')" creating "createRuntime's state"
	output=$(cat "$out/poststart.json")
	expect_eq "$(json 'd["id"]')" "$id" "poststart's state"
	output=$(cat "$out/poststop.json")
	expect_eq "$(json 'd["status"]')" stopped "poststop's state"
	run_husk container inspect --format '{{json .Config.Annotations}}' h1
	run_husk rm h1

	# run -d, then stop: poststop runs when the container ends.
	rm -f "$out"/*.json
	run_husk --hooks-dir "$d" run -d --name h2 "$R/busybox" sleep 1000
	[[ -f $out/prestart.json && ! -f $out/poststop.json ]] || die "before stop: $(ls "$out")"
	run_husk stop -t 0 h2
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -f $out/poststop.json ]] && break
		sleep 0.1
	done
	output=$(cat "$out/poststop.json") || die "no poststop after stop"
	expect_eq "$(json 'd["status"]')" stopped
	run_husk rm h2
	expect_no_container_leftovers
}

@test "hooks: when.commands, when.annotations (--annotation) and when.hasBindMounts select containers" {
	hook_script
	local d=$BATS_TEST_TMPDIR/hooks.d out=$BATS_TEST_TMPDIR/out
	hook_file "$d" cmd createRuntime '{"commands": ["^/?(bin/)?true$"]}'
	hook_file "$d" ann poststart '{"annotations": {"^com\\.example\\.hook$": "^y"}}'
	hook_file "$d" binds poststop '{"hasBindMounts": true}'
	run_husk --hooks-dir "$d" run --rm "$R/busybox" echo hi
	expect_eq "$(ls "$out")" "" "no condition matches echo without an annotation or mount"
	run_husk --hooks-dir "$d" run --rm "$R/busybox" true
	expect_eq "$(ls "$out")" createRuntime.json "the command matches"
	rm -f "$out"/*
	run_husk --hooks-dir "$d" run --rm --annotation com.example.hook=yes "$R/busybox" echo hi
	expect_eq "$(ls "$out")" poststart.json "the annotation matches"
	rm -f "$out"/*
	run_husk --hooks-dir "$d" run --rm --annotation com.example.hook=no "$R/busybox" echo hi
	expect_eq "$(ls "$out")" "" "the annotation's value does not match"
	mkdir -p "$BATS_TEST_TMPDIR/data"
	run_husk --hooks-dir "$d" run --rm -v "$BATS_TEST_TMPDIR/data:/data" "$R/busybox" echo hi
	expect_eq "$(ls "$out")" poststop.json "a bind mount"
	rm -f "$out"/*
	run_husk --hooks-dir "$d" run --rm --tmpfs /data "$R/busybox" echo hi
	expect_eq "$(ls "$out")" "" "a tmpfs is no bind mount"
}

@test "hooks: the user's hooks.d is read by default; --hooks-dir replaces it; a later directory's file of the same name wins" {
	hook_script
	local out=$BATS_TEST_TMPDIR/out
	hook_file "$XDG_CONFIG_HOME/containers/oci/hooks.d" user poststop
	run_husk run --rm "$R/busybox" true
	expect_eq "$(ls "$out")" poststop.json "the user's hooks.d (rootless)"
	rm -f "$out"/*
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	run_husk --hooks-dir "$BATS_TEST_TMPDIR/empty" run --rm "$R/busybox" true
	expect_eq "$(ls "$out")" "" "--hooks-dir replaces the defaults"
	hook_file "$BATS_TEST_TMPDIR/d1" same prestart
	hook_file "$BATS_TEST_TMPDIR/d2" same poststart
	run_husk --hooks-dir "$BATS_TEST_TMPDIR/d1" --hooks-dir "$BATS_TEST_TMPDIR/d2" run --rm "$R/busybox" true
	expect_eq "$(ls "$out")" poststart.json "d2's same.json overrides d1's"
	rm -rf "$XDG_CONFIG_HOME/containers/oci"
}

@test "hooks: a malformed hook file, an unknown version or stage, a missing program: 125 naming the file" {
	hook_script
	local d=$BATS_TEST_TMPDIR/bad
	mkdir -p "$d"
	echo '{"version": "1.0.0", "hook": ' >"$d/broken.json"
	run_husk 125 --hooks-dir "$d" run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "$d/broken.json"
	rm "$d/broken.json"
	hook_file "$d" v2 prestart
	sed -i 's/"1.0.0"/"2.0.0"/' "$d/v2.json"
	run_husk 125 --hooks-dir "$d" run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "$d/v2.json"
	expect_contains "$stderr" '"2.0.0"'
	rm "$d/v2.json"
	hook_file "$d" stage teardown
	run_husk 125 --hooks-dir "$d" run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "$d/stage.json"
	rm "$d/stage.json"
	hook_file "$d" prog prestart
	sed -i "s|$BATS_TEST_TMPDIR/hook.sh|/no/such/hook|" "$d/prog.json"
	run_husk 125 --hooks-dir "$d" run --rm "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "$d/prog.json"
	expect_eq "$(storage_containers)" "" "nothing is left of the refused container"
	echo 'not a hook' >"$d/README"
	rm "$d/prog.json"
	run_husk --hooks-dir "$d" run --rm "$R/busybox" true
}

# ---------------------------------------------------------------- --init

# need_init: skip without an init husk finds.
need_init() {
	[[ -x /usr/libexec/podman/catatonit ]] || command -v catatonit >/dev/null || command -v tini >/dev/null ||
		skip "needs catatonit or tini (apt-get install catatonit)"
}

@test "--init: the init is PID 1 at /run/podman-init with the command as its child, as podman's" {
	need_init
	expect_same run --rm --init "$R/busybox" sh -c 'tr "\0" " " </proc/1/cmdline'
	expect_eq "$HUSK_OUT" '/run/podman-init -- sh -c tr "\0" " " </proc/1/cmdline '
	expect_same run --rm --init "$R/busybox" sh -c 'echo $PPID'
	expect_eq "$HUSK_OUT" 1 "the command is the init's child"
	run_husk run --rm --init "$R/busybox" sh -c 'grep " /run/podman-init " /proc/mounts'
	expect_match "$output" ' ro[ ,]' "the init is bound read-only"
	run_husk create --name i1 --init "$R/busybox" true
	run_husk container inspect --format '{{.HostConfig.Init}}' i1
	expect_eq "$output" true
	run_husk create --name i2 "$R/busybox" true
	run_husk container inspect --format '{{.HostConfig.Init}}' i2
	expect_eq "$output" false
	both run --rm --init "$R/busybox" sh -c 'exit 7'
	[[ $HUSK_RC -eq 7 && $PM_RC -eq 7 ]] || die "the command's exit code: husk $HUSK_RC, podman $PM_RC"
	both run --rm --init "$R/busybox" sh -c 'kill -KILL $$'
	[[ $HUSK_RC -eq 137 && $PM_RC -eq 137 ]] || die "a command killed by a signal: husk $HUSK_RC, podman $PM_RC"
}

@test "--init: stop's signal reaches the command (sleep as PID 1 would ignore it until the timeout)" {
	need_init
	run_husk run -d --init --name i1 "$R/busybox" sleep 1000
	# Stop only once the init started the command: a SIGTERM before that
	# ends the init alone, with 0 (seen under load).
	local i
	for ((i = 0; i < 100; i++)); do
		"$HUSK" exec i1 ps -o args 2>/dev/null | grep -q '^sleep 1000' && break
		sleep 0.1
	done
	((i < 100)) || die "the init did not start sleep 1000"
	local start=$SECONDS
	run_husk stop -t 30 i1
	((SECONDS - start < 15)) || die "stop took $((SECONDS - start)) s: the init did not forward SIGTERM"
	expect_eq "$stderr" "" "no warning about a SIGKILL"
	run_husk container inspect --format '{{.State.ExitCode}}' i1
	expect_eq "$output" 143
	run_husk rm i1
	expect_no_container_leftovers
}

# zombies CTR: how many of the container's processes are zombies, once
# the orphan sleep has ended (bounded by iterations).
zombies() {
	local i out
	for ((i = 0; i < 100; i++)); do
		out=$("$HUSK" exec "$1" ps -o stat,args)
		grep -Eq '^S +sleep 0\.2' <<<"$out" || break
		sleep 0.1
	done
	grep -c '^Z' <<<"$out" || true
}

@test "--init reaps orphans; without it a PID 1 that does not wait leaves them zombies" {
	need_init
	local cmd='(sleep 0.2 &); exec sleep 1000'
	run_husk run -d --init --name i1 "$R/busybox" sh -c "$cmd"
	run_husk run -d --name n1 "$R/busybox" sh -c "$cmd"
	expect_eq "$(zombies i1)" 0 "zombies under --init"
	expect_eq "$(zombies n1)" 1 "zombies without --init (the test's control)"
	run_husk rm -f -t 0 i1 n1
}

@test "--init without an init binary: 125 saying what to install or --init-path" {
	both run --rm --init --init-path /no/such/init "$R/busybox" true
	[[ $HUSK_RC -eq 125 && $PM_RC -eq 125 ]] || die "husk $HUSK_RC, podman $PM_RC"
	run_husk 125 run --rm --init --init-path /no/such/init "$R/busybox" true
	expect_one_error_line
	expect_contains "$stderr" "--init-path"
	expect_eq "$(storage_containers)" "" "nothing is created"
	# --init-path chooses the binary (catatonit under another name).
	local cat
	cat=$(command -v catatonit) || skip "needs catatonit (apt-get install catatonit)"
	cp "$cat" "$BATS_TEST_TMPDIR/my-init"
	run_husk run --rm --init --init-path "$BATS_TEST_TMPDIR/my-init" "$R/busybox" sh -c 'echo $PPID'
	expect_eq "$output" 1
}
