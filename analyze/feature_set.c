// SPDX-License-Identifier: MIT
/* Accumulating per-group, per-window features while reading traces. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "feature_set.h"
#include "proctrack.h"

int ft_init(struct ft_set *s, enum ft_by by, uint64_t window_ns)
{
	memset(s, 0, sizeof(*s));
	s->by = by;
	s->window_ns = window_ns;
	return ng_table_init(&s->index, 1024);
}

void ft_free(struct ft_set *s)
{
	for (size_t i = 0; i < s->ncell; i++) {
		struct ft_cell *c = s->cell[i];

		free(c->comm);
		free(c->count);
		free(c->errs);
		free(c->ts);
		free(c->dur);
		free(c);
	}
	free(s->cell);
	for (size_t i = 0; i < s->ncol; i++) {
		free(s->colname[i]);
	}
	free(s->colname);
	for (size_t i = 0; i < s->ncomm; i++) {
		free(s->comms[i]);
	}
	free(s->comms);
	free(s->file_t0);
	ng_table_free(&s->index);
	memset(s, 0, sizeof(*s));
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap) {
		return 0;
	}
	size_t nc = *cap ? *cap : 16;
	while (nc < need) {
		nc *= 2;
	}
	void *n = realloc(*p, nc * elem);
	if (!n) {
		return -1;
	}
	memset((char *)n + *cap * elem, 0, (nc - *cap) * elem);
	*p = n;
	*cap = nc;
	return 0;
}

/* Column of syscall NAME, added when new. */
static long column(struct ft_set *s, const char *name)
{
	for (size_t i = 0; i < s->ncol; i++) {
		if (!strcmp(s->colname[i], name)) {
			return (long)i;
		}
	}
	if (grow((void **)&s->colname, &s->col_cap, s->ncol + 1, sizeof(char *)) < 0) {
		return -1;
	}
	s->colname[s->ncol] = strdup(name);
	if (!s->colname[s->ncol]) {
		return -1;
	}
	return (long)s->ncol++;
}

static long comm_index(struct ft_set *s, const char *comm)
{
	for (size_t i = 0; i < s->ncomm; i++) {
		if (!strcmp(s->comms[i], comm)) {
			return (long)i;
		}
	}
	if (grow((void **)&s->comms, &s->comm_cap, s->ncomm + 1, sizeof(char *)) < 0) {
		return -1;
	}
	s->comms[s->ncomm] = strdup(comm);
	if (!s->comms[s->ncomm]) {
		return -1;
	}
	return (long)s->ncomm++;
}

/* The cell of group (ID or comm) in the window of TS; NULL when out of memory. */
static struct ft_cell *cell_get(struct ft_set *s, size_t file, int64_t id, int32_t pid,
				const char *comm, uint64_t ts)
{
	uint64_t t0 = s->file_t0[file];
	uint64_t win = s->window_ns && ts > t0 ? (ts - t0) / s->window_ns : 0;
	int64_t gid = id;

	if (s->by == FT_BY_COMM) {
		long ci = comm_index(s, comm);

		if (ci < 0) {
			return NULL;
		}
		gid = ci;
	}
	ng_key key = ng_key_make((uint64_t)gid, ((uint64_t)file << 40) | win);
	uint64_t v = ng_table_get(&s->index, key);
	if (v) {
		return s->cell[v - 1];
	}
	if (grow((void **)&s->cell, &s->cell_cap, s->ncell + 1, sizeof(*s->cell)) < 0) {
		return NULL;
	}
	struct ft_cell *c = calloc(1, sizeof(*c));
	if (!c) {
		return NULL;
	}
	c->file = file;
	c->id = s->by == FT_BY_COMM ? -1 : id;
	c->window = win;
	c->first_ts = ts;
	c->last_ts = ts;
	c->comm = strdup(comm);
	(void)pid;
	if (!c->comm || ng_table_add(&s->index, key, s->ncell + 1) < 0) {
		free(c->comm);
		free(c);
		return NULL;
	}
	s->cell[s->ncell++] = c;
	return c;
}

static void touch(struct ft_cell *c, uint64_t ts)
{
	if (ts < c->first_ts) {
		c->first_ts = ts;
	}
	if (ts > c->last_ts) {
		c->last_ts = ts;
	}
}

struct last_sample {
	bool have;
	struct sr_sample s;
};

static uint64_t delta(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : 0; /* a counter never goes back; pid reuse */
}

