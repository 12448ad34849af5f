#!/usr/bin/env bash
# Completeness: K getppid calls give exactly K getppid records for that
# thread; exit status of CMD passes through; header and file mode.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

K=100000
rec "$TMP/g.trace" -- "$WL/getppid_loop" $K
is "record -- getppid_loop exits 0" "$rc" 0
dump "$TMP/g.trace" >"$TMP/g.tsv"
pid=$(awk -F'\t' '$1=="EXEC" {print $3; exit}' "$TMP/g.tsv")
is "exactly $K getppid records for the workload's thread" \
	"$(count "$TMP/g.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$3==$pid")" $K
is "getppid records are all complete (flags 0)" \
	"$(count "$TMP/g.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$7!=0")" 0
is "getppid returns the recorder's pid" \
	"$(awk -F'\t' '$1=="SC" && $5=="getppid" {print $6}' "$TMP/g.tsv" | sort -u)" \
	"$(awk -F'\t' '$1=="PROCINFO" {print $5; exit}' "$TMP/g.tsv")"
is "one execve recorded as noreturn (flags 2)" \
	"$(count "$TMP/g.tsv" "\$1==\"SC\" && \$5==\"execve\" && \$7==2 && \$3==$pid")" 1
is "one exit_group recorded as noreturn" \
	"$(count "$TMP/g.tsv" "\$1==\"SC\" && \$5==\"exit_group\" && \$7==2 && \$3==$pid")" 1
is "nothing lost" "$(count "$TMP/g.tsv" '$1=="LOSS"')" 0
is "header: target command, backend ebpf-tp_btf, args captured" \
	"$(awk -F'\t' '$1=="HDR" {print $2, $3, $5; exit}' "$TMP/g.tsv")" "command ebpf-tp_btf 1"
is "totals: command exited with 0" \
	"$(awk -F'\t' '$1=="TOTALS" {print $2 "/" $3}' "$TMP/g.tsv")" "command exited/0"
is "trace file is mode 0600" "$(stat -c %a "$TMP/g.trace")" 600

# durations are plausible: every complete syscall has ts > 0 and duration < 10 s
is "timestamps and durations are sane" \
	"$(count "$TMP/g.tsv" '$1=="SC" && ($2==0 || $8 > 10000000000)')" 0

# --no-args still counts exactly
rec "$TMP/n.trace" --no-args --sample-interval 0 -- "$WL/getppid_loop" 1000
dump "$TMP/n.trace" >"$TMP/n.tsv"
is "--no-args: exactly 1000 getppid" "$(count "$TMP/n.tsv" '$1=="SC" && $5=="getppid"')" 1000
is "--no-args: header says no args" "$(awk -F'\t' '$1=="HDR" {print $5}' "$TMP/n.tsv")" 0

# --syscalls: only the chosen ones (process events stay)
rec "$TMP/f.trace" --syscalls getppid,exit_group -- "$WL/getppid_loop" 500
dump "$TMP/f.trace" >"$TMP/f.tsv"
is "--syscalls getppid,exit_group: only those names" \
	"$(awk -F'\t' '$1=="SC" {print $5}' "$TMP/f.tsv" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
	"exit_group=1 getppid=500 "
is "--syscalls: exec event still recorded" "$(count "$TMP/f.tsv" '$1=="EXEC"')" 1

# exec argv is bounded (2048 bytes) and says when it was cut
big=$(printf 'b%.0s' $(seq 1 3000))
rec "$TMP/argv.trace" --sample-interval 0 -- "$WL/getppid_loop" 1 "$big"
dump "$TMP/argv.trace" >"$TMP/argv.tsv"
is "long argv: the exec event is marked truncated" "$(awk -F'\t' '$1=="EXEC" {print $8}' "$TMP/argv.tsv")" 1
is "long argv: the first arguments are whole" \
	"$(awk -F'\t' '$1=="EXEC" {split($6, a, "|"); print a[1] "|" a[2]}' "$TMP/argv.tsv")" "$WL/getppid_loop|1"

# exit status pass-through
rec "$TMP/e3.trace" -- sh -c 'exit 3'
is "CMD exit 3 -> record exits 3" "$rc" 3
rec "$TMP/e143.trace" -- sh -c 'kill -TERM $$'
is "CMD killed by SIGTERM -> record exits 143" "$rc" 143
dump "$TMP/e143.trace" >"$TMP/e143.tsv"
is "totals carry the signal" "$(awk -F'\t' '$1=="TOTALS" {print $4}' "$TMP/e143.tsv")" 15
rec "$TMP/nf.trace" -- /nonexistent/cmd
is "CMD not found -> 127" "$rc" 127

