/* SPDX-License-Identifier: MIT */
/*
 * The n-gram model: per-program tables of length-N syscall windows and their
 * counts (training, merging), and a scorer built from them (stide mismatch
 * and an interpolated modified Kneser-Ney language model, Chen and Goodman
 * 1998: three discounts per order from the count-of-counts).
 *
 * Syscall numbers are remapped to dense ids so that N of them pack into one
 * 128-bit key (NG_BITS bits each). Id 0 is the start-of-sequence padding
 * (BOS), id 1 an unknown syscall (never in training), ids 2.. are syscalls.
 * Each call adds exactly one key to the table: the window of the last N ids
 * ending at that call, left-padded with BOS at the start of a sequence. All
 * lower-order statistics the scorer needs are suffixes of these windows, so
 * training costs one hash update per call and memory grows with the number
 * of distinct windows only.
 */
#ifndef SYSREC_NGRAM_H
#define SYSREC_NGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callset.h"

#define NG_BITS 10
#define NG_MAX_N 12 /* 12 * NG_BITS <= 128 */
#define NG_MAX_SYMS (1u << NG_BITS)
#define NG_BOS 0u
#define NG_UNK 1u
#define NG_FIRST_ID 2u

_Static_assert(CS_WORDS * 64 == NG_MAX_SYMS, "a call set has one bit per dense id");

typedef unsigned __int128 ng_key;

/* Open-addressing table of keys with a 64-bit value; value 0 = empty slot. */
struct ng_slot {
	uint64_t lo, hi;
	uint64_t val;
};

struct ng_table {
	struct ng_slot *slot;
	size_t cap; /* power of two */
	size_t len;
	unsigned shift;
};

int ng_table_init(struct ng_table *t, size_t cap_hint);
void ng_table_free(struct ng_table *t);
/* Add V to KEY's value (inserting it); -1 when out of memory. */
int ng_table_add(struct ng_table *t, ng_key key, uint64_t v);
/* Value of KEY, or 0. */
uint64_t ng_table_get(const struct ng_table *t, ng_key key);
/* Remove KEY (nothing when absent). */
void ng_table_del(struct ng_table *t, ng_key key);

static inline ng_key ng_key_make(uint64_t lo, uint64_t hi)
{
	return ((ng_key)hi << 64) | lo;
}

