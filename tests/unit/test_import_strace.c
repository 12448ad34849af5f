// SPDX-License-Identifier: MIT
/*
 * strace import: a log made here by strace of tests/workloads/import_mix
 * imports with the same per-syscall counts and errors as strace's own -C
 * summary of the same run, unfinished/resumed lines joined, the thread's
 * tgid, fork/exec/exit events and exit codes right. Then hand-written lines
 * for the cases a live run does not show (-y, no pid prefix, signals, kills,
 * unknown names, bad lines, calls cut off at the end of the log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "cli.h"
#include "import.h"

#define MAXN 512

struct counts {
	uint64_t calls[MAXN], errors[MAXN];
	uint64_t noreturn, unfinished, total;
};

static char tmpdir[] = "/tmp/sysrec-test-imp-strace.XXXXXX";

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		return -1;
	}
	fputs(text, f);
	return fclose(f);
}

/* strace -C's table at the end of LOG: calls and errors per name. */
static int strace_summary(const char *log, struct counts *c)
{
	FILE *f = fopen(log, "r");
	char line[512];
	bool in = false;
	int rows = 0;

	memset(c, 0, sizeof(*c));
	if (!f) {
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "% time", 6)) {
			in = true;
			continue;
		}
		if (!in || line[0] == '-') {
			continue;
		}
		/* pct seconds usecs calls [errors] name */
		char *tok[8];
		int n = 0;
		for (char *s = strtok(line, " \n"); s && n < 8; s = strtok(NULL, " \n")) {
			tok[n++] = s;
		}
		if (n < 5 || !strcmp(tok[n - 1], "total")) {
			continue;
		}
		const struct sr_syscall_info *si = sr_syscall_by_name(SR_ABI_X86_64, tok[n - 1]);
		if (!si || si->nr >= MAXN) {
			fclose(f);
			return -1;
		}
		c->calls[si->nr] = strtoull(tok[3], NULL, 10);
		c->errors[si->nr] = n == 6 ? strtoull(tok[4], NULL, 10) : 0;
		rows++;
	}
	fclose(f);
	return rows;
}

struct readback {
	struct counts c;
	uint64_t forks, thread_forks, execs, exits, procinfo;
	int exit_code_child, exit_code_main;
	int32_t main_pid, thread_tid, child_pid, thread_tgid;
	uint64_t long_read_dur;
	int64_t long_read_ret;
	uint32_t long_read_tid;
	char exec_argv1[64];
	bool sorted;
	uint64_t last_ts;
	const Sysrec__Header *h;
	char abi[16], backend[32];
	uint64_t clock_boot;
	int64_t clock_real;
	bool has_ypath;
	char ypath[64];
	int32_t killed_sig;
	bool core;
	uint64_t restarts;
	int64_t restart_ret;
};