# Threads sharing a CPU with syscalls in flight when they switch, and
# moving between CPUs inside sched_setaffinity (the per-CPU fast path hands
# those to task storage): each thread has exactly its own K calls, in
# order, with its own arguments and result.
T=4 K2=20000
rec "$TMP/sc.trace" --sample-interval 0 -- "$WL/shared_cpu" $T $K2
is "shared_cpu exits 0" "$rc" 0
dump "$TMP/sc.trace" >"$TMP/sc.tsv"
# WHO (arg 1) = 0x7f000000 | thread << 20 | i; in entry-time order, i
# counts up (file order may differ across chunks: FORMAT.md 2.3).
sort -t "$(printf '\t')" -k2,2n "$TMP/sc.tsv" | awk -F'\t' '$1=="SC" && $5=="getpriority" {
	split($10, a, ","); w = a[2] - 2130706432; th = int(w / 1048576); it = w % 1048576
	if (!($3 in first)) first[$3] = th
	if (first[$3] != th) foreign++
	if (it != next_it[$3] + 0) order++
	next_it[$3] = it + 1; n[$3]++
	if ($6 != -3) ret++
} END {
	for (t in n) { threads++; if (n[t] != '"$K2"') short++ }
	printf "threads=%d short=%d foreign=%d order=%d ret=%d\n", threads, short, foreign + 0, order + 0, ret + 0
}' >"$TMP/sc.check"
is "shared CPU: $T threads with exactly $K2 getpriority each, own args, in order, ESRCH" \
	"$(cat "$TMP/sc.check")" "threads=$T short=0 foreign=0 order=0 ret=0"
is "shared CPU: every sched_yield, nanosleep and CPU move recorded" \
	"$(count "$TMP/sc.tsv" '$1=="SC" && $5=="sched_yield"')/$(count "$TMP/sc.tsv" '$1=="SC" && $5=="clock_nanosleep"')/$(count "$TMP/sc.tsv" '$1=="SC" && $5=="sched_setaffinity" && $6==0')" \
	"$((T * (K2 / 8)))/$((T * (K2 / 64)))/$((T * (K2 / 32) + 1))"
is "shared CPU: nothing lost" "$(count "$TMP/sc.tsv" '$1=="LOSS"')" 0

# 32-bit syscalls (int 0x80) are recorded as i386 calls, never as the
# x86_64 calls of the same numbers: K getpid through the syscall
# instruction; K getpid, getppid, open("/dev/null") and close through int
# 0x80 (i386 numbers 20, 64, 5, 6: writev, semget, fstat, lstat on x86_64).
if [ "$(uname -m)" = x86_64 ]; then
	K3=3000
	rec "$TMP/i80.trace" --sample-interval 0 -- "$WL/int80_mix" $K3
	is "int80_mix exits 0" "$rc" 0
	dump "$TMP/i80.trace" >"$TMP/i80.tsv"
	pid=$(awk -F'\t' '$1=="EXEC" {print $3; exit}' "$TMP/i80.tsv")
	n80() { count "$TMP/i80.tsv" "\$1==\"SC\" && \$3==$pid && \$5==\"$1\"$2"; }
	is "int 0x80: getpid / i386:getpid / i386:getppid / i386:open of /dev/null / i386:close" \
		"$(n80 getpid)/$(n80 i386:getpid " && \$6==$pid")/$(n80 i386:getppid)/$(n80 i386:open ' && $9=="0=/dev/null;" && $6 >= 0')/$(n80 i386:close ' && $6==0')" \
		"$K3/$K3/$K3/$K3/$K3"
	is "int 0x80: no writev, semget, fstat or lstat invented" \
		"$(count "$TMP/i80.tsv" '$1=="SC" && ($5=="writev" || $5=="semget" || $5=="fstat" || $5=="lstat")')" 0
	is "int 0x80: nothing lost" "$(count "$TMP/i80.tsv" '$1=="LOSS"')" 0
	is "replay decodes the 32-bit open's arguments" \
		"$("$SYSREC" replay "$TMP/i80.trace" | grep -m1 -o 'i386:open("/dev/null", O_RDONLY) = [0-9]*' | sed 's/= [0-9]*/= FD/')" \
		'i386:open("/dev/null", O_RDONLY) = FD'
	is "replay --syscall getpid / i386:getpid / %file selects $((2 * K3)) / $K3 / $K3 of them" \
		"$("$SYSREC" replay --syscall getpid "$TMP/i80.trace" | grep -c 'getpid()')/$("$SYSREC" replay --syscall i386:getpid "$TMP/i80.trace" | grep -c 'getpid()')/$("$SYSREC" replay --syscall %file "$TMP/i80.trace" | grep -c 'i386:open(')" \
		"$((2 * K3))/$K3/$K3"
else
	skip "int 0x80 exists on x86_64 only"
fi

# Syscall numbers in no table (1000; x32 getpid) are not recorded but
# counted as losses of kind 5, and only when every syscall is recorded.
K4=500
rec "$TMP/bn.trace" --sample-interval 0 -- "$WL/bad_nr" $K4
is "bad_nr exits 0" "$rc" 0
dump "$TMP/bn.trace" >"$TMP/bn.tsv"
is "unknown syscall numbers: $((2 * K4)) counted as losses of kind 5, none recorded" \
	"$(awk -F'\t' '$1=="LOSS" && $5==5 {s += $4} END {print s+0}' "$TMP/bn.tsv")/$(count "$TMP/bn.tsv" '$1=="SC" && $5 ~ /^#/')" \
	"$((2 * K4))/0"
check "unknown syscall numbers: the recorder says so" grep -q "$((2 * K4)) syscalls with numbers outside the syscall table" "$TMP/rec.err"
rec "$TMP/bn2.trace" --sample-interval 0 --syscalls getpid -- "$WL/bad_nr" $K4
is "unknown syscall numbers under --syscalls getpid: not counted, getpid recorded" \
	"$(dump "$TMP/bn2.trace" | awk -F'\t' '$1=="LOSS" {l += $4} $1=="SC" && $5=="getpid" {g++} END {print l+0 "/" g+0}')" "0/1"

done_testing
