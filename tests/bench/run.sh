#!/usr/bin/env bash
# make bench: runs every benchmark (tests/bench/bench-*.sh and build/bench/*),
# each printing its figures and ratios against a baseline measured in the same run.
set -u
cd "$(dirname "$0")/../.." || exit 1
rc=0
for b in build/bench/*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" || rc=1
done
for b in tests/bench/bench-*.sh; do
	[ -f "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || rc=1
done
exit $rc
