/* SPDX-License-Identifier: MIT */
/*
 * Distinct-call sets: which syscalls a process made while it ran one program
 * (a program segment: from its start or an exec to its next exec or end),
 * as a bitset over the model's dense syscall ids. A profile keeps the sets of
 * its training processes, deduplicated with how many processes had each; a
 * scored process's set is compared with them by Jaccard similarity
 * |A & B| / |A | B| (the "callset" score is 1 - the best similarity).
 */
#ifndef SYSREC_CALLSET_H
#define SYSREC_CALLSET_H

#include <stddef.h>
#include <stdint.h>

#define CS_WORDS 16 /* 1024 bits: one per dense id (NG_MAX_SYMS) */

struct cs_set {
	uint64_t w[CS_WORDS];
};

static inline void cs_set_add(struct cs_set *s, uint32_t id)
{
	s->w[id >> 6] |= 1ull << (id & 63);
}

static inline int cs_set_has(const struct cs_set *s, uint32_t id)
{
	return (s->w[id >> 6] >> (id & 63)) & 1;
}

uint32_t cs_set_size(const struct cs_set *s);

/*
 * A set being filled call by call, for a segment still running. Dense ids
 * follow first sight, so a process's calls nearly all have small ids: those
 * below CS_OPEN_BITS live in place and the full bitset is allocated only on
 * the first larger id. Every process of a trace may have a segment open at
 * once (a trace need not say when a process ends), so this keeps them small.
 */
#define CS_OPEN_WORDS 2
#define CS_OPEN_BITS (CS_OPEN_WORDS * 64)

struct cs_open {
	uint64_t w[CS_OPEN_WORDS];
	struct cs_set *more; /* NULL until an id >= CS_OPEN_BITS is added */
};

int cs_open_add_slow(struct cs_open *s, uint32_t id);

/* Add ID; -1 when out of memory. */
static inline int cs_open_add(struct cs_open *s, uint32_t id)
{
	if (id < CS_OPEN_BITS) {
		s->w[id >> 6] |= 1ull << (id & 63);
		return 0;
	}
	return cs_open_add_slow(s, id);
}

/* The whole set into OUT. */
void cs_open_get(const struct cs_open *s, struct cs_set *out);
/* Empty S, releasing its memory. */
void cs_open_clear(struct cs_open *s);

/* Open-addressing table of sets with their counts; count 0 = empty slot. */
struct cs_entry {
	struct cs_set set;
	uint64_t count;
	uint32_t size; /* elements of set */
};

struct cs_table {
	struct cs_entry *e;
	size_t cap; /* power of two, 0 before the first add */
	size_t len;
};

void cs_table_free(struct cs_table *t);
/* Add COUNT processes having set S; -1 when out of memory. */
int cs_table_add(struct cs_table *t, const struct cs_set *s, uint64_t count);
/* How many processes had exactly S (0 when none). */
uint64_t cs_table_count(const struct cs_table *t, const struct cs_set *s);
/* Add every set of SRC with its count into DST. */
int cs_table_merge(struct cs_table *dst, const struct cs_table *src);
/*
 * 1 - the highest Jaccard similarity between S and a set of T: 0 when T
 * holds S exactly, 1 when T is empty or no set shares an element with S.
 */
double cs_table_distance(const struct cs_table *t, const struct cs_set *s);

#endif
