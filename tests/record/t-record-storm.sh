#!/usr/bin/env bash
# Stress for the per-CPU fast path (record/sysrec.bpf.c), checked exactly:
# thread_storm (32 threads on 2 CPUs: pipe ping-pong, futex handshakes, CPU
# moves, int 0x80, signals with and without SA_RESTART, short-lived
# threads) under every target (-- CMD, -p attached before its counted run,
# -a, --cgroup) and with --syscalls, and proc_storm (fork storm,
# vfork+exec, clone3, exec from a non-leader thread). Every call once, in its own thread, with its own
# arguments and result, in order; nothing lost or invented; sane times.
# Then both again under full kernel preemption when debugfs lets the test
# switch it (it is set back to none on exit).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

T=32 K=3000 N=200 J=64
HERE=$(dirname "$0")
OKLINE="main=0 handler=0 short=0 count=0 ret=0 time=0 stray=0 loss=0"
PROCOK="fork=0 vfork=0 clone3=0 thread=0 i386=0 exec=0 owner=0 order=0 stray=0 time=0 loss=0"

# wait_for CONDITION...: up to 10 s
wait_for() {
	for _ in $(seq 1 1000); do
		"$@" && return 0
		sleep 0.01
	done
	return 1
}

# storm_check WHAT TRACE OUT PID: the exact check of a thread_storm recording
storm_check() {
	local what=$1 trace=$2 out=$3 pid=$4 got
	dump "$trace" | awk -F'\t' -v p="$pid" '$1 != "SC" || $4 == p' |
		sort -t "$(printf '\t')" -k2,2n >"$trace.tsv"
	got=$(awk -F'\t' -f "$HERE/storm-lib.awk" -f "$HERE/storm-check.awk" "$out" "$trace.tsv" 2>"$trace.why")
	is "$what: every call once, own thread, args and result, in order" \
		"$(sed 's/ short=[0-9]*//' <<<"$got")" "threads=$T $OKLINE"
	if [ "$(sed 's/ short=[0-9]*//' <<<"$got")" != "threads=$T $OKLINE" ]; then
		diag "$(head -5 "$trace.why")"
	fi
}

storm_cmd() {
	rec "$TMP/$1.trace" --sample-interval 0 -- "$WL/thread_storm" $T $K >"$TMP/$1.out"
	is "$1: thread_storm exits 0" "$rc" 0
	[ "$rc" = 0 ] || diag "$(tail -3 "$TMP/rec.err")"
	storm_check "$1" "$TMP/$1.trace" "$TMP/$1.out" \
		"$(dump "$TMP/$1.trace" | awk -F'\t' '$1=="EXEC" {print $3; exit}')"
	check "$1: short-lived threads ran ($(awk '$1=="S" {print $2}' "$TMP/$1.out"))" \
		[ "$(awk '$1=="S" {print $2}' "$TMP/$1.out")" -gt 10 ]
}

proc_cmd() {
	rec "$TMP/$1.trace" --sample-interval 0 -- "$WL/proc_storm" $N $J
	is "$1: proc_storm exits 0" "$rc" 0
	[ "$rc" = 0 ] || diag "$(tail -3 "$TMP/rec.err")"
	dump "$TMP/$1.trace" | sort -t "$(printf '\t')" -k2,2n >"$TMP/$1.tsv"
	local pid
	pid=$(awk -F'\t' '$1=="EXEC" {print $3; exit}' "$TMP/$1.tsv")
	is "$1: every child's and thread's calls once, in order; exits, execs, forks" \
		"$(awk -F'\t' -v N=$N -v J=$J -v pid="$pid" -f "$HERE/storm-lib.awk" -f "$HERE/procstorm-check.awk" \
			"$TMP/$1.tsv" 2>"$TMP/$1.why")" "$PROCOK"
	[ -s "$TMP/$1.why" ] && diag "$(head -5 "$TMP/$1.why")"
}

# ---- -- CMD ----
storm_cmd storm
proc_cmd procs

# ---- --syscalls: the cached "traced" answer holds per task, the filter
# per call ----
rec "$TMP/f.trace" --sample-interval 0 --syscalls getpriority,read,futex,rt_sigreturn \
	-- "$WL/thread_storm" $T $K >"$TMP/f.all"
is "--syscalls: thread_storm exits 0" "$rc" 0
[ "$rc" = 0 ] || diag "$(tail -3 "$TMP/rec.err")"
grep -E '^(T|H|S) |^C [0-9]+ (getpriority|read|futex) ' "$TMP/f.all" >"$TMP/f.out"
storm_check "--syscalls" "$TMP/f.trace" "$TMP/f.out" \
	"$(dump "$TMP/f.trace" | awk -F'\t' '$1=="EXEC" {print $3; exit}')"
