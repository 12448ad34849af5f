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

# Entry times, threads, numbers and durations of every syscall agree with
# libsysrec's, in the same order, on thread-gap chunks (format 1.1) ...
syscalls_py() {
	$PY "$READER" --events "$1" | $PY -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e["kind"] == "syscall":
        print(e["ts"], e["tid"], e["nr"], e["duration"])'
}
syscalls_lib() {
	"$SYSREC" replay --format csv "$1" | awk -F, 'NR > 1 && $6 != "" { print $2, $4, $7, $10 + 0 }'
}
syscalls_py "$TMP/t3.sysrec" >"$TMP/py.txt"
syscalls_lib "$TMP/t3.sysrec" >"$TMP/lib.txt"
is "thread-gap chunks: every syscall as libsysrec reads it, in the same order" \
	"$(md5sum <"$TMP/py.txt")" "$(md5sum <"$TMP/lib.txt")"
is "... all $(wc -l <"$TMP/lib.txt") of them" "$(wc -l <"$TMP/py.txt")" "$(grep '^syscall' <("$TOOL" count "$TMP/t3.sysrec") | awk '{print $2}')"
# A chunk with both time columns is damaged for both readers: rewrite the
# first chunk of t1 with a ts_delta column next to its thread_gap.
$PY - "$TMP/t1.sysrec" "$TMP/both.sysrec" "$TOP/formats/sysrec.proto" "$TOP/scripts" <<'PYEOF'
import struct, sys, zlib
import zstandard
sys.path.insert(0, sys.argv[4])
import sysrec_reader as sr
pb = sr.load_pb2(sys.argv[3])
d = bytearray(open(sys.argv[1], "rb").read())
off = 16
while True:
    length, _ = struct.unpack_from("<II", d, off)
    fr = pb.Frame()
    fr.ParseFromString(sr.decompress(bytes(d[off + 8:off + 8 + length])))
    if fr.WhichOneof("body") == "chunk":
        fr.chunk.ts_delta.extend([0] * len(fr.chunk.thread_gap))
        z = zstandard.ZstdCompressor().compress(fr.SerializeToString())
        d[off:off + 8 + length] = struct.pack("<II", len(z), zlib.crc32(z)) + z
        break
    off += 8 + length
open(sys.argv[2], "wb").write(d)
PYEOF
is "a chunk with ts_delta and thread_gap: the same counts" \
	"$($PY "$READER" "$TMP/both.sysrec" 2>/dev/null)" "$("$TOOL" count "$TMP/both.sysrec" 2>/dev/null)"
check "... and one damage report" grep -qx 'damage 1' <($PY "$READER" "$TMP/both.sysrec" 2>/dev/null)
check "... and the reader says why" \
	bash -c "$PY '$READER' '$TMP/both.sysrec' 2>&1 >/dev/null | grep -q 'both ts_delta and thread_gap'"

# ... and a trace with the old column (format 1.0) gives the same events as
# its rewrite with the new one
if [ -f "$TOP/samples/demo.trace" ]; then
	"$SYSREC" replay -w "$TMP/demo11.trace" "$TOP/samples/demo.trace"
	check "samples/demo.trace is format 1.0" bash -c "'$SYSREC' replay --stats '$TOP/samples/demo.trace' | grep -q 'v1\.0'"
	check "its rewrite is format 1.1" bash -c "'$SYSREC' replay --stats '$TMP/demo11.trace' | grep -q 'v1\.1'"
	is "samples/demo.trace (format 1.0) and its 1.1 rewrite: the same events" \
		"$($PY "$READER" --events "$TOP/samples/demo.trace" | md5sum)" \
		"$($PY "$READER" --events "$TMP/demo11.trace" | md5sum)"
else
	skip "samples/demo.trace not in the tree"
fi
done_testing
