#!/usr/bin/env bash
# analyze compare on runs recorded by the real recorder: the compare
# workload (tests/workloads/cmp_workload.c) with K versus 2K openat calls,
# and with a 1 ms sleep added before each read. The report shows the
# delta, the matching --fail-on gates fire (exit 3), the others do not,
# and two runs of the same workload fire nothing.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
needs_root
CW=$WL/cmp_workload
K=200

cd "$TMP" || exit 1
rec() { # rec OUT ARGS...: record cmp_workload ARGS into OUT
	local out=$1; shift
	"$SYSREC" record -q -o "$out" -- "$CW" "$@" >"$out.log" 2>&1
}
if ! rec probe.trace 1 0 || [ ! -s probe.trace ]; then
	if grep -q 'not implemented' probe.trace.log; then
		skip "sysrec record is not implemented in this tree yet"
		done_testing
	fi
	not_ok "sysrec record works"
	sed 's/^/# /' probe.trace.log | head -5
	done_testing
fi
rec base.trace $K 0 && rec same.trace $K 0 && rec double.trace $((2 * K)) 0 && rec sleep.trace $K 1
is "four runs recorded" "$?" 0

cmp_rc() { "$SYSREC" analyze compare "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; echo $?; }

# K versus 2K openat calls
is "2K: calls(openat) > +50% fires" "$(cmp_rc base.trace double.trace -o dbl --fail-on 'calls(openat) > +50%')" 3
check "2K: the fired gate is printed" grep -q 'FIRED  calls(openat) > +50%' out.txt
is "2K: openat delta is exactly K" "$(jget dbl/compare.json "[s['calls']['delta'] for s in d['syscalls'] if s['name']=='openat'][0]")" $K
is "2K: read delta is exactly K" "$(jget dbl/compare.json "[s['calls']['delta'] for s in d['syscalls'] if s['name']=='read'][0]")" $K
is "2K: close delta is exactly K" "$(jget dbl/compare.json "[s['calls']['delta'] for s in d['syscalls'] if s['name']=='close'][0]")" $K
check "2K: report.md shows openat as changed" grep -Eq '^\| changed \| openat \|' dbl/report.md
is "2K: new_syscalls/vanished/openat>+150% do not fire" \
	"$(cmp_rc base.trace double.trace --fail-on 'new_syscalls > 0' --fail-on 'vanished_syscalls > 0' --fail-on 'calls(openat) > +150%')" 0

# A 1 ms sleep before each read
is "sleep: new_syscalls > 0 fires" "$(cmp_rc base.trace sleep.trace -o slp --fail-on 'new_syscalls > 0')" 3
is "sleep: clock_nanosleep is the new syscall" "$(jget slp/compare.json "d['new_syscalls']")" "['clock_nanosleep']"
is "sleep: K clock_nanosleep calls" "$(jget slp/compare.json "[s['calls']['new'] for s in d['syscalls'] if s['name']=='clock_nanosleep'][0]")" $K
is "sleep: clock_nanosleep p50 >= 1 ms" "$(jget slp/compare.json "[s['latency_ns']['p50']['new'] >= 1e6 for s in d['syscalls'] if s['name']=='clock_nanosleep'][0]")" True
is "sleep: runtime > +50% fires" "$(cmp_rc base.trace sleep.trace --fail-on 'runtime > +50%')" 3
is "sleep: blocked > +3K/4 fires (each sleep blocks >= 1 ms; base may block a few times too)" "$(cmp_rc base.trace sleep.trace --fail-on "blocked > +$((K * 3 / 4))")" 3
is "sleep: new trigrams fire" "$(cmp_rc base.trace sleep.trace --fail-on 'new_ngrams > 0')" 3
is "sleep: calls(openat) > +10% and calls(read) > +10% do not fire" \
	"$(cmp_rc base.trace sleep.trace --fail-on 'calls(openat) > +10%' --fail-on 'calls(read) > +10%')" 0

# The same workload twice: nothing fires
is "same workload: no gate fires" "$(cmp_rc base.trace same.trace -o same \
	--fail-on 'calls(openat) > +10%' --fail-on 'calls(read) > +10%' --fail-on 'calls(*) > +10%' \
	--fail-on 'new_syscalls > 0' --fail-on 'vanished_syscalls > 0' --fail-on 'errors(*) > +5' \
	--fail-on 'calls(%file) > +10%')" 0
is "same workload: openat delta 0" "$(jget same/compare.json "[s['calls']['delta'] for s in d['syscalls'] if s['name']=='openat'][0]")" 0

# The single-run report of a recorded run
"$SYSREC" analyze report -q base.trace -o rep
is "report of a recorded run exits 0" "$?" 0
is "report: openat calls >= K" "$(jget rep/summary.json "[s['calls'] >= $K for s in d['syscalls'] if s['name']=='openat'][0]")" True
is "report: the command is recorded" "$(jget rep/summary.json "d['run']['command'].split()[1:]")" "['$K', '0']"
is "report: exit status 0" "$(jget rep/summary.json "d['run']['exit_code']")" 0
if command -v gnuplot >/dev/null; then
	is "report: 6 SVGs, well-formed" "$(svgs_wellformed rep)" 6
fi
done_testing
