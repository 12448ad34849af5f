#!/usr/bin/env bash
# The strace log kept in samples/ (strace -f -ttt -T of the threads
# workload, with unfinished/resumed lines of its blocking pipe reads)
# imports again into the same events as the kept samples/strace-import.trace,
# and the per-syscall counts equal those of the log itself.
. "$(dirname "$0")/../lib/tap.sh"
PY=/usr/bin/python3
LOG=$TOP/samples/strace-import.log
KEPT=$TOP/samples/strace-import.trace
if [ ! -f "$LOG" ] || [ ! -f "$KEPT" ]; then
	skip "samples/strace-import.{log,trace} not in the tree"
	done_testing
fi
cd "$TMP" || exit 1
mkdir -p new kept
cp "$LOG" new/strace-import.log
ln -sf "$KEPT" kept/strace-import.trace
(cd new && "$SYSREC" import -q --from strace strace-import.log -o strace-import.trace)
is "import of the kept log exits 0" "$?" 0
(cd new && "$SYSREC" replay -T strace-import.trace) >new.txt 2>&1
(cd kept && "$SYSREC" replay -T strace-import.trace) >kept.txt 2>&1
check "replay of the new import = replay of the kept trace, byte for byte" cmp -s new.txt kept.txt
is "the import reads the symbolic prctl/madvise/futex arguments of the log" \
	"$(grep -cE 'prctl\(PR_SET_NAME, |madvise\(0x[0-9a-f]+, [0-9]+, MADV_DONTNEED\)|futex\(0x[0-9a-f]+, FUTEX_WAIT_BITSET\|FUTEX_CLOCK_REALTIME, ' new.txt)" 9
is "every event is there: $(wc -l <kept.txt) lines" "$(wc -l <new.txt)" "$(wc -l <kept.txt)"

# Counts straight from the log: a call is a line that is not a resumption
# ("<... read resumed>") nor a process note ("+++", "---"); an unfinished
# call counts once, where it started.
$PY - "$LOG" >log-counts.txt <<'PYEOF'
import collections, re, sys
calls = collections.Counter()
errors = collections.Counter()
for line in open(sys.argv[1]):
    rest = line.split(None, 2)[2] if len(line.split(None, 2)) == 3 else ""
    if rest.startswith(("<...", "+++", "---")):
        continue
    m = re.match(r"([a-z0-9_]+)\(", rest)
    if not m:
        continue
    calls[m.group(1)] += 1
    if re.search(r"\) += -1 [A-Z]", rest):
        errors[m.group(1)] += 1
# errors of unfinished calls are on their resumed line
for line in open(sys.argv[1]):
    m = re.search(r"<\.\.\. ([a-z0-9_]+) resumed>.*= -1 [A-Z]", line)
    if m:
        errors[m.group(1)] += 1
for name in sorted(calls):
    print(name, calls[name], errors[name])
PYEOF
(cd kept && "$SYSREC" replay --summary strace-import.trace) |
	awk 'NR > 2 && $NF != "total" && $1 ~ /^[0-9]/ { e = (NF == 6) ? $5 : 0; print $NF, $4, e }' |
	sort >summary-counts.txt
check "per-syscall calls and errors of replay --summary = the log's ($(wc -l <log-counts.txt) syscalls)" \
	diff -u log-counts.txt summary-counts.txt
is "read calls: 3 threads x 5 rounds + main's token + the loader's ELF read" \
	"$(awk '$1 == "read" { print $2 }' log-counts.txt)" 17
done_testing
