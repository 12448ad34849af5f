#!/usr/bin/env bash
# report and compare JSON of the recorded sample traces (samples/*.trace)
# match golden files (UPDATE=1 regenerates them). Skipped for samples that
# are not in the tree.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

cd "$TOP" || exit 1
out=$TMP/out
# A sample without its golden file yet is skipped with the command to make it.
sgolden() {
	if [ "${UPDATE:-}" != 1 ] && [ ! -f "$GOLDEN/$1" ]; then
		skip "no golden $1 yet: run UPDATE=1 bash tests/analyze/t-report-samples.sh and review"
		return
	fi
	golden "$1" "$2"
}
mkdir -p "$out"
for s in demo proc_tree alloc_touch file_ops net_ops getppid; do
	f=samples/$s.trace
	if [ ! -f "$f" ]; then
		skip "$f not in the tree"
		continue
	fi
	PATH=/nonexistent "$SYSREC" analyze report -q "$f" -o "$out/$s" 2>/dev/null
	is "report $f exits 0" "$?" 0
	sgolden "sample-report-$s.json" "$out/$s/summary.json"
done
if [ -f samples/demo.trace ] && [ -f samples/proc_tree.trace ]; then
	PATH=/nonexistent "$SYSREC" analyze compare -q samples/demo.trace samples/proc_tree.trace \
		-o "$out/cmp" --fail-on 'new_syscalls > 0' >/dev/null 2>&1
	is "compare demo proc_tree: the new_syscalls gate fires" "$?" 3
	sgolden sample-compare-demo-proc_tree.json "$out/cmp/compare.json"
else
	skip "samples/demo.trace and samples/proc_tree.trace not in the tree"
fi
if ls samples/*.trace >/dev/null 2>&1; then
	"$SYSREC" analyze stats --format json samples/*.trace >"$out/stats.json"
	is "stats of every sample exits 0" "$?" 0
	sgolden sample-stats.json "$out/stats.json"
	# runs without memory figures (VmPeak 0) stay out of the memory average
	is "stats: (all) memory average is over the runs with memory figures" \
		"$(jget "$out/stats.json" "(d['all']['runs_with_memory'], d['all']['avg_peak_memory_kb'] == round(sum(h['avg_peak_memory_kb'] * h['runs_with_memory'] for h in d['groups'] if h['runs_with_memory']) / d['all']['runs_with_memory']))")" \
		"(3, True)"
fi
done_testing
