// SPDX-License-Identifier: MIT
/*
 * Chunk decoder: parses a serialized Chunk message into reusable column
 * arrays. The packed columns are decoded by hand (a tight varint loop, no
 * allocation per event); the rare sub-messages (process events, samples,
 * host CPU, losses) go through protobuf-c with an arena allocator. Any valid
 * protobuf encoding of a Chunk is accepted: fields in any order, packed or
 * not, split in several runs, unknown fields skipped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

void sr_chunk_dec_init(struct sr_chunk_dec *d)
{
	memset(d, 0, sizeof(*d));
	sr_arena_init(&d->arena);
}

void sr_chunk_dec_free(struct sr_chunk_dec *d)
{
	if (!d) {
		return;
	}
	free(d->ts);
	free(d->dur);
	free(d->ret);
	free(d->nr);
	free(d->thr);
	for (int k = 0; k < 6; k++) {
		free(d->arg[k]);
	}
	free(d->tid);
	free(d->tgid);
	free(d->fidx);
	free(d->fval);
	free(d->str);
	free(d->sidx);
	free(d->sarg);
	free(d->sid);
	free(d->pe);
	free(d->smp);
	free(d->cpu);
	free(d->loss);
	free(d->th_exit);
	sr_arena_free(&d->arena);
	memset(d, 0, sizeof(*d));
}

/* Number of varints in a packed run; SIZE_MAX when the last one is cut. */
static size_t count_varints(const uint8_t *p, const uint8_t *end)
{
	size_t n = 0;

	if (p == end) {
		return 0;
	}
	if (end[-1] & 0x80) {
		return SIZE_MAX;
	}
	for (; p < end; p++) {
		n += *p < 0x80;
	}
	return n;
}

/* Element kinds of the columns. */
enum col_kind { COL_U64, COL_U32, COL_S64 };

static bool dec_col(const uint8_t *p, const uint8_t *end, enum col_kind kind, void **arr, size_t *n,
		    size_t *cap)
{
	size_t cnt = count_varints(p, end);
	size_t esize = kind == COL_U32 ? 4 : 8;

	if (cnt == SIZE_MAX) {
		return false;
	}
	if (cnt == 0) {
		return true;
	}
	if (*n + cnt > *cap && !sr_array_grow(arr, cap, *n + cnt, esize)) {
		return false;
	}
	if (kind == COL_U32) {
		uint32_t *o = (uint32_t *)*arr + *n;

		while (p < end) {
			uint64_t v;

			if (likely(*p < 0x80)) {
				*o++ = *p++;
				continue;
			}
			if (!sr_get_varint(&p, end, &v)) {
				return false;
			}
			*o++ = (uint32_t)v;
		}
	} else if (kind == COL_U64) {
		uint64_t *o = (uint64_t *)*arr + *n;

		while (p < end) {
			uint64_t v;

			if (likely(*p < 0x80)) {
				*o++ = *p++;
				continue;
			}
			if (!sr_get_varint(&p, end, &v)) {
				return false;
			}
			*o++ = v;
		}
	} else {
		int64_t *o = (int64_t *)*arr + *n;

		while (p < end) {
			uint64_t v;

			if (likely(*p < 0x80)) {
				v = *p++;
			} else if (!sr_get_varint(&p, end, &v)) {
				return false;
			}
			*o++ = sr_unzigzag(v);
		}
	}
	*n += cnt;
	return true;
}

struct pair {
	uint32_t a, b, c;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;

	if (p->a != q->a) {
		return p->a < q->a ? -1 : 1;
	}
	return p->b < q->b ? -1 : p->b > q->b;
}

/* Sort sparse entries by (index, second key) when they are not already. */
static bool sort_sparse(uint32_t *a, uint32_t *b, uint32_t *c, size_t n)
{
	struct pair *tmp;
	bool sorted = true;

	for (size_t i = 1; i < n; i++) {
		if (a[i] < a[i - 1] || (a[i] == a[i - 1] && b && b[i] < b[i - 1])) {
			sorted = false;
			break;
		}
	}
	if (sorted) {
		return true;
	}
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		tmp[i].a = a[i];
		tmp[i].b = b ? b[i] : 0;
		tmp[i].c = c ? c[i] : 0;
	}
	qsort(tmp, n, sizeof(*tmp), cmp_pair);
	for (size_t i = 0; i < n; i++) {
		a[i] = tmp[i].a;
		if (b) {
			b[i] = tmp[i].b;
		}
		if (c) {
			c[i] = tmp[i].c;
		}
	}
	free(tmp);
	return true;
}

#define FAIL(...) \
	do { \
		snprintf(msg, msgsz, __VA_ARGS__); \
		return false; \
	} while (0)

