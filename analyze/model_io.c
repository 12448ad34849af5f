// SPDX-License-Identifier: MIT
/* Canonical conversion of n-gram models to and from Model messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model_io.h"

/* Model symbols: 0 = BOS padding, s = syscall number s - 1. */
static uint32_t id_to_sym(const struct ng_model *m, uint32_t id)
{
	return id == NG_BOS ? 0 : m->sym_nr[id] + 1;
}

struct win {
	uint32_t *sym;
	uint64_t count;
};

static uint32_t sort_n;

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void sort_u32(uint32_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
}

static int cmp_win(const void *a, const void *b)
{
	const struct win *x = a, *y = b;

	for (uint32_t i = 0; i < sort_n; i++) {
		if (x->sym[i] != y->sym[i]) {
			return x->sym[i] < y->sym[i] ? -1 : 1;
		}
	}
	return 0;
}

struct setrow {
	uint32_t *sym; /* ascending */
	uint32_t size;
	uint64_t count;
};

/* Lexicographic on the ascending symbol lists; a proper prefix comes first. */
static int cmp_setrow(const void *a, const void *b)
{
	const struct setrow *x = a, *y = b;
	uint32_t n = x->size < y->size ? x->size : y->size;

	for (uint32_t i = 0; i < n; i++) {
		if (x->sym[i] != y->sym[i]) {
			return x->sym[i] < y->sym[i] ? -1 : 1;
		}
	}
	return x->size < y->size ? -1 : x->size > y->size;
}

static void pb_free(Sysrec__Model *pm)
{
	for (size_t i = 0; i < pm->n_profiles; i++) {
		if (pm->profiles[i]) {
			free(pm->profiles[i]->set_sizes);
			free(pm->profiles[i]->set_symbols);
			free(pm->profiles[i]->set_counts);
			free(pm->profiles[i]->symbols);
			free(pm->profiles[i]->counts);
			free(pm->profiles[i]);
		}
	}
	free(pm->profiles);
	free(pm->syscall_names);
}

static int fill_profile(const struct ng_model *m, const struct ng_profile *p, Sysrec__Profile *pp)
{
	size_t nw = p->grams.len, k = 0;
	uint32_t n = m->n;
	struct win *w = malloc((nw ? nw : 1) * sizeof(*w));
	uint32_t *sym = malloc((nw ? nw : 1) * n * sizeof(*sym));
	uint32_t *out_sym = malloc((nw ? nw : 1) * n * sizeof(*out_sym));
	uint64_t *out_cnt = malloc((nw ? nw : 1) * sizeof(*out_cnt));
	int rc = -1;

	if (!w || !sym || !out_sym || !out_cnt) {
		goto out;
	}
	for (size_t j = 0; j < p->grams.cap; j++) {
		const struct ng_slot *s = &p->grams.slot[j];

		if (!s->val) {
			continue;
		}
		ng_key key = ng_key_make(s->lo, s->hi);
		w[k].sym = sym + k * n;
		for (uint32_t q = 0; q < n; q++) {
			w[k].sym[q] = id_to_sym(m, ng_key_sym(key, n, q));
		}
		w[k].count = s->val;
		k++;
	}
	sort_n = n;
	qsort(w, k, sizeof(*w), cmp_win);
	for (size_t i = 0; i < k; i++) {
		memcpy(out_sym + i * n, w[i].sym, n * sizeof(*out_sym));
		out_cnt[i] = w[i].count;
	}
	pp->name = p->name;
	pp->calls = p->calls;
	pp->sequences = p->sequences;
	pp->processes = p->processes;
	pp->n_symbols = k * n;
	pp->symbols = out_sym;
	pp->n_counts = k;
	pp->counts = out_cnt;
	out_sym = NULL;
	out_cnt = NULL;
	rc = 0;
out:
	free(out_cnt);
	free(out_sym);
	free(sym);
	free(w);
	return rc;
}

