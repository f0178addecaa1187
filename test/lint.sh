#!/bin/bash
# Static checks of husk's Go code (make lint; test/run-all.sh runs it too):
#
#   staticcheck       staticcheck's default checks, with the build tags of
#                     bin/husk-compose (every file but the husk_core and
#                     husk_transfer ones);
#   staticcheck-core  the same for bin/husk's build (tag husk_core), whose
#                     cmd/husk files differ;
#   vet-darwin        go vet for GOOS=darwin (cgo off, as for any cross
#                     build): the packages must type-check off Linux, for
#                     editors and for the portable ones' users.
#
# staticcheck is pinned in tools/go.mod (its own module, so that its
# dependencies do not enter husk's build); the go command fetches it through
# the module proxy on a fresh machine and checks it against tools/go.sum.
# One line per check, "ok    NAME" or "FAIL  NAME" followed by the findings
# (file:line:col: message); ends with one summary line; exit 1 on any
# finding.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
GO=${GO:-$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)}
TAGS=${TAGS:-containers_image_openpgp,exclude_graphdriver_btrfs}
# staticcheck runs `go list`: the same go as everything else.
PATH=$(dirname "$GO"):$PATH
export CGO_ENABLED=1

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

start=$SECONDS
checks=0
findings=0
failed=()

# check NAME CMD...: run one check; its output is its findings.
check() {
	local name=$1 out n
	shift
	checks=$((checks + 1))
	if out=$("$@" 2>&1); then
		printf 'ok    %s\n' "$name"
		return
	fi
	# A check that fails without naming a position (a build error of the
	# tool, say) still counts as one finding.
	n=$(grep -cE '^(vet: )?[^ :]+:[0-9]+(:[0-9]+)?: ' <<<"$out")
	[[ $n -gt 0 ]] || n=1
	findings=$((findings + n))
	failed+=("$name")
	printf 'FAIL  %s (%d)\n%s\n' "$name" "$n" "$out"
}

if "$GO" build -C tools -o "$bin/staticcheck" honnef.co/go/tools/cmd/staticcheck; then
	check staticcheck "$bin/staticcheck" -tags "$TAGS" ./...
	check staticcheck-core "$bin/staticcheck" -tags "$TAGS,husk_core" ./cmd/...
else
	checks=$((checks + 2))
	findings=$((findings + 1))
	failed+=("staticcheck (build)")
	printf 'FAIL  staticcheck (build of tools/go.mod)\nFAIL  staticcheck-core (build of tools/go.mod)\n'
fi
check vet-darwin env GOOS=darwin CGO_ENABLED=0 "$GO" vet -tags "$TAGS" ./...

if [[ ${#failed[@]} -gt 0 ]]; then
	echo "lint: $findings findings, ${#failed[@]} of $checks checks failed in $((SECONDS - start))s: ${failed[*]}"
	exit 1
fi
echo "lint: $checks checks, 0 findings, passed in $((SECONDS - start))s"
