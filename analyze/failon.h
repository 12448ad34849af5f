/* SPDX-License-Identifier: MIT */
/*
 * The --fail-on grammar of `sysrec analyze compare` (docs/COMPARE.md):
 *
 *   EXPR   := METRIC OP VALUE
 *   METRIC := calls(SEL) | rate(SEL) | errors(SEL) | error_rate(SEL)
 *           | p50(SYSCALL) | p90(SYSCALL) | p99(SYSCALL)
 *           | new_syscalls | vanished_syscalls | new_ngrams | blocked
 *           | peak_rss | cpu_time | faults | io_bytes | runtime
 *   SEL    := SYSCALL | %CLASS | *
 *   OP     := > | >= | < | <=
 *   VALUE  := NUMBER[UNIT]       NEW's value
 *           | +NUMBER[UNIT] | -NUMBER[UNIT]   change NEW - BASE
 *           | [+|-]NUMBER%       relative change (NEW - BASE) / BASE in percent
 *   UNIT   := ns us ms s (time metrics), K M G (peak_rss, io_bytes)
 */
#ifndef SYSREC_FAILON_H
#define SYSREC_FAILON_H

#include <stdbool.h>
#include <stddef.h>

enum fo_metric {
	FO_CALLS,
	FO_RATE,
	FO_ERRORS,
	FO_ERROR_RATE,
	FO_P50,
	FO_P90,
	FO_P99,
	FO_NEW_SYSCALLS,
	FO_VANISHED_SYSCALLS,
	FO_NEW_NGRAMS,
	FO_BLOCKED,
	FO_PEAK_RSS,
	FO_CPU_TIME,
	FO_FAULTS,
	FO_IO_BYTES,
	FO_RUNTIME,
};

enum fo_op { FO_GT, FO_GE, FO_LT, FO_LE };

enum fo_mode {
	FO_ABS,   /* NEW's value */
	FO_DELTA, /* NEW - BASE */
	FO_REL,   /* (NEW - BASE) / BASE * 100 */
};

enum fo_sel { FO_SEL_NONE, FO_SEL_SYSCALL, FO_SEL_CLASS, FO_SEL_ALL };

struct failon {
	const char *text;   /* the expression as given */
	enum fo_metric metric;
	enum fo_sel sel;
	char arg[64];       /* syscall name, or class name without '%' */
	unsigned class_bit; /* SR_CLASS_* for FO_SEL_CLASS */
	enum fo_op op;
	enum fo_mode mode;
	double value;       /* in the metric's unit (see failon_unit) */
};

/* Parse S into F. On error returns -1 and writes the reason into WHY. */
int failon_parse(const char *s, struct failon *f, char *why, size_t n);
/*
 * Evaluate F given BASE's and NEW's values; *shown gets the quantity that
 * was compared (the value, the change or the percentage).
 */
bool failon_eval(const struct failon *f, double base, double new_, double *shown);
/* The metric's unit as values are given and printed: "calls", "ns", ... */
const char *failon_unit(enum fo_metric m);
const char *failon_op_str(enum fo_op op);
/* Metric name, e.g. "p99". */
const char *failon_metric_name(enum fo_metric m);

#endif
