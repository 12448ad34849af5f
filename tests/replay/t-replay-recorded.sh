#!/usr/bin/env bash
# sysrec replay on traces made by the real recorder: exact counts of a known
# workload in text, JSON and CSV, process events of a process tree, --comm,
# /proc samples, -w round trip, Perfetto, and two recordings merged.
. "$(dirname "$0")/../lib/tap.sh"
export LC_ALL=C TZ=UTC
PY=/usr/bin/python3
needs_root
WLB=$TOP/build/tools/replay_workload
if [ ! -x "$WLB" ]; then
	not_ok "build/tools/replay_workload is built (make)"
	done_testing
fi
cd "$TMP" || exit 1
if ! "$SYSREC" record -q -o wl.trace -- "$WLB" >rec.out 2>rec.err; then
	not_ok "sysrec record of the workload exits 0"
	sed 's/^/# /' rec.err
	done_testing
fi

"$SYSREC" replay wl.trace >wl.txt
is "replay of a recorded trace exits 0" "$?" 0
is "text: 1000 getpid lines" "$(grep -c '] getpid() = [0-9]*$' wl.txt)" 1000
is "text: 50 failed opens, decoded" \
	"$(grep -cF 'openat(AT_FDCWD, "/nonexistent/sysrec-replay-test", O_RDONLY) = -1 ENOENT (No such file or directory)' wl.txt)" 50
is "text: 300 writes of 16 bytes" "$(grep -c '] write([0-9]*, 0x[0-9a-f]*, 16) = 16$' wl.txt)" 300
check "text: the exec names the workload" grep -qF "+++ execve(\"$WLB\", [\"$WLB\"]) +++" wl.txt
check "text: the exit" grep -q 'replay_workload\[[0-9]*\] +++ exited with 0 +++$' wl.txt

nsc=$("$SYSREC" replay --stats wl.trace | awk '$1 == "events:" { gsub(/[(,]/, " "); print $4 }')
"$SYSREC" replay --format json wl.trace >wl.json
is "json: one syscall object per recorded syscall" \
	"$($PY -c 'import json,sys; print(sum(json.loads(l)["type"] == "syscall" for l in open(sys.argv[1])))' wl.json)" "$nsc"
"$SYSREC" replay --format csv wl.trace >wl.csv
is "csv: one row per recorded syscall" \
	"$($PY -c 'import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))' wl.csv)" "$nsc"
is "--syscall getpid --summary: 1000 calls" \
	"$("$SYSREC" replay --summary --syscall getpid wl.trace | awk '$NF == "getpid" { print $4 }')" 1000
is "--failed: the 50 failing opens and the loader's misses" \
	"$("$SYSREC" replay --failed --syscall openat wl.trace | grep -c nonexistent)" 50

# A process tree: a shell running two children.
"$SYSREC" record -q -o tree.trace -- /bin/sh -c '/bin/true; /bin/echo hi >/dev/null; exit 3' >/dev/null 2>&1
is "record returns the command's status" "$?" 3
"$SYSREC" replay tree.trace >tree.txt
is "tree: two fork lines under the shell" "$(grep -c '^[0-9.]* sh\[[0-9]*\] +++ fork child [0-9]* +++$' tree.txt)" 2
is "tree: three execs" "$(grep -c '+++ execve(' tree.txt)" 3
check "tree: the shell exits with 3" grep -q '^[0-9.]* sh\[[0-9]*\] +++ exited with 3 +++$' tree.txt
"$SYSREC" replay --comm echo tree.trace >echo.txt
check "--comm echo: only echo's lines" bash -c "! grep -v ' echo\[' echo.txt | grep -v '!!!' | grep -q ."
check "--comm echo: its execve and exit are there" bash -c "grep -q 'execve(\"/bin/echo\"' echo.txt && grep -q 'echo\[[0-9]*\] +++ exited with 0 +++' echo.txt"

# /proc samples of a sleeping process.
"$SYSREC" record -q --sample-interval 20ms -o sleep.trace -- /bin/sleep 0.3 >/dev/null 2>&1
ns=$("$SYSREC" replay --samples sleep.trace | grep -c '=== sample: rss ')
check "--samples: a sleeping process is sampled every 20 ms ($ns samples)" test "$ns" -ge 5
"$SYSREC" replay --format csv --samples sleep.trace >sleep.csv
check "csv --samples: rows with rss" $PY -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) >= 5 and all(int(r["rss_kb"]) > 0 for r in rows if r["final"] == "0"), rows
assert rows[-1]["final"] == "1"' sleep.csv
"$SYSREC" replay --format perfetto --samples sleep.trace tree.trace >p.json
check "perfetto of two recordings loads, with counters and named threads" $PY -c '
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
assert any(e["ph"] == "C" and e["name"] == "rss_kb" for e in ev)
assert any(e["ph"] == "M" and e["args"]["name"] == "sleep" for e in ev)
assert sum(e["ph"] == "X" for e in ev) > 50' p.json

# -w round trip of a real trace.
pid=$(awk '/getpid\(\)/ { sub(/.*\[/, "", $2); sub(/\].*/, "", $2); print $2; exit }' wl.txt)
"$SYSREC" replay -t -T --samples --pid "$pid" --syscall '!getpid' wl.trace >want.txt
"$SYSREC" replay -w kept.trace --pid "$pid" --syscall '!getpid' wl.trace
"$SYSREC" replay -t -T --samples kept.trace >got.txt
check "-w of a recorded trace replays the same" cmp -s want.txt got.txt

# Two recordings merged: every line of each, in wall-clock order.
n1=$(wc -l <wl.txt)
n2=$(wc -l <tree.txt)
"$SYSREC" replay -t wl.trace tree.trace >merged.txt
is "two recordings merged: every line of both" "$(wc -l <merged.txt)" "$((n1 + n2))"
check "... in time order" bash -c "grep -v '+++ process' merged.txt | awk '{ if (\$1 < last) exit 1; last = \$1 }'"

# A recording's syscall table extends an older one (32-bit names from 1024
# on): -w merges it with a sample recorded before, under the longer table.
"$SYSREC" replay -w both.trace "$TOP/samples/demo.trace" wl.trace 2>both.err
is "-w merges a recording with an older sample (extended syscall table)" "$?/$(cat both.err)" "0/"
is "... every line of both" "$("$SYSREC" replay both.trace | wc -l)" \
	"$(($("$SYSREC" replay "$TOP/samples/demo.trace" | wc -l) + $("$SYSREC" replay wl.trace | wc -l)))"
"$SYSREC" import -q --from strace --abi i386 -o i386.trace /dev/null 2>/dev/null
"$SYSREC" replay -w mixed.trace wl.trace i386.trace 2>mixed.err
is "-w refuses to merge traces of different ABIs" "$?/$(grep -c 'use different syscall tables' mixed.err)" "1/1"
done_testing
