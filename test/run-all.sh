#!/usr/bin/env bash
# The whole suite (make test): unit tests as root, rootless suites as the
# test user, generated docs check, static checks (test/lint.sh). Ends with
# "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rc=0
# section NAME: print how long the previous section took, then NAME.
section_start=$SECONDS
section() {
	echo "== (that took $((SECONDS - section_start)) s)"
	section_start=$SECONDS
	echo "== $*"
}

echo "== unit and in-process tests (root)"
# (pkg/netns's Integration tests run below, as the test user.)
"$GO" test -tags "$TAGS" -count=1 -v -skip '^TestIntegration' ./internal/... ./pkg/... ./cmd/... 2>&1 | tee "$out/unit.out"
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1
# bin/husk's own build (transfers handed to bin/husk-transfer).
"$GO" test -tags "$TAGS,husk_core" -count=1 -v -run '^TestCore' ./cmd/husk 2>&1 | tee -a "$out/unit.out"
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1

section "network integration tests (pkg/netns, as $TEST_USER in a namespace of its own)"
test/net-integration.sh "$TEST_USER" 2>&1 | tee "$out/netit.out"
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1

section "rootless suites"
test/run-rootless.sh || rc=1

section "userns edge cases (root switching to the edge-case users)"
HUSK=$STAGE/husk HUSK_TEST_REGISTRY=$REGISTRY HUSK_TEST_IMAGES=$IMAGES_DIR \
	bats --tap "$STAGE/bats/root-userns.bats" "$STAGE/bats/root-cgroups.bats" "$STAGE/bats/root-pull-faults.bats" "$STAGE/bats/root-mount.bats" "$STAGE/bats/root-build.bats" "$STAGE/bats/root-commit.bats" 2>&1 | tee "$out/root-bats.out"
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1

section "fuzz targets, ${FUZZTIME:-3s} each (test/fuzz.sh)"
# One line per target: "ok ..." or "FAIL ..." (counted as "not ok").
FUZZTIME=${FUZZTIME:-3s} GO=$GO test/fuzz.sh 2>&1 | tee "$out/fuzz.raw"
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1
sed -n -e 's/^ok  */ok fuzz /p' -e 's/^FAIL  */not ok fuzz /p' "$out/fuzz.raw" >"$out/fuzz.out"

section "generated docs and completions"
if test/check-docs.sh; then
	echo "ok docs-current" >"$out/docs.out"
else
	echo "not ok docs-current" >"$out/docs.out"
	rc=1
fi

section "static checks (test/lint.sh: staticcheck, go vet for GOOS=darwin)"
# One line per check: "ok ..." or "FAIL ..." (counted as "not ok").
GO=$GO test/lint.sh 2>&1 | tee "$out/lint.raw"
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1
sed -n -e 's/^ok  */ok lint /p' -e 's/^FAIL  */not ok lint /p' "$out/lint.raw" >"$out/lint.out"

echo "== (that took $((SECONDS - section_start)) s; the whole suite $SECONDS s)"
count() { grep -hE "$1" "$@" 2>/dev/null | wc -l; }
files=("$out/unit.out" "$out/netit.out" "$STAGE/go.out")
pass=$(cat "${files[@]}" 2>/dev/null | grep -cE '^\s*--- PASS' )
fail=$(cat "${files[@]}" 2>/dev/null | grep -cE '^\s*--- FAIL' )
skip=$(cat "${files[@]}" 2>/dev/null | grep -cE '^\s*--- SKIP' )
# bats TAP: "ok N name # skip reason" counts as skipped.
tap=("$STAGE/bats.out" "$out/root-bats.out" "$out/fuzz.out" "$out/docs.out" "$out/lint.out")
bskip=$(cat "${tap[@]}" 2>/dev/null | grep -cE '^ok [0-9]+ .*# skip|^ok [0-9]+ # skip' )
bpass=$(( $(cat "${tap[@]}" 2>/dev/null | grep -cE '^ok ') - bskip ))
bfail=$(cat "${tap[@]}" 2>/dev/null | grep -cE '^not ok ')
if [[ ! -s $STAGE/bats.out || ! -s $STAGE/go.out ]]; then
	echo "a rootless suite produced no output"
	rc=1
	fail=$((fail + 1))
fi
echo
echo "$((pass + bpass)) passed, $((fail + bfail)) failed, $((skip + bskip)) skipped"
exit $rc
