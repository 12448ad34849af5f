// SPDX-License-Identifier: MIT
/* Process identities (comm, exe, label) followed through a trace. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "proctrack.h"

int pt_init(struct pt_table *t)
{
	memset(t, 0, sizeof(*t));
	return ng_table_init(&t->map, 256);
}

static void proc_free(struct pt_proc *p)
{
	free(p->comm);
	free(p->exe);
	free(p->label);
	free(p->source);
	free(p);
}

void pt_free(struct pt_table *t, void (*free_user)(void *))
{
	for (size_t i = 0; i < t->n; i++) {
		struct pt_proc *p = t->proc[i];

		if (free_user && p->user) {
			free_user(p->user);
		}
		proc_free(p);
	}
	free(t->proc);
	ng_table_free(&t->map);
	memset(t, 0, sizeof(*t));
}

static int set_str(char **dst, const char *src)
{
	char *s;

	if (!src) {
		return 0;
	}
	if (*dst && !strcmp(*dst, src)) {
		return 0;
	}
	s = strdup(src);
	if (!s) {
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

struct pt_proc *pt_get(struct pt_table *t, int32_t pid)
{
	uint64_t v = ng_table_get(&t->map, (uint32_t)pid);
	struct pt_proc *p;

	if (v) {
		return t->proc[v - 1];
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct pt_proc **np = realloc(t->proc, cap * sizeof(*np));

		if (!np) {
			return NULL;
		}
		t->proc = np;
		t->cap = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		return NULL;
	}
	p->pid = pid;
	p->comm = strdup("?");
	p->exe = strdup("");
	if (!p->comm || !p->exe || ng_table_add(&t->map, (uint32_t)pid, t->n + 1) < 0) {
		free(p->comm);
		free(p->exe);
		free(p);
		return NULL;
	}
	t->proc[t->n++] = p;
	return p;
}

struct pt_proc *pt_find(const struct pt_table *t, int32_t pid)
{
	uint64_t v = ng_table_get(&t->map, (uint32_t)pid);

	return v ? t->proc[v - 1] : NULL;
}

void pt_end(struct pt_table *t, struct pt_proc *p)
{
	uint64_t v = ng_table_get(&t->map, (uint32_t)p->pid);

	if (p->ended || !v) {
		return;
	}
	/* the table's last process takes P's place */
	ng_table_del(&t->map, (uint32_t)p->pid);
	if (v < t->n) {
		struct pt_proc *last = t->proc[t->n - 1];

		t->proc[v - 1] = last;
		ng_table_del(&t->map, (uint32_t)last->pid);
		/* the map just lost two keys, so re-adding one needs no memory */
		(void)ng_table_add(&t->map, (uint32_t)last->pid, v);
	}
	t->n--;
	p->ended = true;
	p->gen++;
	if (!p->refs) {
		proc_free(p);
	}
}

void pt_release(struct pt_table *t, struct pt_proc *p)
{
	(void)t;
	if (--p->refs == 0 && p->ended) {
		proc_free(p);
	}
}

void pt_ref_set(struct pt_table *t, struct pt_proc **ref, struct pt_proc *p)
{
	if (*ref == p) {
		return;
	}
	if (p) {
		pt_hold(p);
	}
	if (*ref) {
		pt_release(t, *ref);
	}
	*ref = p;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int pt_event(struct pt_table *t, const struct sr_event *ev)
{
	struct pt_proc *p, *parent;

	if (ev->type == SR_EV_PROCINFO) {
		const struct sr_procinfo *in = &ev->info;

		p = pt_get(t, in->pid);
		if (!p) {
			return -1;
		}
		if ((in->comm && in->comm[0] && set_str(&p->comm, in->comm) < 0) ||
		    (in->exe && in->exe[0] && set_str(&p->exe, in->exe) < 0) ||
		    (in->label && in->label[0] && set_str(&p->label, in->label) < 0) ||
		    (in->source && in->source[0] && set_str(&p->source, in->source) < 0)) {
			return -1;
		}
		return 0;
	}
	if (ev->type != SR_EV_PROCESS) {
		return 0;
	}
	const struct sr_proc_event *pe = &ev->proc;
	switch (pe->kind) {
	case SR_PROC_FORK:
		if (pe->is_thread) {
			return 0;
		}
		p = pt_get(t, pe->pid);
		parent = pt_get(t, pe->parent_pid);
		if (!p || !parent) {
			return -1;
		}
		/* a child runs its parent's program until it execs */
		if (set_str(&p->comm, pe->comm && pe->comm[0] ? pe->comm : parent->comm) < 0 ||
		    set_str(&p->exe, parent->exe) < 0 || set_str(&p->label, parent->label) < 0) {
			return -1;
		}
		return 0;
	case SR_PROC_EXEC:
		p = pt_get(t, pe->pid);
		if (!p) {
			return -1;
		}
		if (set_str(&p->exe, pe->filename) < 0 ||
		    set_str(&p->comm, pe->comm && pe->comm[0] ? pe->comm
					: pe->filename ? base_name(pe->filename) : NULL) < 0) {
			return -1;
		}
		p->gen++;
		return 0;
	case SR_PROC_COMM:
		/* a thread renaming itself does not change the program */
		if (pe->tid != pe->pid) {
			return 0;
		}
		p = pt_get(t, pe->pid);
		return p && set_str(&p->comm, pe->comm) == 0 ? 0 : -1;
	default:
		return 0;
	}
}

const char *pt_program(const struct pt_proc *p, const char *group_by)
{
	if (!strcmp(group_by, "global")) {
		return "*";
	}
	if (!strcmp(group_by, "exe") && p->exe[0]) {
		return p->exe;
	}
	return p->comm;
}

int pt_next(struct sr_reader *r, const char *path, struct sr_event *ev)
{
	struct sr_error err;

	for (;;) {
		enum sr_status st = sr_reader_next(r, ev, &err);

		if (st == SR_OK) {
			return 1;
		}
		if (st == SR_END) {
			return 0;
		}
		if (st == SR_TRUNCATED || st == SR_CORRUPT) {
			cli_trace_damage(path, &err);
			continue;
		}
		cli_trace_error(path, &err);
		return -1;
	}
}

int pt_threads_init(struct pt_threads *t, size_t size)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
	return ng_table_init(&t->map, 256);
}

