#!/usr/bin/env bash
# Entry point of `make bench`: runs every benchmark script bench/*.sh (all
# but this file and lib.sh), in name order, as root; each switches to the
# unprivileged test user itself and writes bench/results/NAME-DATE.txt.
#
#   bench/run.sh              all benchmarks
#   bench/run.sh pull ...     only these (bench/pull.sh ...)
#
# Outside make (MAKELEVEL unset) it first runs `make images build`, which
# the Makefile's bench target otherwise does. Settings: see bench/lib.sh
# (BENCH_N, BENCH_MEM_N, ...) and the header of each script.
# A new benchmark is a new bench/NAME.sh that sources bench/lib.sh and calls
# bench_init NAME; nothing needs registering here.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

[[ $(id -u) == 0 ]] || {
	echo "bench: run as root (the benchmarks switch to the test user themselves)" >&2
	exit 1
}

if [[ -z ${MAKELEVEL:-} ]]; then
	make images build || exit 1
fi

scripts=()
if (($#)); then
	for n in "$@"; do
		n=${n%.sh}
		[[ $n != run && $n != lib && -f bench/$n.sh ]] || {
			echo "bench: no benchmark bench/$n.sh" >&2
			exit 2
		}
		scripts+=("bench/$n.sh")
	done
else
	for f in bench/*.sh; do
		case ${f##*/} in
		run.sh | lib.sh) continue ;;
		esac
		scripts+=("$f")
	done
fi

rc=0 failed=()
for f in "${scripts[@]}"; do
	echo "== bench: ${f##*/}"
	if ! bash "$f"; then
		rc=1
		failed+=("${f##*/}")
	fi
	echo
done
if ((rc)); then
	echo "bench: FAILED: ${failed[*]}" >&2
else
	echo "bench: ${#scripts[@]} benchmark(s) done; results in bench/results/"
fi
exit $rc
