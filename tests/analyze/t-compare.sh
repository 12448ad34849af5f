#!/usr/bin/env bash
# analyze compare and stats on synthetic traces: gates fire exactly when
# they should (exit 3 / 0 / 2), golden compare.json and stats JSON,
# several runs per side.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

cd "$TMP" || exit 1
"$GEN" base.trace 100 0 5000 &&
	"$GEN" same.trace 100 0 5000 &&
	"$GEN" double.trace 200 0 5000 &&
	"$GEN" sleep.trace 100 1 5000 &&
	"$GEN" slowread.trace 100 0 20000 &&
	"$GEN" base2.trace 104 0 5000 &&
	"$GEN" double2.trace 206 0 5000 || { not_ok "gen_trace runs"; done_testing; }

cmp_rc() { "$SYSREC" analyze compare "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; echo $?; }

# K versus 2K openat rounds
is "2K openat: calls(openat) > +50% fires (exit 3)" "$(cmp_rc base.trace double.trace --fail-on 'calls(openat) > +50%')" 3
check "the fired gate is printed" grep -q 'FIRED  calls(openat) > +50%' out.txt
check "stderr names the fired gate" grep -q 'gate fired: calls(openat) > +50%' err.txt
is "2K openat: calls(openat) > +150% does not fire" "$(cmp_rc base.trace double.trace --fail-on 'calls(openat) > +150%')" 0
is "2K openat: exact delta gate calls(openat) >= +100 fires" "$(cmp_rc base.trace double.trace --fail-on 'calls(openat) >= +100')" 3
is "2K openat: calls(openat) > +100 does not fire (delta is exactly 100)" "$(cmp_rc base.trace double.trace --fail-on 'calls(openat) > +100')" 0
is "2K openat: no new syscalls" "$(cmp_rc base.trace double.trace --fail-on 'new_syscalls > 0' --fail-on 'vanished_syscalls > 0')" 0
is "2K openat: latency gate does not fire" "$(cmp_rc base.trace double.trace --fail-on 'p99(read) > +20%')" 0
"$SYSREC" analyze compare base.trace double.trace -o dbl >/dev/null 2>&1
is "compare.json: openat delta" "$(jget dbl/compare.json "[s['calls']['delta'] for s in d['syscalls'] if s['name']=='openat'][0]")" 100
is "compare.json: openat +100%" "$(jget dbl/compare.json "[s['calls']['delta_pct'] for s in d['syscalls'] if s['name']=='openat'][0]")" 100
is "compare.json: openat status" "$(jget dbl/compare.json "[s['status'] for s in d['syscalls'] if s['name']=='openat'][0]")" changed
is "compare.json: openat errors +10" "$(jget dbl/compare.json "[s['errors']['delta'] for s in d['syscalls'] if s['name']=='openat'][0]")" 10

# An added 1 ms sleep before each read
is "sleep: new_syscalls > 0 fires" "$(cmp_rc base.trace sleep.trace --fail-on 'new_syscalls > 0')" 3
check "terminal lists clock_nanosleep as new" grep -Eq '^ +new +clock_nanosleep' out.txt
is "sleep: runtime > +25% fires (1.06 ms more per 3 ms round)" "$(cmp_rc base.trace sleep.trace --fail-on 'runtime > +25%')" 3
is "sleep: blocked > +80 fires (90 sleeps of 1.06 ms)" "$(cmp_rc base.trace sleep.trace --fail-on 'blocked > +80')" 3
is "sleep: calls(openat) > +10% does not fire" "$(cmp_rc base.trace sleep.trace --fail-on 'calls(openat) > +10%')" 0
is "sleep: new_ngrams > 0 fires" "$(cmp_rc base.trace sleep.trace --fail-on 'new_ngrams > 0')" 3
"$SYSREC" analyze compare base.trace sleep.trace -o slp --fail-on 'new_syscalls > 0' \
	--fail-on 'calls(openat) > +10%' >slp.txt 2>/dev/null
is "sleep report exits 3" "$?" 3
golden compare-sleep.json slp/compare.json
is "new syscalls listed" "$(jget slp/compare.json "d['new_syscalls']")" "['clock_nanosleep']"
is "new trigrams include openat clock_nanosleep read" \
	"$(jget slp/compare.json "['openat','clock_nanosleep','read'] in [e['ngram'] for e in d['ngrams']['examples']]")" True
is "gates recorded in compare.json" "$(jget slp/compare.json "[(g['expr'], g['fired']) for g in d['gates']]")" \
	"[('new_syscalls > 0', True), ('calls(openat) > +10%', False)]"
check "report.md shows the fired gate" grep -q '| fired | new_syscalls > 0 |' slp/report.md
check "index.html marks the fired gate" grep -q '<tr class="fired"><td>fired</td><td>new_syscalls &gt; 0' slp/index.html

# Slower reads: a latency shift, significant
is "slow reads: p50(read) > +100% fires" "$(cmp_rc base.trace slowread.trace --fail-on 'p50(read) > +100%')" 3
is "slow reads: p99(read) > 50us fires" "$(cmp_rc base.trace slowread.trace --fail-on 'p99(read) > 50us')" 3
is "slow reads: p99(read) > 61us does not fire (p99 is 60us)" "$(cmp_rc base.trace slowread.trace --fail-on 'p99(read) > 61us')" 0
"$SYSREC" analyze compare base.trace slowread.trace -o slow >/dev/null 2>&1
is "slow reads: MWU p-value < 0.0001" "$(jget slow/compare.json "[s['latency_ns']['mwu_p'] < 0.0001 for s in d['syscalls'] if s['name']=='read'][0]")" True
is "slow reads: p50 CI excludes 0" "$(jget slow/compare.json "[s['latency_ns']['ci95']['p50'][0] > 0 for s in d['syscalls'] if s['name']=='read'][0]")" True
is "slow reads: openat latency unchanged (no MWU shift)" "$(jget slow/compare.json "[s['latency_ns']['mwu_p'] > 0.01 for s in d['syscalls'] if s['name']=='openat'][0]")" True

# Two runs of the same workload: nothing fires
all_gates=(--fail-on 'calls(*) > +1%' --fail-on 'calls(openat) > +10%' --fail-on 'rate(%file) > +10%'
	--fail-on 'errors(*) > +0' --fail-on 'p99(read) > +20%' --fail-on 'p50(openat) > +20%'
	--fail-on 'new_syscalls > 0' --fail-on 'vanished_syscalls > 0' --fail-on 'new_ngrams > 0'
	--fail-on 'peak_rss > +5%' --fail-on 'cpu_time > +10%' --fail-on 'faults > +10%'
	--fail-on 'io_bytes > +10%' --fail-on 'runtime > +10%' --fail-on 'blocked > +0')
is "same workload twice: no gate fires (15 gates)" "$(cmp_rc base.trace same.trace "${all_gates[@]}")" 0
is "all 15 gates printed as ok" "$(grep -c '^  ok ' out.txt)" 15

# Several runs per side
"$SYSREC" analyze compare --base base.trace base2.trace --new double.trace double2.trace -o multi \
	--fail-on 'calls(openat) > +50%' >multi.txt 2>&1
is "several runs: gate fires" "$?" 3
golden compare-multi.json multi/compare.json
is "several runs: mean calls per run" "$(jget multi/compare.json "[(s['calls']['base'], s['calls']['new']) for s in d['syscalls'] if s['name']=='openat'][0]")" "(102, 203)"
is "several runs: noise (sd of openat calls)" "$(jget multi/compare.json "[round(s['base_calls_sd'],3) for s in d['syscalls'] if s['name']=='openat'][0]")" 2.828
check "several runs: noise columns in the table" grep -q 'base noise' multi.txt

# Usage errors: exit 2 naming the expression
is "bad expression exits 2" "$(cmp_rc base.trace same.trace --fail-on 'calls(openat) ~ 3')" 2
check "bad expression is named" grep -q "invalid --fail-on expression 'calls(openat) ~ 3'" err.txt
is "unknown metric exits 2" "$(cmp_rc base.trace same.trace --fail-on 'latency(read) > 1')" 2
check "unknown metric is named" grep -q "unknown metric 'latency'" err.txt
is "one trace only exits 2" "$(cmp_rc base.trace)" 2
is "--base without --new exits 2" "$(cmp_rc --base base.trace)" 2
is "missing trace exits 1" "$(cmp_rc base.trace nosuch.trace)" 1

# Without gnuplot the text parts are written
PATH=/nonexistent "$SYSREC" analyze compare base.trace double.trace -o nognu >/dev/null 2>nognu.err
is "compare without gnuplot exits 0" "$?" 0
check "compare without gnuplot: install hint" grep -q 'apt-get install gnuplot-nox' nognu.err
check "compare without gnuplot: compare.json identical" cmp -s dbl/compare.json nognu/compare.json
if command -v gnuplot >/dev/null; then
	is "compare: 4 well-formed SVG plots" "$(svgs_wellformed dbl)" 4
	check "compare: every src= exists" html_refs_exist dbl
else
	skip "gnuplot not installed"
fi

# stats over many runs
"$GEN" l1.trace 100 0 5000 train && "$GEN" l2.trace 120 0 5000 train && "$GEN" l3.trace 100 1 5000 attack ./other
"$SYSREC" analyze stats --format json base.trace same.trace double.trace l1.trace l2.trace l3.trace >stats.json
is "stats exits 0" "$?" 0
golden stats-command.json stats.json
is "stats: runs per command" "$(jget stats.json "[(g['command'], g['runs']) for g in d['groups']]")" \
	"[('./app --x', 5), ('./other --x', 1)]"
"$SYSREC" analyze stats --by label base.trace l1.trace l2.trace l3.trace >stats-label.txt
is "stats --by label exits 0" "$?" 0
golden stats-label.txt stats-label.txt
"$SYSREC" analyze stats --by colour base.trace >/dev/null 2>err.txt
is "stats --by bad value exits 2" "$?" 2
check "stats names the bad --by" grep -q "invalid --by argument: 'colour'" err.txt
done_testing
