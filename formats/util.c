// SPDX-License-Identifier: MIT
/* Small building blocks of libsysrec: errors, buffers, arena, CRC, frame sealing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include "internal.h"

enum sr_status sr_set_err(struct sr_error *err, enum sr_status st, int sys_errno, uint64_t offset,
			  uint64_t frame, const char *fmt, ...)
{
	va_list ap;

	if (!err) {
		return st;
	}
	err->status = st;
	err->sys_errno = sys_errno;
	err->offset = offset;
	err->frame = frame;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return st;
}

bool sr_buf_grow(struct sr_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	while (cap < need) {
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (!p) {
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void sr_buf_free(struct sr_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

bool sr_array_grow(void **p, size_t *cap, size_t n, size_t elem)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	while (c < n) {
		c *= 2;
	}
	q = realloc(*p, c * elem);
	if (!q) {
		return false;
	}
	*p = q;
	*cap = c;
	return true;
}

/* ---- arena: a list of blocks; reset keeps the largest block for reuse ---- */
struct sr_arena_block {
	struct sr_arena_block *next;
	size_t size;
	max_align_t data[];
};

static void *arena_pb_alloc(void *data, size_t n)
{
	return sr_arena_alloc(data, n);
}

static void arena_pb_free(void *data, void *p)
{
	/* freed all at once by sr_arena_reset */
}

void sr_arena_init(struct sr_arena *a)
{
	memset(a, 0, sizeof(*a));
	a->pb.alloc = arena_pb_alloc;
	a->pb.free = arena_pb_free;
	a->pb.allocator_data = a;
}

void *sr_arena_alloc(struct sr_arena *a, size_t n)
{
	struct sr_arena_block *b = a->head;
	size_t need = (n + 15) & ~(size_t)15;
	void *p;

	if (need < n) {
		return NULL;
	}
	if (!b || a->used + need > b->size) {
		size_t size = b ? b->size * 2 : 64 * 1024;

		while (size < need) {
			size *= 2;
		}
		b = malloc(sizeof(*b) + size);
		if (!b) {
			return NULL;
		}
		b->size = size;
		b->next = a->head;
		a->head = b;
		a->used = 0;
	}
	p = (char *)b->data + a->used;
	a->used += need;
	a->total += need;
	return p;
}

char *sr_arena_strndup(struct sr_arena *a, const char *s, size_t n)
{
	char *p = sr_arena_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void sr_arena_reset(struct sr_arena *a)
{
	struct sr_arena_block *b = a->head, *next;

	if (!b) {
		return;
	}
	/* keep the newest (largest) block */
	next = b->next;
	b->next = NULL;
	while (next) {
		struct sr_arena_block *n2 = next->next;

		free(next);
		next = n2;
	}
	a->used = 0;
	a->total = 0;
}

void sr_arena_free(struct sr_arena *a)
{
	struct sr_arena_block *b = a->head;

	while (b) {
		struct sr_arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = a->total = 0;
}

uint32_t sr_crc32(const void *p, size_t n)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	const Bytef *q = p;

	/* zlib takes uInt lengths */
	while (n > 0) {
		uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;

		crc = crc32(crc, q, k);
		q += k;
		n -= k;
	}
	return (uint32_t)crc;
}

enum sr_status sr_frame_seal(struct ZSTD_CCtx_s *cctx, const uint8_t *payload, size_t n,
			     struct sr_buf *out, struct sr_error *err)
{
	size_t bound = ZSTD_compressBound(n);
	size_t z;

	out->len = 0;
	if (!sr_buf_reserve(out, SR_FRAME_HEADER_SIZE + bound)) {
		return sr_set_err(err, SR_NOMEM, ENOMEM, 0, 0, "out of memory compressing a frame");
	}
	z = ZSTD_compress2(cctx, out->p + SR_FRAME_HEADER_SIZE, bound, payload, n);
	if (ZSTD_isError(z)) {
		return sr_set_err(err, SR_IO, 0, 0, 0, "zstd compression failed: %s",
				  ZSTD_getErrorName(z));
	}
	if (z > SR_MAX_FRAME) {
		return sr_set_err(err, SR_INVALID, 0, 0, 0,
				  "frame of %zu compressed bytes exceeds the %u byte limit", z,
				  SR_MAX_FRAME);
	}
	sr_put_le32(out->p, (uint32_t)z);
	sr_put_le32(out->p + 4, sr_crc32(out->p + SR_FRAME_HEADER_SIZE, z));
	out->len = SR_FRAME_HEADER_SIZE + z;
	return SR_OK;
}

bool sr_pb_skip(const uint8_t **pp, const uint8_t *end, unsigned wt)
{
	uint64_t v;

	switch (wt) {
	case 0:
		return sr_get_varint(pp, end, &v);
	case 1:
		if (end - *pp < 8) {
			return false;
		}
		*pp += 8;
		return true;
	case 2:
		if (!sr_get_varint(pp, end, &v) || v > (uint64_t)(end - *pp)) {
			return false;
		}
		*pp += v;
		return true;
	case 5:
		if (end - *pp < 4) {
			return false;
		}
		*pp += 4;
		return true;
	default:
		return false; /* groups are not used by proto3 */
	}
}