void pt_threads_free(struct pt_threads *t, struct pt_table *procs)
{
	for (size_t i = 0; i < t->n; i++) {
		struct pt_thread_head *h = pt_thread_at(t, i);

		if (h->proc) {
			pt_release(procs, h->proc);
		}
	}
	free(t->slot);
	free(t->spare);
	ng_table_free(&t->map);
	memset(t, 0, sizeof(*t));
}

void *pt_thread_slow(struct pt_threads *t, uint32_t tid)
{
	uint64_t v = ng_table_get(&t->map, tid);

	if (!v) {
		/* a dropped slot (zeroed then), or one more */
		size_t i = t->nspare ? t->spare[t->nspare - 1] : t->n;

		if (i == t->cap) {
			size_t nc = t->cap ? t->cap * 2 : 64;
			char *ns = realloc(t->slot, nc * t->size);

			if (!ns) {
				return NULL;
			}
			t->slot = ns;
			t->cap = nc;
		}
		if (ng_table_add(&t->map, tid, i + 1) < 0) {
			return NULL;
		}
		if (t->nspare) {
			t->nspare--;
		} else {
			memset(pt_thread_at(t, i), 0, t->size);
			t->n++;
		}
		((struct pt_thread_head *)pt_thread_at(t, i))->tid = tid;
		v = i + 1;
	}
	t->cur = pt_thread_at(t, v - 1);
	t->cur_tid = tid;
	return t->cur;
}

/* Slot I's thread ends: OPS->thread, then it is forgotten and zeroed for the next. */
static void thread_end(struct pt_table *procs, struct pt_threads *t, size_t i,
		       const struct pt_exit_ops *ops)
{
	struct pt_thread_head *h = pt_thread_at(t, i);

	if (ops->thread) {
		ops->thread(h, ops->arg);
	}
	pt_ref_set(procs, &h->proc, NULL);
	ng_table_del(&t->map, h->tid);
	if (t->cur == (void *)h) {
		t->cur = NULL;
	}
	memset(h, 0, t->size);
	if (t->nspare == t->spare_cap) {
		size_t nc = t->spare_cap ? t->spare_cap * 2 : 64;
		size_t *sp = realloc(t->spare, nc * sizeof(*sp));

		if (!sp) {
			return; /* the slot stays unused: memory, not results */
		}
		t->spare = sp;
		t->spare_cap = nc;
	}
	t->spare[t->nspare++] = i;
}

int pt_exit(struct pt_table *procs, struct pt_threads *tids, const struct sr_proc_event *pe,
	    const struct pt_exit_ops *ops)
{
	uint64_t v = ng_table_get(&tids->map, (uint32_t)pe->tid);
	struct pt_proc *p;

	if (v) {
		thread_end(procs, tids, v - 1, ops);
	}
	if (!pe->group_dead || !(p = pt_find(procs, pe->pid))) {
		return 0;
	}
	/* threads still holding P have no exit of their own: rare, so a scan */
	for (size_t i = 0; p->refs && i < tids->n; i++) {
		if (((struct pt_thread_head *)pt_thread_at(tids, i))->proc == p) {
			thread_end(procs, tids, i, ops);
		}
	}
	int rc = ops->proc(p, ops->arg);

	pt_end(procs, p);
	return rc;
}

double pt_wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this thread: the per-core speed, whatever else runs on the host */
double pt_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
