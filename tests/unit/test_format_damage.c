// SPDX-License-Identifier: MIT
/*
 * Damaged traces: a small multi-frame trace cut at every byte offset, one
 * flipped byte in every frame (payload, checksum and length), a missing
 * footer, frames and fields of unknown kinds, a newer version, write errors,
 * and seeking by time with and without the footer index.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "sysrec.h"
#include "tap.h"
#include "trace_gen.h"

struct frame {
	size_t off, len; /* whole frame: header + payload */
};

static uint8_t *trace;
static size_t trace_len;
static struct frame frames[256];
static size_t nframes, trailer_off;

/* clean read: each event and the frame it came from */
static struct sr_event *events;
static size_t *ev_frame;
static size_t nevents;

static void scan_frames(void)
{
	size_t off = SR_PREAMBLE_SIZE;

	nframes = 0;
	while (off + 8 <= trace_len) {
		uint32_t len = trace[off] | trace[off + 1] << 8 | trace[off + 2] << 16 |
			       (uint32_t)trace[off + 3] << 24;

		if (len == 0) {
			break;
		}
		frames[nframes].off = off;
		frames[nframes].len = 8 + len;
		nframes++;
		off += 8 + len;
	}
	trailer_off = off;
}

static bool same_event(const struct sr_event *a, const struct sr_event *b)
{
	if (a->type != b->type || a->ts != b->ts) {
		return false;
	}
	switch (a->type) {
	case SR_EV_SYSCALL:
		return a->sc.tid == b->sc.tid && a->sc.nr == b->sc.nr && a->sc.ret == b->sc.ret &&
		       a->sc.duration == b->sc.duration;
	case SR_EV_PROCESS:
		return a->proc.kind == b->proc.kind && a->proc.tid == b->proc.tid;
	case SR_EV_SAMPLE:
		return a->sample.pid == b->sample.pid && a->sample.rss_kb == b->sample.rss_kb;
	case SR_EV_LOSS:
		return a->loss.count == b->loss.count;
	case SR_EV_PROCINFO:
		return a->info.pid == b->info.pid;
	default:
		return true;
	}
}

struct outcome {
	size_t n;            /* events read */
	bool match;          /* and they equal the expected ones */
	int reports;         /* damage reports */
	struct sr_error first;
	enum sr_status last; /* status that ended the read */
	struct sr_reader_stats st;
};

/* Read BUF; the expected events are the clean ones whose frame passes KEEP. */
static void read_all(struct sr_reader *r, bool (*keep)(size_t frame, void *arg), void *arg,
		     size_t from_event, struct outcome *o)
{
	struct sr_event ev;
	struct sr_error err;
	size_t want = from_event;
	enum sr_status st;

	memset(o, 0, sizeof(*o));
	o->match = true;
	for (;;) {
		st = sr_reader_next(r, &ev, &err);
		if (st == SR_OK) {
			while (want < nevents && keep && !keep(ev_frame[want], arg)) {
				want++;
			}
			if (want >= nevents || !same_event(&events[want], &ev)) {
				o->match = false;
			}
			want++;
			o->n++;
			continue;
		}
		if (st == SR_TRUNCATED || st == SR_CORRUPT) {
			if (!o->reports++) {
				o->first = err;
			}
			if (o->reports > 10) {
				break;
			}
			continue;
		}
		break;
	}
	while (want < nevents && keep && !keep(ev_frame[want], arg)) {
		want++;
	}
	if (want != nevents) {
		o->match = false;
	}
	o->last = st;
	sr_reader_get_stats(r, &o->st);
}

static bool keep_before(size_t frame, void *arg)
{
	return frame < *(size_t *)arg;
}

static bool keep_all_but(size_t frame, void *arg)
{
	return frame != *(size_t *)arg;
}

static bool keep_from(size_t frame, void *arg)
{
	return frame >= *(size_t *)arg;
}

static uint8_t *dup_trace(void)
{
	uint8_t *b = malloc(trace_len);

	memcpy(b, trace, trace_len);
	return b;
}

