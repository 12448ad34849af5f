// SPDX-License-Identifier: MIT
/* Trace -> per-thread windows -> per-process stide, LFC and surprisal. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "proctrack.h"
#include "scorer.h"

const char *const se_score_names[SE_SCORE_COUNT] = { "stide", "lfc", "nll", "callset" };

int se_score_by_name(const char *name)
{
	for (int i = 0; i < SE_SCORE_COUNT; i++) {
		if (!strcmp(name, se_score_names[i])) {
			return i;
		}
	}
	return -1;
}

struct thread {
	struct pt_thread_head h;
	ng_key key;
	uint64_t len;
	uint32_t bits; /* mismatch flags of the last SE_LFC_WINDOW full windows */
	uint32_t nbits; /* how many of them are set */
	struct ng_scorer *sc;
	struct se_proc *res;
	bool last_seen;
	struct cs_open *set; /* of the process's open segment */
	uint32_t recent[NG_MAX_N]; /* syscall numbers of the last n calls, ring by len */
};

struct se_segment {
	const struct cs_table *sets; /* of the segment's profile; NULL = none open */
	uint32_t gen;
	struct cs_open set;
};

struct se_engine {
	const struct ng_model *m;
	ng_key mask;
	struct ng_scorer **sc; /* one per profile, built on first use */
	struct ng_scorer *all; /* every profile together, for unknown programs */
	struct ng_profile all_prof;
	struct se_proc **proc; /* kept rows, when keep_procs */
	size_t nproc, proc_cap;
	bool keep_procs;
	int above_which;       /* score counted against above_x, -1 = none */
	double above_x;
	size_t above;
	struct se_stats *files;
	size_t nfiles;
	unsigned topk;
	struct se_window *heap; /* min-heap on surprisal */
	size_t nheap;
	double seconds, cpu_seconds;
	uint64_t calls;
	/* syscalls the model does not know -> set ids from m->nsyms on, so
	 * that each counts as its own element of a call set */
	struct ng_table unknown;
	uint32_t next_unknown;
};

static void segment_free(struct se_proc *r)
{
	if (r->seg) {
		cs_open_clear(&r->seg->set);
	}
	free(r->seg);
	r->seg = NULL;
}

static void proc_free(struct se_proc *r)
{
	segment_free(r);
	free(r->comm);
	free(r->label);
	free(r->source);
	free(r->profile);
	free(r);
}

double se_value(const struct se_stats *st, enum se_score which)
{
	switch (which) {
	case SE_SCORE_STIDE:
		return st->windows ? (double)st->mismatches / st->windows : 0.0;
	case SE_SCORE_LFC:
		return st->lfc;
	case SE_SCORE_NLL:
		return st->calls ? st->nll_sum / st->calls : 0.0;
	case SE_SCORE_CALLSET:
		return st->callset;
	default:
		return 0.0;
	}
}

bool se_available(const struct ng_model *m, enum se_score which)
{
	return which != SE_SCORE_CALLSET || m->callsets;
}

void se_err_unavailable(const char *path, enum se_score which)
{
	cli_err("%s: the model has no call sets (written by a sysrec from before the callset "
		"score): retrain it to use --score %s", path, se_score_names[which]);
}

struct se_engine *se_new(const struct ng_model *m, unsigned topk, bool keep_procs)
{
	struct se_engine *e = calloc(1, sizeof(*e));

	if (!e) {
		return NULL;
	}
	e->m = m;
	e->mask = ng_key_mask(m->n);
	e->topk = topk;
	e->keep_procs = keep_procs;
	e->above_which = -1;
	e->sc = calloc(m->nprof ? m->nprof : 1, sizeof(*e->sc));
	e->heap = calloc(topk ? topk : 1, sizeof(*e->heap));
	e->next_unknown = m->nsyms;
	if (!e->sc || !e->heap || ng_table_init(&e->unknown, 64) < 0) {
		se_free(e);
		return NULL;
	}
	return e;
}

void se_free(struct se_engine *e)
{
	if (!e) {
		return;
	}
	for (size_t i = 0; e->sc && i < e->m->nprof; i++) {
		ng_scorer_free(e->sc[i]);
	}
	free(e->sc);
	ng_scorer_free(e->all);
	ng_table_free(&e->all_prof.grams);
	cs_table_free(&e->all_prof.sets);
	ng_table_free(&e->unknown);
	for (size_t i = 0; i < e->nproc; i++) {
		proc_free(e->proc[i]);
	}
	free(e->proc);
	for (size_t i = 0; i < e->nheap; i++) {
		free(e->heap[i].comm);
	}
	free(e->heap);
	free(e->files);
	free(e);
}