static int read_back(const char *path, struct readback *rb)
{
	struct sr_error e = { 0 };
	struct sr_reader *r = sr_reader_open(path, &e);
	struct sr_event ev;
	enum sr_status st;

	memset(rb, 0, sizeof(*rb));
	rb->sorted = true;
	rb->exit_code_child = rb->exit_code_main = -1;
	if (!r) {
		tap_diag("open %s: %s", path, e.msg);
		return -1;
	}
	const Sysrec__Header *h = sr_reader_header(r);
	if (h) {
		snprintf(rb->abi, sizeof(rb->abi), "%s", h->abi);
		snprintf(rb->backend, sizeof(rb->backend), "%s", h->backend);
		rb->clock_boot = h->clock_boot_ns;
		rb->clock_real = h->clock_realtime_ns;
	}
	while ((st = sr_reader_next(r, &ev, &e)) != SR_END) {
		if (st != SR_OK) {
			tap_diag("read %s: %s", path, e.msg);
			sr_reader_close(r);
			return -1;
		}
		if (ev.type == SR_EV_SYSCALL || ev.type == SR_EV_PROCESS) {
			if (ev.ts < rb->last_ts) {
				rb->sorted = false;
			}
			rb->last_ts = ev.ts;
		}
		if (ev.type == SR_EV_PROCINFO) {
			rb->procinfo++;
		} else if (ev.type == SR_EV_SYSCALL) {
			const struct sr_syscall *sc = &ev.sc;
			rb->c.total++;
			if (sc->flags & SR_SC_NORETURN) {
				rb->c.noreturn++;
				continue;
			}
			if (sc->flags & SR_SC_UNFINISHED) {
				rb->c.unfinished++;
				continue;
			}
			if (sc->nr < MAXN) {
				rb->c.calls[sc->nr]++;
				if (sc->ret < 0) {
					rb->c.errors[sc->nr]++;
				}
			}
			const char *name = sr_reader_syscall_name(r, sc->nr);
			if (name && !strcmp(name, "read") && sc->duration > rb->long_read_dur) {
				rb->long_read_dur = sc->duration;
				rb->long_read_ret = sc->ret;
				rb->long_read_tid = sc->tid;
			}
			for (int i = 0; i < 6; i++) {
				if (sc->str[i] && !strncmp(sc->str[i], "/etc/", 5) && name &&
				    !strcmp(name, "read")) {
					rb->has_ypath = true;
					snprintf(rb->ypath, sizeof(rb->ypath), "%s", sc->str[i]);
				}
			}
			if (sc->ret == -512) {
				rb->restarts++;
				rb->restart_ret = sc->ret;
			}
		} else if (ev.type == SR_EV_PROCESS) {
			const struct sr_proc_event *p = &ev.proc;
			if (p->kind == SR_PROC_FORK) {
				rb->forks++;
				if (p->is_thread) {
					rb->thread_forks++;
					rb->thread_tid = p->tid;
					rb->thread_tgid = p->pid;
					rb->main_pid = p->parent_pid;
				} else {
					rb->child_pid = p->pid;
				}
			} else if (p->kind == SR_PROC_EXEC) {
				rb->execs++;
				if (p->argc > 1) {
					snprintf(rb->exec_argv1, sizeof(rb->exec_argv1), "%s", p->argv[1]);
				}
			} else if (p->kind == SR_PROC_EXIT) {
				rb->exits++;
				if (p->pid == rb->child_pid && p->tid == p->pid) {
					rb->exit_code_child = p->exit_code;
				} else if (p->pid == rb->main_pid && p->tid == p->pid) {
					rb->exit_code_main = p->exit_code;
				}
				if (p->exit_signal) {
					rb->killed_sig = p->exit_signal;
					rb->core = p->core_dumped;
				}
			}
		}
	}
	sr_reader_close(r);
	return 0;
}

static void test_live(void)
{
	char log[256], out[256], cmd[1024];
	struct counts want;
	struct readback rb;
	struct imp_opts o = { .quiet = true };
	struct imp_stats st = { 0 };
	const char *wl = "build/workloads/import_mix";
	const char *in[1];
	int rows, mism = 0;

	if (access(wl, X_OK) != 0) {
		tap_skip("build/workloads/import_mix is not built (make all)");
		return;
	}
	if (system("strace -V >/dev/null 2>&1") != 0) {
		tap_skip("strace is not installed (scripts/install-deps.sh installs it)");
		return;
	}
	path_in(log, sizeof(log), "live.log");
	path_in(out, sizeof(out), "live.sr");
	/* -C: the log ends with strace's own per-syscall summary of the same run */
	snprintf(cmd, sizeof(cmd), "strace -f -ttt -T -C -o %s %s", log, wl);
	tap_ok(system(cmd) == 0, "strace -f -ttt -T -C of import_mix exits 0");
	rows = strace_summary(log, &want);
	tap_ok(rows > 10, "strace summary table read (%d syscalls)", rows);
	in[0] = log;
	tap_ok(imp_strace(in, 1, out, &o, &st) == 0, "imp_strace returns 0");
	TAP_EQ_U64(st.bad_lines, 0, "no bad lines");
	TAP_EQ_U64(st.unknown_names, 0, "no unknown syscall names");
	if (read_back(out, &rb) < 0) {
		tap_ok(0, "read the imported trace back");
		return;
	}
	tap_ok(!strcmp(rb.abi, "x86_64") && !strcmp(rb.backend, "import-strace"),
	       "header: abi x86_64, backend import-strace (%s, %s)", rb.abi, rb.backend);
	tap_ok(rb.clock_boot > 1500000000ull * 1000000000ull &&
		       (int64_t)rb.clock_boot == rb.clock_real,
	       "header: boot clock = epoch clock = first event's time");
	for (int nr = 0; nr < MAXN; nr++) {
		if (want.calls[nr] != rb.c.calls[nr] || want.errors[nr] != rb.c.errors[nr]) {
			const struct sr_syscall_info *si = sr_syscall_by_nr(SR_ABI_X86_64, nr);
			tap_diag("%s: strace -c %llu calls %llu errors, import %llu calls %llu errors",
				 si ? si->name : "?", (unsigned long long)want.calls[nr],
				 (unsigned long long)want.errors[nr], (unsigned long long)rb.c.calls[nr],
				 (unsigned long long)rb.c.errors[nr]);
			mism++;
		}
	}
	tap_ok(mism == 0, "per-syscall calls and errors equal strace -C's summary (%d differ)", mism);
	/* exit (thread), exit_group (child), exit_group (main): never return */
	TAP_EQ_U64(rb.c.noreturn, 3, "exit + 2 exit_group flagged noreturn");
	TAP_EQ_U64(rb.c.unfinished, 0, "nothing left unfinished");
	tap_ok(rb.sorted, "events in time order");
	TAP_EQ_U64(rb.procinfo, 2, "process table: main process and child (thread not listed)");
	TAP_EQ_U64(rb.thread_forks, 1, "one thread creation (clone3 with CLONE_THREAD)");
	TAP_EQ_U64(rb.forks, 2, "two fork events (thread and child process)");
	tap_ok(rb.thread_tgid == rb.main_pid && rb.thread_tid != rb.main_pid && rb.main_pid > 0,
	       "the thread's tgid is its creator's pid (%d, tid %d)", rb.thread_tgid, rb.thread_tid);
	tap_ok(rb.long_read_tid == (uint32_t)rb.thread_tid && rb.long_read_ret == 4 &&
		       rb.long_read_dur >= 40000000ull,
	       "blocked read joined from unfinished/resumed: thread %u, = 4, %llu ns >= 40 ms",
	       rb.long_read_tid, (unsigned long long)rb.long_read_dur);
	TAP_EQ_U64(rb.execs, 2, "two exec events (workload, child re-exec)");
	tap_ok(!strcmp(rb.exec_argv1, "child"), "exec argv[1] parsed from the text ('%s')",
	       rb.exec_argv1);
	TAP_EQ_U64(rb.exits, 3, "three exit events (thread, child, main)");
	tap_ok(rb.exit_code_child == 3, "child exit code 3 (%d)", rb.exit_code_child);
	tap_ok(rb.exit_code_main == 0, "main exit code 0 (%d)", rb.exit_code_main);
}

