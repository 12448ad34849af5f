#!/usr/bin/env bash
# A tree of N processes and M threads: every fork/exec/exit attributed,
# parent links, exec filenames and argv, exit statuses, exit_group present.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

N=5 M=4
rec "$TMP/t.trace" -- "$WL/proc_tree" $N $M
is "record exits with the tree's status 0" "$rc" 0
dump "$TMP/t.trace" >"$TMP/t.tsv"
root=$(awk -F'\t' '$1=="PROCINFO" {print $3; exit}' "$TMP/t.tsv")
f() { awk -F'\t' "$1" "$TMP/t.tsv"; }

is "$M thread forks, all from the root, is_thread=1" \
	"$(f "\$1==\"FORK\" && \$7==1 && \$4==$root && \$6==$root && \$3!=$root {n++} END {print n+0}")" $M
is "$N process forks from the root" \
	"$(f "\$1==\"FORK\" && \$7==0 && \$6==$root && \$3==\$4 {n++} END {print n+0}")" $N
ok_sig=1
for fl in $(f "\$1==\"FORK\" && \$7==0 && \$6==$root {print \$8}"); do
	[ $((fl & 255)) -eq 17 ] || ok_sig=0
done
is "their clone flags carry SIGCHLD as exit signal" $ok_sig 1
kids=$(f "\$1==\"FORK\" && \$7==0 && \$6==$root {print \$3}" | sort -n | tr '\n' ' ')
first=$(echo $kids | awk '{print $1}')
is "one grandchild, forked by the first child" \
	"$(f "\$1==\"FORK\" && \$7==0 && \$6==$first {n++} END {print n+0}")" 1
grand=$(f "\$1==\"FORK\" && \$6==$first {print \$3}")
is "root exec: filename and argv" \
	"$(f "\$1==\"EXEC\" && \$3==$root {print \$5 \" \" \$6}")" "$WL/proc_tree $WL/proc_tree|$N|$M"
is "$((N - 1)) children exec /proc/self/exe" \
	"$(f '$1=="EXEC" && $5=="/proc/self/exe" {n++} END {print n+0}')" $((N - 1))
# child i (by fork order) runs "proc_tree child 10+i" and exits 10+i
i=0 ok_argv=1 ok_exit=1
for k in $(f "\$1==\"FORK\" && \$7==0 && \$6==$root {print \$3}"); do
	if [ $i -lt $((N - 1)) ]; then
		[ "$(f "\$1==\"EXEC\" && \$3==$k {print \$6}")" = "$WL/proc_tree|child|$((10 + i))" ] || ok_argv=0
		[ "$(f "\$1==\"EXIT\" && \$3==$k && \$8==1 {print \$5 \"/\" \$6}")" = "$((10 + i))/0" ] || ok_exit=0
	else
		killed=$k
	fi
	i=$((i + 1))
done
is "children's exec argv" $ok_argv 1
is "children's exit codes 10.." $ok_exit 1
is "last child killed by SIGKILL" "$(f "\$1==\"EXIT\" && \$3==$killed && \$8==1 {print \$5 \"/\" \$6}")" "0/9"
is "grandchild exits 7" "$(f "\$1==\"EXIT\" && \$3==$grand && \$8==1 {print \$5}")" 7
is "root exits 0, group dead" "$(f "\$1==\"EXIT\" && \$3==$root && \$8==1 {print \$5 \"/\" \$6}")" "0/0"
is "$M thread exits, not group dead" \
	"$(f "\$1==\"EXIT\" && \$4==$root && \$3!=$root && \$8==0 {n++} END {print n+0}")" $M
is "every process (root, $N children, grandchild) has one group-dead exit" \
	"$(f '$1=="EXIT" && $8==1 {n++} END {print n+0}')" $((N + 2))
# exit_group from every process that was not killed: root, N-1 children, grandchild
is "exit_group records (noreturn) for each process not killed" \
	"$(f '$1=="SC" && $5=="exit_group" && $7==2 {n++} END {print n+0}')" $((N + 1))
