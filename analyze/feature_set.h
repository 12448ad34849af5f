/* SPDX-License-Identifier: MIT */
/*
 * Temporal features per group (process, comm or thread) and time window:
 * accumulation while reading traces, and the derived figures. The columns
 * are documented in docs/FEATURES.md and in 'sysrec analyze features --help'.
 */
#ifndef SYSREC_FEATURE_SET_H
#define SYSREC_FEATURE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ngram.h"

enum ft_by { FT_BY_PROCESS, FT_BY_COMM, FT_BY_THREAD };

#define FT_NCLASS 7 /* SR_CLASS_FILE .. SR_CLASS_DESC */

struct ft_err {
	int32_t err;
	uint64_t count;
};

/* One group in one window of one file. */
struct ft_cell {
	size_t file;
	int64_t id;          /* pid or tid; -1 for comm grouping */
	char *comm;
	uint64_t window;     /* index; 0 for the whole run */
	uint64_t first_ts, last_ts; /* of the events counted here */
	uint64_t calls;
	uint64_t *count;     /* per column (syscall name) */
	size_t ncount;
	uint64_t cls[FT_NCLASS];
	struct ft_err *errs;
	size_t nerrs;
	uint64_t errors;
	uint64_t *ts;        /* syscall entry times (for inter-arrival times) */
	size_t nts, ts_cap;
	uint64_t *dur;       /* (column << 40 | duration ns) of finished calls */
	size_t ndur, dur_cap;
	bool dur_sorted;
	uint64_t forks, execs, exits;
	/* /proc samples: deltas of cumulative counters between samples */
	uint64_t samples;
	uint64_t cpu_ticks, minflt, majflt, read_bytes, write_bytes, rchar, wchar;
	uint64_t syscr, syscw, vol_ctxsw, invol_ctxsw;
	uint64_t rss_peak_kb, vm_peak_kb;
};

struct ft_set {
	enum ft_by by;
	uint64_t window_ns;  /* 0 = whole run */
	struct ft_cell **cell;
	size_t ncell, cell_cap;
	struct ng_table index; /* (file, group, window) -> cell + 1 */
	char **colname;      /* syscall names, one column each */
	size_t ncol, col_cap;
	char **comms;        /* interned comms for FT_BY_COMM */
	size_t ncomm, comm_cap;
	uint32_t clk_tck;    /* from the last header (0 = unknown: 100) */
	uint64_t *file_t0;   /* first event time of each file */
	char **only;         /* count only these syscalls (NULL = all) */
	size_t nonly;
	size_t nfiles;
};

int ft_init(struct ft_set *s, enum ft_by by, uint64_t window_ns);
void ft_free(struct ft_set *s);
/* Read PATH into the set; -1 after printing why it cannot be used. */
int ft_file(struct ft_set *s, const char *path);

/* Derived figures of a cell. */
struct ft_iat {
	double mean, sd, cv, p50, p99, burstiness; /* ns; NaN when under 2 calls */
};
double ft_cell_seconds(const struct ft_set *s, const struct ft_cell *c);
void ft_cell_iat(struct ft_cell *c, struct ft_iat *out);
double ft_cell_entropy(const struct ft_cell *c);
/* Latency percentiles of column COL in the cell (ns); false when no finished call. */
bool ft_cell_latency(struct ft_cell *c, size_t col, double *p50, double *p90, double *p99,
		     double *max);
/* Nearest-rank percentile of sorted V (p in 0..1). */
double ft_percentile(const uint64_t *v, size_t n, double p);

#endif