/* Wrap a serialized Frame message as a whole frame. */
static size_t make_frame(const uint8_t *msg, size_t n, uint8_t *out, size_t cap)
{
	size_t z = ZSTD_compress(out + 8, cap - 8, msg, n, 3);
	uint32_t crc = crc32(0, out + 8, z);

	for (int i = 0; i < 4; i++) {
		out[i] = (uint8_t)(z >> (8 * i));
		out[4 + i] = (uint8_t)(crc >> (8 * i));
	}
	return 8 + z;
}

static size_t insert_at(const uint8_t *src, size_t n, size_t at, const uint8_t *ins, size_t k,
			uint8_t **out)
{
	*out = malloc(n + k);
	memcpy(*out, src, at);
	memcpy(*out + at, ins, k);
	memcpy(*out + at + k, src + at, n - at);
	return n + k;
}

static void test_cuts(void)
{
	size_t bad = 0, bad_open = 0;

	for (size_t c = 0; c < trace_len; c++) {
		struct sr_error err;
		struct sr_reader *r = sr_reader_open_mem(trace, c, &err);
		struct outcome o;
		size_t whole = 0, boundary = SR_PREAMBLE_SIZE;

		if (c < SR_PREAMBLE_SIZE) {
			if (r || err.status != SR_TRUNCATED) {
				bad_open++;
			}
			sr_reader_close(r);
			continue;
		}
		while (whole < nframes && frames[whole].off + frames[whole].len <= c) {
			boundary = frames[whole].off + frames[whole].len;
			whole++;
		}
		if (!r) {
			bad++;
			tap_diag("cut at %zu: open failed: %s", c, err.msg);
			continue;
		}
		read_all(r, keep_before, &whole, 0, &o);
		/* a cut inside the trailer is reported at the trailer */
		if (!o.match || o.reports != 1 || o.first.status != SR_TRUNCATED ||
		    o.first.offset != boundary || o.first.frame != whole || o.last != SR_END ||
		    o.st.frames != whole) {
			if (bad++ < 5) {
				tap_diag("cut at %zu: match %d reports %d status %d offset %" PRIu64
					 " (want %zu) frame %" PRIu64 " (want %zu): %s",
					 c, o.match, o.reports, o.first.status, o.first.offset, boundary,
					 o.first.frame, whole, o.first.msg);
			}
		}
		sr_reader_close(r);
	}
	tap_ok(bad_open == 0, "a cut inside the preamble fails to open with SR_TRUNCATED");
	tap_ok(bad == 0,
	       "cut at each of %zu offsets: every whole frame read, the cut reported once at its offset "
	       "(%zu wrong)", trace_len, bad);

	/* the complete trace: no report at all */
	struct sr_error err;
	struct sr_reader *r = sr_reader_open_mem(trace, trace_len, &err);
	struct outcome o;

	read_all(r, NULL, NULL, 0, &o);
	tap_ok(o.match && o.reports == 0 && o.last == SR_END, "the whole trace reads without reports");
	sr_reader_close(r);
}