is "--syscalls: only the chosen calls" \
	"$(awk -F'\t' '$1=="SC" {print $5}' "$TMP/f.trace.tsv" | sort -u | tr '\n' ' ')" \
	"futex getpriority read rt_sigreturn "

# ---- -p, attached while the threads run their warm-up loop ----
"$WL/thread_storm" $T $K gate >"$TMP/p.out" &
wpid=$!
wait_for grep -q '^R' "$TMP/p.out"
"$SYSREC" record -q -p $wpid --sample-interval 0 -o "$TMP/p.trace" 2>"$TMP/p.err" &
rpid=$!
# The output file is created once every thread is followed.
wait_for test -e "$TMP/p.trace"
kill -HUP $wpid
wait $wpid
is "-p: thread_storm exits 0" "$?" 0
wait $rpid
is "-p: record exits 0 when the process is gone" "$?" 0
storm_check "-p" "$TMP/p.trace" "$TMP/p.out" $wpid
check "-p: warm-up calls before the gate were recorded too" \
	[ "$(count "$TMP/p.trace.tsv" '$1=="SC" && $5=="getpriority" && int(substr($10, 3) / 67108864) == 20')" -gt 0 ]

# -p of a shell that then execs proc_storm: its children, vforked execs,
# clone3 children and the exec from a non-leader thread are all followed,
# and the recording ends when they are gone.
mkfifo "$TMP/go"
sh -c "read x <$TMP/go; exec $WL/proc_storm $N $J" &
wpid=$!
"$SYSREC" record -q -p $wpid --sample-interval 0 -o "$TMP/pp.trace" 2>"$TMP/pp.err" &
rpid=$!
wait_for test -e "$TMP/pp.trace"
echo go >"$TMP/go"
wait $wpid
is "-p: proc_storm exits 0" "$?" 0
wait $rpid
is "-p: record exits 0 when proc_storm and its children are gone" "$?" 0
dump "$TMP/pp.trace" | sort -t "$(printf '\t')" -k2,2n >"$TMP/pp.tsv"
is "-p: proc_storm's processes and threads, every call once" \
	"$(awk -F'\t' -v N=$N -v J=$J -v pid=$wpid -f "$HERE/storm-lib.awk" -f "$HERE/procstorm-check.awk" \
		"$TMP/pp.tsv" 2>"$TMP/pp.why")" "$PROCOK"
[ -s "$TMP/pp.why" ] && diag "$(head -5 "$TMP/pp.why")"

# ---- -a ----
"$SYSREC" record -q -a --sample-interval 0 -o "$TMP/a.trace" 2>"$TMP/a.err" &
rpid=$!
wait_for test -e "$TMP/a.trace"
"$WL/thread_storm" $T $K >"$TMP/a.out" &
wpid=$!
wait $wpid
is "-a: thread_storm exits 0" "$?" 0
kill -INT $rpid
wait $rpid
is "-a: record exits 0" "$?" 0
storm_check "-a" "$TMP/a.trace" "$TMP/a.out" $wpid

# ---- --cgroup ----
mnt=$(awk '$3=="cgroup2" {print $2; exit}' /proc/self/mounts)
cg=$mnt/sysrec-storm-$$
if [ -n "$mnt" ] && mkdir "$cg" 2>/dev/null; then
	"$SYSREC" record -q --cgroup "$cg" --sample-interval 0 -o "$TMP/c.trace" 2>"$TMP/c.err" &
	rpid=$!
	wait_for test -e "$TMP/c.trace"
	sh -c "echo \$\$ >$cg/cgroup.procs && exec $WL/thread_storm $T $K" >"$TMP/c.out" &
	wpid=$!
	wait $wpid
	is "--cgroup: thread_storm exits 0" "$?" 0
	kill -INT $rpid
	wait $rpid
	is "--cgroup: record exits 0" "$?" 0
	storm_check "--cgroup" "$TMP/c.trace" "$TMP/c.out" $wpid
	rmdir "$cg" 2>/dev/null || { sleep 0.5; rmdir "$cg"; }
else
	skip "--cgroup: cannot create a cgroup v2 directory"
fi

# ---- full preemption ----
# The switch is kernel-wide; debugfs is mounted in a private mount
# namespace only. Lockdown refuses debugfs: then this part is skipped.
preempt() {
	unshare -m --propagation private sh -c \
		"mount -t debugfs none /sys/kernel/debug && echo $1 >/sys/kernel/debug/sched/preempt" \
		2>/dev/null
}
if preempt full; then
	trap 'preempt none; rm -rf "$TMP"' EXIT
	trap 'exit 130' INT TERM HUP
	storm_cmd full-storm
	proc_cmd full-procs
	preempt none
	is "preemption set back to none" "$?" 0
else
	skip "full preemption: cannot write /sys/kernel/debug/sched/preempt (lockdown?)"
fi

done_testing
