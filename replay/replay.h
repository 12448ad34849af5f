/* SPDX-License-Identifier: MIT */
/*
 * Internals of `sysrec replay`: the inputs and their merge, the thread table,
 * the filters and the output sinks (text, JSON lines, CSV, Perfetto, summary,
 * trace writer). cmd_replay.c wires them together.
 */
#ifndef SYSREC_REPLAY_H
#define SYSREC_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sysrec.h"

/* ---- a growable buffer that one output record is formatted into ---- */

struct sbuf {
	char *b;
	size_t len, cap;
};

void sb_grow(struct sbuf *s, size_t need);
void sb_free(struct sbuf *s);

static inline void sb_reserve(struct sbuf *s, size_t n)
{
	if (s->cap - s->len < n) {
		sb_grow(s, n);
	}
}

static inline void sb_putc(struct sbuf *s, char c)
{
	sb_reserve(s, 1);
	s->b[s->len++] = c;
}

static inline void sb_mem(struct sbuf *s, const void *p, size_t n)
{
	sb_reserve(s, n);
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

static inline void sb_str(struct sbuf *s, const char *p)
{
	sb_mem(s, p, strlen(p));
}

#define SB_LIT(s, lit) sb_mem((s), (lit), sizeof(lit) - 1)

void sb_u64(struct sbuf *s, uint64_t v);
void sb_i64(struct sbuf *s, int64_t v);
void sb_printf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Signed nanoseconds as seconds with DIGITS decimals (1..9): "-0.000012". */
void sb_secs(struct sbuf *s, int64_t ns, int digits);
/* JSON string with quotes (NULL -> null); bytes that are not UTF-8 become \u00XX. */
void sb_json_str(struct sbuf *s, const char *str);
/* One CSV field (RFC 4180: quoted when it holds , " CR or LF). */
void sb_csv_field(struct sbuf *s, const char *str, size_t n);
/*
 * Append what an argfmt-style formatter writes (it NUL-terminates, cuts
 * quietly and returns the length written): a result that fills the room
 * may have been cut, so it is redone with more room.
 */
#define SB_FMT(s, call_with_buf_n)                                                   \
	do {                                                                          \
		sb_reserve((s), 256);                                                 \
		for (;;) {                                                            \
			char *buf_ = (s)->b + (s)->len;                               \
			size_t n_ = (s)->cap - (s)->len;                              \
			size_t w_ = call_with_buf_n;                                  \
			if (w_ + 1 < n_) {                                            \
				(s)->len += w_;                                       \
				break;                                                \
			}                                                             \
			sb_grow((s), n_ * 2);                                         \
		}                                                                     \
	} while (0)

/* ---- the threads and processes seen so far ---- */

struct rp_thread {
	int32_t tid;
	int32_t pid;
	char *comm;      /* owned; NULL when unknown */
	bool emitted;    /* named in Perfetto metadata / seen in output */
};

struct rp_procs {
	struct rp_thread *tab; /* open addressing on tid; tid 0 = empty slot */
	size_t cap, n;
	uint64_t gen;          /* bumped when slots move (invalidates cached pointers) */
	struct rp_thread *last; /* cache of the last lookup */
	uint64_t last_gen;
};

void rp_procs_free(struct rp_procs *p);
struct rp_thread *rp_procs_get(struct rp_procs *p, int32_t tid);     /* NULL if unknown */
struct rp_thread *rp_procs_add(struct rp_procs *p, int32_t tid, int32_t pid);
void rp_procs_set_comm(struct rp_procs *p, int32_t tid, int32_t pid, const char *comm);
/* Comm of TID (falling back to its process), or NULL. */
const char *rp_procs_comm(struct rp_procs *p, int32_t tid, int32_t pid);
/* Apply a process event or process table entry to the table. */
void rp_procs_update(struct rp_procs *p, const struct sr_event *ev);

/* ---- options ---- */

enum rp_format { RP_TEXT, RP_JSON, RP_CSV, RP_PERFETTO };

struct rp_time_arg {
	bool set;
	bool wall;       /* wall clock (ns since the epoch) rather than relative */
	bool time_only;  /* "10:00:00": a time of day on the trace's first day */
	int64_t ns;      /* relative ns, epoch ns, or ns since local midnight */
};

struct rp_opts {
	enum rp_format format;
	int32_t *pids, *tids;
	size_t npids, ntids;
	char **comms;
	size_t ncomms;
	char **syscalls;      /* names and %classes */
	size_t nsyscalls;
	bool syscalls_negate; /* "!name,..." */
	struct rp_time_arg since, until;
	bool failed;
	uint64_t min_duration;
	bool has_min_duration;
	bool summary, summary_process, stats, samples;
	bool wall_time;       /* -t */
	bool durations;       /* -T */
	const char *write_path; /* -w */
	double speed;         /* 0 = as fast as possible */
	const char *out_path; /* -o */
	char **copies;        /* option values the name lists point into */
	size_t ncopies;
	int argc;             /* the command line, noted in -w output */
	char **argv;
};

/* ---- inputs ---- */

struct rp_file_stats {
	uint64_t events, syscalls, samples, hostcpu, losses, lost, procinfo, unfinished, noreturn,
		failed;
	uint64_t proc[6]; /* by enum sr_proc_kind */
	uint64_t first_ns, last_ns;
	bool any_time;
	struct rp_procs pids; /* distinct processes (tid = pid) */
	struct rp_procs tids; /* distinct threads */
};

struct rp_input {
	const char *path;
	unsigned idx;
	struct sr_reader *r;
	const Sysrec__Header *hdr;
	enum sr_abi abi;
	int64_t offset;        /* event time + offset = merge key (file 0's boot clock) */
	uint32_t ntab;         /* syscall numbers with a cached name/info */
	const char **names;    /* by nr: name from the trace's own table, or NULL */
	const struct sr_syscall_info **info; /* by nr: argument kinds and classes */
	uint8_t *keep;         /* by nr: --syscall selection (NULL = all) */
	bool keep_unknown;     /* numbers outside the table are kept */
	struct sr_event ev;    /* the head event */
	int64_t key;
	bool have, done;
	uint64_t damage;
	struct rp_file_stats st;
	char nrname[24];       /* "syscall_1234" for numbers without a name */
};

/* Name of syscall NR of this input ("syscall_NR" when the table has none). */
const char *rp_input_sc_name(struct rp_input *in, uint32_t nr);
static inline const struct sr_syscall_info *rp_input_sc_info(const struct rp_input *in,
							     uint32_t nr)
{
	return nr < in->ntab ? in->info[nr] : NULL;
}

/* ---- the replay run ---- */

struct rp_sink;

struct replay {
	struct rp_opts *o;
	struct rp_input *in;
	unsigned nin;
	int64_t start;          /* merge key of the trace start */
	int64_t wall_off;       /* realtime ns = key + wall_off (when has_wall) */
	bool has_wall;
	int64_t since_key, until_key;
	bool has_since, has_until;
	struct rp_procs procs;
	struct sbuf sb;
	FILE *out;
	const struct rp_sink *sink;
	void *sink_state;
	uint64_t damage;
	bool stop;              /* output closed: stop quietly */
	bool live;              /* an input is a pipe: output is flushed by a timer thread */
	int rc;                 /* runtime failure in a sink */
};

/* Relative nanoseconds of a merge key. */
static inline int64_t rp_rel(const struct replay *rp, int64_t key)
{
	return key - rp->start;
}

struct rp_sink {
	int (*begin)(struct replay *rp);
	/* An event that passed the filters; KEY is its merge time. */
	void (*event)(struct replay *rp, struct rp_input *in, const struct sr_event *ev, int64_t key);
	int (*end)(struct replay *rp);
	/* Make what was handed over visible to a live reader (--speed); NULL: flush stdout. */
	void (*flush)(struct replay *rp);
	bool wants_samples; /* gets samples even without --samples */
};

extern const struct rp_sink rp_sink_text, rp_sink_json, rp_sink_csv, rp_sink_perfetto,
	rp_sink_summary, rp_sink_write, rp_sink_none;

/* Write the formatted record in rp->sb to the output; false once it is closed. */
bool rp_emit(struct replay *rp);

/* merge.c */
int rp_inputs_open(struct replay *rp, char **paths, unsigned n);
void rp_inputs_close(struct replay *rp);
/* Read, merge, filter and hand every event to the sink. */
int rp_run(struct replay *rp);

/* filter.c */
int rp_filter_prepare(struct replay *rp); /* per-input syscall sets; 2 on usage errors */
int rp_filter_times(struct replay *rp);   /* --since/--until once the start is known */
bool rp_filter_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev,
		     int64_t key);
bool rp_is_error_ret(int64_t ret);
/* Parse --since/--until values; false when malformed. */
bool rp_parse_time_arg(const char *s, struct rp_time_arg *t);

/* stats.c */
void rp_stats_count(struct rp_input *in, const struct sr_event *ev);
int rp_stats_print(struct replay *rp);

/* restream.c */
void rp_pace(struct replay *rp, int64_t key);
void rp_pace_flush(struct replay *rp);

/* Shared text of events (print_text.c), used by JSON and Perfetto too. */
const char *rp_proc_kind_name(enum sr_proc_kind k);
const char *rp_loss_where_name(enum sr_loss_where w, bool words);
/* Decoded "name(args)" and " = ret" of a syscall. */
void rp_fmt_call(struct sbuf *s, struct rp_input *in, const struct sr_syscall *sc);
void rp_fmt_ret(struct sbuf *s, struct rp_input *in, const struct sr_syscall *sc);

#endif
