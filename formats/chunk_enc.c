// SPDX-License-Identifier: MIT
/*
 * Chunk encoder: collects the events of one chunk and serializes them as a
 * Frame{chunk} protobuf message, columnar (see FORMAT.md). Per-event work is
 * an append to plain arrays; sorting, the threads table, string interning and
 * the wire format are done once per chunk. The wire format is written by hand
 * (it is plain protobuf: packed varint columns in field-number order) because
 * building protobuf-c messages per chunk costs more than the encoding itself.
 */
#include <stddef.h>
#include <stdlib.h>

#include "internal.h"

struct pend_sc {
	uint64_t ts;
	uint64_t dur;
	int64_t ret;
	uint32_t tid;
	uint32_t tgid;
	uint32_t nr;
	uint32_t flags;
};

struct pend_str {
	uint32_t idx; /* syscall index (arrival order until finish, sorted order after) */
	uint32_t arg;
	uint32_t off; /* into sbuf */
	uint32_t len;
};

struct sort_key {
	uint64_t ts;
	uint32_t idx;
};

struct sr_chunk_enc {
	bool args;
	struct pend_sc *sc;
	size_t nsc, cap_sc;
	uint64_t *argv; /* 6 per syscall when args */
	size_t cap_argv;
	struct pend_str *str;
	size_t nstr, cap_str;
	struct sr_buf sbuf;
	Sysrec__ProcessEvent *pe;
	size_t npe, cap_pe;
	Sysrec__ProcSample *smp;
	size_t nsmp, cap_smp;
	Sysrec__HostCpuSample *cpu;
	size_t ncpu, cap_cpu;
	Sysrec__Loss *loss;
	size_t nloss, cap_loss;
	struct sr_arena arena[2]; /* strings of process events: in use, and for a carry */
	unsigned cur;             /* the arena in use */
	size_t msg_bytes;         /* estimate for the rarer kinds */
	bool sc_sorted;        /* syscalls arrived in entry-time order */
	uint64_t last_sc_ts;

	/* scratch of finish() */
	struct sort_key *keys, *tmp;
	size_t cap_keys;
	uint32_t *inv;
	size_t cap_inv;
	uint64_t *th_key;
	uint32_t *th_val;
	size_t th_cap;
	uint32_t *ttid, *ttgid, *thr;
	size_t nth, cap_ttid, cap_ttgid, cap_thr;
	uint32_t *sh_slot;
	size_t sh_cap;
	uint32_t *sid_off, *sid_len;
	size_t cap_sid_off, cap_sid_len;
	uint32_t *colbuf;
	size_t cap_colbuf;
	uint64_t *th_exit; /* per thread: exit time of its previous syscall (thread_gap) */
	size_t cap_th_exit;

	/* scratch of a carry: kept syscalls, their arguments and strings */
	struct pend_sc *csc;
	size_t cap_csc;
	uint64_t *cargv;
	size_t cap_cargv;
	struct sr_buf csbuf;
};

static const char empty_str[1] = "";

/* Encoded bytes of one message of the rarer kinds, roughly (strings apart). */
enum { EST_PROC = 64, EST_SAMPLE = 128, EST_HOSTCPU = 64, EST_LOSS = 48 };

struct sr_chunk_enc *sr_chunk_enc_new(bool args_captured)
{
	struct sr_chunk_enc *c = calloc(1, sizeof(*c));

	if (!c) {
		return NULL;
	}
	c->args = args_captured;
	c->sc_sorted = true;
	sr_arena_init(&c->arena[0]);
	sr_arena_init(&c->arena[1]);
	return c;
}

void sr_chunk_enc_free(struct sr_chunk_enc *c)
{
	if (!c) {
		return;
	}
	free(c->sc);
	free(c->argv);
	free(c->str);
	sr_buf_free(&c->sbuf);
	free(c->pe);
	free(c->smp);
	free(c->cpu);
	free(c->loss);
	sr_arena_free(&c->arena[0]);
	sr_arena_free(&c->arena[1]);
	free(c->keys);
	free(c->tmp);
	free(c->inv);
	free(c->th_key);
	free(c->th_val);
	free(c->ttid);
	free(c->ttgid);
	free(c->thr);
	free(c->sh_slot);
	free(c->sid_off);
	free(c->sid_len);
	free(c->colbuf);
	free(c->th_exit);
	free(c->csc);
	free(c->cargv);
	sr_buf_free(&c->csbuf);
	free(c);
}

size_t sr_chunk_enc_count(const struct sr_chunk_enc *c)
{
	return c->nsc + c->npe + c->nsmp + c->ncpu + c->nloss;
}

size_t sr_chunk_enc_bytes(const struct sr_chunk_enc *c)
{
	return c->nsc * (c->args ? 80 : 24) + c->sbuf.len + c->msg_bytes;
}