/* The profile's call sets in canonical order, as syscall symbols (s = nr + 1). */
static int fill_sets(const struct ng_model *m, const struct ng_profile *p, Sysrec__Profile *pp)
{
	size_t ns = p->sets.len, nsym = 0, k = 0;
	struct setrow *row = malloc((ns ? ns : 1) * sizeof(*row));
	uint32_t *sym, *pos;
	int rc = -1;

	for (size_t j = 0; j < p->sets.cap; j++) {
		nsym += p->sets.e[j].count ? p->sets.e[j].size : 0;
	}
	sym = malloc((nsym ? nsym : 1) * sizeof(*sym));
	pp->set_sizes = malloc((ns ? ns : 1) * sizeof(*pp->set_sizes));
	pp->set_counts = malloc((ns ? ns : 1) * sizeof(*pp->set_counts));
	pp->set_symbols = malloc((nsym ? nsym : 1) * sizeof(*pp->set_symbols));
	if (!row || !sym || !pp->set_sizes || !pp->set_counts || !pp->set_symbols) {
		goto out;
	}
	pos = sym;
	for (size_t j = 0; j < p->sets.cap; j++) {
		const struct cs_entry *e = &p->sets.e[j];

		if (!e->count) {
			continue;
		}
		row[k].sym = pos;
		row[k].size = e->size;
		row[k].count = e->count;
		for (uint32_t id = 0; id < m->nsyms; id++) {
			if (cs_set_has(&e->set, id)) {
				*pos++ = id_to_sym(m, id);
			}
		}
		/* dense ids follow first sight, symbols the syscall numbers */
		sort_u32(row[k].sym, row[k].size);
		k++;
	}
	qsort(row, k, sizeof(*row), cmp_setrow);
	pos = pp->set_symbols;
	for (size_t i = 0; i < k; i++) {
		memcpy(pos, row[i].sym, row[i].size * sizeof(*pos));
		pos += row[i].size;
		pp->set_sizes[i] = row[i].size;
		pp->set_counts[i] = row[i].count;
	}
	pp->n_set_sizes = k;
	pp->n_set_counts = k;
	pp->n_set_symbols = nsym;
	rc = 0;
out:
	free(sym);
	free(row);
	return rc;
}

static enum sr_status nomem(struct sr_error *err)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		err->status = SR_NOMEM;
		snprintf(err->msg, sizeof(err->msg), "out of memory encoding the model");
	}
	return SR_NOMEM;
}

/* Build the canonical message; its arrays borrow M's strings. */
static int build_pb(struct ng_model *m, Sysrec__Model *pm)
{
	static char empty[] = "";

	sysrec__model__init(pm);
	if (ng_model_flush(m) < 0) {
		return -1;
	}
	ng_model_sort(m);
	pm->model_version = SR_MODEL_VERSION;
	pm->n = m->n;
	pm->abi = m->abi;
	pm->group_by = m->group_by;
	pm->traces = m->traces;
	pm->calls = m->calls;
	pm->sequences = m->sequences;
	pm->callsets = m->callsets;
	pm->n_sources = m->nsources;
	pm->sources = m->sources;
	pm->n_syscall_names = m->nnames;
	pm->syscall_names = calloc(m->nnames ? m->nnames : 1, sizeof(char *));
	pm->profiles = calloc(m->nprof ? m->nprof : 1, sizeof(*pm->profiles));
	if (!pm->syscall_names || !pm->profiles) {
		return -1;
	}
	for (size_t i = 0; i < m->nnames; i++) {
		pm->syscall_names[i] = m->names[i] ? m->names[i] : empty;
	}
	for (size_t i = 0; i < m->nprof; i++) {
		pm->profiles[i] = malloc(sizeof(**pm->profiles));
		if (!pm->profiles[i]) {
			return -1;
		}
		pm->n_profiles = i + 1;
		sysrec__profile__init(pm->profiles[i]);
		if (fill_profile(m, m->prof[i], pm->profiles[i]) < 0 ||
		    (m->callsets && fill_sets(m, m->prof[i], pm->profiles[i]) < 0)) {
			return -1;
		}
	}
	return 0;
}

enum sr_status model_encode(struct ng_model *m, void **buf, size_t *len, struct sr_error *err)
{
	Sysrec__Model pm;
	enum sr_status st;

	if (build_pb(m, &pm) < 0) {
		pb_free(&pm);
		return nomem(err);
	}
	st = sr_model_encode(&pm, 0, buf, len, err);
	pb_free(&pm);
	return st;
}

enum sr_status model_save(struct ng_model *m, const char *path, struct sr_error *err)
{
	Sysrec__Model pm;
	enum sr_status st;

	if (build_pb(m, &pm) < 0) {
		pb_free(&pm);
		return nomem(err);
	}
	st = sr_model_write(path, &pm, 0, err);
	pb_free(&pm);
	return st;
}