static int add_sample(struct ft_cell *c, struct last_sample *ls, const struct sr_sample *sm)
{
	c->samples++;
	if (sm->rss_kb > c->rss_peak_kb) {
		c->rss_peak_kb = sm->rss_kb;
	}
	if (sm->vm_peak_kb > c->vm_peak_kb) {
		c->vm_peak_kb = sm->vm_peak_kb;
	}
	if (ls->have) {
		const struct sr_sample *o = &ls->s;

		c->cpu_ticks += delta(sm->utime_ticks + sm->stime_ticks, o->utime_ticks + o->stime_ticks);
		c->minflt += delta(sm->minflt, o->minflt);
		c->majflt += delta(sm->majflt, o->majflt);
		c->read_bytes += delta(sm->read_bytes, o->read_bytes);
		c->write_bytes += delta(sm->write_bytes, o->write_bytes);
		c->rchar += delta(sm->rchar, o->rchar);
		c->wchar += delta(sm->wchar, o->wchar);
		c->syscr += delta(sm->syscr, o->syscr);
		c->syscw += delta(sm->syscw, o->syscw);
		c->vol_ctxsw += delta(sm->vol_ctxsw, o->vol_ctxsw);
		c->invol_ctxsw += delta(sm->invol_ctxsw, o->invol_ctxsw);
	}
	ls->have = true;
	ls->s = *sm;
	return 0;
}

static int add_err(struct ft_cell *c, int32_t err)
{
	for (size_t i = 0; i < c->nerrs; i++) {
		if (c->errs[i].err == err) {
			c->errs[i].count++;
			return 0;
		}
	}
	struct ft_err *n = realloc(c->errs, (c->nerrs + 1) * sizeof(*n));
	if (!n) {
		return -1;
	}
	c->errs = n;
	c->errs[c->nerrs].err = err;
	c->errs[c->nerrs++].count = 1;
	return 0;
}

