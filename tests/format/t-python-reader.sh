#!/usr/bin/env bash
# scripts/sysrec_reader.py (Python protobuf, written from FORMAT.md) counts the
# same events as libsysrec, on clean traces, through a pipe, and on damaged ones.
. "$(dirname "$0")/../lib/tap.sh"

TOOL=$TOP/build/tools/trace_tool
PY=/usr/bin/python3
READER=$TOP/scripts/sysrec_reader.py

if ! $PY -c 'import google.protobuf' 2>/dev/null; then
	skip "python3-protobuf not installed"
	done_testing
fi
for seed in 1 2 3; do
	"$TOOL" gen "$TMP/t$seed.sysrec" $seed $((seed * 700)) $((seed * 30))
	is "seed $seed: event counts per kind equal libsysrec's" \
		"$($PY "$READER" "$TMP/t$seed.sysrec" 2>&1)" "$("$TOOL" count "$TMP/t$seed.sysrec")"
done
is "reading from a pipe" "$(cat "$TMP/t1.sysrec" | $PY "$READER" - 2>/dev/null)" \
	"$("$TOOL" count "$TMP/t1.sysrec")"

# a flipped byte in the middle, and a cut: both readers skip the same frame
size=$(stat -c %s "$TMP/t2.sysrec")
cp "$TMP/t2.sysrec" "$TMP/bad.sysrec"
printf '\xff' | dd of="$TMP/bad.sysrec" bs=1 seek=$((size / 2)) conv=notrunc status=none
is "a corrupt frame: the same counts and one damage report" \
	"$($PY "$READER" "$TMP/bad.sysrec" 2>/dev/null)" "$("$TOOL" count "$TMP/bad.sysrec")"
check "the damage line names the frame and offset" \
	bash -c "$PY '$READER' '$TMP/bad.sysrec' 2>&1 >/dev/null | grep -q '^sysrec_reader: frame [0-9]* at offset [0-9]*: '"
head -c $((size * 2 / 3)) "$TMP/t2.sysrec" >"$TMP/cut.sysrec"
is "a cut trace: the same counts" \
	"$($PY "$READER" "$TMP/cut.sysrec" 2>/dev/null)" "$("$TOOL" count "$TMP/cut.sysrec")"
check "damage count is 1 for the cut" grep -qx 'damage 1' <($PY "$READER" "$TMP/cut.sysrec" 2>/dev/null)

# JSON lines: one per event, syscalls named from the trace's own table
n=$($PY "$READER" --events "$TMP/t1.sysrec" | wc -l)
total=$("$TOOL" count "$TMP/t1.sysrec" | grep -v damage | awk '{s += $2} END {print s}')
is "--events prints one JSON line per event" "$n" "$total"
check "syscall names come from the header table" \
	bash -c "$PY '$READER' --events '$TMP/t1.sysrec' | grep -q '\"name\": \"read\"'"
done_testing
