#!/usr/bin/env bash
# sysrec replay beyond the goldens: exports parse with Python's json and csv,
# -w round trips, merge order, --since seeking, --speed pacing, closed pipes,
# damaged files, standard input and -o.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
replay_setup

# ---- JSON lines ----
"$SYSREC" replay --format json --samples basic.trace >b.json
check "json: every line parses, types and fields as documented" $PY - b.json <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
types = [r["type"] for r in rows]
assert types.count("syscall") == 11, types
assert types.count("process") == 2 and types.count("fork") == 2 and types.count("exit") == 3
assert types.count("sample") == 2 and types.count("loss") == 1 and types.count("hostcpu") == 1
for r in rows:
    assert isinstance(r["ts"], int) and isinstance(r["time"], float)
op = [r for r in rows if r["type"] == "syscall" and r["syscall"] == "openat"]
assert op[0]["path"] == "/etc/passwd" and op[0]["ret"] == 3 and op[0]["duration_ns"] == 12000
assert op[0]["args"][0] == "AT_FDCWD" and op[0]["raw_args"][2] == 0x80000, op[0]
assert op[1]["errno"] == "ENOENT" and op[1]["ret"] == -2
assert op[2]["path"] == "/tmp/we\"ird,na\nme\x01\u00ff", repr(op[2]["path"])
un = [r for r in rows if r.get("unfinished")]
assert len(un) == 1 and un[0]["ret"] is None and un[0]["comm"] == "worker"
ex = [r for r in rows if r["type"] == "exec"][0]
assert ex["argv"] == ["ls", "-l", "dir with space"] and ex["comm"] == "ls"
k = [r for r in rows if r["type"] == "exit" and r["group_dead"] and r["signal"]]
assert k[0]["signal"] == "SIGSEGV" and k[0]["core_dumped"] is True
assert [r["time"] for r in rows if r["type"] != "process"] == sorted(r["time"] for r in rows if r["type"] != "process")
PYEOF

# ---- CSV ----
"$SYSREC" replay --format csv basic.trace >b.csv
check "csv: header and 11 syscall rows load with python csv" $PY - b.csv <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 11, len(rows)
assert list(rows[0].keys()) == "time,ts_ns,pid,tid,comm,syscall,nr,ret,errno,duration_ns,state,path,args".split(",")
w = [r for r in rows if r["path"].startswith("/tmp/we")][0]
assert w["path"] == '/tmp/we"ird,na\nme\x01\ufffd' and w["errno"] == "EACCES" and w["state"] == "error"
states = sorted(set(r["state"] for r in rows))
assert states == ["error", "noreturn", "ok", "unfinished"], states
assert all(r["ret"] == "" for r in rows if r["state"] in ("unfinished", "noreturn"))
assert sum(int(r["duration_ns"] or 0) for r in rows) == 12000+5000+1000+8000+2000+4000+20000+1500000+3000
PYEOF
if command -v sqlite3 >/dev/null; then
	got=$(sqlite3 :memory: '.mode csv' '.import b.csv t' \
		"select count(*), sum(cast(duration_ns as integer)), count(errno) filter (where errno <> '') from t")
	is "csv: loads into sqlite3 (rows, total duration, errors)" "$got" "11,1555000,2"
else
	skip "sqlite3 is not installed"
fi
"$SYSREC" replay --format csv --samples basic.trace >s.csv
check "csv --samples: the samples table" $PY - s.csv <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 2 and rows[1]["final"] == "1" and rows[1]["rss_kb"] == "3072", rows
assert rows[0]["comm"] == "demo" and rows[0]["vol_ctxsw"] == "5"
PYEOF

# ---- Perfetto ----
"$SYSREC" replay --format perfetto --samples basic.trace second.trace >p.json
check "perfetto: trace-event JSON with X, M and C events and required fields" $PY - p.json <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
for e in ev:
    assert "ph" in e and "pid" in e and "name" in e, e
    if e["ph"] in "XBiC":
        assert isinstance(e["ts"], (int, float)), e
    if e["ph"] == "X":
        assert e["dur"] >= 0 and "tid" in e
