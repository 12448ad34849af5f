/* SPDX-License-Identifier: MIT */
/*
 * Random trace generator for the format tests: events of every kind in the
 * order a recorder hands them over (syscalls by completion, with their entry
 * time), process tables and flushes; plus the order a reader must give them
 * back in, computed from the writer's documented cut rules (FORMAT.md):
 * a chunk is cut before an event arriving chunk_ns or more after the chunk's
 * first arrival, after chunk_events events, before a process table and on a
 * flush; inside a chunk events come sorted by (time, kind), stable.
 */
#ifndef SYSREC_TRACE_GEN_H
#define SYSREC_TRACE_GEN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"

enum { GI_EVENT, GI_TABLE, GI_FLUSH };

struct gen_item {
	int kind;
	struct sr_event ev;
	struct sr_procinfo *tab;
	struct sr_event *tev;
	size_t ntab;
};

struct gen {
	uint64_t rng;
	bool args;
	struct gen_item *items;
	size_t nitems;
	const struct sr_event **exp;
	size_t nexp;
	void **allocs;
	size_t nallocs, cap_allocs;
	Sysrec__Header hdr;
	uint64_t n_sc, n_pe, n_smp, n_lost;
	size_t nchunks, ntables;
};

static inline uint64_t gen_rand(struct gen *g)
{
	uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline uint64_t gen_below(struct gen *g, uint64_t n)
{
	return n ? gen_rand(g) % n : 0;
}

static inline void *gen_keep(struct gen *g, void *p)
{
	if (g->nallocs == g->cap_allocs) {
		g->cap_allocs = g->cap_allocs ? g->cap_allocs * 2 : 256;
		g->allocs = realloc(g->allocs, g->cap_allocs * sizeof(void *));
	}
	g->allocs[g->nallocs++] = p;
	return p;
}

static inline char *gen_str(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline char *gen_str(struct gen *g, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return gen_keep(g, strdup(buf));
}

static const char *const gen_paths[] = {
	"/etc/passwd", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/tmp/x", "", "/proc/self/stat",
	"/home/user/caf\xc3\xa9.txt", "/dev/null",
};

/* A string or NULL, for fields where proto3 cannot tell "" from absent. */
static inline const char *gen_ostr(struct gen *g, const char *what)
{
	return gen_below(g, 3) ? gen_str(g, "%s-%u", what, (unsigned)gen_below(g, 50)) : NULL;
}

static inline const char *const *gen_strv(struct gen *g, uint32_t *n, const char *what)
{
	uint32_t k = gen_below(g, 5);
	const char **v = gen_keep(g, calloc(k ? k : 1, sizeof(char *)));

	for (uint32_t i = 0; i < k; i++) {
		v[i] = gen_below(g, 6) ? gen_str(g, "%s%u", what, (unsigned)gen_below(g, 1000)) : "";
	}
	*n = k;
	return v;
}

static inline void gen_init(struct gen *g, uint64_t seed, size_t nevents, bool flushes)
{
	uint64_t now = 1000000000ull + seed * 7919;
	bool last_table = false;
	uint32_t nthreads;

	memset(g, 0, sizeof(*g));
	g->rng = seed * 0x2545F4914F6CDD1Dull + 1;
	g->args = gen_below(g, 2);
	nthreads = 1 + gen_below(g, 40);
	sysrec__header__init(&g->hdr);
	g->hdr.format_version = SR_FORMAT_VERSION;
	g->hdr.hostname = (char *)"testhost";
	g->hdr.abi = (char *)"x86_64";
	g->hdr.recorder = (char *)"trace_gen";
	g->hdr.args_captured = g->args;
	g->hdr.clock_boot_ns = now;
	g->hdr.clock_realtime_ns = 1700000000000000000ll;
	{
		static char *names[] = { "read", "write", "open", "close", "" };

		g->hdr.syscall_names = names;
		g->hdr.n_syscall_names = 5;
	}
	g->items = gen_keep(g, calloc(nevents + 1, sizeof(*g->items)));
	for (size_t i = 0; i < nevents; i++) {
		struct gen_item *it = &g->items[g->nitems++];
		struct sr_event *ev = &it->ev;
		uint64_t r = gen_below(g, 100);

		now += gen_below(g, 4) ? gen_below(g, 3000) : gen_below(g, 200000);
		it->kind = GI_EVENT;
		if (r < 80) {
			struct sr_syscall *sc = &ev->sc;
			uint64_t d = gen_below(g, 10) < 8 ? gen_below(g, 3000) : gen_below(g, 300000);
			uint32_t t = gen_below(g, nthreads);

			ev->type = SR_EV_SYSCALL;
			sc->duration = d;
			sc->ts = now - d;
			sc->tid = 1000 + t;
			sc->tgid = 1000 + t / 4 * 4;
			sc->nr = gen_below(g, 4) ? gen_below(g, 8) : gen_below(g, 500);
			sc->ret = gen_below(g, 5) ? (int64_t)gen_below(g, 4096) : -(int64_t)gen_below(g, 130);
			if (gen_below(g, 50) == 0) {
				sc->ret = (int64_t)gen_rand(g);
			}
			if (gen_below(g, 30) == 0) {
				sc->flags = 1 + gen_below(g, 3);
				sc->duration = 0;
				sc->ts = now;
			}
			sc->has_args = g->args;
			if (g->args) {
				for (int k = 0; k < 6; k++) {
					sc->args[k] = gen_below(g, 2) ? gen_below(g, 100) : gen_rand(g);
				}
			}
			if (gen_below(g, 5) == 0) {
				int k = gen_below(g, 6);

				sc->str[k] = gen_below(g, 3) ? gen_paths[gen_below(g, 7)]
							     : gen_str(g, "/var/%u", (unsigned)gen_below(g, 99));
				if (gen_below(g, 4) == 0) {
					sc->str[(k + 1 + gen_below(g, 5)) % 6] = gen_paths[gen_below(g, 7)];
				}
			}
			ev->ts = sc->ts;
			g->n_sc++;
		} else if (r < 86) {
			struct sr_proc_event *p = &ev->proc;

			ev->type = SR_EV_PROCESS;
			p->ts = now - gen_below(g, 500);
			p->kind = 1 + gen_below(g, 5);
			p->tid = gen_below(g, 70000);
			p->pid = gen_below(g, 70000);
			p->parent_tid = gen_below(g, 70000);
			p->parent_pid = -(int32_t)gen_below(g, 3);
			p->clone_flags = gen_rand(g);
			p->is_thread = gen_below(g, 2);
			p->filename = gen_ostr(g, "/bin/prog");
			p->argv = gen_strv(g, &p->argc, "arg");
			p->argv_truncated = gen_below(g, 2);
			p->exit_code = gen_below(g, 256);
			p->exit_signal = gen_below(g, 3) ? 0 : gen_below(g, 65);
			p->core_dumped = gen_below(g, 2);
			p->group_dead = gen_below(g, 2);
			p->comm = gen_ostr(g, "comm");
			p->cgroup_id = gen_rand(g);
			p->cgroup_path = gen_ostr(g, "/sys/fs/cgroup/x");
			ev->ts = p->ts;
			g->n_pe++;
		} else if (r < 91) {
			struct sr_sample *s = &ev->sample;
			uint64_t *f[] = { &s->utime_ticks, &s->stime_ticks, &s->rss_kb, &s->vm_peak_kb,
					  &s->vm_hwm_kb, &s->vm_size_kb, &s->minflt, &s->majflt,
					  &s->syscr, &s->syscw, &s->rchar, &s->wchar, &s->read_bytes,
					  &s->write_bytes, &s->vol_ctxsw, &s->invol_ctxsw };

			ev->type = SR_EV_SAMPLE;
			s->ts = now - gen_below(g, 500);
			s->pid = gen_below(g, 70000);
			s->final = gen_below(g, 2);
			s->threads = gen_below(g, 100);
			s->fds = gen_below(g, 1000);
			for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
				*f[k] = gen_below(g, 3) ? gen_below(g, 100000) : gen_rand(g);
			}
			ev->ts = s->ts;
			g->n_smp++;
		} else if (r < 94) {
			struct sr_hostcpu *c = &ev->cpu;

			ev->type = SR_EV_HOSTCPU;
			c->ts = now - gen_below(g, 500);
			c->user = gen_rand(g);
			c->nice = gen_below(g, 100);
			c->system = gen_below(g, 100000);
			c->idle = gen_rand(g);
			c->iowait = gen_below(g, 10);
			c->irq = 1;
			c->softirq = 0;
			c->steal = gen_below(g, 7);
			ev->ts = c->ts;
		} else if (r < 96) {
			struct sr_loss *l = &ev->loss;

			ev->type = SR_EV_LOSS;
			l->first_ns = now - gen_below(g, 5000);
			l->last_ns = now;
			l->cpu = (int32_t)gen_below(g, 3) - 1;
			l->count = 1 + gen_below(g, 1000);
			l->where = gen_below(g, 5);
			ev->ts = l->first_ns;
			g->n_lost += l->count;
		} else if (r < 98 && !last_table) {
			size_t n = 1 + gen_below(g, 3);

			it->kind = GI_TABLE;
			it->ntab = n;
			it->tab = gen_keep(g, calloc(n + 1, sizeof(*it->tab)));
			it->tev = gen_keep(g, calloc(n + 1, sizeof(*it->tev)));
			for (size_t k = 0; k < n; k++) {
				struct sr_procinfo *p = &it->tab[k];
				static const char *const labels[] = { "training", "validation", "normal",
								      "attack:hydra_ftp" };

				p->pid = gen_below(g, 70000);
				p->ppid = gen_below(g, 70000);
				p->uid = gen_below(g, 2) ? 0 : 1000;
				p->nthreads = gen_below(g, 9);
				p->comm = gen_ostr(g, "c");
				p->exe = gen_ostr(g, "/usr/bin/e");
				p->cmdline = gen_strv(g, &p->cmdline_len, "a");
				p->cgroup_id = gen_below(g, 2) ? gen_rand(g) : 0;
				p->cgroup_path = gen_ostr(g, "/cg");
				p->start_ns = gen_below(g, 2) ? now - gen_below(g, 1000000) : 0;
				p->label = gen_below(g, 2) ? labels[gen_below(g, 4)] : NULL;
				p->source = gen_ostr(g, "UAD-Hydra-FTP-1-");
				it->tev[k].type = SR_EV_PROCINFO;
				it->tev[k].ts = p->start_ns;
				it->tev[k].info = *p;
			}
			g->ntables++;
		} else if (flushes) {
			it->kind = GI_FLUSH;
		} else {
			g->nitems--;
			i--;
			continue;
		}
		last_table = it->kind == GI_TABLE;
	}
}

static inline int gen_rank(const struct sr_event *e)
{
	return e->type == SR_EV_SYSCALL ? 0 : e->type == SR_EV_PROCESS ? 1 : e->type == SR_EV_SAMPLE ? 2 :
	       e->type == SR_EV_HOSTCPU ? 3 : 4;
}

/* stable insertion sort by (ts, kind): chunks in tests are small */
static inline void gen_cut(struct gen *g, const struct sr_event **pend, size_t *np)
{
	size_t n = *np;

	for (size_t i = 1; i < n; i++) {
		const struct sr_event *x = pend[i];
		size_t j = i;

		while (j > 0 && (pend[j - 1]->ts > x->ts ||
				 (pend[j - 1]->ts == x->ts && gen_rank(pend[j - 1]) > gen_rank(x)))) {
			pend[j] = pend[j - 1];
			j--;
		}
		pend[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		g->exp[g->nexp++] = pend[i];
	}
	if (n) {
		g->nchunks++;
	}
	*np = 0;
}

static inline uint64_t gen_key(const struct sr_event *e)
{
	return e->type == SR_EV_SYSCALL ? e->sc.ts + e->sc.duration : e->ts;
}

/* The order a reader must return the events in, for writer options O. */
static inline void gen_expect(struct gen *g, const struct sr_writer_opts *o)
{
	uint64_t cev = o->chunk_events ? o->chunk_events : 65536;
	uint64_t cns = o->chunk_ns ? o->chunk_ns : 1000000000ull;
	const struct sr_event **pend;
	size_t np = 0, total = g->nitems;
	uint64_t start = 0;

	for (size_t i = 0; i < g->nitems; i++) {
		total += g->items[i].ntab;
	}
	g->exp = gen_keep(g, calloc(total + 1, sizeof(*g->exp)));
	pend = calloc(g->nitems + 1, sizeof(*pend));
	g->nexp = 0;
	g->nchunks = 0;
	for (size_t i = 0; i < g->nitems; i++) {
		struct gen_item *it = &g->items[i];

		if (it->kind == GI_EVENT) {
			uint64_t key = gen_key(&it->ev);

			if (!np) {
				start = key;
			} else if (key > start && key - start >= cns) {
				gen_cut(g, pend, &np);
				start = key;
			}
			pend[np++] = &it->ev;
			if (np >= cev) {
				gen_cut(g, pend, &np);
			}
		} else {
			gen_cut(g, pend, &np);
			for (size_t k = 0; k < it->ntab; k++) {
				g->exp[g->nexp++] = &it->tev[k];
			}
		}
	}
	gen_cut(g, pend, &np);
	free(pend);
}

/* Write the items to PATH (or FD when PATH is NULL) and close with totals. */
static inline bool gen_write(struct gen *g, const char *path, int fd,
			     const struct sr_writer_opts *o, char *why, size_t n)
{
	struct sr_error err;
	struct sr_writer *w = path ? sr_writer_open(path, &g->hdr, o, &err)
				   : sr_writer_open_fd(fd, &g->hdr, o, &err);
	Sysrec__Totals t = SYSREC__TOTALS__INIT;
	enum sr_status st = SR_OK;

	if (!w) {
		snprintf(why, n, "open writer: %.150s", err.msg);
		return false;
	}
	for (size_t i = 0; i < g->nitems && st == SR_OK; i++) {
		struct gen_item *it = &g->items[i];
		const struct sr_event *e = &it->ev;

		if (it->kind == GI_TABLE) {
			st = sr_writer_process_table(w, it->tab, it->ntab, &err);
		} else if (it->kind == GI_FLUSH) {
			st = sr_writer_flush(w, &err);
		} else if (i % 2) {
			st = sr_writer_event(w, e, &err);
		} else if (e->type == SR_EV_SYSCALL) {
			st = sr_writer_syscall(w, &e->sc, &err);
		} else if (e->type == SR_EV_PROCESS) {
			st = sr_writer_proc(w, &e->proc, &err);
		} else if (e->type == SR_EV_SAMPLE) {
			st = sr_writer_sample(w, &e->sample, &err);
		} else if (e->type == SR_EV_HOSTCPU) {
			st = sr_writer_hostcpu(w, &e->cpu, &err);
		} else {
			st = sr_writer_loss(w, &e->loss, &err);
		}
	}
	if (st != SR_OK) {
		snprintf(why, n, "write: %.150s", err.msg);
		sr_writer_abort(w);
		return false;
	}
	t.exit_reason = (char *)"command exited";
	t.exit_code = 3;
	if (sr_writer_close(w, &t, &err) != SR_OK) {
		snprintf(why, n, "close: %.150s", err.msg);
		return false;
	}
	return true;
}

static inline bool gen_str_eq(const char *a, const char *b)
{
	if (!a || !b) {
		return a == b;
	}
	return !strcmp(a, b);
}

/* NULL and "" are the same for optional proto3 strings */
static inline bool gen_ostr_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static inline bool gen_strv_eq(const char *const *a, uint32_t na, const char *const *b, uint32_t nb)
{
	if (na != nb) {
		return false;
	}
	for (uint32_t i = 0; i < na; i++) {
		if (!gen_ostr_eq(a[i], b[i])) {
			return false;
		}
	}
	return true;
}

/* Compare two events field by field; WHY gets the first difference. */
static inline bool gen_event_eq(const struct sr_event *a, const struct sr_event *b, bool args, char *why,
		     size_t n)
{
#define DIFF(cond, what) \
	if (cond) { \
		snprintf(why, n, "%s differs", what); \
		return false; \
	}
	DIFF(a->type != b->type, "type");
	DIFF(a->ts != b->ts, "ts");
	switch (a->type) {
	case SR_EV_SYSCALL: {
		const struct sr_syscall *x = &a->sc, *y = &b->sc;

		DIFF(x->ts != y->ts, "sc.ts");
		DIFF(x->duration != y->duration, "sc.duration");
		DIFF(x->tid != y->tid || x->tgid != y->tgid, "sc.tid/tgid");
		DIFF(x->nr != y->nr, "sc.nr");
		DIFF(x->flags != y->flags, "sc.flags");
		DIFF(x->ret != y->ret, "sc.ret");
		DIFF(x->has_args != y->has_args, "sc.has_args");
		if (args) {
			DIFF(memcmp(x->args, y->args, sizeof(x->args)), "sc.args");
		}
		for (int k = 0; k < 6; k++) {
			DIFF(!gen_str_eq(x->str[k], y->str[k]), "sc.str");
		}
		break;
	}
	case SR_EV_PROCESS: {
		const struct sr_proc_event *x = &a->proc, *y = &b->proc;

		DIFF(x->ts != y->ts || x->kind != y->kind, "proc.ts/kind");
		DIFF(x->tid != y->tid || x->pid != y->pid || x->parent_tid != y->parent_tid ||
			     x->parent_pid != y->parent_pid, "proc ids");
		DIFF(x->clone_flags != y->clone_flags || x->is_thread != y->is_thread, "proc clone");
		DIFF(!gen_ostr_eq(x->filename, y->filename), "proc.filename");
		DIFF(!gen_strv_eq(x->argv, x->argc, y->argv, y->argc), "proc.argv");
		DIFF(x->argv_truncated != y->argv_truncated, "proc.argv_truncated");
		DIFF(x->exit_code != y->exit_code || x->exit_signal != y->exit_signal ||
			     x->core_dumped != y->core_dumped || x->group_dead != y->group_dead,
		     "proc exit");
		DIFF(!gen_ostr_eq(x->comm, y->comm), "proc.comm");
		DIFF(x->cgroup_id != y->cgroup_id || !gen_ostr_eq(x->cgroup_path, y->cgroup_path),
		     "proc cgroup");
		break;
	}
	case SR_EV_SAMPLE:
		DIFF(memcmp(&a->sample, &b->sample, sizeof(a->sample)), "sample");
		break;
	case SR_EV_HOSTCPU:
		DIFF(memcmp(&a->cpu, &b->cpu, sizeof(a->cpu)), "hostcpu");
		break;
	case SR_EV_LOSS:
		DIFF(a->loss.first_ns != b->loss.first_ns || a->loss.last_ns != b->loss.last_ns ||
			     a->loss.cpu != b->loss.cpu || a->loss.count != b->loss.count ||
			     a->loss.where != b->loss.where, "loss");
		break;
	case SR_EV_PROCINFO: {
		const struct sr_procinfo *x = &a->info, *y = &b->info;

		DIFF(x->pid != y->pid || x->ppid != y->ppid || x->uid != y->uid ||
			     x->nthreads != y->nthreads, "info ids");
		DIFF(!gen_ostr_eq(x->comm, y->comm) || !gen_ostr_eq(x->exe, y->exe), "info comm/exe");
		DIFF(!gen_strv_eq(x->cmdline, x->cmdline_len, y->cmdline, y->cmdline_len), "info.cmdline");
		DIFF(x->cgroup_id != y->cgroup_id || !gen_ostr_eq(x->cgroup_path, y->cgroup_path),
		     "info cgroup");
		DIFF(x->start_ns != y->start_ns, "info.start_ns");
		DIFF(!gen_ostr_eq(x->label, y->label) || !gen_ostr_eq(x->source, y->source),
		     "info label/source");
		break;
	}
	}
	return true;
#undef DIFF
}

static inline void gen_free(struct gen *g)
{
	for (size_t i = 0; i < g->nallocs; i++) {
		free(g->allocs[i]);
	}
	free(g->allocs);
	memset(g, 0, sizeof(*g));
}

#endif
