/* SPDX-License-Identifier: MIT */
/*
 * Minimal TAP producer for the C unit tests: each check prints
 * "ok N - what" or "not ok N - what"; tap_done() prints the plan and
 * returns the exit status (1 if anything failed). tests/run.sh counts them.
 */
#ifndef SYSREC_TAP_H
#define SYSREC_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond) {
		tap_failed++;
	}
	return cond;
}

static inline void tap_skip(const char *why)
{
	printf("ok %d - # SKIP %s\n", ++tap_n, why);
}

static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#define TAP_EQ_U64(a, b, what) \
	tap_ok((unsigned long long)(a) == (unsigned long long)(b), "%s (%llu == %llu)", what, \
	       (unsigned long long)(a), (unsigned long long)(b))

#define TAP_EQ_STR(a, b, what) tap_ok(!strcmp((a), (b)), "%s ('%s' == '%s')", what, (a), (b))

#endif
