// SPDX-License-Identifier: MIT
/*
 * Trace writer: preamble, header frame, then chunks cut by event count, by
 * span of time and on demand, process tables, and at the end the totals, the
 * footer index and the trailer. Every frame goes out in one full write; after
 * a failed write the file is cut back to its last whole frame so that it
 * stays readable, and every later call returns the same error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "internal.h"

struct wix {
	uint64_t off, first, last;
	uint32_t kind, syscalls, events;
};

struct sr_writer {
	int fd;
	bool own_fd;
	bool regular;
	uint64_t base;  /* fd offset of the preamble */
	uint64_t bytes; /* whole frames (and preamble) written */
	uint64_t frames;
	ZSTD_CCtx *cctx;
	struct sr_chunk_enc *enc;
	struct sr_buf msg, out;
	uint32_t chunk_events;
	uint64_t chunk_ns;
	uint64_t reorder_ns; /* carry events this close to the newest arrival (0: none) */
	size_t keep_max;     /* ... but never more than this many */
	bool no_index;

	uint64_t pending;   /* events in the open chunk (a carried tail included) */
	uint64_t start_key; /* arrival time of its first event, or of its opening cut */
	uint64_t max_key;   /* the latest arrival time seen */

	/* process table entries collected by sr_writer_event() */
	Sysrec__ProcessInfo *ptab;
	size_t nptab, cap_ptab;
	struct sr_arena parena;

	/* totals */
	uint64_t n_sc, n_pe, n_smp, n_lost, n_unfinished, first_ns, last_ns;
	bool any_time;

	struct wix *ix;
	size_t nix, cap_ix;

	enum sr_status failed;
	struct sr_error ferr;
};

static enum sr_status fail_copy(struct sr_writer *w, struct sr_error *err)
{
	if (err) {
		*err = w->ferr;
	}
	return w->failed;
}

static enum sr_status writer_fail(struct sr_writer *w, struct sr_error *err, enum sr_status st,
				  int e, const char *what)
{
	sr_set_err(&w->ferr, st, e, w->bytes, w->frames, "%s: %s", what,
		   e ? strerror(e) : "failed");
	w->failed = st;
	return fail_copy(w, err);
}

/* Write a whole buffer; on failure cut the file back to the last whole frame. */
static enum sr_status write_all(struct sr_writer *w, const uint8_t *p, size_t n,
				struct sr_error *err)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(w->fd, p + done, n - done);

		if (k < 0 && errno == EINTR) {
			continue;
		}
		if (k <= 0) {
			int e = k < 0 ? errno : ENOSPC;

			if (w->regular && done) {
				/* best effort: the frame must not be left half written */
				if (ftruncate(w->fd, (off_t)(w->base + w->bytes)) == 0) {
					lseek(w->fd, (off_t)(w->base + w->bytes), SEEK_SET);
				}
			}
			return writer_fail(w, err, SR_IO, e, "write failed");
		}
		done += k;
	}
	w->bytes += n;
	return SR_OK;
}

static enum sr_status write_frame(struct sr_writer *w, uint32_t kind, const struct wix *meta,
				  struct sr_error *err)
{
	enum sr_status st;
	uint64_t off = w->bytes;

	st = sr_frame_seal(w->cctx, w->msg.p, w->msg.len, &w->out, err);
	if (st != SR_OK) {
		w->failed = st;
		if (err) {
			w->ferr = *err;
		} else {
			sr_set_err(&w->ferr, st, 0, w->bytes, w->frames, "cannot seal a frame");
		}
		return st;
	}
	if (!SR_ARRAY_RESERVE(w->ix, w->cap_ix, w->nix + 1)) {
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "index");
	}
	st = write_all(w, w->out.p, w->out.len, err);
	if (st != SR_OK) {
		return st;
	}
	struct wix *e = &w->ix[w->nix++];

	if (meta) {
		*e = *meta;
	} else {
		memset(e, 0, sizeof(*e));
	}
	e->off = off;
	e->kind = kind;
	w->frames++;
	return SR_OK;
}

/* Serialize a Frame holding one message of KIND into w->msg. */
static bool pack_frame(struct sr_writer *w, Sysrec__Frame *f)
{
	size_t n = sysrec__frame__get_packed_size(f);

	w->msg.len = 0;
	if (!sr_buf_reserve(&w->msg, n)) {
		return false;
	}
	w->msg.len = sysrec__frame__pack(f, w->msg.p);
	return true;
}

