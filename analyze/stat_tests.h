/* SPDX-License-Identifier: MIT */
/*
 * Significance tests for comparing latency samples of two sets of runs:
 * Mann-Whitney U with the normal approximation (tie-corrected, continuity
 * corrected) and percentile bootstrap intervals of a percentile difference.
 * Deterministic: the bootstrap uses a fixed seed.
 */
#ifndef SYSREC_STAT_TESTS_H
#define SYSREC_STAT_TESTS_H

#include <stdint.h>

struct mwu_result {
	double u;        /* U statistic of the first sample */
	double z;        /* normal approximation, signed: > 0 when B tends larger */
	double p;        /* two-sided p-value; NaN when not computable */
};

/*
 * A[0..na) and B[0..nb) must be sorted ascending. p is NaN when either is
 * empty or every value is tied.
 */
void stat_mwu(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb,
	      struct mwu_result *out);

/* Two-sided p-value of a standard normal z. */
double stat_norm_p2(double z);

/*
 * 95% bootstrap intervals of percentile P[k](b) - percentile P[k](a) for NP
 * percentiles at once, each sample resampled with replacement (at most
 * STAT_BOOT_DRAW values drawn per side, ITER rounds). Sorted inputs.
 * lo/hi are NaN when a side is empty.
 */
#define STAT_BOOT_DRAW 1000
#define STAT_BOOT_MAXP 4
void stat_bootstrap_pdiff(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb,
			  const double *p, int np, int iter, double *lo, double *hi);

/* Mean and sample standard deviation of X[0..n). */
void stat_mean_sd(const double *x, int n, double *mean, double *sd);

#endif
