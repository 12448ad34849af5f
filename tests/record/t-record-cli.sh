#!/usr/bin/env bash
# The command line: usage errors exit 2 naming the option, --help documents
# every option, runtime errors exit 1 saying what failed; -o -, --max-size
# and --rotate.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"

usage_case() { # "what" expected-text args...
	local what=$1 want=$2; shift 2
	"$SYSREC" record "$@" >"$TMP/u.out" 2>"$TMP/u.err"
	local st=$?
	if [ $st -eq 2 ] && grep -qF -- "$want" "$TMP/u.err" && [ "$(wc -l <"$TMP/u.err")" -eq 2 ]; then
		ok "usage error, exit 2: $what"
	else
		not_ok "usage error, exit 2: $what (status $st)"
		diag "$(cat "$TMP/u.err")"
	fi
}
usage_case "bad --buffer-size" "invalid --buffer-size argument: '64Q'" --buffer-size 64Q -a
usage_case "bad --duration" "invalid --duration argument: 'soon'" --duration soon -a
usage_case "bad --pid" "invalid --pid argument: '12x'" -p 12x
usage_case "bad --syscalls name" "invalid --syscalls argument: 'nosuchcall'" --syscalls read,nosuchcall -a
usage_case "bad --syscalls class" "invalid --syscalls argument: '%bogus'" --syscalls %bogus -a
usage_case "bad --sample-interval" "invalid --sample-interval argument: '1us'" --sample-interval 1us -a
usage_case "bad --rotate" "invalid --rotate argument: '1'" --rotate 1 --max-size 1M -a
usage_case "bad --compression-level" "invalid --compression-level argument: '99'" --compression-level 99 -a
usage_case "--rotate without --max-size" "--rotate needs --max-size" --rotate 3 -a
usage_case "unknown option" "unknown option '--bogus'" --bogus
usage_case "missing argument" "option '-o' needs an argument" -o
usage_case "two targets" "give only one target" -a -p 1
usage_case "no target" "nothing to record" -o x
usage_case "unknown --user" "invalid --user argument: 'no-such-user-x'" --user no-such-user-x -- true

"$SYSREC" record --help >"$TMP/help" 2>&1
is "--help exits 0" "$?" 0
missing=""
for opt in --output --pid --all --cgroup --duration --syscalls --no-args --sample-interval \
	--buffer-size --max-size --rotate --compression-level --user --quiet --verbose --help; do
	grep -q -- "$opt" "$TMP/help" || missing="$missing $opt"
done
is "--help documents every option" "$missing" ""
"$SYSREC" help record >"$TMP/help2" 2>&1
check "sysrec help record equals record --help" cmp -s "$TMP/help" "$TMP/help2"

needs_root
need_bpf

if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SYSREC" record -a -o /dev/null 2>"$TMP/nr.err"
	is "not root: exit 1" "$?" 1
	check "not root: says to run as root" grep -q "needs root" "$TMP/nr.err"
else
	skip "setpriv is not installed"
fi

# --user, and the sudo default: CMD runs as that user, the recorder as root
is "--user nobody: CMD runs as nobody" "$("$SYSREC" record -q --user nobody -o "$TMP/u.trace" -- id -u)" 65534
is "under sudo: CMD runs as SUDO_UID" \
	"$(SUDO_UID=65534 SUDO_GID=65534 "$SYSREC" record -q -o "$TMP/u.trace" -- id -u)" 65534

rec /nonexistent-dir/x.trace -- true
is "unwritable output: exit 1" "$rc" 1
check "unwritable output: the message names the file" grep -q "/nonexistent-dir/x.trace" "$TMP/rec.err"

# full disk: exit 1 naming the cause; the file ends on a whole frame
mkdir -p "$TMP/full"
if mount -t tmpfs -o size=96k tmpfs "$TMP/full" 2>/dev/null; then
	"$SYSREC" record -q -o "$TMP/full/x.trace" -- "$WL/syscall_mix" 20000 2>"$TMP/full.err"
	is "full disk: exit 1" "$?" 1
	check "full disk: says 'No space left on device'" grep -q "No space left on device" "$TMP/full.err"
	pkill_pid=$(dump "$TMP/full/x.trace" | awk -F'\t' '$1=="PROCINFO" {print $3; exit}')
	[ -n "$pkill_pid" ] && kill "$pkill_pid" 2>/dev/null
	is "full disk: the trace reads up to the cut (header, process table, damage reported)" \
		"$(dump "$TMP/full/x.trace" | awk -F'\t' '{print $1}' | sort -u | tr '\n' ' ')" "DAMAGE HDR PROCINFO "
	umount "$TMP/full"
else
	skip "full disk: cannot mount a small tmpfs"
fi

# default name, said on stderr
(cd "$TMP" && "$SYSREC" record --sample-interval 0 -- true 2>"$TMP/def.err")
name=$(ls "$TMP" | grep -E '^sysrec-[0-9]{8}-[0-9]{6}\.trace$' | head -1)
check "default output name sysrec-YYYYmmdd-HHMMSS.trace" [ -n "$name" ]
check "the default name is said on stderr" grep -qF "$name" "$TMP/def.err"
check "the summary line is printed" grep -q "bytes/event" "$TMP/def.err"

