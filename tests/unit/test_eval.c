// SPDX-License-Identifier: MIT
/* Detection metrics on hand-made score sets with known answers. */
#include <math.h>
#include <stdlib.h>

#include "tap.h"
#include "eval.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

int main(void)
{
	const double normal[] = { 0.1, 0.2, 0.3, 0.4 };
	const double attack[] = { 0.3, 0.5, 0.6 };
	struct ev_result r, r2;

	/* attack 0.3: 2 normals below + a tie (1/2); 0.5 and 0.6: 4 each -> 10.5 / 12 */
	tap_ok(NEAR(ev_auc(normal, 4, attack, 3), 10.5 / 12), "AUC with one tie = 0.875");
	tap_ok(NEAR(ev_auc(attack, 3, normal, 4), 1.5 / 12), "swapped roles: 1 - 0.875");
	const double same[] = { 1, 1, 1 };
	tap_ok(NEAR(ev_auc(same, 3, same, 2), 0.5), "all scores tied: AUC 0.5");
	tap_ok(isnan(ev_auc(normal, 0, attack, 3)), "empty normal set: NaN");

	tap_ok(ev_evaluate(normal, 4, attack, 3, 500, 42, &r) == 0, "evaluate");
	tap_ok(NEAR(r.auc, 0.875), "evaluate AUC 0.875");
	/* thresholds 0.6 0.5 0.4 0.3 0.2 0.1 */
	TAP_EQ_U64(r.nroc, 7, "ROC has 6 distinct thresholds plus the origin");
	tap_ok(NEAR(r.roc[2].far, 0) && NEAR(r.roc[2].dr, 2.0 / 3), "at >= 0.5: FAR 0, DR 2/3");
	tap_ok(NEAR(r.roc[4].far, 0.5) && NEAR(r.roc[4].dr, 1), "at >= 0.3: FAR 1/2, DR 1");
	tap_ok(NEAR(r.roc[6].far, 1) && NEAR(r.roc[6].dr, 1), "ROC ends at (1, 1)");
	tap_ok(NEAR(r.dr_at_far[0], 2.0 / 3) && NEAR(r.dr_at_far[1], 2.0 / 3) &&
	       NEAR(r.dr_at_far[2], 2.0 / 3), "DR at 1/5/10%% FAR = 2/3");
	tap_ok(NEAR(r.far_at_dr90, 0.5), "FAR at 90%% DR = 1/2");
	tap_ok(r.auc_lo <= r.auc && r.auc <= r.auc_hi && r.auc_lo >= 0.4 && r.auc_hi <= 1,
	       "bootstrap interval [%.3f, %.3f] holds the AUC", r.auc_lo, r.auc_hi);
	ev_evaluate(normal, 4, attack, 3, 500, 42, &r2);
	tap_ok(r.auc_lo == r2.auc_lo && r.auc_hi == r2.auc_hi, "fixed seed: same interval twice");
	free(r2.roc);
	free(r.roc);

	/* a larger set with a closed form: normal i/100, attack i/100 + 0.5 for i < 100 */
	double n1[100], a1[100];
	for (int i = 0; i < 100; i++) {
		n1[i] = i / 100.0;
		a1[i] = i / 100.0 + 0.5;
	}
	/* pairs with a > n: for attack i+50 (in hundredths), normals 0..min(99, i+49) -> sum min(100, i+50) */
	double u = 0;
	for (int i = 0; i < 100; i++) {
		u += (i + 50 < 100 ? i + 50 : 100);
	}
	/* ties: attack value equals normal value when i+50 <= 99 -> 50 ties, each counts 1/2 */
	u += 50 * 0.5;
	tap_ok(NEAR(ev_auc(n1, 100, a1, 100), u / 10000.0), "shifted uniform sets: AUC %.4f", u / 10000.0);
	tap_ok(ev_evaluate(n1, 100, a1, 100, 0, 1, &r) == 0 && r.auc_lo == r.auc && r.auc_hi == r.auc,
	       "no bootstrap: interval collapses to the AUC");
	tap_ok(NEAR(r.far_at_dr90, 0.4), "FAR at 90%% DR = 0.40 (threshold 0.6)");
	free(r.roc);
	return tap_done();
}
