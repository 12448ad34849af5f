# Checks a recording of tests/workloads/thread_storm exactly.
# awk -F'\t' -f storm-lib.awk -f storm-check.awk WORKLOAD_OUTPUT TRDUMP_TSV_SORTED_BY_TS
# (the workload's lines are split on spaces, see its header comment).
# Prints one summary line; every count after "threads=N" and "short=S"
# must be 0. Details of the first problems go to stderr.

# Call number `it` of worker `th`, made by thread `tid`: in its own thread
# and the next in NEXT's count; COUNT counts them.
function in_turn(what, unit, next_, count) {
	if (!(tid in idx) || idx[tid] != th) {
		bad(what, "foreign thread " th ": " $0)
	} else if (it != next_[tid] + 0) {
		bad(what, unit " " it " expected " next_[tid] + 0 ": " $0)
	}
	next_[tid] = it + 1; count[tid]++
}

FNR == NR {
	split($0, w, " ")
	if (w[1] == "T" && w[2] >= 0) {
		idx[w[3]] = w[2]; nthreads++
	} else if (w[1] == "C") {
		calls[w[2], w[3]] = w[4]; eintr[w[2], w[3]] = w[5]; ctids[w[2]] = 1
		names[w[3]] = 1
	} else if (w[1] == "H") {
		hcalls[w[2]] = w[3]
	} else if (w[1] == "S") {
		nshort = w[2]
	}
	next
}

$1 == "LOSS" { bad("loss", $0) }

$1 == "SC" {
	tid = $3; name = $5; ret = $6
	# Time: entry never before the end of the same thread's last call,
	# within 5 us of clock noise; durations sane.
	if ($8 > 10000000000) {
		bad("time", "duration " $8 ": " $0)
	}
	if (tid in endt && $2 + 5000 < endt[tid]) {
		bad("time", "entry " $2 " before the end of the last call " endt[tid] ": " $0)
	}
	endt[tid] = $2 + $8
	rec[tid, name]++
	if (ret == -512 || ret == -513 || ret == -514 || ret == -516) {
		restart[tid, name]++
	}
	if (name != "getpriority") {
		next
	}
	who_of($10) # low bits: thread << 20 | i
	kind = who_kind; lo = who_lo
	th = int(lo / 1048576); it = lo % 1048576
	if (ret != -3) {
		bad("ret", $0)
	}
	if (kind == 1) {        # worker main loop
		in_turn("main", "iteration", nmain, cmain)
	} else if (kind == 2) { # signal handler
		in_turn("handler", "call", nh, ch)
	} else if (kind == 3) { # short thread
		s = int(it / 256); it = it % 256
		if (tid in sof && sof[tid] != s) {
			bad("short", "thread " tid " made calls of short threads " sof[tid] " and " s)
		}
		if (!(tid in sof)) {
			sof[tid] = s; seen[s]++
		}
		if (it != ns[tid] + 0) {
			bad("short", "call " it " expected " ns[tid] + 0 ": " $0)
		}
		ns[tid] = it + 1
	} else if (kind == 4) { # warm-up before the gate (not counted)
		if (!(tid in idx) || idx[tid] != th) {
			bad("main", "foreign warm-up call: " $0)
		}
	} else {
		bad("stray", $0)
	}
}

END {
	for (tid in idx) {
		if (cmain[tid] + 0 != calls[tid, "getpriority"]) {
			bad("main", "thread " tid ": " cmain[tid] + 0 " calls, expected " calls[tid, "getpriority"])
		}
		if (ch[tid] + 0 != hcalls[tid]) {
			bad("handler", "thread " tid ": " ch[tid] + 0 " calls, expected " hcalls[tid])
		}
		if (rec[tid, "rt_sigreturn"] + 0 != hcalls[tid]) {
			bad("handler", "thread " tid ": " rec[tid, "rt_sigreturn"] + 0 " rt_sigreturn, expected " hcalls[tid])
		}
	}
	# Per thread and name: every call the workload made, once. A call
	# restarted by the kernel (SA_RESTART) shows once more, with its
	# -ERESTART* result; one returning EINTR was retried by the workload.
	# An interrupted nanosleep continues as restart_syscall.
	for (tid in ctids) {
		for (n in names) {
			if (!((tid, n) in calls) || n == "getpriority") {
				continue
			}
			got = rec[tid, n] + 0
			want = calls[tid, n]
			if (n == "read" || n == "write" || n == "futex") {
				got -= restart[tid, n]
				want -= eintr[tid, n]
			}
			if (got != want) {
				bad("count", "thread " tid " " n ": " got " recorded, " want " made")
			}
		}
	}
	for (tid in ns) {
		if (ns[tid] != 64) {
			bad("short", "thread " tid ": " ns[tid] " calls")
		}
	}
	for (s = 0; s < nshort; s++) {
		if (seen[s] != 1) {
			bad("short", "short thread " s " seen " seen[s] + 0 " times")
		}
	}
	printf "threads=%d short=%d", nthreads, nshort
	split("main handler short count ret time stray loss", kinds, " ")
	for (i = 1; i <= 8; i++) {
		printf " %s=%d", kinds[i], nbad[kinds[i]]
	}
	printf "\n"
}