#define PUSH_MSG(arr, cnt, cap, T, fn) \
	do { \
		T *m_ = fn(&d->arena.pb, len, p); \
		if (!m_) \
			FAIL("bad " #T " message in chunk"); \
		if (!SR_ARRAY_RESERVE(arr, cap, cnt + 1)) \
			FAIL("out of memory"); \
		arr[cnt++] = m_; \
	} while (0)

bool sr_chunk_dec_parse(struct sr_chunk_dec *d, const uint8_t *p, size_t size, char *msg,
			size_t msgsz)
{
	const uint8_t *end = p + size;
	bool have_base = false;
	size_t n;

	sr_arena_reset(&d->arena);
	d->n = d->n_gap = d->n_dur = d->n_ret = d->n_nr = d->n_thr = 0;
	memset(d->n_arg, 0, sizeof(d->n_arg));
	d->ntid = d->ntgid = d->nfidx = d->nfval = d->nstr = 0;
	d->nsidx = d->nsarg = d->nsid = 0;
	d->npe = d->nsmp = d->ncpu = d->nloss = 0;
	d->base_ns = 0;
	d->has_args = false;

	while (p < end) {
		uint64_t tag, v;
		unsigned field, wt;
		const uint8_t *seg, *segend;

		if (!sr_get_varint(&p, end, &tag)) {
			FAIL("bad field tag in chunk");
		}
		field = tag >> 3 > 1000 ? 1000 : (unsigned)(tag >> 3);
		wt = tag & 7;
		if (field == 1) {
			if (wt != 0 || !sr_get_varint(&p, end, &v)) {
				FAIL("bad base_ns in chunk");
			}
			d->base_ns = v;
			have_base = true;
			continue;
		}
		if ((field >= 2 && field <= 16) || (field >= 18 && field <= 20) || field == 22) {
			void **arr;
			size_t *cnt, *cap;
			enum col_kind kind = COL_U32;

			switch (field) {
			case 2:
				arr = (void **)&d->ts, cnt = &d->n, cap = &d->cap_ts, kind = COL_S64;
				break;
			case 3:
				arr = (void **)&d->thr, cnt = &d->n_thr, cap = &d->cap_thr;
				break;
			case 4:
				arr = (void **)&d->nr, cnt = &d->n_nr, cap = &d->cap_nr;
				break;
			case 5:
				arr = (void **)&d->ret, cnt = &d->n_ret, cap = &d->cap_ret, kind = COL_S64;
				break;
			case 6:
				arr = (void **)&d->dur, cnt = &d->n_dur, cap = &d->cap_dur, kind = COL_U64;
				break;
			case 7:
				arr = (void **)&d->tid, cnt = &d->ntid, cap = &d->cap_tid;
				break;
			case 8:
				arr = (void **)&d->tgid, cnt = &d->ntgid, cap = &d->cap_tgid;
				break;
			case 15:
				arr = (void **)&d->fidx, cnt = &d->nfidx, cap = &d->cap_fidx;
				break;
			case 16:
				arr = (void **)&d->fval, cnt = &d->nfval, cap = &d->cap_fval;
				break;
			case 18:
				arr = (void **)&d->sidx, cnt = &d->nsidx, cap = &d->cap_sidx;
				break;
			case 19:
				arr = (void **)&d->sarg, cnt = &d->nsarg, cap = &d->cap_sarg;
				break;
			case 20:
				arr = (void **)&d->sid, cnt = &d->nsid, cap = &d->cap_sid;
				break;
			case 22:
				arr = (void **)&d->ts, cnt = &d->n_gap, cap = &d->cap_ts, kind = COL_S64;
				break;
			default: /* 9..14 */
				arr = (void **)&d->arg[field - 9], cnt = &d->n_arg[field - 9];
				cap = &d->cap_arg[field - 9];
				kind = COL_U64;
				break;
			}
			seg = p;
			if (wt == 2) {
				if (!sr_get_varint(&p, end, &v) || v > (uint64_t)(end - p)) {
					FAIL("bad length of chunk field %u", field);
				}
				seg = p;
				segend = p + v;
			} else if (wt == 0) {
				if (!sr_get_varint(&p, end, &v)) {
					FAIL("bad value of chunk field %u", field);
				}
				segend = p;
			} else {
				FAIL("bad wire type %u of chunk field %u", wt, field);
			}
			if (!dec_col(seg, segend, kind, arr, cnt, cap)) {
				FAIL("bad packed column %u in chunk", field);
			}
			p = segend;
			continue;
		}
		if (wt != 2 && (field == 17 || (field >= 32 && field <= 35))) {
			FAIL("bad wire type %u of chunk field %u", wt, field);
		}
		if (field == 17 || (field >= 32 && field <= 35)) {
			size_t len;

			if (!sr_get_varint(&p, end, &v) || v > (uint64_t)(end - p)) {
				FAIL("bad length of chunk field %u", field);
			}
			len = v;
			switch (field) {
			case 17: {
				char *s = sr_arena_strndup(&d->arena, (const char *)p, len);

				if (!s || !SR_ARRAY_RESERVE(d->str, d->cap_str, d->nstr + 1)) {
					FAIL("out of memory");
				}
				d->str[d->nstr++] = s;
				break;
			}
			case 32:
				PUSH_MSG(d->pe, d->npe, d->cap_pe, Sysrec__ProcessEvent,
					 sysrec__process_event__unpack);
				break;
			case 33:
				PUSH_MSG(d->smp, d->nsmp, d->cap_smp, Sysrec__ProcSample,
					 sysrec__proc_sample__unpack);
				break;
			case 34:
				PUSH_MSG(d->cpu, d->ncpu, d->cap_cpu, Sysrec__HostCpuSample,
					 sysrec__host_cpu_sample__unpack);
				break;
			default:
				PUSH_MSG(d->loss, d->nloss, d->cap_loss, Sysrec__Loss,
					 sysrec__loss__unpack);
				break;
			}
			p += len;
			continue;
		}
		if (!sr_pb_skip(&p, end, wt)) {
			FAIL("bad unknown field %u in chunk", field);
		}
	}

	if (d->n && d->n_gap) {
		FAIL("chunk has both ts_delta and thread_gap columns");
	}
	if (d->n_gap) {
		d->n = d->n_gap;
	}
	/* deltas -> entry times (thread gaps below, once the thread indexes are checked) */
	n = d->n;
	if (!d->n_gap) {
		uint64_t t = have_base ? d->base_ns : 0;
		uint64_t *ts = d->ts;

		for (size_t i = 0; i < n; i++) {
			t += (uint64_t)((int64_t *)ts)[i];
			ts[i] = t;
		}
	}
	if (d->n_thr != n || d->n_nr != n || d->n_ret != n || d->n_dur != n) {
		FAIL("chunk columns disagree: %zu times, %zu threads, %zu numbers, %zu returns, "
		     "%zu durations", n, d->n_thr, d->n_nr, d->n_ret, d->n_dur);
	}
	for (int k = 0; k < 6; k++) {
		if (d->n_arg[k] != (d->n_arg[0] ? n : 0) || (d->n_arg[0] && d->n_arg[0] != n)) {
			FAIL("chunk argument columns disagree with %zu syscalls", n);
		}
	}
	d->has_args = n && d->n_arg[0] == n;
	if (d->ntid != d->ntgid) {
		FAIL("chunk threads table: %zu tids, %zu tgids", d->ntid, d->ntgid);
	}
	{
		uint32_t nt = d->ntid, bad = 0;

		for (size_t i = 0; i < n; i++) {
			bad |= d->thr[i] >= nt;
		}
		if (bad) {
			FAIL("chunk thread index out of range (%u threads)", nt);
		}
	}
	if (d->n_gap) {
		/* entry = exit of the thread's previous syscall (base_ns at first) + gap */
		uint64_t *ts = d->ts, *last;

		if (!SR_ARRAY_RESERVE(d->th_exit, d->cap_th_exit, d->ntid)) {
			FAIL("out of memory");
		}
		last = d->th_exit;
		for (size_t t = 0; t < d->ntid; t++) {
			last[t] = have_base ? d->base_ns : 0;
		}
		if (n) {
			/*
			 * The running thread's last exit stays in a register during its
			 * runs of syscalls: a load of what the previous step stored
			 * would cost 7% of the decoding speed.
			 */
			uint32_t cur = d->thr[0];
			uint64_t prev = last[cur];

			for (size_t i = 0; i < n; i++) {
				uint32_t t = d->thr[i];

				if (t != cur) {
					last[cur] = prev;
					cur = t;
					prev = last[t];
				}
				ts[i] += prev;
				prev = ts[i] + d->dur[i];
			}
		}
	}
	if (d->nfidx != d->nfval) {
		FAIL("chunk flags: %zu indexes, %zu values", d->nfidx, d->nfval);
	}
	for (size_t k = 0; k < d->nfidx; k++) {
		if (d->fidx[k] >= n) {
			FAIL("chunk flag index %u out of range", d->fidx[k]);
		}
	}
	if (!sort_sparse(d->fidx, d->fval, NULL, d->nfidx)) {
		FAIL("out of memory");
	}
	if (d->nsidx != d->nsarg || d->nsidx != d->nsid) {
		FAIL("chunk string columns disagree");
	}
	for (size_t k = 0; k < d->nsidx; k++) {
		if (d->sidx[k] >= n || d->sarg[k] >= 6 || d->sid[k] >= d->nstr) {
			FAIL("chunk string reference %zu out of range", k);
		}
	}
	if (!sort_sparse(d->sidx, d->sarg, d->sid, d->nsidx)) {
		FAIL("out of memory");
	}
	return true;
}