static void test_flips(void)
{
	static const char *const where[] = { "payload", "checksum", "length" };

	for (int w = 0; w < 3; w++) {
		size_t bad = 0;

		for (size_t f = 0; f < nframes; f++) {
			uint8_t *b = dup_trace();
			struct sr_error err;
			struct sr_reader *r;
			struct outcome o;
			size_t pos = w == 0 ? frames[f].off + 8 + frames[f].len / 2 - 4
				     : w == 1 ? frames[f].off + 5
					      : frames[f].off + 1;

			b[pos] ^= w == 2 ? 0x01 : 0x20; /* length: +-256 bytes */
			r = sr_reader_open_mem(b, trace_len, &err);
			if (!r) {
				bad++;
				tap_diag("%s flip in frame %zu: open failed: %s", where[w], f, err.msg);
				free(b);
				continue;
			}
			read_all(r, keep_all_but, &f, 0, &o);
			if (!o.match || o.reports != 1 || o.first.status != SR_CORRUPT ||
			    o.first.frame != f || o.first.offset != frames[f].off ||
			    o.last != SR_END || (f == 0) != (sr_reader_header(r) == NULL)) {
				if (bad++ < 5) {
					tap_diag("%s flip in frame %zu: match %d reports %d status %d "
						 "frame %" PRIu64 " offset %" PRIu64 ": %s",
						 where[w], f, o.match, o.reports, o.first.status,
						 o.first.frame, o.first.offset, o.first.msg);
				}
			}
			sr_reader_close(r);
			free(b);
		}
		tap_ok(bad == 0,
		       "a flipped %s byte in each of %zu frames: SR_CORRUPT naming the frame, the "
		       "other frames' events all read (%zu wrong)", where[w], nframes, bad);
	}

	/* a damaged trailer */
	uint8_t *b = dup_trace();
	struct sr_error err;
	struct outcome o;

	b[trailer_off + 5] ^= 0xff;
	struct sr_reader *r = sr_reader_open_mem(b, trace_len, &err);

	read_all(r, NULL, NULL, 0, &o);
	tap_ok(o.match && o.reports == 1 && o.first.status == SR_CORRUPT &&
		       o.first.offset == trailer_off && o.last == SR_END,
	       "a damaged trailer is reported after all events");
	sr_reader_close(r);
	free(b);
}

static void test_unknown(void)
{
	uint8_t msg[64], fr[256], *t2;
	size_t n = 0, k, n2;
	struct sr_error err;
	struct sr_reader *r;
	struct outcome o;

	/* Frame { 20: "future" } */
	msg[n++] = 0xa2; /* field 20, length-delimited: a two-byte tag */
	msg[n++] = 0x01;
	msg[n++] = 6;
	memcpy(msg + n, "future", 6);
	n += 6;
	msg[n++] = 0xa8; /* and a varint field 21 */
	msg[n++] = 0x01;
	msg[n++] = 0x96;
	msg[n++] = 0x01;
	k = make_frame(msg, n, fr, sizeof(fr));
	n2 = insert_at(trace, trace_len, frames[1].off, fr, k, &t2);
	r = sr_reader_open_mem(t2, n2, &err);
	read_all(r, NULL, NULL, 0, &o);
	tap_ok(r && o.match && o.reports == 0 && o.st.unknown_frames == 1 && o.last == SR_END,
	       "a frame of an unknown kind (field 20) is skipped and counted");
	sr_reader_close(r);
	free(t2);

	/* a reserved kind (field 6) with a nested message */
	n = 0;
	msg[n++] = 6 << 3 | 2;
	msg[n++] = 2;
	msg[n++] = 1 << 3 | 0;
	msg[n++] = 7;
	k = make_frame(msg, n, fr, sizeof(fr));
	n2 = insert_at(trace, trace_len, frames[nframes - 2].off, fr, k, &t2);
	r = sr_reader_open_mem(t2, n2, &err);
	read_all(r, NULL, NULL, 0, &o);
	tap_ok(r && o.match && o.reports == 0 && o.st.unknown_frames == 1,
	       "a frame of a reserved kind (field 6) is skipped and counted");
	sr_reader_close(r);
	free(t2);

	/* a chunk frame with unknown fields added in the Frame and inside the Chunk */
	{
		size_t f = 0;
		uint8_t *raw, *big;
		unsigned long long cs;
		size_t blen, cap;

		/* the frame of the first syscall event */
		for (size_t i = 0; i < nevents; i++) {
			if (events[i].type == SR_EV_SYSCALL) {
				f = ev_frame[i];
				break;
			}
		}
		cs = ZSTD_getFrameContentSize(trace + frames[f].off + 8, frames[f].len - 8);
		raw = malloc(cs + 16);
		ZSTD_decompress(raw, cs, trace + frames[f].off + 8, frames[f].len - 8);
		/* raw = 0x12 len(varint) chunk...: rebuild with chunk + {25: 1} and frame + {40: 5} */
		const uint8_t *p = raw + 1;
		uint64_t clen = 0;
		int shift = 0;

		while (*p & 0x80) {
			clen |= (uint64_t)(*p++ & 0x7f) << shift;
			shift += 7;
		}
		clen |= (uint64_t)*p++ << shift;
		cap = cs + 64;
		big = malloc(cap);
		blen = 0;
		big[blen++] = 0x12;
		uint64_t nl = clen + 3;

		while (nl >= 0x80) {
			big[blen++] = (uint8_t)nl | 0x80;
			nl >>= 7;
		}
		big[blen++] = (uint8_t)nl;
		memcpy(big + blen, p, clen);
		blen += clen;
		big[blen++] = 0xc8; /* field 25, varint */
		big[blen++] = 0x01;
		big[blen++] = 0x01;
		big[blen++] = 0xc0; /* field 40, varint (in Frame) */
		big[blen++] = 0x02;
		big[blen++] = 0x05;
		uint8_t *fr2 = malloc(blen + 128);
		size_t k2 = make_frame(big, blen, fr2, blen + 128);
		uint8_t *t3 = malloc(trace_len + k2);
		size_t n3 = 0;

		memcpy(t3, trace, frames[f].off);
		n3 = frames[f].off;
		memcpy(t3 + n3, fr2, k2);
		n3 += k2;
		memcpy(t3 + n3, trace + frames[f].off + frames[f].len,
		       trace_len - frames[f].off - frames[f].len);
		n3 += trace_len - frames[f].off - frames[f].len;
		r = sr_reader_open_mem(t3, n3, &err);
		read_all(r, NULL, NULL, 0, &o);
		tap_ok(r && o.match && o.reports == 0 && o.st.unknown_frames == 0,
		       "unknown fields inside a Chunk and a Frame are skipped");
		sr_reader_close(r);
		free(t3);
		free(fr2);
		free(big);
		free(raw);
	}
}