/* Lines a live run does not show, written by hand as strace prints them. */
static const char handmade[] =
	"500  1700000000.000001 openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY|O_CLOEXEC) = 3</etc/hosts> <0.000010>\n"
	"500  1700000000.000020 read(3</etc/hosts>, \"127.0.0.1 localhost\\n\"..., 4096) = 21 <0.000005>\n"
	"500  1700000000.000030 read(3</etc/hosts>, \"\", 4096) = 0 <0.000002>\n"
	"500  1700000000.000040 close(3</etc/hosts>) = 0 <0.000002>\n"
	"500  1700000000.000050 write(1, \"a = b, c) = 7\\n\", 14) = 14 <0.000003>\n"
	"500  1700000000.000060 --- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---\n"
	"500  1700000000.000070 nanosleep({tv_sec=1, tv_nsec=0}, 0x7ffd) = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.000100>\n"
	"500  1700000000.000080 pause() = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.000100>\n"
	"500  1700000000.000090 frobnicate(1, 2) = 0 <0.000001>\n"
	"500  1700000000.000091 frobnicate(3) = 0 <0.000001>\n"
	"this is not a strace line\n"
	"500  1700000000.000100 syscall_0x27(0x1, 0x2) = 500 <0.000001>\n"
	"501  1700000000.000200 read(0,  <unfinished ...>\n"
	"500  1700000000.000300 +++ killed by SIGSEGV (core dumped) +++\n"
	"501  1700000000.000400 +++ killed by SIGSEGV (core dumped) +++\n"
	"502  1700000000.000500 wait4(-1,  <unfinished ...>\n";

