// SPDX-License-Identifier: MIT
/*
 * Trace reader: preamble, then frames one after the other (no seeking, so
 * pipes work), each checked (length, CRC-32), decompressed into a reused
 * buffer and decoded. Chunks are decoded into reusable columns and their
 * events handed out merged by time. Damage is reported once per damaged
 * place and reading goes on at the next frame that checks out.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "internal.h"

enum cur { CUR_NONE, CUR_CHUNK, CUR_TABLE };

struct idx_ent {
	uint64_t off;
	uint64_t first, last;
	uint32_t kind;
	bool known; /* kind and time range known (footer, or probed) */
};

struct sr_reader {
	int fd;
	bool own_fd;
	bool is_mem;
	bool seekable;
	uint64_t base; /* fd offset where the trace starts */
	uint64_t size; /* whole size when known (mem, regular file) */

	/* input window: bytes [boff, boff + blen) of the trace are at win */
	const uint8_t *win;
	struct sr_buf buf; /* fd mode storage of the window */
	uint64_t boff;
	size_t blen;
	bool eof;

	uint64_t pos;      /* offset of the next frame */
	uint64_t frame_no; /* number of the next frame */
	bool done;
	bool seen_totals;

	ZSTD_DCtx *dctx;
	struct sr_buf zout;  /* decompressed frame */
	struct sr_buf raw;   /* scratch for reads at an offset */

	Sysrec__Header *hdr;
	Sysrec__Totals *totals;

	struct sr_chunk_dec dec;
	struct sr_arena tarena; /* process table */
	Sysrec__ProcessTable *table;
	size_t itab;

	enum cur cur;
	size_t isc, ipe, ismp, icpu, iloss, iflag, istr;
	uint64_t other_ts;
	int other_kind;

	bool has_pending;
	struct sr_error pending;

	struct sr_reader_stats st;

	struct idx_ent *idx;
	size_t nidx, cap_idx;
	bool idx_loaded;
};

/* ---- input ---- */

/*
 * Make bytes [off, off + n) available if the input has them; returns a
 * pointer to offset OFF and the number of bytes available from there
 * (at least n unless the input ends). Invalidates earlier pointers.
 */
static const uint8_t *in_get(struct sr_reader *r, uint64_t off, size_t n, size_t *avail,
			     int *sys_errno)
{
	*sys_errno = 0;
	if (r->is_mem) {
		if (off >= r->size) {
			*avail = 0;
			return r->win + r->size;
		}
		*avail = r->size - off;
		return r->win + off;
	}
	if (off < r->boff || off > r->boff + r->blen) {
		/* outside the window (after a seek): restart the window there */
		if (!r->seekable || lseek(r->fd, (off_t)(r->base + off), SEEK_SET) < 0) {
			*sys_errno = r->seekable ? errno : ESPIPE;
			*avail = 0;
			return NULL;
		}
		r->boff = off;
		r->blen = 0;
		r->eof = false;
	}
	size_t skip = off - r->boff;
	size_t have = r->blen - skip;

	if (have >= n || r->eof) {
		*avail = have;
		return r->buf.p + skip;
	}
	/* drop consumed bytes so the buffer does not grow without bound */
	if (skip) {
		memmove(r->buf.p, r->buf.p + skip, have);
		r->boff = off;
		r->blen = have;
		skip = 0;
	}
	size_t want = n > (1u << 20) ? n : (1u << 20);

	if (r->buf.cap < want) {
		r->buf.len = r->blen;
		if (!sr_buf_grow(&r->buf, want)) {
			*sys_errno = ENOMEM;
			*avail = have;
			return r->buf.p;
		}
	}
	while (r->blen < n) {
		ssize_t k = read(r->fd, r->buf.p + r->blen, r->buf.cap - r->blen);

		if (k < 0) {
			if (errno == EINTR) {
				continue;
			}
			*sys_errno = errno;
			break;
		}
		if (k == 0) {
			r->eof = true;
			break;
		}
		r->blen += k;
	}
	*avail = r->blen;
	return r->buf.p;
}

/* Read N bytes at OFF into r->raw (seekable inputs); false if not all there. */
static bool read_at(struct sr_reader *r, uint64_t off, size_t n, const uint8_t **out)
{
	if (r->is_mem) {
		if (off > r->size || n > r->size - off) {
			return false;
		}
		*out = r->win + off;
		return true;
	}
	r->raw.len = 0;
	if (!sr_buf_reserve(&r->raw, n ? n : 1)) {
		return false;
	}
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(r->fd, r->raw.p + got, n - got, (off_t)(r->base + off + got));

		if (k < 0 && errno == EINTR) {
			continue;
		}
		if (k <= 0) {
			return false;
		}
		got += k;
	}
	*out = r->raw.p;
	return true;
}

/* ---- frames ---- */

