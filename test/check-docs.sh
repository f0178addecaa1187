#!/usr/bin/env bash
# Fail when docs/cli or completions/ differ from what the binary generates.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin/husk generate-docs "$tmp/cli" "$tmp/completions"
if ! diff -ru docs/cli "$tmp/cli" || ! diff -ru completions "$tmp/completions"; then
	echo "docs/cli or completions/ are stale: run 'make docs' and commit the result" >&2
	exit 1
fi
echo "docs/cli and completions/ are current"