static inline uint64_t ng_hash(ng_key k)
{
	uint64_t lo = (uint64_t)k, hi = (uint64_t)(k >> 64);
	uint64_t h = (lo ^ (hi * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;

	return h ^ (h >> 32);
}

/*
 * Training adds to a small direct-mapped cache of pending counts first: the
 * hot windows of a program stay in it (L2-sized), and only evictions touch
 * the big table. ng_model_flush() empties it into the table.
 */
#define NG_PENDING 4096

/* One program's profile: the counted windows plus bookkeeping. */
struct ng_profile {
	char *name;
	uint64_t calls;     /* syscalls counted */
	uint64_t sequences; /* thread sequences */
	uint64_t processes; /* processes that contributed */
	struct ng_table grams;
	struct ng_slot *pending; /* NG_PENDING slots, val 0 = free */
	struct cs_table sets;    /* distinct-call sets of its program segments */
};

struct ng_model {
	uint32_t n;
	char *abi;
	char *group_by;     /* "comm", "exe" or "global" */
	/* dense ids: sym_nr[id] = syscall number, for id >= NG_FIRST_ID */
	uint32_t nsyms;
	uint32_t sym_nr[NG_MAX_SYMS];
	uint16_t *id_of_nr; /* syscall number -> id (0 = none yet) */
	uint32_t id_cap;
	/* syscall names (index = number) from the training traces' headers */
	char **names;
	size_t nnames;
	/* training metadata */
	uint64_t traces;
	uint64_t calls;
	uint64_t sequences;
	char **sources; /* training files */
	size_t nsources, sources_cap;
	struct ng_profile **prof;
	size_t nprof, prof_cap;
	/* profiles hold call sets; false for a file written before sysrec kept
	 * them, and for any merge with such a file */
	bool callsets;
};

struct ng_model *ng_model_new(uint32_t n, const char *abi, const char *group_by);
void ng_model_free(struct ng_model *m);
/* Profile for NAME, created when missing (NULL only when out of memory). */
struct ng_profile *ng_model_profile(struct ng_model *m, const char *name);
/* Existing profile, or NULL. */
struct ng_profile *ng_model_find(const struct ng_model *m, const char *name);
/* Dense id of syscall NR, assigned on first sight; NG_UNK when the id space is full. */
uint32_t ng_model_id(struct ng_model *m, uint32_t nr);
/* Dense id without assigning (NG_UNK when unknown). */
static inline uint32_t ng_model_lookup(const struct ng_model *m, uint32_t nr)
{
	if (nr < m->id_cap && m->id_of_nr[nr]) {
		return m->id_of_nr[nr];
	}
	return NG_UNK;
}
int ng_model_add_source(struct ng_model *m, const char *src);
/* Copy syscall names (index = number) when the model has none for an index. */
int ng_model_add_names(struct ng_model *m, char *const *names, size_t n);
/* Sort profiles by name, sources by string (canonical order for writing). */
void ng_model_sort(struct ng_model *m);
/* Add every count and total of SRC into DST (same n). */
int ng_model_merge(struct ng_model *dst, const struct ng_model *src);

/* Key with N symbols from an array (oldest first). */
static inline ng_key ng_key_push(ng_key k, uint32_t id, ng_key mask)
{
	return ((k << NG_BITS) | id) & mask;
}
static inline ng_key ng_key_mask(uint32_t n)
{
	return n * NG_BITS >= 128 ? ~(ng_key)0 : (((ng_key)1 << (n * NG_BITS)) - 1);
}
static inline uint32_t ng_key_sym(ng_key k, uint32_t n, uint32_t i) /* i = 0 oldest */
{
	return (uint32_t)(k >> ((n - 1 - i) * NG_BITS)) & (NG_MAX_SYMS - 1);
}

/* Training state of one thread's sequence. */
struct ng_seq {
	ng_key key;
	uint64_t len;
	struct ng_profile *prof;
	struct cs_open *set; /* of the process's program segment, shared by its threads */
};

/* Move every pending count of the model's profiles into their tables. */
int ng_model_flush(struct ng_model *m);

static inline int ng_train_call(struct ng_model *m, struct ng_seq *s, uint32_t nr, ng_key mask)
{
	struct ng_profile *p = s->prof;
	uint32_t id = ng_model_lookup(m, nr);

	if (id == NG_UNK) {
		id = ng_model_id(m, nr);
	}
	s->key = ng_key_push(s->key, id, mask);
	s->len++;
	p->calls++;
	if (cs_open_add(s->set, id) < 0) {
		return -1;
	}

	uint64_t lo = (uint64_t)s->key, hi = (uint64_t)(s->key >> 64);
	struct ng_slot *c = &p->pending[ng_hash(s->key) & (NG_PENDING - 1)];
	if (c->val && c->lo == lo && c->hi == hi) {
		c->val++;
		return 0;
	}
	if (c->val && ng_table_add(&p->grams, ng_key_make(c->lo, c->hi), c->val) < 0) {
		return -1;
	}
	c->lo = lo;
	c->hi = hi;
	c->val = 1;
	return 0;
}

/* ---- scoring ---- */

struct ng_scorer;

/* Language-model statistics of one profile, built once per profile. */
struct ng_scorer *ng_scorer_new(const struct ng_model *m, const struct ng_profile *p);
void ng_scorer_free(struct ng_scorer *s);
/*
 * Look up the window KEY (model ids, n symbols): *seen tells whether training
 * had it (stide), the return value is the surprisal -log2 P(last | previous)
 * of the interpolated Kneser-Ney model. Unseen windows are computed once and
 * cached.
 */
double ng_scorer_window(struct ng_scorer *s, ng_key key, bool *seen);
/* The single Kneser-Ney discount n1/(n1+2n2) of order K (1..n); the modified
 * discounts D1, D2, D3+ derive from it and fall back to it when degenerate. */
double ng_scorer_discount(const struct ng_scorer *s, uint32_t k);

#endif