bool sr_chunk_enc_syscall(struct sr_chunk_enc *c, const struct sr_syscall *s)
{
	struct pend_sc *p;
	size_t i = c->nsc;

	if (unlikely(!SR_ARRAY_RESERVE(c->sc, c->cap_sc, i + 1))) {
		return false;
	}
	p = &c->sc[i];
	p->ts = s->ts;
	p->dur = s->duration;
	p->ret = s->ret;
	p->tid = s->tid;
	p->tgid = s->tgid;
	p->nr = s->nr;
	p->flags = s->flags;
	if (unlikely(s->ts < c->last_sc_ts)) {
		c->sc_sorted = false;
	}
	c->last_sc_ts = s->ts;
	if (c->args) {
		if (unlikely(!SR_ARRAY_RESERVE(c->argv, c->cap_argv, (i + 1) * 6))) {
			return false;
		}
		if (s->has_args) {
			memcpy(&c->argv[i * 6], s->args, sizeof(s->args));
		} else {
			memset(&c->argv[i * 6], 0, sizeof(s->args));
		}
	}
	for (unsigned k = 0; k < 6; k++) {
		struct pend_str *ps;
		size_t len;

		if (likely(!s->str[k])) {
			continue;
		}
		len = strlen(s->str[k]);
		if (len > UINT32_MAX / 2 || c->sbuf.len + len > UINT32_MAX / 2) {
			return false;
		}
		if (!SR_ARRAY_RESERVE(c->str, c->cap_str, c->nstr + 1) ||
		    !sr_buf_reserve(&c->sbuf, len + 1)) {
			return false;
		}
		ps = &c->str[c->nstr++];
		ps->idx = i;
		ps->arg = k;
		ps->off = c->sbuf.len;
		ps->len = len;
		memcpy(c->sbuf.p + c->sbuf.len, s->str[k], len);
		c->sbuf.len += len;
	}
	c->nsc = i + 1;
	return true;
}

static char *arena_str(struct sr_arena *a, const char *s, size_t *bytes)
{
	size_t n;

	if (!s || !*s) {
		return (char *)empty_str;
	}
	n = strlen(s);
	*bytes += n + 2;
	return sr_arena_strndup(a, s, n);
}

/* Copy the strings of a process event into A (P's scalar fields are set). */
static bool proc_strings(Sysrec__ProcessEvent *p, struct sr_arena *a, const char *filename,
			 const char *comm, const char *cgroup_path, const char *const *argv,
			 uint32_t argc, size_t *bytes)
{
	*bytes += EST_PROC;
	if (!(p->filename = arena_str(a, filename, bytes)) || !(p->comm = arena_str(a, comm, bytes)) ||
	    !(p->cgroup_path = arena_str(a, cgroup_path, bytes))) {
		return false;
	}
	p->argv = NULL;
	p->n_argv = 0;
	if (argc && argv) {
		p->argv = sr_arena_alloc(a, argc * sizeof(char *));
		if (!p->argv) {
			return false;
		}
		for (uint32_t i = 0; i < argc; i++) {
			const char *s = argv[i] ? argv[i] : "";

			p->argv[i] = sr_arena_strndup(a, s, strlen(s));
			if (!p->argv[i]) {
				return false;
			}
			*bytes += strlen(s) + 2;
		}
		p->n_argv = argc;
	}
	return true;
}

bool sr_chunk_enc_proc(struct sr_chunk_enc *c, const struct sr_proc_event *ev)
{
	Sysrec__ProcessEvent *p;

	if (!SR_ARRAY_RESERVE(c->pe, c->cap_pe, c->npe + 1)) {
		return false;
	}
	p = &c->pe[c->npe];
	sysrec__process_event__init(p);
	p->ts_ns = ev->ts;
	p->kind = (Sysrec__ProcessEvent__Kind)ev->kind;
	p->tid = ev->tid;
	p->pid = ev->pid;
	p->parent_tid = ev->parent_tid;
	p->parent_pid = ev->parent_pid;
	p->clone_flags = ev->clone_flags;
	p->is_thread = ev->is_thread;
	p->exit_code = ev->exit_code;
	p->exit_signal = ev->exit_signal;
	p->core_dumped = ev->core_dumped;
	p->group_dead = ev->group_dead;
	p->cgroup_id = ev->cgroup_id;
	p->argv_truncated = ev->argv_truncated;
	if (!proc_strings(p, &c->arena[c->cur], ev->filename, ev->comm, ev->cgroup_path, ev->argv,
			  ev->argc, &c->msg_bytes)) {
		return false;
	}
	c->npe++;
	return true;
}

