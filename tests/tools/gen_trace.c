// SPDX-License-Identifier: MIT
/*
 * gen_trace: write a synthetic, fully deterministic trace with the library
 * writer, for the golden tests of analyze report/compare/stats (recorded
 * traces differ from run to run; these do not).
 *
 * Usage: gen_trace OUT [K [SLEEP [READ_NS [LABEL [COMMAND]]]]]
 *   K        openat/read/close rounds of the main thread (default 100)
 *   SLEEP    1: a 1 ms clock_nanosleep before each read (default 0)
 *   READ_NS  latency of each read in ns (default 5000; every 7th is 3x)
 * Rounds are 3 ms apart, so K=100 lasts about 0.3 s (3 /proc samples).
 *   LABEL    header label "label" (default none)
 *   COMMAND  the recorded command's first word (default "./app")
 *
 * The run: process 1000 execs ./app, starts thread 1001 (futex waits of
 * 2 ms, the last still unfinished at the end), forks child 1002 which execs
 * /bin/true; /proc samples every 100 ms; one loss record of 3 events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"

#define MAXEV 200000

static struct sr_event ev[MAXEV];
static int nev;
static uint64_t seqno[MAXEV];

static uint32_t NR(const char *name)
{
	const struct sr_syscall_info *i = sr_syscall_by_name(SR_ABI_X86_64, name);

	if (!i) {
		fprintf(stderr, "gen_trace: no syscall %s in the x86_64 table\n", name);
		exit(1);
	}
	return i->nr;
}

static struct sr_event *add(enum sr_event_type t, uint64_t ts)
{
	if (nev == MAXEV) {
		fprintf(stderr, "gen_trace: too many events\n");
		exit(1);
	}
	struct sr_event *e = &ev[nev];
	memset(e, 0, sizeof(*e));
	e->type = t;
	e->ts = ts;
	seqno[nev] = nev;
	nev++;
	return e;
}

static void sc(uint64_t ts, int tid, int pid, const char *name, int64_t ret, uint64_t dur,
	       uint32_t flags)
{
	struct sr_event *e = add(SR_EV_SYSCALL, ts);

	e->sc.ts = ts;
	e->sc.tid = tid;
	e->sc.tgid = pid;
	e->sc.nr = NR(name);
	e->sc.ret = ret;
	e->sc.duration = dur;
	e->sc.flags = flags;
}

static int cmp_ev(const void *a, const void *b)
{
	const struct sr_event *x = a, *y = b;

	if (x->ts != y->ts) {
		return x->ts < y->ts ? -1 : 1;
	}
	/* stable: keep the order of generation */
	return seqno[x - ev] < seqno[y - ev] ? -1 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_trace OUT [K [SLEEP [READ_NS [LABEL [COMMAND]]]]]\n");
		return 2;
	}
	const char *out = argv[1];
	int k = argc > 2 ? atoi(argv[2]) : 100;
	int sleep = argc > 3 ? atoi(argv[3]) : 0;
	uint64_t read_ns = argc > 4 ? strtoull(argv[4], NULL, 10) : 5000;
	const char *label = argc > 5 && argv[5][0] ? argv[5] : NULL;
	const char *cmd0 = argc > 6 ? argv[6] : "./app";
	const uint64_t T0 = 1000000000000ull; /* boot ns */
	uint64_t t = T0;
	static const char *const app_argv[] = { NULL, "--x" };
	static const char *const true_argv[] = { "/bin/true" };
	const char *argv0[2] = { cmd0, "--x" };
	(void)app_argv;

	/* main process */
	struct sr_event *e = add(SR_EV_PROCESS, t);
	e->proc = (struct sr_proc_event){ .ts = t, .kind = SR_PROC_EXEC, .tid = 1000, .pid = 1000,
					  .filename = "/usr/bin/app", .argv = argv0, .argc = 2,
					  .comm = "app" };
	sc(t, 1000, 1000, "execve", 0, 0, SR_SC_NORETURN);
	t += 50000;
	sc(t, 1000, 1000, "brk", 0x55550000, 800, 0);
	t += 2000;
	for (int i = 0; i < 5; i++) {
		sc(t, 1000, 1000, "mmap", 0x7f0000000000 + i * 4096, 1500, 0);
		t += 3000;
	}
	/* worker thread */
	sc(t, 1000, 1000, "clone3", 1001, 30000, 0);
	e = add(SR_EV_PROCESS, t + 10000);
	e->proc = (struct sr_proc_event){ .ts = t + 10000, .kind = SR_PROC_FORK, .tid = 1001,
					  .pid = 1000, .parent_tid = 1000, .parent_pid = 1000,
					  .is_thread = true, .comm = "app" };
	uint64_t tt = t + 50000;
	t += 40000;
	/* main loop */
	uint64_t reads = 0, rbytes = 0;
	for (int i = 0; i < k; i++) {
		bool fail = i % 10 == 9;
		sc(t, 1000, 1000, "openat", fail ? -2 : 3, 20000 + (i % 5) * 1000, 0);
		t += 25000;
		if (fail) {
			continue;
		}
		if (sleep) {
			sc(t, 1000, 1000, "clock_nanosleep", 0, 1060000, 0);
			t += 1065000;
		}
		uint64_t d = i % 7 == 6 ? read_ns * 3 : read_ns;
		sc(t, 1000, 1000, "read", 100, d, 0);
		reads++;
		rbytes += 100;
		t += d + 3000;
		sc(t, 1000, 1000, "close", 0, 2000, 0);
		t += 3000000; /* computes between rounds: the run lasts a while */
	}
	/* the child */
	sc(t, 1000, 1000, "clone", 1002, 60000, 0);
	e = add(SR_EV_PROCESS, t + 20000);
	e->proc = (struct sr_proc_event){ .ts = t + 20000, .kind = SR_PROC_FORK, .tid = 1002,
					  .pid = 1002, .parent_tid = 1000, .parent_pid = 1000,
					  .comm = "app" };
	e = add(SR_EV_PROCESS, t + 100000);
	e->proc = (struct sr_proc_event){ .ts = t + 100000, .kind = SR_PROC_EXEC, .tid = 1002,
					  .pid = 1002, .filename = "/bin/true", .argv = true_argv,
					  .argc = 1, .comm = "true" };
	sc(t + 90000, 1002, 1002, "execve", 0, 0, SR_SC_NORETURN);
	sc(t + 150000, 1002, 1002, "brk", 0x56000000, 700, 0);
	sc(t + 160000, 1002, 1002, "exit_group", 0, 0, SR_SC_NORETURN);
	e = add(SR_EV_PROCESS, t + 170000);
	e->proc = (struct sr_proc_event){ .ts = t + 170000, .kind = SR_PROC_EXIT, .tid = 1002,
					  .pid = 1002, .exit_code = 0, .group_dead = true };
	sc(t + 65000, 1000, 1000, "wait4", 1002, 120000, 0);
	t += 200000;
	/* the thread's waits, spread over the run */
	uint64_t span = t - T0;
	for (int i = 0; i < 5; i++) {
		sc(tt + i * (span / 6), 1001, 1000, "futex", 0, 2000000, 0);
	}
	sc(t - 1000, 1001, 1000, "futex", 0, 0, SR_SC_UNFINISHED);
	/* /proc samples of the main process every 100 ms, and a final one */
	for (uint64_t s = T0 + 100000000ull, i = 1; s < t + 100000000ull; s += 100000000ull, i++) {
		bool fin = s >= t;
		uint64_t ts = fin ? t + 5000 : s;
		e = add(SR_EV_SAMPLE, ts);
		e->sample = (struct sr_sample){ .ts = ts, .pid = 1000, .final = fin, .threads = 2,
						.fds = 4, .utime_ticks = 2 * i, .stime_ticks = i,
						.rss_kb = 1000 + 10 * i, .vm_peak_kb = 9000 + 100 * i,
						.vm_hwm_kb = 1000 + 10 * i, .vm_size_kb = 8000,
						.minflt = 50 * i, .majflt = i / 4,
						.syscr = reads * (fin ? 1 : 0) + i, .syscw = i,
						.rchar = rbytes + 10 * i, .wchar = 5 * i,
						.read_bytes = 0, .write_bytes = 4096 * (i / 3),
						.vol_ctxsw = i, .invol_ctxsw = 1 };
		if (fin) {
			break;
		}
	}
	e = add(SR_EV_LOSS, T0 + 500000);
	e->loss = (struct sr_loss){ .first_ns = T0 + 400000, .last_ns = T0 + 500000, .cpu = 1,
				    .count = 3, .where = SR_LOSS_RINGBUF };
	sc(t + 1000, 1000, 1000, "exit_group", 0, 0, SR_SC_NORETURN);
	e = add(SR_EV_PROCESS, t + 9000);
	e->proc = (struct sr_proc_event){ .ts = t + 9000, .kind = SR_PROC_EXIT, .tid = 1000,
					  .pid = 1000, .exit_code = 0, .group_dead = true };

	qsort(ev, nev, sizeof(ev[0]), cmp_ev);

	/* A header with fixed host facts, so outputs are the same anywhere. */
	Sysrec__Header h = SYSREC__HEADER__INIT;
	uint32_t nsys = sr_syscall_count(SR_ABI_X86_64);
	char **names = calloc(nsys, sizeof(char *));
	for (uint32_t i = 0; i < nsys; i++) {
		const struct sr_syscall_info *in = sr_syscall_by_nr(SR_ABI_X86_64, i);
		names[i] = (char *)(in ? in->name : "");
	}
	char *cmdline[] = { "sysrec", "record", "-o", (char *)out, "--", (char *)cmd0, "--x" };
	char *targs[] = { (char *)cmd0, "--x" };
	Sysrec__Header__LabelsEntry le = SYSREC__HEADER__LABELS_ENTRY__INIT;
	Sysrec__Header__LabelsEntry *lp[1] = { &le };
	h.format_version = SR_FORMAT_VERSION;
	h.format_minor = SR_FORMAT_MINOR;
	h.hostname = "testhost";
	h.kernel_release = "6.0.0-test";
	h.kernel_version = "#1 SMP";
	h.arch = "x86_64";
	h.boot_id = "00000000-0000-0000-0000-000000000000";
	h.recorder = "sysrec gen_trace";
	h.n_command_line = 7;
	h.command_line = cmdline;
	h.clock_boot_ns = T0 - 1000000;
	h.clock_realtime_ns = 1767225600000000000ll; /* 2026-01-01T00:00:00Z */
	h.abi = "x86_64";
	h.n_syscall_names = nsys;
	h.syscall_names = names;
	h.sample_interval_ns = 100000000;
	h.backend = "synthetic";
	h.target = "command";
	h.n_target_args = 2;
	h.target_args = targs;
	h.clock_ticks_per_sec = 100;
	h.page_size = 4096;
	h.ncpus = 2;
	if (label) {
		le.key = "label";
		le.value = (char *)label;
		h.n_labels = 1;
		h.labels = lp;
	}

	struct sr_error err = { 0 };
	struct sr_writer_opts wo = { .level = 3 };
	struct sr_writer *w = sr_writer_open(out, &h, &wo, &err);
	if (!w) {
		fprintf(stderr, "gen_trace: %s: %s\n", out, err.msg);
		return 1;
	}
	for (int i = 0; i < nev; i++) {
		if (sr_writer_event(w, &ev[i], &err) != SR_OK) {
			fprintf(stderr, "gen_trace: write: %s\n", err.msg);
			sr_writer_abort(w);
			return 1;
		}
	}
	Sysrec__Totals tot = SYSREC__TOTALS__INIT;
	tot.exit_reason = "command exited";
	tot.exit_code = 0;
	tot.exit_signal = 0;
	tot.lost = 3;
	if (sr_writer_close(w, &tot, &err) != SR_OK) {
		fprintf(stderr, "gen_trace: close: %s\n", err.msg);
		return 1;
	}
	free(names);
	return 0;
}
