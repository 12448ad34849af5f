#!/usr/bin/env bash
# analyze report on a synthetic trace (tests/tools/gen_trace.c): exact
# figures, golden summary.json, well-formed SVGs, the page without gnuplot.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

cd "$TMP" || exit 1
"$GEN" basic.trace 100 0 5000 || { not_ok "gen_trace runs"; done_testing; }

"$SYSREC" analyze report basic.trace -o rep >out.txt 2>err.txt
is "report exits 0" "$?" 0
for f in index.html report.md summary.json; do
	check "rep/$f written" test -s "rep/$f"
done
golden report-basic.json rep/summary.json

is "openat calls" "$(jget rep/summary.json "[s['calls'] for s in d['syscalls'] if s['name']=='openat'][0]")" 100
is "openat errors (every 10th is ENOENT)" \
	"$(jget rep/summary.json "[s['errnos'] for s in d['syscalls'] if s['name']=='openat'][0]")" "{'ENOENT': 10}"
is "read calls" "$(jget rep/summary.json "[s['calls'] for s in d['syscalls'] if s['name']=='read'][0]")" 90
is "read p50 latency (ns)" "$(jget rep/summary.json "[s['p50_ns'] for s in d['syscalls'] if s['name']=='read'][0]")" 5000
is "read p99 latency (every 7th read is 3x)" \
	"$(jget rep/summary.json "[s['p99_ns'] for s in d['syscalls'] if s['name']=='read'][0]")" 15000
# 5 futex waits of 2 ms + 1 unfinished futex; nothing else reaches 1 ms
is "blocked_syscalls" "$(jget rep/summary.json "d['summary']['blocked_syscalls']")" 6
is "unfinished syscalls" "$(jget rep/summary.json "d['summary']['unfinished_syscalls']")" 1
is "read_syscalls from the final sample" "$(jget rep/summary.json "d['summary']['read_syscalls']")" 93
is "peak_memory_kb is the largest VmPeak" "$(jget rep/summary.json "d['summary']['peak_memory_kb']")" \
	9300
is "processes" "$(jget rep/summary.json "[(p['pid'], p['comm'], p['exit_code']) for p in d['processes']]")" \
	"[(1000, 'app', 0), (1002, 'true', 0)]"
is "lost events" "$(jget rep/summary.json "d['run']['lost_events']")" 3
is "exit reason" "$(jget rep/summary.json "d['run']['exit_reason']")" "command exited"
is "start wall clock from the header pairing" "$(jget rep/summary.json "d['run']['start']")" \
	"2026-01-01T00:00:00.001Z"
check "report.md has the strace -c table" grep -q '^| % time | seconds | usecs/call | calls | errors' rep/report.md
check "report.md defines blocked_syscalls" grep -q 'blocked_syscalls counts syscalls still unfinished' rep/report.md
check "terminal line names the page" grep -q 'report: rep/index.html' out.txt

if command -v gnuplot >/dev/null; then
	n=$(svgs_wellformed rep)
	is "6 SVG plots, all well-formed XML" "$n" 6
	for p in rate rate_class latency cpu_rss faults_io timeline; do
		check "plot $p: script, SVG and reference in index.html" \
			bash -c "test -s rep/plots/$p.gp && test -s rep/plots/$p.svg && grep -q 'plots/$p.svg' rep/index.html"
	done
	check "every src= of index.html exists" html_refs_exist rep
	check "index.html loads no external resource" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' rep/index.html"
	check "index.html has no script" bash -c "! grep -qi '<script' rep/index.html"
	check "latency plot uses a log x axis" grep -q 'set logscale x' rep/plots/latency.gp
	check "SVGs have no script either" bash -c "! grep -l '<script' rep/plots/*.svg"
else
	skip "gnuplot not installed"
fi

# Without gnuplot: a clear message with the install command, text parts written.
mkdir -p nognu
PATH=/nonexistent "$SYSREC" analyze report basic.trace -o nognu >/dev/null 2>nognu.err
is "report without gnuplot exits 0" "$?" 0
check "stderr says how to install gnuplot" grep -q "apt-get install gnuplot-nox" nognu.err
check "index.html explains the missing plots" grep -q 'gnuplot was not found' nognu/index.html
check "scripts and data still written" test -s nognu/plots/rate.gp -a -s nognu/plots/rate.dat
is "no SVG without gnuplot" "$(ls nognu/plots/*.svg 2>/dev/null | wc -l)" 0
check "summary.json identical without gnuplot" cmp -s rep/summary.json nognu/summary.json

# Default output folder, usage errors, damaged input.
"$SYSREC" analyze report -q basic.trace
is "default folder is FILE-report" "$?$(test -s basic-report/index.html && echo y)" 0y
"$SYSREC" analyze report >/dev/null 2>err.txt
is "missing FILE is a usage error" "$?" 2
check "usage error names the problem" grep -q 'missing trace FILE' err.txt
"$SYSREC" analyze report --top 0 basic.trace >/dev/null 2>err.txt
is "bad --top is a usage error" "$?" 2
check "bad --top names the option" grep -q "invalid --top argument: '0'" err.txt
"$SYSREC" analyze report nosuch.trace -o x >/dev/null 2>err.txt
is "missing trace is a runtime error" "$?" 1
size=$(stat -c %s basic.trace)
head -c $((size * 2 / 3)) basic.trace >cut.trace
"$SYSREC" analyze report cut.trace -o cut >/dev/null 2>cut.err
is "a cut trace still gets a report" "$?" 0
check "the cut is reported" grep -qi 'damaged\|truncat' cut.err
check "the cut trace's summary says the recording was cut" \
	grep -q '"exit_reason": "no totals: the recording was cut short"' cut/summary.json

# --model: anomalous windows from `analyze score` (skipped until the model lands)
"$GEN" sleepy.trace 100 1 5000
if "$SYSREC" analyze train -n 3 -o m.model basic.trace >/dev/null 2>train.err; then
	"$SYSREC" analyze report -q sleepy.trace -o mrep --model m.model 2>mrep.err
	is "report --model exits 0" "$?" 0
	check "anomalies.json kept" test -s mrep/anomalies.json
	check "report.md lists the never-seen window" \
		grep -q '| no | close openat clock_nanosleep |' mrep/report.md
	check "index.html has the anomalies section" grep -q 'id="anomalies"' mrep/index.html
	# sleepy's app makes basic's 10 calls and clock_nanosleep: 1 - 10/11.
	check "report.md gives the call-set distance, 1 - 10/11" \
		grep -q 'mean surprisal [0-9.]* bits, call-set distance 0.091 (worst process' mrep/report.md
	"$SYSREC" analyze report -q sleepy.trace -o mrep-old \
		--model "$TOP/tests/analyze/data/ab-before-callset.model" 2>mrep-old.err
	is "report --model with a model from before call sets exits 0" "$?" 0
	check "its summary leaves the call-set distance out" \
		grep -q 'mean surprisal [0-9.]* bits$' mrep-old/report.md
	if command -v gnuplot >/dev/null; then
		check "anomalies plot drawn" test -s mrep/plots/anomalies.svg
	fi
	"$SYSREC" analyze report -q basic.trace -o mrep2 --model nosuch.model 2>mrep2.err
	is "report with a missing model exits 1" "$?" 1
else
	skip "analyze train is not available in this tree: $(head -c 80 train.err)"
fi
done_testing
