// SPDX-License-Identifier: MIT
/* Mann-Whitney U and bootstrap intervals (stat_tests.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stat_tests.h"
#include "runstats.h"

double stat_norm_p2(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}

void stat_mwu(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb,
	      struct mwu_result *out)
{
	double ra = 0, tie = 0;
	uint32_t i = 0, j = 0;
	double rank = 1; /* next rank to hand out */

	out->u = out->z = 0;
	out->p = NAN;
	if (!na || !nb) {
		return;
	}
	/* Merge the two sorted samples; a run of equal values shares the
	 * mean of its ranks. */
	while (i < na || j < nb) {
		uint64_t v;
		if (j >= nb || (i < na && a[i] <= b[j])) {
			v = a[i];
		} else {
			v = b[j];
		}
		uint32_t ca = 0, cb = 0;
		while (i < na && a[i] == v) {
			i++;
			ca++;
		}
		while (j < nb && b[j] == v) {
			j++;
			cb++;
		}
		double t = ca + cb;
		double mean_rank = rank + (t - 1) / 2.0;
		ra += ca * mean_rank;
		tie += t * t * t - t;
		rank += t;
	}
	double n1 = na, n2 = nb, n = n1 + n2;
	double u1 = ra - n1 * (n1 + 1) / 2.0;
	double mu = n1 * n2 / 2.0;
	double var = n1 * n2 / 12.0 * ((n + 1) - tie / (n * (n - 1)));
	out->u = u1;
	if (var <= 0) {
		return;
	}
	/* z > 0 when B is larger, i.e. A's rank sum is small. */
	double d = mu - u1;
	double cc = d > 0 ? 0.5 : (d < 0 ? -0.5 : 0);
	out->z = (d - cc) / sqrt(var);
	out->p = stat_norm_p2(out->z);
	if (out->p > 1) {
		out->p = 1;
	}
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void resample(const uint64_t *v, uint32_t n, uint32_t m, uint64_t *seed, uint64_t *tmp)
{
	for (uint32_t k = 0; k < m; k++) {
		tmp[k] = v[rnd(seed) % n];
	}
	qsort(tmp, m, sizeof(*tmp), cmp_u64);
}

void stat_bootstrap_pdiff(const uint64_t *a, uint32_t na, const uint64_t *b, uint32_t nb,
			  const double *p, int np, int iter, double *lo, double *hi)
{
	uint32_t ma = na < STAT_BOOT_DRAW ? na : STAT_BOOT_DRAW;
	uint32_t mb = nb < STAT_BOOT_DRAW ? nb : STAT_BOOT_DRAW;
	uint64_t seed = 0x853c49e6748fea9bull;
	uint64_t *ta = NULL, *tb = NULL;
	double *d = NULL;

	if (np > STAT_BOOT_MAXP) {
		np = STAT_BOOT_MAXP;
	}
	for (int k = 0; k < np; k++) {
		lo[k] = hi[k] = NAN;
	}
	if (!na || !nb || iter < 10) {
		return;
	}
	ta = malloc(sizeof(*ta) * ma);
	tb = malloc(sizeof(*tb) * mb);
	d = malloc(sizeof(*d) * iter * np);
	if (!ta || !tb || !d) {
		goto out;
	}
	/* Drawing fewer values than a large sample holds widens the interval
	 * a little: conservative, and bounded in time. */
	for (int it = 0; it < iter; it++) {
		resample(a, na, ma, &seed, ta);
		resample(b, nb, mb, &seed, tb);
		for (int k = 0; k < np; k++) {
			d[k * iter + it] = rs_percentile(tb, mb, p[k]) - rs_percentile(ta, ma, p[k]);
		}
	}
	for (int k = 0; k < np; k++) {
		double *dk = d + k * iter;
		qsort(dk, iter, sizeof(*dk), cmp_dbl);
		lo[k] = dk[(int)floor(0.025 * (iter - 1))];
		hi[k] = dk[(int)ceil(0.975 * (iter - 1))];
	}
out:
	free(ta);
	free(tb);
	free(d);
}

void stat_mean_sd(const double *x, int n, double *mean, double *sd)
{
	double s = 0, ss = 0;

	*mean = *sd = 0;
	if (n <= 0) {
		return;
	}
	for (int i = 0; i < n; i++) {
		s += x[i];
	}
	*mean = s / n;
	if (n < 2) {
		return;
	}
	for (int i = 0; i < n; i++) {
		ss += (x[i] - *mean) * (x[i] - *mean);
	}
	*sd = sqrt(ss / (n - 1));
}
