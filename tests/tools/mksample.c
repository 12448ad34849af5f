// SPDX-License-Identifier: MIT
/*
 * mksample: writes small deterministic traces through the library writer for
 * the replay tests and benchmarks (the recorder's traces depend on the host).
 *
 *   mksample basic OUT    one process with a thread and a child: every event kind
 *   mksample second OUT   another process interleaved with "basic" (merge tests)
 *   mksample otherboot OUT  "second" recorded on another boot: same wall-clock
 *                         times, boot clock 4000 s later (merge by wall clock)
 *   mksample long OUT     11 getpid calls spread over 1 s (--speed tests)
 *   mksample oddcomm OUT  a process whose comm holds control and non-UTF-8 bytes
 *   mksample big OUT N    N syscalls of a busy two-thread process (benchmarks)
 *
 * Header facts are fixed (host "testhost", wall clock 2026-11-23T10:00:00Z at
 * boot time 1000 s) so golden outputs do not depend on the machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"

#define BASE_NS 1000000000000ull            /* boot time of the clock pairing */
#define WALL_S 1795428000ll                 /* 2026-11-23T10:00:00Z */
#define US(x) (BASE_NS + (uint64_t)(x) * 1000ull)

enum {
	NR_READ = 0, NR_WRITE = 1, NR_CLOSE = 3, NR_MMAP = 9, NR_NANOSLEEP = 35,
	NR_GETPID = 39, NR_CLONE = 56, NR_FUTEX = 202, NR_EXIT_GROUP = 231, NR_OPENAT = 257,
};

static struct sr_writer *w;
static struct sr_error err;

static void die(const char *what)
{
	fprintf(stderr, "mksample: %s: %s (%s)\n", what, err.msg, sr_status_str(err.status));
	exit(1);
}

/* The x86_64 table from the library, or the few names used here when it has none. */
static char **names_table(size_t *n)
{
	uint32_t cnt = sr_syscall_count(SR_ABI_X86_64);
	static char *fallback[NR_OPENAT + 1];

	if (cnt) {
		char **v = calloc(cnt, sizeof(*v));
		for (uint32_t i = 0; i < cnt; i++) {
			const struct sr_syscall_info *si = sr_syscall_by_nr(SR_ABI_X86_64, i);
			v[i] = (char *)(si ? si->name : "");
		}
		*n = cnt;
		return v;
	}
	for (int i = 0; i <= NR_OPENAT; i++) {
		fallback[i] = "";
	}
	fallback[NR_READ] = "read";
	fallback[NR_WRITE] = "write";
	fallback[NR_CLOSE] = "close";
	fallback[NR_MMAP] = "mmap";
	fallback[NR_NANOSLEEP] = "nanosleep";
	fallback[NR_GETPID] = "getpid";
	fallback[NR_CLONE] = "clone";
	fallback[NR_FUTEX] = "futex";
	fallback[NR_EXIT_GROUP] = "exit_group";
	fallback[NR_OPENAT] = "openat";
	*n = NR_OPENAT + 1;
	return fallback;
}

/* Boot clock shift of the trace being written (otherboot), and its boot id. */
static uint64_t shift_ns;
static const char *boot_id = "6c0b1e5e-0000-4000-8000-000000000001";

static void open_trace(const char *path, const char *kind, uint32_t chunk_events)
{
	static Sysrec__Header h;
	static char *cmd[2];
	static char *targs[] = { "demo", "--fast" };
	struct sr_writer_opts o = { 0 };

	sysrec__header__init(&h);
	h.format_version = SR_FORMAT_VERSION;
	h.format_minor = SR_FORMAT_MINOR;
	h.hostname = "testhost";
	h.kernel_release = "6.18.0-test";
	h.kernel_version = "#1 SMP PREEMPT_DYNAMIC";
	h.arch = "x86_64";
	h.boot_id = (char *)boot_id;
	h.recorder = "mksample";
	cmd[0] = "mksample";
	cmd[1] = (char *)kind;
	h.command_line = cmd;
	h.n_command_line = 2;
	h.clock_boot_ns = BASE_NS + shift_ns;
	h.clock_realtime_ns = WALL_S * 1000000000ll;
	h.abi = "x86_64";
	h.syscall_names = names_table(&h.n_syscall_names);
	h.sample_interval_ns = 100000000;
	h.backend = "test";
	h.target = "command";
	h.target_args = targs;
	h.n_target_args = 2;
	h.args_captured = true;
	h.clock_ticks_per_sec = 100;
	h.page_size = 4096;
	h.ncpus = 2;
	o.chunk_events = chunk_events;
	w = sr_writer_open(path, &h, &o, &err);
	if (!w) {
		die(path);
	}
}

