#!/usr/bin/env bash
# Run the rootless suites as the unprivileged test user: the Go
# integration tests (compiled here, run there) and the bats files.
# Writes TAP/verbose output to $STAGE/*.out and prints it.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

rm -rf "$STAGE"
mkdir -p "$STAGE"
cp bin/husk bin/husk-transfer bin/husk-compose bin/husk-reexec bin/husk-systemd-generator "$STAGE/"
cp -r test/bats "$STAGE/bats"
cp test/bats-parallel.sh "$STAGE/"
cp -r test/build "$STAGE/build"
"$GO" test -c -tags "$TAGS" -o "$STAGE/integration.test" ./test/integration || exit 1
chmod -R a+rX "$STAGE"

rc=0
echo "== rootless Go integration tests (as $TEST_USER)"
(cd "$STAGE" && as_user ./integration.test -test.v -test.count=1 -test.timeout=30m) 2>&1 | tee "$STAGE/go.out"
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1

echo "== bats (as $TEST_USER, $BATS_JOBS files at a time)"
# root-*.bats run as root (test/run-all.sh), not here. Each file's output
# is printed whole when it ends; $STAGE/bats.out gets them all in order.
start=$SECONDS
install -d -o "$TEST_USER" "$STAGE/bats-out"
(cd "$STAGE" && as_user ./bats-parallel.sh "$BATS_JOBS" bats-out $(cd "$STAGE" && ls bats/[0-9]*.bats)) 2>&1
[[ $? -eq 0 ]] || rc=1
cp "$STAGE/bats-out/all.tap" "$STAGE/bats.out" 2>/dev/null
echo "== bats took $((SECONDS - start)) s"
exit $rc