static void test_version(void)
{
	uint8_t *b = dup_trace();
	struct sr_error err;
	struct sr_reader *r;

	b[8] = SR_FORMAT_VERSION + 1;
	r = sr_reader_open_mem(b, trace_len, &err);
	tap_ok(!r && err.status == SR_VERSION, "a newer major version is refused with SR_VERSION (%s)",
	       r ? "opened" : err.msg);
	sr_reader_close(r);
	b[8] = SR_FORMAT_VERSION;
	b[12] = 0x80; /* unknown preamble flags are ignored */
	r = sr_reader_open_mem(b, trace_len, &err);
	tap_ok(r != NULL, "unknown preamble flags are ignored");
	sr_reader_close(r);
	b[1] = 'X';
	r = sr_reader_open_mem(b, trace_len, &err);
	tap_ok(!r && err.status == SR_VERSION, "a file without the magic is refused with SR_VERSION");
	sr_reader_close(r);
	r = sr_reader_open_mem("GIF89a", 6, &err);
	tap_ok(!r && err.status == SR_VERSION, "a short foreign file is refused with SR_VERSION");
	free(b);
}

/* Seek to TS and check the events that follow, for the trace in BUF. */
static bool check_seek(const uint8_t *buf, size_t len, uint64_t ts, bool want_index,
		       bool want_rebuilt, size_t start_frame_limit)
{
	struct sr_error err;
	struct sr_reader *r = sr_reader_open_mem(buf, len, &err);
	struct outcome o;
	size_t target = SIZE_MAX, start;
	uint64_t last[256] = { 0 };
	bool ischunk[256] = { false };

	/* the chunk the reader must land on: the first whose last event is >= ts */
	for (size_t i = 0; i < nevents; i++) {
		if (events[i].type != SR_EV_PROCINFO) {
			ischunk[ev_frame[i]] = true;
			if (events[i].ts > last[ev_frame[i]]) {
				last[ev_frame[i]] = events[i].ts;
			}
		}
	}
	for (size_t f = 0; f < start_frame_limit; f++) {
		if (ischunk[f] && last[f] >= ts) {
			target = f;
			break;
		}
	}
	if (target == SIZE_MAX) {
		target = start_frame_limit;
	}
	start = target;
	while (start > 1 && !ischunk[start - 1]) {
		start--;
	}
	if (!r || sr_reader_seek_time(r, ts, &err) != SR_OK) {
		sr_reader_close(r);
		return false;
	}
	read_all(r, keep_from, &start, 0, &o);
	sr_reader_close(r);
	if (!o.match || o.st.has_index != want_index || o.st.index_rebuilt != want_rebuilt) {
		tap_diag("seek to %" PRIu64 ": match %d (start frame %zu) index %d rebuilt %d", ts,
			 o.match, start, o.st.has_index, o.st.index_rebuilt);
		return false;
	}
	return true;
}

