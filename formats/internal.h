/* SPDX-License-Identifier: MIT */
/*
 * Private helpers of libsysrec shared by the writer, the reader and the chunk
 * codecs: growable buffers, an arena, protobuf varints, frame constants.
 * Nothing here is part of the API (formats/sysrec.h is).
 */
#ifndef SYSREC_INTERNAL_H
#define SYSREC_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "sysrec.h"

#define SR_ZSTD_MAGIC 0xFD2FB528u   /* little endian on disk: 28 B5 2F FD */
#define SR_TRAILER_MAGIC "SRIX"
/* Largest decompressed frame a reader accepts (a writer cuts far below it). */
#define SR_MAX_CONTENT (256u << 20)
/* A writer cuts a chunk once its pending strings and messages reach this. */
#define SR_CHUNK_MAX_BYTES (8u << 20)

/* Frame.body field numbers, also IndexEntry.kind. */
enum sr_kind {
	SR_KIND_UNKNOWN = 0,
	SR_KIND_HEADER = 1,
	SR_KIND_CHUNK = 2,
	SR_KIND_TABLE = 3,
	SR_KIND_TOTALS = 4,
	SR_KIND_INDEX = 5,
};

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---- errors ---- */
enum sr_status sr_set_err(struct sr_error *err, enum sr_status st, int sys_errno, uint64_t offset,
			  uint64_t frame, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- growable byte buffer ---- */
struct sr_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

bool sr_buf_grow(struct sr_buf *b, size_t need);
static inline bool sr_buf_reserve(struct sr_buf *b, size_t extra)
{
	if (likely(b->len + extra <= b->cap)) {
		return true;
	}
	return sr_buf_grow(b, b->len + extra);
}
void sr_buf_free(struct sr_buf *b);

/* Grow a typed array to hold at least n elements (doubling). */
bool sr_array_grow(void **p, size_t *cap, size_t n, size_t elem);
#define SR_ARRAY_RESERVE(ptr, cap, n) \
	((n) <= (cap) || sr_array_grow((void **)&(ptr), &(cap), (n), sizeof(*(ptr))))

/* ---- bump arena, also usable as a ProtobufCAllocator ---- */
struct sr_arena_block;
struct sr_arena {
	struct sr_arena_block *head;
	size_t used;  /* bytes used in head */
	size_t total; /* bytes handed out since the last reset */
	ProtobufCAllocator pb;
};

void sr_arena_init(struct sr_arena *a);
void *sr_arena_alloc(struct sr_arena *a, size_t n);
char *sr_arena_strndup(struct sr_arena *a, const char *s, size_t n);
void sr_arena_reset(struct sr_arena *a);
void sr_arena_free(struct sr_arena *a);

/* ---- little endian ---- */
static inline uint32_t sr_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t sr_get_le64(const uint8_t *p)
{
	return (uint64_t)sr_get_le32(p) | (uint64_t)sr_get_le32(p + 4) << 32;
}

static inline void sr_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static inline void sr_put_le64(uint8_t *p, uint64_t v)
{
	sr_put_le32(p, (uint32_t)v);
	sr_put_le32(p + 4, (uint32_t)(v >> 32));
}

uint32_t sr_crc32(const void *p, size_t n);

/* ---- protobuf varints ---- */
static inline uint8_t *sr_put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)v | 0x80;
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline size_t sr_varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline uint64_t sr_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t sr_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Decode one varint from [*pp, end); false when malformed or cut. */
static inline bool sr_get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	int shift = 0;

	if (likely(p < end && *p < 0x80)) {
		*out = *p;
		*pp = p + 1;
		return true;
	}
	while (p < end && shift < 64) {
		uint8_t b = *p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			*pp = p;
			return true;
		}
		shift += 7;
	}
	return false;
}

/* ---- frame assembly shared by writer and tests ---- */
/*
 * Compress PAYLOAD (a serialized Frame) into OUT as a whole frame: length,
 * CRC-32, zstd frame. OUT is reset first.
 */
struct ZSTD_CCtx_s;
enum sr_status sr_frame_seal(struct ZSTD_CCtx_s *cctx, const uint8_t *payload, size_t n,
			     struct sr_buf *out, struct sr_error *err);

