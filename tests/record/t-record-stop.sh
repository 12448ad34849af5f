#!/usr/bin/env bash
# Stopping: syscalls in flight become unfinished records (--duration and
# SIGINT), SIGINT writes the footer, SIGKILL leaves a readable trace.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

# --duration: pipe_block is still blocked in read() when recording stops.
rec "$TMP/d.trace" --duration 300ms -- "$WL/pipe_block" 3
is "--duration stop exits 0 (CMD still running)" "$rc" 0
dump "$TMP/d.trace" >"$TMP/d.tsv"
pid=$(awk -F'\t' '$1=="EXEC" {print $3; exit}' "$TMP/d.tsv")
kill -KILL "$pid" 2>/dev/null
is "the blocked read is one unfinished record (flags 1)" \
	"$(count "$TMP/d.tsv" "\$1==\"SC\" && \$5==\"read\" && \$7==1 && \$3==$pid")" 1
is "unfinished record has its entry time and no duration" \
	"$(awk -F'\t' -v p=$pid '$1=="SC" && $5=="read" && $7==1 && $3==p {print ($2 > 0) "/" $8}' "$TMP/d.tsv")" "1/0"
is "totals: reason duration, one unfinished" \
	"$(awk -F'\t' '$1=="TOTALS" {print $2 "/" $6}' "$TMP/d.tsv")" "duration/1"

# SIGTERM to the recorder: forwarded to CMD, which dies of it; footer written.
# (SIGTERM, because a background job of a script inherits SIGINT ignored.)
"$SYSREC" record -q -o "$TMP/i.trace" -- "$WL/pipe_block" 5 2>"$TMP/i.err" &
rpid=$!
sleep 0.5
kill -TERM $rpid
wait $rpid
rc=$?
is "SIGTERM: record exits 143 (CMD killed by the forwarded SIGTERM)" "$rc" 143
dump "$TMP/i.trace" >"$TMP/i.tsv"
is "SIGTERM: totals written with the reason and CMD's signal" \
	"$(awk -F'\t' '$1=="TOTALS" {print $2 "/" $4}' "$TMP/i.tsv")" "signal SIGTERM/15"
is "SIGTERM: the interrupted read completed with -ERESTARTSYS" \
	"$(count "$TMP/i.tsv" '$1=="SC" && $5=="read" && $6==-512')" 1
is "SIGTERM: CMD's exit by SIGTERM recorded" \
	"$(count "$TMP/i.tsv" '$1=="EXIT" && $6==15 && $8==1')" 1

# SIGINT when CMD ignores it: still blocked, recorded as unfinished.
"$SYSREC" record -q -o "$TMP/j.trace" -- sh -c "trap '' INT; exec $WL/pipe_block 4" 2>"$TMP/j.err" &
rpid=$!
sleep 0.5
kill -INT $rpid
wait $rpid
rc=$?
dump "$TMP/j.trace" >"$TMP/j.tsv"
pid=$(awk -F'\t' '$1=="EXEC" && $5 ~ /pipe_block/ {print $3; exit}' "$TMP/j.tsv")
[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
is "SIGINT ignored by CMD: record exits 130 after the grace period" "$rc" 130
is "SIGINT ignored by CMD: the blocked read is unfinished" \
	"$(count "$TMP/j.tsv" '$1=="SC" && $5=="read" && $7==1')" 1
is "SIGINT: totals (footer) written" \
	"$(awk -F'\t' '$1=="TOTALS" {print $2 "/" $6}' "$TMP/j.tsv")" "signal SIGINT/1"

# SIGKILL: no footer, but everything up to the last flush reads back.
"$SYSREC" record -q -o "$TMP/k.trace" -- "$WL/spin_getppid" 3 2>"$TMP/k.err" &
rpid=$!
sleep 1.8
kill -KILL $rpid
wait $rpid 2>/dev/null
"$TRDUMP" "$TMP/k.trace" >"$TMP/k.tsv" 2>"$TMP/k.err2"
drc=$?
check "SIGKILL: the trace reads (status 0 or 3 for damage, not 1)" [ $drc -ne 1 ]
n=$(count "$TMP/k.tsv" '$1=="SC" && $5=="getppid"')
check "SIGKILL: events up to the last flush are there ($n getppid)" [ "$n" -gt 100 ]
is "SIGKILL: no totals" "$(count "$TMP/k.tsv" '$1=="TOTALS"')" 0
is "SIGKILL: the reader reports the cut" "$(count "$TMP/k.tsv" '$1=="DAMAGE"')" 1
pkill_pid=$(awk -F'\t' '$1=="EXEC" {print $3; exit}' "$TMP/k.tsv")
[ -n "$pkill_pid" ] && kill "$pkill_pid" 2>/dev/null
wait
done_testing