x = [e for e in ev if e["ph"] == "X"]
assert len(x) == 9 + 6, len(x)
names = {(e["name"], e["pid"], e["tid"]): e["args"]["name"] for e in ev if e["ph"] == "M"}
assert names[("process_name", 100, 100)] == "demo" and names[("thread_name", 100, 101)] == "worker"
assert names[("process_name", 200, 200)] == "other"
c = [e for e in ev if e["ph"] == "C"]
assert {e["name"] for e in c} == {"rss_kb", "cpu_percent"}, c
cpu = [e for e in c if e["name"] == "cpu_percent"][0]["args"]["cpu_percent"]
assert abs(cpu - 100 * (5 / 100) / 0.00039) < 1, cpu
PYEOF

# ---- -w round trip ----
"$SYSREC" replay -t -T --samples --pid 100 basic.trace >want.txt
"$SYSREC" replay -w kept.trace --pid 100 basic.trace
is "-w exits 0" "$?" 0
"$SYSREC" replay -t -T --samples kept.trace >got.txt
check "-w: replay of the written trace equals the filtered replay" cmp -s want.txt got.txt
"$SYSREC" replay --stats kept.trace >kept.stats
check "-w: the header notes the source and the command" \
	grep -q "label: *replay.command=replay -w kept.trace --pid 100 basic.trace" kept.stats
"$SYSREC" replay -w - --syscall %file basic.trace | "$SYSREC" replay -t - >pipe.txt
"$SYSREC" replay -t --syscall %file basic.trace >direct.txt
check "-w - | replay - equals the direct replay" cmp -s pipe.txt direct.txt
"$SYSREC" replay -w all.trace basic.trace second.trace
"$SYSREC" replay -t all.trace >all.txt
"$SYSREC" replay -t basic.trace second.trace >both.txt
check "-w of two merged files equals their merged replay" cmp -s all.txt both.txt

# A trace with no syscalls at all (everything filtered out by -w).
"$SYSREC" replay -w none.trace --pid 99999 basic.trace
is "-w of nothing still writes a valid trace" "$("$SYSREC" replay --samples none.trace | wc -l)" 2
check "... whose Perfetto export is valid JSON" bash -c "'$SYSREC' replay --format perfetto none.trace | $PY -c 'import json,sys; json.load(sys.stdin)'"
is "... whose CSV is the header alone" "$("$SYSREC" replay --format csv none.trace | wc -l)" 1
check "... and whose summary has a zero total" bash -c "'$SYSREC' replay --summary none.trace | grep -q '^100.00    0.000000           0         0           total$'"

# ---- merge ----
n1=$("$SYSREC" replay basic.trace | wc -l)
n2=$("$SYSREC" replay second.trace | wc -l)
n12=$("$SYSREC" replay second.trace basic.trace | wc -l)
is "merge prints every line of both files" "$n12" "$((n1 + n2))"
check "merged output is in time order" bash -c \
	"'$SYSREC' replay basic.trace second.trace | grep -v '+++ process' | awk '{ if (\$1 < last) exit 1; last = \$1 }'"

"$MKSAMPLE" otherboot otherboot.trace
"$SYSREC" replay -t basic.trace otherboot.trace >ob.txt
check "files of another boot merge by their wall clock" cmp -s ob.txt both.txt

# ---- --since seeks (big file with many chunks) and equals plain filtering ----
"$MKSAMPLE" big big.trace 200000
"$SYSREC" replay --format csv big.trace >big.csv
"$SYSREC" replay --format csv --since 0.05 --until 0.0501 big.trace >since.txt
awk -F, 'NR == 1 || ($1 >= 0.05 && $1 <= 0.0501)' big.csv >since-want.txt
check "--since/--until on a big trace equals filtering the full output" cmp -s since.txt since-want.txt
check "--since window is not empty" test "$(wc -l <since.txt)" -gt 10
cat big.trace | "$SYSREC" replay --format csv --since 0.05 --until 0.0501 - >since-pipe.txt
check "--since on a pipe (no seeking) gives the same rows" cmp -s since-pipe.txt since-want.txt