bool sr_chunk_enc_sample(struct sr_chunk_enc *c, const struct sr_sample *s)
{
	Sysrec__ProcSample *p;

	if (!SR_ARRAY_RESERVE(c->smp, c->cap_smp, c->nsmp + 1)) {
		return false;
	}
	p = &c->smp[c->nsmp++];
	sysrec__proc_sample__init(p);
	p->ts_ns = s->ts;
	p->pid = s->pid;
	p->utime_ticks = s->utime_ticks;
	p->stime_ticks = s->stime_ticks;
	p->rss_kb = s->rss_kb;
	p->vm_peak_kb = s->vm_peak_kb;
	p->vm_hwm_kb = s->vm_hwm_kb;
	p->minflt = s->minflt;
	p->majflt = s->majflt;
	p->syscr = s->syscr;
	p->syscw = s->syscw;
	p->rchar = s->rchar;
	p->wchar = s->wchar;
	p->read_bytes = s->read_bytes;
	p->write_bytes = s->write_bytes;
	p->vol_ctxsw = s->vol_ctxsw;
	p->invol_ctxsw = s->invol_ctxsw;
	p->threads = s->threads;
	p->fds = s->fds;
	p->final = s->final;
	p->vm_size_kb = s->vm_size_kb;
	c->msg_bytes += EST_SAMPLE;
	return true;
}

bool sr_chunk_enc_hostcpu(struct sr_chunk_enc *c, const struct sr_hostcpu *h)
{
	Sysrec__HostCpuSample *p;

	if (!SR_ARRAY_RESERVE(c->cpu, c->cap_cpu, c->ncpu + 1)) {
		return false;
	}
	p = &c->cpu[c->ncpu++];
	sysrec__host_cpu_sample__init(p);
	p->ts_ns = h->ts;
	p->user = h->user;
	p->nice = h->nice;
	p->system = h->system;
	p->idle = h->idle;
	p->iowait = h->iowait;
	p->irq = h->irq;
	p->softirq = h->softirq;
	p->steal = h->steal;
	c->msg_bytes += EST_HOSTCPU;
	return true;
}

bool sr_chunk_enc_loss(struct sr_chunk_enc *c, const struct sr_loss *l)
{
	Sysrec__Loss *p;

	if (!SR_ARRAY_RESERVE(c->loss, c->cap_loss, c->nloss + 1)) {
		return false;
	}
	p = &c->loss[c->nloss++];
	sysrec__loss__init(p);
	p->first_ns = l->first_ns;
	p->last_ns = l->last_ns;
	p->cpu = l->cpu;
	p->count = l->count;
	p->where = (Sysrec__Loss__Where)l->where;
	c->msg_bytes += EST_LOSS;
	return true;
}

/* ---- finish ---- */

/* Stable merge sort of keys by ts (ties keep arrival order). */
static void sort_keys(struct sort_key *a, struct sort_key *tmp, size_t n)
{
	struct sort_key *src = a, *dst = tmp;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			/* already ordered runs are copied as they are */
			if (mid < hi && src[mid - 1].ts <= src[mid].ts) {
				memcpy(dst + lo, src + lo, (hi - lo) * sizeof(*src));
				continue;
			}
			while (i < mid && j < hi) {
				dst[k++] = src[j].ts < src[i].ts ? src[j++] : src[i++];
			}
			while (i < mid) {
				dst[k++] = src[i++];
			}
			while (j < hi) {
				dst[k++] = src[j++];
			}
		}
		struct sort_key *t = src;

		src = dst;
		dst = t;
	}
	if (src != a) {
		memcpy(a, src, n * sizeof(*a));
	}
}

/* Sort ARR (N elements of SIZE bytes) stably by the u64 time at offset 0 of each. */
static bool sort_by_time(struct sr_chunk_enc *c, void *arr, size_t n, size_t size, size_t off)
{
	char *base = arr;
	char *copy;
	bool sorted = true;

	for (size_t i = 1; i < n; i++) {
		if (*(uint64_t *)(base + i * size + off) < *(uint64_t *)(base + (i - 1) * size + off)) {
			sorted = false;
			break;
		}
	}
	if (sorted) {
		return true;
	}
	if (!SR_ARRAY_RESERVE(c->keys, c->cap_keys, n)) {
		return false;
	}
	{
		size_t cap = c->cap_keys;

		if (!sr_array_grow((void **)&c->tmp, &cap, c->cap_keys, sizeof(*c->tmp))) {
			return false;
		}
	}
	for (size_t i = 0; i < n; i++) {
		c->keys[i].ts = *(uint64_t *)(base + i * size + off);
		c->keys[i].idx = i;
	}
	sort_keys(c->keys, c->tmp, n);
	copy = malloc(n * size);
	if (!copy) {
		return false;
	}
	memcpy(copy, base, n * size);
	for (size_t i = 0; i < n; i++) {
		memcpy(base + i * size, copy + (size_t)c->keys[i].idx * size, size);
	}
	free(copy);
	return true;
}

static inline uint8_t *put_tag(uint8_t *p, unsigned field, unsigned wt)
{
	return sr_put_varint(p, (uint64_t)field << 3 | wt);
}

