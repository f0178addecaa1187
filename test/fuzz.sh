#!/bin/bash
# Runs every Go fuzz target of husk (func FuzzXxx in a *_fuzz_test.go)
# for FUZZTIME each (default 10s): `make fuzz FUZZTIME=3s`.
#
# Each package's test binary is built once with the fuzzing
# instrumentation, then run once per target from the package directory,
# with the go command's own cache of generated inputs
# ($GOCACHE/fuzz/IMPORT-PATH), so that later runs start where earlier
# ones stopped. An input that fails is written to the package's
# testdata/fuzz/FuzzXxx/ (commit it with the fix: plain `go test` then
# runs it). Ends with one summary line; exit 1 if any target failed.
#
# FUZZ_SAVE=N copies, after each target ran, up to N of the smallest
# inputs the cache holds for it into testdata/fuzz/FuzzXxx/ (how the
# committed corpora were made).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
GO=${GO:-$(command -v go 2>/dev/null || echo /usr/local/go/bin/go)}
TAGS=${TAGS:-containers_image_openpgp,exclude_graphdriver_btrfs}
FUZZTIME=${FUZZTIME:-10s}
# Only targets whose name matches (an extended regular expression).
FUZZ_MATCH=${FUZZ_MATCH:-.}
FUZZ_SAVE=${FUZZ_SAVE:-0}
export CGO_ENABLED=1

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
cache=$("$GO" env GOCACHE)/fuzz

start=$SECONDS
targets=0
failed=()
mapfile -t dirs < <(find cmd pkg internal -name '*_fuzz_test.go' -printf '%h\n' 2>/dev/null | sort -u)
for dir in "${dirs[@]}"; do
	mapfile -t names < <(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_fuzz_test.go | cut -d' ' -f2 | grep -E -- "$FUZZ_MATCH" | sort)
	[[ ${#names[@]} -gt 0 ]] || continue
	pkg=$("$GO" list -tags "$TAGS" "./$dir") || {
		failed+=("$dir (go list)")
		continue
	}
	test=$bin/$(echo "$dir" | tr / _).test
	if ! "$GO" test -c -fuzz=. -tags "$TAGS" -o "$test" "./$dir"; then
		failed+=("$dir (build)")
		continue
	fi
	for name in "${names[@]}"; do
		targets=$((targets + 1))
		t0=$SECONDS
		before=$(ls "$dir/testdata/fuzz/$name" 2>/dev/null)
		if out=$(cd "$dir" && "$test" -test.run='^$' -test.fuzz="^$name\$" -test.fuzztime="$FUZZTIME" \
			-test.fuzzcachedir="$cache/$pkg" 2>&1); then
			printf 'ok    %-40s %3ds  %s\n' "$pkg.$name" $((SECONDS - t0)) \
				"$(grep -o 'execs: [0-9]*' <<<"$out" | tail -1)"
		elif [[ $(grep -v '^fuzz: ' <<<"$out" | grep -vE '^(--- FAIL: |FAIL$|exit status)' | tr -d ' \t') == contextdeadlineexceeded &&
			$(ls "$dir/testdata/fuzz/$name" 2>/dev/null) == "$before" ]]; then
			# Go's fuzzing coordinator can report its own -fuzztime
			# deadline as a failure (go.dev/issue/75804, fixed in Go
			# 1.27): no input failed and none was written.
			printf 'ok    %-40s %3ds  %s (go.dev/issue/75804 at the deadline, no failing input)\n' "$pkg.$name" \
				$((SECONDS - t0)) "$(grep -o 'execs: [0-9]*' <<<"$out" | tail -1)"
		else
			printf 'FAIL  %s.%s\n%s\n' "$pkg" "$name" "$out"
			failed+=("$pkg.$name")
		fi
		if [[ $FUZZ_SAVE -gt 0 && -d $cache/$pkg/$name ]]; then
			mkdir -p "$dir/testdata/fuzz/$name"
			find "$cache/$pkg/$name" -type f -printf '%s %p\n' | sort -n | head -n "$FUZZ_SAVE" |
				cut -d' ' -f2- | xargs -r cp -t "$dir/testdata/fuzz/$name"
		fi
	done
done
if [[ ${#failed[@]} -gt 0 ]]; then
	echo "fuzz: ${#failed[@]} of $targets targets failed in $((SECONDS - start))s: ${failed[*]}"
	exit 1
fi
echo "fuzz: $targets targets, $FUZZTIME each, passed in $((SECONDS - start))s"
