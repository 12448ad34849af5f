/* SPDX-License-Identifier: MIT */
/*
 * Detection metrics over one score per trace: ROC curve, AUC (ties count
 * 1/2), a stratified bootstrap interval for the AUC, detection rate at fixed
 * false-alarm rates and false-alarm rate at a fixed detection rate. A trace
 * is flagged when its score is >= the threshold.
 */
#ifndef SYSREC_EVAL_H
#define SYSREC_EVAL_H

#include <stddef.h>
#include <stdint.h>

struct ev_point {
	double threshold;
	double far; /* false-alarm rate: normal traces flagged / normal traces */
	double dr;  /* detection rate: attack traces flagged / attack traces */
};

struct ev_result {
	size_t nnormal, nattack;
	double auc;
	double auc_lo, auc_hi; /* bootstrap 95% interval */
	double dr_at_far[3];   /* at 1%, 5%, 10% false alarms */
	double far_at_dr90;
	struct ev_point *roc;  /* from (0,0) to (1,1); free() it */
	size_t nroc;
};

/* AUC of the two score sets (Mann-Whitney U / (n0 n1), ties count 1/2). */
double ev_auc(const double *normal, size_t n0, const double *attack, size_t n1);
/*
 * Everything in struct ev_result; BOOT resamples (0 = no interval) with a
 * fixed SEED. Returns -1 when out of memory or a set is empty.
 */
int ev_evaluate(const double *normal, size_t n0, const double *attack, size_t n1,
		unsigned boot, uint64_t seed, struct ev_result *r);
/* Highest detection rate with false alarms <= FAR. */
double ev_dr_at_far(const struct ev_point *roc, size_t n, double far);
/* Lowest false-alarm rate with detection >= DR. */
double ev_far_at_dr(const struct ev_point *roc, size_t n, double dr);

#endif
