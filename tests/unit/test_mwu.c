// SPDX-License-Identifier: MIT
/* Mann-Whitney U (normal approximation, tie and continuity corrections) and bootstrap CIs. */
#include <math.h>
#include <stdlib.h>

#include "tap.h"
#include "runstats.h"
#include "stat_tests.h"

static int cmp(const void *p, const void *q)
{
	uint64_t u = *(const uint64_t *)p, v = *(const uint64_t *)q;

	return u < v ? -1 : u > v;
}

static int close_to(double a, double b, double eps)
{
	return fabs(a - b) <= eps;
}

int main(void)
{
	struct mwu_result m;

	/* Reference values from an independent implementation (and, for the
	 * tie-free case, scipy.stats.mannwhitneyu asymptotic: p = 0.01219). */
	uint64_t a1[] = { 1, 2, 3, 4, 5 }, b1[] = { 6, 7, 8, 9, 10 };
	stat_mwu(a1, 5, b1, 5, &m);
	tap_ok(m.u == 0 && close_to(m.z, 2.5067182, 1e-6) && close_to(m.p, 0.0121858, 1e-6),
	       "separated samples: U=0 z=2.5067 p=0.01219 (U=%g z=%g p=%g)", m.u, m.z, m.p);
	stat_mwu(b1, 5, a1, 5, &m);
	tap_ok(m.u == 25 && close_to(m.z, -2.5067182, 1e-6) && close_to(m.p, 0.0121858, 1e-6),
	       "swapped: U=25, z negative, same p");

	uint64_t a2[] = { 1, 1, 2, 2, 3 }, b2[] = { 2, 3, 3, 4, 4 };
	stat_mwu(a2, 5, b2, 5, &m);
	tap_ok(m.u == 3 && close_to(m.z, 1.9397373, 1e-6) && close_to(m.p, 0.0524116, 1e-6),
	       "ties: U=3 z=1.9397 p=0.05241 (U=%g z=%g p=%g)", m.u, m.z, m.p);

	uint64_t a3[] = { 5, 5, 5, 5 }, b3[] = { 5, 5, 5, 6 };
	stat_mwu(a3, 4, b3, 4, &m);
	tap_ok(m.u == 6 && close_to(m.z, 0.75, 1e-9) && close_to(m.p, 0.4532547, 1e-6),
	       "heavy ties: U=6 z=0.75 p=0.4533 (p=%g)", m.p);

	uint64_t a4[] = { 7, 7, 7 }, b4[] = { 7, 7 };
	stat_mwu(a4, 3, b4, 2, &m);
	tap_ok(isnan(m.p), "all values tied: no p-value");
	stat_mwu(a4, 0, b4, 2, &m);
	tap_ok(isnan(m.p), "empty sample: no p-value");

	/* Same distribution, large samples: p is not small. Shifted: tiny. */
	uint32_t n = 5000;
	uint64_t *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y)), *z = malloc(n * sizeof(*z));
	uint64_t s = 12345;
	for (uint32_t i = 0; i < n; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		x[i] = 1000 + (s >> 33) % 1000;
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		y[i] = 1000 + (s >> 33) % 1000;
		z[i] = y[i] + 100;
	}
	qsort(x, n, sizeof(*x), cmp);
	qsort(y, n, sizeof(*y), cmp);
	qsort(z, n, sizeof(*z), cmp);
	stat_mwu(x, n, y, n, &m);
	tap_ok(m.p > 0.01, "same distribution: p=%g > 0.01", m.p);
	stat_mwu(x, n, z, n, &m);
	tap_ok(m.p < 1e-6 && m.z > 0, "shifted by +100: p=%g, z=%g > 0", m.p, m.z);

	double ps[3] = { 50, 90, 99 }, lo[3], hi[3], lo2[3], hi2[3];
	stat_bootstrap_pdiff(x, n, z, n, ps, 3, 200, lo, hi);
	double d50 = rs_percentile(z, n, 50) - rs_percentile(x, n, 50);
	tap_ok(lo[0] <= d50 && d50 <= hi[0] && lo[0] > 0, "p50 diff %g inside CI [%g, %g], above 0",
	       d50, lo[0], hi[0]);
	stat_bootstrap_pdiff(x, n, y, n, ps, 3, 200, lo, hi);
	tap_ok(lo[0] <= 0 && hi[0] >= 0, "same distribution: CI [%g, %g] holds 0", lo[0], hi[0]);
	stat_bootstrap_pdiff(x, n, y, n, ps, 3, 200, lo2, hi2);
	tap_ok(lo[0] == lo2[0] && hi[2] == hi2[2], "bootstrap is deterministic");
	stat_bootstrap_pdiff(x, 0, y, n, ps, 3, 200, lo, hi);
	tap_ok(isnan(lo[0]) && isnan(hi[2]), "empty side: no interval");

	uint64_t v[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
	tap_ok(rs_percentile(v, 10, 50) == 50 && rs_percentile(v, 10, 90) == 90 &&
		       rs_percentile(v, 10, 99) == 100 && rs_percentile(v, 10, 0) == 10,
	       "nearest-rank percentiles");
	tap_ok(isnan(rs_percentile(v, 0, 50)), "percentile of nothing is NaN");

	double xs[] = { 2, 4, 4, 4, 5, 5, 7, 9 }, mean, sd;
	stat_mean_sd(xs, 8, &mean, &sd);
	tap_ok(mean == 5 && close_to(sd, 2.1380899, 1e-6), "mean 5, sample sd 2.138 (%g)", sd);
	free(x);
	free(y);
	free(z);
	return tap_done();
}
