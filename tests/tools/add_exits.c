// SPDX-License-Identifier: MIT
/*
 * add_exits: copy a trace whose processes run one after another, one thread
 * each, listed in that order in one process table at the start (an ADFA-LD
 * import), adding the exit of each process (group_dead, status 0) 1 us after
 * its last syscall, and moving the table entries to just before their
 * processes' first syscalls, 256 at a time, as a recorder names a process when
 * it appears (a reader need not hold every process from the start; a frame
 * per process would make the trace's index the largest part of a reader's
 * memory). Entries keep pid, ppid, uid, comm, label and source, all that an
 * import has. For the memory benchmark of
 * tests/bench/bench-ngram.sh only: ADFA-LD's traces are cut out of longer
 * runs (nearly none ends in exit or exit_group), so the importer cannot
 * truthfully say that their processes exited, but a benchmark may pretend.
 *
 * Usage: add_exits IN OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"

static int fail(const char *what, const struct sr_error *e)
{
	fprintf(stderr, "add_exits: %s: %s\n", what, e->msg);
	return 1;
}

static enum sr_status put_exit(struct sr_writer *w, int32_t pid, uint64_t ts, struct sr_error *e)
{
	struct sr_proc_event pe = { .ts = ts, .kind = SR_PROC_EXIT, .tid = pid, .pid = pid,
				    .group_dead = true };

	return sr_writer_proc(w, &pe, e);
}

#define BATCH 256

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

/*
 * Write the next BATCH entries of TAB (a second reader of the input) as one
 * table; the first must be PID's. Returns how many were written (0 = error).
 */
static size_t put_entries(struct sr_writer *w, struct sr_reader *tab, int32_t pid,
			  struct sr_error *e)
{
	static struct sr_procinfo pi[BATCH];
	struct sr_event ev;
	enum sr_status st = SR_OK;
	size_t n = 0;

	while (n < BATCH && (st = sr_reader_next(tab, &ev, e)) == SR_OK) {
		if (ev.type != SR_EV_PROCINFO) {
			continue;
		}
		pi[n] = (struct sr_procinfo){ .pid = ev.info.pid, .ppid = ev.info.ppid,
					      .uid = ev.info.uid, .start_ns = ev.info.start_ns,
					      .comm = dup_str(ev.info.comm), .label = dup_str(ev.info.label),
					      .source = dup_str(ev.info.source) };
		n++;
	}
	if (!n || pi[0].pid != pid) {
		snprintf(e->msg, sizeof(e->msg), "process %d is not the next in the table", pid);
		n = 0;
	} else if ((st != SR_OK && st != SR_END) || sr_writer_process_table(w, pi, n, e) != SR_OK) {
		n = 0;
	}
	for (size_t i = 0; i < BATCH; i++) {
		free((char *)pi[i].comm);
		free((char *)pi[i].label);
		free((char *)pi[i].source);
		memset(&pi[i], 0, sizeof(pi[i]));
	}
	return n;
}

int main(int argc, char **argv)
{
	struct sr_reader *r, *tab;
	struct sr_writer *w;
	struct sr_error e;
	struct sr_event ev;
	enum sr_status st;
	int32_t pid = -1;
	uint64_t last = 0;
	size_t named = 0; /* processes whose entries are written, not yet started */

	if (argc != 3) {
		fprintf(stderr, "usage: add_exits IN OUT\n");
		return 2;
	}
	r = sr_reader_open(argv[1], &e);
	tab = r ? sr_reader_open(argv[1], &e) : NULL;
	if (!tab) {
		return fail(argv[1], &e);
	}
	w = sr_writer_open(argv[2], sr_reader_header(r), NULL, &e);
	if (!w) {
		return fail(argv[2], &e);
	}
	while ((st = sr_reader_next(r, &ev, &e)) == SR_OK) {
		if (ev.type != SR_EV_SYSCALL) {
			continue;
		}
		if ((int32_t)ev.sc.tgid != pid) {
			if (pid >= 0) {
				st = put_exit(w, pid, last + 1000, &e);
			}
			pid = (int32_t)ev.sc.tgid;
			if (st == SR_OK && !named && !(named = put_entries(w, tab, pid, &e))) {
				st = SR_CORRUPT;
			}
			named--;
		}
		last = ev.sc.ts;
		if (st != SR_OK || (st = sr_writer_syscall(w, &ev.sc, &e)) != SR_OK) {
			return fail(argv[2], &e);
		}
	}
	if (st != SR_END) {
		return fail(argv[1], &e);
	}
	if (pid >= 0 && put_exit(w, pid, last + 1000, &e) != SR_OK) {
		return fail(argv[2], &e);
	}
	if (sr_writer_close(w, NULL, &e) != SR_OK) {
		return fail(argv[2], &e);
	}
	sr_reader_close(tab);
	sr_reader_close(r);
	return 0;
}
