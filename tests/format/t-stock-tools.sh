#!/usr/bin/env bash
# Read a trace the way formats/FORMAT.md says, with stock tools only:
# dd/od for the framing, python3's zlib for the CRC, the zstd command and
# `protoc --decode`. Checks agree with libsysrec's own reading.
. "$(dirname "$0")/../lib/tap.sh"

TOOL=$TOP/build/tools/trace_tool
T=$TMP/t.sysrec
. "$(dirname "$0")/stock-lib.sh"
if [ ! -x "$TOOL" ]; then
	not_ok "build/tools/trace_tool is built (make all)"
	done_testing
fi

"$TOOL" gen "$T" 7 300 40 || not_ok "generate a trace"
size=$(stat -c %s "$T")


is "preamble bytes" "$(od -A n -t x1 -N 16 "$T" | tr -d ' \n')" "895359535245430a0100000000000000"

walk_frames
is "the trailer is the last 16 bytes" "$((trailer + 16))" "$size"
is "trailer magic" "$(dd if="$T" bs=1 skip=$((trailer + 4)) count=4 status=none)" "SRIX"
index_off=$(dd if="$T" bs=1 skip=$((trailer + 8)) count=8 status=none | od -A n -t u8 | tr -d ' ')
is "the trailer points at the last frame (the index)" "$index_off" "${offs[-1]}"

# CRC of every payload, with python's zlib
crc_ok=1
for o in "${offs[@]}"; do
	want=$(dd if="$T" bs=1 skip=$((o + 4)) count=4 status=none | od -A n -t u4 | tr -d ' ')
	got=$(payload "$o" | /usr/bin/python3 -c 'import sys, zlib; print(zlib.crc32(sys.stdin.buffer.read()))')
	[ "$want" = "$got" ] || crc_ok=0
done
check "CRC-32 of all ${#offs[@]} payloads matches zlib.crc32" [ $crc_ok -eq 1 ]

# zstd magic at the start of each payload
magic_ok=1
for o in "${offs[@]}"; do
	[ "$(dd if="$T" bs=1 skip=$((o + 8)) count=4 status=none | od -A n -t x1 | tr -d ' ')" = "28b52ffd" ] || magic_ok=0
done
check "every payload is a zstd frame" [ $magic_ok -eq 1 ]

hdr=$(decode "${offs[0]}")
check "frame 0 is the header" grep -q '^header {' <<<"$hdr"
check "header fields decode (hostname, abi, syscall table)" \
	bash -c 'grep -q "hostname: \"testhost\"" <<<"$1" && grep -q "abi: \"x86_64\"" <<<"$1" && grep -q "syscall_names: \"read\"" <<<"$1"' _ "$hdr"

# One line "entry tid nr ret duration" per syscall of a chunk (protoc text
# on stdin), entry times computed as FORMAT.md 2.2 says for either time
# column. Values that are only moved are printed as read (awk's numbers are
# doubles); the return of a flagged syscall (unfinished, noreturn) is "-".
syscalls_from_columns() {
	awk '
	/^  base_ns: / { base = $2 }
	/^  ts_delta: / { d[nd++] = $2 }
	/^  thread_gap: / { g[ng++] = $2 }
	/^  thread: / { th[nth++] = $2 }
	/^  nr: / { nr[nnr++] = $2 }
	/^  ret: / { re[nre++] = $2 }
	/^  duration: / { du[ndu++] = $2 }
	/^  thread_tid: / { tid[ntid++] = $2 }
	/^  flag_index: / { flagged[$2] = 1 }
	END {
		t = base
		for (i = 0; i < nd; i++) {
			t += d[i]
			printf "%.0f %s %s %s %s\n", t, tid[th[i]], nr[i], (i in flagged) ? "-" : re[i], du[i]
		}
		for (i = 0; i < ng; i++) {
			t = ((th[i] in last) ? last[th[i]] : base) + g[i]
			last[th[i]] = t + du[i]
			printf "%.0f %s %s %s %s\n", t, tid[th[i]], nr[i], (i in flagged) ? "-" : re[i], du[i]
		}
	}'
}

