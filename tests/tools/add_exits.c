// SPDX-License-Identifier: MIT
/*
 * add_exits: copy a trace whose processes run one after another, one thread
 * each (an ADFA-LD import), adding the exit of each process (group_dead,
 * status 0) 1 us after its last syscall. For the memory benchmark of
 * tests/bench/bench-ngram.sh only: ADFA-LD's traces are cut out of longer
 * runs (nearly none ends in exit or exit_group), so the importer cannot
 * truthfully say that their processes exited, but a benchmark may pretend.
 *
 * Usage: add_exits IN OUT
 */
#include <stdio.h>

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

int main(int argc, char **argv)
{
	struct sr_reader *r;
	struct sr_writer *w;
	struct sr_error e;
	struct sr_event ev;
	enum sr_status st;
	int32_t pid = -1;
	uint64_t last = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: add_exits IN OUT\n");
		return 2;
	}
	r = sr_reader_open(argv[1], &e);
	if (!r) {
		return fail(argv[1], &e);
	}
	w = sr_writer_open(argv[2], sr_reader_header(r), NULL, &e);
	if (!w) {
		return fail(argv[2], &e);
	}
	while ((st = sr_reader_next(r, &ev, &e)) == SR_OK) {
		if (ev.type == SR_EV_PROCINFO) {
			st = sr_writer_process_table(w, &ev.info, 1, &e);
		} else if (ev.type == SR_EV_SYSCALL) {
			if (pid >= 0 && (int32_t)ev.sc.tgid != pid) {
				st = put_exit(w, pid, last + 1000, &e);
			}
			pid = (int32_t)ev.sc.tgid;
			last = ev.sc.ts;
			if (st == SR_OK) {
				st = sr_writer_syscall(w, &ev.sc, &e);
			}
		}
		if (st != SR_OK) {
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
	sr_reader_close(r);
	return 0;
}
