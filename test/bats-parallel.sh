#!/usr/bin/env bash
# bats-parallel.sh JOBS OUTDIR FILE...: run each bats file in a bats
# process of its own, JOBS files at a time, and print each file's TAP
# output whole as it finishes. The files of the suite are independent
# (each has its own store, ports and podman directories), so they may run
# side by side; the tests within a file stay in order.
#
# Files with the line "# bats-parallel: first" (the longest-running ones)
# start first, then the others, largest first, so that the last one to
# finish is short.
# A file with the line "# bats-parallel: alone" looks at state all the
# test user's sessions share (e.g. the delegated cgroup): it runs after the
# others, by itself.
# OUTDIR/NAME.tap keeps each file's output; OUTDIR/all.tap gets them all in
# the order the files were given, for the summary. Exits 1 if any file
# failed.
set -uo pipefail

jobs=$1 outdir=$2
shift 2
mkdir -p "$outdir"

# One file: its TAP and how long it took, printed in one piece.
if [[ ${BATS_PARALLEL_ONE:-} == 1 ]]; then
	f=$1
	name=$(basename "$f" .bats)
	start=$SECONDS
	bats --tap "$f" >"$outdir/$name.tap" 2>&1
	rc=$?
	echo "$rc" >"$outdir/$name.rc"
	# One file's output at a time, never interleaved with another's.
	flock "$outdir/.print" sh -c 'echo "# $1 ($2 s)"; cat "$3"' sh "$name" "$((SECONDS - start))" "$outdir/$name.tap"
	exit 0
fi

first=() together=() alone=()
for f in "$@"; do
	if grep -qx '# bats-parallel: alone' "$f"; then
		alone+=("$f")
	elif grep -qx '# bats-parallel: first' "$f"; then
		first+=("$f")
	else
		together+=("$f")
	fi
done
# Then largest first: the size of a file is a fair guess of how long it
# runs.
if ((${#first[@]} + ${#together[@]})); then
	{
		printf '%s\n' "${first[@]}"
		((${#together[@]} == 0)) || wc -c "${together[@]}" | grep -v ' total$' | sort -rn | awk '{print $2}'
	} | grep . | BATS_PARALLEL_ONE=1 xargs -P "$jobs" -I{} "$0" "$jobs" "$outdir" {}
fi
for f in "${alone[@]}"; do
	BATS_PARALLEL_ONE=1 "$0" "$jobs" "$outdir" "$f"
done

rc=0
: >"$outdir/all.tap"
for f in "$@"; do
	name=$(basename "$f" .bats)
	cat "$outdir/$name.tap" >>"$outdir/all.tap" 2>/dev/null
	[[ $(cat "$outdir/$name.rc" 2>/dev/null) == 0 ]] || rc=1
done
exit $rc
