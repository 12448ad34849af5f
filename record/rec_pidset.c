// SPDX-License-Identifier: MIT
/* A small open-addressing set of pids: the processes `record` follows. */
#include <stdlib.h>

#include "rec.h"

static uint32_t hash_pid(int32_t pid, uint32_t cap)
{
	return ((uint32_t)pid * 2654435761u) & (cap - 1);
}

static bool grow(struct pidset *s)
{
	uint32_t ncap = s->cap ? s->cap * 2 : 64;
	int32_t *ns = calloc(ncap, sizeof(*ns));

	if (!ns) {
		return false;
	}
	for (uint32_t i = 0; i < s->cap; i++) {
		int32_t p = s->slot[i];

		if (p > 0) {
			uint32_t h = hash_pid(p, ncap);

			while (ns[h]) {
				h = (h + 1) & (ncap - 1);
			}
			ns[h] = p;
		}
	}
	free(s->slot);
	s->slot = ns;
	s->cap = ncap;
	s->used = s->live;
	return true;
}

bool pidset_has(const struct pidset *s, int32_t pid)
{
	if (!s->cap || pid <= 0) {
		return false;
	}
	for (uint32_t h = hash_pid(pid, s->cap);; h = (h + 1) & (s->cap - 1)) {
		if (s->slot[h] == pid) {
			return true;
		}
		if (!s->slot[h]) {
			return false;
		}
	}
}

bool pidset_add(struct pidset *s, int32_t pid)
{
	uint32_t h;

	if (pid <= 0 || pidset_has(s, pid)) {
		return false;
	}
	/* Keep at most half the slots used (deleted ones count). */
	if ((s->used + 1) * 2 > s->cap && !grow(s)) {
		return false;
	}
	for (h = hash_pid(pid, s->cap); s->slot[h] > 0; h = (h + 1) & (s->cap - 1)) {
	}
	if (!s->slot[h]) {
		s->used++;
	}
	s->slot[h] = pid;
	s->live++;
	return true;
}

bool pidset_del(struct pidset *s, int32_t pid)
{
	if (!s->cap || pid <= 0) {
		return false;
	}
	for (uint32_t h = hash_pid(pid, s->cap);; h = (h + 1) & (s->cap - 1)) {
		if (s->slot[h] == pid) {
			s->slot[h] = -1;
			s->live--;
			return true;
		}
		if (!s->slot[h]) {
			return false;
		}
	}
}

int32_t pidset_next(const struct pidset *s, uint32_t *pos)
{
	while (*pos < s->cap) {
		int32_t p = s->slot[(*pos)++];

		if (p > 0) {
			return p;
		}
	}
	return 0;
}

void pidset_free(struct pidset *s)
{
	free(s->slot);
	s->slot = NULL;
	s->cap = s->used = s->live = 0;
}
