#!/usr/bin/env bash
# /proc samples of `sysrec record`: they arrive at about the interval, their
# counters are monotonic per process, VmPeak reaches what the workload
# allocated, every process gets a final sample as it exits, host CPU samples
# come along, and --sample-interval 0 turns them off.
# The trace is read with build/tools/trdump (TSV through the library reader).
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
needs_root

DUMP=$TOP/build/tools/trdump
MIB=96        # parent's allocation
CHILD_MIB=32  # child's allocation
MS=800        # how long both keep running after touching their memory
INTERVAL_MS=50

if [ ! -x "$SYSREC" ] || [ ! -x "$WL/alloc_touch" ] || [ ! -x "$DUMP" ]; then
	not_ok "bin/sysrec, build/workloads/alloc_touch and build/tools/trdump are built (run make)"
	done_testing
fi

trace=$TMP/samples.trace
"$SYSREC" record -q --sample-interval ${INTERVAL_MS}ms -o "$trace" -- \
	"$WL/alloc_touch" $MIB $MS $CHILD_MIB 2>"$TMP/rec.err"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$trace" ]; then
	not_ok "sysrec record --sample-interval ${INTERVAL_MS}ms -- alloc_touch exits 0 and writes a trace (rc $rc)"
	diag "$(head -c 2000 "$TMP/rec.err")"
	done_testing
fi
ok "recorded alloc_touch with --sample-interval ${INTERVAL_MS}ms"

if ! "$DUMP" "$trace" >"$TMP/dump.tsv" 2>"$TMP/dump.err"; then
	not_ok "trace reads back without damage"
	diag "$(head -c 2000 "$TMP/dump.err")"
else
	ok "trace reads back without damage"
fi

is "header sample_interval_ns" "$(awk -F'\t' '$1 == "HDR" { print $6 }' "$TMP/dump.tsv")" \
	"$((INTERVAL_MS * 1000000))"

# The workload's two processes: the exec'd parent and its forked child.
parent=$(awk -F'\t' '$1 == "EXEC" && $5 ~ /alloc_touch$/ { print $4; exit }' "$TMP/dump.tsv")
child=$(awk -F'\t' -v p="$parent" '$1 == "FORK" && $6 == p && $4 != p { print $4; exit }' \
	"$TMP/dump.tsv")
if [ -z "$parent" ] || [ -z "$child" ]; then
	not_ok "exec of alloc_touch and its fork found (parent '$parent', child '$child')"
	done_testing
fi
ok "exec of alloc_touch (pid $parent) and its fork (pid $child) found"

