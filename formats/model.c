// SPDX-License-Identifier: MIT
/* Model file bytes: preamble, CRC-32 and one zstd frame of a Model message. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "model.h"

static enum sr_status fail(struct sr_error *err, enum sr_status st, int sys_errno,
			   uint64_t offset, const char *fmt, ...)
{
	va_list ap;

	if (!err) {
		return st;
	}
	memset(err, 0, sizeof(*err));
	err->status = st;
	err->sys_errno = sys_errno;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return st;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);

	while (n) {
		uInt step = n > (1u << 30) ? (1u << 30) : (uInt)n;

		c = crc32(c, p, step);
		p += step;
		n -= step;
	}
	return (uint32_t)c;
}

enum sr_status sr_model_encode(const Sysrec__Model *m, int level, void **buf, size_t *len,
			       struct sr_error *err)
{
	size_t plen = sysrec__model__get_packed_size(m);
	uint8_t *pb = malloc(plen ? plen : 1), *out = NULL;
	enum sr_status st = SR_OK;

	*buf = NULL;
	*len = 0;
	if (!pb) {
		return fail(err, SR_NOMEM, 0, 0, "out of memory encoding the model");
	}
	sysrec__model__pack(m, pb);
	size_t bound = ZSTD_compressBound(plen);
	out = malloc(SR_MODEL_PREAMBLE_SIZE + bound);
	if (!out) {
		st = fail(err, SR_NOMEM, 0, 0, "out of memory compressing the model");
		goto out;
	}
	size_t z = ZSTD_compress(out + SR_MODEL_PREAMBLE_SIZE, bound, pb, plen, level ? level : 19);
	if (ZSTD_isError(z)) {
		st = fail(err, SR_INVALID, 0, 0, "zstd: %s", ZSTD_getErrorName(z));
		goto out;
	}
	memcpy(out, SR_MODEL_MAGIC, 8);
	put32(out + 8, SR_MODEL_VERSION);
	put32(out + 12, 0);
	put64(out + 16, z);
	put32(out + 24, crc32_of(out + SR_MODEL_PREAMBLE_SIZE, z));
	put32(out + 28, 0);
	*buf = out;
	*len = SR_MODEL_PREAMBLE_SIZE + z;
	out = NULL;
out:
	free(out);
	free(pb);
	return st;
}

enum sr_status sr_model_decode(const void *buf, size_t len, Sysrec__Model **res,
			       struct sr_error *err)
{
	const uint8_t *p = buf;
	uint8_t *raw = NULL;
	enum sr_status st = SR_OK;

	*res = NULL;
	if (len < SR_MODEL_PREAMBLE_SIZE || memcmp(p, SR_MODEL_MAGIC, 8)) {
		return fail(err, SR_VERSION, 0, 0, "not a sysrec model file (bad magic)");
	}
	uint32_t ver = get32(p + 8);
	if (ver != SR_MODEL_VERSION) {
		return fail(err, SR_VERSION, 0, 8, "model version %u, this build reads version %u", ver,
			    SR_MODEL_VERSION);
	}
	uint64_t z = get64(p + 16);
	if (z > SR_MODEL_MAX_PAYLOAD) {
		return fail(err, SR_CORRUPT, 0, 16, "bad payload length %llu", (unsigned long long)z);
	}
	if (len - SR_MODEL_PREAMBLE_SIZE < z) {
		return fail(err, SR_TRUNCATED, 0, len, "model file is truncated (%llu of %llu payload bytes)",
			    (unsigned long long)(len - SR_MODEL_PREAMBLE_SIZE), (unsigned long long)z);
	}
	if (crc32_of(p + SR_MODEL_PREAMBLE_SIZE, z) != get32(p + 24)) {
		return fail(err, SR_CORRUPT, 0, SR_MODEL_PREAMBLE_SIZE, "model payload checksum mismatch");
	}
	unsigned long long rawlen = ZSTD_getFrameContentSize(p + SR_MODEL_PREAMBLE_SIZE, z);
	if (rawlen == ZSTD_CONTENTSIZE_ERROR || rawlen == ZSTD_CONTENTSIZE_UNKNOWN ||
	    rawlen > SR_MODEL_MAX_PAYLOAD) {
		return fail(err, SR_CORRUPT, 0, SR_MODEL_PREAMBLE_SIZE, "bad zstd frame in model payload");
	}
	raw = malloc(rawlen ? rawlen : 1);
	if (!raw) {
		return fail(err, SR_NOMEM, 0, 0, "out of memory decompressing the model");
	}
	size_t d = ZSTD_decompress(raw, rawlen, p + SR_MODEL_PREAMBLE_SIZE, z);
	if (ZSTD_isError(d) || d != rawlen) {
		st = fail(err, SR_CORRUPT, 0, SR_MODEL_PREAMBLE_SIZE, "zstd: %s",
			  ZSTD_isError(d) ? ZSTD_getErrorName(d) : "short frame");
		goto out;
	}
	*res = sysrec__model__unpack(NULL, d, raw);
	if (!*res) {
		st = fail(err, SR_CORRUPT, 0, SR_MODEL_PREAMBLE_SIZE, "model message does not decode");
		goto out;
	}
out:
	free(raw);
	return st;
}

static enum sr_status write_all(int fd, const uint8_t *p, size_t n, struct sr_error *err)
{
	size_t off = 0;

	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);

		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return fail(err, SR_IO, errno, off, "write failed");
		}
		off += (size_t)w;
	}
	return SR_OK;
}

enum sr_status sr_model_write(const char *path, const Sysrec__Model *m, int level,
			      struct sr_error *err)
{
	void *buf = NULL;
	size_t len = 0;
	char *tmp = NULL;
	int fd = -1;
	enum sr_status st;

	st = sr_model_encode(m, level, &buf, &len, err);
	if (st != SR_OK) {
		return st;
	}
	if (!strcmp(path, "-")) {
		st = write_all(STDOUT_FILENO, buf, len, err);
		goto out;
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0) {
		tmp = NULL;
		st = fail(err, SR_NOMEM, 0, 0, "out of memory");
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		st = fail(err, SR_IO, errno, 0, "cannot create a file next to it");
		goto out;
	}
	st = write_all(fd, buf, len, err);
	if (st == SR_OK && fchmod(fd, 0644) < 0) {
		st = fail(err, SR_IO, errno, 0, "chmod failed");
	}
	if (st == SR_OK && close(fd) < 0) {
		fd = -1;
		st = fail(err, SR_IO, errno, 0, "close failed");
	}
	fd = -1;
	if (st == SR_OK && rename(tmp, path) < 0) {
		st = fail(err, SR_IO, errno, 0, "rename into place failed");
	}
	if (st != SR_OK) {
		unlink(tmp);
	}
out:
	if (fd >= 0) {
		close(fd);
	}
	free(tmp);
	free(buf);
	return st;
}

enum sr_status sr_model_read(const char *path, Sysrec__Model **out, struct sr_error *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	enum sr_status st;

	*out = NULL;
	if (fd < 0) {
		return fail(err, SR_IO, errno, 0, "cannot open");
	}
	for (;;) {
		if (len == cap) {
			size_t nc = cap ? cap * 2 : (1u << 16);
			uint8_t *nb = realloc(buf, nc);

			if (!nb) {
				st = fail(err, SR_NOMEM, 0, 0, "out of memory reading the model");
				goto out;
			}
			buf = nb;
			cap = nc;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			st = fail(err, SR_IO, errno, len, "read failed");
			goto out;
		}
		if (r == 0) {
			break;
		}
		len += (size_t)r;
	}
	st = sr_model_decode(buf, len, out, err);
out:
	if (fd != STDIN_FILENO) {
		close(fd);
	}
	free(buf);
	return st;
}

void sr_model_free(Sysrec__Model *m)
{
	if (m) {
		sysrec__model__free_unpacked(m, NULL);
	}
}
