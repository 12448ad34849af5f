// SPDX-License-Identifier: MIT
/* Aggregation of BASE and NEW runs for analyze compare (compare.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "stat_tests.h"
#include "table.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double run_secs(const struct rs_run *r)
{
	return r->runtime_ms > 0 ? r->runtime_ms / 1e3 : NAN;
}

static int fill_side(struct cmp_syscall *cs, const struct cmp_side *sd, int k)
{
	struct cmp_sc_side *s = &cs->s[k];
	double calls[CMP_MAX_RUNS], rate = 0, errs = 0;
	uint64_t nlat = 0;
	int nrate = 0;

	for (int i = 0; i < sd->n; i++) {
		const struct rs_run *r = sd->runs[i];
		int j = rs_find_syscall(r, cs->name);
		s->idx[i] = j;
		calls[i] = j >= 0 ? (double)r->sc[j].calls : 0;
		if (j >= 0) {
			s->calls_total += r->sc[j].calls;
			s->errors_total += r->sc[j].errors;
			errs += r->sc[j].errors;
			nlat += r->sc[j].nlat;
			cs->classes = r->sc[j].classes;
		}
		if (!isnan(run_secs(r))) {
			rate += calls[i] / run_secs(r);
			nrate++;
		}
	}
	stat_mean_sd(calls, sd->n, &s->calls, &s->calls_sd);
	s->rate = nrate ? rate / nrate : NAN;
	s->errors = errs / sd->n;
	s->error_rate = s->calls_total ? 100.0 * s->errors_total / s->calls_total : NAN;
	if (nlat) {
		s->lat = malloc(nlat * sizeof(*s->lat));
		if (!s->lat) {
			return -1;
		}
		for (int i = 0; i < sd->n; i++) {
			if (s->idx[i] < 0) {
				continue;
			}
			const struct rs_syscall *x = &sd->runs[i]->sc[s->idx[i]];
			memcpy(s->lat + s->nlat, x->lat, x->nlat * sizeof(*x->lat));
			s->nlat += x->nlat;
		}
		if (sd->n > 1) {
			qsort(s->lat, s->nlat, sizeof(*s->lat), cmp_u64);
		}
	}
	static const double ps[3] = { 50, 90, 99 };
	for (int q = 0; q < 3; q++) {
		s->p[q] = rs_percentile(s->lat, s->nlat, ps[q]);
	}
	return 0;
}

static void res_fill(struct cmp *c)
{
	static const char *const keys[CR_N] = { "runtime_ms", "cpu_time_ms", "peak_rss_kb",
						"page_faults", "io_bytes", "blocked_syscalls",
						"syscalls", "errors" };
	for (int m = 0; m < CR_N; m++) {
		struct cmp_res *r = &c->res[m];
		r->key = keys[m];
		r->have = true;
		for (int k = 0; k < 2; k++) {
			const struct cmp_side *sd = &c->side[k];
			double x[CMP_MAX_RUNS];
			for (int i = 0; i < sd->n; i++) {
				const struct rs_run *run = sd->runs[i];
				bool needs = m == CR_CPU || m == CR_RSS || m == CR_FAULTS || m == CR_IO;
				if (needs && !run->has_samples) {
					r->have = false;
				}
				switch (m) {
				case CR_RUNTIME:
					x[i] = run->runtime_ms;
					break;
				case CR_CPU:
					x[i] = run->cpu_time_ms;
					break;
				case CR_RSS:
					x[i] = (double)run->peak_rss_kb;
					break;
				case CR_FAULTS:
					x[i] = (double)(run->minflt + run->majflt);
					break;
				case CR_IO:
					x[i] = (double)(run->rchar + run->wchar);
					break;
				case CR_BLOCKED:
					x[i] = (double)run->blocked;
					break;
				case CR_CALLS:
					x[i] = (double)run->calls;
					break;
				default:
					x[i] = (double)run->errors;
					break;
				}
			}
			stat_mean_sd(x, sd->n, &r->v[k], &r->sd[k]);
		}
		if (!r->have) {
			r->v[0] = r->v[1] = NAN;
		}
	}
}

static int cmp_ng(const void *a, const void *b)
{
	const struct cmp_ngram *x = a, *y = b;

	if (x->count != y->count) {
		return x->count > y->count ? -1 : 1;
	}
	return strcmp(cmp_ngram_str(x), cmp_ngram_str(y));
}

const char *cmp_ngram_str(const struct cmp_ngram *n)
{
	const struct rs_run *r = n->run;

	return tab_fmt("%s %s %s", r->sc[n->g->sc[0]].name, r->sc[n->g->sc[1]].name,
		       r->sc[n->g->sc[2]].name);
}

static int ngrams(struct cmp *c)
{
	const struct cmp_side *b = &c->side[0], *nw = &c->side[1];
	uint32_t cap = 0;

	for (int i = 0; i < b->n; i++) {
		c->base_ngrams += b->runs[i]->nngrams;
	}
	for (int i = 0; i < nw->n; i++) {
		cap += nw->runs[i]->nngrams;
		c->new_ngrams_total += nw->runs[i]->nngrams;
	}
	c->ng = calloc(cap ? cap : 1, sizeof(*c->ng));
	if (!c->ng) {
		return -1;
	}
	for (int i = 0; i < nw->n; i++) {
		const struct rs_run *r = nw->runs[i];
		for (uint32_t k = 0; k < r->nngrams; k++) {
			const struct rs_ngram *g = &r->ngrams[k];
			bool seen = false;
			for (int j = 0; j < b->n && !seen; j++) {
				seen = rs_find_ngram(b->runs[j], g->hash) != NULL;
			}
			if (seen) {
				continue;
			}
			/* Several NEW runs: count a trigram once, summing its uses. */
			uint32_t m;
			for (m = 0; m < c->nng; m++) {
				if (c->ng[m].g->hash == g->hash) {
					break;
				}
			}
			if (m < c->nng) {
				c->ng[m].count += g->count;
				continue;
			}
			c->ng[c->nng].g = g;
			c->ng[c->nng].run = r;
			c->ng[c->nng].count = g->count;
			c->nng++;
		}
	}
	qsort(c->ng, c->nng, sizeof(*c->ng), cmp_ng);
	return 0;
}