static void test_handmade(void)
{
	char log[256], out[256];
	struct imp_opts o = { .quiet = true, .label = "training" };
	struct imp_stats st = { 0 };
	struct readback rb;
	const char *in[1];
	struct sr_error e = { 0 };
	struct sr_reader *r;
	struct sr_event ev;
	int nsc = 0, ok_open = 0, ok_read = 0, ok_write = 0, ok_0x27 = 0, unf = 0, labels = 0;

	path_in(log, sizeof(log), "hand.log");
	path_in(out, sizeof(out), "hand.sr");
	write_text(log, handmade);
	in[0] = log;
	tap_ok(imp_strace(in, 1, out, &o, &st) == 0, "hand-made log imports (exit 0 despite bad lines)");
	TAP_EQ_U64(st.bad_lines, 1, "one unparsable line counted");
	TAP_EQ_U64(st.unknown_names, 2, "two calls of an unknown syscall name counted");
	TAP_EQ_U64(st.signals, 1, "one signal line counted");
	TAP_EQ_U64(st.unfinished, 2, "two calls cut off (killed, end of log) flagged unfinished");
	r = sr_reader_open(out, &e);
	if (!r) {
		tap_ok(0, "read back hand.sr: %s", e.msg);
		return;
	}
	while (sr_reader_next(r, &ev, &e) == SR_OK) {
		if (ev.type == SR_EV_PROCINFO) {
			labels += ev.info.label && !strcmp(ev.info.label, "training");
			continue;
		}
		if (ev.type != SR_EV_SYSCALL) {
			continue;
		}
		const struct sr_syscall *sc = &ev.sc;
		const char *name = sr_reader_syscall_name(r, sc->nr);
		nsc++;
		if (sc->flags & SR_SC_UNFINISHED) {
			unf++;
		}
		if (!name) {
			continue;
		}
		if (!strcmp(name, "openat") && sc->ret == 3 && sc->duration == 10000 && sc->str[1] &&
		    !strcmp(sc->str[1], "/etc/hosts") && sc->ts == 1700000000000001000ull &&
		    (int32_t)sc->args[0] == -100 && sc->args[2] == 02000000) {
			ok_open++;
		}
		if (!strcmp(name, "read") && sc->ret == 21 && sc->str[0] &&
		    !strcmp(sc->str[0], "/etc/hosts") && sc->args[0] == 3 && sc->args[2] == 4096) {
			ok_read++;
		}
		if (!strcmp(name, "write") && sc->ret == 14 && sc->duration == 3000) {
			ok_write++;
		}
		if (sc->nr == 0x27 && sc->ret == 500 && sc->args[0] == 1 && sc->args[1] == 2) {
			ok_0x27++;
		}
	}
	sr_reader_close(r);
	TAP_EQ_U64(nsc, 10, "10 syscalls kept (2 unknown names skipped)");
	TAP_EQ_U64(ok_open, 1, "openat: AT_FDCWD, path, O_RDONLY|O_CLOEXEC, -y return, 10 us, epoch ts exact");
	TAP_EQ_U64(ok_read, 1, "read: -y fd keeps its number and path");
	TAP_EQ_U64(ok_write, 1, "write: ') = ' inside a quoted string does not cut the call");
	TAP_EQ_U64(ok_0x27, 1, "syscall_0x27 keeps number 0x27");
	TAP_EQ_U64(unf, 2, "read of 501 (killed) and wait4 of 502 (log ends) unfinished");
	TAP_EQ_U64(labels, 3, "--label on every process (500, 501, 502)");
	if (read_back(out, &rb) == 0) {
		tap_ok(rb.killed_sig == 11 && rb.core, "killed by SIGSEGV (core dumped) -> signal 11, core");
		TAP_EQ_U64(rb.restarts, 1, "ERESTARTSYS kept as -512");
	} else {
		tap_ok(0, "read back for exits");
	}
}

static void test_nopid_synthetic(void)
{
	char log[256], out[256];
	struct imp_opts o = { .quiet = true };
	struct imp_stats st = { 0 };
	const char *in[1];
	struct sr_error e = { 0 };
	struct sr_reader *r;
	struct sr_event ev;
	int n = 0;
	uint32_t tid = 0;
	bool synth = false;

	/* strace -o FILE.PID (-ff) without times: pid from the name, times synthetic */
	path_in(log, sizeof(log), "ff.4242");
	path_in(out, sizeof(out), "ff.sr");
	write_text(log, "getpid() = 4242\ngetppid() = 1\nexit_group(0) = ?\n+++ exited with 0 +++\n");
	in[0] = log;
	tap_ok(imp_strace(in, 1, out, &o, &st) == 0, "-ff file without pid prefix or times imports");
	r = sr_reader_open(out, &e);
	if (!r) {
		tap_ok(0, "read back ff.sr");
		return;
	}
	synth = sr_reader_header(r) && sr_reader_header(r)->times_synthetic;
	while (sr_reader_next(r, &ev, &e) == SR_OK) {
		if (ev.type == SR_EV_SYSCALL) {
			n++;
			tid = ev.sc.tid;
		}
	}
	sr_reader_close(r);
	TAP_EQ_U64(n, 3, "3 syscalls");
	TAP_EQ_U64(tid, 4242, "tid from the .PID file name");
	tap_ok(synth, "header.times_synthetic set when the log has no times");
}

int main(void)
{
	char cmd[300];

	cli_cmd = "import";
	if (!mkdtemp(tmpdir)) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	test_live();
	test_handmade();
	test_nopid_synthetic();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0) {
		tap_diag("could not remove %s", tmpdir);
	}
	return tap_done();
}
