#!/usr/bin/env bash
# analyze features: exact counts on a synthetic trace, and the rhythm of a
# workload sleeping 10 ms 50 times (recorded when the recorder can run here,
# else written with the same timing by tests/tools/seqtrace).
. "$(dirname "$0")/../lib/tap.sh"
PY=/usr/bin/python3
SEQ=$TOP/build/tools/seqtrace

# --- exact figures on a hand-made trace (x86_64: 0 read, 1 write, 2 open, 3 close) ---
# pid 10 "sh": read write read write open close, 1 ms apart; open fails with ENOENT
cat >"$TMP/a.spec" <<'SPEC'
abi x86_64
ticks 100
proc 10 1 sh
proc 20 1 cat
sc 1000000000 10 10 0 5 1000
sc 1001000000 10 10 1 5 2000
sc 1002000000 10 10 0 5 3000
sc 1003000000 10 10 1 5 4000
sc 1004000000 10 10 2 -2 5000
sc 1005000000 10 10 3 0 6000
sample 1000500000 10 100 50 1000 2000 10 0 0 0 0 0 0 0
sample 1004500000 10 102 51 1500 2500 30 1 4096 8192 3 2 4 1
seq 20 21 1000000000 2000000 0 0 0 0
SPEC
"$SEQ" "$TMP/a.sysrec" <"$TMP/a.spec" || { not_ok "seqtrace"; done_testing; }
"$SYSREC" analyze features "$TMP/a.sysrec" >"$TMP/a.csv" 2>"$TMP/a.err"
is "features exit status" "$?" 0
col() { # col FILE ROW NAME -> value
	$PY - "$@" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(rows[int(sys.argv[2])][sys.argv[3]])
PYEOF
}
is "two process rows" "$(($(wc -l <"$TMP/a.csv") - 1))" 2
is "pid 10 comm" "$(col "$TMP/a.csv" 0 comm)" sh
is "pid 10 calls" "$(col "$TMP/a.csv" 0 calls)" 6
is "pid 10 n_read" "$(col "$TMP/a.csv" 0 n_read)" 2
is "pid 10 n_close" "$(col "$TMP/a.csv" 0 n_close)" 1
is "pid 10 errors" "$(col "$TMP/a.csv" 0 errors)" 1
is "pid 10 err_ENOENT rate 1/6" "$(col "$TMP/a.csv" 0 err_ENOENT)" 0.166667
is "pid 10 seconds (first to last event)" "$(col "$TMP/a.csv" 0 seconds)" 0.005
is "pid 10 rate 6 calls / 5 ms" "$(col "$TMP/a.csv" 0 rate)" 1200
is "pid 10 iat mean 1 ms" "$(col "$TMP/a.csv" 0 iat_mean_us)" 1000
is "pid 10 iat sd 0 (perfectly regular)" "$(col "$TMP/a.csv" 0 iat_sd_us)" 0
is "pid 10 burstiness -1 (regular)" "$(col "$TMP/a.csv" 0 burstiness)" -1
# entropy of {2,2,1,1}/6 = 2*(1/3)log2(3) + 2*(1/6)log2(6)
is "pid 10 entropy" "$(col "$TMP/a.csv" 0 entropy_bits)" 1.9183
is "pid 10 read latency max 3 us" "$(col "$TMP/a.csv" 0 lat_read_max_us)" 3
is "pid 10 read latency p50 1 us (nearest rank)" "$(col "$TMP/a.csv" 0 lat_read_p50_us)" 1
# samples: 3 ticks over 5 ms at 100 ticks/s = 600%; faults 20 / 5 ms
is "pid 10 cpu_pct" "$(col "$TMP/a.csv" 0 cpu_pct)" 600
is "pid 10 rss_peak_kb" "$(col "$TMP/a.csv" 0 rss_peak_kb)" 1500
is "pid 10 vm_peak_kb" "$(col "$TMP/a.csv" 0 vm_peak_kb)" 2500
is "pid 10 minflt_per_s" "$(col "$TMP/a.csv" 0 minflt_per_s)" 4000
is "pid 10 write_bytes_per_s" "$(col "$TMP/a.csv" 0 write_bytes_per_s)" 1.6384e+06
is "pid 20 calls" "$(col "$TMP/a.csv" 1 calls)" 4
is "pid 20 entropy 0" "$(col "$TMP/a.csv" 1 entropy_bits)" 0
is "pid 20 no samples: cpu_pct empty" "$(col "$TMP/a.csv" 1 cpu_pct)" ""