/* Begin a length-delimited field: tag plus room for a 5-byte length. */
static inline uint8_t *ld_begin(uint8_t *p, unsigned field, uint8_t **lenpos)
{
	p = put_tag(p, field, 2);
	*lenpos = p;
	return p + 5;
}

/* Close it: write the real length and slide the data down onto it. */
static inline uint8_t *ld_end(uint8_t *lenpos, uint8_t *end)
{
	uint8_t *data = lenpos + 5;
	size_t len = end - data;
	size_t ls = sr_varint_size(len);

	memmove(lenpos + ls, data, len);
	sr_put_varint(lenpos, len);
	return lenpos + ls + len;
}

static inline uint64_t th_hash(uint64_t k)
{
	k *= 0x9E3779B97F4A7C15ull;
	return k ^ (k >> 29);
}

static bool th_rehash(struct sr_chunk_enc *c, size_t cap)
{
	uint64_t *key = malloc(cap * sizeof(*key));
	uint32_t *val = malloc(cap * sizeof(*val));

	if (!key || !val) {
		free(key);
		free(val);
		return false;
	}
	for (size_t i = 0; i < cap; i++) {
		val[i] = UINT32_MAX;
	}
	for (size_t t = 0; t < c->nth; t++) {
		uint64_t k = (uint64_t)c->ttgid[t] << 32 | c->ttid[t];
		size_t h = th_hash(k) & (cap - 1);

		while (val[h] != UINT32_MAX) {
			h = (h + 1) & (cap - 1);
		}
		key[h] = k;
		val[h] = t;
	}
	free(c->th_key);
	free(c->th_val);
	c->th_key = key;
	c->th_val = val;
	c->th_cap = cap;
	return true;
}

static inline uint64_t str_hash(const uint8_t *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h = (h ^ s[i]) * 1099511628211ull;
	}
	return h;
}

static int cmp_pend_str(const void *a, const void *b)
{
	const struct pend_str *x = a, *y = b;

	if (x->idx != y->idx) {
		return x->idx < y->idx ? -1 : 1;
	}
	return x->arg < y->arg ? -1 : x->arg > y->arg;
}

static uint8_t *put_msgs(uint8_t *p, unsigned field, void *arr, size_t n, size_t size,
			 size_t (*get_size)(const void *), size_t (*pack)(const void *, uint8_t *))
{
	for (size_t i = 0; i < n; i++) {
		const void *m = (const char *)arr + i * size;
		size_t len = get_size(m);

		p = put_tag(p, field, 2);
		p = sr_put_varint(p, len);
		p += pack(m, p);
	}
	return p;
}

#define MSG_FN(T, fn) \
	static size_t fn##_size(const void *m) { return sysrec__##fn##__get_packed_size((const T *)m); } \
	static size_t fn##_pack(const void *m, uint8_t *o) { return sysrec__##fn##__pack((const T *)m, o); }
MSG_FN(Sysrec__ProcessEvent, process_event)
MSG_FN(Sysrec__ProcSample, proc_sample)
MSG_FN(Sysrec__HostCpuSample, host_cpu_sample)
MSG_FN(Sysrec__Loss, loss)

static size_t msgs_size(void *arr, size_t n, size_t size, size_t (*get_size)(const void *))
{
	size_t t = 0;

	for (size_t i = 0; i < n; i++) {
		t += 3 + 10 + get_size((const char *)arr + i * size);
	}
	return t;
}

/* Time of event I (sorted position) of kind K: 0 syscalls, 1-4 the rarer kinds. */
static uint64_t kind_time(const struct sr_chunk_enc *c, const uint32_t *perm, unsigned k, size_t i)
{
	switch (k) {
	case 0:
		return c->sc[perm ? perm[i] : i].ts;
	case 1:
		return c->pe[i].ts_ns;
	case 2:
		return c->smp[i].ts_ns;
	case 3:
		return c->cpu[i].ts_ns;
	default:
		return c->loss[i].first_ns;
	}
}

/*
 * How many of each kind's events (sorted) go out now: those before a time
 * T, where T is KEEP_NS, or higher when more than KEEP_MAX events are at or
 * after KEEP_NS: then the lowest time at or after which there are at most
 * KEEP_MAX. Events of equal time stay together, so that every event kept is
 * later than every event written.
 */
