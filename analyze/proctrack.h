/* SPDX-License-Identifier: MIT */
/*
 * What each process of a trace is (comm, exe, dataset label and source), kept
 * up to date from process-table entries and fork/exec/comm events, for the
 * commands that group syscalls by program or by process.
 */
#ifndef SYSREC_PROCTRACK_H
#define SYSREC_PROCTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sysrec.h"
#include "ngram.h"

struct pt_proc {
	int32_t pid;
	uint32_t refs;  /* holders besides the table (pt_hold) */
	uint32_t gen;   /* bumped at each exec (a new program starts) and at pt_end */
	bool ended;     /* pt_end: no longer in the table */
	char *comm;     /* never NULL ("?" when unknown) */
	char *exe;      /* never NULL ("" when unknown) */
	char *label;    /* NULL when none */
	char *source;   /* NULL when none */
	uint64_t first_ts, last_ts;
	void *user;     /* for the command using the tracker */
};

struct pt_table {
	struct ng_table map; /* pid -> index + 1 */
	struct pt_proc **proc;
	size_t n, cap;
};

int pt_init(struct pt_table *t);
/* Free every process (and, with FREE_USER, its user pointer); after pt_threads_free. */
void pt_free(struct pt_table *t, void (*free_user)(void *));
/* The process PID, created (comm "?") when new; NULL when out of memory. */
struct pt_proc *pt_get(struct pt_table *t, int32_t pid);
/* The process PID if the table has it, else NULL. */
struct pt_proc *pt_find(const struct pt_table *t, int32_t pid);
/*
 * P ended (its last thread exited): its pid is forgotten, so that a process
 * reusing it starts fresh, and P is freed (its user pointer must be released
 * by then) once no holder is left. The caller ends P's user state first.
 * P's gen changes, so that a thread still holding it (its exit lost) sees a
 * new program and looks its pid up again, as at an exec.
 */
void pt_end(struct pt_table *t, struct pt_proc *p);
/* Keep P valid past pt_end (a thread's reference), and let it go. */
static inline void pt_hold(struct pt_proc *p)
{
	p->refs++;
}
void pt_release(struct pt_table *t, struct pt_proc *p);
/* Point *REF at P (NULL allowed), holding P and releasing the old one. */
void pt_ref_set(struct pt_table *t, struct pt_proc **ref, struct pt_proc *p);
/* Update from SR_EV_PROCINFO and SR_EV_PROCESS events; -1 when out of memory. */
int pt_event(struct pt_table *t, const struct sr_event *ev);
/* The program name of P under a grouping: "comm", "exe" (falls back to comm) or "global". */
const char *pt_program(const struct pt_proc *p, const char *group_by);

/*
 * The next event of R (read from PATH): 1 with EV filled, 0 at the end, -1
 * after a fatal error. Damage and fatal errors are reported; damage is skipped.
 */
int pt_next(struct sr_reader *r, const char *path, struct sr_event *ev);

/* The start of every pt_threads slot. */
struct pt_thread_head {
	struct pt_proc *proc; /* held (pt_ref_set); NULL until the command sets it */
	uint32_t tid;
	uint32_t gen;         /* the command's: proc->gen when its state was set up */
};

/*
 * One slot of SIZE bytes per thread id, beginning with a pt_thread_head, zeroed when the thread is first seen,
 * so that a command keeps its per-thread state without its own tid map.
 * Slots move when new threads arrive: hold no pointer across pt_thread().
 * A thread that exited gives its slot back (pt_exit) for the next new
 * one, so the slots follow the threads alive at once, not all of a trace.
 */
struct pt_threads {
	struct ng_table map; /* tid -> index + 1 */
	char *slot;
	size_t size, n, cap;
	size_t *spare;       /* indexes of dropped slots, reused first */
	size_t nspare, spare_cap;
	uint32_t cur_tid;
	void *cur;           /* the slot of cur_tid, NULL before the first call */
};

/* SIZE: of the command's slot struct, which starts with a struct pt_thread_head. */
int pt_threads_init(struct pt_threads *t, size_t size);
/* Free T, releasing the processes its slots hold (in PROCS). */
void pt_threads_free(struct pt_threads *t, struct pt_table *procs);
void *pt_thread_slow(struct pt_threads *t, uint32_t tid);
/* The slot of TID, created when new; NULL when out of memory. */
static inline void *pt_thread(struct pt_threads *t, uint32_t tid)
{
	/* a thread's syscalls come in runs: most calls stay out of the map */
	if (t->cur && tid == t->cur_tid) {
		return t->cur;
	}
	return pt_thread_slow(t, tid);
}

/* What a command does when threads and processes end. */
struct pt_exit_ops {
	void (*thread)(void *slot, void *arg); /* before the slot goes; may be NULL */
	int (*proc)(struct pt_proc *p, void *arg); /* before pt_end; -1 = out of memory */
	void *arg;
};

/*
 * An SR_PROC_EXIT event: the thread's slot ends (OPS->thread) and goes to
 * the next new thread. With group_dead its process ends: threads still in it
 * (their own exits missing from the trace) end too, then OPS->proc, then
 * pt_end. Returns OPS->proc's -1, else 0.
 */
int pt_exit(struct pt_table *procs, struct pt_threads *tids, const struct sr_proc_event *pe,
	    const struct pt_exit_ops *ops);
/* Seconds on the monotonic clock and of this thread's CPU time, to time reads. */
double pt_wall_now(void);
double pt_cpu_now(void);
/* The I-th slot, I < t->n (a dropped one is all zero until reused). */
static inline void *pt_thread_at(const struct pt_threads *t, size_t i)
{
	return t->slot + i * t->size;
}

#endif
