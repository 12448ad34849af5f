/* SPDX-License-Identifier: MIT */
/*
 * sysrec import: turn strace logs and public data sets (ADFA-LD, LID-DS 2021)
 * into sysrec traces. Each importer reads its inputs, writes ONE trace to
 * OUT and reports problems through cli_warn/cli_err (it belongs to the
 * command layer, not to formats/). They return 0 on success, 1 on a runtime
 * failure (unreadable input, write error); bad lines are counted and
 * reported once per kind, never fatal.
 */
#ifndef SYSREC_IMPORT_H
#define SYSREC_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "sysrec.h"

struct imp_opts {
	const char *label;       /* --label: overrides every derived process label */
	const char *abi;         /* --abi for name-based imports (strace, lid-ds); NULL = x86_64 */
	int level;               /* zstd level, 0 = default */
	int argc;                /* the importer's own command line, for the header */
	char **argv;
	bool quiet;              /* no summary line on stderr */
};

struct imp_stats {
	uint64_t inputs;         /* input files read */
	uint64_t lines;          /* text lines (or numbers, for ADFA) read */
	uint64_t syscalls;       /* syscall events written */
	uint64_t proc_events;    /* fork/exec/exit events written */
	uint64_t processes;      /* process table entries written */
	uint64_t bad_lines;      /* lines that could not be parsed (skipped) */
	uint64_t unknown_names;  /* syscalls whose name is not in the ABI's table (skipped) */
	uint64_t unknown_nrs;    /* numbers not in the ABI's table (kept) */
	uint64_t unfinished;     /* entries without an exit (flagged unfinished) */
	uint64_t orphan_exits;   /* exits without an entry */
	uint64_t signals;        /* strace "--- SIGxxx ---" lines */
	uint64_t bytes_out;
};

int imp_strace(const char *const *inputs, size_t n, const char *out, const struct imp_opts *o,
	       struct imp_stats *st);
int imp_adfa(const char *const *inputs, size_t n, const char *out, const struct imp_opts *o,
	     struct imp_stats *st);
int imp_lidds(const char *const *inputs, size_t n, const char *out, const struct imp_opts *o,
	      struct imp_stats *st);

/* ---- shared helpers (replay/import_util.c) ---- */

/* An append-only string arena: strings live until imp_pool_free. */
struct imp_pool {
	struct imp_pool_blk *head;
	char *cur;
	size_t left;
};
char *imp_pool_strndup(struct imp_pool *p, const char *s, size_t n);
char *imp_pool_strdup(struct imp_pool *p, const char *s);
void *imp_pool_alloc(struct imp_pool *p, size_t n);
void imp_pool_free(struct imp_pool *p);

/*
 * Bad-input reporting: the first occurrence of each KIND is reported as
 * "FILE:LINE: KIND" (a warning), later ones only counted. imp_report_summary
 * prints one line per kind seen more than once.
 */
struct imp_report {
	struct {
		const char *kind;
		uint64_t count;
	} k[32];
	int n;
	bool quiet;
};
void imp_bad(struct imp_report *r, const char *file, uint64_t line, const char *kind,
	     const char *detail);
void imp_report_summary(const struct imp_report *r);

/*
 * Fill a header for an import: host facts from sr_header_init, the ABI's
 * syscall table ("" = unknown: no table), backend "import-KIND", target
 * "import" with the inputs as target_args, the command line.
 */
int imp_header_init(Sysrec__Header *h, const char *abi, const char *kind,
		    const char *const *inputs, size_t n, const struct imp_opts *o);
void imp_header_set_str(char **dst, const char *v);

/* Open OUT for writing with H; reports errors. NULL on failure. */
struct sr_writer *imp_writer_open(const char *out, const Sysrec__Header *h,
				  const struct imp_opts *o);
/* Close W (totals, index); reports errors; returns 0 or 1. */
int imp_writer_close(struct sr_writer *w, const char *out, struct imp_stats *st);
/* Report a writer error about OUT and abort the writer. Returns 1. */
int imp_writer_fail(struct sr_writer *w, const char *out, const struct sr_error *e);

/* Read a whole file into memory (NUL-terminated). "-" = stdin. */
int imp_read_file(const char *path, char **buf, size_t *len);

/* A map from 32-bit keys (tids) to 32-bit values, open addressing. */
struct imp_map {
	uint32_t *keys;
	uint32_t *vals;
	uint8_t *used;
	size_t cap, n;
};
/* Pointer to KEY's value, inserted as VAL0 when absent; NULL when out of memory. */
uint32_t *imp_map_get(struct imp_map *m, uint32_t key, uint32_t val0, bool *added);
uint32_t *imp_map_find(const struct imp_map *m, uint32_t key);
void imp_map_free(struct imp_map *m);

/* Warn once per distinct NAME (unknown syscall names); returns true the first time. */
struct imp_names {
	char **v;
	size_t n;
};
bool imp_names_first(struct imp_names *s, const char *name);
void imp_names_free(struct imp_names *s);

/* Small helpers */
uint64_t imp_parse_u64(const char **p);
bool imp_parse_i64(const char **p, int64_t *v);

#endif
