#!/usr/bin/env bash
# Path strings of file syscalls.
# fresh_path_string: a path in a page of .rodata not yet paged in when the
# syscall enters cannot be read at sys_enter; the recorder reads it again
# at sys_exit, so even the first open shows its path (it used to show only
# the raw pointer), and no string is counted as lost.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

P=/nonexistent/sysrec-fresh-path
rec "$TMP/fp.trace" --sample-interval 0 -- "$WL/fresh_path"
is "record -- fresh_path exits 0" "$rc" 0
dump "$TMP/fp.trace" >"$TMP/fp.tsv"
pid=$(awk -F'\t' '$1=="EXEC" {print $3; exit}' "$TMP/fp.tsv")
# The workload's two opens of the path: both fail with ENOENT.
awk -F'\t' -v p="$pid" '$1=="SC" && $3==p && $5=="openat" && $6==-2' "$TMP/fp.tsv" >"$TMP/opens"
is "two failed openat calls of the workload" "$(wc -l <"$TMP/opens")" 2
is "the first open (string not paged in at entry) shows the path" \
	"$(head -1 "$TMP/opens" | cut -f9)" "1=$P;"
is "the second open shows the path" "$(sed -n 2p "$TMP/opens" | cut -f9)" "1=$P;"
is "no loss recorded" "$(count "$TMP/fp.tsv" '$1=="LOSS"')" 0

# exec_path_unread: the same for a successful execve, which has no sys_exit
# to read again at (and the caller's memory is gone by then): its path was
# missing, without a loss either; the kernel's copy of it is recorded now.
rec "$TMP/fe.trace" --sample-interval 0 -- "$WL/fresh_path" exec
is "record -- fresh_path exec exits 0" "$rc" 0
dump "$TMP/fe.trace" >"$TMP/fe.tsv"
is "execve of a path not paged in at entry shows the path" \
	"$(awk -F'\t' '$1=="SC" && $5=="execve" {print $9}' "$TMP/fe.tsv" | tail -1)" "0=/bin/true;"
is "execve of a path not paged in: no loss" "$(count "$TMP/fe.tsv" '$1=="LOSS"')" 0

# A bad pointer is no lost string: EFAULT, raw argument, no loss event.
rec "$TMP/bad.trace" --sample-interval 0 -- /usr/bin/python3 -c 'import ctypes; ctypes.CDLL(None).syscall(257, -100, 8, 0)'
dump "$TMP/bad.trace" >"$TMP/bad.tsv"
is "openat of a bad pointer: EFAULT, no string" \
	"$(awk -F'\t' '$1=="SC" && $5=="openat" && $6==-14 {print $9}' "$TMP/bad.tsv" | sort -u | tr -d '\n')" ""
is "openat of a bad pointer: recorded once" \
	"$(count "$TMP/bad.tsv" '$1=="SC" && $5=="openat" && $6==-14')" 1
is "openat of a bad pointer: no loss" "$(count "$TMP/bad.tsv" '$1=="LOSS"')" 0

done_testing