void se_count_above(struct se_engine *e, enum se_score which, double x)
{
	e->above_which = (int)which;
	e->above_x = x;
}

size_t se_above(const struct se_engine *e)
{
	return e->above;
}

size_t se_nprocs(const struct se_engine *e)
{
	return e->nproc;
}

const struct se_proc *se_proc_at(const struct se_engine *e, size_t i)
{
	return e->proc[i];
}

const struct se_stats *se_file_stats(const struct se_engine *e, size_t file)
{
	return &e->files[file];
}

double se_seconds(const struct se_engine *e)
{
	return e->seconds;
}

double se_cpu_seconds(const struct se_engine *e)
{
	return e->cpu_seconds;
}

uint64_t se_calls(const struct se_engine *e)
{
	return e->calls;
}

static int cmp_window(const void *a, const void *b)
{
	const struct se_window *x = a, *y = b;

	if (x->surprisal != y->surprisal) {
		return x->surprisal > y->surprisal ? -1 : 1;
	}
	if (x->ts != y->ts) {
		return x->ts < y->ts ? -1 : 1;
	}
	return 0;
}

const struct se_window *se_top(struct se_engine *e, size_t *n)
{
	qsort(e->heap, e->nheap, sizeof(*e->heap), cmp_window);
	*n = e->nheap;
	return e->heap;
}

static void heap_down(struct se_window *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;

		if (l < n && h[l].surprisal < h[s].surprisal) {
			s = l;
		}
		if (r < n && h[r].surprisal < h[s].surprisal) {
			s = r;
		}
		if (s == i) {
			return;
		}
		struct se_window t = h[i];
		h[i] = h[s];
		h[s] = t;
		i = s;
	}
}

static void heap_up(struct se_window *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (h[p].surprisal <= h[i].surprisal) {
			return;
		}
		struct se_window t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

/* Keep the window ending at this call if it is among the top K. */
static void top_offer(struct se_engine *e, const struct thread *th, const struct sr_syscall *sc,
		      double s, bool seen, size_t file)
{
	struct se_window w;
	uint32_t n = e->m->n;

	if (!e->topk || (e->nheap == e->topk && s <= e->heap[0].surprisal)) {
		return;
	}
	w.surprisal = s;
	w.seen = seen;
	w.ts = sc->ts;
	w.pid = (int32_t)sc->tgid;
	w.tid = (int32_t)sc->tid;
	w.file = file;
	w.comm = strdup(th->h.proc->comm);
	if (!w.comm) {
		return; /* the list is best effort */
	}
	/* from the ring, not the key: calls unknown to the model keep their number */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t back = n - 1 - i; /* calls before the current one */

		w.nr[i] = back < th->len ? th->recent[(th->len - 1 - back) % n] : ~0u;
	}
	if (e->nheap < e->topk) {
		e->heap[e->nheap] = w;
		heap_up(e->heap, e->nheap++);
	} else {
		free(e->heap[0].comm);
		e->heap[0] = w;
		heap_down(e->heap, e->nheap, 0);
	}
}

static struct ng_scorer *scorer_for(struct se_engine *e, const char *program, const char **used,
				     const struct cs_table **sets)
{
	const struct ng_model *m = e->m;

	for (size_t i = 0; i < m->nprof; i++) {
		if (!strcmp(m->prof[i]->name, program)) {
			if (!e->sc[i]) {
				e->sc[i] = ng_scorer_new(m, m->prof[i]);
			}
			*used = m->prof[i]->name;
			*sets = &m->prof[i]->sets;
			return e->sc[i];
		}
	}
	if (!e->all) {
		if (ng_table_init(&e->all_prof.grams, 1024) < 0) {
			return NULL;
		}
		for (size_t i = 0; i < m->nprof; i++) {
			const struct ng_table *g = &m->prof[i]->grams;

			for (size_t j = 0; j < g->cap; j++) {
				if (g->slot[j].val && ng_table_add(&e->all_prof.grams,
					ng_key_make(g->slot[j].lo, g->slot[j].hi), g->slot[j].val) < 0) {
					return NULL;
				}
			}
			if (cs_table_merge(&e->all_prof.sets, &m->prof[i]->sets) < 0) {
				return NULL;
			}
		}
		e->all = ng_scorer_new(m, &e->all_prof);
	}
	*used = "*all*";
	*sets = &e->all_prof.sets;
	return e->all;
}

static struct se_proc *proc_result(struct se_engine *e, struct pt_proc *p, size_t file)
{
	struct se_proc *r;

