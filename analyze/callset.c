// SPDX-License-Identifier: MIT
/* Distinct-call sets, their deduplicating table and the Jaccard distance. */
#include <stdlib.h>
#include <string.h>

#include "callset.h"

uint32_t cs_set_size(const struct cs_set *s)
{
	uint32_t n = 0;

	for (int i = 0; i < CS_WORDS; i++) {
		n += (uint32_t)__builtin_popcountll(s->w[i]);
	}
	return n;
}

int cs_open_add_slow(struct cs_open *s, uint32_t id)
{
	if (!s->more) {
		s->more = calloc(1, sizeof(*s->more));
		if (!s->more) {
			return -1;
		}
	}
	cs_set_add(s->more, id);
	return 0;
}

void cs_open_get(const struct cs_open *s, struct cs_set *out)
{
	if (s->more) {
		*out = *s->more;
	} else {
		memset(out, 0, sizeof(*out));
	}
	for (int i = 0; i < CS_OPEN_WORDS; i++) {
		out->w[i] |= s->w[i];
	}
}

void cs_open_clear(struct cs_open *s)
{
	free(s->more);
	memset(s, 0, sizeof(*s));
}

static uint64_t set_hash(const struct cs_set *s)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < CS_WORDS; i++) {
		h = (h ^ s->w[i]) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return h;
}

void cs_table_free(struct cs_table *t)
{
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* The slot holding S, or the empty slot where it would go. */
static struct cs_entry *slot_of(const struct cs_table *t, const struct cs_set *s)
{
	size_t j = set_hash(s) & (t->cap - 1);

	while (t->e[j].count && memcmp(&t->e[j].set, s, sizeof(*s))) {
		j = (j + 1) & (t->cap - 1);
	}
	return &t->e[j];
}

static int table_resize(struct cs_table *t, size_t cap)
{
	struct cs_table nt = { calloc(cap, sizeof(*nt.e)), cap, t->len };

	if (!nt.e) {
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (t->e[i].count) {
			*slot_of(&nt, &t->e[i].set) = t->e[i];
		}
	}
	free(t->e);
	*t = nt;
	return 0;
}

int cs_table_add(struct cs_table *t, const struct cs_set *s, uint64_t count)
{
	struct cs_entry *e;

	/* load factor at most 1/2, as the n-gram tables */
	if ((t->len + 1) * 2 > t->cap && table_resize(t, t->cap ? t->cap * 2 : 16) < 0) {
		return -1;
	}
	e = slot_of(t, s);
	if (!e->count) {
		e->set = *s;
		e->size = cs_set_size(s);
		t->len++;
	}
	e->count += count;
	return 0;
}

uint64_t cs_table_count(const struct cs_table *t, const struct cs_set *s)
{
	return t->cap ? slot_of(t, s)->count : 0;
}

int cs_table_merge(struct cs_table *dst, const struct cs_table *src)
{
	for (size_t i = 0; i < src->cap; i++) {
		if (src->e[i].count && cs_table_add(dst, &src->e[i].set, src->e[i].count) < 0) {
			return -1;
		}
	}
	return 0;
}

double cs_table_distance(const struct cs_table *t, const struct cs_set *s)
{
	uint32_t na = cs_set_size(s);
	double best = 0;

	if (cs_table_count(t, s)) {
		return 0.0;
	}
	for (size_t i = 0; i < t->cap; i++) {
		const struct cs_entry *e = &t->e[i];
		uint32_t inter = 0, uni = 0;

		if (!e->count) {
			continue;
		}
		/* |A & B| / |A | B| <= min / max of the sizes: skip what cannot win */
		uint32_t lo = e->size < na ? e->size : na, hi = e->size < na ? na : e->size;
		if (hi && (double)lo / hi <= best) {
			continue;
		}
		for (int k = 0; k < CS_WORDS; k++) {
			inter += (uint32_t)__builtin_popcountll(s->w[k] & e->set.w[k]);
			uni += (uint32_t)__builtin_popcountll(s->w[k] | e->set.w[k]);
		}
		double j = uni ? (double)inter / uni : 1.0;
		if (j > best) {
			best = j;
		}
	}
	return 1.0 - best;
}
