// SPDX-License-Identifier: MIT
/* Aggregate one trace into the figures of report/compare/stats (runstats.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "runstats.h"

/* Open-addressing map from a 64-bit key to a 32-bit index. */
struct u64map {
	uint64_t *keys;
	uint32_t *vals;
	uint8_t *used;
	size_t cap, n;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static int map_grow(struct u64map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 256;
	struct u64map nm = { 0 };

	nm.keys = calloc(ncap, sizeof(*nm.keys));
	nm.vals = calloc(ncap, sizeof(*nm.vals));
	nm.used = calloc(ncap, 1);
	if (!nm.keys || !nm.vals || !nm.used) {
		free(nm.keys);
		free(nm.vals);
		free(nm.used);
		return -1;
	}
	nm.cap = ncap;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->used[i]) {
			continue;
		}
		size_t j = mix64(m->keys[i]) & (ncap - 1);
		while (nm.used[j]) {
			j = (j + 1) & (ncap - 1);
		}
		nm.used[j] = 1;
		nm.keys[j] = m->keys[i];
		nm.vals[j] = m->vals[i];
	}
	nm.n = m->n;
	free(m->keys);
	free(m->vals);
	free(m->used);
	*m = nm;
	return 0;
}

/* Slot of KEY: *found tells whether it is there. */
static size_t map_slot(const struct u64map *m, uint64_t key, bool *found)
{
	size_t j = mix64(key) & (m->cap - 1);

	while (m->used[j]) {
		if (m->keys[j] == key) {
			*found = true;
			return j;
		}
		j = (j + 1) & (m->cap - 1);
	}
	*found = false;
	return j;
}

static bool map_get(const struct u64map *m, uint64_t key, uint32_t *val)
{
	bool found;

	if (!m->cap) {
		return false;
	}
	size_t j = map_slot(m, key, &found);
	if (found) {
		*val = m->vals[j];
	}
	return found;
}

static int map_put(struct u64map *m, uint64_t key, uint32_t val)
{
	bool found;

	if ((m->n + 1) * 2 > m->cap && map_grow(m)) {
		return -1;
	}
	size_t j = map_slot(m, key, &found);
	if (!found) {
		m->used[j] = 1;
		m->keys[j] = key;
		m->n++;
	}
	m->vals[j] = val;
	return 0;
}

static void map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

struct priv {
	int32_t *by_nr;     /* syscall number -> index in r->sc, -1 unseen */
	uint32_t nby_nr;
	struct u64map procs, threads, ngrams;
	enum sr_abi abi;
	bool have_t0;
	struct rs_opts o;
};

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap) {
		return p;
	}
	uint32_t ncap = *cap ? *cap * 2 : 16;
	while (ncap < need) {
		ncap *= 2;
	}
	void *np = realloc(p, (size_t)ncap * elem);
	if (!np) {
		return NULL;
	}
	memset((char *)np + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*cap = ncap;
	return np;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void set_str(char **dst, const char *s)
{
	if (!s || !*s) {
		return;
	}
	free(*dst);
	*dst = strdup(s);
}

static char *join_argv(const char *const *v, size_t n)
{
	size_t len = 1;

	for (size_t i = 0; i < n; i++) {
		len += strlen(v[i] ? v[i] : "") + 1;
	}
	char *s = malloc(len);
	if (!s) {
		return NULL;
	}
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i) {
			strcat(s, " ");
		}
		strcat(s, v[i] ? v[i] : "");
	}
	return s;
}

void rs_fmt_wallclock(char *buf, size_t n, int64_t realtime_ns)
{
	time_t sec = (time_t)(realtime_ns / 1000000000);
	int ms = (int)((realtime_ns % 1000000000) / 1000000);
	struct tm tm;

	if (!realtime_ns || !gmtime_r(&sec, &tm)) {
		snprintf(buf, n, "%s", "");
		return;
	}
	char d[32];
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03dZ", d, ms);
}

