#!/usr/bin/env bats
# User-namespace edge cases that need other users than the test user: a
# user without subordinate ids, one with overlapping ranges, and broken or
# missing XDG_RUNTIME_DIR. Runs as ROOT (it switches users with runuser);
# the rootless run skips it. test/setup/setup.sh creates the users
# (husknosub, huskoverlap). Invoke as root, e.g. from the staged copy:
#
#   HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
#       bats --tap "$STAGE/bats/root-userns.bats"
#
# (HUSK defaults to ../husk or ../../bin/husk, HUSK_TEST_REGISTRY to what
# test/setup/registry.sh addr says when the file runs from the checkout.)

load helpers

NOSUB=husknosub
OVERLAP=huskoverlap
NORMAL=${HUSK_TEST_USER:-husktest}

# has_subids USER FILE: USER (by name or uid) has an entry in FILE.
has_subids() {
	awk -F: -v u="$1" -v id="$(id -u "$1")" '$1 == u || $1 == id { f = 1 } END { exit !f }' "$2"
}

# root_problem: why this file cannot run here, or nothing.
root_problem() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "needs root (runs husk as $NOSUB and $OVERLAP through runuser): run this file as root, see its header"
		return
	fi
	local u
	for u in "$NOSUB" "$OVERLAP" "$NORMAL"; do
		id -u "$u" >/dev/null 2>&1 || {
			echo "needs the user $u (run test/setup/setup.sh)"
			return
		}
	done
	if has_subids "$NOSUB" /etc/subuid || has_subids "$NOSUB" /etc/subgid; then
		echo "needs $NOSUB without entries in /etc/subuid and /etc/subgid (run test/setup/setup.sh)"
		return
	fi
	if [[ $(awk -F: -v u="$OVERLAP" '$1 == u' /etc/subuid | wc -l) -lt 2 ]]; then
		echo "needs two overlapping ranges for $OVERLAP in /etc/subuid (run test/setup/setup.sh)"
		return
	fi
	if ! has_subids "$NORMAL" /etc/subuid; then
		echo "needs subordinate ids for $NORMAL (run test/setup/setup.sh)"
		return
	fi
	test_env_problem
}

setup_file() {
	root_setup_file || return 0

	# Everything the users touch lives in one directory they can reach
	# (the checkout and bats' temporary directory may not be).
	export USERNS_DIR
	USERNS_DIR=$(mktemp -d /var/tmp/husk-root-userns.XXXXXX)
	chmod 0755 "$USERNS_DIR"
	install -m 0755 "$HUSK" "$USERNS_DIR/husk"
	# Its transfer helper (pull, push, ...) lives beside it.
	install -m 0755 "$(dirname "$(readlink -f "$HUSK")")/husk-transfer" "$USERNS_DIR/husk-transfer"
	local u
	for u in "$NOSUB" "$OVERLAP" "$NORMAL"; do
		mkdir -p "$USERNS_DIR/$u/config/containers" "$USERNS_DIR/$u/data" "$USERNS_DIR/$u/run" "$USERNS_DIR/$u/tmp"
		cat >"$USERNS_DIR/$u/config/containers/registries.conf" <<EOF
unqualified-search-registries = ["$HUSK_TEST_REGISTRY"]

[[registry]]
location = "$HUSK_TEST_REGISTRY"
insecure = true
EOF
		chown -R "$u:$(id -g "$u")" "$USERNS_DIR/$u"
		chmod 0700 "$USERNS_DIR/$u" "$USERNS_DIR/$u/run"
	done
	# A runtime directory that is not the user's.
	install -d -m 0700 -o root -g root "$USERNS_DIR/root-owned-run"
}

teardown_file() {
	[[ -z ${HUSK_SKIP_REASON:-} && -n ${USERNS_DIR:-} ]] || return 0
	local u
	for u in "$NOSUB" "$NORMAL"; do
		as_user_env "$u" "$USERNS_DIR/$u/run" "$USERNS_DIR/husk" system reset -f >/dev/null 2>&1 || true
		# Tests that ran with the fallback runtime directory started a
		# pause process there: reset stops that one too.
		as_user_env "$u" - "$USERNS_DIR/husk" system reset -f >/dev/null 2>&1 || true
	done
	# The foreign cgroup of the exec test, if it failed half-way.
	local d
	for d in /sys/fs/cgroup/husk-bats-foreign /sys/fs/cgroup/unified/husk-bats-foreign; do
		[[ ! -d $d ]] || rmdir "$d" 2>/dev/null || true
	done
	# Root can remove whatever is left, subordinate owners included.
	# (husk's fallback runtime directories are under each user's TMPDIR.)
	rm -rf "$USERNS_DIR"
}

