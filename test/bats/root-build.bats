#!/usr/bin/env bats
# husk build as ROOT (root mode, a private store under this file's temp
# dir): a subset of the corpus under test/build, and interop with Debian's
# podman and skopeo: an image husk built is pushed to the test registry,
# skopeo inspect shows the labels, env, entrypoint and history husk wrote,
# and podman runs it; an image podman built and pushed is husk's base. Also
# a context file only root can read, built as the test user. The rootless
# run skips it. Invoke as root, e.g. from the staged copy:
#
#   HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
#       bats --tap "$STAGE/bats/root-build.bats"

load helpers
load build-helpers

TEST_USER=${HUSK_TEST_USER:-husktest}

root_problem() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "needs root (husk build in root mode): run this file as root, see its header"
		return
	fi
	test_env_problem
}

setup_file() {
	root_setup_file || return 0
	husk_with_store "$BATS_FILE_TMPDIR/root" "$BATS_FILE_TMPDIR/run"
	build_base --tls-verify=false
	"$HUSK" run --rm localhost/busybox true 2>/dev/null
}

setup() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || skip "$HUSK_SKIP_REASON"
}

teardown_file() {
	[[ -z ${HUSK_SKIP_REASON:-} ]] || return 0
	"$HUSK" system reset -f >/dev/null 2>&1 || true
	if [[ -d $BATS_FILE_TMPDIR/podman ]]; then
		podman_cmd system reset -f >/dev/null 2>&1 || true
	fi
}

# podman_cmd ARGS...: Debian's podman with a root store of its own in this
# file's temp dir (vfs, runc: crun refuses hybrid cgroups here). Its runs
# set low nofile and nproc limits: root here lacks CAP_SYS_RESOURCE, and
# podman would raise them (runc: "error setting rlimit type 7"), even with
# --ulimit host.
podman_cmd() {
	podman --root "$BATS_FILE_TMPDIR/podman" --runroot "$BATS_FILE_TMPDIR/podman-run" \
		--storage-driver vfs --runtime runc "$@"
}

# ---------------------------------------------------------------- the corpus, as root

@test "root corpus: config instructions, --label, --annotation" {
	build_case config --tls-verify=false
}

@test "root corpus: --format docker (HEALTHCHECK, SHELL, ONBUILD)" {
	build_case docker-format
}

@test "root corpus: FROM scratch, COPY --from" {
	build_case scratch
}

@test "root corpus: multi-stage with ARGs" {
	build_case multistage
}

@test "root corpus: RUN --mount cache, bind, secret, tmpfs" {
	build_case run-mounts
}

@test "root corpus: COPY/ADD options" {
	build_case copy-opts
}

@test "root corpus: heredocs" {
	build_case heredoc
}

@test "root corpus: --network private" {
	build_case network-private
}

@test "root corpus: --squash" {
	build_case squash
}

@test "root corpus: multi-stage from the Debian image, dpkg in RUN" {
	[[ -f $HUSK_TEST_IMAGES/debian/index.json ]] ||
		skip "no Debian image in $HUSK_TEST_IMAGES (test/setup/push-images.sh makes it with debootstrap)"
	build_case dpkg --tls-verify=false
}

# ---------------------------------------------------------------- interop

@test "interop: husk builds and pushes; skopeo inspect shows its labels, env, entrypoint and history; podman runs it" {
	need_cmd skopeo
	build_case config
	local ref=$R/build-interop:root
	run_husk tag "$IMG" "$ref"
	run_husk push -q --tls-verify=false "$ref"
	run_expect 0 skopeo inspect --tls-verify=false "docker://$ref"
	expect_eq "$(json 'd["Labels"]["org.example.title"]')" "husk build corpus" "skopeo: LABEL"
	expect_eq "$(json 'd["Labels"]["org.example.flag"]')" from-flag "skopeo: --label"
	expect_contains "$(json 'd["Env"]')" '"B=two words"' "skopeo: ENV"
	run_expect 0 skopeo inspect --tls-verify=false --config "docker://$ref"
	expect_eq "$(json 'd["config"]["Entrypoint"]')" '["/bin/sh", "-c"]' "skopeo --config: ENTRYPOINT"
	expect_eq "$(json 'd["config"]["Cmd"]')" '["echo from-cmd; id -u"]' "skopeo --config: CMD"
	expect_eq "$(json 'd["config"]["User"]')" 1000:1000 "skopeo --config: USER"
	local hist
	hist=$(json '[h.get("created_by", "") for h in d["history"]]')
	expect_contains "$hist" "ENV A=1" "skopeo --config: history"
	expect_contains "$hist" "/bin/sh -c mkdir -p /data /logs" "skopeo --config: history"
	expect_contains "$hist" "STOPSIGNAL SIGUSR1" "skopeo --config: history"
	command -v podman >/dev/null || skip "podman is not installed (test/setup/setup.sh installs it)"
	run_expect 0 podman_cmd run --rm --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --tls-verify=false "$ref"
	expect_eq "$output" "from-cmd
1000" "podman run of husk's image"
	run_expect 0 podman_cmd run --rm --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --tls-verify=false --entrypoint sh "$ref" -c 'cat /workdir-at-build; echo "$D"'
	expect_eq "$output" "/work/sub
1-3" "podman run: husk's layer and env"
}