int cmp_build(struct cmp *c)
{
	uint32_t cap = 0, n = 0;
	const char **names;

	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < c->side[k].n; i++) {
			cap += c->side[k].runs[i]->nsc;
		}
	}
	names = calloc(cap ? cap : 1, sizeof(*names));
	if (!names) {
		return -1;
	}
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < c->side[k].n; i++) {
			const struct rs_run *r = c->side[k].runs[i];
			for (uint32_t j = 0; j < r->nsc; j++) {
				names[n++] = r->sc[j].name;
			}
		}
	}
	qsort(names, n, sizeof(*names), cmp_str);
	c->sc = calloc(n ? n : 1, sizeof(*c->sc));
	if (!c->sc) {
		free(names);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (i && !strcmp(names[i], names[i - 1])) {
			continue;
		}
		c->sc[c->nsc++].name = names[i];
	}
	free(names);
	for (uint32_t i = 0; i < c->nsc; i++) {
		struct cmp_syscall *cs = &c->sc[i];
		for (int k = 0; k < 2; k++) {
			if (fill_side(cs, &c->side[k], k)) {
				return -1;
			}
		}
		struct cmp_sc_side *b = &cs->s[0], *nw = &cs->s[1];
		cs->mwu_p = NAN;
		for (int q = 0; q < 3; q++) {
			cs->ci_lo[q] = cs->ci_hi[q] = NAN;
		}
		cs->noise_z = NAN;
		if (c->side[0].n > 1 && c->side[1].n > 1) {
			double se = sqrt(b->calls_sd * b->calls_sd / c->side[0].n +
					 nw->calls_sd * nw->calls_sd / c->side[1].n);
			double d = nw->calls - b->calls;
			cs->noise_z = se > 0 ? d / se : (d == 0 ? 0 : INFINITY * (d > 0 ? 1 : -1));
		}
		if (b->nlat >= 5 && nw->nlat >= 5) {
			struct mwu_result m;
			static const double ps[3] = { 50, 90, 99 };
			stat_mwu(b->lat, b->nlat, nw->lat, nw->nlat, &m);
			cs->mwu_p = m.p;
			stat_bootstrap_pdiff(b->lat, b->nlat, nw->lat, nw->nlat, ps, 3, 100, cs->ci_lo,
					     cs->ci_hi);
		}
		if (!b->calls_total && nw->calls_total) {
			cs->status = "new";
			c->n_new++;
		} else if (b->calls_total && !nw->calls_total) {
			cs->status = "vanished";
			c->n_vanished++;
		} else {
			double d = fabs(nw->calls - b->calls);
			cs->calls_changed = d > 0.05 * b->calls && d >= 1;
			cs->lat_changed = !isnan(cs->mwu_p) && cs->mwu_p < 0.01 &&
					  fabs(nw->p[0] - b->p[0]) > 0.1 * b->p[0];
			cs->status = cs->calls_changed || cs->lat_changed ? "changed" : "same";
		}
	}
	res_fill(c);
	return ngrams(c);
}

