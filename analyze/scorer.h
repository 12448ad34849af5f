/* SPDX-License-Identifier: MIT */
/*
 * Scoring traces against a model (the work of 'sysrec analyze score' and
 * 'eval'): per process, stide mismatches, the locality frame count, the
 * Kneser-Ney surprisal and the call-set distance; the most surprising
 * windows overall.
 */
#ifndef SYSREC_SCORER_H
#define SYSREC_SCORER_H

#include <stdbool.h>
#include <stdint.h>

#include "ngram.h"

#define SE_LFC_WINDOW 20 /* locality frame: mismatches among the last 20 windows */

enum se_score {
	SE_SCORE_STIDE, /* fraction of full windows never seen in training */
	SE_SCORE_LFC,   /* most mismatches among 20 consecutive windows */
	SE_SCORE_NLL,   /* mean surprisal, bits per call */
	SE_SCORE_CALLSET, /* 1 - best Jaccard similarity of the call set to a training one */
	SE_SCORE_COUNT,
};

extern const char *const se_score_names[SE_SCORE_COUNT];
/* Score named NAME, or -1. */
int se_score_by_name(const char *name);

struct se_stats {
	uint64_t calls;
	uint64_t windows;    /* full windows (or 1 for a sequence shorter than n) */
	uint64_t mismatches;
	uint32_t lfc;
	double nll_sum;      /* bits */
	/* the highest over the process's program segments (files: over their
	 * processes) of 1 - the best Jaccard similarity between the segment's
	 * distinct calls and a training segment's of its profile; NAN when the
	 * model has no call sets */
	double callset;
	uint64_t unknown_program_calls; /* scored against all profiles together */
	uint64_t start_ns;   /* files only: boot-time ns of the first event (replay's time 0) */
};

struct se_proc {
	size_t file;         /* index in the order of se_file() calls */
	int32_t pid;
	char *comm;
	char *label;         /* NULL when none */
	char *source;
	char *profile;       /* profile used last ("*all*" when the program is unknown) */
	uint64_t first_ts;
	struct se_stats st;
	struct se_segment *seg; /* the open program segment, while its file is read */
};

struct se_window {
	double surprisal;    /* of the window's last call given the others */
	bool seen;
	uint64_t ts;
	int32_t pid, tid;
	size_t file;
	char *comm;
	uint32_t nr[NG_MAX_N]; /* syscall numbers, oldest first; ~0 = before the start */
};

struct se_engine;
struct se_segment;

/*
 * With KEEP_PROCS, each process's result row is kept for se_proc_at();
 * without, a process's state is freed when it ends and only its file's
 * totals remain, so memory follows the processes alive at once.
 */
struct se_engine *se_new(const struct ng_model *m, unsigned topk, bool keep_procs);
/* Whether score WHICH can be computed with M (callset needs a model with call sets). */
bool se_available(const struct ng_model *m, enum se_score which);
/* Say why score WHICH is not available with the model read from PATH. */
void se_err_unavailable(const char *path, enum se_score which);
void se_free(struct se_engine *e);
/* Score every syscall of PATH; -1 after printing why the file cannot be used. */
int se_file(struct se_engine *e, const char *path);
/* Count the processes whose score WHICH is above X, as they end. */
void se_count_above(struct se_engine *e, enum se_score which, double x);
size_t se_above(const struct se_engine *e);
/* Kept result rows, in order of each process's first syscall. */
size_t se_nprocs(const struct se_engine *e);
const struct se_proc *se_proc_at(const struct se_engine *e, size_t i);
/* Totals of file FILE. */
const struct se_stats *se_file_stats(const struct se_engine *e, size_t file);
/* The top windows, most surprising first. */
const struct se_window *se_top(struct se_engine *e, size_t *n);
double se_value(const struct se_stats *st, enum se_score which);
double se_seconds(const struct se_engine *e);
double se_cpu_seconds(const struct se_engine *e);
uint64_t se_calls(const struct se_engine *e);

#endif
