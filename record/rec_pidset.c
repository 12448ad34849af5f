// SPDX-License-Identifier: MIT
/* A small open-addressing set of pids: the processes `record` follows. */
#include <stdlib.h>
#include <string.h>

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

/* ---- last memory figures per process ---- */

static bool pidmem_grow(struct pidmem *m)
{
	uint32_t ncap = m->cap ? m->cap * 2 : 64;
	struct pidmem_ent *ne = calloc(ncap, sizeof(*ne));

	if (!ne) {
		return false;
	}
	for (uint32_t i = 0; i < m->cap; i++) {
		if (m->ent[i].pid > 0) {
			uint32_t h = hash_pid(m->ent[i].pid, ncap);

			while (ne[h].pid) {
				h = (h + 1) & (ncap - 1);
			}
			ne[h] = m->ent[i];
		}
	}
	free(m->ent);
	m->ent = ne;
	m->cap = ncap;
	m->used = m->live;
	return true;
}

struct pidmem_ent *pidmem_get(const struct pidmem *m, int32_t pid)
{
	if (!m->cap || pid <= 0) {
		return NULL;
	}
	for (uint32_t h = hash_pid(pid, m->cap);; h = (h + 1) & (m->cap - 1)) {
		if (m->ent[h].pid == pid) {
			return &m->ent[h];
		}
		if (!m->ent[h].pid) {
			return NULL;
		}
	}
}

struct pidmem_ent *pidmem_put(struct pidmem *m, int32_t pid)
{
	struct pidmem_ent *e = pidmem_get(m, pid);
	uint32_t h;

	if (e || pid <= 0) {
		return e;
	}
	/* At most half the slots used (deleted ones count), as in pidset. */
	if ((m->used + 1) * 2 > m->cap && !pidmem_grow(m)) {
		return NULL;
	}
	for (h = hash_pid(pid, m->cap); m->ent[h].pid > 0; h = (h + 1) & (m->cap - 1)) {
	}
	if (!m->ent[h].pid) {
		m->used++;
	}
	m->live++;
	memset(&m->ent[h], 0, sizeof(m->ent[h]));
	m->ent[h].pid = pid;
	return &m->ent[h];
}

void pidmem_del(struct pidmem *m, int32_t pid)
{
	struct pidmem_ent *e = pidmem_get(m, pid);

	if (e) {
		e->pid = -1;
		m->live--;
	}
}

void pidmem_free(struct pidmem *m)
{
	free(m->ent);
	memset(m, 0, sizeof(*m));
}