/*
 * Write the open chunk out. Unless ALL, the events later than reorder_ns
 * before the newest arrival stay (at most keep_max of them) and open the
 * next chunk: an event that arrives late, by less than reorder_ns, is then
 * still stored in time order with them (FORMAT.md 2.3).
 */
static enum sr_status cut_at(struct sr_writer *w, bool all, uint64_t newest, struct sr_error *err)
{
	struct sr_chunk_stats cs;
	struct wix meta;
	uint64_t keep_ns = 0;
	size_t keep_max = 0;

	if (!w->pending) {
		return SR_OK;
	}
	if (!all && w->reorder_ns) {
		keep_ns = newest > w->reorder_ns ? newest - w->reorder_ns : 0;
		keep_max = w->keep_max;
	}
	if (!sr_chunk_enc_finish_keep(w->enc, &w->msg, &cs, keep_ns, keep_max)) {
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "encoding a chunk");
	}
	w->pending = sr_chunk_enc_count(w->enc);
	w->start_key = w->max_key;
	if (!cs.events) {
		return SR_OK; /* all of it is recent: it stays */
	}
	memset(&meta, 0, sizeof(meta));
	meta.first = cs.first_ns;
	meta.last = cs.last_ns;
	meta.syscalls = cs.syscalls;
	meta.events = cs.events;
	enum sr_status st = write_frame(w, SR_KIND_CHUNK, &meta, err);

	if (st != SR_OK) {
		return st;
	}
	w->n_sc += cs.syscalls;
	w->n_pe += cs.proc_events;
	w->n_smp += cs.samples;
	w->n_lost += cs.lost;
	w->n_unfinished += cs.unfinished;
	if (!w->any_time || cs.first_ns < w->first_ns) {
		w->first_ns = cs.first_ns;
	}
	if (!w->any_time || cs.last_ns > w->last_ns) {
		w->last_ns = cs.last_ns;
	}
	w->any_time = true;
	return SR_OK;
}

static enum sr_status cut_chunk(struct sr_writer *w, bool all, struct sr_error *err)
{
	return cut_at(w, all, w->max_key, err);
}

static enum sr_status write_table(struct sr_writer *w, Sysrec__ProcessInfo **pp, size_t n,
				  struct sr_error *err)
{
	Sysrec__ProcessTable t = SYSREC__PROCESS_TABLE__INIT;
	Sysrec__Frame f = SYSREC__FRAME__INIT;
	struct wix meta;

	t.n_processes = n;
	t.processes = pp;
	f.body_case = SYSREC__FRAME__BODY_PROCESS_TABLE;
	f.process_table = &t;
	if (!pack_frame(w, &f)) {
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "encoding a process table");
	}
	memset(&meta, 0, sizeof(meta));
	meta.events = n;
	return write_frame(w, SR_KIND_TABLE, &meta, err);
}

static const char empty_str[1] = "";

static char *dup_str(struct sr_arena *a, const char *s)
{
	if (!s || !*s) {
		return (char *)empty_str;
	}
	return sr_arena_strndup(a, s, strlen(s));
}

/* Fill a ProcessInfo from P, strings copied into A. */
static bool info_from(Sysrec__ProcessInfo *o, const struct sr_procinfo *p, struct sr_arena *a)
{
	sysrec__process_info__init(o);
	o->pid = p->pid;
	o->ppid = p->ppid;
	o->uid = p->uid;
	o->nthreads = p->nthreads;
	o->cgroup_id = p->cgroup_id;
	o->start_ns = p->start_ns;
	if (!(o->comm = dup_str(a, p->comm)) || !(o->exe = dup_str(a, p->exe)) ||
	    !(o->cgroup_path = dup_str(a, p->cgroup_path)) || !(o->label = dup_str(a, p->label)) ||
	    !(o->source = dup_str(a, p->source))) {
		return false;
	}
	if (p->cmdline_len && p->cmdline) {
		o->cmdline = sr_arena_alloc(a, p->cmdline_len * sizeof(char *));
		if (!o->cmdline) {
			return false;
		}
		for (uint32_t i = 0; i < p->cmdline_len; i++) {
			const char *s = p->cmdline[i] ? p->cmdline[i] : "";

			o->cmdline[i] = sr_arena_strndup(a, s, strlen(s));
			if (!o->cmdline[i]) {
				return false;
			}
		}
		o->n_cmdline = p->cmdline_len;
	}
	return true;
}