"$SYSREC" analyze features --window 2ms --by comm "$TMP/a.sysrec" >"$TMP/w.csv"
# sh: windows 0 (t 0,1 ms), 1 (2,3), 2 (4,5 ms); cat: 0 (0 ms), 1 (2), 2 (4), 3 (6)
is "2 ms windows by comm: 7 rows" "$(($(wc -l <"$TMP/w.csv") - 1))" 7
is "window rows sorted by comm: first is cat" "$(col "$TMP/w.csv" 0 group)" cat
is "sh window 1 has 2 calls" "$(col "$TMP/w.csv" 5 calls)" 2
is "sh window 1 rate 2 / 2 ms" "$(col "$TMP/w.csv" 5 rate)" 1000

"$SYSREC" analyze features --format json "$TMP/a.sysrec" >"$TMP/a.json"
is "json parses, syscalls map and latency" "$($PY -c '
import json,sys; r=json.load(open(sys.argv[1]))
print(len(r), r[0]["syscalls"]["read"], r[0]["errors"]["ENOENT"], r[0]["latency_us"]["close"]["max"])' "$TMP/a.json")" "2 2 1 6"

"$SYSREC" analyze features --window 0 "$TMP/a.sysrec" 2>"$TMP/u.err"
is "bad --window: usage error" "$?" 2
is "usage error names the option" "$(head -1 "$TMP/u.err")" \
	"sysrec analyze features: invalid --window argument: '0' (expected a duration above 0, e.g. 1s or 200ms)"

# --- the rhythm: nanosleep(10 ms) x 50 ---
rhythm=$TMP/rhythm.sysrec
how=recorded
if ! { [ "$(id -u)" -eq 0 ] && "$SYSREC" record -q -o "$rhythm" -- "$WL/nanosleep_rhythm" 50 \
	>/dev/null 2>"$TMP/rec.err"; }; then
	how="written by seqtrace (recorder unavailable: $(head -c 80 "$TMP/rec.err"))"
	# x86_64 nanosleep = 35; 10.07 ms apart like a real loop
	{ echo "abi x86_64"; echo "proc 500 1 nanosleep_rhyth"
	  t=2000000000; for _ in $(seq 50); do echo "sc $t 500 500 35 0 10060000"; t=$((t + 10070000)); done
	} >"$TMP/r.spec"
	"$SEQ" "$rhythm" <"$TMP/r.spec"
fi
diag "rhythm trace $how"
"$SYSREC" analyze features --syscall nanosleep "$rhythm" >"$TMP/r.csv"
is "rhythm: 50 nanosleep calls" "$(col "$TMP/r.csv" 0 calls)" 50
rate=$(col "$TMP/r.csv" 0 rate)
iat=$(col "$TMP/r.csv" 0 iat_mean_us)
cv=$(col "$TMP/r.csv" 0 iat_cv)
lat=$(col "$TMP/r.csv" 0 lat_nanosleep_p50_us)
check "rhythm: rate about 100/s ($rate)" $PY -c "import sys; sys.exit(not 85 <= $rate <= 105)"
check "rhythm: inter-arrival mean about 10 ms ($iat us)" $PY -c "import sys; sys.exit(not 9900 <= $iat <= 12000)"
check "rhythm: regular (cv $cv < 0.2)" $PY -c "import sys; sys.exit(not $cv < 0.2)"
check "rhythm: nanosleep latency p50 about 10 ms ($lat us)" $PY -c "import sys; sys.exit(not 9900 <= $lat <= 12000)"
if [ "$how" = recorded ]; then
	samples=$(col "$TMP/r.csv" 0 samples)
	rss=$(col "$TMP/r.csv" 0 rss_peak_kb)
	cpu=$(col "$TMP/r.csv" 0 cpu_pct)
	check "rhythm: /proc samples ($samples), rss peak ($rss kB) and a sleeping process's CPU ($cpu %)" \
		$PY -c "import sys; sys.exit(not ($samples >= 2 and $rss > 0 and 0 <= ${cpu:-999} < 50))"
else
	skip "no /proc samples in a written trace"
fi
done_testing
