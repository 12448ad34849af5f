// SPDX-License-Identifier: MIT
/*
 * Threads seen while replaying: tid -> (pid, comm). Comm comes from the
 * process table, fork (inherited), exec and comm events. Open addressing keyed
 * on tid keeps the per-event lookup a few nanoseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "replay.h"

static size_t slot_of(int32_t tid, size_t cap)
{
	uint32_t h = (uint32_t)tid * 2654435761u;

	return h & (cap - 1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		cli_err("out of memory for the thread table");
		exit(1);
	}
	return p;
}

void rp_procs_free(struct rp_procs *p)
{
	for (size_t i = 0; i < p->cap; i++) {
		free(p->tab[i].comm);
	}
	free(p->tab);
	memset(p, 0, sizeof(*p));
}

struct rp_thread *rp_procs_get(struct rp_procs *p, int32_t tid)
{
	if (!p->cap || tid == 0) {
		return NULL;
	}
	if (p->last && p->last_gen == p->gen && p->last->tid == tid) {
		return p->last;
	}
	for (size_t i = slot_of(tid, p->cap);; i = (i + 1) & (p->cap - 1)) {
		struct rp_thread *t = &p->tab[i];
		if (t->tid == tid) {
			p->last = t;
			p->last_gen = p->gen;
			return t;
		}
		if (t->tid == 0) {
			return NULL;
		}
	}
}

static void rehash(struct rp_procs *p)
{
	size_t ncap = p->cap ? p->cap * 2 : 1024;
	struct rp_thread *nt = xcalloc(ncap, sizeof(*nt));

	for (size_t i = 0; i < p->cap; i++) {
		struct rp_thread *t = &p->tab[i];
		if (!t->tid) {
			continue;
		}
		size_t j = slot_of(t->tid, ncap);
		while (nt[j].tid) {
			j = (j + 1) & (ncap - 1);
		}
		nt[j] = *t;
	}
	free(p->tab);
	p->tab = nt;
	p->cap = ncap;
	p->gen++;
}

struct rp_thread *rp_procs_add(struct rp_procs *p, int32_t tid, int32_t pid)
{
	struct rp_thread *t;

	/* tid 0 marks empty slots; the idle task never makes syscalls we record. */
	if (tid == 0) {
		tid = -1;
	}
	t = rp_procs_get(p, tid);
	if (t) {
		if (pid) {
			t->pid = pid;
		}
		return t;
	}
	if ((p->n + 1) * 4 > p->cap * 3) {
		rehash(p);
	}
	size_t i = slot_of(tid, p->cap);
	while (p->tab[i].tid) {
		i = (i + 1) & (p->cap - 1);
	}
	t = &p->tab[i];
	t->tid = tid;
	t->pid = pid ? pid : tid;
	t->comm = NULL;
	t->emitted = false;
	p->n++;
	return t;
}

void rp_procs_set_comm(struct rp_procs *p, int32_t tid, int32_t pid, const char *comm)
{
	struct rp_thread *t = rp_procs_add(p, tid, pid);

	if (!comm || (t->comm && !strcmp(t->comm, comm))) {
		return;
	}
	free(t->comm);
	t->comm = strdup(comm);
}

const char *rp_procs_comm(struct rp_procs *p, int32_t tid, int32_t pid)
{
	struct rp_thread *t = rp_procs_get(p, tid);

	if (t && t->comm) {
		return t->comm;
	}
	if (pid && pid != tid) {
		t = rp_procs_get(p, pid);
		if (t && t->comm) {
			return t->comm;
		}
	}
	return NULL;
}

void rp_procs_update(struct rp_procs *p, const struct sr_event *ev)
{
	if (ev->type == SR_EV_PROCINFO) {
		rp_procs_set_comm(p, ev->info.pid, ev->info.pid, ev->info.comm);
		return;
	}
	if (ev->type != SR_EV_PROCESS) {
		return;
	}
	const struct sr_proc_event *pe = &ev->proc;
	switch (pe->kind) {
	case SR_PROC_FORK: {
		const char *comm = pe->comm;
		if (!comm || !*comm) {
			comm = rp_procs_comm(p, pe->parent_tid, pe->parent_pid);
		}
		/* Strings are allocated apart from the slots, so a rehash keeps COMM valid. */
		rp_procs_set_comm(p, pe->tid, pe->pid, comm);
		break;
	}
	case SR_PROC_EXEC:
	case SR_PROC_COMM:
		if (pe->comm && *pe->comm) {
			rp_procs_set_comm(p, pe->tid, pe->pid, pe->comm);
		} else if (pe->kind == SR_PROC_EXEC && pe->filename) {
			const char *base = strrchr(pe->filename, '/');
			char tmp[16];
			snprintf(tmp, sizeof(tmp), "%s", base ? base + 1 : pe->filename);
			rp_procs_set_comm(p, pe->tid, pe->pid, tmp);
		}
		break;
	default:
		rp_procs_add(p, pe->tid, pe->pid);
		break;
	}
}