static void sc(uint64_t ts, uint32_t tid, uint32_t pid, uint32_t nr, int64_t ret, uint64_t dur,
	       uint32_t flags, const uint64_t *args, const char *path, int path_arg)
{
	struct sr_syscall s = { 0 };

	s.ts = ts + shift_ns;
	s.tid = tid;
	s.tgid = pid;
	s.nr = nr;
	s.ret = ret;
	s.duration = dur;
	s.flags = flags;
	s.has_args = true;
	if (args) {
		memcpy(s.args, args, sizeof(s.args));
	}
	if (path) {
		s.str[path_arg] = path;
	}
	if (sr_writer_syscall(w, &s, &err) != SR_OK) {
		die("syscall");
	}
}

static void proc(const struct sr_proc_event *e)
{
	if (sr_writer_proc(w, e, &err) != SR_OK) {
		die("process event");
	}
}

static void finish(int exit_code)
{
	Sysrec__Totals t = SYSREC__TOTALS__INIT;

	t.exit_reason = "command exited";
	t.exit_code = exit_code;
	if (sr_writer_close(w, &t, &err) != SR_OK) {
		die("close");
	}
}

static void basic(const char *out)
{
	static const char *cmdline[] = { "demo", "--fast" };
	static const char *bash_cmd[] = { "bash" };
	struct sr_procinfo pi[2] = { 0 };
	const uint64_t AT_FDCWD = (uint64_t)-100;

	open_trace(out, "basic", 8);
	pi[0].pid = 50;
	pi[0].ppid = 1;
	pi[0].uid = 1000;
	pi[0].nthreads = 1;
	pi[0].comm = "bash";
	pi[0].exe = "/usr/bin/bash";
	pi[0].cmdline = bash_cmd;
	pi[0].cmdline_len = 1;
	pi[0].start_ns = BASE_NS - 60000000000ull;
	pi[1].pid = 100;
	pi[1].ppid = 50;
	pi[1].uid = 1000;
	pi[1].nthreads = 1;
	pi[1].comm = "demo";
	pi[1].exe = "/usr/bin/demo";
	pi[1].cmdline = cmdline;
	pi[1].cmdline_len = 2;
	pi[1].cgroup_id = 4242;
	pi[1].cgroup_path = "/user.slice/demo.scope";
	pi[1].start_ns = BASE_NS - 5000000ull;
	if (sr_writer_process_table(w, pi, 2, &err) != SR_OK) {
		die("process table");
	}
	struct sr_proc_event cg = { .ts = US(0), .kind = SR_PROC_CGROUP, .tid = 100, .pid = 100,
				    .cgroup_id = 4242, .cgroup_path = "/user.slice/demo.scope" };
	proc(&cg);
	sc(US(10), 100, 100, NR_OPENAT, 3, 12000, 0,
	   (uint64_t[6]){ AT_FDCWD, 0x7ffd1000, 0x80000, 0 }, "/etc/passwd", 1);
	sc(US(30), 100, 100, NR_READ, 1234, 5000, 0, (uint64_t[6]){ 3, 0x55d0a000, 4096 }, NULL, 0);
	sc(US(40), 100, 100, NR_CLOSE, 0, 1000, 0, (uint64_t[6]){ 3 }, NULL, 0);
	sc(US(50), 100, 100, NR_OPENAT, -2, 8000, 0, (uint64_t[6]){ AT_FDCWD, 0x7ffd1100, 0 },
	   "/nonexistent", 1);
	sc(US(60), 100, 100, NR_MMAP, 0x7f0000000000ll, 2000, 0,
	   (uint64_t[6]){ 0, 8192, 3, 0x22, (uint64_t)-1, 0 }, NULL, 0);
	sc(US(70), 100, 100, NR_OPENAT, -13, 4000, 0, (uint64_t[6]){ AT_FDCWD, 0x7ffd1200, 0x241, 0644 },
	   "/tmp/we\"ird,na\nme\x01\xff", 1);
	sc(US(95), 100, 100, NR_CLONE, 102, 20000, 0, (uint64_t[6]){ 0x1200011, 0, 0, 0x7f00aa, 0 },
	   NULL, 0);
	struct sr_proc_event fk = { .ts = US(100), .kind = SR_PROC_FORK, .tid = 102, .pid = 102,
				    .parent_tid = 100, .parent_pid = 100, .clone_flags = 0x1200011 };
	proc(&fk);
	struct sr_proc_event th = { .ts = US(120), .kind = SR_PROC_FORK, .tid = 101, .pid = 100,
				    .parent_tid = 100, .parent_pid = 100, .clone_flags = 0x3d0f00,
				    .is_thread = true };
	proc(&th);
	struct sr_proc_event cm = { .ts = US(130), .kind = SR_PROC_COMM, .tid = 101, .pid = 100,
				    .comm = "worker" };
	proc(&cm);
	sc(US(150), 101, 100, NR_FUTEX, 0, 1500000, 0, (uint64_t[6]){ 0x7f00bb, 0x80, 1 }, NULL, 0);
	static const char *argv[] = { "ls", "-l", "dir with space" };
	struct sr_proc_event ex = { .ts = US(200), .kind = SR_PROC_EXEC, .tid = 102, .pid = 102,
				    .filename = "/bin/ls", .argv = argv, .argc = 3, .comm = "ls" };
	proc(&ex);
	sc(US(210), 102, 102, NR_WRITE, 6, 3000, 0, (uint64_t[6]){ 1, 0x5600, 6 }, NULL, 0);
	struct sr_sample sm = { .ts = US(250), .pid = 100, .threads = 2, .fds = 4, .utime_ticks = 3,
				.stime_ticks = 1, .rss_kb = 2048, .vm_peak_kb = 9000, .vm_hwm_kb = 2100,
				.vm_size_kb = 8800, .minflt = 120, .majflt = 1, .syscr = 2, .syscw = 1,
				.rchar = 1234, .wchar = 6, .read_bytes = 0, .write_bytes = 4096,
				.vol_ctxsw = 5, .invol_ctxsw = 2 };
	if (sr_writer_sample(w, &sm, &err) != SR_OK) {
		die("sample");
	}
	struct sr_hostcpu hc = { .ts = US(260), .user = 1000, .nice = 2, .system = 300, .idle = 9000,
				 .iowait = 10, .irq = 1, .softirq = 5, .steal = 0 };
	if (sr_writer_hostcpu(w, &hc, &err) != SR_OK) {
		die("hostcpu");
	}
	struct sr_loss ls = { .first_ns = US(280), .last_ns = US(290), .cpu = 1, .count = 7,
			      .where = SR_LOSS_RINGBUF };
	if (sr_writer_loss(w, &ls, &err) != SR_OK) {
		die("loss");
	}
	sc(US(400), 102, 102, NR_EXIT_GROUP, 0, 0, SR_SC_NORETURN, (uint64_t[6]){ 0 }, NULL, 0);
	struct sr_proc_event ec = { .ts = US(401), .kind = SR_PROC_EXIT, .tid = 102, .pid = 102,
				    .exit_code = 0, .group_dead = true };
	proc(&ec);
	sc(US(500), 101, 100, NR_NANOSLEEP, 0, 0, SR_SC_UNFINISHED, (uint64_t[6]){ 0x7f00cc, 0 },
	   NULL, 0);
	struct sr_sample fin = sm;
	fin.ts = US(640);
	fin.final = true;
	fin.utime_ticks = 7;
	fin.stime_ticks = 2;
	fin.rss_kb = 3072;
	fin.vm_hwm_kb = 3100;
	if (sr_writer_sample(w, &fin, &err) != SR_OK) {
		die("sample");
	}
	struct sr_proc_event tx = { .ts = US(650), .kind = SR_PROC_EXIT, .tid = 101, .pid = 100,
				    .exit_signal = 9 };
	proc(&tx);
	struct sr_proc_event kx = { .ts = US(651), .kind = SR_PROC_EXIT, .tid = 100, .pid = 100,
				    .exit_signal = 11, .core_dumped = true, .group_dead = true };
	proc(&kx);
	finish(-1);
}