int ft_file(struct ft_set *s, const char *path)
{
	struct sr_reader *r = NULL;
	struct sr_error err;
	struct sr_event ev;
	struct pt_table procs;
	struct ng_table samp; /* pid -> index + 1 into last */
	struct last_sample *last = NULL;
	size_t nlast = 0, last_cap = 0;
	long *colmap = NULL; /* syscall number -> column + 1 */
	size_t colmap_cap = 0;
	size_t file = s->nfiles;
	enum sr_abi abi = SR_ABI_UNKNOWN;
	int got;
	int rc = -1;

	if (pt_init(&procs) < 0 || ng_table_init(&samp, 256) < 0) {
		cli_err("out of memory");
		return -1;
	}
	uint64_t *t0 = realloc(s->file_t0, (s->nfiles + 1) * sizeof(*t0));
	if (!t0) {
		cli_err("out of memory");
		goto out;
	}
	s->file_t0 = t0;
	s->file_t0[file] = 0;
	s->nfiles++;
	r = sr_reader_open(path, &err);
	if (!r) {
		cli_trace_error(path, &err);
		goto out;
	}
	const Sysrec__Header *h = sr_reader_header(r);
	if (h) {
		abi = sr_abi_from_name(h->abi);
		if (h->clock_ticks_per_sec) {
			s->clk_tck = h->clock_ticks_per_sec;
		}
	}
	bool have_t0 = false;
	while ((got = pt_next(r, path, &ev)) > 0) {
		if (ev.type == SR_EV_PROCINFO || ev.type == SR_EV_HOSTCPU || ev.type == SR_EV_LOSS) {
			if (pt_event(&procs, &ev) < 0) {
				goto nomem;
			}
			continue;
		}
		if (!have_t0) {
			s->file_t0[file] = ev.ts;
			have_t0 = true;
		}
		if (ev.type == SR_EV_PROCESS) {
			const struct sr_proc_event *pe = &ev.proc;
			struct ft_cell *c = NULL;

			if (pt_event(&procs, &ev) < 0) {
				goto nomem;
			}
			if (pe->kind == SR_PROC_FORK && !pe->is_thread) {
				struct pt_proc *pp = pt_get(&procs, pe->parent_pid);

				if (!pp) {
					goto nomem;
				}
				c = cell_get(s, file, s->by == FT_BY_THREAD ? pe->parent_tid : pe->parent_pid,
					     pe->parent_pid, pp->comm, ev.ts);
				if (c) {
					c->forks++;
				}
			} else if (pe->kind == SR_PROC_EXEC ||
				   (pe->kind == SR_PROC_EXIT && (pe->group_dead || pe->tid == pe->pid))) {
				struct pt_proc *p = pt_get(&procs, pe->pid);

				if (!p) {
					goto nomem;
				}
				c = cell_get(s, file, s->by == FT_BY_THREAD ? pe->tid : pe->pid, pe->pid,
					     p->comm, ev.ts);
				if (c) {
					if (pe->kind == SR_PROC_EXEC) {
						c->execs++;
					} else {
						c->exits++;
					}
				}
			} else {
				continue;
			}
			if (!c) {
				goto nomem;
			}
			touch(c, ev.ts);
			continue;
		}
		if (ev.type == SR_EV_SAMPLE) {
			const struct sr_sample *sm = &ev.sample;
			struct pt_proc *p = pt_get(&procs, sm->pid);
			uint64_t v = ng_table_get(&samp, (uint32_t)sm->pid);

			if (!p) {
				goto nomem;
			}
			if (!v) {
				if (grow((void **)&last, &last_cap, nlast + 1, sizeof(*last)) < 0 ||
				    ng_table_add(&samp, (uint32_t)sm->pid, nlast + 1) < 0) {
					goto nomem;
				}
				v = ++nlast;
			}
			struct ft_cell *c = cell_get(s, file, sm->pid, sm->pid, p->comm, ev.ts);
			if (!c) {
				goto nomem;
			}
			touch(c, ev.ts);
			add_sample(c, &last[v - 1], sm);
			continue;
		}
		if (ev.type != SR_EV_SYSCALL) {
			continue;
		}
		const struct sr_syscall *sc = &ev.sc;
		if (sc->nr >= colmap_cap) {
			if (grow((void **)&colmap, &colmap_cap, sc->nr + 1, sizeof(*colmap)) < 0) {
				goto nomem;
			}
		}
		if (!colmap[sc->nr]) {
			char buf[32];
			const char *name = sr_reader_syscall_name(r, sc->nr);

			if (!name || !name[0]) {
				snprintf(buf, sizeof(buf), "syscall_%u", sc->nr);
				name = buf;
			}
			bool wanted = !s->only;
			for (size_t i = 0; i < s->nonly && !wanted; i++) {
				wanted = !strcmp(s->only[i], name);
			}
			long col = wanted ? column(s, name) : -2;
			if (col == -1) {
				goto nomem;
			}
			colmap[sc->nr] = col + 1;
		}
		if (colmap[sc->nr] < 0) {
			continue; /* filtered out */
		}
		size_t col = (size_t)colmap[sc->nr] - 1;
		struct pt_proc *p = pt_get(&procs, (int32_t)sc->tgid);
		if (!p) {
			goto nomem;
		}
		struct ft_cell *c = cell_get(s, file, s->by == FT_BY_THREAD ? sc->tid : sc->tgid,
					     (int32_t)sc->tgid, p->comm, sc->ts);
		if (!c || grow((void **)&c->count, &c->ncount, col + 1, sizeof(*c->count)) < 0 ||
		    grow((void **)&c->ts, &c->ts_cap, c->nts + 1, sizeof(*c->ts)) < 0) {
			goto nomem;
		}
		touch(c, sc->ts);
		c->calls++;
		c->count[col]++;
		c->ts[c->nts++] = sc->ts;
		const struct sr_syscall_info *info = sr_syscall_by_nr(abi, sc->nr);
		if (info) {
			for (int b = 0; b < FT_NCLASS; b++) {
				if (info->classes & (1u << b)) {
					c->cls[b]++;
				}
			}
		}
		if (!(sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN))) {
			if (grow((void **)&c->dur, &c->dur_cap, c->ndur + 1, sizeof(*c->dur)) < 0) {
				goto nomem;
			}
			uint64_t d = sc->duration < (1ull << 40) ? sc->duration : (1ull << 40) - 1;
			c->dur[c->ndur++] = ((uint64_t)col << 40) | d;
			if (sc->ret < 0 && sc->ret >= -4095) {
				c->errors++;
				if (add_err(c, (int32_t)-sc->ret) < 0) {
					goto nomem;
				}
			}
		}
	}
	if (got < 0) {
		goto out;
	}
	/* name process and thread groups by their final comm */
	for (size_t i = 0; i < s->ncell; i++) {
		struct ft_cell *c = s->cell[i];

		if (c->file != file || s->by == FT_BY_COMM) {
			continue;
		}
		struct pt_proc *p = NULL;
		if (s->by == FT_BY_PROCESS) {
			p = pt_get(&procs, (int32_t)c->id);
		}
		if (p && strcmp(p->comm, "?") && strcmp(p->comm, c->comm)) {
			char *n = strdup(p->comm);

			if (n) {
				free(c->comm);
				c->comm = n;
			}
		}
	}
	rc = 0;
	goto out;