static enum sr_status flush_ptab(struct sr_writer *w, struct sr_error *err)
{
	Sysrec__ProcessInfo **pp;
	enum sr_status st;

	if (!w->nptab) {
		return SR_OK;
	}
	pp = malloc(w->nptab * sizeof(*pp));
	if (!pp) {
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "process table");
	}
	for (size_t i = 0; i < w->nptab; i++) {
		pp[i] = &w->ptab[i];
	}
	st = write_table(w, pp, w->nptab, err);
	free(pp);
	w->nptab = 0;
	sr_arena_reset(&w->parena);
	return st;
}

/* ---- open ---- */

static struct sr_writer *writer_start(int fd, bool own, const Sysrec__Header *hdr,
				      const struct sr_writer_opts *opts, struct sr_error *err)
{
	struct sr_writer *w = calloc(1, sizeof(*w));
	struct stat sb;
	uint8_t pre[SR_PREAMBLE_SIZE];
	Sysrec__Frame f = SYSREC__FRAME__INIT;
	int level = opts && opts->level ? opts->level : 3;

	if (!w) {
		sr_set_err(err, SR_NOMEM, ENOMEM, 0, 0, "out of memory");
		return NULL;
	}
	w->fd = fd;
	w->own_fd = own;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		off_t cur = lseek(fd, 0, SEEK_CUR);

		if (cur >= 0) {
			w->regular = true;
			w->base = cur;
		}
	}
	w->chunk_events = opts && opts->chunk_events ? opts->chunk_events : 65536;
	w->chunk_ns = opts && opts->chunk_ns ? opts->chunk_ns : 1000000000ull;
	w->reorder_ns = opts ? opts->reorder_ns : 0;
	w->keep_max = w->chunk_events / 4;
	w->no_index = opts && opts->no_index;
	sr_arena_init(&w->parena);
	w->cctx = ZSTD_createCCtx();
	w->enc = sr_chunk_enc_new(hdr && hdr->args_captured);
	if (!w->cctx || !w->enc) {
		sr_set_err(err, SR_NOMEM, ENOMEM, 0, 0, "out of memory");
		goto fail;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level))) {
		sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "bad zstd compression level %d", level);
		goto fail;
	}
	/*
	 * Columns of varints repeat in short pieces: matches of 4 bytes instead of
	 * the 5-7 that levels up to 15 look for make chunks 5% smaller (real
	 * recording, level 3) for the same speed. Levels 16 and up already use 3.
	 */
	if (level <= 15) {
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_minMatch, 4);
	}
	memcpy(pre, SR_MAGIC, 8);
	sr_put_le32(pre + 8, SR_FORMAT_VERSION);
	sr_put_le32(pre + 12, 0);
	if (write_all(w, pre, sizeof(pre), err) != SR_OK) {
		goto fail;
	}
	{
		Sysrec__Header empty = SYSREC__HEADER__INIT, stamped;

		f.body_case = SYSREC__FRAME__BODY_HEADER;
		f.header = &empty;
		if (hdr) {
			/* the chunks are in this library's format, whatever header was copied */
			stamped = *hdr;
			stamped.format_minor = SR_FORMAT_MINOR;
			f.header = &stamped;
		}
		if (!pack_frame(w, &f)) {
			sr_set_err(err, SR_NOMEM, ENOMEM, 0, 0, "out of memory");
			goto fail;
		}
	}
	if (write_frame(w, SR_KIND_HEADER, NULL, err) != SR_OK) {
		goto fail;
	}
	return w;
fail:
	w->own_fd = false; /* the caller (open) closes its own fd */
	sr_writer_abort(w);
	return NULL;
}

struct sr_writer *sr_writer_open_fd(int fd, const Sysrec__Header *hdr,
				    const struct sr_writer_opts *opts, struct sr_error *err)
{
	if (fd < 0) {
		sr_set_err(err, SR_INVALID, EBADF, 0, 0, "bad file descriptor");
		return NULL;
	}
	return writer_start(fd, false, hdr, opts, err);
}

