/* SPDX-License-Identifier: MIT */
/*
 * What each process of a trace is (comm, exe, dataset label and source), kept
 * up to date from process-table entries and fork/exec/comm events, for the
 * commands that group syscalls by program or by process.
 */
#ifndef SYSREC_PROCTRACK_H
#define SYSREC_PROCTRACK_H

#include <stdint.h>

#include "sysrec.h"
#include "ngram.h"

struct pt_proc {
	int32_t pid;
	char *comm;     /* never NULL ("?" when unknown) */
	char *exe;      /* never NULL ("" when unknown) */
	char *label;    /* NULL when none */
	char *source;   /* NULL when none */
	uint32_t gen;   /* bumped at each exec: a new program starts */
	uint64_t first_ts, last_ts;
	void *user;     /* for the command using the tracker */
};

struct pt_table {
	struct ng_table map; /* pid -> index + 1 */
	struct pt_proc **proc;
	size_t n, cap;
};

int pt_init(struct pt_table *t);
/* Free every process (and, with FREE_USER, its user pointer). */
void pt_free(struct pt_table *t, void (*free_user)(void *));
/* The process PID, created (comm "?") when new; NULL when out of memory. */
struct pt_proc *pt_get(struct pt_table *t, int32_t pid);
/* Update from SR_EV_PROCINFO and SR_EV_PROCESS events; -1 when out of memory. */
int pt_event(struct pt_table *t, const struct sr_event *ev);
/* The program name of P under a grouping: "comm", "exe" (falls back to comm) or "global". */
const char *pt_program(const struct pt_proc *p, const char *group_by);

/*
 * The next event of R (read from PATH): 1 with EV filled, 0 at the end, -1
 * after a fatal error. Damage and fatal errors are reported; damage is skipped.
 */
int pt_next(struct sr_reader *r, const char *path, struct sr_event *ev);

/*
 * One slot of SIZE bytes per thread id, zeroed when the thread is first seen,
 * so that a command keeps its per-thread state without its own tid map.
 * Slots move when new threads arrive: hold no pointer across pt_thread().
 */
struct pt_threads {
	struct ng_table map; /* tid -> index + 1 */
	char *slot;
	size_t size, n, cap;
	uint32_t cur_tid;
	void *cur;           /* the slot of cur_tid, NULL before the first call */
};

int pt_threads_init(struct pt_threads *t, size_t size);
void pt_threads_free(struct pt_threads *t);
/* The slot of TID, created when new; NULL when out of memory. */
void *pt_thread(struct pt_threads *t, uint32_t tid);
/* Seconds on the monotonic clock and of this thread's CPU time, to time reads. */
double pt_wall_now(void);
double pt_cpu_now(void);
/* The I-th slot in order of first appearance, I < t->n. */
static inline void *pt_thread_at(const struct pt_threads *t, size_t i)
{
	return t->slot + i * t->size;
}

#endif