static void split_at(const struct sr_chunk_enc *c, const uint32_t *perm, uint64_t keep_ns,
		     size_t keep_max, size_t w[5])
{
	const size_t cnt[5] = { c->nsc, c->npe, c->nsmp, c->ncpu, c->nloss };
	size_t kept = 0;

	for (unsigned k = 0; k < 5; k++) {
		size_t lo = 0, hi = cnt[k];

		while (lo < hi) { /* first event at or after keep_ns */
			size_t mid = lo + (hi - lo) / 2;

			if (kind_time(c, perm, k, mid) < keep_ns) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		w[k] = lo;
		kept += cnt[k] - lo;
	}
	if (kept <= keep_max) {
		return;
	}
	/* too many: keep the latest groups of equal time while they fit */
	for (unsigned k = 0; k < 5; k++) {
		w[k] = cnt[k];
	}
	kept = 0;
	for (;;) {
		uint64_t t = 0;
		size_t g = 0, e[5];
		bool any = false;

		for (unsigned k = 0; k < 5; k++) {
			if (w[k] && (!any || kind_time(c, perm, k, w[k] - 1) > t)) {
				t = kind_time(c, perm, k, w[k] - 1);
				any = true;
			}
		}
		if (!any) {
			return;
		}
		for (unsigned k = 0; k < 5; k++) {
			e[k] = w[k];
			while (e[k] && kind_time(c, perm, k, e[k] - 1) == t) {
				e[k]--;
			}
			g += w[k] - e[k];
		}
		if (kept + g > keep_max) {
			return;
		}
		kept += g;
		memcpy(w, e, sizeof(e));
	}
}

/*
 * Keep the events after the first W[k] of each kind (sorted) as the start
 * of the next chunk: syscalls in time order at the front, their arguments
 * and strings with them, process events' strings moved to the other arena.
 */
static bool carry(struct sr_chunk_enc *c, const uint32_t *perm, size_t nstr_w, const size_t w[5])
{
	size_t ksc = c->nsc - w[0], kstr = c->nstr - nstr_w, kpe = c->npe - w[1];
	struct sr_arena *next = &c->arena[!c->cur];

	c->msg_bytes = 0;
	if (ksc) {
		if (perm) {
			if (!SR_ARRAY_RESERVE(c->csc, c->cap_csc, ksc) ||
			    (c->args && !SR_ARRAY_RESERVE(c->cargv, c->cap_cargv, ksc * 6))) {
				return false;
			}
			for (size_t i = 0; i < ksc; i++) {
				c->csc[i] = c->sc[perm[w[0] + i]];
				if (c->args) {
					memcpy(&c->cargv[i * 6], &c->argv[(size_t)perm[w[0] + i] * 6],
					       6 * sizeof(*c->argv));
				}
			}
			memcpy(c->sc, c->csc, ksc * sizeof(*c->sc));
			if (c->args) {
				memcpy(c->argv, c->cargv, ksc * 6 * sizeof(*c->argv));
			}
		} else {
			memmove(c->sc, c->sc + w[0], ksc * sizeof(*c->sc));
			if (c->args) {
				memmove(c->argv, c->argv + w[0] * 6, ksc * 6 * sizeof(*c->argv));
			}
		}
	}
	c->csbuf.len = 0;
	for (size_t k = 0; k < kstr; k++) {
		struct pend_str *ps = &c->str[nstr_w + k];

		if (!sr_buf_reserve(&c->csbuf, ps->len)) {
			return false;
		}
		if (ps->len) { /* an empty string may have no buffer behind it */
			memcpy(c->csbuf.p + c->csbuf.len, c->sbuf.p + ps->off, ps->len);
		}
		ps->off = c->csbuf.len;
		ps->idx -= w[0];
		c->csbuf.len += ps->len;
	}
	if (kstr) {
		memmove(c->str, c->str + nstr_w, kstr * sizeof(*c->str));
		if (c->csbuf.len) {
			memcpy(c->sbuf.p, c->csbuf.p, c->csbuf.len);
		}
	}
	c->sbuf.len = c->csbuf.len;
	for (size_t i = 0; i < kpe; i++) {
		Sysrec__ProcessEvent *p = &c->pe[i];

		*p = c->pe[w[1] + i];
		if (!proc_strings(p, next, p->filename, p->comm, p->cgroup_path,
				  (const char *const *)p->argv, p->n_argv, &c->msg_bytes)) {
			return false;
		}
	}
	sr_arena_reset(&c->arena[c->cur]);
	if (kpe) {
		c->cur = !c->cur;
	}
	if (c->nsmp > w[2]) {
		memmove(c->smp, c->smp + w[2], (c->nsmp - w[2]) * sizeof(*c->smp));
	}
	if (c->ncpu > w[3]) {
		memmove(c->cpu, c->cpu + w[3], (c->ncpu - w[3]) * sizeof(*c->cpu));
	}
	if (c->nloss > w[4]) {
		memmove(c->loss, c->loss + w[4], (c->nloss - w[4]) * sizeof(*c->loss));
	}
	c->nsc = ksc;
	c->nstr = kstr;
	c->npe = kpe;
	c->nsmp -= w[2];
	c->ncpu -= w[3];
	c->nloss -= w[4];
	c->msg_bytes += c->nsmp * EST_SAMPLE + c->ncpu * EST_HOSTCPU + c->nloss * EST_LOSS;
	c->sc_sorted = true;
	c->last_sc_ts = ksc ? c->sc[ksc - 1].ts : 0;
	return true;
}

bool sr_chunk_enc_finish(struct sr_chunk_enc *c, struct sr_buf *out, struct sr_chunk_stats *st)
{
	return sr_chunk_enc_finish_keep(c, out, st, 0, 0);
}

bool sr_chunk_enc_finish_keep(struct sr_chunk_enc *c, struct sr_buf *out,
			      struct sr_chunk_stats *st, uint64_t keep_ns, size_t keep_max)
{
	size_t n = c->nsc, nstr = c->nstr;
	size_t w[5] = { c->nsc, c->npe, c->nsmp, c->ncpu, c->nloss };
	const uint32_t *perm = NULL; /* sorted position -> arrival index; NULL = identity */
	uint64_t base = UINT64_MAX, last = 0;
	uint8_t *p, *lenpos, *chunk_lenpos;
	size_t need;

	memset(st, 0, sizeof(*st));
	out->len = 0;

	/* order: the rarer kinds by their time, syscalls by entry time (last: perm lives in tmp) */
	if (!sort_by_time(c, c->pe, c->npe, sizeof(*c->pe), offsetof(Sysrec__ProcessEvent, ts_ns)) ||
	    !sort_by_time(c, c->smp, c->nsmp, sizeof(*c->smp), offsetof(Sysrec__ProcSample, ts_ns)) ||
	    !sort_by_time(c, c->cpu, c->ncpu, sizeof(*c->cpu),
			  offsetof(Sysrec__HostCpuSample, ts_ns)) ||
	    !sort_by_time(c, c->loss, c->nloss, sizeof(*c->loss), offsetof(Sysrec__Loss, first_ns))) {
		return false;
	}
	if (n && !c->sc_sorted) {
		if (!SR_ARRAY_RESERVE(c->keys, c->cap_keys, n)) {
			return false;
		}
		size_t cap = c->cap_keys;

		if (!sr_array_grow((void **)&c->tmp, &cap, c->cap_keys, sizeof(*c->tmp)) ||
		    !SR_ARRAY_RESERVE(c->inv, c->cap_inv, n)) {
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			c->keys[i].ts = c->sc[i].ts;
			c->keys[i].idx = i;
		}
		sort_keys(c->keys, c->tmp, n);
		/* reuse tmp as the permutation array */
		uint32_t *pm = (uint32_t *)c->tmp;

		for (size_t i = 0; i < n; i++) {
			pm[i] = c->keys[i].idx;
			c->inv[c->keys[i].idx] = i;
		}
		perm = pm;
	}
	if (keep_max) {
		split_at(c, perm, keep_ns, keep_max, w);
		if (!(w[0] + w[1] + w[2] + w[3] + w[4])) {
			return true; /* everything stays */
		}
	}
	if (perm) {
		for (size_t k = 0; k < c->nstr; k++) {
			c->str[k].idx = c->inv[c->str[k].idx];
		}
		if (c->nstr > 1) {
			qsort(c->str, c->nstr, sizeof(*c->str), cmp_pend_str);
		}
	}
	/* the syscalls written and their strings (sorted by syscall) */
	n = w[0];
	while (nstr && c->str[nstr - 1].idx >= n) {
		nstr--;
	}
	const size_t npe = w[1], nsmp = w[2], ncpu = w[3], nloss = w[4];

	/* time range and counts */
	if (n) {
		base = c->sc[perm ? perm[0] : 0].ts;
		last = c->sc[perm ? perm[n - 1] : n - 1].ts;
	}
#define RANGE(arr, cnt, field) \
	if (cnt) { \
		if (arr[0].field < base) \
			base = arr[0].field; \
		if (arr[cnt - 1].field > last) \
			last = arr[cnt - 1].field; \
	}
	RANGE(c->pe, npe, ts_ns)
	RANGE(c->smp, nsmp, ts_ns)
	RANGE(c->cpu, ncpu, ts_ns)
	RANGE(c->loss, nloss, first_ns)
#undef RANGE
	if (base == UINT64_MAX) {
		base = 0;
	}
	st->first_ns = base;
	st->last_ns = last;
	st->syscalls = n;
	st->events = n + npe + nsmp + ncpu + nloss;
	st->proc_events = npe;
	st->samples = nsmp;
	for (size_t i = 0; i < nloss; i++) {
		st->lost += c->loss[i].count;
	}

	/* threads table, in order of first appearance */
	if (!SR_ARRAY_RESERVE(c->thr, c->cap_thr, n ? n : 1)) {
		return false;
	}
	c->nth = 0;
	if (c->th_cap == 0 && !th_rehash(c, 1024)) {
		return false;
	}
	for (size_t i = 0; i < c->th_cap; i++) {
		c->th_val[i] = UINT32_MAX;
	}
	{
		uint64_t prev_key = UINT64_MAX;
		uint32_t prev_val = 0;

		for (size_t i = 0; i < n; i++) {
			const struct pend_sc *s = &c->sc[perm ? perm[i] : i];
			uint64_t k = (uint64_t)s->tgid << 32 | s->tid;
			size_t h;

			if (k == prev_key) {
				c->thr[i] = prev_val;
				continue;
			}
			h = th_hash(k) & (c->th_cap - 1);
			while (c->th_val[h] != UINT32_MAX && c->th_key[h] != k) {
				h = (h + 1) & (c->th_cap - 1);
			}
			if (c->th_val[h] == UINT32_MAX) {
				if (!SR_ARRAY_RESERVE(c->ttid, c->cap_ttid, c->nth + 1) ||
				    !SR_ARRAY_RESERVE(c->ttgid, c->cap_ttgid, c->nth + 1)) {
					return false;
				}
				c->ttid[c->nth] = s->tid;
				c->ttgid[c->nth] = s->tgid;
				c->th_key[h] = k;
				c->th_val[h] = c->nth++;
				if (c->nth * 2 > c->th_cap) {
					if (!th_rehash(c, c->th_cap * 2)) {
						return false;
					}
					h = th_hash(k) & (c->th_cap - 1);
					while (c->th_key[h] != k || c->th_val[h] == UINT32_MAX) {
						h = (h + 1) & (c->th_cap - 1);
					}
				}
			}
			prev_key = k;
			prev_val = c->th_val[h];
			c->thr[i] = prev_val;
		}
	}

	if (!SR_ARRAY_RESERVE(c->th_exit, c->cap_th_exit, c->nth)) {
		return false;
	}

	/* interned strings, numbered in order of first use */
	size_t nids = 0;

	if (nstr) {
		size_t cap = 16;

		while (cap < nstr * 2) {
			cap *= 2;
		}
		if (cap > c->sh_cap) {
			free(c->sh_slot);
			c->sh_slot = malloc(cap * sizeof(*c->sh_slot));
			if (!c->sh_slot) {
				c->sh_cap = 0;
				return false;
			}
			c->sh_cap = cap;
		}
		cap = c->sh_cap;
		memset(c->sh_slot, 0, cap * sizeof(*c->sh_slot));
		if (!SR_ARRAY_RESERVE(c->sid_off, c->cap_sid_off, nstr) ||
		    !SR_ARRAY_RESERVE(c->sid_len, c->cap_sid_len, nstr) ||
		    !SR_ARRAY_RESERVE(c->colbuf, c->cap_colbuf, nstr)) {
			return false;
		}
		for (size_t k = 0; k < nstr; k++) {
			const struct pend_str *ps = &c->str[k];
			const uint8_t *s = c->sbuf.p + ps->off;
			size_t h = str_hash(s, ps->len) & (cap - 1);
			uint32_t id;

			for (;;) {
				uint32_t slot = c->sh_slot[h];

				if (!slot) {
					id = nids++;
					c->sid_off[id] = ps->off;
					c->sid_len[id] = ps->len;
					c->sh_slot[h] = id + 1;
					break;
				}
				if (c->sid_len[slot - 1] == ps->len &&
				    !memcmp(c->sbuf.p + c->sid_off[slot - 1], s, ps->len)) {
					id = slot - 1;
					break;
				}
				h = (h + 1) & (cap - 1);
			}
			c->colbuf[k] = id;
		}
	}

	/* size bound for the whole message */
	need = 64 + n * (10 + 5 + 5 + 10 + 10) + c->nth * 10 + 64;
	if (c->args) {
		need += n * 60 + 6 * 8;
	}
	need += nstr * 25 + c->sbuf.len + nids * 15;
	need += msgs_size(c->pe, npe, sizeof(*c->pe), process_event_size);
	need += msgs_size(c->smp, nsmp, sizeof(*c->smp), proc_sample_size);
	need += msgs_size(c->cpu, ncpu, sizeof(*c->cpu), host_cpu_sample_size);
	need += msgs_size(c->loss, nloss, sizeof(*c->loss), loss_size);
	out->len = 0;
	if (!sr_buf_reserve(out, need)) {
		return false;
	}
	p = out->p;
	p = ld_begin(p, SR_KIND_CHUNK, &chunk_lenpos);

	if (base) {
		p = put_tag(p, 1, 0);
		p = sr_put_varint(p, base);
	}
	if (n) {

		p = ld_begin(p, 3, &lenpos);
		for (size_t i = 0; i < n; i++) {
			p = sr_put_varint(p, c->thr[i]);
		}
		p = ld_end(lenpos, p);

		p = ld_begin(p, 4, &lenpos);
		for (size_t i = 0; i < n; i++) {
			p = sr_put_varint(p, c->sc[perm ? perm[i] : i].nr);
		}
		p = ld_end(lenpos, p);

		p = ld_begin(p, 5, &lenpos);
		for (size_t i = 0; i < n; i++) {
			p = sr_put_varint(p, sr_zigzag(c->sc[perm ? perm[i] : i].ret));
		}
		p = ld_end(lenpos, p);

		p = ld_begin(p, 6, &lenpos);
		for (size_t i = 0; i < n; i++) {
			p = sr_put_varint(p, c->sc[perm ? perm[i] : i].dur);
		}
		p = ld_end(lenpos, p);

		p = ld_begin(p, 7, &lenpos);
		for (size_t t = 0; t < c->nth; t++) {
			p = sr_put_varint(p, c->ttid[t]);
		}
		p = ld_end(lenpos, p);

		p = ld_begin(p, 8, &lenpos);
		for (size_t t = 0; t < c->nth; t++) {
			p = sr_put_varint(p, c->ttgid[t]);
		}
		p = ld_end(lenpos, p);

		if (c->args) {
			for (unsigned k = 0; k < 6; k++) {
				p = ld_begin(p, 9 + k, &lenpos);
				for (size_t i = 0; i < n; i++) {
					p = sr_put_varint(p, c->argv[(perm ? perm[i] : i) * 6 + k]);
				}
				p = ld_end(lenpos, p);
			}
		}

		/* sparse flags */
		size_t nflags = 0;

		for (size_t i = 0; i < n; i++) {
			if (c->sc[perm ? perm[i] : i].flags) {
				nflags++;
			}
		}
		if (nflags) {
			p = ld_begin(p, 15, &lenpos);
			for (size_t i = 0; i < n; i++) {
				if (c->sc[perm ? perm[i] : i].flags) {
					p = sr_put_varint(p, i);
					st->unfinished += !!(c->sc[perm ? perm[i] : i].flags & SR_SC_UNFINISHED);
				}
			}
			p = ld_end(lenpos, p);
			p = ld_begin(p, 16, &lenpos);
			for (size_t i = 0; i < n; i++) {
				uint32_t f = c->sc[perm ? perm[i] : i].flags;

				if (f) {
					p = sr_put_varint(p, f);
				}
			}
			p = ld_end(lenpos, p);
		}

		if (nstr) {
			for (size_t id = 0; id < nids; id++) {
				p = put_tag(p, 17, 2);
				p = sr_put_varint(p, c->sid_len[id]);
				memcpy(p, c->sbuf.p + c->sid_off[id], c->sid_len[id]);
				p += c->sid_len[id];
			}
			p = ld_begin(p, 18, &lenpos);
			for (size_t k = 0; k < nstr; k++) {
				p = sr_put_varint(p, c->str[k].idx);
			}
			p = ld_end(lenpos, p);
			p = ld_begin(p, 19, &lenpos);
			for (size_t k = 0; k < nstr; k++) {
				p = sr_put_varint(p, c->str[k].arg);
			}
			p = ld_end(lenpos, p);
			p = ld_begin(p, 20, &lenpos);
			for (size_t k = 0; k < nstr; k++) {
				p = sr_put_varint(p, c->colbuf[k]);
			}
			p = ld_end(lenpos, p);
		}

		/*
		 * Entry times as thread gaps (column 22): a syscall's entry minus
		 * the exit of its thread's previous syscall. A global delta would
		 * repeat the previous syscall's duration (already in column 6)
		 * plus its jitter; the gap is the thread's user time alone.
		 */
		for (size_t t = 0; t < c->nth; t++) {
			c->th_exit[t] = base;
		}
		p = ld_begin(p, 22, &lenpos);
		for (size_t i = 0; i < n; i++) {
			const struct pend_sc *s = &c->sc[perm ? perm[i] : i];
			uint64_t *last = &c->th_exit[c->thr[i]];

			p = sr_put_varint(p, sr_zigzag((int64_t)(s->ts - *last)));
			*last = s->ts + s->dur;
		}
		p = ld_end(lenpos, p);
	}
	p = put_msgs(p, 32, c->pe, npe, sizeof(*c->pe), process_event_size, process_event_pack);
	p = put_msgs(p, 33, c->smp, nsmp, sizeof(*c->smp), proc_sample_size, proc_sample_pack);
	p = put_msgs(p, 34, c->cpu, ncpu, sizeof(*c->cpu), host_cpu_sample_size,
		     host_cpu_sample_pack);
	p = put_msgs(p, 35, c->loss, nloss, sizeof(*c->loss), loss_size, loss_pack);
	p = ld_end(chunk_lenpos, p);
	out->len = p - out->p;

	/* empty the encoder for the next chunk, or leave it holding what is kept */
	if (keep_max) {
		return carry(c, perm, nstr, w);
	}
	c->nsc = c->nstr = c->npe = c->nsmp = c->ncpu = c->nloss = 0;
	c->sbuf.len = 0;
	c->msg_bytes = 0;
	c->sc_sorted = true;
	c->last_sc_ts = 0;
	sr_arena_reset(&c->arena[c->cur]);
	return true;
}