static void second(const char *out)
{
	static const char *cmdline[] = { "other" };
	struct sr_procinfo pi = { .pid = 200, .ppid = 50, .uid = 1000, .nthreads = 1, .comm = "other",
				  .exe = "/usr/bin/other", .cmdline = cmdline, .cmdline_len = 1 };

	open_trace(out, "second", 4);
	if (sr_writer_process_table(w, &pi, 1, &err) != SR_OK) {
		die("process table");
	}
	for (int i = 0; i < 6; i++) {
		sc(US(15 + 20 * i), 200, 200, NR_GETPID, 200, 500, 0, (uint64_t[6]){ 0 }, NULL, 0);
	}
	finish(0);
}

static void long_trace(const char *out)
{
	struct sr_procinfo pi = { .pid = 300, .ppid = 1, .comm = "slow", .nthreads = 1 };

	open_trace(out, "long", 2);
	if (sr_writer_process_table(w, &pi, 1, &err) != SR_OK) {
		die("process table");
	}
	for (int i = 0; i <= 10; i++) {
		sc(US(100000 * i), 300, 300, NR_GETPID, 300, 400, 0, (uint64_t[6]){ 0 }, NULL, 0);
	}
	finish(0);
}

static void oddcomm(const char *out)
{
	struct sr_procinfo pi = { .pid = 500, .ppid = 1, .comm = "bad\x01\xffna\\me", .nthreads = 1 };

	open_trace(out, "oddcomm", 0);
	if (sr_writer_process_table(w, &pi, 1, &err) != SR_OK) {
		die("process table");
	}
	sc(US(1), 500, 500, NR_GETPID, 500, 400, 0, (uint64_t[6]){ 0 }, NULL, 0);
	finish(0);
}

