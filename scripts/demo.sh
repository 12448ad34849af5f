#!/usr/bin/env bash
# make demo: the main job end to end on the built-in demo workload
# (samples/workloads/demo_workload.c): record two runs, replay, summarize,
# extract features, write a report and a run-to-run comparison.
# Output goes to demo-out/ (override with DEMO_OUT=dir).
set -eu
cd "$(dirname "$0")/.."
out=${DEMO_OUT:-demo-out}
sysrec=bin/sysrec
wl=build/samples/demo_workload
mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: recording needs root (CAP_BPF); run 'sudo make demo'" >&2
	exit 1
fi

step "record: $sysrec record -o $out/run1.trace -- $wl 20"
$sysrec record -o "$out/run1.trace" -- "$wl" 20
step "record a second run with more work: $wl 30"
$sysrec record -q -o "$out/run2.trace" -- "$wl" 30

step "replay (first 25 lines): $sysrec replay -T $out/run1.trace"
$sysrec replay -T "$out/run1.trace" | head -n 25

step "replay --failed --syscall %file (first 5)"
$sysrec replay --failed --syscall %file "$out/run1.trace" | head -n 5

step "replay --summary (like strace -c)"
$sysrec replay --summary "$out/run1.trace"

step "replay --stats"
$sysrec replay --stats "$out/run1.trace"

step "export: JSON lines and CSV"
$sysrec replay --format json "$out/run1.trace" > "$out/run1.jsonl"
$sysrec replay --format csv "$out/run1.trace" > "$out/run1.csv"
echo "$(wc -l < "$out/run1.jsonl") JSON lines in $out/run1.jsonl, $(wc -l < "$out/run1.csv") CSV rows in $out/run1.csv"

step "analyze features (per process, 100ms windows) -> $out/features.csv"
$sysrec analyze features --window 100ms --by process "$out/run1.trace" > "$out/features.csv"
head -n 3 "$out/features.csv" | cut -c1-160

step "analyze train on run1, score run2"
$sysrec analyze train -n 6 -o "$out/model.pb" "$out/run1.trace"
$sysrec analyze score --model "$out/model.pb" "$out/run2.trace" | head -n 20

step "analyze report -> $out/report/index.html"
$sysrec analyze report "$out/run1.trace" -o "$out/report" --model "$out/model.pb"

step "analyze compare run1 run2 -> $out/compare/index.html"
set +e
$sysrec analyze compare "$out/run1.trace" "$out/run2.trace" -o "$out/compare" \
	--fail-on 'calls(openat) > +10%'
rc=$?
set -e
echo "compare exit status: $rc (3 = a --fail-on gate fired, as expected: run2 does more work)"

step "done"
echo "Open $out/report/index.html and $out/compare/index.html in a browser."
