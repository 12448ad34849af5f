#!/usr/bin/env bash
# Runs every test: C unit tests (build/tests/*), shell tests (tests/*/t-*.sh),
# and the fuzz corpus replay under ASan/UBSan (build/fuzz/*-regress).
# Each test prints TAP lines; this script sums them and ends with the line
# "N passed, N failed, N skipped". Set TESTS=pattern to run a subset.
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0 skipped=0
failed_names=()
logdir=build/test-logs
mkdir -p "$logdir"

run_one() {
	local name=$1; shift
	local log="$logdir/$(echo "$name" | tr '/' '_').log"
	local start=$SECONDS
	"$@" >"$log" 2>&1 </dev/null
	local rc=$?
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or failed without saying which check
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$rc" -eq 77 ] && [ $((p + f + s)) -eq 0 ]; then
		s=1
	fi
	pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + s))
	printf '%-48s %4d ok %3d failed %3d skipped  %3ds\n' "$name" "$p" "$f" "$s" $((SECONDS - start))
	if [ "$f" -gt 0 ]; then
		failed_names+=("$name")
		grep -E '^not ok|^#' "$log" | head -n 40 | sed 's/^/    /'
	fi
}

match() { [ -z "${TESTS:-}" ] || [[ "$1" == *${TESTS}* ]]; }

for t in build/tests/*; do
	[ -x "$t" ] || continue
	match "$t" && run_one "unit/$(basename "$t")" "$t"
done
for t in build/fuzz/*-regress; do
	[ -x "$t" ] || continue
	name=$(basename "$t" -regress)
	match "$t" && run_one "fuzz/$name" "$t" tests/fuzz/corpus/"${name#fuzz_}"
done
for t in tests/*/t-*.sh; do
	[ -f "$t" ] || continue
	match "$t" && run_one "${t#tests/}" bash "$t"
done

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]} (logs in $logdir)"
fi
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
