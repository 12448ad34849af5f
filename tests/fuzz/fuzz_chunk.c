// SPDX-License-Identifier: MIT
/*
 * Fuzz the message decoders: the input is taken as the decompressed payload
 * of one frame (a serialized sysrec.Frame, e.g. a Chunk with its packed
 * columns, threads table, strings and sub-messages) inside an otherwise valid
 * trace. Invariants: no crash; the frame yields events or one SR_CORRUPT;
 * the trace's end is still reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "sysrec.h"

static uint8_t *buf;
static size_t cap;

static size_t put_frame(uint8_t *out, const void *msg, size_t n)
{
	size_t z = ZSTD_compress(out + 8, ZSTD_compressBound(n), msg, n, 1);
	uint32_t crc = crc32(0, out + 8, z);

	for (int i = 0; i < 4; i++) {
		out[i] = (uint8_t)(z >> (8 * i));
		out[4 + i] = (uint8_t)(crc >> (8 * i));
	}
	return 8 + z;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Frame { header { format_version: 1 abi: "x86_64" syscall_names: "read" } } */
	static const uint8_t hdr[] = { 0x0a, 0x10, 0x08, 0x01, 0x62, 0x06, 'x', '8', '6', '_', '6',
				       '4', 0x6a, 0x04, 'r', 'e', 'a', 'd' };
	/* Frame { totals { } } */
	static const uint8_t tot[] = { 0x22, 0x00 };
	size_t need = 16 + 3 * 64 + sizeof(hdr) + ZSTD_compressBound(size) + 16, n = 0;
	struct sr_error err;
	struct sr_reader *r;
	struct sr_event ev;
	enum sr_status st;
	int reports = 0;

	if (need > cap) {
		free(buf);
		cap = need;
		buf = malloc(cap);
	}
	memcpy(buf, SR_MAGIC "\x01\0\0\0\0\0\0\0", 16);
	n = 16;
	n += put_frame(buf + n, hdr, sizeof(hdr));
	n += put_frame(buf + n, data, size);
	n += put_frame(buf + n, tot, sizeof(tot));
	memcpy(buf + n, "\0\0\0\0SRIX\0\0\0\0\0\0\0\0", 16);
	n += 16;

	r = sr_reader_open_mem(buf, n, &err);
	if (!r) {
		fprintf(stderr, "fuzz_chunk: open: %s\n", err.msg);
		abort();
	}
	while ((st = sr_reader_next(r, &ev, &err)) != SR_END) {
		if (st == SR_OK) {
			if (ev.type == SR_EV_SYSCALL) {
				for (int k = 0; k < 6; k++) {
					if (ev.sc.str[k] && strlen(ev.sc.str[k]) > size) {
						abort();
					}
				}
			}
			continue;
		}
		if (st != SR_CORRUPT || ++reports > 1 || err.frame != 1) {
			fprintf(stderr, "fuzz_chunk: %s: frame %llu: %s\n", sr_status_str(st),
				(unsigned long long)err.frame, err.msg);
			abort(); /* only our frame can be bad, and once */
		}
	}
	if (!sr_reader_totals(r)) {
		abort(); /* the frame after it was still read */
	}
	sr_reader_close(r);
	return 0;
}
