#!/usr/bin/env bats
# husk build as the test user: the corpus under test/build (every
# instruction and option of issue 13, each built image run and checked),
# the layer cache (hits, misses, --no-cache, --layers=false, --cache-to and
# --cache-from), pull policies, stdin, bad input, and contexts that are
# hard to read (unreadable files, symlinks out of the context, a 1 GiB
# file), compared with what podman build does.
# It runs for minutes: it starts first when files run side by side.
# bats-parallel: first

load helpers
load build-helpers

setup_file() {
	husk_setup_file
	[[ -z $HUSK_SKIP_REASON ]] || return 0
	build_base
	# The one-time runtime notice, out of the tests' stderr.
	"$HUSK" run --rm localhost/busybox true 2>/dev/null
}

# ---------------------------------------------------------------- the corpus

@test "corpus: ENV, LABEL, EXPOSE, USER, WORKDIR, VOLUME, ENTRYPOINT, CMD, STOPSIGNAL; --label, --annotation" {
	build_case config
}

@test "corpus: --format docker keeps HEALTHCHECK, SHELL (used by later RUNs) and ONBUILD" {
	build_case docker-format
}

@test "corpus: ONBUILD triggers run in the child's build" {
	build_case onbuild
}

@test "corpus: FROM scratch, COPY --from=stage and --from=image, exec-form RUN" {
	build_case scratch
}

@test "corpus: multi-stage by name and index, global and per-stage ARG, --build-arg" {
	build_case multistage
}

@test "corpus: --build-arg-file, --build-arg over it, NAME-only --build-arg from the environment" {
	build_case args
}

@test "corpus: --target stops at a stage (the later failing stage does not run)" {
	build_case target
	expect_not_contains "$BUILD_OUTPUT$BUILD_STDERR" "the final stage ran"
}

@test "corpus: RUN --mount=type=cache|bind|secret|tmpfs, --secret src= and env=" {
	build_case run-mounts
}

@test "corpus: heredocs in RUN and COPY" {
	build_case heredoc
}

@test "corpus: COPY/ADD --chown, --chmod, --link, globs, ADD unpacks local tar and tar.gz" {
	build_case copy-opts
}

@test "corpus: .containerignore (over .dockerignore), with ** and ! patterns" {
	build_case ignore
}

@test "corpus: Dockerfile by default, .dockerignore when there is no .containerignore" {
	build_case dockerignore
}

@test "corpus: --ignorefile replaces .containerignore" {
	build_case ignorefile
}

@test "corpus: -f names a Containerfile outside the context's top" {
	build_case altfile
}

@test "corpus: --network none: RUN sees loopback only" {
	build_case network-none
}

@test "corpus: --network private: RUN has an interface and a resolver of its own" {
	build_case network-private
}

@test "corpus: --network host: RUN sees what husk run --network host sees" {
	build_case network-host
}

@test "corpus: --platform linux/arm64 (COPY only: no emulator to RUN arm64 here)" {
	build_case platform-cross
}

@test "corpus: FROM --platform=linux/arm64 feeding a native stage" {
	build_case from-platform
}

@test "corpus: --squash makes the new layers one and keeps the base's" {
	build_case squash
}

@test "corpus: multi-stage build from the test registry's Debian image, dpkg in RUN" {
	[[ -f $HUSK_TEST_IMAGES/debian/index.json ]] ||
		skip "no Debian image in $HUSK_TEST_IMAGES (test/setup/push-images.sh makes it with debootstrap)"
	build_case dpkg
}

