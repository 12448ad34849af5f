// SPDX-License-Identifier: MIT
/*
 * Entry times as per-thread gaps (column 22 thread_gap, format 1.1; FORMAT.md
 * 2.2): the chunk codec is driven directly. Chunks with equal entry times
 * across threads, in any arrival order, long blocking calls, durations that
 * overlap the thread's next entry and times near the top of the u64 range
 * come back exactly in (entry time, arrival) order; malformed gap chunks are
 * refused; and a trace written with the old column (samples/demo.trace,
 * format 1.0) reads the same after being rewritten with the new one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"
#include "trace_gen.h"

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? rng_state % n : rng_state;
}

static const char *const paths[] = { "/etc/passwd", "/tmp/x", "/usr/lib/libc.so.6", "" };

/* Encode SC[0..n) (arrival order) as one chunk and decode it into D. */
static bool codec(struct sr_chunk_enc *enc, const struct sr_syscall *sc, size_t n,
		  struct sr_buf *buf, struct sr_chunk_dec *d, char *why, size_t whysz)
{
	struct sr_chunk_stats st;
	const uint8_t *p;
	uint64_t len;

	for (size_t i = 0; i < n; i++) {
		if (!sr_chunk_enc_syscall(enc, &sc[i])) {
			snprintf(why, whysz, "encode event %zu", i);
			return false;
		}
	}
	if (!sr_chunk_enc_finish(enc, buf, &st)) {
		snprintf(why, whysz, "finish");
		return false;
	}
	/* Frame{chunk = 2}: tag 0x12, length, Chunk */
	p = buf->p + 1;
	if (buf->p[0] != 0x12 || !sr_get_varint(&p, buf->p + buf->len, &len) ||
	    len != (uint64_t)(buf->p + buf->len - p)) {
		snprintf(why, whysz, "not a Frame{chunk}");
		return false;
	}
	return sr_chunk_dec_parse(d, p, len, why, whysz);
}

/* Compare the decoded chunk D with SC put in stable entry-time order. */
static bool matches(const struct sr_syscall *sc, size_t n, bool args, const struct sr_chunk_dec *d,
		    char *why, size_t whysz)
{
	size_t *ord = malloc(n * sizeof(*ord));
	size_t kf = 0, ks = 0;
	bool ok = false;

	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j > 0 && sc[ord[j - 1]].ts > sc[i].ts) {
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = i;
	}
	if (d->n != n) {
		snprintf(why, whysz, "%zu syscalls decoded, %zu written", d->n, n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sr_syscall *s = &sc[ord[i]];
		uint32_t f = 0;

		if (d->ts[i] != s->ts || d->dur[i] != s->duration || d->ret[i] != s->ret ||
		    d->nr[i] != s->nr || d->tid[d->thr[i]] != s->tid || d->tgid[d->thr[i]] != s->tgid) {
			snprintf(why, whysz, "syscall %zu: ts %" PRIu64 "/%" PRIu64 " tid %u/%u", i,
				 d->ts[i], s->ts, d->tid[d->thr[i]], s->tid);
			goto out;
		}
		if (kf < d->nfidx && d->fidx[kf] == i) {
			f = d->fval[kf++];
		}
		if (f != s->flags) {
			snprintf(why, whysz, "syscall %zu: flags %u, wrote %u", i, f, s->flags);
			goto out;
		}
		for (unsigned a = 0; a < 6; a++) {
			const char *got = NULL;

			if (args && d->arg[a][i] != s->args[a]) {
				snprintf(why, whysz, "syscall %zu: arg %u", i, a);
				goto out;
			}
			if (ks < d->nsidx && d->sidx[ks] == i && d->sarg[ks] == a) {
				got = d->str[d->sid[ks++]];
			}
			if ((got == NULL) != (s->str[a] == NULL) || (got && strcmp(got, s->str[a]))) {
				snprintf(why, whysz, "syscall %zu: string of arg %u", i, a);
				goto out;
			}
		}
	}
	ok = kf == d->nfidx && ks == d->nsidx;
	if (!ok) {
		snprintf(why, whysz, "extra flags or strings");
	}
out:
	free(ord);
	return ok;
}

static void fill(struct sr_syscall *s, uint64_t ts, uint32_t tid, bool args)
{
	memset(s, 0, sizeof(*s));
	s->ts = ts;
	s->tid = tid;
	s->tgid = tid - tid % 3;
	s->nr = rnd(4) ? rnd(8) : rnd(450);
	s->ret = rnd(5) ? (int64_t)rnd(4096) : -(int64_t)rnd(130);
	s->duration = rnd(4) ? rnd(50) : rnd(5000);
	if (rnd(25) == 0) {
		s->flags = 1 + rnd(2);
		s->duration = 0;
		s->ret = 0;
	}
	s->has_args = args;
	if (args) {
		for (int k = 0; k < 6; k++) {
			s->args[k] = rnd(2) ? rnd(100) : rnd(0);
		}
	}
	if (rnd(6) == 0) {
		s->str[rnd(6)] = paths[rnd(4)];
	}
}