	if (p->user) {
		return p->user;
	}
	if (e->keep_procs && e->nproc == e->proc_cap) {
		size_t cap = e->proc_cap ? e->proc_cap * 2 : 64;
		struct se_proc **n = realloc(e->proc, cap * sizeof(*n));

		if (!n) {
			return NULL;
		}
		e->proc = n;
		e->proc_cap = cap;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		return NULL;
	}
	r->file = file;
	r->pid = p->pid;
	r->st.callset = e->m->callsets ? 0.0 : NAN;
	if (e->keep_procs) {
		e->proc[e->nproc++] = r;
	}
	p->user = r;
	return r;
}

/* Score the process's open segment, if any: the process keeps its worst. */
static void segment_end(const struct se_engine *e, struct se_proc *r)
{
	struct se_segment *g = r->seg;

	if (!g || !g->sets) {
		return;
	}
	if (e->m->callsets) {
		struct cs_set set;
		double d;

		cs_open_get(&g->set, &set);
		d = cs_table_distance(g->sets, &set);
		if (d > r->st.callset) {
			r->st.callset = d;
		}
	}
	cs_open_clear(&g->set);
	g->sets = NULL;
}

/* Set id of syscall NR: its model id, or one of its own when the model does not know it. */
static uint32_t set_id(struct se_engine *e, uint32_t id, uint32_t nr)
{
	uint64_t v;

	if (id != NG_UNK) {
		return id;
	}
	v = ng_table_get(&e->unknown, nr + 1ull);
	if (v) {
		return (uint32_t)v;
	}
	/* past 1024 distinct syscalls the rest share the id of "unknown" */
	if (e->next_unknown >= NG_MAX_SYMS ||
	    ng_table_add(&e->unknown, nr + 1ull, e->next_unknown) < 0) {
		return NG_UNK;
	}
	return e->next_unknown++;
}

static int seq_start(struct se_engine *e, struct pt_table *procs, struct thread *th,
		     struct pt_proc *p, size_t file, uint64_t ts)
{
	const char *used = NULL;
	const struct cs_table *sets = NULL;
	struct se_proc *r = proc_result(e, p, file);

	if (!r) {
		return -1;
	}
	th->sc = scorer_for(e, pt_program(p, e->m->group_by), &used, &sets);
	if (!th->sc) {
		return -1;
	}
	if (!r->seg) {
		r->seg = calloc(1, sizeof(*r->seg));
		if (!r->seg) {
			return -1;
		}
	} else if (r->seg->gen != p->gen) {
		segment_end(e, r); /* an exec: a new program, a new segment */
	}
	r->seg->sets = sets;
	r->seg->gen = p->gen;
	th->set = &r->seg->set;
	if (!r->profile || strcmp(r->profile, used)) {
		free(r->profile);
		r->profile = strdup(used);
		if (!r->profile) {
			return -1;
		}
	}
	if (!r->st.calls) {
		r->first_ts = ts;
	}
	th->key = 0;
	th->len = 0;
	th->bits = 0;
	th->nbits = 0;
	pt_ref_set(procs, &th->h.proc, p);
	th->h.gen = p->gen;
	th->res = r;
	return 0;
}

/*
 * A sequence shorter than n still counts as one (left-padded) window. Its
 * process's result must still be open (a thread whose exit the trace lost
 * may outlive it).
 */
static void seq_end(struct thread *th, uint32_t n)
{
	if (th->res && th->h.proc->user == th->res && th->len && th->len < n) {
		th->res->st.windows++;
		if (!th->last_seen) {
			th->res->st.mismatches++;
			if (!th->res->st.lfc) {
				th->res->st.lfc = 1;
			}
		}
	}
	th->len = 0;
}

/*
 * Process P ended, or its file did: its open segment is scored, and its
 * scores join the file's totals. Its result row keeps its names when rows are
 * kept; otherwise nothing of it is left.
 */
static void proc_end(struct se_engine *e, struct pt_proc *p, size_t file)
{
	struct se_proc *r = p->user;
	struct se_stats *f = &e->files[file];
	const struct se_stats *ps = &r->st;

	p->user = NULL;
	segment_end(e, r);
	segment_free(r);
	f->calls += ps->calls;
	f->windows += ps->windows;
	f->mismatches += ps->mismatches;
	f->nll_sum += ps->nll_sum;
	f->unknown_program_calls += ps->unknown_program_calls;
	if (ps->lfc > f->lfc) {
		f->lfc = ps->lfc;
	}
	if (ps->callset > f->callset) {
		f->callset = ps->callset;
	}
	if (e->above_which >= 0 && se_value(ps, (enum se_score)e->above_which) > e->above_x) {
		e->above++;
	}
	if (!e->keep_procs) {
		proc_free(r);
		return;
	}
	r->comm = strdup(p->comm);
	r->label = p->label ? strdup(p->label) : NULL;
	r->source = p->source ? strdup(p->source) : NULL;
}