struct sr_writer *sr_writer_open(const char *path, const Sysrec__Header *hdr,
				 const struct sr_writer_opts *opts, struct sr_error *err)
{
	struct sr_writer *w;
	int fd;

	if (!path) {
		sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no path");
		return NULL;
	}
	if (!strcmp(path, "-")) {
		return writer_start(STDOUT_FILENO, false, hdr, opts, err);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		sr_set_err(err, SR_IO, errno, 0, 0, "cannot create: %s", strerror(errno));
		return NULL;
	}
	w = writer_start(fd, true, hdr, opts, err);
	if (!w) {
		close(fd);
		return NULL;
	}
	return w;
}

/* ---- events ---- */

/* Before adding an event that arrives at time KEY: cut by span of time. */
static inline enum sr_status before_add(struct sr_writer *w, uint64_t key, struct sr_error *err)
{
	if (unlikely(w->failed)) {
		return fail_copy(w, err);
	}
	if (unlikely(w->nptab)) {
		enum sr_status st = flush_ptab(w, err);

		if (st != SR_OK) {
			return st;
		}
	}
	if (key > w->max_key) {
		w->max_key = key;
	}
	if (!w->pending) {
		w->start_key = key;
	} else if (unlikely(key > w->start_key && key - w->start_key >= w->chunk_ns)) {
		enum sr_status st = cut_chunk(w, false, err);

		if (st != SR_OK) {
			return st;
		}
		w->start_key = key;
	}
	return SR_OK;
}

static inline enum sr_status after_add(struct sr_writer *w, bool ok, struct sr_error *err)
{
	if (unlikely(!ok)) {
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "buffering an event");
	}
	if (unlikely(++w->pending >= w->chunk_events ||
		     sr_chunk_enc_bytes(w->enc) >= SR_CHUNK_MAX_BYTES)) {
		enum sr_status st = cut_chunk(w, false, err);

		/* a carried tail holding big strings must not make every event cut */
		if (st == SR_OK && sr_chunk_enc_bytes(w->enc) >= SR_CHUNK_MAX_BYTES / 2) {
			st = cut_chunk(w, true, err);
		}
		return st;
	}
	return SR_OK;
}

enum sr_status sr_writer_syscall(struct sr_writer *w, const struct sr_syscall *sc,
				 struct sr_error *err)
{
	enum sr_status st;

	if (unlikely(!w || !sc)) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer or event");
	}
	st = before_add(w, sc->ts + sc->duration, err);
	if (unlikely(st != SR_OK)) {
		return st;
	}
	return after_add(w, sr_chunk_enc_syscall(w->enc, sc), err);
}

enum sr_status sr_writer_proc(struct sr_writer *w, const struct sr_proc_event *ev,
			      struct sr_error *err)
{
	enum sr_status st;

	if (!w || !ev) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer or event");
	}
	st = before_add(w, ev->ts, err);
	if (st != SR_OK) {
		return st;
	}
	return after_add(w, sr_chunk_enc_proc(w->enc, ev), err);
}

enum sr_status sr_writer_sample(struct sr_writer *w, const struct sr_sample *s,
				struct sr_error *err)
{
	enum sr_status st;

	if (!w || !s) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer or event");
	}
	st = before_add(w, s->ts, err);
	if (st != SR_OK) {
		return st;
	}
	return after_add(w, sr_chunk_enc_sample(w->enc, s), err);
}

enum sr_status sr_writer_hostcpu(struct sr_writer *w, const struct sr_hostcpu *c,
				 struct sr_error *err)
{
	enum sr_status st;

	if (!w || !c) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer or event");
	}
	st = before_add(w, c->ts, err);
	if (st != SR_OK) {
		return st;
	}
	return after_add(w, sr_chunk_enc_hostcpu(w->enc, c), err);
}

enum sr_status sr_writer_loss(struct sr_writer *w, const struct sr_loss *l, struct sr_error *err)
{
	enum sr_status st;

	if (!w || !l) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer or event");
	}
	st = before_add(w, l->first_ns, err);
	if (st != SR_OK) {
		return st;
	}
	return after_add(w, sr_chunk_enc_loss(w->enc, l), err);
}