static void big(const char *out, uint64_t n)
{
	struct sr_procinfo pi = { .pid = 400, .ppid = 1, .comm = "busy", .nthreads = 2 };
	const uint64_t AT_FDCWD = (uint64_t)-100;
	uint64_t ts = US(0);

	open_trace(out, "big", 0);
	if (sr_writer_process_table(w, &pi, 1, &err) != SR_OK) {
		die("process table");
	}
	for (uint64_t i = 0; i < n; i++) {
		uint32_t tid = (i & 1) ? 401 : 400;
		ts += 300 + (i * 7919) % 400;
		switch (i % 8) {
		case 0:
			sc(ts, tid, 400, NR_OPENAT, 3, 2100, 0,
			   (uint64_t[6]){ AT_FDCWD, 0x7ffd1000, 0x80000 },
			   "/usr/lib/x86_64-linux-gnu/libc.so.6", 1);
			break;
		case 1:
		case 2:
			sc(ts, tid, 400, NR_READ, 4096, 800, 0, (uint64_t[6]){ 3, 0x55d0a000, 4096 },
			   NULL, 0);
			break;
		case 3:
			sc(ts, tid, 400, NR_CLOSE, 0, 400, 0, (uint64_t[6]){ 3 }, NULL, 0);
			break;
		case 4:
			sc(ts, tid, 400, NR_WRITE, 100, 1500, 0, (uint64_t[6]){ 1, 0x5600, 100 }, NULL, 0);
			break;
		case 5:
			sc(ts, tid, 400, NR_OPENAT, -2, 1800, 0,
			   (uint64_t[6]){ AT_FDCWD, 0x7ffd1100, 0 }, "/etc/ld.so.preload", 1);
			break;
		case 6:
			sc(ts, tid, 400, NR_FUTEX, 0, 300, 0, (uint64_t[6]){ 0x7f00bb, 0x81, 1 }, NULL, 0);
			break;
		default:
			sc(ts, tid, 400, NR_MMAP, 0x7f0000000000ll, 900, 0,
			   (uint64_t[6]){ 0, 8192, 3, 0x22, (uint64_t)-1, 0 }, NULL, 0);
			break;
		}
	}
	finish(0);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "basic")) {
		basic(argv[2]);
	} else if (argc >= 3 && !strcmp(argv[1], "second")) {
		second(argv[2]);
	} else if (argc >= 3 && !strcmp(argv[1], "otherboot")) {
		shift_ns = 4000000000000ull;
		boot_id = "6c0b1e5e-0000-4000-8000-000000000002";
		second(argv[2]);
	} else if (argc >= 3 && !strcmp(argv[1], "oddcomm")) {
		oddcomm(argv[2]);
	} else if (argc >= 3 && !strcmp(argv[1], "long")) {
		long_trace(argv[2]);
	} else if (argc >= 4 && !strcmp(argv[1], "big")) {
		big(argv[2], strtoull(argv[3], NULL, 10));
	} else {
		fprintf(stderr, "usage: mksample basic|second|otherboot|long|oddcomm OUT | mksample big OUT N\n");
		return 2;
	}
	return 0;
}