static void test_exact(void)
{
	struct sr_chunk_enc *enc = sr_chunk_enc_new(false), *enca = sr_chunk_enc_new(true);
	struct sr_buf buf = { 0 };
	struct sr_chunk_dec d;
	static struct sr_syscall sc[3000];
	char why[200] = "";
	int ok = 0, wide_ok = 0, edge_ok = 0;
	const int rounds = 60;

	sr_chunk_dec_init(&d);

	/* random chunks: few to many ties, any arrival order, with and without args */
	for (int r = 0; r < rounds; r++) {
		size_t n = 1 + rnd(3000);
		uint32_t nth = 1 + rnd(r % 3 ? 8 : 200);
		uint64_t spread = n * (r % 4 == 0 ? 1 : 1 + rnd(5000));
		bool args = r % 5 == 0;

		for (size_t i = 0; i < n; i++) {
			fill(&sc[i], 5000000000ull + rnd(spread), 100 + rnd(nth), args);
		}
		if (r % 2) { /* mostly in order, as a recorder delivers */
			for (size_t i = 1; i < n; i++) {
				for (size_t j = i; j > 0 && sc[j - 1].ts > sc[j].ts && rnd(4); j--) {
					struct sr_syscall t = sc[j];

					sc[j] = sc[j - 1];
					sc[j - 1] = t;
				}
			}
		}
		if (codec(args ? enca : enc, sc, n, &buf, &d, why, sizeof(why)) &&
		    matches(sc, n, args, &d, why, sizeof(why)) && d.n_gap == n) {
			ok++;
		} else {
			tap_diag("round %d (%zu syscalls, %u threads): %s", r, n, nth, why);
		}
	}
	tap_ok(ok == rounds, "random chunks with ties read back exactly from thread gaps (%d/%d)", ok,
	       rounds);

	/* entry times spread over 20 s, durations that overlap the next entry: negative gaps */
	for (int r = 0; r < 10; r++) {
		size_t n = 500 + rnd(1500);

		for (size_t i = 0; i < n; i++) {
			fill(&sc[i], 5000000000ull + rnd(20000000000ull), 100 + rnd(5), false);
			sc[i].duration = rnd(3) ? sc[i].duration : rnd(30000000000ull);
		}
		if (codec(enc, sc, n, &buf, &d, why, sizeof(why)) &&
		    matches(sc, n, false, &d, why, sizeof(why))) {
			wide_ok++;
		} else {
			tap_diag("wide round %d: %s", r, why);
		}
	}
	tap_ok(wide_ok == 10, "chunks spanning 20 s with overlapping durations read back exactly (%d/10)",
	       wide_ok);

	/* times and durations near the top of u64: gaps wrap, the sums come back */
	for (int r = 0; r < 10; r++) {
		size_t n = 1 + rnd(300);

		for (size_t i = 0; i < n; i++) {
			fill(&sc[i], UINT64_MAX - rnd(1000000), 100 + rnd(3), false);
			sc[i].duration = rnd(2) ? rnd(UINT64_MAX) : sc[i].duration;
		}
		if (codec(enc, sc, n, &buf, &d, why, sizeof(why)) &&
		    matches(sc, n, false, &d, why, sizeof(why))) {
			edge_ok++;
		} else {
			tap_diag("edge round %d: %s", r, why);
		}
	}
	tap_ok(edge_ok == 10, "entry times and durations near 2^64 read back exactly (%d/10)", edge_ok);

	sr_chunk_dec_free(&d);
	sr_buf_free(&buf);
	sr_chunk_enc_free(enc);
	sr_chunk_enc_free(enca);
}

/* Append field FIELD (varint V) to the Chunk inside BUF's Frame and parse it. */
static bool parse_with_extra(const struct sr_buf *buf, unsigned field, unsigned wt, uint64_t v,
			     struct sr_chunk_dec *d, char *why, size_t whysz)
{
	const uint8_t *p = buf->p + 1;
	uint64_t len;
	uint8_t *m;
	size_t k;
	bool ok;

	sr_get_varint(&p, buf->p + buf->len, &len);
	m = malloc(len + 32);
	memcpy(m, p, len);
	k = len;
	k = sr_put_varint(m + k, (uint64_t)field << 3 | wt) - m;
	if (wt == 2) { /* a packed run of one value */
		m[k++] = (uint8_t)sr_varint_size(v);
	}
	k = sr_put_varint(m + k, v) - m;
	if (field == 15) { /* its pair: flag_value 1 */
		k = sr_put_varint(m + k, 16 << 3 | 0) - m;
		m[k++] = 1;
	}
	ok = sr_chunk_dec_parse(d, m, k, why, whysz);
	free(m);
	return ok;
}