/* The profile's call sets into P; NULL, or why they cannot be used. */
static const char *read_sets(struct ng_model *m, const Sysrec__Profile *pp, struct ng_profile *p)
{
	size_t pos = 0;

	if (pp->n_set_sizes != pp->n_set_counts) {
		return "profile has a different number of call set sizes and counts";
	}
	for (size_t i = 0; i < pp->n_set_sizes; i++) {
		struct cs_set set = { { 0 } };

		if (!pp->set_counts[i]) {
			return "call set with a zero count";
		}
		if (pp->set_sizes[i] > pp->n_set_symbols - pos) {
			return "call sets hold more symbols than the profile has";
		}
		for (uint32_t q = 0; q < pp->set_sizes[i]; q++) {
			uint32_t s = pp->set_symbols[pos++];
			uint32_t id = s ? ng_model_id(m, s - 1) : NG_UNK;

			if (id == NG_UNK) {
				return s ? "too many distinct syscalls" : "call set holds symbol 0";
			}
			cs_set_add(&set, id);
		}
		if (cs_table_add(&p->sets, &set, pp->set_counts[i]) < 0) {
			return "out of memory";
		}
	}
	if (pos != pp->n_set_symbols) {
		return "call sets hold fewer symbols than the profile has";
	}
	return NULL;
}

static struct ng_model *from_pb(const Sysrec__Model *pm, struct sr_error *err)
{
	struct ng_model *m = NULL;
	const char *why = "out of memory";

	if (pm->n < 1 || pm->n > NG_MAX_N) {
		why = "window length n out of range";
		goto bad;
	}
	m = ng_model_new(pm->n, pm->abi, pm->group_by);
	if (!m) {
		goto bad;
	}
	m->traces = pm->traces;
	m->calls = pm->calls;
	m->sequences = pm->sequences;
	m->callsets = pm->callsets;
	if (ng_model_add_names(m, pm->syscall_names, pm->n_syscall_names) < 0) {
		goto bad;
	}
	for (size_t i = 0; i < pm->n_sources; i++) {
		if (ng_model_add_source(m, pm->sources[i]) < 0) {
			goto bad;
		}
	}
	ng_key mask = ng_key_mask(pm->n);
	for (size_t i = 0; i < pm->n_profiles; i++) {
		const Sysrec__Profile *pp = pm->profiles[i];
		struct ng_profile *p;

		if (pp->n_symbols != pp->n_counts * pm->n) {
			why = "profile has a symbol count that is not n per window";
			goto bad;
		}
		p = ng_model_profile(m, pp->name);
		if (!p) {
			goto bad;
		}
		p->calls += pp->calls;
		p->sequences += pp->sequences;
		p->processes += pp->processes;
		for (size_t w = 0; w < pp->n_counts; w++) {
			ng_key key = 0;

			if (!pp->counts[w]) {
				why = "window with a zero count";
				goto bad;
			}
			for (uint32_t q = 0; q < pm->n; q++) {
				uint32_t s = pp->symbols[w * pm->n + q];
				uint32_t id = s ? ng_model_id(m, s - 1) : NG_BOS;

				if (id == NG_UNK) {
					why = "too many distinct syscalls";
					goto bad;
				}
				key = ng_key_push(key, id, mask);
			}
			if (ng_table_add(&p->grams, key, pp->counts[w]) < 0) {
				goto bad;
			}
		}
		why = read_sets(m, pp, p);
		if (why) {
			goto bad;
		}
		why = "out of memory";
	}
	return m;
bad:
	ng_model_free(m);
	if (err) {
		memset(err, 0, sizeof(*err));
		err->status = strcmp(why, "out of memory") ? SR_CORRUPT : SR_NOMEM;
		snprintf(err->msg, sizeof(err->msg), "%s", why);
	}
	return NULL;
}

struct ng_model *model_decode(const void *buf, size_t len, struct sr_error *err)
{
	Sysrec__Model *pm = NULL;
	struct ng_model *m;

	if (sr_model_decode(buf, len, &pm, err) != SR_OK) {
		return NULL;
	}
	m = from_pb(pm, err);
	sr_model_free(pm);
	return m;
}

struct ng_model *model_load(const char *path, struct sr_error *err)
{
	Sysrec__Model *pm = NULL;
	struct ng_model *m;

	if (sr_model_read(path, &pm, err) != SR_OK) {
		return NULL;
	}
	m = from_pb(pm, err);
	sr_model_free(pm);
	return m;
}