# -o - streams through a pipe
"$SYSREC" record -q -o - --sample-interval 0 -- "$WL/getppid_loop" 2000 2>/dev/null |
	"$TRDUMP" - >"$TMP/pipe.tsv"
is "-o -: the trace streams through a pipe (2000 getppid)" \
	"$(count "$TMP/pipe.tsv" '$1=="SC" && $5=="getppid"')" 2000
is "-o -: totals at the end" "$(count "$TMP/pipe.tsv" '$1=="TOTALS"')" 1

# the reader of -o - goes away: a quiet stop
"$SYSREC" record -o - -a --duration 5s 2>"$TMP/epipe.err" | head -c 100 >/dev/null
is "-o - into head: exit 0" "${PIPESTATUS[0]}" 0
is "-o - into head: nothing on stderr" "$(cat "$TMP/epipe.err")" ""

# --syscalls class
rec "$TMP/cls.trace" --syscalls %file --sample-interval 0 -- "$WL/syscall_mix" 10
dump "$TMP/cls.trace" >"$TMP/cls.tsv"
is "--syscalls %file: openat and access, no getpid/mmap" \
	"$(count "$TMP/cls.tsv" '$1=="SC" && $5=="openat" && $9 ~ /proc.self.stat/')/$(count "$TMP/cls.tsv" '$1=="SC" && ($5=="getpid" || $5=="mmap")')" "10/0"

# --max-size alone stops; with --rotate a ring of files
rec "$TMP/ms.trace" --max-size 64k --sample-interval 0 -- "$WL/syscall_mix" 2000000
pid=$(dump "$TMP/ms.trace" | awk -F'\t' '$1=="EXEC" {print $3; exit}')
[ -n "$pid" ] && kill "$pid" 2>/dev/null
is "--max-size: recording stops with reason max-size" \
	"$(dump "$TMP/ms.trace" | awk -F'\t' '$1=="TOTALS" {print $2}')" max-size
# The shell outlives the loop, so every rotation (also one set off by the
# loop's last events) finds a live process to put in the new file's table.
rec "$TMP/r.trace" --max-size 64k --rotate 3 --sample-interval 0 -- \
	sh -c '"$1" 400000; sleep 0.3' sh "$WL/getppid_loop"
is "--rotate: record exits 0" "$rc" 0
check "--rotate 3: FILE, FILE.1, FILE.2 exist and FILE.3 does not" \
	[ -f "$TMP/r.trace" -a -f "$TMP/r.trace.1" -a -f "$TMP/r.trace.2" -a ! -e "$TMP/r.trace.3" ]
seqs=""
for f in "$TMP/r.trace.2" "$TMP/r.trace.1" "$TMP/r.trace"; do
	dump "$f" >"$TMP/r.tsv"
	seqs="$seqs $(awk -F'\t' '$1=="HDR" {print $8}' "$TMP/r.tsv")"
	[ "$(count "$TMP/r.tsv" '$1=="PROCINFO"')" -ge 1 ] || seqs="$seqs(no table)"
done
set -- $seqs
check "--rotate: each file has a header and process table, newest has the highest seq ($seqs)" \
	[ $# -eq 3 ] && [ "$1" -lt "$2" ] && [ "$2" -lt "$3" ]

# header_recorder_named: the header says which recorder wrote the trace
# (it was left empty: replay --stats showed "recorder: -").
rec "$TMP/hr.trace" --sample-interval 0 -- true
is "header recorder field is \"sysrec VERSION\"" \
	"$("$SYSREC" replay --stats "$TMP/hr.trace" | sed -n 's/^recorder: *//p')" \
	"sysrec $(sed -n 's/^VERSION *[:?]*= *//p' "$TOP/Makefile" | head -1)"

# A live trace does not keep records back: with CMD asleep and its CPU
# idle, everything that completed more than ~1 s ago is already in the
# file (the CPU's partly filled batch is handed over when it goes idle).
rm -f "$TMP/live.trace"
# CMD on the last CPU, the recorder on the others: CMD's CPU goes idle.
last_cpu=$(($(nproc) - 1))
taskset -c 0-$((last_cpu > 0 ? last_cpu - 1 : 0)) "$SYSREC" record -q --sample-interval 0 \
	-o "$TMP/live.trace" -- taskset -c $last_cpu \
	sh -c '"$1" 5 && exec sleep 3' sh "$WL/getppid_loop" 2>/dev/null &
lpid=$!
sleep 2.2
snap_ns=$(awk '{ printf "%.0f", $1 * 1e9 }' /proc/uptime)
dump "$TMP/live.trace" 2>/dev/null >"$TMP/live.tsv"
wait "$lpid"
dump "$TMP/live.trace" >"$TMP/final.tsv"
old_in() { awk -F'\t' -v s="$snap_ns" '$1=="SC" && $7==0 && $2 + $8 < s - 1300000000 {n++} END {print n+0}' "$1"; }
old=$(old_in "$TMP/final.tsv")
check "live trace: at least 100 records completed >1.3 s before the read ($old)" [ "$old" -ge 100 ]
is "live trace: all of them were in the file at the read" "$(old_in "$TMP/live.tsv")" "$old"

done_testing