void cmp_free(struct cmp *c)
{
	for (uint32_t i = 0; i < c->nsc; i++) {
		free(c->sc[i].s[0].lat);
		free(c->sc[i].s[1].lat);
	}
	free(c->sc);
	free(c->ng);
}

static bool sel_match(const struct failon *f, const struct cmp_syscall *cs)
{
	switch (f->sel) {
	case FO_SEL_ALL:
		return true;
	case FO_SEL_CLASS:
		return (cs->classes & f->class_bit) != 0;
	case FO_SEL_SYSCALL:
		return !strcmp(cs->name, f->arg);
	default:
		return false;
	}
}

void cmp_metric(const struct cmp *c, const struct failon *f, double *base, double *new_)
{
	double v[2] = { 0, 0 };
	uint64_t calls[2] = { 0, 0 }, errs[2] = { 0, 0 };

	switch (f->metric) {
	case FO_CALLS:
	case FO_RATE:
	case FO_ERRORS:
	case FO_ERROR_RATE:
		for (uint32_t i = 0; i < c->nsc; i++) {
			const struct cmp_syscall *cs = &c->sc[i];
			if (!sel_match(f, cs)) {
				continue;
			}
			for (int k = 0; k < 2; k++) {
				const struct cmp_sc_side *s = &cs->s[k];
				if (f->metric == FO_CALLS) {
					v[k] += s->calls;
				} else if (f->metric == FO_RATE) {
					v[k] += isnan(s->rate) ? 0 : s->rate;
				} else if (f->metric == FO_ERRORS) {
					v[k] += s->errors;
				}
				calls[k] += s->calls_total;
				errs[k] += s->errors_total;
			}
		}
		if (f->metric == FO_ERROR_RATE) {
			for (int k = 0; k < 2; k++) {
				v[k] = calls[k] ? 100.0 * errs[k] / calls[k] : 0;
			}
		}
		break;
	case FO_P50:
	case FO_P90:
	case FO_P99: {
		int q = f->metric - FO_P50;
		v[0] = v[1] = NAN;
		for (uint32_t i = 0; i < c->nsc; i++) {
			if (!strcmp(c->sc[i].name, f->arg)) {
				v[0] = c->sc[i].s[0].p[q];
				v[1] = c->sc[i].s[1].p[q];
			}
		}
		break;
	}
	case FO_NEW_SYSCALLS:
		v[1] = c->n_new;
		break;
	case FO_VANISHED_SYSCALLS:
		v[1] = c->n_vanished;
		break;
	case FO_NEW_NGRAMS:
		v[1] = c->nng;
		break;
	case FO_BLOCKED:
		v[0] = c->res[CR_BLOCKED].v[0];
		v[1] = c->res[CR_BLOCKED].v[1];
		break;
	case FO_PEAK_RSS:
		v[0] = c->res[CR_RSS].v[0];
		v[1] = c->res[CR_RSS].v[1];
		break;
	case FO_CPU_TIME:
		v[0] = c->res[CR_CPU].v[0];
		v[1] = c->res[CR_CPU].v[1];
		break;
	case FO_FAULTS:
		v[0] = c->res[CR_FAULTS].v[0];
		v[1] = c->res[CR_FAULTS].v[1];
		break;
	case FO_IO_BYTES:
		v[0] = c->res[CR_IO].v[0];
		v[1] = c->res[CR_IO].v[1];
		break;
	case FO_RUNTIME:
		v[0] = c->res[CR_RUNTIME].v[0];
		v[1] = c->res[CR_RUNTIME].v[1];
		break;
	}
	*base = v[0];
	*new_ = v[1];
}
