# Checks a recording of tests/workloads/proc_storm N J exactly.
# awk -F'\t' -v N=.. -v J=.. -v pid=PID -f storm-lib.awk -f procstorm-check.awk TRDUMP_TSV_SORTED_BY_TS
# Prints one summary line of problem counts (all 0 when the recording is
# exact); details of the first problems go to stderr.

$1 == "LOSS" { bad("loss", $0) }
$1 == "EXIT" { code[$3] = $5 }
$1 == "EXEC" { execs++; argv[$3] = $6 }
$1 == "FORK" { forks++ }

$1 == "SC" {
	tid = $3
	if ($8 > 10000000000) {
		bad("time", "duration " $8 ": " $0)
	}
	# A non-leader's execve is recorded in the leader's tid, whose last
	# call ended when exec killed it: leave execve out of the time order.
	if ($5 != "execve") {
		if (tid in endt && $2 + 5000 < endt[tid]) {
			bad("time", "entry before the end of the last call " endt[tid] ": " $0)
		}
		endt[tid] = $2 + $8
	}
	if ($5 == "execve") {
		if ($7 == 2) {
			execve_ok++
		}
		next
	}
	if ($5 == "i386:getpid") {
		if ($4 == pid && $6 == pid && $7 == 0) {
			i386++
		} else {
			bad("i386", $0)
		}
		next
	}
	if ($5 != "getpriority") {
		next
	}
	who_of($10)
	kind = who_kind; lo = who_lo
	c = int(lo / 256); it = lo % 256
	if ($6 != -3 || $7 != 0 || kind < 5 || kind > 9) {
		bad("stray", $0)
		next
	}
	k = kind SUBSEP c
	if (k in owner && owner[k] != tid) {
		bad("owner", "calls of kind " kind " number " c " in threads " owner[k] " and " tid)
	}
	if (tid in whose && whose[tid] != k) {
		bad("owner", "thread " tid " made calls of two kinds/numbers")
	}
	owner[k] = tid; whose[tid] = k
	if (it != nextit[k] % 256) {
		bad("order", "call " it " expected " nextit[k] % 256 ": " $0)
	}
	nextit[k] = it + 1
	n[k]++
}

END {
	for (c = 0; c < N; c++) {
		if (n[5, c] != J || code[owner[5, c]] != c % 128) {
			bad("fork", "child " c ": " n[5, c] + 0 " calls, exit " code[owner[5, c]])
		}
	}
	for (c = 0; c < int(N / 4); c++) {
		if (n[6, c] != J || argv[owner[6, c]] != "proc_storm|vforked|" c "|" J) {
			bad("vfork", "child " c ": " n[6, c] + 0 " calls, argv " argv[owner[6, c]])
		}
		if (n[7, c] != J || code[owner[7, c]] != 0) {
			bad("clone3", "child " c ": " n[7, c] + 0 " calls")
		}
	}
	if (n[8, 0] != J || owner[8, 0] == pid) {
		bad("thread", "exec thread: " n[8, 0] + 0 " calls in " owner[8, 0])
	}
	if (n[9, 0] != J || owner[9, 0] != pid) {
		bad("thread", "after exec: " n[9, 0] + 0 " calls in " owner[9, 0])
	}
	if (i386 != 3 * J) {
		bad("i386", i386 + 0 " int 0x80 getpid calls")
	}
	if (execs != int(N / 4) + 2 || execve_ok != execs) {
		bad("exec", execs + 0 " exec events, " execve_ok + 0 " execve records")
	}
	if (forks != N + 2 * int(N / 4) + 4) {
		bad("fork", forks + 0 " fork events")
	}
	split("fork vfork clone3 thread i386 exec owner order stray time loss", kinds, " ")
	for (i = 1; i <= 11; i++) {
		printf "%s%s=%d", (i > 1 ? " " : ""), kinds[i], nbad[kinds[i]]
	}
	printf "\n"
}