static enum sr_status flush_all(struct sr_writer *w, struct sr_error *err);

enum sr_status sr_writer_process_table(struct sr_writer *w, const struct sr_procinfo *p,
				       size_t n, struct sr_error *err)
{
	Sysrec__ProcessInfo *infos = NULL, **pp = NULL;
	struct sr_arena a;
	enum sr_status st;

	if (!w || (n && !p)) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer or table");
	}
	if (w->failed) {
		return fail_copy(w, err);
	}
	st = flush_all(w, err);
	if (st != SR_OK) {
		return st;
	}
	sr_arena_init(&a);
	infos = calloc(n ? n : 1, sizeof(*infos));
	pp = calloc(n ? n : 1, sizeof(*pp));
	if (!infos || !pp) {
		st = writer_fail(w, err, SR_NOMEM, ENOMEM, "process table");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!info_from(&infos[i], &p[i], &a)) {
			st = writer_fail(w, err, SR_NOMEM, ENOMEM, "process table");
			goto out;
		}
		pp[i] = &infos[i];
	}
	st = write_table(w, pp, n, err);
out:
	free(pp);
	free(infos);
	sr_arena_free(&a);
	return st;
}

enum sr_status sr_writer_event(struct sr_writer *w, const struct sr_event *ev,
			       struct sr_error *err)
{
	if (!w || !ev) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer or event");
	}
	switch (ev->type) {
	case SR_EV_SYSCALL:
		return sr_writer_syscall(w, &ev->sc, err);
	case SR_EV_PROCESS:
		return sr_writer_proc(w, &ev->proc, err);
	case SR_EV_SAMPLE:
		return sr_writer_sample(w, &ev->sample, err);
	case SR_EV_HOSTCPU:
		return sr_writer_hostcpu(w, &ev->cpu, err);
	case SR_EV_LOSS:
		return sr_writer_loss(w, &ev->loss, err);
	case SR_EV_PROCINFO: {
		/* consecutive entries become one table, as they were read */
		enum sr_status st;

		if (w->failed) {
			return fail_copy(w, err);
		}
		st = cut_chunk(w, true, err);
		if (st != SR_OK) {
			return st;
		}
		if (!SR_ARRAY_RESERVE(w->ptab, w->cap_ptab, w->nptab + 1) ||
		    !info_from(&w->ptab[w->nptab], &ev->info, &w->parena)) {
			return writer_fail(w, err, SR_NOMEM, ENOMEM, "process table");
		}
		w->nptab++;
		return SR_OK;
	}
	}
	return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "unknown event type %d", ev->type);
}

static enum sr_status flush_to(struct sr_writer *w, bool all, uint64_t newest,
			       struct sr_error *err)
{
	enum sr_status st;

	if (!w) {
		return sr_set_err(err, SR_INVALID, EINVAL, 0, 0, "no writer");
	}
	if (w->failed) {
		return fail_copy(w, err);
	}
	st = flush_ptab(w, err);
	if (st != SR_OK) {
		return st;
	}
	return cut_at(w, all, newest, err);
}

enum sr_status sr_writer_flush(struct sr_writer *w, struct sr_error *err)
{
	struct timespec ts;
	uint64_t newest = w ? w->max_key : 0;

	/*
	 * A recorder with nothing to record sees no new arrivals: the present
	 * stands in for one, so that its tail still reaches the file within a
	 * margin (event times are CLOCK_BOOTTIME, FORMAT.md).
	 */
	if (w && w->reorder_ns && !clock_gettime(CLOCK_BOOTTIME, &ts)) {
		uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;

		if (now > newest) {
			newest = now;
		}
	}
	return flush_to(w, false, newest, err);
}

/* Everything, the carried tail too: before a process table and at the end. */
static enum sr_status flush_all(struct sr_writer *w, struct sr_error *err)
{
	return flush_to(w, true, 0, err);
}

uint64_t sr_writer_pending_events(const struct sr_writer *w)
{
	return w ? w->pending + w->nptab : 0;
}

uint64_t sr_writer_bytes(const struct sr_writer *w)
{
	return w ? w->bytes : 0;
}

uint64_t sr_writer_frames(const struct sr_writer *w)
{
	return w ? w->frames : 0;
}

/* ---- close ---- */

