/* SPDX-License-Identifier: MIT */
/*
 * The comparison model behind `sysrec analyze compare`: BASE and NEW are
 * each one run or several; per syscall and per resource the per-run values
 * are averaged, the spread between runs is kept as the noise, latency
 * samples are pooled for the percentiles and the Mann-Whitney U test.
 */
#ifndef SYSREC_COMPARE_H
#define SYSREC_COMPARE_H

#include <stdint.h>

#include "failon.h"
#include "runstats.h"

struct cmp_side {
	struct rs_run **runs;
	int n;
};

struct cmp_sc_side {
	double calls, calls_sd;   /* mean and sd of calls per run */
	double rate;              /* mean calls per second */
	double errors;            /* mean errors per run */
	double error_rate;        /* pooled errors / calls, % */
	uint64_t calls_total, errors_total;
	uint64_t *lat;            /* pooled sorted latency samples */
	uint32_t nlat;
	double p[3];              /* p50 p90 p99, NaN without samples */
	int idx[16];              /* index of the syscall in each run, -1 absent */
};

struct cmp_syscall {
	const char *name;         /* owned by one of the runs */
	uint32_t classes;
	struct cmp_sc_side s[2];  /* 0 = base, 1 = new */
	const char *status;       /* "new", "vanished", "changed", "same" */
	bool calls_changed;       /* "changed" because calls per run moved > 5% */
	bool lat_changed;         /* "changed" because the p50 shifted (MWU p < 0.01, > 10%) */
	double mwu_p;             /* NaN when not tested */
	double ci_lo[3], ci_hi[3];/* bootstrap intervals of the p50/p90/p99 deltas */
	double noise_z;           /* calls delta over its standard error (several runs) */
};

struct cmp_res {
	const char *key;          /* runtime_ms ... */
	double v[2], sd[2];
	bool have;
};

enum { CR_RUNTIME, CR_CPU, CR_RSS, CR_FAULTS, CR_IO, CR_BLOCKED, CR_CALLS, CR_ERRORS, CR_N };

struct cmp_ngram {
	const struct rs_ngram *g;
	const struct rs_run *run; /* where the example comes from */
	uint64_t count;           /* over the NEW runs */
};

struct cmp {
	struct cmp_side side[2];
	struct cmp_syscall *sc;
	uint32_t nsc;
	struct cmp_res res[CR_N];
	struct cmp_ngram *ng;     /* trigrams of NEW never seen in BASE, by count */
	uint32_t nng;
	uint64_t base_ngrams, new_ngrams_total;
	uint32_t n_new, n_vanished;
};

#define CMP_MAX_RUNS 16

int cmp_build(struct cmp *c);
void cmp_free(struct cmp *c);
/* Values of a --fail-on metric for base and new. */
void cmp_metric(const struct cmp *c, const struct failon *f, double *base, double *new_);
/* "read clock_nanosleep read" */
const char *cmp_ngram_str(const struct cmp_ngram *n);

#endif