static void series_add(struct rs_series *s, uint64_t rel, uint64_t amount)
{
	uint64_t i = rel / s->width;

	while (i >= RS_SERIES_MAX) {
		/* Double the bucket width: merge pairs. Bounded memory whatever
		 * the length of the run. */
		for (uint32_t k = 0; k < RS_SERIES_MAX / 2; k++) {
			s->cnt[k] = s->cnt[2 * k] + s->cnt[2 * k + 1];
		}
		memset(s->cnt + RS_SERIES_MAX / 2, 0, sizeof(s->cnt[0]) * (RS_SERIES_MAX / 2));
		s->n = (s->n + 1) / 2;
		s->width *= 2;
		i = rel / s->width;
	}
	s->cnt[i] += amount;
	if (i + 1 > s->n) {
		s->n = (uint32_t)i + 1;
	}
}

void rs_series_rebin(const struct rs_series *s, uint64_t w, uint64_t *out, uint32_t nout)
{
	memset(out, 0, sizeof(*out) * nout);
	if (!s || w < s->width) {
		return;
	}
	uint64_t f = w / s->width;
	for (uint32_t i = 0; i < s->n; i++) {
		uint64_t j = i / f;
		if (j < nout) {
			out[j] += s->cnt[i];
		}
	}
}

uint64_t rs_plot_width(const struct rs_run *r, uint32_t maxb)
{
	uint64_t span = r->t_end > r->t0 ? r->t_end - r->t0 : 1;
	uint64_t w = RS_SERIES_BASE_NS;

	while (span / w + 1 > maxb) {
		w *= 2;
	}
	for (uint32_t i = 0; i < r->nsc; i++) {
		if (r->sc[i].series && r->sc[i].series->width > w) {
			w = r->sc[i].series->width;
		}
	}
	return w;
}

const char *rs_primary_class(uint32_t c)
{
	if (c & SR_CLASS_NET) {
		return "net";
	}
	if (c & SR_CLASS_FILE) {
		return "file";
	}
	if (c & SR_CLASS_IPC) {
		return "ipc";
	}
	if (c & SR_CLASS_MEMORY) {
		return "memory";
	}
	if (c & SR_CLASS_PROCESS) {
		return "process";
	}
	if (c & SR_CLASS_SIGNAL) {
		return "signal";
	}
	if (c & SR_CLASS_DESC) {
		return "desc";
	}
	return "other";
}

static int32_t syscall_index(struct rs_run *r, struct sr_reader *rd, uint32_t nr)
{
	struct priv *p = r->priv;

	if (nr < p->nby_nr && p->by_nr[nr] >= 0) {
		return p->by_nr[nr];
	}
	if (nr >= p->nby_nr) {
		uint32_t n = p->nby_nr ? p->nby_nr : 512;
		while (n <= nr) {
			n *= 2;
		}
		int32_t *nb = realloc(p->by_nr, n * sizeof(*nb));
		if (!nb) {
			return -1;
		}
		for (uint32_t i = p->nby_nr; i < n; i++) {
			nb[i] = -1;
		}
		p->by_nr = nb;
		p->nby_nr = n;
	}
	const char *nm = sr_reader_syscall_name(rd, nr);
	char buf[32];
	if (!nm || !*nm) {
		snprintf(buf, sizeof(buf), "syscall_%u", nr);
		nm = buf;
	}
	/* Two numbers can carry one name (unknown tables): share the entry. */
	for (uint32_t i = 0; i < r->nsc; i++) {
		if (!strcmp(r->sc[i].name, nm)) {
			p->by_nr[nr] = (int32_t)i;
			return (int32_t)i;
		}
	}
	struct rs_syscall *nsc = grow(r->sc, &r->capsc, r->nsc + 1, sizeof(*r->sc));
	if (!nsc) {
		return -1;
	}
	r->sc = nsc;
	struct rs_syscall *s = &r->sc[r->nsc];
	memset(s, 0, sizeof(*s));
	s->name = strdup(nm);
	const struct sr_syscall_info *inf = sr_syscall_by_name(p->abi, nm);
	s->classes = inf ? inf->classes : 0;
	s->rng = 0x9e3779b97f4a7c15ull ^ mix64(r->nsc + 1);
	if (p->o.series) {
		s->series = calloc(1, sizeof(*s->series));
		if (!s->series) {
			free(s->name);
			return -1;
		}
		s->series->width = RS_SERIES_BASE_NS;
	}
	if (!s->name) {
		free(s->series);
		return -1;
	}
	p->by_nr[nr] = (int32_t)r->nsc;
	return (int32_t)r->nsc++;
}

