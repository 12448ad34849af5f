#!/bin/sh
# Run each libFuzzer target for a bounded time (FUZZ_TIME seconds each,
# default 60) starting from its kept corpus in tests/fuzz/corpus/<name>/.
# New inputs go to build/fuzz/work/<name>/ (the kept corpus stays small);
# crashers land in build/fuzz/crashes/: copy them into the kept corpus as
# regression inputs once fixed. Usage: scripts/fuzz.sh build/fuzz/fuzz_frame ...
set -u
cd "$(dirname "$0")/.." || exit 1
time=${FUZZ_TIME:-60}
jobs=${FUZZ_JOBS:-1}
rc=0
mkdir -p build/fuzz/crashes
for bin in "$@"; do
	name=$(basename "$bin")
	short=${name#fuzz_}
	work=build/fuzz/work/$short
	mkdir -p "$work"
	echo "== $name for ${time}s"
	par=
	if [ "$jobs" -gt 1 ]; then
		par="-fork=$jobs" # parallel runs, still one log
	fi
	# shellcheck disable=SC2086
	if ! "$bin" "$work" "tests/fuzz/corpus/$short" -max_total_time="$time" -max_len=8192 \
		-timeout=10 -rss_limit_mb=2560 -print_final_stats=1 $par \
		-artifact_prefix=build/fuzz/crashes/"$short"- 2>build/fuzz/"$short".log; then
		echo "$name: found a problem, see build/fuzz/$short.log and build/fuzz/crashes/" >&2
		rc=1
	fi
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' build/fuzz/"$short".log || true
done
exit $rc