/* ---- chunk encoder (pending events of one chunk) ---- */
struct sr_chunk_enc;
struct sr_chunk_enc *sr_chunk_enc_new(bool args_captured);
void sr_chunk_enc_free(struct sr_chunk_enc *c);
bool sr_chunk_enc_syscall(struct sr_chunk_enc *c, const struct sr_syscall *sc);
bool sr_chunk_enc_proc(struct sr_chunk_enc *c, const struct sr_proc_event *ev);
bool sr_chunk_enc_sample(struct sr_chunk_enc *c, const struct sr_sample *s);
bool sr_chunk_enc_hostcpu(struct sr_chunk_enc *c, const struct sr_hostcpu *h);
bool sr_chunk_enc_loss(struct sr_chunk_enc *c, const struct sr_loss *l);
/* Pending events, and an estimate of their encoded bytes. */
size_t sr_chunk_enc_count(const struct sr_chunk_enc *c);
size_t sr_chunk_enc_bytes(const struct sr_chunk_enc *c);

struct sr_chunk_stats {
	uint64_t first_ns, last_ns;
	uint32_t syscalls, events;
	uint64_t proc_events, samples, lost, unfinished;
};
/*
 * Serialize the pending events as one Frame{chunk} message into OUT (reset
 * first), fill ST, and empty the encoder.
 */
bool sr_chunk_enc_finish(struct sr_chunk_enc *c, struct sr_buf *out, struct sr_chunk_stats *st);
/*
 * The same for the pending events before a time T, keeping the others as
 * the start of the next chunk: T is KEEP_NS, raised when needed so that at
 * most KEEP_MAX events are kept (events of one time stay together); every
 * event kept is later than every event written. KEEP_MAX 0 writes all.
 * When nothing would be written, OUT stays empty and ST->events is 0.
 */
bool sr_chunk_enc_finish_keep(struct sr_chunk_enc *c, struct sr_buf *out,
			      struct sr_chunk_stats *st, uint64_t keep_ns, size_t keep_max);

/* ---- chunk decoder ---- */
struct sr_chunk_dec {
	/* syscalls, in stored order (entry time) */
	size_t n;
	uint64_t *ts;
	uint64_t *dur;
	int64_t *ret;
	uint32_t *nr;
	uint32_t *thr;
	uint64_t *arg[6];
	bool has_args;
	size_t cap_ts, cap_dur, cap_ret, cap_nr, cap_thr, cap_arg[6];
	size_t n_dur, n_ret, n_nr, n_thr, n_arg[6];
	size_t n_gap;      /* entries of column 22 (thread_gap), parsed into ts */
	uint64_t *th_exit; /* per thread: exit of its previous syscall, for thread_gap */
	size_t cap_th_exit;
	uint64_t base_ns;
	/* threads table */
	uint32_t *tid, *tgid;
	size_t ntid, ntgid, cap_tid, cap_tgid;
	/* sparse flags, sorted by index */
	uint32_t *fidx, *fval;
	size_t nfidx, nfval, cap_fidx, cap_fval;
	/* strings table and sparse string arguments, sorted by (index, arg) */
	const char **str;
	size_t nstr, cap_str;
	uint32_t *sidx, *sarg, *sid;
	size_t nsidx, nsarg, nsid, cap_sidx, cap_sarg, cap_sid;
	/* other kinds, each sorted by time */
	Sysrec__ProcessEvent **pe;
	Sysrec__ProcSample **smp;
	Sysrec__HostCpuSample **cpu;
	Sysrec__Loss **loss;
	size_t npe, nsmp, ncpu, nloss, cap_pe, cap_smp, cap_cpu, cap_loss;
	struct sr_arena arena; /* strings and sub-messages of this chunk */
};

void sr_chunk_dec_init(struct sr_chunk_dec *d);
void sr_chunk_dec_free(struct sr_chunk_dec *d);
/* Decode a serialized Chunk message; false with MSG filled when malformed. */
bool sr_chunk_dec_parse(struct sr_chunk_dec *d, const uint8_t *p, size_t n, char *msg, size_t msgsz);

/* Skip one field of wire type WT; false when malformed. */
bool sr_pb_skip(const uint8_t **pp, const uint8_t *end, unsigned wt);

/* Header allocations registry (header.c). */
#endif /* SYSREC_INTERNAL_H */
