// SPDX-License-Identifier: MIT
/* Parser and evaluator of --fail-on expressions (failon.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"
#include "failon.h"

static const struct {
	const char *name;
	enum fo_metric m;
	int arg; /* 0 none, 1 syscall/class/all, 2 syscall only */
	const char *unit;
	int kind; /* 0 plain, 1 time, 2 size */
} metrics[] = {
	{ "calls", FO_CALLS, 1, "calls", 0 },
	{ "rate", FO_RATE, 1, "calls/s", 0 },
	{ "errors", FO_ERRORS, 1, "errors", 0 },
	{ "error_rate", FO_ERROR_RATE, 1, "% of calls", 0 },
	{ "p50", FO_P50, 2, "ns", 1 },
	{ "p90", FO_P90, 2, "ns", 1 },
	{ "p99", FO_P99, 2, "ns", 1 },
	{ "new_syscalls", FO_NEW_SYSCALLS, 0, "syscalls", 0 },
	{ "vanished_syscalls", FO_VANISHED_SYSCALLS, 0, "syscalls", 0 },
	{ "new_ngrams", FO_NEW_NGRAMS, 0, "trigrams", 0 },
	{ "blocked", FO_BLOCKED, 0, "calls", 0 },
	{ "peak_rss", FO_PEAK_RSS, 0, "kB", 2 },
	{ "cpu_time", FO_CPU_TIME, 0, "ms", 1 },
	{ "faults", FO_FAULTS, 0, "faults", 0 },
	{ "io_bytes", FO_IO_BYTES, 0, "bytes", 2 },
	{ "runtime", FO_RUNTIME, 0, "ms", 1 },
};

#define NMETRICS (sizeof(metrics) / sizeof(metrics[0]))

static const char *const classes[] = { "file", "net",    "process", "memory",
					"ipc",  "signal", "desc" };
static const unsigned class_bits[] = { SR_CLASS_FILE, SR_CLASS_NET, SR_CLASS_PROCESS,
				       SR_CLASS_MEMORY, SR_CLASS_IPC, SR_CLASS_SIGNAL,
				       SR_CLASS_DESC };

const char *failon_unit(enum fo_metric m)
{
	for (size_t i = 0; i < NMETRICS; i++) {
		if (metrics[i].m == m) {
			return metrics[i].unit;
		}
	}
	return "";
}

const char *failon_metric_name(enum fo_metric m)
{
	for (size_t i = 0; i < NMETRICS; i++) {
		if (metrics[i].m == m) {
			return metrics[i].name;
		}
	}
	return "?";
}

const char *failon_op_str(enum fo_op op)
{
	switch (op) {
	case FO_GT:
		return ">";
	case FO_GE:
		return ">=";
	case FO_LT:
		return "<";
	case FO_LE:
		return "<=";
	}
	return "?";
}

static void skip_ws(const char **p)
{
	while (isspace((unsigned char)**p)) {
		(*p)++;
	}
}

/* Scale for a unit suffix in the metric's own unit; 0 when not allowed. */
static double unit_scale(int kind, enum fo_metric m, const char *u)
{
	if (!*u) {
		return 1;
	}
	if (kind == 1) {
		/* time metrics: latency in ns, runtime/cpu_time in ms */
		double ns;
		if (!strcmp(u, "ns")) {
			ns = 1;
		} else if (!strcmp(u, "us")) {
			ns = 1e3;
		} else if (!strcmp(u, "ms")) {
			ns = 1e6;
		} else if (!strcmp(u, "s")) {
			ns = 1e9;
		} else {
			return 0;
		}
		return (m == FO_P50 || m == FO_P90 || m == FO_P99) ? ns : ns / 1e6;
	}
	if (kind == 2) {
		double b;
		char c = (char)toupper((unsigned char)u[0]);
		if (c == 'K') {
			b = 1024;
		} else if (c == 'M') {
			b = 1024.0 * 1024;
		} else if (c == 'G') {
			b = 1024.0 * 1024 * 1024;
		} else {
			return 0;
		}
		const char *rest = u + 1;
		if (*rest == 'i' || *rest == 'I') {
			rest++;
		}
		if (*rest == 'B' || *rest == 'b') {
			rest++;
		}
		if (*rest) {
			return 0;
		}
		return m == FO_PEAK_RSS ? b / 1024 : b;
	}
	return 0;
}