static void test_seek(void)
{
	uint64_t t0 = events[0].ts, t1 = events[0].ts;
	size_t ok_footer = 0, ok_rebuilt = 0, n = 0;
	size_t cut = frames[nframes - 1].off; /* without the index frame and trailer */
	uint64_t probes[40];

	for (size_t i = 0; i < nevents; i++) {
		if (events[i].type == SR_EV_PROCINFO) {
			continue;
		}
		t0 = events[i].ts < t0 ? events[i].ts : t0;
		t1 = events[i].ts > t1 ? events[i].ts : t1;
	}
	probes[n++] = 0;
	probes[n++] = t0;
	probes[n++] = t1;
	probes[n++] = t1 + 1;
	probes[n++] = UINT64_MAX;
	for (int i = 0; i < 30; i++) {
		probes[n++] = t0 + (t1 - t0) / 30 * i + 17;
	}
	for (size_t i = 0; i < n; i++) {
		ok_footer += check_seek(trace, trace_len, probes[i], true, false, nframes);
		ok_rebuilt += check_seek(trace, cut, probes[i], false, true, nframes);
	}
	tap_ok(ok_footer == n, "seek_time with the footer index lands on the right chunk (%zu/%zu)",
	       ok_footer, n);
	tap_ok(ok_rebuilt == n,
	       "seek_time without a footer rebuilds the index and lands on the right chunk (%zu/%zu)",
	       ok_rebuilt, n);

	/* a damaged frame in the middle: the rebuilt index skips it */
	{
		uint8_t *b = malloc(cut);
		struct sr_error err;
		struct sr_reader *r;
		struct sr_reader_stats st;
		struct sr_event ev;
		size_t mid = nframes / 2;

		memcpy(b, trace, cut);
		b[frames[mid].off + 10] ^= 0xff;
		r = sr_reader_open_mem(b, cut, &err);
		bool ok = r && sr_reader_seek_time(r, 0, &err) == SR_OK;

		sr_reader_get_stats(r, &st);
		tap_ok(ok && st.index_rebuilt && sr_reader_next(r, &ev, &err) == SR_OK &&
			       same_event(&ev, &events[0]),
		       "the index is rebuilt around a damaged frame");
		sr_reader_close(r);
		free(b);
	}
	/* a regular file through an fd: footer, seek, then read on */
	{
		char path[] = "/tmp/sysrec-dmg.XXXXXX";
		int fd = mkstemp(path);
		bool ok = fd >= 0 && write(fd, trace, trace_len) == (ssize_t)trace_len &&
			  lseek(fd, 0, SEEK_SET) == 0;
		struct sr_error err;
		struct sr_reader *r = ok ? sr_reader_open_fd(fd, &err) : NULL;
		struct outcome o;
		size_t start = 1;
		uint64_t ts = events[nevents / 2].ts;

		/* where the file reader lands must equal the memory reader */
		if (r && sr_reader_seek_time(r, ts, &err) == SR_OK) {
			struct sr_reader *m = sr_reader_open_mem(trace, trace_len, &err);
			struct sr_event a, b;
			size_t same = 0, total = 0;

			sr_reader_seek_time(m, ts, &err);
			while (sr_reader_next(r, &a, &err) == SR_OK) {
				total++;
				same += sr_reader_next(m, &b, &err) == SR_OK && same_event(&a, &b);
			}
			ok = total > 0 && same == total && sr_reader_next(m, &b, &err) == SR_END &&
			     sr_reader_totals(r) != NULL;
			sr_reader_close(m);
		} else {
			ok = false;
		}
		sr_reader_close(r);
		if (fd >= 0) {
			lseek(fd, 0, SEEK_SET);
		}
		r = fd >= 0 ? sr_reader_open_fd(fd, &err) : NULL;
		if (r) {
			read_all(r, keep_from, &start, 0, &o);
		}
		tap_ok(ok && r && o.match && o.reports == 0,
		       "seek and read through a file descriptor");
		sr_reader_close(r);
		if (fd >= 0) {
			close(fd);
		}
		unlink(path);
	}
}

