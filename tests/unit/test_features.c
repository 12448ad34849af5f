// SPDX-License-Identifier: MIT
/* Feature arithmetic: nearest-rank percentiles, inter-arrival figures, entropy, latency. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "feature_set.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

int main(void)
{
	const uint64_t v[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
	struct ft_cell c;
	struct ft_iat iat;

	tap_ok(NEAR(ft_percentile(v, 10, 0.5), 50), "p50 of 10..100 = 50 (nearest rank 5)");
	tap_ok(NEAR(ft_percentile(v, 10, 0.9), 90), "p90 = 90");
	tap_ok(NEAR(ft_percentile(v, 10, 0.99), 100), "p99 = 100 (rank 10)");
	tap_ok(NEAR(ft_percentile(v, 10, 0.0), 10), "p0 = the minimum");
	tap_ok(NEAR(ft_percentile(v, 1, 0.5), 10), "one value: every percentile is it");
	tap_ok(isnan(ft_percentile(v, 0, 0.5)), "no value: NaN");

	/* entries at 0, 10, 20, 60 (ms): gaps 10, 10, 40 */
	memset(&c, 0, sizeof(c));
	uint64_t ts[] = { 60000000, 0, 20000000, 10000000 }; /* unsorted on purpose */
	c.ts = ts;
	c.nts = 4;
	ft_cell_iat(&c, &iat);
	tap_ok(NEAR(iat.mean, 20e6), "iat mean 20 ms");
	tap_ok(NEAR(iat.sd, sqrt(200e12)), "iat sd sqrt(((-10)^2 + (-10)^2 + 20^2) / 3) ms");
	tap_ok(NEAR(iat.cv, sqrt(200e12) / 20e6), "cv = sd / mean");
	tap_ok(NEAR(iat.p50, 10e6) && NEAR(iat.p99, 40e6), "iat p50 10 ms, p99 40 ms");
	tap_ok(NEAR(iat.burstiness, (iat.sd - iat.mean) / (iat.sd + iat.mean)), "burstiness (sd-mean)/(sd+mean)");
	c.nts = 1;
	ft_cell_iat(&c, &iat);
	tap_ok(isnan(iat.mean) && isnan(iat.burstiness), "one call: inter-arrival figures undefined");

	/* entropy: counts 1, 1, 2 of 4 -> 1.5 bits */
	uint64_t cnt[] = { 1, 0, 1, 2 };
	c.count = cnt;
	c.ncount = 4;
	c.calls = 4;
	tap_ok(NEAR(ft_cell_entropy(&c), 1.5), "entropy of 1/4 1/4 1/2 = 1.5 bits");

	/* latency of column 2 among others: durations 5, 1, 3 (us in ns) */
	uint64_t dur[] = { (2ull << 40) | 5000, (1ull << 40) | 999, (2ull << 40) | 1000,
			   (3ull << 40) | 7, (2ull << 40) | 3000 };
	double p50, p90, p99, max;
	c.dur = dur;
	c.ndur = 5;
	c.dur_sorted = false;
	tap_ok(ft_cell_latency(&c, 2, &p50, &p90, &p99, &max) && NEAR(p50, 3000) && NEAR(p90, 5000) &&
	       NEAR(p99, 5000) && NEAR(max, 5000), "latency of one syscall among others: p50 3 us, max 5 us");
	tap_ok(ft_cell_latency(&c, 3, &p50, &p90, &p99, &max) && NEAR(max, 7), "a one-call column");
	tap_ok(!ft_cell_latency(&c, 0, &p50, &p90, &p99, &max), "a column without finished calls");
	return tap_done();
}