for pid in "$parent" "$child"; do
	awk -F'\t' -v p="$pid" '$1 == "SAMPLE" && $3 == p' "$TMP/dump.tsv" >"$TMP/s.$pid"
	n=$(wc -l <"$TMP/s.$pid")
	# Lifetime of the process as the trace saw it: from its exec/fork to its exit.
	span=$(awk -F'\t' -v p="$pid" '
		$1 == "EXEC" && $4 == p && !start { start = $2 }
		$1 == "FORK" && $4 == p && !start { start = $2 }
		$1 == "EXIT" && $4 == p { end = $2 }
		END { if (start && end > start) printf "%d", (end - start) / 1000000; else print 0 }' \
		"$TMP/dump.tsv")
	# Expect span/interval samples; a generous band, not a timing test.
	expect=$((span / INTERVAL_MS))
	lo=$((expect / 2))
	hi=$((expect * 3 / 2 + 3))
	if [ "$span" -ge $MS ] && [ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ]; then
		ok "pid $pid: $n samples over ${span}ms at ${INTERVAL_MS}ms (band $lo..$hi)"
	else
		not_ok "pid $pid: $n samples over ${span}ms at ${INTERVAL_MS}ms (band $lo..$hi, lifetime >= ${MS}ms)"
	fi

	# Time strictly increasing, and the gaps near the interval: the median gap
	# within a factor of two of it.
	gaps=$(awk -F'\t' 'NR > 1 { print ($2 - prev) / 1000000 } { prev = $2 }' "$TMP/s.$pid" | sort -n)
	med=$(echo "$gaps" | awk '{ a[NR] = $1 } END { if (NR) printf "%d", a[int((NR + 1) / 2)]; else print -1 }')
	if [ "$(echo "$gaps" | head -1 | awk '{ print ($1 > 0) }')" = 1 ] &&
		[ "$med" -ge $((INTERVAL_MS / 2)) ] && [ "$med" -le $((INTERVAL_MS * 2)) ]; then
		ok "pid $pid: sample times increase, median gap ${med}ms"
	else
		not_ok "pid $pid: sample times increase, median gap ${med}ms (expected about ${INTERVAL_MS}ms)"
		diag "gaps (ms): $(echo "$gaps" | tr '\n' ' ' | head -c 400)"
	fi

	# Cumulative counters never go down. trdump columns: 6 utime 7 stime
	# 11 minflt 12 majflt 13 syscr 14 syscw 15 rchar 16 wchar 17 read_bytes
	# 18 write_bytes 19 vol 20 invol; VmPeak (9) too, except in the final
	# sample (5), which may come from a zombie that has no memory left.
	# VmHWM (10) is max(high-water mark, current RSS) and the kernel's RSS
	# is a per-CPU approximation, so it may dip a little: within 1%.
	bad=$(awk -F'\t' '
		NR > 1 {
			split("6 7 11 12 13 14 15 16 17 18 19 20", cols, " ")
			for (i in cols) { c = cols[i]; if ($c + 0 < prev[c] + 0) print "col " c ": " prev[c] " -> " $c " at " $2 }
			if ($5 == 0 && $9 + 0 < prev[9] + 0) print "VmPeak: " prev[9] " -> " $9 " at " $2
			if ($5 == 0 && $10 + 0 < (prev[10] + 0) * 0.99) print "VmHWM: " prev[10] " -> " $10 " at " $2
		}
		{ for (c = 1; c <= NF; c++) prev[c] = $c }' "$TMP/s.$pid")
	if [ -z "$bad" ]; then
		ok "pid $pid: counters monotonic across $n samples"
	else
		not_ok "pid $pid: counters monotonic across $n samples"
		diag "$(echo "$bad" | head -5)"
	fi

	# The counters really moved: 4 KiB written every 10 ms.
	moved=$(awk -F'\t' 'NR == 1 { w = $16; c = $14 } END { print ($16 - w >= 40960 && $14 - c >= 10) }' "$TMP/s.$pid")
	is "pid $pid: wchar and syscw grow during the run" "$moved" 1

	want=$MIB
	[ "$pid" = "$child" ] && want=$CHILD_MIB
	peak=$(awk -F'\t' '$9 + 0 > m { m = $9 + 0 } END { print m + 0 }' "$TMP/s.$pid")
	hwm=$(awk -F'\t' '$10 + 0 > m { m = $10 + 0 } END { print m + 0 }' "$TMP/s.$pid")
	if [ "$peak" -ge $((want * 1024)) ] && [ "$hwm" -ge $((want * 1024)) ]; then
		ok "pid $pid: VmPeak ${peak} kB and VmHWM ${hwm} kB >= the ${want} MiB touched"
	else
		not_ok "pid $pid: VmPeak ${peak} kB and VmHWM ${hwm} kB >= the ${want} MiB touched"
	fi

	# Exactly one final sample, the last one, taken around the exit.
	finals=$(awk -F'\t' '$5 == 1' "$TMP/s.$pid" | wc -l)
	last_final=$(tail -1 "$TMP/s.$pid" | cut -f5)
	exit_ts=$(awk -F'\t' -v p="$pid" '$1 == "EXIT" && $4 == p { t = $2 } END { print t + 0 }' \
		"$TMP/dump.tsv")
	final_ts=$(tail -1 "$TMP/s.$pid" | cut -f2)
	if [ "$finals" -eq 1 ] && [ "$last_final" = 1 ] &&
		awk -v f="$final_ts" -v e="$exit_ts" 'BEGIN { d = f - e; if (d < 0) d = -d; exit !(e > 0 && d < 1e9) }'; then
		ok "pid $pid: one final sample, last, within 1s of the exit"
	else
		not_ok "pid $pid: one final sample, last, within 1s of the exit ($finals finals, last final=$last_final, final ts $final_ts, exit ts $exit_ts)"
	fi
	# The final sample holds the process's last counters, read in the kernel
	# as it exited: none below the last periodic sample's, and the writes are
	# exactly the workload's: 4 KiB every 10 ms for MS ms, once in each
	# process; the parent's /proc/PID/io also counts its reaped child's.
	writes=$((MS / 10))
	[ "$pid" = "$parent" ] && writes=$((writes * 2))
	cmp=$(awk -F'\t' '
		{ if ($5 == 1) { for (c = 6; c <= 20; c++) f[c] = $c; nf++ } else { for (c = 6; c <= 20; c++) l[c] = $c; nl++ } }
		END {
			if (nf != 1 || nl < 1) { print "no final or no periodic sample"; exit }
			split("6 7 9 11 12 13 14 15 16 17 18 19 20", cols, " ")
			for (i in cols) { c = cols[i]; if (f[c] + 0 < l[c] + 0) print "col " c ": final " f[c] " < last periodic " l[c] }
			if (f[10] + 1024 < l[10] + 0) print "VmHWM: final " f[10] " < last periodic " l[10]
		}' "$TMP/s.$pid")
	# VmHWM, max(hiwater_rss, RSS): the kernel updates hiwater_rss only at
	# unmaps, from the per-CPU RSS counters' total, which lags by up to
	# ncpus * 32 pages each (percpu_counter_batch): a later VmHWM can read
	# up to 1 MiB lower on this 2-CPU test machine.
	is "pid $pid: final sample counters >= the last periodic sample's" "$cmp" ""
	is "pid $pid: final sample syscw and wchar are the workload's $writes writes of 4 KiB" \
		"$(awk -F'\t' '$5 == 1 { print $14, $16 }' "$TMP/s.$pid")" "$writes $((writes * 4096))"
	# The memory figures are read from the mm before exit_mm() drops it.
	fin=$(tail -1 "$TMP/s.$pid" | awk -F'\t' '{ print $9 " " $10 " " $8 }')
	read -r fpeak fhwm frss <<<"$fin"
	if [ "${fpeak:-0}" -ge $((want * 1024)) ] && [ "${fhwm:-0}" -ge $((want * 1024)) ] &&
		[ "${frss:-0}" -gt 0 ]; then
		ok "pid $pid: final sample VmPeak ${fpeak} kB, VmHWM ${fhwm} kB >= the ${want} MiB touched, RSS ${frss} kB"
	else
		not_ok "pid $pid: final sample VmPeak ${fpeak} kB, VmHWM ${fhwm} kB >= the ${want} MiB touched, RSS ${frss} kB > 0"
	fi
	# Its CPU and fault counters are the process's last: not zeroed.
	is "pid $pid: final sample keeps the fault count" \
		"$(tail -1 "$TMP/s.$pid" | awk -F'\t' '{ print ($11 >= '"$want"' * 256 / 2) }')" 1
done

# The final sample equals what /proc shows of the zombie: zombie_read's
# parent reads its exited child's /proc before reaping it (the recorder
# itself never sees that zombie in time, it is reaped at once). Columns:
# utime stime minflt majflt syscr syscw rchar wchar read_bytes write_bytes
# voluntary and involuntary context switches.
if [ -x "$WL/zombie_read" ]; then
	for run in 1 2 3; do
		"$SYSREC" record -q --sample-interval 20ms -o "$TMP/z.trace" -- \
			"$WL/zombie_read" "$TMP/z.out" 60 20 2>"$TMP/z.err"
		rc=$?
		"$DUMP" "$TMP/z.trace" >"$TMP/z.tsv" 2>&1
		zpid= want=
		read -r zpid want <"$TMP/z.out"
		got=$(awk -F'\t' -v p="$zpid" '$1 == "SAMPLE" && $3 == p && $5 == 1 {
			print $6, $7, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20 }' "$TMP/z.tsv")
		if [ $rc -eq 0 ] && [ -n "$zpid" ] && [ "$got" = "$want" ]; then
			ok "run $run: final sample of pid $zpid equals its zombie's /proc: $got"
		else
			not_ok "run $run: final sample of pid '$zpid' equals its zombie's /proc (rc $rc)"
			diag "final: $got"
			diag "/proc: $want"
		fi
	done
else
	not_ok "build/workloads/zombie_read is built (run make)"
fi

# Host CPU samples come at the same pace, monotonic.
awk -F'\t' '$1 == "HOSTCPU"' "$TMP/dump.tsv" >"$TMP/cpu"
ncpu=$(wc -l <"$TMP/cpu")
if [ "$ncpu" -ge $((MS / INTERVAL_MS / 2)) ]; then
	ok "host cpu samples ($ncpu)"
else
	not_ok "host cpu samples ($ncpu, expected >= $((MS / INTERVAL_MS / 2)))"
fi
bad=$(awk -F'\t' 'NR > 1 { for (c = 2; c <= 10; c++) if ($c + 0 < prev[c] + 0) print "col " c " at " $2 }
	{ for (c = 1; c <= NF; c++) prev[c] = $c }' "$TMP/cpu")
is "host cpu counters monotonic" "$bad" ""

# No process outside the workload is sampled.
others=$(awk -F'\t' -v a="$parent" -v b="$child" '$1 == "SAMPLE" && $3 != a && $3 != b { print $3 }' \
	"$TMP/dump.tsv" | sort -u | tr '\n' ' ')
is "only the workload's processes are sampled" "$others" ""

# -p PID: the attached process is sampled too; it is still running when
# recording stops, so it has no final sample.
if [ -x "$WL/go_on_signal" ]; then
	"$WL/go_on_signal" 1000 "$TMP/gos.pid" &
	gpid=$!
	for _ in $(seq 100); do [ -s "$TMP/gos.pid" ] && break; sleep 0.05; done
	"$SYSREC" record -q -p "$gpid" --sample-interval ${INTERVAL_MS}ms --duration 600ms \
		-o "$TMP/p.trace" 2>"$TMP/p.err"
	rc=$?
	"$DUMP" "$TMP/p.trace" >"$TMP/p.tsv" 2>&1
	n=$(awk -F'\t' -v p="$gpid" '$1 == "SAMPLE" && $3 == p && $5 == 0' "$TMP/p.tsv" | wc -l)
	nf=$(awk -F'\t' -v p="$gpid" '$1 == "SAMPLE" && $3 == p && $5 == 1' "$TMP/p.tsv" | wc -l)
	if [ $rc -eq 0 ] && [ "$n" -ge 6 ] && [ "$n" -le 18 ] && [ "$nf" -eq 0 ]; then
		ok "-p $gpid: $n samples in 600ms at ${INTERVAL_MS}ms, none final (still running)"
	else
		not_ok "-p $gpid: $n samples in 600ms at ${INTERVAL_MS}ms (expected 6..18), $nf final (expected 0), rc $rc"
		diag "$(head -c 1000 "$TMP/p.err")"
	fi
	# -a: every process of the host is sampled, except the recorder itself.
	"$SYSREC" record -q -a --sample-interval 100ms --duration 500ms -o "$TMP/a.trace" 2>"$TMP/a.err" &
	rpid=$!
	wait $rpid
	rc=$?
	"$DUMP" "$TMP/a.trace" >"$TMP/a.tsv" 2>&1
	n=$(awk -F'\t' -v p="$gpid" '$1 == "SAMPLE" && $3 == p' "$TMP/a.tsv" | wc -l)
	self=$(awk -F'\t' -v p="$rpid" '$1 == "SAMPLE" && $3 == p' "$TMP/a.tsv" | wc -l)
	procs=$(awk -F'\t' '$1 == "SAMPLE" { print $3 }' "$TMP/a.tsv" | sort -u | wc -l)
	if [ $rc -eq 0 ] && [ "$n" -ge 2 ] && [ "$n" -le 9 ] && [ "$self" -eq 0 ] && [ "$procs" -ge 3 ]; then
		ok "-a: a bystander process sampled $n times in 500ms at 100ms, $procs processes sampled, not the recorder"
	else
		not_ok "-a: bystander sampled $n times (expected 2..9), recorder $self times (expected 0), $procs processes, rc $rc"
		diag "$(head -c 1000 "$TMP/a.err")"
	fi
	kill -USR1 "$gpid" 2>/dev/null
	wait "$gpid"
fi

# --sample-interval 0: no samples at all.
"$SYSREC" record -q --sample-interval 0 -o "$TMP/off.trace" -- "$WL/alloc_touch" 8 100 2>"$TMP/off.err"
rc=$?
if [ $rc -eq 0 ] && "$DUMP" "$TMP/off.trace" >"$TMP/off.tsv" 2>&1; then
	is "--sample-interval 0: no samples, no host cpu" \
		"$(awk -F'\t' '$1 == "SAMPLE" || $1 == "HOSTCPU"' "$TMP/off.tsv" | wc -l)" 0
	is "--sample-interval 0: header says 0" "$(awk -F'\t' '$1 == "HDR" { print $6 }' "$TMP/off.tsv")" 0
else
	not_ok "sysrec record --sample-interval 0 (rc $rc)"
	diag "$(head -c 1000 "$TMP/off.err")"
fi

done_testing
