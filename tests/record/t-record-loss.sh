#!/usr/bin/env bash
# Loss is never silent: with a tiny ring buffer and a flood of syscalls,
# captured + lost equals what a lossless run of the same workload records.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

K=300000
kernel_events='$1=="SC" || $1=="FORK" || $1=="EXEC" || $1=="EXIT" || $1=="COMM"'
rec "$TMP/full.trace" --sample-interval 0 -- "$WL/getppid_loop" $K
dump "$TMP/full.trace" >"$TMP/full.tsv"
total=$(count "$TMP/full.tsv" "$kernel_events")
is "lossless run with default buffers: no loss" "$(count "$TMP/full.tsv" '$1=="LOSS"')" 0
check "lossless run holds all $K getppid" [ "$(count "$TMP/full.tsv" '$1=="SC" && $5=="getppid"')" -eq $K ]

"$SYSREC" record -o "$TMP/small.trace" --buffer-size 8k --sample-interval 0 \
	-- "$WL/getppid_loop" $K 2>"$TMP/small.err"
is "tiny buffer: record still exits with CMD's status" "$?" 0
dump "$TMP/small.trace" >"$TMP/small.tsv"
got=$(count "$TMP/small.tsv" "$kernel_events")
lost=$(awk -F'\t' '$1=="LOSS" {s += $4} END {print s+0}' "$TMP/small.tsv")
diag "captured $got, lost $lost, lossless total $total"
check "tiny buffer: some events were lost" [ "$lost" -gt 0 ]
is "captured + lost == lossless total" $((got + lost)) "$total"
is "totals count the same loss" "$(awk -F'\t' '$1=="TOTALS" {print $5}' "$TMP/small.tsv")" "$lost"
is "loss events carry a time range (first <= last, both > 0) and say ring buffer" \
	"$(count "$TMP/small.tsv" '$1=="LOSS" && ($2 == 0 || $6 < $2 || $5 != 1)')" 0
check "the end summary warns about the loss" grep -q "events were lost" "$TMP/small.err"
check "the summary line counts them" grep -q " $lost lost" "$TMP/small.err"

done_testing
