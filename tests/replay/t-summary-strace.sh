#!/usr/bin/env bash
# `sysrec replay --summary` of a recorded workload counts the same calls and
# errors as `strace -c` of the same workload, for the syscalls the workload
# makes a known number of times (the loader's calls are compared too where
# both tools see them: openat, read, close, getpid, write).
. "$(dirname "$0")/../lib/tap.sh"
export LC_ALL=C
needs_root
WLB=$TOP/build/tools/replay_workload
if ! command -v strace >/dev/null; then
	skip "strace is not installed"
	done_testing
fi
if [ ! -x "$WLB" ]; then
	not_ok "build/tools/replay_workload is built (make)"
	done_testing
fi
cd "$TMP" || exit 1
if ! "$SYSREC" record -q -o wl.trace -- "$WLB" >rec.out 2>rec.err; then
	if grep -q "not implemented" rec.err; then
		skip "sysrec record is not implemented yet"
		done_testing
	fi
	not_ok "sysrec record of the workload exits 0"
	sed 's/^/# /' rec.err
	done_testing
fi
ok "sysrec record of the workload exits 0"
strace -f -c -o strace.out "$WLB"
"$SYSREC" replay --summary wl.trace >sysrec.out
is "replay --summary exits 0" "$?" 0

# "calls errors" of SYSCALL in a strace -c style table
row() {
	awk -v s="$2" '$NF == s && $1 ~ /^[0-9.]+$/ { print $4, (NF == 6 ? $5 : 0) }' "$1"
}
for s in openat read close getpid write; do
	want=$(row strace.out $s)
	got=$(row sysrec.out $s)
	is "$s: calls and errors as strace -c" "$got" "$want"
done
is "getpid: 1000 calls" "$(row sysrec.out getpid)" "1000 0"
check "openat: at least the workload's 251 calls, 50 failed" \
	awk -v r="$(row sysrec.out openat)" 'BEGIN { split(r, a, " "); exit !(a[1] >= 251 && a[2] >= 50) }'
done_testing