@test "every corpus case has a test in this file" {
	local d name missing=
	for d in "$HUSK_BUILD_CORPUS"/*/; do
		name=$(basename "$d")
		grep -qE "^[[:space:]]*build_case $name\$" "$BATS_TEST_FILENAME" || missing+=" $name"
	done
	expect_eq "$missing" "" "corpus cases without a test"
}

# ---------------------------------------------------------------- the result, -q, --iidfile, stdin

@test "-q prints only the image ID, --iidfile gets sha256:ID, and the image is usable at once" {
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM localhost/busybox\nRUN echo quiet > /q\n' >"$ctx/Containerfile"
	run_husk build -q --iidfile "$BATS_TEST_TMPDIR/iid" -t localhost/quiet "$ctx"
	expect_match "$output" "$HEX64" "stdout of build -q"
	expect_eq "${#lines[@]}" 1 "lines on stdout"
	local id=$output
	expect_eq "$(cat "$BATS_TEST_TMPDIR/iid")" "sha256:$id" "--iidfile"
	run_husk images --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}'
	expect_contains "$output" "$id localhost/quiet:latest" "husk images"
	run_husk run --rm localhost/quiet cat /q
	expect_eq "$output" quiet
	run_husk save -q -o "$BATS_TEST_TMPDIR/q.tar" localhost/quiet
	[[ -s $BATS_TEST_TMPDIR/q.tar ]] || die "husk save wrote nothing"
}

@test "build jobs run in husk-reexec from the same build; without it, or with one from another build, in the helper" {
	local ctx=$BATS_TEST_TMPDIR/ctx dir
	dir=$(dirname "$HUSK")
	mkdir -p "$ctx/files"
	echo one >"$ctx/files/a"
	printf 'FROM localhost/busybox\nRUN echo ran > /r\nCOPY files/ /files/\n' >"$ctx/Containerfile"
	run_husk --log-level=debug build -q --no-cache -t localhost/slim "$ctx"
	expect_contains "$stderr" "build jobs run in $dir/husk-reexec" "the helper's choice"
	run_husk run --rm localhost/slim cat /r /files/a
	expect_eq "$output" $'ran\none'
	# Run by hand, it is not a command.
	run "$dir/husk-reexec" build
	[[ $status == 125 && $output == *"it is not a command"* ]] || die "husk-reexec by hand: status $status, output: $output"

	local lone=$BATS_TEST_TMPDIR/lone
	mkdir -p "$lone"
	cp "$HUSK" "$dir/husk-transfer" "$lone/"
	echo two >"$ctx/files/a"
	HUSK=$lone/husk run_husk --log-level=debug build -q --no-cache -t localhost/slim "$ctx"
	expect_contains "$stderr" "build jobs run in the helper" "without husk-reexec"
	expect_not_contains "$stderr" "level=warning" "a missing husk-reexec is no warning"
	run_husk run --rm localhost/slim cat /r /files/a
	expect_eq "$output" $'ran\ntwo'

	# A program of this build that is not the job runner is refused.
	cp "$HUSK" "$lone/husk-reexec"
	echo three >"$ctx/files/a"
	HUSK=$lone/husk run_husk build -q --no-cache -t localhost/slim "$ctx"
	expect_contains "$stderr" "is not husk-reexec's job runner" "a wrong husk-reexec warns"
	run_husk run --rm localhost/slim cat /r /files/a
	expect_eq "$output" $'ran\nthree'
}

@test "- reads the Containerfile from stdin with an empty context; -f - with a context" {
	run_husk build -q -t localhost/stdin - <<<$'FROM localhost/busybox\nRUN echo from-stdin > /s'
	run_husk run --rm localhost/stdin cat /s
	expect_eq "$output" from-stdin
	# An empty context: COPY finds nothing.
	run_husk 125 build -q - <<<$'FROM localhost/busybox\nCOPY anything /x'
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	echo in-context >"$ctx/f.txt"
	run_husk build -q -t localhost/stdin-f -f - "$ctx" <<<$'FROM localhost/busybox\nCOPY f.txt /f.txt'
	run_husk run --rm localhost/stdin-f cat /f.txt
	expect_eq "$output" in-context
}

@test "--platform of this host builds and runs RUN steps" {
	local arch
	case $(uname -m) in
	x86_64) arch=amd64 ;;
	aarch64) arch=arm64 ;;
	*) skip "no GOARCH name known here for $(uname -m)" ;;
	esac
	local ctx=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$ctx"
	printf 'FROM localhost/busybox\nRUN uname -m > /m\n' >"$ctx/Containerfile"
	run_husk build -q --platform "linux/$arch" -t localhost/native "$ctx"
	run_husk run --rm localhost/native cat /m
	expect_eq "$output" "$(uname -m)"
	image_config localhost/native
	expect_eq "$(cfg 'c["architecture"]')" "$arch"
}

# ---------------------------------------------------------------- the layer cache

# build_store NAME: a fresh store NAME with the base image, where the
# one-time runtime notice (and the first build's retry with the next
# runtime, whose steps would be in the output) is already behind.
build_store() {
	use_store "$1"
	build_base
	"$HUSK" run --rm localhost/busybox true 2>/dev/null
}

# cache_ctx: a context whose Containerfile has six steps, two of them
# COPYs of a.txt and b.txt.
cache_ctx() {
	CTX=$BATS_TEST_TMPDIR/cache
	mkdir -p "$CTX"
	echo a1 >"$CTX/a.txt"
	echo b1 >"$CTX/b.txt"
	cat >"$CTX/Containerfile" <<'CF'
FROM localhost/busybox
RUN echo one > /one
COPY a.txt /a.txt
RUN cat /a.txt /one > /a-and-one
COPY b.txt /b.txt
LABEL cached=yes
CF
}

# build_cached [FLAGS...]: build $CTX as localhost/cached with stdout and
# stderr together in $output; the ID in $ID.
build_cached() {
	run_expect 0 bash -c '"$HUSK" build --iidfile "$1/iid" -t localhost/cached "${@:3}" "$2" 2>&1' \
		_ "$BATS_TEST_TMPDIR" "$CTX" "$@"
	ID=$(cat "$BATS_TEST_TMPDIR/iid")
}

@test "cache: a rebuild with nothing changed uses the cache for every step and gives the same ID" {
	build_store cache-same
	cache_ctx
	build_cached
	expect_eq "$(build_steps)" "1 built
2 built
3 built
4 built
5 built
6 built" "first build"
	local first=$ID
	build_cached
	expect_eq "$(build_steps)" "1 built
2 cached
3 cached
4 cached
5 cached
6 cached" "steps of the rebuild (FROM has nothing to cache)"
	expect_eq "$ID" "$first" "image ID of the rebuild"
	expect_eq "$(grep -c 'Using cache' <<<"$output")" 5 "Using cache lines"
	# Nothing changed and the inputs are all visible to husk's key
	# (docs/build.md): the engine is not started at all.
	expect_contains "$output" "its image is reused"
	# A change to a file the build reads goes back to the engine.
	echo a2 >"$CTX/a.txt"
	build_cached
	expect_not_contains "$output" "its image is reused"
	expect_eq "$(build_steps)" "1 built
2 cached
3 built
4 built
5 built
6 built" "steps after a.txt changed"
	[[ $ID != "$first" ]] || die "a changed COPY source kept the image ID"
}

@test "cache: a changed COPY source rebuilds that step and the later ones; --no-cache rebuilds all" {
	build_store cache-change
	cache_ctx
	build_cached
	local first=$ID
	echo a2 >"$CTX/a.txt"
	build_cached
	expect_eq "$(build_steps)" "1 built
2 cached
3 built
4 built
5 built
6 built" "steps after a.txt changed"
	[[ $ID != "$first" ]] || die "the image ID did not change"
	run_husk run --rm localhost/cached cat /a-and-one
	expect_eq "$output" "a2
one"
	local second=$ID
	# Only the metadata changed (mtime): still the same content, so cached.
	touch "$CTX/b.txt"
	build_cached
	expect_eq "$(grep -c 'Using cache' <<<"$output")" 5 "Using cache lines after touching b.txt"
	expect_eq "$ID" "$second" "image ID after touching b.txt"
	build_cached --no-cache
	expect_not_contains "$output" "Using cache"
	expect_eq "$(build_steps | grep -c built)" 6 "steps built with --no-cache"
	# --layers=false: no step is cached, and the steps' layers are one.
	build_cached --layers=false
	expect_not_contains "$output" "Using cache"
	image_config localhost/cached
	expect_eq "$(cfg 'len(m["layers"])')" 2 "layers with --layers=false (the base's and one)"
}

@test "cache: --cache-to pushes step layers to the test registry, --cache-from reuses them in another store" {
	local repo=$R/build-cache-340 ctx=$BATS_TEST_TMPDIR/cc
	mkdir -p "$ctx"
	printf 'FROM localhost/busybox\nRUN echo cache-to-%s > /c\nRUN cat /c > /d\n' "$(id -un)" >"$ctx/Containerfile"
	build_store cache-to
	run_husk build --layers --cache-to "$repo" -t localhost/cc "$ctx"
	build_store cache-from
	run_expect 0 bash -c '"$HUSK" build --layers --cache-from "$1" -t localhost/cc "$2" 2>&1' _ "$repo" "$ctx"
	expect_eq "$(build_steps)" "1 built
2 cached
3 cached" "steps with --cache-from in a store that never ran them"
	run_husk run --rm localhost/cc cat /d
	expect_eq "$output" "cache-to-$(id -un)"
}

# ---------------------------------------------------------------- --pull

@test "--pull: never and missing use the stored base, always and newer fetch the registry's" {
	use_store pull
	local ctx=$BATS_TEST_TMPDIR/pull
	mkdir -p "$ctx"
	# A stand-in stored under the registry's name, marked by /stand-in.
	"$HUSK" pull -q "$R/busybox" >/dev/null
	printf 'FROM %s\nRUN touch /stand-in\n' "$R/busybox" >"$ctx/Containerfile.standin"
	run_husk build -q -f "$ctx/Containerfile.standin" -t "$R/busybox" "$ctx"
	printf 'FROM %s\nRUN if [ -e /stand-in ]; then echo stand-in; else echo registry; fi > /which\n' "$R/busybox" >"$ctx/Containerfile"
	local policy
	for policy in never missing always; do
		run_husk build -q --pull="$policy" -t localhost/pull-$policy "$ctx"
		run_husk run --rm localhost/pull-$policy cat /which
		case $policy in
		always) expect_eq "$output" registry "--pull=$policy" ;;
		*) expect_eq "$output" stand-in "--pull=$policy" ;;
		esac
		# Put the stand-in back for the next policy.
		run_husk build -q -f "$ctx/Containerfile.standin" -t "$R/busybox" "$ctx"
	done
	# newer: the registry's differs from the stored one, so it is pulled.
	run_husk build -q --pull=newer -t localhost/pull-newer "$ctx"
	run_husk run --rm localhost/pull-newer cat /which
	expect_eq "$output" registry "--pull=newer"
	# never, with nothing stored: refused, naming the image.
	run_husk 125 build -q --pull=never - <<<"FROM $R/multilayer"
	expect_contains "$stderr" "husk-test/multilayer"
}

# ---------------------------------------------------------------- bad input

@test "a syntax error names the file and the line, before any step runs" {
	local ctx=$BATS_TEST_TMPDIR/syntax
	mkdir -p "$ctx"
	printf 'FROM localhost/busybox\nRUN echo step-two-ran\n\nBOGUS thing\n' >"$ctx/Containerfile"
	run_husk 125 build "$ctx"
	expect_one_error_line
	expect_contains "$stderr" "$ctx/Containerfile:4: unknown instruction \"BOGUS\""
	expect_not_contains "$output" "step-two-ran"
	# A parser error: the heredoc opened on line 3 is never closed.
	printf 'FROM localhost/busybox\nRUN true\nRUN <<EOF\necho never closed\n' >"$ctx/Containerfile.heredoc"
	run_husk 125 build -f "$ctx/Containerfile.heredoc" "$ctx"
	expect_one_error_line
	expect_contains "$stderr" "$ctx/Containerfile.heredoc:3: EOF: unterminated heredoc"
}

@test "a missing COPY source names the path and the context directory" {
	local ctx=$BATS_TEST_TMPDIR/missing
	mkdir -p "$ctx"
	printf 'FROM localhost/busybox\nCOPY not-here.txt /x\n' >"$ctx/Containerfile"
	run_husk 125 build "$ctx"
	expect_one_error_line
	expect_contains "$stderr" 'COPY not-here.txt /x'
	expect_contains "$stderr" "\"$ctx\""
	expect_contains "$stderr" 'not-here.txt": no such file or directory'
	expect_not_contains "$stderr" "buildah-context"
	expect_eq "$(storage_containers)" "" "build containers left"
}

@test "a failing RUN names the step, the command and the exit status; no image, no container left" {
	local ctx=$BATS_TEST_TMPDIR/failrun
	mkdir -p "$ctx"
	printf 'FROM localhost/busybox\nRUN echo about-to-fail && exit 7\nRUN echo never\n' >"$ctx/Containerfile"
	local before
	before=$(image_ids)
	run_husk 125 build -t localhost/failed "$ctx"
	expect_one_error_line
	expect_contains "$stderr" 'STEP "RUN echo about-to-fail && exit 7"'
	expect_contains "$stderr" "exit status 7"
	expect_contains "$output" "about-to-fail"
	expect_not_contains "$output" "never"
	run_husk 125 image inspect localhost/failed
	expect_eq "$(storage_containers)" "" "build containers left"
	run_husk system check
}

# ---------------------------------------------------------------- hard contexts
# What podman build 4.3 does with each (checked as this user): a file
# only root can read fails COPY . (here with a clear message instead of
# the copier's request dump) and is no matter when not copied; a file of
# the user's own with mode 000 is read (the user is root in the user
# namespace); symlinks are copied as symlinks, and one whose target is
# outside the context is not followed by COPY; a 1 GiB sparse file is
# copied whole when named and costs nothing when not.

@test "context: the user's own files with mode 000 are copied, as podman does" {
	local ctx=$BATS_TEST_TMPDIR/unreadable
	mkdir -p "$ctx/closed"
	echo mine >"$ctx/mode000.txt"
	echo inside >"$ctx/closed/f"
	printf 'FROM localhost/busybox\nCOPY . /ctx/\n' >"$ctx/Containerfile"
	chmod 000 "$ctx/mode000.txt" "$ctx/closed"
	run_husk build -q -t localhost/unreadable "$ctx"
	chmod 755 "$ctx/closed"
	chmod 644 "$ctx/mode000.txt"
	run_husk run --rm localhost/unreadable cat /ctx/mode000.txt /ctx/closed/f
	expect_eq "$output" "mine
inside"
}

@test "context: symlinks are copied as links; one leaving the context is not followed" {
	local ctx=$BATS_TEST_TMPDIR/symlinks
	mkdir -p "$ctx"
	ln -s /etc/debian_version "$ctx/abs-out"
	ln -s ../../../../../../../../etc/debian_version "$ctx/rel-out"
	ln -s /etc "$ctx/dir-out"
	printf 'FROM localhost/busybox\nCOPY . /ctx/\n' >"$ctx/Containerfile"
	run_husk build -q -t localhost/symlinks "$ctx"
	run_husk run --rm localhost/symlinks sh -c 'for l in abs-out rel-out dir-out; do readlink /ctx/$l; done; [ -e /ctx/dir-out/debian_version ] || echo no-host-etc'
	expect_eq "$output" "/etc/debian_version
../../../../../../../../etc/debian_version
/etc
no-host-etc"
	# Through a link out of the context: not found (podman says the same).
	printf 'FROM localhost/busybox\nCOPY dir-out/debian_version /h\n' >"$ctx/Containerfile"
	run_husk 125 build -q "$ctx"
	expect_one_error_line
	expect_contains "$stderr" '"/dir-out/debian_version": no such file or directory'
	# Naming a link whose target is outside: refused, the host file unread.
	printf 'FROM localhost/busybox\nCOPY abs-out /h\n' >"$ctx/Containerfile"
	run_husk 125 build -q "$ctx"
	expect_one_error_line
	expect_contains "$stderr" 'lstat /etc/debian_version: no such file or directory'
	expect_not_contains "$stderr" "copier.request"
}

@test "context: a 1 GiB sparse file costs nothing when not copied, and is copied whole when named" {
	local ctx=$BATS_TEST_TMPDIR/big
	mkdir -p "$ctx"
	truncate -s 1G "$ctx/big"
	echo small >"$ctx/small.txt"
	build_store big
	printf 'FROM localhost/busybox\nCOPY small.txt /small.txt\n' >"$ctx/Containerfile"
	run_husk build -q -t localhost/small "$ctx"
	local kb
	kb=$(du -sk "$XDG_DATA_HOME" | cut -f1)
	((kb < 100 * 1024)) || die "the store holds ${kb} KiB after a build that did not copy the big file"
	printf 'FROM localhost/busybox\nCOPY big /big\n' >"$ctx/Containerfile"
	run_husk build -q -t localhost/big "$ctx"
	run_husk run --rm localhost/big stat -c %s /big
	expect_eq "$output" 1073741824 "size of /big in the image"
	run_husk rmi localhost/big
}
