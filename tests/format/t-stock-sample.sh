#!/usr/bin/env bash
# A trace made by the real recorder (samples/demo.trace) decodes with stock
# tools only, as formats/FORMAT.md describes: the preamble, the frames
# walked by their lengths, each payload a zstd frame holding a sysrec.Frame
# that `protoc --decode` reads. The header's facts and the syscall counts
# of the chunks agree with what `sysrec replay --stats` says.
. "$(dirname "$0")/../lib/tap.sh"

T=$TOP/samples/demo.trace
. "$(dirname "$0")/stock-lib.sh"
if [ ! -f "$T" ]; then
	skip "samples/demo.trace not in the tree"
	done_testing
fi
size=$(stat -c %s "$T")


is "preamble: magic and version 1.0" "$(od -A n -t x1 -N 12 "$T" | tr -d ' \n')" "895359535245430a01000000"
walk_frames
is "the frames end at the 16-byte trailer" "$((trailer + 16))" "$size"
is "trailer magic" "$(dd if="$T" bs=1 skip=$((trailer + 4)) count=4 status=none)" "SRIX"

hdr=$(decode "${offs[0]}")
is "protoc decodes frame 0" "$?" 0
field() { grep -m1 "^  $1: " <<<"$hdr" | sed "s/^  $1: //; s/^\"//; s/\"$//"; }
stats=$(cd "$TOP/samples" && "$SYSREC" replay --stats demo.trace)
stat_of() { grep -m1 "^$1:" <<<"$stats" | sed "s/^$1: *//"; }
check "frame 0 is the header" grep -q '^header {' <<<"$hdr"
is "header hostname = replay --stats host" "$(field hostname)" "$(stat_of host)"
check "header hostname is not empty" test -n "$(field hostname)"
is "header abi" "$(field abi)" "x86_64"
is "header arch" "$(field arch)" "x86_64"
is "header backend" "$(field backend)" "ebpf-tp_btf"
is "header target" "$(field target)" "command"
is "header command line (recorder argv)" \
	"$(grep '^  command_line: ' <<<"$hdr" | sed 's/^  command_line: //' | tr -d '"' | tr '\n' ' ')" \
	"record -o /tmp/sysrec-samples/demo.trace -- build/samples/demo_workload 20 "
names=$(grep '^  syscall_names: ' <<<"$hdr" | sed 's/^  syscall_names: //' | tr -d '"')
is "syscall table: 0 is read" "$(sed -n 1p <<<"$names")" "read"
is "syscall table: 39 is getpid" "$(sed -n 40p <<<"$names")" "getpid"
is "syscall table: 257 is openat" "$(sed -n 258p <<<"$names")" "openat"
is "syscall table size = replay --stats" "$(wc -l <<<"$names") syscall names" \
	"$(stat_of 'syscall abi' | grep -o '[0-9]* syscall names')"

# Count syscalls per number over every chunk; openat (257) and its failures
# are the demo's known figures (5 missing-file opens per round, 20 rounds).
sc=0 openat=0 openat_err=0
for o in "${offs[@]:1}"; do
	txt=$(decode "$o")
	[[ "$txt" == chunk* ]] || continue
	sc=$((sc + $(grep -c '^  ts_delta:' <<<"$txt")))
	# nr and ret columns pair up by position
	paste <(grep '^  nr: ' <<<"$txt" | grep -o '[0-9-]*$') <(grep '^  ret: ' <<<"$txt" | grep -o '[0-9-]*$') >"$TMP/nrret"
	openat=$((openat + $(awk '$1 == 257' "$TMP/nrret" | wc -l)))
	openat_err=$((openat_err + $(awk '$1 == 257 && $2 < 0' "$TMP/nrret" | wc -l)))
done
is "syscalls in the chunks = replay --stats" "events: $sc syscalls" \
	"events: $(stat_of events | grep -o 'syscalls [0-9]*' | grep -o '[0-9]*') syscalls"
sum_openat=$(cd "$TOP/samples" && "$SYSREC" replay --summary demo.trace | awk '$NF == "openat"')
is "openat calls in the chunks = replay --summary" "$openat" "$(awk '{print $4}' <<<"$sum_openat")"
is "failed openat in the chunks = replay --summary" "$openat_err" "$(awk '{print $5}' <<<"$sum_openat")"
check "at least the 100 known failing opens" test "$openat_err" -ge 100
done_testing