# as_user_env USER RUNTIME_DIR CMD...: run CMD as USER with a clean login
# environment and the user's private store; RUNTIME_DIR "-" leaves
# XDG_RUNTIME_DIR unset. TMPDIR is private too, so husk's fallback runtime
# directory (\$TMPDIR/husk-run-UID) is.
as_user_env() {
	local u=$1 rt=$2
	shift 2
	local -a env=(
		HOME="$(getent passwd "$u" | cut -d: -f6)" USER="$u" LOGNAME="$u"
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8
		XDG_DATA_HOME="$USERNS_DIR/$u/data" XDG_CONFIG_HOME="$USERNS_DIR/$u/config"
		TMPDIR="$USERNS_DIR/$u/tmp"
	)
	[[ $rt == - ]] || env+=(XDG_RUNTIME_DIR="$rt")
	# IN_CGROUP=DIR: the command starts in that cgroup (v2) instead of this
	# shell's.
	(
		cd "$USERNS_DIR" || exit
		[[ -z ${IN_CGROUP:-} ]] || echo "$BASHPID" >"$IN_CGROUP/cgroup.procs" || exit
		runuser -u "$u" -- env -i "${env[@]}" "$@"
	)
}

# run_as USER [--runtime-dir=DIR|--no-runtime-dir] [EXPECTED_RC] ARGS...:
# run_husk as another user.
run_as() {
	local u=$1 rt
	shift
	rt=$USERNS_DIR/$u/run
	case ${1:-} in
	--runtime-dir=*)
		rt=${1#--runtime-dir=}
		shift
		;;
	--no-runtime-dir)
		rt=-
		shift
		;;
	esac
	local expected=0
	if [[ $# -gt 0 && ($1 =~ ^[0-9]+$ || $1 == '?') ]]; then
		expected=$1
		shift
	fi
	run_expect "$expected" as_user_env "$u" "$rt" "$USERNS_DIR/husk" "$@"
}

@test "user without subordinate ids: pull works with one warning naming the single-id mapping and usermod" {
	run_as "$NOSUB" pull -q "$R/busybox"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	expect_eq "${#stderr_lines[@]}" 1 "stderr lines ($stderr)"
	expect_match "${stderr_lines[0]}" '^husk: warning: ' "warning"
	expect_contains "$stderr" "single-id" "warning"
	expect_contains "$stderr" "usermod" "warning"
	expect_contains "$stderr" "$NOSUB" "warning"

	run_as "$NOSUB" images --format '{{.Repository}}:{{.Tag}}'
	expect_eq "$output" "$R/busybox:latest" "images"
}

@test "user without subordinate ids: info shows the single-id mapping" {
	run_as "$NOSUB" info
	expect_contains "$output" "mapping: single-id"
	expect_contains "$output" "uid map: 0 $(id -u "$NOSUB") 1"
	# The warning came once, when the namespace was made (previous test);
	# info lists the fix among what to fix.
	expect_eq "${#stderr_lines[@]}" 0 "stderr lines ($stderr)"
	expect_contains "$output" "usermod --add-subuids"
	run_as "$NOSUB" info --format json
	expect_eq "$(json 'd["userns"]["mapping"]')" single-id mapping
	expect_eq "$(json 'd["userns"]["uidMap"]')" "0 $(id -u "$NOSUB") 1 ;" uidMap
}

@test "user without subordinate ids: pull multilayer (files of uid 1000) works; they belong to the user" {
	run_as "$NOSUB" pull -q "$R/multilayer"
	expect_eq "$output" "$(oci_image_id multilayer)" "image ID"
	run_as "$NOSUB" image inspect --format '{{len .RootFS.Layers}}' "$R/multilayer"
	expect_eq "$output" 4 "layers"
	run_as "$NOSUB" system check
	expect_eq "$output" "No problems found"

	local found=("$USERNS_DIR/$NOSUB"/data/husk/storage/overlay/*/diff/data/owned)
	if [[ -e ${found[0]} ]]; then
		expect_eq "$(stat -c %u:%g "${found[0]}")" "$(id -u "$NOSUB"):$(id -g "$NOSUB")" \
			"host owner of /data/owned (uid 1000 in the image, single-id mapping)"
		expect_eq "$(stat -c %a "${found[0]%/owned}/suid")" 4755 "mode of /data/suid"
	fi
}

@test "user without subordinate ids: -u 1000 and exec -u 1000 are 125 naming the single-id mapping, uid 0 and the usermod fix" {
	local args
	for args in "run --rm -u 1000" "create -u 1000" "run --rm -u 0:1000" "run --rm --userns keep-id -u 0"; do
		# shellcheck disable=SC2086
		run_as "$NOSUB" 125 $args "$R/busybox" true
		expect_one_error_line
		expect_contains "$stderr" "single-id mapping has only"
		expect_contains "$stderr" "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $NOSUB"
		expect_eq "$output" "" "stdout"
	done
	expect_contains "$stderr" "has only uid $(id -u "$NOSUB")" "keep-id maps only the user's own uid"
	run_as "$NOSUB" ps -a -q
	expect_eq "$output" "" "containers after the refusals"

	run_as "$NOSUB" run -d --name nosub-exec --network none "$R/busybox" sleep 300
	run_as "$NOSUB" 125 exec -u 1000 nosub-exec id
	expect_one_error_line
	expect_contains "$stderr" "single-id mapping has only uid 0"
	expect_contains "$stderr" "usermod"
	run_as "$NOSUB" exec -u 0 nosub-exec id -u
	expect_eq "$output" 0 "exec -u 0"
	run_as "$NOSUB" rm -f nosub-exec
}

@test "user with overlapping subordinate ranges: exit 125, one error naming /etc/subuid and the overlap" {
	run_as "$OVERLAP" 125 pull -q "$R/busybox"
	expect_one_error_line
	expect_contains "$stderr" "/etc/subuid"
	expect_contains "$stderr" "overlap"
	expect_eq "$output" "" "stdout"
	[[ ! -e $USERNS_DIR/$OVERLAP/data/husk/storage/overlay-images ]] ||
		die "the refused command created a store: $(ls "$USERNS_DIR/$OVERLAP/data/husk/storage")"
}

@test "XDG_RUNTIME_DIR owned by root: husk falls back to a private directory and warns once" {
	local rt=$USERNS_DIR/root-owned-run
	run_as "$NORMAL" --runtime-dir="$rt" pull -q "$R/busybox"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	expect_eq "${#stderr_lines[@]}" 1 "stderr lines ($stderr)"
	expect_match "${stderr_lines[0]}" '^husk: warning: ' "warning"
	expect_contains "$stderr" "XDG_RUNTIME_DIR" "warning"
	expect_contains "$stderr" "$rt" "warning"

	run_as "$NORMAL" --runtime-dir="$rt" info --format json
	expect_eq "$(json 'd["store"]["runRoot"]')" "$USERNS_DIR/$NORMAL/tmp/husk-run-$(id -u "$NORMAL")/husk/storage" "run root (in the fallback directory under TMPDIR)"
	expect_eq "$(ls -A "$rt")" "" "files husk wrote into the root-owned runtime dir"
}

@test "XDG_RUNTIME_DIR unset: husk works silently" {
	run_as "$NORMAL" --no-runtime-dir pull -q "$R/busybox"
	expect_eq "$output" "$(oci_image_id busybox)" "image ID"
	expect_eq "$stderr" "" "stderr"
	run_as "$NORMAL" --no-runtime-dir images -q --no-trunc
	expect_eq "$output" "sha256:$(oci_image_id busybox)" "images"
	expect_eq "$stderr" "" "stderr"
	run_as "$NORMAL" --no-runtime-dir info --format json
	expect_eq "$(json 'd["store"]["runRoot"]')" "$USERNS_DIR/$NORMAL/tmp/husk-run-$(id -u "$NORMAL")/husk/storage" "run root (in the fallback directory under TMPDIR)"
}

@test "exec from a shell outside the user's delegated cgroup: the process runs, with a warning naming both cgroups" {
	local deleg="" d
	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if [[ -d $d/husk-delegate-$NORMAL && $(stat -f -c %T "$d") == cgroup2fs ]]; then
			deleg=$d/husk-delegate-$NORMAL
			break
		fi
	done
	[[ -n $deleg ]] || skip "no cgroup v2 subtree delegated to $NORMAL (test/setup/setup.sh makes one)"
	local foreign=${deleg%/*}/husk-bats-foreign
	mkdir -p "$foreign"
	# The container is made from a session in the delegated subtree (it
	# gets a cgroup of its own there), exec comes from root's cgroup.
	IN_CGROUP=$deleg run_as "$NORMAL" run -d --name fx --network none "$R/busybox" sleep 300
	run_as "$NORMAL" inspect --format '{{.HuskState.Cgroup}}' fx
	local cg=$output
	expect_match "$cg" "^$deleg/" "the container's cgroup"

	IN_CGROUP=$foreign run_as "$NORMAL" exec fx echo ran
	expect_eq "$output" ran "exec's output"
	expect_contains "$stderr" "warning" "stderr"
	expect_contains "$stderr" "$foreign" "stderr names the shell's cgroup"
	expect_contains "$stderr" "$cg" "stderr names the container's cgroup"

	IN_CGROUP=$deleg run_as "$NORMAL" exec fx echo ran
	expect_eq "$stderr" "" "exec from the delegated subtree warns of nothing"
	IN_CGROUP=$deleg run_as "$NORMAL" rm -f fx
	rmdir "$foreign"
}