/* The trailer ends every complete trace; IOFF = 0 when there is no index. */
static enum sr_status write_trailer(struct sr_writer *w, uint64_t ioff, struct sr_error *err)
{
	uint8_t trailer[SR_TRAILER_SIZE];

	sr_put_le32(trailer, 0);
	memcpy(trailer + 4, SR_TRAILER_MAGIC, 4);
	sr_put_le64(trailer + 8, ioff);
	return write_all(w, trailer, sizeof(trailer), err);
}

static enum sr_status write_footer(struct sr_writer *w, const Sysrec__Totals *caller,
				   struct sr_error *err)
{
	Sysrec__Totals t = SYSREC__TOTALS__INIT;
	Sysrec__Frame f = SYSREC__FRAME__INIT;
	enum sr_status st;

	st = flush_all(w, err);
	if (st != SR_OK) {
		return st;
	}
	t.syscalls = w->n_sc;
	t.process_events = w->n_pe;
	t.samples = w->n_smp;
	t.lost = w->n_lost;
	t.first_ns = w->first_ns;
	t.last_ns = w->last_ns;
	t.unfinished = w->n_unfinished;
	t.bytes = w->bytes;
	t.frames = w->frames;
	if (caller) {
		t.exit_reason = caller->exit_reason;
		t.exit_code = caller->exit_code;
		t.exit_signal = caller->exit_signal;
	} else {
		t.exit_code = -1;
	}
	f.body_case = SYSREC__FRAME__BODY_TOTALS;
	f.totals = &t;
	if (!pack_frame(w, &f)) {
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "totals");
	}
	st = write_frame(w, SR_KIND_TOTALS, NULL, err);
	if (st != SR_OK) {
		return st;
	}
	if (w->no_index) {
		return write_trailer(w, 0, err);
	}

	/* index of every frame before it */
	Sysrec__Index ix = SYSREC__INDEX__INIT;
	Sysrec__IndexEntry *ents = calloc(w->nix, sizeof(*ents));
	Sysrec__IndexEntry **pe = calloc(w->nix, sizeof(*pe));
	uint64_t ioff = w->bytes;

	if (!ents || !pe) {
		free(ents);
		free(pe);
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "index");
	}
	for (size_t i = 0; i < w->nix; i++) {
		sysrec__index_entry__init(&ents[i]);
		ents[i].offset = w->ix[i].off;
		ents[i].kind = w->ix[i].kind;
		ents[i].first_ns = w->ix[i].first;
		ents[i].last_ns = w->ix[i].last;
		ents[i].syscalls = w->ix[i].syscalls;
		ents[i].events = w->ix[i].events;
		pe[i] = &ents[i];
	}
	ix.n_entries = w->nix;
	ix.entries = pe;
	f.body_case = SYSREC__FRAME__BODY_INDEX;
	f.index = &ix;
	bool packed = pack_frame(w, &f);

	free(pe);
	free(ents);
	if (!packed) {
		return writer_fail(w, err, SR_NOMEM, ENOMEM, "index");
	}
	st = write_frame(w, SR_KIND_INDEX, NULL, err);
	if (st != SR_OK) {
		return st;
	}
	return write_trailer(w, ioff, err);
}

enum sr_status sr_writer_close(struct sr_writer *w, const Sysrec__Totals *totals,
			       struct sr_error *err)
{
	enum sr_status st;

	if (!w) {
		return SR_OK;
	}
	if (w->failed) {
		st = fail_copy(w, err);
	} else {
		st = write_footer(w, totals, err);
	}
	if (w->own_fd && close(w->fd) != 0 && st == SR_OK) {
		st = sr_set_err(err, SR_IO, errno, w->bytes, w->frames, "close failed: %s",
				strerror(errno));
	}
	w->own_fd = false;
	sr_writer_abort(w);
	return st;
}

void sr_writer_abort(struct sr_writer *w)
{
	if (!w) {
		return;
	}
	if (w->own_fd) {
		close(w->fd);
	}
	ZSTD_freeCCtx(w->cctx);
	sr_chunk_enc_free(w->enc);
	sr_buf_free(&w->msg);
	sr_buf_free(&w->out);
	free(w->ptab);
	sr_arena_free(&w->parena);
	free(w->ix);
	free(w);
}
