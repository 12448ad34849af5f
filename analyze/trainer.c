// SPDX-License-Identifier: MIT
/* Trace -> per-thread sequences -> windows counted in per-program profiles. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "proctrack.h"
#include "trainer.h"

struct thread {
	struct pt_thread_head h;
	struct ng_seq seq;
};

/* A process's current program segment (its pt_proc's user pointer). */
struct segment {
	struct ng_profile *prof; /* NULL until the first call */
	uint32_t gen;
	struct cs_open set;
};

struct trainer {
	struct ng_model *m;
	ng_key mask;
	double seconds, cpu_seconds;
	bool have_abi;
};

struct trainer *trainer_new(uint32_t n, const char *group_by)
{
	struct trainer *t = calloc(1, sizeof(*t));

	if (!t) {
		return NULL;
	}
	t->m = ng_model_new(n, "", group_by);
	if (!t->m) {
		free(t);
		return NULL;
	}
	t->mask = ng_key_mask(n);
	return t;
}

void trainer_free(struct trainer *t)
{
	if (!t) {
		return;
	}
	ng_model_free(t->m);
	free(t);
}

struct ng_model *trainer_model(struct trainer *t)
{
	return t->m;
}

double trainer_seconds(const struct trainer *t)
{
	return t->seconds;
}

double trainer_cpu_seconds(const struct trainer *t)
{
	return t->cpu_seconds;
}

/* The segment's call set joins its profile's sets. */
static int segment_end(struct segment *g)
{
	struct cs_set set;

	if (!g->prof) {
		return 0;
	}
	cs_open_get(&g->set, &set);
	cs_open_clear(&g->set);
	return cs_table_add(&g->prof->sets, &set, 1);
}

static void segment_free(void *g)
{
	if (g) {
		cs_open_clear(&((struct segment *)g)->set);
	}
	free(g);
}

/* Start a new sequence for thread TH of process P. */
static int seq_start(struct trainer *t, struct pt_table *procs, struct thread *th,
		     struct pt_proc *p)
{
	struct ng_profile *prof = ng_model_profile(t->m, pt_program(p, t->m->group_by));
	struct segment *g = p->user;

	if (!prof) {
		return -1;
	}
	if (!g) {
		g = p->user = calloc(1, sizeof(*g));
		if (!g) {
			return -1;
		}
	}
	/* an exec ends the segment (threads of the same program share it) */
	if (g->prof && g->gen != p->gen && segment_end(g) < 0) {
		return -1;
	}
	th->seq.key = 0;
	th->seq.len = 0;
	th->seq.prof = prof;
	th->seq.set = &g->set;
	pt_ref_set(procs, &th->h.proc, p);
	th->h.gen = p->gen;
	prof->sequences++;
	t->m->sequences++;
	if (g->prof != prof) {
		prof->processes++;
	}
	g->prof = prof;
	g->gen = p->gen;
	return 0;
}

/* A process ended: its open segment's call set joins its profile. */
static int proc_exit(struct pt_proc *p, void *arg)
{
	int rc = p->user ? segment_end(p->user) : 0;

	(void)arg;
	segment_free(p->user);
	p->user = NULL;
	return rc;
}

static const struct pt_exit_ops exit_ops = { .proc = proc_exit };

int trainer_file(struct trainer *t, const char *path)
{
	struct ng_model *m = t->m;
	struct sr_reader *r = NULL;
	struct sr_error err;
	struct sr_event ev;
	struct pt_table procs;
	struct pt_threads tids;
	struct thread *cur;
	uint64_t calls = 0;
	int got;
	double t0 = pt_wall_now(), c0 = pt_cpu_now();
	int rc = -1;

	if (pt_init(&procs) < 0 || pt_threads_init(&tids, sizeof(struct thread)) < 0) {
		cli_err("out of memory");
		return -1;
	}
	r = sr_reader_open(path, &err);
	if (!r) {
		cli_trace_error(path, &err);
		goto out;
	}
	const Sysrec__Header *h = sr_reader_header(r);
	const char *abi = h && h->abi ? h->abi : "";
	if (!t->have_abi) {
		free(m->abi);
		m->abi = strdup(abi);
		if (!m->abi) {
			cli_err("out of memory");
			goto out;
		}
		t->have_abi = true;
	} else if (strcmp(m->abi, abi)) {
		cli_err("%s: syscall ABI '%s' differs from the other traces' '%s' (train one model per ABI)",
			path, abi, m->abi);
		goto out;
	}
	if (h && ng_model_add_names(m, h->syscall_names, h->n_syscall_names) < 0) {
		cli_err("out of memory");
		goto out;
	}
	while ((got = pt_next(r, path, &ev)) > 0) {
		if (ev.type == SR_EV_PROCESS && ev.proc.kind == SR_PROC_EXIT) {
			if (pt_exit(&procs, &tids, &ev.proc, &exit_ops) < 0) {
				cli_err("out of memory");
				goto out;
			}
			continue;
		}
		if (ev.type != SR_EV_SYSCALL) {
			if (pt_event(&procs, &ev) < 0) {
				cli_err("out of memory");
				goto out;
			}
			continue;
		}
		cur = pt_thread(&tids, ev.sc.tid);
		if (!cur) {
			cli_err("out of memory");
			goto out;
		}
		const struct pt_proc *cp = cur->h.proc;

		if (!cp || cp->pid != (int32_t)ev.sc.tgid || cur->h.gen != cp->gen) {
			struct pt_proc *p = pt_get(&procs, (int32_t)ev.sc.tgid);

			if (!p || seq_start(t, &procs, cur, p) < 0) {
				cli_err("out of memory");
				goto out;
			}
		}
		if (ng_train_call(m, &cur->seq, ev.sc.nr, t->mask) < 0) {
			cli_err("out of memory counting windows");
			goto out;
		}
		calls++;
	}
	if (got < 0) {
		goto out;
	}
	for (size_t i = 0; i < procs.n; i++) {
		if (procs.proc[i]->user && segment_end(procs.proc[i]->user) < 0) {
			cli_err("out of memory");
			goto out;
		}
	}
	if (ng_model_flush(m) < 0) {
		cli_err("out of memory counting windows");
		goto out;
	}
	m->traces++;
	m->calls += calls;
	if (ng_model_add_source(m, path) < 0) {
		cli_err("out of memory");
		goto out;
	}
	rc = 0;
out:
	t->seconds += pt_wall_now() - t0;
	t->cpu_seconds += pt_cpu_now() - c0;
	sr_reader_close(r);
	pt_threads_free(&tids, &procs);
	pt_free(&procs, segment_free);
	return rc;
}