int failon_parse(const char *s, struct failon *f, char *why, size_t n)
{
	const char *p = s;
	size_t mi;

	memset(f, 0, sizeof(*f));
	f->text = s;
	skip_ws(&p);
	const char *name = p;
	while (isalnum((unsigned char)*p) || *p == '_') {
		p++;
	}
	size_t len = (size_t)(p - name);
	for (mi = 0; mi < NMETRICS; mi++) {
		if (strlen(metrics[mi].name) == len && !strncmp(metrics[mi].name, name, len)) {
			break;
		}
	}
	if (mi == NMETRICS) {
		snprintf(why, n, "unknown metric '%.*s' (expected calls(), rate(), errors(), "
			 "error_rate(), p50(), p90(), p99(), new_syscalls, vanished_syscalls, "
			 "new_ngrams, blocked, peak_rss, cpu_time, faults, io_bytes or runtime)",
			 (int)len, name);
		return -1;
	}
	f->metric = metrics[mi].m;
	skip_ws(&p);
	if (metrics[mi].arg) {
		if (*p != '(') {
			snprintf(why, n, "%s needs an argument, e.g. %s(openat)", metrics[mi].name,
				 metrics[mi].name);
			return -1;
		}
		p++;
		skip_ws(&p);
		const char *a = p;
		while (*p && *p != ')' && !isspace((unsigned char)*p)) {
			p++;
		}
		size_t alen = (size_t)(p - a);
		skip_ws(&p);
		if (*p != ')') {
			snprintf(why, n, "missing ')' after %s(", metrics[mi].name);
			return -1;
		}
		p++;
		if (alen == 0 || alen >= sizeof(f->arg)) {
			snprintf(why, n, "%s() needs a syscall name%s", metrics[mi].name,
				 metrics[mi].arg == 1 ? ", %class or *" : "");
			return -1;
		}
		if (alen == 1 && a[0] == '*') {
			f->sel = FO_SEL_ALL;
		} else if (a[0] == '%') {
			f->sel = FO_SEL_CLASS;
			snprintf(f->arg, sizeof(f->arg), "%.*s", (int)alen - 1, a + 1);
			size_t k;
			for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
				if (!strcmp(classes[k], f->arg)) {
					break;
				}
			}
			if (k == sizeof(classes) / sizeof(classes[0])) {
				snprintf(why, n, "unknown syscall class '%%%s' (expected %%file %%net "
					 "%%process %%memory %%ipc %%signal %%desc)", f->arg);
				return -1;
			}
			f->class_bit = class_bits[k];
		} else {
			f->sel = FO_SEL_SYSCALL;
			snprintf(f->arg, sizeof(f->arg), "%.*s", (int)alen, a);
			for (size_t k = 0; k < alen; k++) {
				if (!isalnum((unsigned char)a[k]) && a[k] != '_') {
					snprintf(why, n, "bad syscall name '%s'", f->arg);
					return -1;
				}
			}
			/* Catch typos when the host's table knows its syscalls. */
			enum sr_abi abi = sr_abi_native();
			if (sr_syscall_count(abi) > 0 && !sr_syscall_by_name(abi, f->arg) &&
			    strncmp(f->arg, "syscall_", 8)) {
				snprintf(why, n, "unknown syscall '%s'", f->arg);
				return -1;
			}
		}
		if (metrics[mi].arg == 2 && f->sel != FO_SEL_SYSCALL) {
			snprintf(why, n, "%s() takes one syscall name, not a class or *",
				 metrics[mi].name);
			return -1;
		}
	}
	skip_ws(&p);
	if (p[0] == '>' && p[1] == '=') {
		f->op = FO_GE;
		p += 2;
	} else if (p[0] == '<' && p[1] == '=') {
		f->op = FO_LE;
		p += 2;
	} else if (p[0] == '>') {
		f->op = FO_GT;
		p++;
	} else if (p[0] == '<') {
		f->op = FO_LT;
		p++;
	} else {
		snprintf(why, n, "expected an operator (>, >=, <, <=) after the metric");
		return -1;
	}
	skip_ws(&p);
	bool sign = (*p == '+' || *p == '-');
	if (!sign && !(isdigit((unsigned char)*p) || *p == '.')) {
		snprintf(why, n, "expected a value such as 100, +10%% or -5%% after '%s'",
			 failon_op_str(f->op));
		return -1;
	}
	char *end;
	errno = 0;
	double v = strtod(p, &end);
	if (errno || end == p || !isfinite(v)) {
		snprintf(why, n, "bad number '%s'", p);
		return -1;
	}
	p = end;
	char unit[16];
	size_t ul = 0;
	while ((isalpha((unsigned char)*p)) && ul < sizeof(unit) - 1) {
		unit[ul++] = *p++;
	}
	unit[ul] = '\0';
	if (*p == '%') {
		if (ul) {
			snprintf(why, n, "a relative change takes no unit ('%s%%')", unit);
			return -1;
		}
		f->mode = FO_REL;
		p++;
	} else {
		f->mode = sign ? FO_DELTA : FO_ABS;
		double sc = unit_scale(metrics[mi].kind, f->metric, unit);
		if (sc == 0) {
			snprintf(why, n, "unit '%s' does not fit %s (values are in %s)", unit,
				 metrics[mi].name, metrics[mi].unit);
			return -1;
		}
		v *= sc;
	}
	skip_ws(&p);
	if (*p) {
		snprintf(why, n, "unexpected '%s' at the end", p);
		return -1;
	}
	f->value = v;
	return 0;
}

bool failon_eval(const struct failon *f, double base, double new_, double *shown)
{
	double x;

	switch (f->mode) {
	case FO_ABS:
		x = new_;
		break;
	case FO_DELTA:
		x = new_ - base;
		break;
	case FO_REL:
	default:
		if (base != 0) {
			x = (new_ - base) / fabs(base) * 100.0;
		} else if (new_ > 0) {
			x = INFINITY; /* from nothing to something */
		} else if (new_ < 0) {
			x = -INFINITY;
		} else {
			x = 0;
		}
		break;
	}
	if (shown) {
		*shown = x;
	}
	if (isnan(x)) {
		return false;
	}
	switch (f->op) {
	case FO_GT:
		return x > f->value;
	case FO_GE:
		return x >= f->value;
	case FO_LT:
		return x < f->value;
	case FO_LE:
		return x <= f->value;
	}
	return false;
}