/* Child: write until the file size limit stops us; report via exit status. */
static int fsize_child(const char *path)
{
	struct rlimit rl = { 20000, 20000 };
	struct gen g;
	struct sr_writer_opts o = { .chunk_events = 50, .chunk_ns = UINT64_MAX };
	struct sr_error err, err2;
	struct sr_writer *w;
	enum sr_status st = SR_OK;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
		return 10;
	}
	gen_init(&g, 99, 5000, false);
	w = sr_writer_open(path, &g.hdr, &o, &err);
	if (!w) {
		return 11;
	}
	for (size_t i = 0; i < g.nitems && st == SR_OK; i++) {
		if (g.items[i].kind == GI_EVENT) {
			st = sr_writer_event(w, &g.items[i].ev, &err);
		}
	}
	if (st != SR_IO || err.sys_errno != EFBIG) {
		return 12;
	}
	/* later calls return the same error */
	if (sr_writer_event(w, &g.items[0].ev, &err2) != SR_IO || err2.sys_errno != EFBIG ||
	    sr_writer_flush(w, &err2) != SR_IO ||
	    sr_writer_close(w, NULL, &err2) != SR_IO) {
		return 13;
	}
	gen_free(&g);
	return 0;
}

static void test_write_errors(void)
{
	char path[] = "/tmp/sysrec-fsz.XXXXXX";
	int fd = mkstemp(path);
	pid_t pid;
	int status = -1;

	close(fd);
	pid = fork();
	if (pid == 0) {
		_exit(fsize_child(path));
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "a write error (file size limit) is returned, and again by every later call (%d)",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	{
		struct sr_error err;
		struct sr_reader *r = sr_reader_open(path, &err);
		struct sr_event ev;
		enum sr_status st;
		size_t n = 0, reports = 0;
		bool whole = true;

		while (r && (st = sr_reader_next(r, &ev, &err)) != SR_END) {
			if (st == SR_OK) {
				n++;
				continue;
			}
			reports++;
			/* the only report: the file ends at a frame boundary, not inside one */
			whole = whole && st == SR_TRUNCATED && strstr(err.msg, "without totals");
			if (st != SR_TRUNCATED && st != SR_CORRUPT) {
				break;
			}
		}
		tap_ok(r && n > 0 && reports == 1 && whole,
		       "after the write error the file ends on a whole frame (%zu events readable)", n);
		sr_reader_close(r);
	}
	unlink(path);

	/* a pipe whose reader went away: EPIPE, not a crash */
	{
		int pfd[2];
		struct sr_error err;
		struct sr_writer *w;
		struct sr_writer_opts o = { .chunk_events = 1 };
		struct sr_syscall sc = { .ts = 1, .nr = 1 };
		enum sr_status st = SR_OK;

		signal(SIGPIPE, SIG_IGN);
		if (pipe(pfd) == 0) {
			w = sr_writer_open_fd(pfd[1], NULL, &o, &err);
			close(pfd[0]);
			for (int i = 0; i < 10 && st == SR_OK; i++) {
				st = sr_writer_syscall(w, &sc, &err);
			}
			tap_ok(st == SR_IO && err.sys_errno == EPIPE,
			       "writing into a closed pipe returns SR_IO with EPIPE");
			sr_writer_close(w, NULL, &err);
			close(pfd[1]);
		}
	}
	/* a full device */
	{
		struct sr_error err;
		struct sr_writer *w = sr_writer_open("/dev/full", NULL, NULL, &err);

		tap_ok(!w && err.status == SR_IO && err.sys_errno == ENOSPC,
		       "a full disk at open: SR_IO with ENOSPC");
		sr_writer_abort(w);
	}
	/* an aborted writer leaves a readable trace reported as truncated */
	{
		char p2[] = "/tmp/sysrec-abort.XXXXXX";
		int fd2 = mkstemp(p2);
		struct gen g;
		struct sr_writer_opts o = { .chunk_events = 10, .chunk_ns = UINT64_MAX };
		struct sr_error err;
		struct sr_writer *w;
		struct sr_reader *r;
		struct sr_event ev;
		size_t n = 0;
		enum sr_status st;

		close(fd2);
		gen_init(&g, 5, 95, false);
		w = sr_writer_open(p2, &g.hdr, &o, &err);
		for (size_t i = 0; i < g.nitems; i++) {
			if (g.items[i].kind == GI_EVENT) {
				sr_writer_event(w, &g.items[i].ev, &err);
			}
		}
		sr_writer_flush(w, &err);
		sr_writer_abort(w);
		r = sr_reader_open(p2, &err);
		while (r && (st = sr_reader_next(r, &ev, &err)) == SR_OK) {
			n++;
		}
		tap_ok(r && st == SR_TRUNCATED && n > 0, "an aborted trace reads up to its last frame, "
		       "then reports the cut (%zu events)", n);
		sr_reader_close(r);
		gen_free(&g);
		unlink(p2);
	}
}

int main(void)
{
	struct gen g;
	struct sr_writer_opts o = { .chunk_events = 12, .chunk_ns = UINT64_MAX };
	char path[] = "/tmp/sysrec-damage.XXXXXX";
	int fd = mkstemp(path);
	char why[200];
	FILE *f;
	struct sr_error err;
	struct sr_reader *r;
	struct sr_reader_stats st;

	close(fd);
	gen_init(&g, 31337, 160, false);
	gen_expect(&g, &o);
	if (!gen_write(&g, path, -1, &o, why, sizeof(why))) {
		tap_ok(0, "write the sample trace: %s", why);
		return tap_done();
	}
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	trace_len = ftell(f);
	fseek(f, 0, SEEK_SET);
	trace = malloc(trace_len);
	if (fread(trace, 1, trace_len, f) != trace_len) {
		return 1;
	}
	fclose(f);
	unlink(path);
	scan_frames();

	/* the clean read, remembering each event's frame */
	events = calloc(g.nexp + 1, sizeof(*events));
	ev_frame = calloc(g.nexp + 1, sizeof(*ev_frame));
	r = sr_reader_open_mem(trace, trace_len, &err);
	while (r && sr_reader_next(r, &events[nevents], &err) == SR_OK) {
		sr_reader_get_stats(r, &st);
		ev_frame[nevents++] = st.frames - 1;
	}
	sr_reader_close(r);
	tap_ok(nevents == g.nexp && nframes > 10 && nframes < 256 && trace_len < 16384,
	       "sample trace: %zu events in %zu frames, %zu bytes", nevents, nframes, trace_len);

	test_cuts();
	test_flips();
	test_unknown();
	test_version();
	test_seek();
	test_write_errors();

	free(events);
	free(ev_frame);
	free(trace);
	gen_free(&g);
	return tap_done();
}
