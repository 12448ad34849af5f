// SPDX-License-Identifier: MIT
/*
 * Fuzz the frame layer: the reader over arbitrary bytes (preamble, framing,
 * CRC, resync, zstd, Frame/Chunk decoding), then a seek by time (footer index
 * or rebuilt index) and a second read. Invariants: no crash, reading ends,
 * every damage report consumes input, stats stay within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"

static void check_event(const struct sr_event *ev)
{
	volatile size_t sink = 0;

	/* touch every string the reader hands out (ASan checks them) */
	if (ev->type == SR_EV_SYSCALL) {
		for (int k = 0; k < 6; k++) {
			if (ev->sc.str[k]) {
				sink += strlen(ev->sc.str[k]);
			}
		}
	} else if (ev->type == SR_EV_PROCESS) {
		for (uint32_t i = 0; i < ev->proc.argc; i++) {
			sink += strlen(ev->proc.argv[i]);
		}
		sink += ev->proc.comm ? strlen(ev->proc.comm) : 0;
		sink += ev->proc.filename ? strlen(ev->proc.filename) : 0;
	} else if (ev->type == SR_EV_PROCINFO) {
		for (uint32_t i = 0; i < ev->info.cmdline_len; i++) {
			sink += strlen(ev->info.cmdline[i]);
		}
		sink += ev->info.label ? strlen(ev->info.label) : 0;
	} else if (ev->type < SR_EV_SYSCALL || ev->type > SR_EV_PROCINFO) {
		abort();
	}
	(void)sink;
}

static void read_to_end(struct sr_reader *r, size_t size)
{
	struct sr_event ev;
	struct sr_error err;
	struct sr_reader_stats st, before;
	size_t reports = 0, events = 0;
	enum sr_status s;

	sr_reader_get_stats(r, &before);

	for (;;) {
		s = sr_reader_next(r, &ev, &err);
		if (s == SR_OK) {
			check_event(&ev);
			/* a frame of at most 64 MiB expands to a bounded number of events */
			if (++events > 64u * (size + 64)) {
				abort();
			}
			continue;
		}
		if (s == SR_TRUNCATED || s == SR_CORRUPT) {
			if (++reports > size + 2) {
				abort(); /* reading must make progress */
			}
			if (err.offset > size) {
				abort();
			}
			continue;
		}
		break;
	}
	if (s != SR_END && s != SR_NOMEM && s != SR_IO) {
		abort();
	}
	sr_reader_get_stats(r, &st);
	/* stats are cumulative over reads: check what this read added */
	if (st.bytes > size || st.skipped_bytes - before.skipped_bytes > size ||
	    (st.frames - before.frames) * 9 > size || st.frames < before.frames) {
		abort();
	}
	if (sr_reader_next(r, &ev, &err) != SR_END && s == SR_END) {
		abort(); /* the end is sticky */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_error err;
	struct sr_reader *r = sr_reader_open_mem(data, size, &err);
	uint64_t ts = 0;

	if (!r) {
		if (err.status != SR_TRUNCATED && err.status != SR_VERSION && err.status != SR_NOMEM) {
			abort();
		}
		return 0;
	}
	if (sr_reader_header(r)) {
		(void)sr_reader_syscall_name(r, 0);
		(void)sr_reader_syscall_name(r, UINT32_MAX);
	}
	read_to_end(r, size);
	/* then seek (footer index, or an index rebuilt by scanning) and read again */
	if (size >= 24) {
		memcpy(&ts, data + size - 24, 8);
	}
	if (sr_reader_seek_time(r, ts, &err) == SR_OK) {
		read_to_end(r, size);
	}
	sr_reader_close(r);
	return 0;
}