static struct rs_proc *get_proc(struct rs_run *r, int32_t pid, uint64_t ts)
{
	struct priv *p = r->priv;
	uint32_t idx;

	if (map_get(&p->procs, (uint32_t)pid, &idx)) {
		return &r->procs[idx];
	}
	struct rs_proc *np = grow(r->procs, &r->capprocs, r->nprocs + 1, sizeof(*r->procs));
	if (!np) {
		return NULL;
	}
	r->procs = np;
	if (map_put(&p->procs, (uint32_t)pid, r->nprocs)) {
		return NULL;
	}
	struct rs_proc *pr = &r->procs[r->nprocs++];
	memset(pr, 0, sizeof(*pr));
	pr->pid = pid;
	pr->ppid = -1;
	pr->start = ts;
	pr->end = ts;
	return pr;
}

static struct rs_thread *get_thread(struct rs_run *r, int32_t tid, int32_t pid, uint64_t ts)
{
	struct priv *p = r->priv;
	uint32_t idx;

	if (map_get(&p->threads, (uint32_t)tid, &idx)) {
		return &r->threads[idx];
	}
	struct rs_thread *nt = grow(r->threads, &r->capthreads, r->nthreads + 1, sizeof(*nt));
	if (!nt) {
		return NULL;
	}
	r->threads = nt;
	if (map_put(&p->threads, (uint32_t)tid, r->nthreads)) {
		return NULL;
	}
	struct rs_thread *t = &r->threads[r->nthreads++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = pid;
	t->start = ts;
	t->end = ts;
	t->prev[0] = t->prev[1] = -1;
	struct rs_proc *pr = get_proc(r, pid, ts);
	if (pr) {
		pr->threads++;
	}
	return t;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static int lat_add(struct rs_syscall *s, uint64_t d, uint32_t cap)
{
	s->nfinished++;
	if (s->nlat < cap) {
		if (s->nlat == s->caplat) {
			uint32_t nc = s->caplat ? s->caplat * 2 : 64;
			if (nc > cap) {
				nc = cap;
			}
			uint64_t *nl = realloc(s->lat, nc * sizeof(*nl));
			if (!nl) {
				return -1;
			}
			s->lat = nl;
			s->caplat = nc;
		}
		s->lat[s->nlat++] = d;
		return 0;
	}
	/* Reservoir sampling with a fixed seed: same trace, same report. */
	uint64_t j = xorshift(&s->rng) % s->nfinished;
	if (j < cap) {
		s->lat[j] = d;
	}
	return 0;
}

static int ngram_add(struct rs_run *r, struct rs_thread *t, int32_t sc, uint64_t ts)
{
	struct priv *p = r->priv;

	if (t->prev[0] >= 0 && t->prev[1] >= 0) {
		uint64_t key = ((uint64_t)(uint32_t)t->prev[0] << 42) |
			       ((uint64_t)(uint32_t)t->prev[1] << 21) | (uint32_t)sc;
		uint32_t idx;
		if (map_get(&p->ngrams, key, &idx)) {
			r->ngrams[idx].count++;
		} else {
			struct rs_ngram *ng = grow(r->ngrams, &r->capngrams, r->nngrams + 1,
						   sizeof(*ng));
			if (!ng) {
				return -1;
			}
			r->ngrams = ng;
			if (map_put(&p->ngrams, key, r->nngrams)) {
				return -1;
			}
			struct rs_ngram *g = &r->ngrams[r->nngrams++];
			g->sc[0] = (uint32_t)t->prev[0];
			g->sc[1] = (uint32_t)t->prev[1];
			g->sc[2] = (uint32_t)sc;
			g->count = 1;
			g->ex_tid = t->tid;
			g->ex_pid = t->pid;
			g->ex_ts = ts;
		}
	}
	t->prev[0] = t->prev[1];
	t->prev[1] = sc;
	return 0;
}

static void see_time(struct rs_run *r, uint64_t ts)
{
	struct priv *p = r->priv;

	if (!ts) {
		return;
	}
	if (!p->have_t0 || ts < r->t0) {
		r->t0 = ts;
		p->have_t0 = true;
	}
	if (ts > r->t_end) {
		r->t_end = ts;
	}
}

static int on_syscall(struct rs_run *r, struct sr_reader *rd, const struct sr_syscall *sc)
{
	struct priv *p = r->priv;
	int32_t i = syscall_index(r, rd, sc->nr);

	if (i < 0) {
		return -1;
	}
	struct rs_syscall *s = &r->sc[i];
	see_time(r, sc->ts);
	if (sc->duration) {
		see_time(r, sc->ts + sc->duration);
	}
	s->calls++;
	r->calls++;
	bool finished = !(sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN));
	if (sc->flags & SR_SC_UNFINISHED) {
		s->unfinished++;
		r->unfinished++;
		r->blocked++;
	} else if (sc->flags & SR_SC_NORETURN) {
		s->noreturn++;
	}
	if (finished) {
		s->total_ns += sc->duration;
		if (sc->duration > s->max_ns) {
			s->max_ns = sc->duration;
		}
		if (sc->duration >= r->block_ns) {
			s->blocked++;
			r->blocked++;
		}
		if (sc->ret < 0 && sc->ret >= -4095) {
			int e = (int)-sc->ret;
			s->errors++;
			r->errors++;
			int k;
			for (k = 0; k < RS_MAX_ERRNOS && s->errs[k].count; k++) {
				if (s->errs[k].err == e) {
					break;
				}
			}
			if (k < RS_MAX_ERRNOS) {
				s->errs[k].err = e;
				s->errs[k].count++;
			} else {
				s->other_errs++;
			}
		}
		if (p->o.latencies && lat_add(s, sc->duration, p->o.max_lat)) {
			return -1;
		}
	}
	struct rs_thread *t = get_thread(r, (int32_t)sc->tid, (int32_t)sc->tgid, sc->ts);
	if (!t) {
		return -1;
	}
	t->calls++;
	uint64_t end = sc->ts + sc->duration;
	if (end > t->end) {
		t->end = end;
	}
	struct rs_proc *pr = get_proc(r, (int32_t)sc->tgid, sc->ts);
	if (!pr) {
		return -1;
	}
	pr->calls++;
	if (finished && sc->ret < 0 && sc->ret >= -4095) {
		pr->errors++;
	}
	if (end > pr->end) {
		pr->end = end;
	}
	if (s->series) {
		series_add(s->series, sc->ts > r->t0 ? sc->ts - r->t0 : 0, 1);
	}
	if (p->o.ngrams && ngram_add(r, t, i, sc->ts)) {
		return -1;
	}
	return 0;
}

static int on_proc(struct rs_run *r, const struct sr_proc_event *e)
{
	see_time(r, e->ts);
	switch (e->kind) {
	case SR_PROC_FORK: {
		struct rs_thread *t = get_thread(r, e->tid, e->pid, e->ts);
		if (!t) {
			return -1;
		}
		t->start = e->ts;
		t->started_in_trace = true;
		if (!e->is_thread) {
			struct rs_proc *pr = get_proc(r, e->pid, e->ts);
			if (!pr) {
				return -1;
			}
			pr->start = e->ts;
			pr->started_in_trace = true;
			pr->ppid = e->parent_pid;
			set_str(&pr->comm, e->comm);
			/* A child starts as a copy of its parent. */
			struct rs_proc *pp = get_proc(r, e->parent_pid, e->ts);
			pr = get_proc(r, e->pid, e->ts); /* the array may have moved */
			if (!pp || !pr) {
				return -1;
			}
			if (!pr->comm && pp->comm) {
				pr->comm = strdup(pp->comm);
			}
			if (!pr->cmd && pp->cmd) {
				pr->cmd = strdup(pp->cmd);
			}
		}
		break;
	}
	case SR_PROC_EXEC: {
		struct rs_proc *pr = get_proc(r, e->pid, e->ts);
		if (!pr) {
			return -1;
		}
		set_str(&pr->comm, e->comm);
		char *cmd = e->argc ? join_argv(e->argv, e->argc) : xstrdup(e->filename);
		if (cmd) {
			free(pr->cmd);
			pr->cmd = cmd;
		}
		break;
	}
	case SR_PROC_EXIT: {
		struct rs_thread *t = get_thread(r, e->tid, e->pid, e->ts);
		if (!t) {
			return -1;
		}
		t->end = e->ts;
		t->exited = true;
		struct rs_proc *pr = get_proc(r, e->pid, e->ts);
		if (!pr) {
			return -1;
		}
		if (e->group_dead || e->tid == e->pid) {
			pr->exited = true;
			pr->end = e->ts;
			pr->exit_code = e->exit_code;
			pr->exit_signal = e->exit_signal;
			pr->core_dumped = e->core_dumped;
		}
		break;
	}
	case SR_PROC_COMM: {
		struct rs_proc *pr = get_proc(r, e->pid, e->ts);
		/* Thread names change on their own; the process keeps the
		 * name of its main thread. */
		if (pr && e->tid == e->pid) {
			set_str(&pr->comm, e->comm);
		}
		break;
	}
	case SR_PROC_CGROUP:
		break;
	}
	return 0;
}

static int on_procinfo(struct rs_run *r, const struct sr_procinfo *in)
{
	struct rs_proc *pr = get_proc(r, in->pid, in->start_ns);

	if (!pr) {
		return -1;
	}
	pr->ppid = in->ppid;
	set_str(&pr->comm, in->comm);
	if (in->cmdline_len) {
		free(pr->cmd);
		pr->cmd = join_argv(in->cmdline, in->cmdline_len);
	} else if (in->exe && *in->exe && !pr->cmd) {
		pr->cmd = strdup(in->exe);
	}
	set_str(&pr->label, in->label);
	if (in->label && *in->label && !r->label) {
		r->label = strdup(in->label);
	}
	return 0;
}

static int on_sample(struct rs_run *r, const struct sr_sample *s)
{
	see_time(r, s->ts);
	struct rs_proc *pr = get_proc(r, s->pid, s->ts);
	if (!pr) {
		return -1;
	}
	r->has_samples = true;
	/* Keep the final sample once seen: later ones cannot be newer. */
	if (!pr->has_sample || !pr->last.final || s->final) {
		pr->last = *s;
		pr->has_sample = true;
	}
	if (s->rss_kb > pr->peak_rss_kb) {
		pr->peak_rss_kb = s->rss_kb;
	}
	if (s->vm_peak_kb > pr->peak_vm_kb) {
		pr->peak_vm_kb = s->vm_peak_kb;
	}
	if (s->vm_peak_kb > r->peak_memory_kb) {
		r->peak_memory_kb = s->vm_peak_kb;
	}
	struct rs_sample_pt *np = grow(pr->pts, &pr->cappts, pr->npts + 1, sizeof(*np));
	if (!np) {
		return -1;
	}
	pr->pts = np;
	struct rs_sample_pt *pt = &pr->pts[pr->npts++];
	pt->ts = s->ts;
	pt->cpu_ticks = s->utime_ticks + s->stime_ticks;
	pt->rss_kb = s->rss_kb;
	pt->vm_peak_kb = s->vm_peak_kb;
	pt->faults = s->minflt + s->majflt;
	pt->io_bytes = s->rchar + s->wchar;
	return 0;
}

static int cmp_sc_name(const void *a, const void *b)
{
	return strcmp(((const struct rs_syscall *)a)->name, ((const struct rs_syscall *)b)->name);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct rs_proc *x = a, *y = b;

	if (x->start != y->start) {
		return x->start < y->start ? -1 : 1;
	}
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_thread(const void *a, const void *b)
{
	const struct rs_thread *x = a, *y = b;

	if (x->start != y->start) {
		return x->start < y->start ? -1 : 1;
	}
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int cmp_ngram(const void *a, const void *b)
{
	const struct rs_ngram *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static uint64_t fnv_names(const char *a, const char *b, const char *c)
{
	const char *v[3] = { a, b, c };
	uint64_t h = 0xcbf29ce484222325ull;

	for (int i = 0; i < 3; i++) {
		for (const unsigned char *p = (const unsigned char *)v[i]; *p; p++) {
			h ^= *p;
			h *= 0x100000001b3ull;
		}
		h ^= 0xff; /* separator */
		h *= 0x100000001b3ull;
	}
	return h;
}

/* Merge the per-process samples into one series: CPU %, RSS, rates. */
static int build_resources(struct rs_run *r)
{
	uint64_t iv = r->sample_interval_ns ? r->sample_interval_ns : 100000000ull;
	uint64_t span = r->t_end > r->t0 ? r->t_end - r->t0 : 0;
	uint64_t nslots = span / iv + 2;


	if (!r->has_samples) {
		return 0;
	}
	/* Room for points moved one slot on (see below). */
	for (uint32_t i = 0; i < r->nprocs; i++) {
		nslots += r->procs[i].npts > 4 ? 4 : r->procs[i].npts;
	}
	if (nslots > 1000000) {
		nslots = 1000000;
	}
	struct rs_res_pt *res = calloc(nslots, sizeof(*res));
	uint8_t *has = calloc(nslots, 1);
	if (!res || !has) {
		free(res);
		free(has);
		return -1;
	}
	double ticks = r->ticks ? r->ticks : 100;
	for (uint32_t i = 0; i < r->nprocs; i++) {
		struct rs_proc *pr = &r->procs[i];
		uint64_t prev_slot = 0;
		for (uint32_t k = 0; k < pr->npts; k++) {
			struct rs_sample_pt *pt = &pr->pts[k];
			uint64_t rel = pt->ts > r->t0 ? pt->ts - r->t0 : 0;
			uint64_t slot = (rel + iv / 2) / iv;
			/* One point per process and slot: a sample taken soon
			 * after the previous one (the final sample at exit)
			 * goes to the next slot instead of adding up. */
			if (k > 0 && slot <= prev_slot) {
				slot = prev_slot + 1;
			}
			if (slot >= nslots) {
				slot = nslots - 1;
			}
			prev_slot = slot;
			has[slot] = 1;
			/* A sample taken as the process exits sees its memory
			 * already released: keep the last resident size. */
			if (pt->rss_kb == 0 && k > 0) {
				res[slot].rss_kb += pr->pts[k - 1].rss_kb;
			} else {
				res[slot].rss_kb += pt->rss_kb;
			}
			if (k == 0 || pt->ts <= pr->pts[k - 1].ts) {
				continue;
			}
			struct rs_sample_pt *pv = &pr->pts[k - 1];
			/* Rates over at least one interval: CPU time comes in
			 * whole ticks, and a final sample taken a few ms after
			 * the previous one would turn one tick into a spike. */
			double dt = (pt->ts - pv->ts) / 1e9;
			if (dt < iv / 1e9) {
				dt = iv / 1e9;
			}
			if (pt->cpu_ticks >= pv->cpu_ticks) {
				res[slot].cpu_pct += (pt->cpu_ticks - pv->cpu_ticks) / ticks / dt * 100.0;
			}
			if (pt->faults >= pv->faults) {
				res[slot].fault_rate += (pt->faults - pv->faults) / dt;
			}
			if (pt->io_bytes >= pv->io_bytes) {
				res[slot].io_rate += (pt->io_bytes - pv->io_bytes) / dt;
			}
		}
	}
	uint32_t n = 0;
	for (uint64_t s = 0; s < nslots; s++) {
		if (!has[s]) {
			continue;
		}
		res[n] = res[s];
		res[n].t = (double)(s * iv) / 1e9;
		if (res[n].cpu_pct > r->peak_cpu) {
			r->peak_cpu = res[n].cpu_pct;
		}
		if (res[n].rss_kb > r->peak_rss_kb) {
			r->peak_rss_kb = (uint64_t)res[n].rss_kb;
		}
		n++;
	}
	free(has);
	r->res = res;
	r->nres = n;
	return 0;
}

static int finish(struct rs_run *r)
{
	/* Trigram hashes use names so runs with other tables compare. */
	for (uint32_t i = 0; i < r->nngrams; i++) {
		struct rs_ngram *g = &r->ngrams[i];
		g->hash = fnv_names(r->sc[g->sc[0]].name, r->sc[g->sc[1]].name, r->sc[g->sc[2]].name);
	}
	/* Sort syscalls by name and remap the trigrams' indexes. */
	uint32_t *order = calloc(r->nsc ? r->nsc : 1, sizeof(*order));
	if (!order) {
		return -1;
	}
	for (uint32_t i = 0; i < r->nsc; i++) {
		r->sc[i].rng = i; /* remember the old index through the sort */
	}
	qsort(r->sc, r->nsc, sizeof(*r->sc), cmp_sc_name);
	for (uint32_t i = 0; i < r->nsc; i++) {
		order[r->sc[i].rng] = i;
	}
	for (uint32_t i = 0; i < r->nngrams; i++) {
		for (int k = 0; k < 3; k++) {
			r->ngrams[i].sc[k] = order[r->ngrams[i].sc[k]];
		}
	}
	free(order);
	qsort(r->ngrams, r->nngrams, sizeof(*r->ngrams), cmp_ngram);
	for (uint32_t i = 0; i < r->nsc; i++) {
		if (r->sc[i].nlat) {
			qsort(r->sc[i].lat, r->sc[i].nlat, sizeof(uint64_t), cmp_u64);
		}
	}
	qsort(r->procs, r->nprocs, sizeof(*r->procs), cmp_proc);
	qsort(r->threads, r->nthreads, sizeof(*r->threads), cmp_thread);

	/* Summary figures from each process's last sample. */
	for (uint32_t i = 0; i < r->nprocs; i++) {
		struct rs_proc *pr = &r->procs[i];
		if (!pr->has_sample) {
			continue;
		}
		r->minflt += pr->last.minflt;
		r->majflt += pr->last.majflt;
		r->syscr += pr->last.syscr;
		r->syscw += pr->last.syscw;
		r->rchar += pr->last.rchar;
		r->wchar += pr->last.wchar;
		r->read_bytes += pr->last.read_bytes;
		r->write_bytes += pr->last.write_bytes;
		r->cpu_time_ms += (pr->last.utime_ticks + pr->last.stime_ticks) * 1000.0 /
				  (r->ticks ? r->ticks : 100);
	}
	if (r->t_end > r->t0) {
		r->runtime_ms = (r->t_end - r->t0) / 1e6;
	}
	return build_resources(r);
}

static void load_header(struct rs_run *r, const Sysrec__Header *h)
{
	struct priv *p = r->priv;

	if (!h) {
		return;
	}
	set_str(&r->host, h->hostname);
	set_str(&r->kernel, h->kernel_release);
	set_str(&r->arch, h->arch);
	set_str(&r->abi, h->abi);
	set_str(&r->recorder, h->recorder);
	set_str(&r->backend, h->backend);
	set_str(&r->target, h->target);
	p->abi = sr_abi_from_name(h->abi);
	r->sample_interval_ns = h->sample_interval_ns;
	r->ticks = h->clock_ticks_per_sec;
	if (h->n_target_args) {
		r->command = join_argv((const char *const *)h->target_args, h->n_target_args);
	} else if (h->n_command_line) {
		r->command = join_argv((const char *const *)h->command_line, h->n_command_line);
	}
	r->has_clock = h->clock_realtime_ns != 0;
	for (size_t i = 0; i < h->n_labels; i++) {
		if (h->labels[i]->key && !strcmp(h->labels[i]->key, "label")) {
			set_str(&r->label, h->labels[i]->value);
		}
	}
}

struct rs_run *rs_load(const char *path, const struct rs_opts *opts)
{
	struct rs_run *r = calloc(1, sizeof(*r));
	struct priv *p = calloc(1, sizeof(*p));
	struct sr_reader *rd = NULL;
	struct sr_error err = { 0 };
	struct sr_event ev;
	const Sysrec__Header *hdr;
	enum sr_status st;

	if (!r || !p) {
		cli_err("%s: out of memory", path);
		goto fail;
	}
	r->priv = p;
	p->o = *opts;
	if (!p->o.block_ns) {
		p->o.block_ns = 1000000;
	}
	if (!p->o.max_lat) {
		p->o.max_lat = 100000;
	}
	r->block_ns = p->o.block_ns;
	r->exit_code = -1;
	r->path = strdup(path);
	rd = sr_reader_open(path, &err);
	if (!rd) {
		cli_trace_error(path, &err);
		goto fail;
	}
	hdr = sr_reader_header(rd);
	load_header(r, hdr);
	for (;;) {
		st = sr_reader_next(rd, &ev, &err);
		if (st == SR_END) {
			break;
		}
		if (st == SR_TRUNCATED || st == SR_CORRUPT) {
			r->damaged++;
			if (!opts->quiet) {
				cli_trace_damage(path, &err);
			}
			continue;
		}
		if (st != SR_OK) {
			cli_trace_error(path, &err);
			goto fail;
		}
		r->events++;
		int rc = 0;
		switch (ev.type) {
		case SR_EV_SYSCALL:
			rc = on_syscall(r, rd, &ev.sc);
			break;
		case SR_EV_PROCESS:
			rc = on_proc(r, &ev.proc);
			break;
		case SR_EV_SAMPLE:
			rc = on_sample(r, &ev.sample);
			break;
		case SR_EV_LOSS:
			r->loss_events++;
			r->lost += ev.loss.count;
			if ((unsigned)ev.loss.where < 5) {
				r->lost_by_where[ev.loss.where] += ev.loss.count;
			}
			break;
		case SR_EV_PROCINFO:
			rc = on_procinfo(r, &ev.info);
			break;
		case SR_EV_HOSTCPU:
			break;
		}
		if (rc) {
			cli_err("%s: out of memory", path);
			goto fail;
		}
	}
	if (!hdr) {
		load_header(r, sr_reader_header(rd));
	}
	const Sysrec__Totals *tot = sr_reader_totals(rd);
	if (tot) {
		r->has_totals = true;
		set_str(&r->exit_reason, tot->exit_reason);
		r->exit_code = tot->exit_code;
		r->exit_signal = tot->exit_signal;
		if (tot->lost > r->lost) {
			r->lost = tot->lost;
		}
		if (tot->first_ns && tot->last_ns >= tot->first_ns) {
			see_time(r, tot->first_ns);
			see_time(r, tot->last_ns);
		}
	}
	if (!r->exit_reason) {
		r->exit_reason = strdup(tot ? "unknown" : "no totals: the recording was cut short");
	}
	hdr = sr_reader_header(rd);
	if (hdr && hdr->clock_realtime_ns) {
		r->start_realtime_ns = hdr->clock_realtime_ns +
				       ((int64_t)r->t0 - (int64_t)hdr->clock_boot_ns);
	}
	if (finish(r)) {
		cli_err("%s: out of memory", path);
		goto fail;
	}
	sr_reader_close(rd);
	map_free(&p->procs);
	map_free(&p->threads);
	map_free(&p->ngrams);
	free(p->by_nr);
	free(p);
	r->priv = NULL;
	return r;
fail:
	sr_reader_close(rd);
	rs_free(r);
	return NULL;
}

void rs_free(struct rs_run *r)
{
	if (!r) {
		return;
	}
	struct priv *p = r->priv;
	if (p) {
		map_free(&p->procs);
		map_free(&p->threads);
		map_free(&p->ngrams);
		free(p->by_nr);
		free(p);
	}
	for (uint32_t i = 0; i < r->nsc; i++) {
		free(r->sc[i].name);
		free(r->sc[i].lat);
		free(r->sc[i].series);
	}
	for (uint32_t i = 0; i < r->nprocs; i++) {
		free(r->procs[i].comm);
		free(r->procs[i].cmd);
		free(r->procs[i].label);
		free(r->procs[i].pts);
	}
	free(r->sc);
	free(r->procs);
	free(r->threads);
	free(r->ngrams);
	free(r->res);
	free(r->path);
	free(r->command);
	free(r->host);
	free(r->kernel);
	free(r->arch);
	free(r->abi);
	free(r->recorder);
	free(r->backend);
	free(r->target);
	free(r->label);
	free(r->exit_reason);
	free(r);
}

int rs_find_syscall(const struct rs_run *r, const char *name)
{
	size_t lo = 0, hi = r->nsc;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(r->sc[mid].name, name);
		if (!c) {
			return (int)mid;
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return -1;
}

const struct rs_ngram *rs_find_ngram(const struct rs_run *r, uint64_t hash)
{
	size_t lo = 0, hi = r->nngrams;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->ngrams[mid].hash == hash) {
			return &r->ngrams[mid];
		}
		if (r->ngrams[mid].hash < hash) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

double rs_percentile(const uint64_t *v, uint32_t n, double p)
{
	if (!n) {
		return 0.0 / 0.0;
	}
	/* Nearest rank: the smallest value with at least p% of samples at or below. */
	double rank = p / 100.0 * n;
	uint64_t k = (uint64_t)rank;
	if ((double)k < rank) {
		k++;
	}
	if (k < 1) {
		k = 1;
	}
	if (k > n) {
		k = n;
	}
	return (double)v[k - 1];
}
