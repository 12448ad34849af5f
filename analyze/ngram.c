// SPDX-License-Identifier: MIT
/* n-gram tables, per-program profiles, merging and the Kneser-Ney scorer. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ngram.h"

/* ---- hash table ---- */

int ng_table_init(struct ng_table *t, size_t cap_hint)
{
	size_t cap = 1024;

	while (cap < cap_hint * 2) {
		cap <<= 1;
	}
	t->slot = calloc(cap, sizeof(*t->slot));
	if (!t->slot) {
		return -1;
	}
	t->cap = cap;
	t->len = 0;
	t->shift = 64 - __builtin_ctzll(cap);
	return 0;
}

void ng_table_free(struct ng_table *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static int table_grow(struct ng_table *t)
{
	struct ng_table nt;

	if (ng_table_init(&nt, t->cap) < 0) {
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		struct ng_slot *s = &t->slot[i];

		if (!s->val) {
			continue;
		}
		size_t j = ng_hash(ng_key_make(s->lo, s->hi)) >> nt.shift;
		while (nt.slot[j].val) {
			j = (j + 1) & (nt.cap - 1);
		}
		nt.slot[j] = *s;
		nt.len++;
	}
	free(t->slot);
	*t = nt;
	return 0;
}

int ng_table_add(struct ng_table *t, ng_key key, uint64_t v)
{
	uint64_t lo = (uint64_t)key, hi = (uint64_t)(key >> 64);
	size_t j = ng_hash(key) >> t->shift;

	for (;;) {
		struct ng_slot *s = &t->slot[j];

		if (!s->val) {
			break;
		}
		if (s->lo == lo && s->hi == hi) {
			s->val += v;
			return 0;
		}
		j = (j + 1) & (t->cap - 1);
	}
	/* keep the load factor at or under 1/2 so probes stay short */
	if ((t->len + 1) * 2 > t->cap) {
		if (table_grow(t) < 0) {
			return -1;
		}
		return ng_table_add(t, key, v);
	}
	t->slot[j].lo = lo;
	t->slot[j].hi = hi;
	t->slot[j].val = v;
	t->len++;
	return 0;
}

uint64_t ng_table_get(const struct ng_table *t, ng_key key)
{
	uint64_t lo = (uint64_t)key, hi = (uint64_t)(key >> 64);
	size_t j = ng_hash(key) >> t->shift;

	for (;;) {
		const struct ng_slot *s = &t->slot[j];

		if (!s->val) {
			return 0;
		}
		if (s->lo == lo && s->hi == hi) {
			return s->val;
		}
		j = (j + 1) & (t->cap - 1);
	}
}

void ng_table_del(struct ng_table *t, ng_key key)
{
	uint64_t lo = (uint64_t)key, hi = (uint64_t)(key >> 64);
	size_t mask = t->cap - 1, j = ng_hash(key) >> t->shift;

	while (t->slot[j].val && (t->slot[j].lo != lo || t->slot[j].hi != hi)) {
		j = (j + 1) & mask;
	}
	if (!t->slot[j].val) {
		return;
	}
	/* shift later keys of the probe run back, so that no lookup stops early
	 * at the hole: a key moves when its home is not within (hole, its slot] */
	for (size_t k = (j + 1) & mask; t->slot[k].val; k = (k + 1) & mask) {
		size_t home = ng_hash(ng_key_make(t->slot[k].lo, t->slot[k].hi)) >> t->shift;

		if (((k - home) & mask) >= ((k - j) & mask)) {
			t->slot[j] = t->slot[k];
			j = k;
		}
	}
	t->slot[j].val = 0;
	t->len--;
}

/* ---- model ---- */

struct ng_model *ng_model_new(uint32_t n, const char *abi, const char *group_by)
{
	struct ng_model *m = calloc(1, sizeof(*m));

	if (!m) {
		return NULL;
	}
	m->n = n;
	m->nsyms = NG_FIRST_ID;
	m->callsets = true;
	m->abi = strdup(abi ? abi : "");
	m->group_by = strdup(group_by ? group_by : "comm");
	if (!m->abi || !m->group_by) {
		ng_model_free(m);
		return NULL;
	}
	return m;
}

void ng_model_free(struct ng_model *m)
{
	if (!m) {
		return;
	}
	for (size_t i = 0; i < m->nprof; i++) {
		ng_table_free(&m->prof[i]->grams);
		cs_table_free(&m->prof[i]->sets);
		free(m->prof[i]->pending);
		free(m->prof[i]->name);
		free(m->prof[i]);
	}
	free(m->prof);
	for (size_t i = 0; i < m->nsources; i++) {
		free(m->sources[i]);
	}
	free(m->sources);
	for (size_t i = 0; i < m->nnames; i++) {
		free(m->names[i]);
	}
	free(m->names);
	free(m->id_of_nr);
	free(m->abi);
	free(m->group_by);
	free(m);
}

struct ng_profile *ng_model_find(const struct ng_model *m, const char *name)
{
	for (size_t i = 0; i < m->nprof; i++) {
		if (!strcmp(m->prof[i]->name, name)) {
			return m->prof[i];
		}
	}
	return NULL;
}

struct ng_profile *ng_model_profile(struct ng_model *m, const char *name)
{
	struct ng_profile *p = ng_model_find(m, name);

	if (p) {
		return p;
	}
	if (m->nprof == m->prof_cap) {
		size_t cap = m->prof_cap ? m->prof_cap * 2 : 8;
		struct ng_profile **np = realloc(m->prof, cap * sizeof(*np));

		if (!np) {
			return NULL;
		}
		m->prof = np;
		m->prof_cap = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		return NULL;
	}
	p->name = strdup(name);
	p->pending = calloc(NG_PENDING, sizeof(*p->pending));
	if (!p->name || !p->pending || ng_table_init(&p->grams, 1024) < 0) {
		free(p->pending);
		free(p->name);
		free(p);
		return NULL;
	}
	m->prof[m->nprof++] = p;
	return p;
}

uint32_t ng_model_id(struct ng_model *m, uint32_t nr)
{
	if (nr >= m->id_cap) {
		uint32_t cap = m->id_cap ? m->id_cap : 512;

		while (cap <= nr) {
			cap *= 2;
		}
		uint16_t *n = realloc(m->id_of_nr, cap * sizeof(*n));
		if (!n) {
			return NG_UNK;
		}
		memset(n + m->id_cap, 0, (cap - m->id_cap) * sizeof(*n));
		m->id_of_nr = n;
		m->id_cap = cap;
	}
	if (m->id_of_nr[nr]) {
		return m->id_of_nr[nr];
	}
	if (m->nsyms >= NG_MAX_SYMS) {
		return NG_UNK;
	}
	m->sym_nr[m->nsyms] = nr;
	m->id_of_nr[nr] = (uint16_t)m->nsyms;
	return m->nsyms++;
}

int ng_model_add_source(struct ng_model *m, const char *src)
{
	if (m->nsources == m->sources_cap) {
		size_t cap = m->sources_cap ? m->sources_cap * 2 : 16;
		char **n = realloc(m->sources, cap * sizeof(*n));

		if (!n) {
			return -1;
		}
		m->sources = n;
		m->sources_cap = cap;
	}
	m->sources[m->nsources] = strdup(src);
	if (!m->sources[m->nsources]) {
		return -1;
	}
	m->nsources++;
	return 0;
}

int ng_model_add_names(struct ng_model *m, char *const *names, size_t n)
{
	if (n > m->nnames) {
		char **nn = realloc(m->names, n * sizeof(*nn));

		if (!nn) {
			return -1;
		}
		memset(nn + m->nnames, 0, (n - m->nnames) * sizeof(*nn));
		m->names = nn;
		m->nnames = n;
	}
	for (size_t i = 0; i < n; i++) {
		if ((!m->names[i] || !m->names[i][0]) && names[i] && names[i][0]) {
			free(m->names[i]);
			m->names[i] = strdup(names[i]);
			if (!m->names[i]) {
				return -1;
			}
		}
	}
	return 0;
}

int ng_model_flush(struct ng_model *m)
{
	for (size_t i = 0; i < m->nprof; i++) {
		struct ng_profile *p = m->prof[i];

		for (size_t j = 0; j < NG_PENDING; j++) {
			struct ng_slot *c = &p->pending[j];

			if (!c->val) {
				continue;
			}
			if (ng_table_add(&p->grams, ng_key_make(c->lo, c->hi), c->val) < 0) {
				return -1;
			}
			c->val = 0;
		}
	}
	return 0;
}

static int cmp_prof(const void *a, const void *b)
{
	return strcmp((*(struct ng_profile *const *)a)->name, (*(struct ng_profile *const *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ng_model_sort(struct ng_model *m)
{
	if (m->nprof > 1) {
		qsort(m->prof, m->nprof, sizeof(*m->prof), cmp_prof);
	}
	if (m->nsources > 1) {
		qsort(m->sources, m->nsources, sizeof(*m->sources), cmp_str);
	}
}

int ng_model_merge(struct ng_model *dst, const struct ng_model *src)
{
	uint32_t map[NG_MAX_SYMS];
	ng_key mask = ng_key_mask(dst->n);

	if (src->n != dst->n) {
		errno = EINVAL;
		return -1;
	}
	/* src is only read, but its pending counts must reach its tables */
	if (ng_model_flush((struct ng_model *)src) < 0 || ng_model_flush(dst) < 0) {
		return -1;
	}
	map[NG_BOS] = NG_BOS;
	map[NG_UNK] = NG_UNK;
	for (uint32_t id = NG_FIRST_ID; id < src->nsyms; id++) {
		map[id] = ng_model_id(dst, src->sym_nr[id]);
		if (map[id] == NG_UNK) {
			errno = ENOSPC;
			return -1;
		}
	}
	if (ng_model_add_names(dst, src->names, src->nnames) < 0) {
		return -1;
	}
	for (size_t i = 0; i < src->nsources; i++) {
		if (ng_model_add_source(dst, src->sources[i]) < 0) {
			return -1;
		}
	}
	dst->traces += src->traces;
	dst->calls += src->calls;
	dst->sequences += src->sequences;
	dst->callsets = dst->callsets && src->callsets;
	for (size_t i = 0; i < src->nprof; i++) {
		const struct ng_profile *sp = src->prof[i];
		struct ng_profile *dp = ng_model_profile(dst, sp->name);

		if (!dp) {
			return -1;
		}
		dp->calls += sp->calls;
		dp->sequences += sp->sequences;
		dp->processes += sp->processes;
		for (size_t j = 0; j < sp->grams.cap; j++) {
			const struct ng_slot *s = &sp->grams.slot[j];
			ng_key k = ng_key_make(s->lo, s->hi), nk = 0;

			if (!s->val) {
				continue;
			}
			for (uint32_t q = 0; q < src->n; q++) {
				nk = ng_key_push(nk, map[ng_key_sym(k, src->n, q)], mask);
			}
			if (ng_table_add(&dp->grams, nk, s->val) < 0) {
				return -1;
			}
		}
		for (size_t j = 0; j < sp->sets.cap; j++) {
			const struct cs_entry *se = &sp->sets.e[j];
			struct cs_set ns = { { 0 } };

			if (!se->count) {
				continue;
			}
			for (uint32_t id = 0; id < src->nsyms; id++) {
				if (cs_set_has(&se->set, id)) {
					cs_set_add(&ns, map[id]);
				}
			}
			if (cs_table_add(&dp->sets, &ns, se->count) < 0) {
				return -1;
			}
		}
	}
	return 0;
}

/* ---- scorer: interpolated Kneser-Ney over orders 1..n ---- */

/*
 * gram[k] holds every k-gram that is a suffix of a training window, valued
 * by its raw count for k = n and for k-grams starting with BOS (their left
 * context is fixed), else by its continuation count (distinct left
 * extensions). ctx[k] maps a (k-1)-symbol context to the sum of its
 * followers' values (high bits) and the number of distinct followers (low
 * CTX_TYPE_BITS bits).
 */
#define CTX_TYPE_BITS 11
#define CACHE_LIMIT (8u << 20) /* unseen windows remembered at most */
#define NG_L1 8192

struct ng_scorer {
	uint32_t n;
	uint32_t vocab; /* predictable symbols: UNK and the syscalls */
	struct ng_table gram[NG_MAX_N + 1];
	struct ng_table ctx[NG_MAX_N + 1];
	/* context -> followers valued 1, 2 and 3+ (11 bits each), for the
	 * modified Kneser-Ney discounts */
	struct ng_table nk[NG_MAX_N + 1];
	double d[NG_MAX_N + 1];
	double d3[NG_MAX_N + 1][3]; /* D1, D2, D3+ of modified Kneser-Ney */
	bool modified;
	ng_key mask[NG_MAX_N + 1];
	/* window -> surprisal (float bits) | seen << 32 | 1 << 33 */
	struct ng_table cache;
	/* direct-mapped copy of the hottest entries: a program's hot windows
	 * fit in L2, the big table does not */
	struct ng_slot l1[NG_L1];
};

void ng_scorer_free(struct ng_scorer *s)
{
	if (!s) {
		return;
	}
	for (uint32_t k = 0; k <= NG_MAX_N; k++) {
		ng_table_free(&s->gram[k]);
		ng_table_free(&s->ctx[k]);
		ng_table_free(&s->nk[k]);
	}
	ng_table_free(&s->cache);
	free(s);
}

static double kn_prob(const struct ng_scorer *s, ng_key key)
{
	double p = 1.0 / s->vocab;

	for (uint32_t k = 1; k <= s->n; k++) {
		ng_key ctx = (key >> NG_BITS) & s->mask[k - 1];
		uint64_t cv = ng_table_get(&s->ctx[k], ctx);

		if (!cv) {
			break; /* no longer context was seen either */
		}
		double total = (double)(cv >> CTX_TYPE_BITS);
		double types = (double)(cv & ((1u << CTX_TYPE_BITS) - 1));
		double c = (double)ng_table_get(&s->gram[k], key & s->mask[k]);

		if (s->modified) {
			uint64_t nv = ng_table_get(&s->nk[k], ctx);
			const double *d = s->d3[k];
			double dc = c == 0 ? 0 : c == 1 ? d[0] : c == 2 ? d[1] : d[2];
			double gamma = d[0] * (double)(nv & 2047) + d[1] * (double)((nv >> 11) & 2047) +
				       d[2] * (double)((nv >> 22) & 2047);

			p = ((c > dc ? c - dc : 0.0) + gamma * p) / total;
			continue;
		}
		double d = s->d[k];
		p = ((c > d ? c - d : 0.0) + d * types * p) / total;
	}
	return p;
}

static uint64_t pack_surprisal(double bits, bool seen)
{
	float f = bits > 0 ? (float)bits : 0.0f; /* no -0 when P = 1 */
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return (uint64_t)u | ((uint64_t)seen << 32) | (1ull << 33);
}

struct ng_scorer *ng_scorer_new(const struct ng_model *m, const struct ng_profile *p)
{
	struct ng_scorer *s = calloc(1, sizeof(*s));
	uint32_t n = m->n;

	if (!s) {
		return NULL;
	}
	s->n = n;
	s->vocab = m->nsyms - 1;
	/* modified Kneser-Ney: 3.5% lower held-out cross-entropy than one
	 * discount per order on ADFA-LD's training traces (2 folds, n = 9) */
	s->modified = true;
	for (uint32_t k = 0; k <= NG_MAX_N; k++) {
		s->mask[k] = k <= n ? ng_key_mask(k) : 0;
	}
	for (uint32_t k = 1; k <= n; k++) {
		if (ng_table_init(&s->gram[k], k == n ? p->grams.len : 1024) < 0 ||
		    ng_table_init(&s->ctx[k], 1024) < 0 || ng_table_init(&s->nk[k], 1024) < 0) {
			goto fail;
		}
	}
	if (ng_table_init(&s->cache, p->grams.len + 1024) < 0) {
		goto fail;
	}
	for (size_t j = 0; j < p->grams.cap; j++) {
		const struct ng_slot *sl = &p->grams.slot[j];

		if (sl->val && ng_table_add(&s->gram[n], ng_key_make(sl->lo, sl->hi), sl->val) < 0) {
			goto fail;
		}
	}
	for (uint32_t k = n - 1; k >= 1; k--) {
		const struct ng_table *up = &s->gram[k + 1];

		for (size_t j = 0; j < up->cap; j++) {
			const struct ng_slot *sl = &up->slot[j];

			if (!sl->val) {
				continue;
			}
			ng_key suf = ng_key_make(sl->lo, sl->hi) & s->mask[k];
			bool bos_start = ng_key_sym(suf, k, 0) == NG_BOS;

			if (ng_table_add(&s->gram[k], suf, bos_start ? sl->val : 1) < 0) {
				goto fail;
			}
		}
	}
	for (uint32_t k = 1; k <= n; k++) {
		const struct ng_table *g = &s->gram[k];
		uint64_t n1 = 0, n2 = 0, n3 = 0, n4 = 0;

		for (size_t j = 0; j < g->cap; j++) {
			const struct ng_slot *sl = &g->slot[j];

			if (!sl->val) {
				continue;
			}
			n1 += sl->val == 1;
			n2 += sl->val == 2;
			n3 += sl->val == 3;
			n4 += sl->val == 4;
			ng_key ctx = (ng_key_make(sl->lo, sl->hi) >> NG_BITS) & s->mask[k - 1];
			uint64_t bucket = sl->val == 1 ? 1 : sl->val == 2 ? (1u << 11) : (1u << 22);
			if (ng_table_add(&s->ctx[k], ctx, (sl->val << CTX_TYPE_BITS) | 1) < 0 ||
			    ng_table_add(&s->nk[k], ctx, bucket | (1ull << 40)) < 0) {
				goto fail;
			}
		}
		/* the usual estimate D = n1 / (n1 + 2 n2), kept away from 0 and 1 */
		double d = n1 + n2 ? (double)n1 / (double)(n1 + 2 * n2) : 0.5;
		s->d[k] = d < 0.05 ? 0.05 : d > 0.95 ? 0.95 : d;
		/* Chen and Goodman's estimates; a degenerate count-of-counts falls
		 * back to the single discount */
		double y = d;
		double e1 = n1 ? 1 - 2 * y * n2 / (double)n1 : d;
		double e2 = n2 ? 2 - 3 * y * n3 / (double)n2 : d;
		double e3 = n3 ? 3 - 4 * y * n4 / (double)n3 : d;
		s->d3[k][0] = e1 > 0.05 && e1 < 1 ? e1 : s->d[k];
		s->d3[k][1] = e2 > 0.05 && e2 < 2 ? e2 : s->d[k];
		s->d3[k][2] = e3 > 0.05 && e3 < 3 ? e3 : s->d[k];
	}
	for (size_t j = 0; j < p->grams.cap; j++) {
		const struct ng_slot *sl = &p->grams.slot[j];

		if (!sl->val) {
			continue;
		}
		ng_key key = ng_key_make(sl->lo, sl->hi);
		if (ng_table_add(&s->cache, key, pack_surprisal(-log2(kn_prob(s, key)), true)) < 0) {
			goto fail;
		}
	}
	return s;
fail:
	ng_scorer_free(s);
	return NULL;
}

double ng_scorer_discount(const struct ng_scorer *s, uint32_t k)
{
	return k >= 1 && k <= s->n ? s->d[k] : 0.0;
}

double ng_scorer_window(struct ng_scorer *s, ng_key key, bool *seen)
{
	uint64_t lo = (uint64_t)key, hi = (uint64_t)(key >> 64);
	struct ng_slot *l1 = &s->l1[ng_hash(key) & (NG_L1 - 1)];
	uint64_t v;
	float f;

	if (l1->val && l1->lo == lo && l1->hi == hi) {
		v = l1->val;
		goto found;
	}
	v = ng_table_get(&s->cache, key);
	if (!v) {
		double bits = -log2(kn_prob(s, key));

		v = pack_surprisal(bits, false);
		if (s->cache.len < CACHE_LIMIT) {
			/* on failure the value is simply recomputed next time */
			(void)ng_table_add(&s->cache, key, v);
		}
	}
	l1->lo = lo;
	l1->hi = hi;
	l1->val = v;
found:;
	uint32_t u = (uint32_t)v;
	memcpy(&f, &u, sizeof(f));
	*seen = (v >> 32) & 1;
	return f;
}
