// SPDX-License-Identifier: MIT
/*
 * --speed X: hand events out at the pace they were recorded, X times faster,
 * so that live consumers (a pipe into `sysrec analyze score -`) can be tested
 * on recorded data. Output is flushed before each wait and at least every
 * 100 ms, so a consumer sees events when they are "happening".
 */
#include <errno.h>
#include <time.h>

#include "replay.h"

#define FLUSH_EVERY_NS 100000000ll
#define SLACK_NS 1000000ll /* waits shorter than this are not worth a sleep */

static struct {
	bool started;
	struct timespec t0;
	int64_t k0;
	int64_t last_flush;
} pc;

static int64_t elapsed_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - pc.t0.tv_sec) * 1000000000ll + (now.tv_nsec - pc.t0.tv_nsec);
}

void rp_pace_flush(struct replay *rp)
{
	if (rp->sink->flush) {
		rp->sink->flush(rp);
	} else {
		if (rp->sb.len) {
			rp_emit(rp);
		}
		if (fflush(rp->out) != 0) {
			rp_emit(rp); /* records the closed pipe or the error */
		}
	}
	pc.last_flush = elapsed_ns();
}

void rp_pace(struct replay *rp, int64_t key)
{
	if (!pc.started) {
		clock_gettime(CLOCK_MONOTONIC, &pc.t0);
		pc.k0 = key;
		pc.started = true;
		return;
	}
	if (key <= pc.k0) {
		return;
	}
	int64_t target = (int64_t)((double)(key - pc.k0) / rp->o->speed);
	int64_t now = elapsed_ns();
	if (target > now + SLACK_NS) {
		rp_pace_flush(rp);
		struct timespec until = pc.t0;
		until.tv_sec += target / 1000000000ll;
		until.tv_nsec += target % 1000000000ll;
		if (until.tv_nsec >= 1000000000l) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000l;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {
		}
	} else if (now - pc.last_flush >= FLUSH_EVERY_NS) {
		rp_pace_flush(rp);
	}
}
