# Helpers of husk build's bats files (340-build.bats as the test user,
# root-build.bats as root), loaded after helpers.bash. They run the corpus
# under test/build: one directory per case, holding
#
#   Containerfile  (or Dockerfile, or what args names with -f) and context files
#   prepare   optional sh script run in the case's copy before the build
#             (makes files that are better not committed, e.g. archives)
#   pre       optional bash, sourced before the build (another build first)
#   args      optional bash, sourced: sets ARGS=(extra build flags); may use
#             $CTX (the case's copy, the build context) and $R (the test
#             registry's husk-test namespace)
#   expect    optional sh script run inside the built image as
#             `husk run --rm -v CTX:/case:ro --entrypoint sh IMAGE /case/expect`;
#             its last line must be "ok"
#   inspect   optional bash, sourced after the build with IMG set: host-side
#             checks (image_config and cfg below, run_husk, expect_*)

: "${HUSK_BUILD_CORPUS:=$BATS_TEST_DIRNAME/../build}"

# build_base [PULL FLAGS...]: the corpus's base image, localhost/busybox:
# the test registry's busybox under a local name, so that the
# Containerfiles name no registry address.
build_base() {
	"$HUSK" pull -q "$@" "$R/busybox" >/dev/null
	"$HUSK" tag "$R/busybox" localhost/busybox
}

# build_case NAME [FLAGS...]: build corpus case NAME as localhost/case-NAME
# (FLAGS after the case's own), then run its expect and inspect. Call it
# plainly (not after || or in if): the checks in the sourced files rely on
# set -e.
build_case() {
	local name=$1
	shift
	[[ -d $HUSK_BUILD_CORPUS/$name ]] || die "no corpus case $HUSK_BUILD_CORPUS/$name"
	CTX=$BATS_TEST_TMPDIR/case-$name
	IMG=localhost/case-$name
	rm -rf "$CTX"
	cp -r "$HUSK_BUILD_CORPUS/$name" "$CTX"
	chmod -R u+w,a+rX "$CTX"
	if [[ -f $CTX/prepare ]]; then
		(cd "$CTX" && sh ./prepare)
	fi
	ARGS=()
	if [[ -f $CTX/pre ]]; then
		source "$CTX/pre"
	fi
	if [[ -f $CTX/args ]]; then
		source "$CTX/args"
	fi
	run_husk build "${ARGS[@]}" "$@" -t "$IMG" "$CTX"
	BUILD_OUTPUT=$output BUILD_STDERR=$stderr
	if [[ -f $CTX/expect ]]; then
		run_husk run --rm -v "$CTX:/case:ro" --entrypoint sh "$IMG" /case/expect
		expect_eq "${lines[${#lines[@]}-1]:-}" ok "last line of $name/expect"
	fi
	if [[ -f $CTX/inspect ]]; then
		source "$CTX/inspect"
	fi
}

# image_config IMAGE: push IMAGE to a dir: copy in $IMG_DIR (manifest.json,
# the config and the layers as stored, uncompressed) for cfg.
image_config() {
	IMG_DIR=$BATS_TEST_TMPDIR/dir-${1//[^a-zA-Z0-9.-]/_}
	rm -rf "$IMG_DIR"
	"$HUSK" push -q "$1" "dir:$IMG_DIR" >/dev/null || die "husk push $1 dir:$IMG_DIR failed"
}

# cfg EXPR: evaluate a Python expression on the image image_config copied:
# m is its manifest, c its config; lists and dicts print as JSON.
cfg() {
	python3 - "$IMG_DIR" "$1" <<'PY'
import json, os, sys
d, expr = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(d, "manifest.json")))
c = json.load(open(os.path.join(d, m["config"]["digest"].split(":")[1])))
v = eval(expr)
print(json.dumps(v) if isinstance(v, (list, dict)) else v)
PY
}

# build_steps: from a build's output in $output, one line per STEP: "N
# cached" or "N built" (cached: a "--> Using cache" line follows the STEP
# line before the next one).
build_steps() {
	awk '
		/^STEP [0-9]+\/[0-9]+: / { if (n) print n, (c ? "cached" : "built"); split($2, a, "/"); n = a[1]; c = 0; next }
		/^--> Using cache / { c = 1 }
		END { if (n) print n, (c ? "cached" : "built") }
	' <<<"$output"
}