# ---- closed pipe ----
"$SYSREC" replay big.trace 2>pipe.err | head -n 3 >/dev/null
is "output into a closed pipe exits 0" "${PIPESTATUS[0]}" 0
is "... quietly" "$(cat pipe.err)" ""
"$SYSREC" replay --format json big.trace 2>pipe.err | head -c 100 >/dev/null
is "json into a closed pipe exits 0" "${PIPESTATUS[0]}" 0

# ---- damage ----
"$SYSREC" replay basic.trace >full.txt
"$SYSREC" replay cut.trace >cut.txt 2>cut.err
is "a cut trace exits 1 (damage found)" "$?" 1
check "a cut trace prints a prefix of the full output" bash -c "head -n $(wc -l <cut.txt) full.txt | cmp -s - cut.txt"
check "... at least the first events" test "$(wc -l <cut.txt)" -ge 5
check "... and names the frame and offset on stderr" grep -Eq "cut.trace: frame [0-9]+ at offset [0-9]+" cut.err
"$SYSREC" replay flip.trace >flip.txt 2>flip.err
is "a flipped byte exits 1" "$?" 1
check "... reports the damage" grep -q "damaged trace: flip.trace" flip.err
check "... and goes on after it (last event still printed)" grep -q "killed by SIGSEGV" flip.txt

# ---- damaged in many ways: never a crash, always exit 0 or 1 ----
$PY - basic.trace <<'PYEOF'
import random, sys
data = open(sys.argv[1], "rb").read()
rnd = random.Random(4)
for i in range(60):
    b = bytearray(data)
    for _ in range(rnd.choice((1, 2, 8))):
        b[rnd.randrange(16, len(b))] ^= 1 << rnd.randrange(8)
    if i % 5 == 0:
        b = b[:rnd.randrange(16, len(b))]
    open("fz%02d.trace" % i, "wb").write(bytes(b))
PYEOF
bad=
for f in fz*.trace; do
	for fmt in text json csv perfetto; do
		"$SYSREC" replay --samples --format $fmt "$f" >/dev/null 2>&1
		rc=$?
		[ $rc -le 1 ] || bad="$bad $f:$fmt:$rc"
	done
	"$SYSREC" replay --stats --summary "$f" >/dev/null 2>&1
	rc=$?
	[ $rc -le 1 ] || bad="$bad $f:summary:$rc"
done
is "60 randomly damaged traces: every format exits 0 or 1" "$bad" ""

# ---- stdin, -o ----
cat basic.trace | "$SYSREC" replay - >stdin.txt
check "standard input equals the file" cmp -s stdin.txt full.txt
"$SYSREC" replay -o out.txt basic.trace
check "-o writes the output to a file" cmp -s out.txt full.txt
"$SYSREC" replay -o /nonexistent/dir/x basic.trace 2>o.err
is "-o into a missing folder exits 1" "$?" 1

# ---- --speed ----
start=$(date +%s%N)
"$SYSREC" replay --speed 2 long.trace >speed.txt
el=$((($(date +%s%N) - start) / 1000000))
diag "1 s trace at --speed 2 took $el ms"
check "--speed 2 paces a 1 s trace (0.3 s .. 3 s)" test "$el" -ge 300 -a "$el" -le 3000
is "--speed prints every event" "$(grep -c getpid speed.txt)" 11
start=$(date +%s%N)
"$SYSREC" replay --speed 4 -w - long.trace | "$SYSREC" replay - >speedw.txt
el=$((($(date +%s%N) - start) / 1000000))
diag "1 s trace at --speed 4 as a trace took $el ms"
check "--speed 4 -w - streams a trace (0.1 s .. 2 s)" test "$el" -ge 100 -a "$el" -le 2000
is "... every event arrives" "$(grep -c getpid speedw.txt)" 11
# A live consumer prints events as they come, not all at the end.
"$SYSREC" replay --speed 2 -w - long.trace | "$SYSREC" replay - |
	while read -r l; do date +%s%N; done >arrivals.txt
spread=$((($(tail -n 1 arrivals.txt) - $(head -n 1 arrivals.txt)) / 1000000))
diag "lines of a 0.5 s live stream arrived over $spread ms"
check "a live consumer's output is flushed while the stream goes on" test "$spread" -ge 200

done_testing