static void test_malformed(void)
{
	struct sr_chunk_enc *enc = sr_chunk_enc_new(false);
	struct sr_buf buf = { 0 };
	struct sr_chunk_dec d;
	struct sr_syscall sc[200];
	char why[200];
	int survived = 0, decoded = 0;

	sr_chunk_dec_init(&d);
	for (size_t i = 0; i < 200; i++) {
		fill(&sc[i], 1000000 + i * 1000, 50 + rnd(4), false);
	}
	codec(enc, sc, 200, &buf, &d, why, sizeof(why));
	tap_ok(d.n_gap == 200, "the sample chunk has thread gaps");

	tap_ok(!parse_with_extra(&buf, 2, 2, 5, &d, why, sizeof(why)) && strstr(why, "both"),
	       "a chunk with both ts_delta and thread_gap is refused (%s)", why);
	tap_ok(!parse_with_extra(&buf, 22, 0, 5, &d, why, sizeof(why)) && strstr(why, "disagree"),
	       "a thread_gap column longer than the others is refused (%s)", why);
	tap_ok(!parse_with_extra(&buf, 3, 2, 0, &d, why, sizeof(why)),
	       "a thread column longer than thread_gap is refused (%s)", why);
	tap_ok(!parse_with_extra(&buf, 15, 2, 200, &d, why, sizeof(why)) && strstr(why, "range"),
	       "a flag index past the syscalls is refused (%s)", why);
	tap_ok(parse_with_extra(&buf, 25, 0, 1, &d, why, sizeof(why)) && d.n == 200,
	       "an unknown column is skipped next to thread_gap");
	tap_ok(!parse_with_extra(&buf, 7, 2, 9, &d, why, sizeof(why)),
	       "a threads table with more tids than tgids is refused (%s)", why);

	/* random byte damage: refused or decoded, never out of bounds (ASan in fuzz builds) */
	{
		const uint8_t *p = buf.p + 1;
		uint64_t len;
		uint8_t *m;

		sr_get_varint(&p, buf.p + buf.len, &len);
		m = malloc(len);
		for (int r = 0; r < 3000; r++) {
			memcpy(m, p, len);
			for (int k = 0; k < 1 + (int)rnd(4); k++) {
				m[rnd(len)] ^= 1u << rnd(8);
			}
			if (sr_chunk_dec_parse(&d, m, len, why, sizeof(why))) {
				bool sane = d.n_thr == d.n && d.n_dur == d.n;

				for (size_t i = 0; sane && i < d.n; i++) {
					sane &= d.thr[i] < d.ntid;
				}
				survived += !sane;
				decoded++;
			}
		}
		free(m);
	}
	tap_ok(survived == 0, "3000 damaged gap chunks: the %d decoded ones are consistent", decoded);

	sr_chunk_dec_free(&d);
	sr_buf_free(&buf);
	sr_chunk_enc_free(enc);
}

/* samples/demo.trace (format 1.0 columns) reads the same after a rewrite in 1.1 */
static void test_old_sample(void)
{
	const char *in = "samples/demo.trace";
	char out[] = "/tmp/sysrec-gap-XXXXXX";
	struct sr_error err;
	struct sr_reader *r, *r2 = NULL;
	struct sr_writer *w;
	struct sr_writer_opts o = { 0 };
	struct sr_event ev, ev2;
	enum sr_status st, st2;
	size_t n = 0, same = 0;
	int fd;
	char why[200] = "";
	bool args;

	if (access(in, R_OK) != 0) {
		tap_skip("samples/demo.trace not in the tree");
		return;
	}
	fd = mkstemp(out);
	close(fd);
	r = sr_reader_open(in, &err);
	if (!r) {
		tap_ok(0, "open %s: %s", in, err.msg);
		return;
	}
	args = sr_reader_header(r)->args_captured;
	w = sr_writer_open(out, sr_reader_header(r), &o, &err);
	while (w && (st = sr_reader_next(r, &ev, &err)) == SR_OK) {
		sr_writer_event(w, &ev, &err);
	}
	if (w) {
		sr_writer_close(w, sr_reader_totals(r), &err);
	}
	sr_reader_close(r);

	r = sr_reader_open(in, &err);
	r2 = sr_reader_open(out, &err);
	while (r && r2) {
		st = sr_reader_next(r, &ev, &err);
		st2 = sr_reader_next(r2, &ev2, &err);
		if (st != SR_OK || st2 != SR_OK) {
			if (st != st2) {
				snprintf(why, sizeof(why), "one trace ended first");
				n++;
			}
			break;
		}
		n++;
		if (gen_event_eq(&ev, &ev2, args, why, sizeof(why))) {
			same++;
		} else {
			tap_diag("event %zu: %s", n, why);
			break;
		}
	}
	tap_ok(r && r2 && n > 1000 && same == n,
	       "samples/demo.trace reads the same after a rewrite with thread gaps (%zu/%zu events)",
	       same, n);
	sr_reader_close(r);
	sr_reader_close(r2);
	unlink(out);
}

int main(void)
{
	test_exact();
	test_malformed();
	test_old_sample();
	return tap_done();
}