nomem:
	cli_err("out of memory");
out:
	free(colmap);
	free(last);
	ng_table_free(&samp);
	pt_free(&procs, NULL);
	sr_reader_close(r);
	return rc;
}

double ft_cell_seconds(const struct ft_set *s, const struct ft_cell *c)
{
	if (s->window_ns) {
		return s->window_ns / 1e9;
	}
	return (c->last_ts - c->first_ts) / 1e9;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double ft_percentile(const uint64_t *v, size_t n, double p)
{
	if (!n) {
		return NAN;
	}
	/* nearest rank: the smallest value with at least p of the values at or below it */
	size_t k = (size_t)ceil(p * n);
	if (k < 1) {
		k = 1;
	}
	if (k > n) {
		k = n;
	}
	return (double)v[k - 1];
}

void ft_cell_iat(struct ft_cell *c, struct ft_iat *o)
{
	o->mean = o->sd = o->cv = o->p50 = o->p99 = o->burstiness = NAN;
	if (c->nts < 2) {
		return;
	}
	qsort(c->ts, c->nts, sizeof(*c->ts), cmp_u64);
	size_t n = c->nts - 1;
	uint64_t *d = malloc(n * sizeof(*d));
	if (!d) {
		return;
	}
	double sum = 0, sq = 0;
	for (size_t i = 0; i < n; i++) {
		d[i] = c->ts[i + 1] - c->ts[i];
		sum += (double)d[i];
	}
	o->mean = sum / n;
	for (size_t i = 0; i < n; i++) {
		double x = (double)d[i] - o->mean;

		sq += x * x;
	}
	o->sd = sqrt(sq / n);
	o->cv = o->mean > 0 ? o->sd / o->mean : NAN;
	o->burstiness = o->sd + o->mean > 0 ? (o->sd - o->mean) / (o->sd + o->mean) : NAN;
	qsort(d, n, sizeof(*d), cmp_u64);
	o->p50 = ft_percentile(d, n, 0.50);
	o->p99 = ft_percentile(d, n, 0.99);
	free(d);
}

double ft_cell_entropy(const struct ft_cell *c)
{
	double h = 0;

	if (!c->calls) {
		return NAN;
	}
	for (size_t i = 0; i < c->ncount; i++) {
		if (c->count[i]) {
			double p = (double)c->count[i] / c->calls;

			h -= p * log2(p);
		}
	}
	return h + 0.0; /* no -0 */
}

bool ft_cell_latency(struct ft_cell *c, size_t col, double *p50, double *p90, double *p99,
		     double *max)
{
	/* sorted once: (column << 40 | duration) orders by column, then duration */
	if (!c->dur_sorted) {
		qsort(c->dur, c->ndur, sizeof(*c->dur), cmp_u64);
		c->dur_sorted = true;
	}
	uint64_t lo = (uint64_t)col << 40, hi = (uint64_t)(col + 1) << 40;
	size_t a = 0, b = c->ndur;
	while (a < b) { /* first element >= lo */
		size_t mid = a + (b - a) / 2;

		if (c->dur[mid] < lo) {
			a = mid + 1;
		} else {
			b = mid;
		}
	}
	size_t first = a;
	b = c->ndur;
	while (a < b) { /* first element >= hi */
		size_t mid = a + (b - a) / 2;

		if (c->dur[mid] < hi) {
			a = mid + 1;
		} else {
			b = mid;
		}
	}
	size_t n = a - first;
	if (!n) {
		return false;
	}
	const uint64_t *v = c->dur + first;
	*p50 = ft_percentile(v, n, 0.50) - (double)lo;
	*p90 = ft_percentile(v, n, 0.90) - (double)lo;
	*p99 = ft_percentile(v, n, 0.99) - (double)lo;
	*max = (double)(v[n - 1] - lo);
	return true;
}