static enum sr_status damage(struct sr_reader *r, struct sr_error *err, enum sr_status st,
			     uint64_t off, uint64_t frame, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static enum sr_status damage(struct sr_reader *r, struct sr_error *err, enum sr_status st,
			     uint64_t off, uint64_t frame, const char *fmt, ...)
{
	va_list ap;

	r->st.damaged++;
	if (err) {
		err->status = st;
		err->sys_errno = 0;
		err->offset = off;
		err->frame = frame;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Is there a whole frame with a good CRC (or a trailer) at OFF? */
static bool frame_ok_at(struct sr_reader *r, uint64_t off)
{
	const uint8_t *h;
	size_t av;
	int e;
	uint32_t len;

	h = in_get(r, off, SR_FRAME_HEADER_SIZE + 4, &av, &e);
	if (!h || av < SR_FRAME_HEADER_SIZE) {
		return false;
	}
	len = sr_get_le32(h);
	if (len == 0) {
		h = in_get(r, off, SR_TRAILER_SIZE, &av, &e);
		return h && av >= SR_TRAILER_SIZE && !memcmp(h + 4, SR_TRAILER_MAGIC, 4) &&
		       sr_get_le64(h + 8) < off;
	}
	if (len > SR_MAX_FRAME || av < 12 || sr_get_le32(h + 8) != SR_ZSTD_MAGIC) {
		return false;
	}
	h = in_get(r, off, SR_FRAME_HEADER_SIZE + (size_t)len, &av, &e);
	if (!h || av < SR_FRAME_HEADER_SIZE + (size_t)len) {
		return false;
	}
	return sr_crc32(h + SR_FRAME_HEADER_SIZE, len) == sr_get_le32(h + 4);
}

/*
 * Find the next place at or after FROM where a whole good frame (or the
 * trailer) starts. Returns its offset, or UINT64_MAX when the input ends first.
 */
static uint64_t resync(struct sr_reader *r, uint64_t from)
{
	static const uint8_t zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	uint64_t p = from;

	for (;;) {
		const uint8_t *w;
		size_t av;
		int e;

		w = in_get(r, p, 1u << 16, &av, &e);
		if (!w || av < SR_FRAME_HEADER_SIZE + 4) {
			return UINT64_MAX;
		}
		/* candidates: zstd magic at +8, or "SRIX" at +4 */
		const uint8_t *z = memmem(w + 8, av - 8, zmagic, 4);
		const uint8_t *t = memmem(w + 4, av - 4, SR_TRAILER_MAGIC, 4);
		uint64_t cz = z ? p + (uint64_t)(z - w) - 8 : UINT64_MAX;
		uint64_t ct = t ? p + (uint64_t)(t - w) - 4 : UINT64_MAX;
		uint64_t c = cz < ct ? cz : ct;

		if (c == UINT64_MAX) {
			/* no candidate starts before p + av - 11 */
			p += av - 11;
			continue;
		}
		if (frame_ok_at(r, c)) {
			return c;
		}
		p = c + 1;
	}
}

/* Decompress a payload into r->zout; false with MSG when it is not valid zstd. */
static bool decompress(struct sr_reader *r, const uint8_t *src, size_t n, char *msg, size_t msgsz)
{
	unsigned long long cs = ZSTD_getFrameContentSize(src, n);
	size_t z;

	if (cs == ZSTD_CONTENTSIZE_ERROR) {
		snprintf(msg, msgsz, "payload is not a zstd frame");
		return false;
	}
	if (cs != ZSTD_CONTENTSIZE_UNKNOWN) {
		if (cs > SR_MAX_CONTENT) {
			snprintf(msg, msgsz, "zstd frame claims %llu bytes (limit %u)", cs,
				 SR_MAX_CONTENT);
			return false;
		}
		r->zout.len = 0;
		if (!sr_buf_reserve(&r->zout, cs ? cs : 1)) {
			snprintf(msg, msgsz, "out of memory for %llu bytes", cs);
			return false;
		}
		z = ZSTD_decompressDCtx(r->dctx, r->zout.p, cs, src, n);
		if (ZSTD_isError(z) || z != cs) {
			snprintf(msg, msgsz, "zstd: %s",
				 ZSTD_isError(z) ? ZSTD_getErrorName(z) : "short content");
			return false;
		}
		r->zout.len = z;
		return true;
	}
	/* size not recorded: stream, growing the output */
	ZSTD_inBuffer in = { src, n, 0 };

	ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
	r->zout.len = 0;
	for (;;) {
		if (!sr_buf_reserve(&r->zout, 1u << 16)) {
			snprintf(msg, msgsz, "out of memory");
			return false;
		}
		ZSTD_outBuffer out = { r->zout.p, r->zout.cap, r->zout.len };

		z = ZSTD_decompressStream(r->dctx, &out, &in);
		r->zout.len = out.pos;
		if (ZSTD_isError(z)) {
			snprintf(msg, msgsz, "zstd: %s", ZSTD_getErrorName(z));
			return false;
		}
		if (z == 0) {
			return true;
		}
		if (in.pos == in.size && out.pos < out.size) {
			snprintf(msg, msgsz, "zstd frame is cut");
			return false;
		}
		if (r->zout.len > SR_MAX_CONTENT) {
			snprintf(msg, msgsz, "zstd frame exceeds %u bytes", SR_MAX_CONTENT);
			return false;
		}
	}
}

/* Find the Frame body: kind (field number) and its bytes. Kind 0 = unknown. */
static bool frame_body(const uint8_t *p, size_t n, unsigned *kind, const uint8_t **body,
		       size_t *blen)
{
	const uint8_t *end = p + n;

	*kind = 0;
	*body = NULL;
	*blen = 0;
	while (p < end) {
		uint64_t tag, len;
		unsigned field, wt;

		if (!sr_get_varint(&p, end, &tag)) {
			return false;
		}
		field = tag >> 3 > 1000 ? 1000 : (unsigned)(tag >> 3);
		wt = tag & 7;
		if (field >= SR_KIND_HEADER && field <= SR_KIND_INDEX && wt == 2) {
			if (!sr_get_varint(&p, end, &len) || len > (uint64_t)(end - p)) {
				return false;
			}
			*kind = field;
			*body = p;
			*blen = len;
			p += len;
			continue;
		}
		if (field == 0 || !sr_pb_skip(&p, end, wt)) {
			return false;
		}
	}
	return true;
}

static void reset_delivery(struct sr_reader *r)
{
	r->cur = CUR_NONE;
	r->isc = r->ipe = r->ismp = r->icpu = r->iloss = r->iflag = r->istr = 0;
	r->itab = 0;
}

static void update_other(struct sr_reader *r)
{
	const struct sr_chunk_dec *d = &r->dec;
	uint64_t t = UINT64_MAX;
	int k = 0;

	if (r->ipe < d->npe) {
		t = d->pe[r->ipe]->ts_ns;
		k = 1;
	}
	/* k == 0: none yet (an event at UINT64_MAX is an event too) */
	if (r->ismp < d->nsmp && (!k || d->smp[r->ismp]->ts_ns < t)) {
		t = d->smp[r->ismp]->ts_ns;
		k = 2;
	}
	if (r->icpu < d->ncpu && (!k || d->cpu[r->icpu]->ts_ns < t)) {
		t = d->cpu[r->icpu]->ts_ns;
		k = 3;
	}
	if (r->iloss < d->nloss && (!k || d->loss[r->iloss]->first_ns < t)) {
		t = d->loss[r->iloss]->first_ns;
		k = 4;
	}
	r->other_ts = t;
	r->other_kind = k;
}

/*
 * Read one frame (or one damaged place) and act on it: a chunk or process
 * table becomes the current source of events, header/totals are kept.
 */
static enum sr_status read_frame(struct sr_reader *r, struct sr_error *err)
{
	const uint8_t *h;
	size_t av;
	int e;
	uint64_t off = r->pos, fno = r->frame_no;
	uint32_t len;
	char msg[200];

	if (r->done) {
		return SR_END;
	}
	h = in_get(r, off, SR_FRAME_HEADER_SIZE, &av, &e);
	if (e && e != ENOMEM) {
		return sr_set_err(err, SR_IO, e, off, fno, "read failed: %s", strerror(e));
	}
	if (e == ENOMEM) {
		return sr_set_err(err, SR_NOMEM, ENOMEM, off, fno, "out of memory");
	}
	if (av == 0) {
		/* every complete trace ends with a trailer */
		r->done = true;
		if (!r->seen_totals) {
			return damage(r, err, SR_TRUNCATED, off, fno,
				      "trace ends after %llu frames without totals "
				      "(recording was interrupted?)", (unsigned long long)fno);
		}
		return damage(r, err, SR_TRUNCATED, off, fno, "trace ends without its trailer");
	}
	if (av < SR_FRAME_HEADER_SIZE) {
		r->done = true;
		r->st.skipped_bytes += av;
		return damage(r, err, SR_TRUNCATED, off, fno,
			      "trace is cut inside a frame header (%zu of 8 bytes)", av);
	}
	len = sr_get_le32(h);
	if (len == 0) {
		h = in_get(r, off, SR_TRAILER_SIZE, &av, &e);
		if (av < SR_TRAILER_SIZE) {
			r->done = true;
			return damage(r, err, SR_TRUNCATED, off, fno,
				      "trace is cut inside the trailer (%zu of 16 bytes)", av);
		}
		if (!memcmp(h + 4, SR_TRAILER_MAGIC, 4)) {
			r->done = true;
			r->st.bytes = off + SR_TRAILER_SIZE;
			return SR_END;
		}
		snprintf(msg, sizeof(msg), "bad frame length 0");
		goto resync;
	}
	if (len > SR_MAX_FRAME) {
		snprintf(msg, sizeof(msg), "bad frame length %u (limit %u)", len, SR_MAX_FRAME);
		goto resync;
	}
	h = in_get(r, off, SR_FRAME_HEADER_SIZE + (size_t)len, &av, &e);
	if (e == ENOMEM) {
		return sr_set_err(err, SR_NOMEM, ENOMEM, off, fno, "out of memory");
	}
	if (e) {
		return sr_set_err(err, SR_IO, e, off, fno, "read failed: %s", strerror(e));
	}
	if (av < SR_FRAME_HEADER_SIZE + (size_t)len) {
		/* a cut, unless a good frame follows (then the length was bad) */
		size_t have = av;
		uint64_t next = resync(r, off + 1);

		if (next == UINT64_MAX) {
			r->done = true;
			r->st.skipped_bytes += have;
			return damage(r, err, SR_TRUNCATED, off, fno,
				      "trace is cut inside a frame: %u bytes announced, %zu present",
				      len, have - SR_FRAME_HEADER_SIZE);
		}
		r->st.skipped_bytes += next - off;
		r->pos = next;
		r->frame_no++;
		return damage(r, err, SR_CORRUPT, off, fno,
			      "bad frame length %u (runs past the end); skipped %llu bytes", len,
			      (unsigned long long)(next - off));
	}
	if (sr_crc32(h + SR_FRAME_HEADER_SIZE, len) != sr_get_le32(h + 4)) {
		snprintf(msg, sizeof(msg), "checksum mismatch in frame of %u bytes", len);
		goto resync;
	}

	/* a whole frame */
	r->pos = off + SR_FRAME_HEADER_SIZE + len;
	r->frame_no++;
	r->st.frames++;
	r->st.bytes = r->pos;
	{
		unsigned kind;
		const uint8_t *body;
		size_t blen;

		if (!decompress(r, h + SR_FRAME_HEADER_SIZE, len, msg, sizeof(msg))) {
			return damage(r, err, SR_CORRUPT, off, fno, "%s", msg);
		}
		if (!frame_body(r->zout.p, r->zout.len, &kind, &body, &blen)) {
			return damage(r, err, SR_CORRUPT, off, fno, "bad protobuf Frame message");
		}
		switch (kind) {
		case SR_KIND_CHUNK:
			reset_delivery(r);
			if (!sr_chunk_dec_parse(&r->dec, body, blen, msg, sizeof(msg))) {
				return damage(r, err, SR_CORRUPT, off, fno, "%s", msg);
			}
			r->cur = CUR_CHUNK;
			update_other(r);
			return SR_OK;
		case SR_KIND_TABLE:
			reset_delivery(r);
			sr_arena_reset(&r->tarena);
			r->table = sysrec__process_table__unpack(&r->tarena.pb, blen, body);
			if (!r->table) {
				return damage(r, err, SR_CORRUPT, off, fno, "bad ProcessTable message");
			}
			r->cur = CUR_TABLE;
			return SR_OK;
		case SR_KIND_HEADER: {
			Sysrec__Header *hd = sysrec__header__unpack(NULL, blen, body);

			if (!hd) {
				return damage(r, err, SR_CORRUPT, off, fno, "bad Header message");
			}
			if (r->hdr) {
				/* a later header (concatenated files): the first one stays */
				sysrec__header__free_unpacked(hd, NULL);
			} else {
				r->hdr = hd;
			}
			return SR_OK;
		}
		case SR_KIND_TOTALS: {
			Sysrec__Totals *t = sysrec__totals__unpack(NULL, blen, body);

			if (!t) {
				return damage(r, err, SR_CORRUPT, off, fno, "bad Totals message");
			}
			if (r->totals) {
				sysrec__totals__free_unpacked(r->totals, NULL);
			}
			r->totals = t;
			r->seen_totals = true;
			return SR_OK;
		}
		case SR_KIND_INDEX:
			return SR_OK;
		default:
			r->st.unknown_frames++;
			return SR_OK;
		}
	}

resync:
	{
		uint64_t next = resync(r, off + 1);

		if (next == UINT64_MAX) {
			in_get(r, off, 0, &av, &e);
			r->done = true;
			r->st.skipped_bytes += av;
			return damage(r, err, SR_CORRUPT, off, fno, "%s; nothing readable after it",
				      msg);
		}
		r->st.skipped_bytes += next - off;
		r->pos = next;
		r->frame_no++;
		return damage(r, err, SR_CORRUPT, off, fno, "%s; skipped %llu bytes", msg,
			      (unsigned long long)(next - off));
	}
}

/* ---- open/close ---- */

static struct sr_reader *reader_new(void)
{
	struct sr_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		return NULL;
	}
	r->fd = -1;
	r->dctx = ZSTD_createDCtx();
	if (!r->dctx) {
		free(r);
		return NULL;
	}
	sr_chunk_dec_init(&r->dec);
	sr_arena_init(&r->tarena);
	return r;
}

static struct sr_reader *reader_start(struct sr_reader *r, struct sr_error *err)
{
	const uint8_t *h;
	size_t av;
	int e;
	enum sr_status st;

	h = in_get(r, 0, SR_PREAMBLE_SIZE, &av, &e);
	if (e) {
		sr_set_err(err, e == ENOMEM ? SR_NOMEM : SR_IO, e, 0, 0, "read failed: %s",
			   strerror(e));
		goto fail;
	}
	if (av < SR_PREAMBLE_SIZE) {
		if (av == 0) {
			sr_set_err(err, SR_TRUNCATED, 0, 0, 0, "empty file");
		} else if (!memcmp(h, SR_MAGIC, av < 8 ? av : 8)) {
			sr_set_err(err, SR_TRUNCATED, 0, 0, 0,
				   "trace is cut inside the preamble (%zu of 16 bytes)", av);
		} else {
			sr_set_err(err, SR_VERSION, 0, 0, 0, "not a sysrec trace (bad magic)");
		}
		goto fail;
	}
	if (memcmp(h, SR_MAGIC, 8)) {
		sr_set_err(err, SR_VERSION, 0, 0, 0, "not a sysrec trace (bad magic)");
		goto fail;
	}
	uint32_t major = sr_get_le32(h + 8);

	if (major == 0 || major > SR_FORMAT_VERSION) {
		sr_set_err(err, SR_VERSION, 0, 8, 0,
			   "trace format version %u is not supported (this reader knows %u)", major,
			   SR_FORMAT_VERSION);
		goto fail;
	}
	r->pos = SR_PREAMBLE_SIZE;
	r->st.bytes = SR_PREAMBLE_SIZE;

	/* the header frame; damage there is reported by the first sr_reader_next() */
	st = read_frame(r, &r->pending);
	if (st == SR_IO || st == SR_NOMEM) {
		if (err) {
			*err = r->pending;
		}
		goto fail;
	}
	if (st == SR_TRUNCATED || st == SR_CORRUPT) {
		r->has_pending = true;
	} else if (!r->hdr) {
		r->has_pending = true;
		r->st.damaged++;
		sr_set_err(&r->pending, SR_CORRUPT, 0, SR_PREAMBLE_SIZE, 0,
			   "the trace has no header frame");
	}
	return r;
fail:
	sr_reader_close(r);
	return NULL;
}

struct sr_reader *sr_reader_open_fd(int fd, struct sr_error *err)
{
	struct sr_reader *r = reader_new();
	struct stat sb;

	if (!r) {
		sr_set_err(err, SR_NOMEM, ENOMEM, 0, 0, "out of memory");
		return NULL;
	}
	r->fd = fd;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		off_t cur = lseek(fd, 0, SEEK_CUR);

		if (cur >= 0) {
			r->seekable = true;
			r->base = cur;
			r->size = (uint64_t)sb.st_size > (uint64_t)cur ? sb.st_size - cur : 0;
		}
	}
	return reader_start(r, err);
}

struct sr_reader *sr_reader_open(const char *path, struct sr_error *err)
{
	struct sr_reader *r;
	int fd;

	if (!path) {
		sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no path");
		return NULL;
	}
	if (!strcmp(path, "-")) {
		return sr_reader_open_fd(STDIN_FILENO, err);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sr_set_err(err, SR_IO, errno, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	r = sr_reader_open_fd(fd, err);
	if (!r) {
		close(fd);
		return NULL;
	}
	r->own_fd = true;
	return r;
}

struct sr_reader *sr_reader_open_mem(const void *buf, size_t size, struct sr_error *err)
{
	struct sr_reader *r = reader_new();

	if (!r) {
		sr_set_err(err, SR_NOMEM, ENOMEM, 0, 0, "out of memory");
		return NULL;
	}
	r->is_mem = true;
	r->seekable = true;
	r->win = buf ? buf : (const uint8_t *)"";
	r->size = buf ? size : 0;
	r->eof = true;
	return reader_start(r, err);
}

void sr_reader_close(struct sr_reader *r)
{
	if (!r) {
		return;
	}
	if (r->own_fd && r->fd >= 0) {
		close(r->fd);
	}
	ZSTD_freeDCtx(r->dctx);
	sr_buf_free(&r->buf);
	sr_buf_free(&r->zout);
	sr_buf_free(&r->raw);
	if (r->hdr) {
		sysrec__header__free_unpacked(r->hdr, NULL);
	}
	if (r->totals) {
		sysrec__totals__free_unpacked(r->totals, NULL);
	}
	sr_chunk_dec_free(&r->dec);
	sr_arena_free(&r->tarena);
	free(r->idx);
	free(r);
}

const Sysrec__Header *sr_reader_header(const struct sr_reader *r)
{
	return r ? r->hdr : NULL;
}

const Sysrec__Totals *sr_reader_totals(const struct sr_reader *r)
{
	return r ? r->totals : NULL;
}

void sr_reader_get_stats(const struct sr_reader *r, struct sr_reader_stats *st)
{
	if (r) {
		*st = r->st;
	} else {
		memset(st, 0, sizeof(*st));
	}
}

const char *sr_reader_syscall_name(const struct sr_reader *r, uint32_t nr)
{
	if (!r || !r->hdr || nr >= r->hdr->n_syscall_names) {
		return NULL;
	}
	const char *s = r->hdr->syscall_names[nr];

	return s && *s ? s : NULL;
}

/* ---- events ---- */

static inline const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

static bool next_other(struct sr_reader *r, struct sr_event *ev)
{
	const struct sr_chunk_dec *d = &r->dec;

	switch (r->other_kind) {
	case 1: {
		const Sysrec__ProcessEvent *p = d->pe[r->ipe++];
		struct sr_proc_event *o = &ev->proc;

		ev->type = SR_EV_PROCESS;
		ev->ts = p->ts_ns;
		memset(o, 0, sizeof(*o));
		o->ts = p->ts_ns;
		o->kind = (enum sr_proc_kind)p->kind;
		o->tid = p->tid;
		o->pid = p->pid;
		o->parent_tid = p->parent_tid;
		o->parent_pid = p->parent_pid;
		o->clone_flags = p->clone_flags;
		o->is_thread = p->is_thread;
		o->filename = nz(p->filename);
		o->argv = (const char *const *)p->argv;
		o->argc = p->n_argv;
		o->argv_truncated = p->argv_truncated;
		o->exit_code = p->exit_code;
		o->exit_signal = p->exit_signal;
		o->core_dumped = p->core_dumped;
		o->group_dead = p->group_dead;
		o->comm = nz(p->comm);
		o->cgroup_id = p->cgroup_id;
		o->cgroup_path = nz(p->cgroup_path);
		break;
	}
	case 2: {
		const Sysrec__ProcSample *p = d->smp[r->ismp++];
		struct sr_sample *o = &ev->sample;

		ev->type = SR_EV_SAMPLE;
		ev->ts = p->ts_ns;
		memset(o, 0, sizeof(*o));
		o->ts = p->ts_ns;
		o->pid = p->pid;
		o->final = p->final;
		o->threads = p->threads;
		o->fds = p->fds;
		o->utime_ticks = p->utime_ticks;
		o->stime_ticks = p->stime_ticks;
		o->rss_kb = p->rss_kb;
		o->vm_peak_kb = p->vm_peak_kb;
		o->vm_hwm_kb = p->vm_hwm_kb;
		o->vm_size_kb = p->vm_size_kb;
		o->minflt = p->minflt;
		o->majflt = p->majflt;
		o->syscr = p->syscr;
		o->syscw = p->syscw;
		o->rchar = p->rchar;
		o->wchar = p->wchar;
		o->read_bytes = p->read_bytes;
		o->write_bytes = p->write_bytes;
		o->vol_ctxsw = p->vol_ctxsw;
		o->invol_ctxsw = p->invol_ctxsw;
		break;
	}
	case 3: {
		const Sysrec__HostCpuSample *p = d->cpu[r->icpu++];
		struct sr_hostcpu *o = &ev->cpu;

		ev->type = SR_EV_HOSTCPU;
		ev->ts = p->ts_ns;
		o->ts = p->ts_ns;
		o->user = p->user;
		o->nice = p->nice;
		o->system = p->system;
		o->idle = p->idle;
		o->iowait = p->iowait;
		o->irq = p->irq;
		o->softirq = p->softirq;
		o->steal = p->steal;
		break;
	}
	case 4: {
		const Sysrec__Loss *p = d->loss[r->iloss++];
		struct sr_loss *o = &ev->loss;

		ev->type = SR_EV_LOSS;
		ev->ts = p->first_ns;
		o->first_ns = p->first_ns;
		o->last_ns = p->last_ns;
		o->cpu = p->cpu;
		o->count = p->count;
		o->where = (enum sr_loss_where)p->where;
		break;
	}
	default:
		return false;
	}
	update_other(r);
	return true;
}

static inline bool next_in_chunk(struct sr_reader *r, struct sr_event *ev)
{
	const struct sr_chunk_dec *d = &r->dec;
	size_t i = r->isc;

	if (i < d->n && d->ts[i] <= r->other_ts) {
		struct sr_syscall *sc = &ev->sc;
		uint32_t t = d->thr[i];
		uint32_t flags = 0;

		r->isc = i + 1;
		ev->type = SR_EV_SYSCALL;
		ev->ts = d->ts[i];
		sc->ts = d->ts[i];
		sc->duration = d->dur[i];
		sc->tid = d->tid[t];
		sc->tgid = d->tgid[t];
		sc->nr = d->nr[i];
		sc->ret = d->ret[i];
		while (unlikely(r->iflag < d->nfidx && d->fidx[r->iflag] == i)) {
			flags |= d->fval[r->iflag++];
		}
		sc->flags = flags;
		sc->has_args = d->has_args;
		if (d->has_args) {
			for (int k = 0; k < 6; k++) {
				sc->args[k] = d->arg[k][i];
			}
		} else {
			memset(sc->args, 0, sizeof(sc->args));
		}
		memset(sc->str, 0, sizeof(sc->str));
		while (unlikely(r->istr < d->nsidx && d->sidx[r->istr] == i)) {
			sc->str[d->sarg[r->istr]] = d->str[d->sid[r->istr]];
			r->istr++;
		}
		return true;
	}
	return next_other(r, ev);
}

static bool next_in_table(struct sr_reader *r, struct sr_event *ev)
{
	const Sysrec__ProcessInfo *p;
	struct sr_procinfo *o = &ev->info;

	if (!r->table || r->itab >= r->table->n_processes) {
		return false;
	}
	p = r->table->processes[r->itab++];
	ev->type = SR_EV_PROCINFO;
	ev->ts = p->start_ns;
	memset(o, 0, sizeof(*o));
	o->pid = p->pid;
	o->ppid = p->ppid;
	o->uid = p->uid;
	o->nthreads = p->nthreads;
	o->comm = nz(p->comm);
	o->exe = nz(p->exe);
	o->cmdline = (const char *const *)p->cmdline;
	o->cmdline_len = p->n_cmdline;
	o->cgroup_id = p->cgroup_id;
	o->cgroup_path = nz(p->cgroup_path);
	o->start_ns = p->start_ns;
	o->label = nz(p->label);
	o->source = nz(p->source);
	return true;
}

enum sr_status sr_reader_next(struct sr_reader *r, struct sr_event *ev, struct sr_error *err)
{
	if (!r || !ev) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no reader or event");
	}
	for (;;) {
		enum sr_status st;

		if (unlikely(r->has_pending)) {
			r->has_pending = false;
			if (err) {
				*err = r->pending;
			}
			return r->pending.status;
		}
		if (likely(r->cur == CUR_CHUNK)) {
			if (next_in_chunk(r, ev)) {
				return SR_OK;
			}
			r->cur = CUR_NONE;
		} else if (r->cur == CUR_TABLE) {
			if (next_in_table(r, ev)) {
				return SR_OK;
			}
			r->cur = CUR_NONE;
		}
		st = read_frame(r, err);
		if (st != SR_OK) {
			return st;
		}
	}
}

/* ---- seeking ---- */

static bool idx_push(struct sr_reader *r, uint64_t off, uint32_t kind, uint64_t first,
		     uint64_t last, bool known)
{
	if (!SR_ARRAY_RESERVE(r->idx, r->cap_idx, r->nidx + 1)) {
		return false;
	}
	r->idx[r->nidx++] = (struct idx_ent){ off, first, last, kind, known };
	return true;
}

/* Read and check the frame at OFF; on success r->zout holds its Frame. */
static bool load_frame_at(struct sr_reader *r, uint64_t off, uint32_t *len_out)
{
	const uint8_t *h;
	uint32_t len;
	char msg[200];

	if (!read_at(r, off, SR_FRAME_HEADER_SIZE, &h)) {
		return false;
	}
	len = sr_get_le32(h);
	uint32_t crc = sr_get_le32(h + 4);

	if (len == 0 || len > SR_MAX_FRAME || !read_at(r, off + SR_FRAME_HEADER_SIZE, len, &h) ||
	    sr_crc32(h, len) != crc) {
		return false;
	}
	if (len_out) {
		*len_out = len;
	}
	return decompress(r, h, len, msg, sizeof(msg));
}

static bool load_footer(struct sr_reader *r)
{
	const uint8_t *t, *body;
	uint64_t ioff;
	uint32_t len;
	unsigned kind;
	size_t blen;
	Sysrec__Index *ix;
	bool ok = false;

	if (r->size < SR_PREAMBLE_SIZE + SR_TRAILER_SIZE ||
	    !read_at(r, r->size - SR_TRAILER_SIZE, SR_TRAILER_SIZE, &t) || sr_get_le32(t) != 0 ||
	    memcmp(t + 4, SR_TRAILER_MAGIC, 4)) {
		return false;
	}
	ioff = sr_get_le64(t + 8); /* 0: written without an index */
	if (ioff < SR_PREAMBLE_SIZE || ioff >= r->size - SR_TRAILER_SIZE ||
	    !load_frame_at(r, ioff, &len) ||
	    ioff + SR_FRAME_HEADER_SIZE + len != r->size - SR_TRAILER_SIZE ||
	    !frame_body(r->zout.p, r->zout.len, &kind, &body, &blen) || kind != SR_KIND_INDEX) {
		return false;
	}
	ix = sysrec__index__unpack(NULL, blen, body);
	if (!ix) {
		return false;
	}
	r->nidx = 0;
	for (size_t i = 0; i < ix->n_entries; i++) {
		const Sysrec__IndexEntry *e = ix->entries[i];

		if (e->offset < SR_PREAMBLE_SIZE || e->offset >= ioff ||
		    (r->nidx && e->offset <= r->idx[r->nidx - 1].off)) {
			goto out;
		}
		if (!idx_push(r, e->offset, e->kind, e->first_ns, e->last_ns, true)) {
			goto out;
		}
	}
	ok = true;
	/* totals, for sr_reader_totals() before reaching them */
	for (size_t i = r->nidx; i-- > 0;) {
		if (r->idx[i].kind == SR_KIND_TOTALS) {
			if (load_frame_at(r, r->idx[i].off, NULL) &&
			    frame_body(r->zout.p, r->zout.len, &kind, &body, &blen) &&
			    kind == SR_KIND_TOTALS && !r->totals) {
				r->totals = sysrec__totals__unpack(NULL, blen, body);
			}
			break;
		}
	}
out:
	sysrec__index__free_unpacked(ix, NULL);
	if (!ok) {
		r->nidx = 0;
	}
	return ok;
}

/* Index every good frame by scanning lengths and checksums (no decompression). */
static bool rebuild_index(struct sr_reader *r)
{
	uint64_t off = SR_PREAMBLE_SIZE;

	r->nidx = 0;
	while (off + SR_FRAME_HEADER_SIZE <= r->size) {
		const uint8_t *h;
		uint32_t len;

		if (!read_at(r, off, SR_FRAME_HEADER_SIZE, &h)) {
			break;
		}
		len = sr_get_le32(h);
		if (len == 0) {
			break; /* trailer */
		}
		uint32_t crc = sr_get_le32(h + 4);

		if (len <= SR_MAX_FRAME && read_at(r, off + SR_FRAME_HEADER_SIZE, len, &h) &&
		    sr_crc32(h, len) == crc) {
			if (!idx_push(r, off, SR_KIND_UNKNOWN, 0, 0, false)) {
				return false;
			}
			off += SR_FRAME_HEADER_SIZE + len;
			continue;
		}
		/* damaged: find the next good frame with the streaming scanner */
		uint64_t next = resync(r, off + 1);

		if (next == UINT64_MAX) {
			break;
		}
		off = next;
	}
	return true;
}

/* Learn kind and time range of index entry I by decoding its frame. */
static void probe(struct sr_reader *r, size_t i)
{
	struct idx_ent *e = &r->idx[i];
	const uint8_t *body;
	size_t blen;
	unsigned kind;
	char msg[200];

	if (e->known) {
		return;
	}
	e->known = true;
	e->kind = SR_KIND_UNKNOWN;
	if (!load_frame_at(r, e->off, NULL) ||
	    !frame_body(r->zout.p, r->zout.len, &kind, &body, &blen)) {
		return;
	}
	e->kind = kind;
	if (kind != SR_KIND_CHUNK) {
		return;
	}
	reset_delivery(r);
	if (!sr_chunk_dec_parse(&r->dec, body, blen, msg, sizeof(msg))) {
		e->kind = SR_KIND_UNKNOWN;
		return;
	}
	const struct sr_chunk_dec *d = &r->dec;
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t k = 0; k < d->n; k++) {
		lo = d->ts[k] < lo ? d->ts[k] : lo;
		hi = d->ts[k] > hi ? d->ts[k] : hi;
	}
#define SPAN(arr, cnt, f) \
	for (size_t k = 0; k < cnt; k++) { \
		lo = arr[k]->f < lo ? arr[k]->f : lo; \
		hi = arr[k]->f > hi ? arr[k]->f : hi; \
	}
	SPAN(d->pe, d->npe, ts_ns)
	SPAN(d->smp, d->nsmp, ts_ns)
	SPAN(d->cpu, d->ncpu, ts_ns)
	SPAN(d->loss, d->nloss, first_ns)
#undef SPAN
	e->first = lo == UINT64_MAX ? 0 : lo;
	e->last = hi;
}

static inline bool is_chunk(struct sr_reader *r, size_t i)
{
	probe(r, i);
	return r->idx[i].kind == SR_KIND_CHUNK;
}

enum sr_status sr_reader_seek_time(struct sr_reader *r, uint64_t ts, struct sr_error *err)
{
	size_t lo, hi, target, start;

	if (!r) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no reader");
	}
	if (!r->seekable) {
		return SR_OK;
	}
	if (!r->idx_loaded) {
		r->idx_loaded = true;
		if (load_footer(r)) {
			r->st.has_index = true;
		} else if (rebuild_index(r)) {
			r->st.index_rebuilt = true;
		} else {
			return sr_set_err(err, SR_NOMEM, ENOMEM, 0, 0, "out of memory for the index");
		}
	}
	/* first chunk whose last event is at or after ts (chunks roughly in time order) */
	lo = 0;
	hi = r->nidx;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, j = mid;

		while (j < hi && !is_chunk(r, j)) {
			j++;
		}
		if (j == hi) {
			hi = mid;
		} else if (r->idx[j].last >= ts) {
			hi = j;
		} else {
			lo = j + 1;
		}
	}
	target = lo;
	while (target < r->nidx && !is_chunk(r, target)) {
		target++;
	}
	/* earlier chunks may still reach ts: their order in time is only rough */
	for (size_t j = target; j-- > 0;) {
		if (is_chunk(r, j)) {
			if (r->idx[j].last < ts) {
				break;
			}
			target = j;
		}
	}
	/* start right after the chunk before the target, so tables in between are read */
	start = target;
	while (start > 0 && !is_chunk(r, start - 1)) {
		start--;
	}
	if (start == 0 && r->nidx > 1) {
		start = 1; /* never the header again */
	}
	reset_delivery(r);
	r->has_pending = false;
	r->done = false;
	if (start < r->nidx) {
		r->pos = r->idx[start].off;
		r->frame_no = start;
	} else if (r->nidx) {
		r->pos = r->size; /* past everything indexed */
		r->frame_no = r->nidx;
		r->done = true;
	}
	if (!r->is_mem) {
		r->blen = 0;
		r->boff = r->pos;
		r->eof = false;
		if (lseek(r->fd, (off_t)(r->base + r->pos), SEEK_SET) < 0) {
			return sr_set_err(err, SR_IO, errno, r->pos, r->frame_no, "seek failed: %s",
					  strerror(errno));
		}
	}
	return SR_OK;
}
