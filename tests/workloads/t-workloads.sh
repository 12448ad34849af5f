#!/usr/bin/env bash
# The shared workloads make the syscalls their comments promise: counted by
# strace -f -c (a real peer, independent of sysrec). Each one runs with two
# sizes and the difference is compared, so the dynamic loader's own calls
# (which vary with the libc) cancel out.
# shellcheck source=../lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

if ! command -v strace >/dev/null; then
	skip "strace is not installed (scripts/install-deps.sh installs it)"
	done_testing
fi
for w in file_ops net_ops go_on_signal comm_change exit_with bench_getppid alloc_touch; do
	if [ ! -x "$WL/$w" ]; then
		not_ok "$WL/$w is built (run make)"
		done_testing
	fi
done

# counts OUT CMD...: "name calls errors" lines of strace -f -c for CMD
counts() {
	local out=$1
	shift
	strace -f -c -o "$out.raw" "$@" >/dev/null 2>&1
	local rc=$?
	# Rows: % time, seconds, usecs/call, calls, [errors], syscall
	awk '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" {
		print $NF, $4, (NF == 6 ? $5 : 0) }' "$out.raw" | sort >"$out"
	return $rc
}
# delta A B: per syscall "name calls errors" of B minus A (nonzero only)
delta() {
	join -a1 -a2 -e0 -o '0,1.2,1.3,2.2,2.3' "$1" "$2" |
		awk '{ c = $4 - $2; e = $5 - $3; if (c || e) print $1, c, e }'
}

d=$TMP/files
mkdir -p "$d"
counts "$TMP/fo10" "$WL/file_ops" "$d" 10 && counts "$TMP/fo20" "$WL/file_ops" "$d" 20
check "file_ops runs clean (every result as expected)" test $? -eq 0
is "file_ops: 10 more iterations make exactly the documented calls" \
	"$(delta "$TMP/fo10" "$TMP/fo20" | tr '\n' ';')" \
	"close 10 0;newfstatat 10 0;openat 20 10;renameat2 10 0;unlinkat 10 0;write 10 0;"
is "file_ops: mkdirat twice, once EEXIST" "$(awk '$1 == "mkdirat"' "$TMP/fo10")" "mkdirat 2 1"
is "file_ops leaves its directory empty" "$(ls -A "$d")" ""

counts "$TMP/no5" "$WL/net_ops" 5 && counts "$TMP/no10" "$WL/net_ops" 10
check "net_ops runs clean (every result as expected)" test $? -eq 0
is "net_ops: 5 more rounds make exactly the documented calls" \
	"$(delta "$TMP/no5" "$TMP/no10" | tr '\n' ';')" \
	"accept4 5 0;close 10 0;connect 5 0;recvfrom 5 0;sendto 5 0;socket 5 0;"
is "net_ops: the one-off calls" \
	"$(grep -E '^(bind|listen|getsockname|socketpair|sendmsg|recvmsg|connect) ' "$TMP/no5" | tr '\n' ';')" \
	"bind 1 0;connect 6 1;getsockname 1 0;listen 1 0;recvmsg 1 0;sendmsg 1 0;socketpair 1 0;"

counts "$TMP/cc1" "$WL/comm_change" 1 && counts "$TMP/cc4" "$WL/comm_change" 4
# pthread_join waits on a futex only when the worker has not exited yet.
is "comm_change: one prctl per rename" \
	"$(delta "$TMP/cc1" "$TMP/cc4" | grep -v '^futex ' | tr '\n' ';')" "prctl 3 0;"

counts "$TMP/bg" "$WL/bench_getppid" -n 3000 -t 2 -o "$TMP/bg.out"
is "bench_getppid -n 3000 -t 2: 6000 getppid" "$(awk '$1 == "getppid" { print $2 }' "$TMP/bg")" 6000
is "bench_getppid reports its calls" "$(sed -n 's/^calls=\([0-9]*\) .*/\1/p' "$TMP/bg.out")" 6000

# go_on_signal: nothing before the signal, 2K getppid after it.
strace -f -c -o "$TMP/gos.raw" "$WL/go_on_signal" 700 "$TMP/gos.pid" &
spid=$!
for _ in $(seq 100); do [ -s "$TMP/gos.pid" ] && break; sleep 0.05; done
kill -USR1 "$(cat "$TMP/gos.pid")" 2>/dev/null
wait $spid
is "go_on_signal 700: exits 0 after SIGUSR1" "$?" 0
is "go_on_signal 700: 1400 getppid (main thread and a new one)" \
	"$(awk '$NF == "getppid" { print $4 }' "$TMP/gos.raw")" 1400

"$WL/exit_with" 7
is "exit_with 7" "$?" 7
"$WL/exit_with" -15
is "exit_with -15: killed by SIGTERM" "$?" 143
"$WL/exit_with" thread 5
is "exit_with thread 5: exit_group from a second thread" "$?" 5

"$WL/alloc_touch" 8 20 4
is "alloc_touch 8 20 4 exits 0" "$?" 0

done_testing
