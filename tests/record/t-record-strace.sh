#!/usr/bin/env bash
# For a deterministic single-threaded program, per-syscall counts equal what
# strace -f -c counts (strace leaves out exit_group, which never returns).
# Path strings are read at entry and attached to their argument.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/rec-lib.sh"
need_bpf

if command -v strace >/dev/null; then
	for wl in "syscall_mix 200" "getppid_loop 5000"; do
		set -- $wl
		strace -f -c -U name,calls -o "$TMP/strace.txt" "$WL/$1" "$2" >/dev/null
		awk 'started && /^---/ {exit} started {print $1, $2} /^---/ {started=1}' \
			"$TMP/strace.txt" | sort >"$TMP/want"
		rec "$TMP/s.trace" --sample-interval 0 -- "$WL/$1" "$2"
		dump "$TMP/s.trace" >"$TMP/s.tsv"
		awk -F'\t' '$1=="SC" && !($5=="exit_group" && $7==2) {n[$5]++}
			END {for (k in n) print k, n[k]}' "$TMP/s.tsv" | sort >"$TMP/got"
		if diff "$TMP/want" "$TMP/got" >"$TMP/diff"; then
			ok "$wl: per-syscall counts equal strace -f -c ($(wc -l <"$TMP/want") syscalls)"
		else
			not_ok "$wl: per-syscall counts equal strace -f -c"
			diag "$(cat "$TMP/diff")"
		fi
		is "$wl: one exit_group besides" \
			"$(count "$TMP/s.tsv" '$1=="SC" && $5=="exit_group" && $7==2')" 1
	done
else
	skip "strace is not installed"
fi

rec "$TMP/m.trace" --sample-interval 0 -- "$WL/syscall_mix" 50
dump "$TMP/m.trace" >"$TMP/m.tsv"
is "path strings: 50 openat of /proc/self/stat that succeeded" \
	"$(count "$TMP/m.tsv" '$1=="SC" && $5=="openat" && $9=="1=/proc/self/stat;" && $6>=0')" 50
is "path strings: 50 openat that failed with ENOENT" \
	"$(count "$TMP/m.tsv" '$1=="SC" && $5=="openat" && $9=="1=/nonexistent/sysrec-test;" && $6==-2')" 50
is "path strings: 50 access of /etc/passwd (argument 0)" \
	"$(count "$TMP/m.tsv" '$1=="SC" && $5=="access" && $9=="0=/etc/passwd;"')" 50
is "path strings: execve with its filename" \
	"$(count "$TMP/m.tsv" "\$1==\"SC\" && \$5==\"execve\" && \$9==\"0=$WL/syscall_mix;\"")" 1
# two path arguments, and a path longer than the bound (kept: 255 bytes)
long=$(printf 'a%.0s' $(seq 1 300))
rec "$TMP/p2.trace" --sample-interval 0 -- sh -c "mv $TMP/nosuch $TMP/other 2>/dev/null; cat $TMP/$long 2>/dev/null; true"
dump "$TMP/p2.trace" >"$TMP/p2.tsv"
is "two path arguments (rename): both kept with their argument index" \
	"$(awk -F'\t' '$1=="SC" && $5 ~ /^rename/ {print $9}' "$TMP/p2.tsv")" "1=$TMP/nosuch;3=$TMP/other;"
is "a path over the bound is cut to 255 bytes" \
	"$(awk -F'\t' -v l="$long" '$1=="SC" && $5=="openat" && index($9, substr(l, 1, 100)) {print length($9) - 3}' "$TMP/p2.tsv")" 255

rec "$TMP/na.trace" --no-args --sample-interval 0 -- "$WL/syscall_mix" 5
dump "$TMP/na.trace" >"$TMP/na.tsv"
is "--no-args: no path strings either" "$(count "$TMP/na.tsv" '$1=="SC" && $9!=""')" 0

done_testing