/* pt_exit's view of a file being scored */
struct exit_arg {
	struct se_engine *e;
	size_t file;
};

static void thread_exit(void *th, void *arg)
{
	seq_end(th, ((struct exit_arg *)arg)->e->m->n);
}

static int proc_exit(struct pt_proc *p, void *arg)
{
	struct exit_arg *a = arg;

	if (p->user) {
		proc_end(a->e, p, a->file);
	}
	return 0;
}

int se_file(struct se_engine *e, const char *path)
{
	const uint32_t n = e->m->n;
	struct sr_reader *r = NULL;
	struct sr_error err;
	struct sr_event ev;
	struct pt_table procs;
	struct pt_threads tids;
	struct thread *cur;
	size_t file = e->nfiles;
	int got;
	double t0 = pt_wall_now(), c0 = pt_cpu_now();
	bool have_start = false;
	struct exit_arg xa = { e, file };
	const struct pt_exit_ops xo = { thread_exit, proc_exit, &xa };
	int rc = -1;

	struct se_stats *nf = realloc(e->files, (e->nfiles + 1) * sizeof(*nf));
	if (!nf) {
		cli_err("out of memory");
		return -1;
	}
	e->files = nf;
	memset(&e->files[file], 0, sizeof(*e->files));
	e->files[file].callset = e->m->callsets ? 0.0 : NAN;
	e->nfiles++;
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
	if (h && h->abi && e->m->abi[0] && h->abi[0] && strcmp(h->abi, e->m->abi)) {
		cli_err("%s: syscall ABI '%s' differs from the model's '%s'", path, h->abi, e->m->abi);
		goto out;
	}
	while ((got = pt_next(r, path, &ev)) > 0) {
		/* the trace start as replay counts it: process table entries aside */
		if (!have_start && ev.type != SR_EV_PROCINFO) {
			e->files[file].start_ns = ev.ts;
			have_start = true;
		}
		if (ev.type == SR_EV_PROCESS && ev.proc.kind == SR_PROC_EXIT) {
			pt_exit(&procs, &tids, &ev.proc, &xo);
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

			seq_end(cur, n);
			if (!p || seq_start(e, &procs, cur, p, file, ev.sc.ts) < 0) {
				cli_err("out of memory");
				goto out;
			}
		}
		uint32_t id = ng_model_lookup(e->m, ev.sc.nr);
		bool seen;
		struct se_stats *rs = &cur->res->st;

		cur->key = ng_key_push(cur->key, id, e->mask);
		cur->recent[cur->len % n] = ev.sc.nr;
		if (cs_open_add(cur->set, set_id(e, id, ev.sc.nr)) < 0) {
			cli_err("out of memory");
			goto out;
		}
		double s = ng_scorer_window(cur->sc, cur->key, &seen);
		rs->calls++;
		rs->nll_sum += s;
		if (cur->sc == e->all) {
			rs->unknown_program_calls++;
		}
		if (++cur->len >= n) {
			rs->windows++;
			if (!seen) {
				rs->mismatches++;
			}
			/* the flag leaving the frame, then the new one */
			cur->nbits -= (cur->bits >> (SE_LFC_WINDOW - 1)) & 1;
			cur->bits = ((cur->bits << 1) | !seen) & ((1u << SE_LFC_WINDOW) - 1);
			cur->nbits += !seen;
			if (cur->nbits > rs->lfc) {
				rs->lfc = cur->nbits;
			}
		} else {
			cur->last_seen = seen;
		}
		if (e->topk && (e->nheap < e->topk || s > e->heap[0].surprisal)) {
			top_offer(e, cur, &ev.sc, s, seen, file);
		}
		e->calls++;
	}
	if (got < 0) {
		goto out;
	}
	for (size_t i = 0; i < tids.n; i++) {
		seq_end(pt_thread_at(&tids, i), n);
	}
	rc = 0;
out:
	/* the processes still running at the end */
	for (size_t i = 0; i < procs.n; i++) {
		if (procs.proc[i]->user) {
			proc_end(e, procs.proc[i], file);
		}
	}
	e->seconds += pt_wall_now() - t0;
	e->cpu_seconds += pt_cpu_now() - c0;
	sr_reader_close(r);
	pt_threads_free(&tids, &procs);
	pt_free(&procs, NULL);
	return rc;
}
