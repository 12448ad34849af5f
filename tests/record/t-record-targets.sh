#!/usr/bin/env bash
# Targets other than a launched command: -p (running process and its later
# child), -a (a process started after recording began), --cgroup (that
# cgroup's processes and nothing else).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

# ---- -p ----
"$WL/spin_getppid" 2 600 2 &
target=$!
sleep 0.2
rec "$TMP/p.trace" -p $target --duration 1s
is "-p: record exits 0" "$rc" 0
dump "$TMP/p.trace" >"$TMP/p.tsv"
is "-p: header target pids with the pid" "$(awk -F'\t' '$1=="HDR" {print $2}' "$TMP/p.tsv")" pids
is "-p: process table has the target" \
	"$(awk -F'\t' -v p=$target '$1=="PROCINFO" && $3==p {print $6}' "$TMP/p.tsv")" spin_getppid
check "-p: the target's getppid calls are recorded" \
	[ "$(count "$TMP/p.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$3==$target")" -gt 50 ]
is "-p: all three threads of the target are followed" \
	"$(awk -F'\t' -v p=$target '$1=="SC" && $5=="getppid" && $4==p {t[$3]=1} END {print length(t)}' "$TMP/p.tsv")" 3
child=$(awk -F'\t' -v p=$target '$1=="FORK" && $6==p && $7==0 {print $3; exit}' "$TMP/p.tsv")
check "-p: the child forked later is recorded" [ -n "$child" ]
is "-p: child's exec and argv" \
	"$(awk -F'\t' -v c="$child" '$1=="EXEC" && $3==c {print $6}' "$TMP/p.tsv")" "$WL/spin_getppid|0"
is "-p: child's getppid and exit 5" \
	"$(count "$TMP/p.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$3==${child:-0}")/$(awk -F'\t' -v c="$child" '$1=="EXIT" && $3==c && $8==1 {print $5}' "$TMP/p.tsv")" "1/5"
is "-p: nothing from other processes" \
	"$(count "$TMP/p.tsv" "\$1==\"SC\" && \$4!=$target && \$4!=${child:-0}")" 0
wait $target

# -p ends by itself when the followed processes are gone
"$WL/spin_getppid" 0.6 200 &
target=$!
sleep 0.1
rec "$TMP/pe.trace" -p $target
is "-p: recording ends when the process and its child exited" \
	"$rc/$(dump "$TMP/pe.trace" | awk -F'\t' '$1=="TOTALS" {print $2}')" "0/processes exited"
wait $target

rec "$TMP/bad.trace" -p 2147483000
is "-p of a pid that does not exist: exit 1" "$rc" 1
check "-p: the message names the pid" grep -q "no such process: 2147483000" "$TMP/rec.err"

# ---- -a ----
"$SYSREC" record -q -a --duration 1.2s --sample-interval 0 -o "$TMP/a.trace" 2>"$TMP/a.err" &
rpid=$!
sleep 0.5
"$WL/getppid_loop" 777 &
lpid=$!
wait $lpid
wait $rpid
is "-a: record exits 0" "$?" 0
dump "$TMP/a.trace" >"$TMP/a.tsv"
is "-a: header target system" "$(awk -F'\t' '$1=="HDR" {print $2}' "$TMP/a.tsv")" system
is "-a: a process started later: exactly its 777 getppid" \
	"$(count "$TMP/a.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$3==$lpid")" 777
is "-a: its exec and exit are there" \
	"$(count "$TMP/a.tsv" "(\$1==\"EXEC\" || (\$1==\"EXIT\" && \$8==1)) && \$3==$lpid")" 2
is "-a: the recorder itself is left out" "$(count "$TMP/a.tsv" "\$4==$rpid")" 0
check "-a: the process table lists the processes present at start" \
	[ "$(count "$TMP/a.tsv" '$1=="PROCINFO"')" -gt 3 ]

# ---- --cgroup ----
mnt=$(awk '$3=="cgroup2" {print $2; exit}' /proc/self/mounts)
if [ -z "$mnt" ]; then
	skip "--cgroup: no cgroup2 mount"
	done_testing