@test "interop: the docker-format image keeps HEALTHCHECK through the registry" {
	need_cmd skopeo
	build_case docker-format
	local ref=$R/build-interop:docker
	run_husk tag "$IMG" "$ref"
	run_husk push -q --tls-verify=false "$ref"
	run_expect 0 skopeo inspect --tls-verify=false --raw "docker://$ref"
	expect_eq "$(json 'd["mediaType"]')" application/vnd.docker.distribution.manifest.v2+json "manifest type in the registry"
	# --raw: skopeo shows the config as stored (without it, converted to OCI's).
	run_expect 0 skopeo inspect --tls-verify=false --config --raw "docker://$ref"
	expect_eq "$(json 'd["config"]["Healthcheck"]["Test"]')" '["CMD", "/bin/true"]' "HEALTHCHECK in the registry"
}

@test "interop: an image podman built and pushed is a base for husk build" {
	command -v podman >/dev/null || skip "podman is not installed (test/setup/setup.sh installs it)"
	local ctx=$BATS_TEST_TMPDIR/pb ref=$R/build-interop:podman
	mkdir -p "$ctx"
	printf 'FROM %s\nRUN echo built-by-podman > /podman\nENV FROM_PODMAN=yes\n' "$R/busybox" >"$ctx/Containerfile"
	run_expect 0 podman_cmd build -q --tls-verify=false -t "$ref" "$ctx"
	run_expect 0 podman_cmd push -q --tls-verify=false "$ref"
	printf 'FROM %s\nRUN cat /podman > /seen-by-husk\n' "$ref" >"$ctx/Containerfile"
	run_husk build -q --tls-verify=false --pull=always -t localhost/on-podman "$ctx"
	run_husk run --rm localhost/on-podman sh -c 'cat /seen-by-husk; echo "$FROM_PODMAN"'
	expect_eq "$output" "built-by-podman
yes"
}

# ---------------------------------------------------------------- a context file only root can read

@test "context: a file only root can read fails COPY . with one clear line, as the test user; excluded, it builds" {
	id -u "$TEST_USER" >/dev/null 2>&1 || skip "needs the user $TEST_USER (test/setup/setup.sh)"
	local base
	base=$(mktemp -d /var/tmp/husk-root-build.XXXXXX)
	chmod 755 "$base"
	echo "$base" >"$BATS_FILE_TMPDIR/user-base"
	mkdir -p "$base/ctx" "$base/home/config/containers" "$base/home/data" "$base/home/run"
	chmod 700 "$base/home/run"
	printf 'FROM %s\nCOPY . /ctx/\n' "$R/busybox" >"$base/ctx/Containerfile"
	echo ok >"$base/ctx/ok.txt"
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$HUSK_TEST_REGISTRY" >"$base/home/config/containers/registries.conf"
	chown -R "$TEST_USER" "$base"
	echo only-root >"$base/ctx/root-only.txt"
	chmod 600 "$base/ctx/root-only.txt"
	local as_user=(runuser -u "$TEST_USER" -- env -i HOME="$base/home" PATH="$PATH"
		XDG_DATA_HOME="$base/home/data" XDG_RUNTIME_DIR="$base/home/run" XDG_CONFIG_HOME="$base/home/config" "$REAL_HUSK")
	run_expect 125 "${as_user[@]}" build -q "$base/ctx"
	expect_one_error_line
	expect_contains "$stderr" 'open /root-only.txt: permission denied'
	expect_contains "$stderr" "reading \"$base/ctx\""
	expect_contains "$stderr" "make it readable, or exclude it in .containerignore"
	expect_not_contains "$stderr" "copier.request"
	echo root-only.txt >"$base/ctx/.containerignore"
	chown "$TEST_USER" "$base/ctx/.containerignore"
	run_expect 0 "${as_user[@]}" build -q "$base/ctx"
	"${as_user[@]}" system reset -f >/dev/null 2>&1 || true
	rm -rf "$base"
}