is "threads end with exit (noreturn)" \
	"$(f "\$1==\"SC\" && \$5==\"exit\" && \$7==2 && \$4==$root {n++} END {print n+0}")" $M
is "each thread made its getppid" \
	"$(f "\$1==\"SC\" && \$5==\"getppid\" && \$4==$root && \$3!=$root {n++} END {print n+0}")" $M
is "every syscall belongs to a process of the tree" \
	"$(f '$1=="FORK" {p[$3]=1} $1=="PROCINFO" {p[$3]=1} $1=="SC" && !($3 in p) {n++} END {print n+0}')" 0
is "a cgroup event for every new process" \
	"$(f '$1=="CGROUP" {n++} END {print n+0}')" $((N + 2))
is "comm change by prctl: COMM event of the root" \
	"$(f "\$1==\"COMM\" && \$3==$root && \$4==$root {print \$5}")" tree-root
first_thr=$(f "\$1==\"FORK\" && \$7==1 {print \$3; exit}")
is "comm change of another thread (pthread_setname_np)" \
	"$(f "\$1==\"COMM\" && \$3==$first_thr && \$4==$root {print \$5}")" tree-thr
is "exec's own rename is not a COMM event" "$(f '$1=="COMM" {n++} END {print n+0}')" 2
is "no unfinished syscalls" "$(f '$1=="SC" && $7==1 {n++} END {print n+0}')" 0

# --wait-descendants: CMD exits 3 at once, leaving a child that sleeps and
# then makes 1000 getppid calls. Without the option the recording ends with
# CMD (none of the calls); with it, when the child exits (all of them).
bg='(sleep 0.4; exec "$1" 1000) & exit 3'
rec "$TMP/nw.trace" --sample-interval 0 -- sh -c "$bg" sh "$WL/getppid_loop"
is "without --wait-descendants: exit 3, recording ends with CMD" \
	"$rc/$(dump "$TMP/nw.trace" | awk -F'\t' '$1=="TOTALS" {print $2}')" "3/command exited"
dump "$TMP/nw.trace" >"$TMP/nw.tsv"
shpid=$(awk -F'\t' '$1=="EXEC" {print $3; exit}' "$TMP/nw.tsv")
is "without --wait-descendants: no exec of the child, no getppid but the shell's" \
	"$(count "$TMP/nw.tsv" '$1=="EXEC" && $5 ~ /getppid_loop$/')/$(count "$TMP/nw.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$3!=${shpid:-0}")" "0/0"
rec "$TMP/wd.trace" --wait-descendants --sample-interval 0 -- sh -c "$bg" sh "$WL/getppid_loop"
dump "$TMP/wd.trace" >"$TMP/wd.tsv"
cpid=$(awk -F'\t' '$1=="EXEC" && $5 ~ /getppid_loop$/ {print $3; exit}' "$TMP/wd.tsv")
is "--wait-descendants: exit status still CMD's (3), ends when the descendants exited" \
	"$rc/$(awk -F'\t' '$1=="TOTALS" {print $2}' "$TMP/wd.tsv")" "3/command and descendants exited"
is "--wait-descendants: all 1000 getppid of the child" \
	"$(count "$TMP/wd.tsv" "\$1==\"SC\" && \$5==\"getppid\" && \$3==${cpid:-0}")" 1000
is "--wait-descendants: the child's exit is recorded" \
	"$(count "$TMP/wd.tsv" "\$1==\"EXIT\" && \$3==${cpid:-0}")" 1
"$SYSREC" record --wait-descendants -a -o "$TMP/x.trace" 2>"$TMP/wd.err"
is "--wait-descendants without CMD: usage error" "$?/$(head -1 "$TMP/wd.err")" \
	"2/sysrec record: --wait-descendants applies only to a launched CMD"

done_testing