# sum the columns of every chunk and compare with libsysrec's reading
sc=0 pe=0 cols_ok=1 tables=0 pi=0 gapchunks=0
: >"$TMP/cols.txt"
for o in "${offs[@]:1}"; do
	txt=$(decode "$o")
	case "$txt" in
	chunk*)
		# entry times: ts_delta (format 1.0) or thread_gap (1.1), never both
		n=$(grep -c '^  ts_delta:' <<<"$txt")
		ng=$(grep -c '^  thread_gap:' <<<"$txt")
		[ "$n" -eq 0 ] || [ "$ng" -eq 0 ] || cols_ok=0
		n=$((n + ng))
		gapchunks=$((gapchunks + (ng > 0)))
		syscalls_from_columns <<<"$txt" >>"$TMP/cols.txt"
		for col in thread nr ret duration; do
			[ "$(grep -c "^  $col:" <<<"$txt")" -eq "$n" ] || cols_ok=0
		done
		[ "$(grep -c '^  thread_tid:' <<<"$txt")" -eq "$(grep -c '^  thread_tgid:' <<<"$txt")" ] || cols_ok=0
		sc=$((sc + n))
		pe=$((pe + $(grep -c '^  process_events {' <<<"$txt")))
		;;
	process_table*)
		tables=$((tables + 1))
		pi=$((pi + $(grep -c '^  processes {' <<<"$txt")))
		;;
	totals*)
		totals=$txt
		;;
	index*)
		entries=$(grep -c '^  entries {' <<<"$txt")
		;;
	esac
done
check "chunk columns thread_gap (or ts_delta), thread, nr, ret, duration have equal lengths" [ $cols_ok -eq 1 ]
check "the writer stores thread gaps (format 1.1): $gapchunks chunks" test "$gapchunks" -gt 0
# in file order, as libsysrec delivers them (its chunks hold syscalls only)
"$SYSREC" replay --format csv "$T" | awk -F, 'NR > 1 && $6 != "" { print $2, $4, $7, ($11 == "ok" || $11 == "error") ? $8 : "-", $10 == "" ? 0 : $10 }' >"$TMP/lib.txt"
is "every syscall's entry time, tid, nr, ret, duration from the columns = libsysrec's, in order" \
	"$(md5sum <"$TMP/cols.txt")" "$(md5sum <"$TMP/lib.txt")"
is "one line per syscall of the columns" "$(wc -l <"$TMP/lib.txt")" "$sc"
counts=$("$TOOL" count "$T")
is "syscalls counted from the columns = libsysrec's count" "syscall $sc" "$(grep '^syscall' <<<"$counts")"
is "process events = libsysrec's count" "process $pe" "$(grep '^process ' <<<"$counts")"
is "process table entries = libsysrec's procinfo count" "procinfo $pi" "$(grep '^procinfo' <<<"$counts")"
is "totals.syscalls" "$(grep -o 'syscalls: [0-9]*' <<<"$totals")" "syscalls: $sc"
is "totals.exit_code from the caller" "$(grep -o 'exit_code: [0-9-]*' <<<"$totals")" "exit_code: 3"
is "index has one entry per frame before it" "$entries" "$((${#offs[@]} - 1))"
first_entry_off=$(decode "$index_off" | grep -m1 -A0 'offset:' | grep -o '[0-9]*')
is "first index entry points at frame 0 (offset 16)" "$first_entry_off" "16"

# decode of one chunk in detail: entry time of syscall 0 = base_ns + thread_gap[0]
# (the first syscall of its thread)
for o in "${offs[@]:1}"; do
	txt=$(decode "$o")
	if [[ "$txt" == chunk* ]] && grep -q '^  thread_gap:' <<<"$txt"; then
		base=$(grep -m1 '^  base_ns:' <<<"$txt" | grep -o '[0-9]*$')
		d0=$(grep -m1 '^  thread_gap:' <<<"$txt" | grep -o '[0-9-]*$')
		break
	fi
done
check "a chunk has base_ns and a first gap >= 0" test -n "$base" -a "${d0:--1}" -ge 0
done_testing
