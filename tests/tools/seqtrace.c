// SPDX-License-Identifier: MIT
/*
 * seqtrace: write a sysrec trace from a small text description, for the
 * analyze tests. Usage: seqtrace OUT < SPEC. One directive per line:
 *   abi NAME                          header ABI (default x86_64), first line
 *   proc PID PPID COMM [LABEL [SOURCE]]   process-table entry
 *   seq PID TID T0_NS STEP_NS NR...   syscalls NR... of thread TID, STEP_NS apart
 *   sc TS PID TID NR RET DUR          one syscall
 *   fork TS PPID PID | exec TS PID COMM FILE | exit TS PID CODE   (exit: the process's last thread)
 *   texit TS PID TID                  thread TID of PID exits, others still run
 *   sample TS PID UTIME STIME RSS VMPEAK MINFLT MAJFLT RBYTES WBYTES SYSCR SYSCW VCSW ICSW
 *   ticks N                           clock ticks per second in the header
 * Lines starting with '#' are comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"

static struct sr_writer *w;
static struct sr_error e;

static void check(enum sr_status st, int line)
{
	if (st != SR_OK) {
		fprintf(stderr, "seqtrace: line %d: %s\n", line, e.msg);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	Sysrec__Header h;
	char buf[65536], abi[32] = "x86_64";
	int line = 0;
	unsigned ticks = 100;
	long pos;

	if (argc != 2) {
		fprintf(stderr, "usage: seqtrace OUT < SPEC\n");
		return 2;
	}
	/* header directives first */
	while (fgets(buf, sizeof(buf), stdin)) {
		if (sscanf(buf, "abi %31s", abi) == 1 || sscanf(buf, "ticks %u", &ticks) == 1 ||
		    buf[0] == '#') {
			continue;
		}
		break;
	}
	pos = 0;
	if (sr_header_init(&h, abi) != SR_OK) {
		return 1;
	}
	h.clock_ticks_per_sec = ticks;
	w = sr_writer_open(argv[1], &h, NULL, &e);
	if (!w) {
		fprintf(stderr, "seqtrace: %s\n", e.msg);
		return 1;
	}
	(void)pos;
	do {
		char *tok[4096];
		int n = 0;

		line++;
		buf[strcspn(buf, "\n")] = 0;
		for (char *s = strtok(buf, " \t"); s && n < 4096; s = strtok(NULL, " \t")) {
			tok[n++] = s;
		}
		if (!n || tok[0][0] == '#' || !strcmp(tok[0], "abi") || !strcmp(tok[0], "ticks")) {
			continue;
		}
		if (!strcmp(tok[0], "proc") && n >= 4) {
			struct sr_procinfo p = { 0 };

			p.pid = atoi(tok[1]);
			p.ppid = atoi(tok[2]);
			p.comm = tok[3];
			p.label = n > 4 ? tok[4] : NULL;
			p.source = n > 5 ? tok[5] : NULL;
			check(sr_writer_process_table(w, &p, 1, &e), line);
		} else if (!strcmp(tok[0], "seq") && n >= 5) {
			uint64_t t = strtoull(tok[3], NULL, 10), step = strtoull(tok[4], NULL, 10);

			for (int i = 5; i < n; i++, t += step) {
				struct sr_syscall sc = { 0 };

				sc.ts = t;
				sc.tgid = (uint32_t)atoi(tok[1]);
				sc.tid = (uint32_t)atoi(tok[2]);
				sc.nr = (uint32_t)atoi(tok[i]);
				sc.duration = 1000;
				check(sr_writer_syscall(w, &sc, &e), line);
			}
		} else if (!strcmp(tok[0], "sc") && n == 7) {
			struct sr_syscall sc = { 0 };

			sc.ts = strtoull(tok[1], NULL, 10);
			sc.tgid = (uint32_t)atoi(tok[2]);
			sc.tid = (uint32_t)atoi(tok[3]);
			sc.nr = (uint32_t)atoi(tok[4]);
			sc.ret = strtoll(tok[5], NULL, 10);
			sc.duration = strtoull(tok[6], NULL, 10);
			check(sr_writer_syscall(w, &sc, &e), line);
		} else if (!strcmp(tok[0], "fork") && n == 4) {
			struct sr_proc_event pe = { 0 };

			pe.ts = strtoull(tok[1], NULL, 10);
			pe.kind = SR_PROC_FORK;
			pe.parent_pid = pe.parent_tid = atoi(tok[2]);
			pe.pid = pe.tid = atoi(tok[3]);
			check(sr_writer_proc(w, &pe, &e), line);
		} else if (!strcmp(tok[0], "exec") && n == 5) {
			struct sr_proc_event pe = { 0 };

			pe.ts = strtoull(tok[1], NULL, 10);
			pe.kind = SR_PROC_EXEC;
			pe.pid = pe.tid = atoi(tok[2]);
			pe.comm = tok[3];
			pe.filename = tok[4];
			check(sr_writer_proc(w, &pe, &e), line);
		} else if (!strcmp(tok[0], "exit") && n == 4) {
			struct sr_proc_event pe = { 0 };

			pe.ts = strtoull(tok[1], NULL, 10);
			pe.kind = SR_PROC_EXIT;
			pe.pid = pe.tid = atoi(tok[2]);
			pe.exit_code = atoi(tok[3]);
			pe.group_dead = true;
			check(sr_writer_proc(w, &pe, &e), line);
		} else if (!strcmp(tok[0], "texit") && n == 4) {
			struct sr_proc_event pe = { 0 };

			pe.ts = strtoull(tok[1], NULL, 10);
			pe.kind = SR_PROC_EXIT;
			pe.pid = atoi(tok[2]);
			pe.tid = atoi(tok[3]);
			check(sr_writer_proc(w, &pe, &e), line);
		} else if (!strcmp(tok[0], "sample") && n == 15) {
			struct sr_sample s = { 0 };

			s.ts = strtoull(tok[1], NULL, 10);
			s.pid = atoi(tok[2]);
			s.utime_ticks = strtoull(tok[3], NULL, 10);
			s.stime_ticks = strtoull(tok[4], NULL, 10);
			s.rss_kb = strtoull(tok[5], NULL, 10);
			s.vm_peak_kb = strtoull(tok[6], NULL, 10);
			s.minflt = strtoull(tok[7], NULL, 10);
			s.majflt = strtoull(tok[8], NULL, 10);
			s.read_bytes = strtoull(tok[9], NULL, 10);
			s.write_bytes = strtoull(tok[10], NULL, 10);
			s.syscr = strtoull(tok[11], NULL, 10);
			s.syscw = strtoull(tok[12], NULL, 10);
			s.vol_ctxsw = strtoull(tok[13], NULL, 10);
			s.invol_ctxsw = strtoull(tok[14], NULL, 10);
			check(sr_writer_sample(w, &s, &e), line);
		} else {
			fprintf(stderr, "seqtrace: line %d: bad directive '%s'\n", line, tok[0]);
			return 1;
		}
	} while (fgets(buf, sizeof(buf), stdin));
	check(sr_writer_close(w, NULL, &e), line);
	sr_header_free(&h);
	return 0;
}