fi
cg=$mnt/sysrec-test-$$
if ! mkdir "$cg" 2>/dev/null; then
	skip "--cgroup: cannot create a cgroup under $mnt"
	done_testing
fi
# The child comes 1.2 s after the start: time for the recorder to attach
# even on a loaded machine (it starts at 0.2 s).
sh -c "echo \$\$ > $cg/cgroup.procs && exec $WL/spin_getppid 2.4 1200" &
inpid=$!
sleep 0.2
"$SYSREC" record -q --cgroup "$cg" --duration 1.6s -o "$TMP/c.trace" 2>"$TMP/c.err" &
rpid=$!
sleep 0.3
"$WL/getppid_loop" 500 &
outpid=$!
wait $outpid
wait $rpid
is "--cgroup: record exits 0" "$?" 0
wait $inpid
dump "$TMP/c.trace" >"$TMP/c.tsv"
cgid=$(stat -c %i "$cg")
is "--cgroup: header target cgroup" "$(awk -F'\t' '$1=="HDR" {print $2}' "$TMP/c.tsv")" cgroup
check "--cgroup: the cgroup's process is recorded" \
	[ "$(count "$TMP/c.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$4==$inpid")" -gt 50 ]
child=$(awk -F'\t' -v p=$inpid '$1=="FORK" && $6==p && $7==0 {print $3; exit}' "$TMP/c.tsv")
check "--cgroup: its later child too" [ -n "$child" ]
is "--cgroup: the child's cgroup event names the cgroup" \
	"$(awk -F'\t' -v c="$child" '$1=="CGROUP" && $3==c {print $5 " " $6}' "$TMP/c.tsv")" "$cgid /sysrec-test-$$"
is "--cgroup: nothing from outside the cgroup" \
	"$(count "$TMP/c.tsv" "\$1==\"SC\" && \$4!=$inpid && \$4!=${child:-0}")" 0
is "--cgroup: the process table has exactly the cgroup's process" \
	"$(awk -F'\t' '$1=="PROCINFO" {print $3}' "$TMP/c.tsv" | tr '\n' ' ')" "$inpid "
rmdir "$cg" 2>/dev/null || { sleep 0.5; rmdir "$cg"; }

rec "$TMP/nocg.trace" --cgroup /sysrec-no-such-cgroup
is "--cgroup that does not exist: exit 1" "$rc" 1

# kthread_table_comm: every kernel thread in the -a process table has its
# real comm (table entries were moved by a realloc while their comm pointers
# still pointed at the old place: garbage or empty names).
rec "$TMP/kt.trace" -a --duration 0.3s --sample-interval 0
dump "$TMP/kt.trace" | awk -F'\t' '$1=="PROCINFO" {print $3 "\t" $5 "\t" $6}' >"$TMP/kt.tsv"
nk=0
bad=""
while IFS=$'\t' read -r pid ppid comm; do
	# kthreadd (pid 2) and its children are the kernel threads.
	[ "$pid" = 2 ] || [ "$ppid" = 2 ] || continue
	now=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
	nk=$((nk + 1))
	# A kworker's name ends in the work it is doing now ("kworker/0:2-events",
	# "kworker/u8:3+flush"): compare the worker part.
	kw='s/^(kworker\/u?[0-9]+:[0-9]+H?)[+-].*/\1/'
	[ "$(sed -E "$kw" <<<"$comm")" = "$(sed -E "$kw" <<<"$now")" ] ||
		bad="$bad $pid:'$comm'!='$now'"
done <"$TMP/kt.tsv"
check "-a: more than 10 kernel threads in the process table ($nk)" [ "$nk" -gt 10 ]
is "-a: every kernel thread's comm equals /proc/PID/comm" "$bad" ""
is "-a: no process table entry has an empty comm" \
	"$(awk -F'\t' '$3 == "" {print $1}' "$TMP/kt.tsv" | tr '\n' ' ')" ""

done_testing
