// SPDX-License-Identifier: MIT
/* ROC, AUC with a bootstrap interval, detection/false-alarm operating points. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

struct item {
	double score;
	int attack;
};

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->score < y->score) {
		return -1;
	}
	if (x->score > y->score) {
		return 1;
	}
	return x->attack - y->attack;
}

static struct item *pool(const double *normal, size_t n0, const double *attack, size_t n1)
{
	struct item *it = malloc((n0 + n1) * sizeof(*it));

	if (!it) {
		return NULL;
	}
	for (size_t i = 0; i < n0; i++) {
		it[i].score = normal[i];
		it[i].attack = 0;
	}
	for (size_t i = 0; i < n1; i++) {
		it[n0 + i].score = attack[i];
		it[n0 + i].attack = 1;
	}
	qsort(it, n0 + n1, sizeof(*it), cmp_item);
	return it;
}

/*
 * Weighted Mann-Whitney over items sorted by score: W[i] is how many times
 * item i is drawn (1 for the plain AUC). One pass over groups of equal scores.
 */
static double auc_sorted(const struct item *it, size_t n, const uint32_t *w)
{
	double below = 0, u = 0, w0 = 0, w1 = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		double g0 = 0, g1 = 0;

		while (j < n && it[j].score == it[i].score) {
			double wt = w ? w[j] : 1.0;

			if (it[j].attack) {
				g1 += wt;
			} else {
				g0 += wt;
			}
			j++;
		}
		u += g1 * (below + 0.5 * g0);
		below += g0;
		w0 += g0;
		w1 += g1;
		i = j;
	}
	return w0 > 0 && w1 > 0 ? u / (w0 * w1) : NAN;
}

double ev_auc(const double *normal, size_t n0, const double *attack, size_t n1)
{
	struct item *it;
	double a;

	if (!n0 || !n1) {
		return NAN;
	}
	it = pool(normal, n0, attack, n1);
	if (!it) {
		return NAN;
	}
	a = auc_sorted(it, n0 + n1, NULL);
	free(it);
	return a;
}

double ev_dr_at_far(const struct ev_point *roc, size_t n, double far)
{
	double best = 0;

	for (size_t i = 0; i < n; i++) {
		if (roc[i].far <= far + 1e-12 && roc[i].dr > best) {
			best = roc[i].dr;
		}
	}
	return best;
}

double ev_far_at_dr(const struct ev_point *roc, size_t n, double dr)
{
	double best = 1;

	for (size_t i = 0; i < n; i++) {
		if (roc[i].dr >= dr - 1e-12 && roc[i].far < best) {
			best = roc[i].far;
		}
	}
	return best;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int ev_evaluate(const double *normal, size_t n0, const double *attack, size_t n1,
		unsigned boot, uint64_t seed, struct ev_result *r)
{
	size_t n = n0 + n1;
	struct item *it = NULL;
	uint32_t *w = NULL;
	size_t *idx0 = NULL, *idx1 = NULL;
	double *aucs = NULL;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!n0 || !n1) {
		return -1;
	}
	r->nnormal = n0;
	r->nattack = n1;
	it = pool(normal, n0, attack, n1);
	r->roc = malloc((n + 2) * sizeof(*r->roc));
	if (!it || !r->roc) {
		goto out;
	}
	r->auc = auc_sorted(it, n, NULL);

	/* ROC: lower the threshold through each distinct score, highest first */
	size_t fp = 0, tp = 0, k = 0;
	r->roc[k++] = (struct ev_point){ INFINITY, 0, 0 };
	for (size_t i = n; i > 0;) {
		size_t j = i;
		double s = it[i - 1].score;

		while (j > 0 && it[j - 1].score == s) {
			if (it[j - 1].attack) {
				tp++;
			} else {
				fp++;
			}
			j--;
		}
		r->roc[k++] = (struct ev_point){ s, (double)fp / n0, (double)tp / n1 };
		i = j;
	}
	r->nroc = k;
	r->dr_at_far[0] = ev_dr_at_far(r->roc, k, 0.01);
	r->dr_at_far[1] = ev_dr_at_far(r->roc, k, 0.05);
	r->dr_at_far[2] = ev_dr_at_far(r->roc, k, 0.10);
	r->far_at_dr90 = ev_far_at_dr(r->roc, k, 0.90);

	r->auc_lo = r->auc_hi = r->auc;
	if (boot) {
		uint64_t st = seed;

		w = malloc(n * sizeof(*w));
		idx0 = malloc(n0 * sizeof(*idx0));
		idx1 = malloc(n1 * sizeof(*idx1));
		aucs = malloc(boot * sizeof(*aucs));
		if (!w || !idx0 || !idx1 || !aucs) {
			goto out;
		}
		size_t a = 0, b = 0;
		for (size_t i = 0; i < n; i++) {
			if (it[i].attack) {
				idx1[b++] = i;
			} else {
				idx0[a++] = i;
			}
		}
		/* stratified: normals and attacks are resampled separately */
		for (unsigned rep = 0; rep < boot; rep++) {
			memset(w, 0, n * sizeof(*w));
			for (size_t i = 0; i < n0; i++) {
				w[idx0[splitmix(&st) % n0]]++;
			}
			for (size_t i = 0; i < n1; i++) {
				w[idx1[splitmix(&st) % n1]]++;
			}
			aucs[rep] = auc_sorted(it, n, w);
		}
		qsort(aucs, boot, sizeof(*aucs), cmp_double);
		r->auc_lo = aucs[(size_t)floor(0.025 * (boot - 1))];
		r->auc_hi = aucs[(size_t)ceil(0.975 * (boot - 1))];
	}
	rc = 0;
out:
	if (rc < 0) {
		free(r->roc);
		r->roc = NULL;
	}
	free(aucs);
	free(idx1);
	free(idx0);
	free(w);
	free(it);
	return rc;
}
