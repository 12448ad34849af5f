// SPDX-License-Identifier: MIT
/* The --fail-on grammar of analyze compare: parsing, units, errors, evaluation. */
#include <math.h>
#include <string.h>

#include "tap.h"
#include "failon.h"
#include "sysrec.h"

static struct failon f;
static char why[512];

static int parse(const char *s)
{
	return failon_parse(s, &f, why, sizeof(why));
}

static void bad(const char *s, const char *needle)
{
	int rc = parse(s);
	tap_ok(rc == -1 && strstr(why, needle) != NULL, "rejects '%s' (%s)", s, why);
}

int main(void)
{
	double shown;

	tap_ok(parse("calls(openat) > +10%") == 0 && f.metric == FO_CALLS &&
		       f.sel == FO_SEL_SYSCALL && !strcmp(f.arg, "openat") && f.op == FO_GT &&
		       f.mode == FO_REL && f.value == 10,
	       "calls(openat) > +10%% parses as relative");
	tap_ok(failon_eval(&f, 100, 200, &shown) && shown == 100, "fires on +100%% (shown %g)", shown);
	tap_ok(!failon_eval(&f, 100, 110, &shown), "does not fire on exactly +10%%");
	tap_ok(failon_eval(&f, 100, 110.5, NULL), "fires on +10.5%%");
	tap_ok(failon_eval(&f, 0, 5, &shown) && isinf(shown), "from 0 to 5 is an infinite rise");
	tap_ok(!failon_eval(&f, 0, 0, &shown) && shown == 0, "0 to 0 is no change");

	tap_ok(parse("p99(read) > 2ms") == 0 && f.metric == FO_P99 && f.mode == FO_ABS &&
		       f.value == 2e6,
	       "p99(read) > 2ms is an absolute value in ns (%g)", f.value);
	tap_ok(failon_eval(&f, 5e6, 2.5e6, NULL) && !failon_eval(&f, 0, 1.9e6, NULL),
	       "absolute compares NEW's value only");
	tap_ok(parse("p50(read)>=+20%") == 0 && f.op == FO_GE && f.mode == FO_REL,
	       "no spaces needed");
	tap_ok(parse("  new_syscalls   >   0 ") == 0 && f.metric == FO_NEW_SYSCALLS &&
		       f.mode == FO_ABS && f.value == 0,
	       "new_syscalls > 0 with spaces");
	tap_ok(parse("calls(%file) < -5%") == 0 && f.sel == FO_SEL_CLASS &&
		       f.class_bit == SR_CLASS_FILE && f.op == FO_LT && f.value == -5,
	       "calls(%%file) < -5%%");
	tap_ok(failon_eval(&f, 100, 90, NULL) && !failon_eval(&f, 100, 96, NULL),
	       "-10%% fires a '< -5%%' gate, -4%% does not");
	tap_ok(parse("errors(*) > +3") == 0 && f.sel == FO_SEL_ALL && f.mode == FO_DELTA &&
		       f.value == 3,
	       "errors(*) > +3 is an absolute change");
	tap_ok(failon_eval(&f, 10, 14, &shown) && shown == 4 && !failon_eval(&f, 10, 13, NULL),
	       "delta 4 fires, delta 3 does not");
	tap_ok(parse("peak_rss > 100M") == 0 && f.metric == FO_PEAK_RSS && f.value == 102400,
	       "peak_rss > 100M is in kB (%g)", f.value);
	tap_ok(parse("io_bytes > 1K") == 0 && f.value == 1024, "io_bytes > 1K is 1024 bytes");
	tap_ok(parse("runtime > 1.5s") == 0 && f.metric == FO_RUNTIME && f.value == 1500,
	       "runtime > 1.5s is in ms (%g)", f.value);
	tap_ok(parse("cpu_time <= -10%") == 0 && f.op == FO_LE, "cpu_time <= -10%%");
	tap_ok(parse("error_rate(openat) > 5") == 0 && f.metric == FO_ERROR_RATE,
	       "error_rate(openat)");
	tap_ok(parse("rate(%net) > +50%") == 0 && f.metric == FO_RATE && f.class_bit == SR_CLASS_NET,
	       "rate(%%net)");
	tap_ok(parse("new_ngrams > 10") == 0 && f.metric == FO_NEW_NGRAMS, "new_ngrams > 10");
	tap_ok(parse("vanished_syscalls >= 1") == 0 && f.metric == FO_VANISHED_SYSCALLS,
	       "vanished_syscalls >= 1");
	tap_ok(parse("faults > +1000") == 0 && f.metric == FO_FAULTS, "faults > +1000");
	tap_ok(parse("blocked > 0") == 0 && f.metric == FO_BLOCKED, "blocked > 0");

	bad("calls(openat) = 3", "operator");
	bad("calls(openat) >", "expected a value");
	bad("bogus > 1", "unknown metric 'bogus'");
	bad("calls > 1", "needs an argument");
	bad("calls(openat > 1", "missing ')'");
	bad("calls() > 1", "needs a syscall name");
	bad("p99(*) > 1", "takes one syscall name");
	bad("p99(%file) > 1", "takes one syscall name");
	bad("calls(%bogus) > 1", "unknown syscall class '%bogus'");
	bad("calls(open-at) > 1", "bad syscall name");
	bad("calls(openat) > 10%%", "unexpected");
	bad("calls(openat) > 10 junk", "unexpected 'junk'");
	bad("calls(openat) > 10junk", "does not fit");
	bad("p99(read) > 2kg", "unit 'kg' does not fit p99");
	bad("peak_rss > 2ms", "does not fit peak_rss");
	bad("calls(openat) > 5ms%", "takes no unit");
	if (sr_syscall_count(sr_abi_native()) > 0) {
		bad("calls(opneat) > +10%", "unknown syscall 'opneat'");
	} else {
		tap_skip("no native syscall table to check names against");
	}
	tap_ok(!strcmp(failon_unit(FO_P99), "ns") && !strcmp(failon_unit(FO_RUNTIME), "ms") &&
		       !strcmp(failon_unit(FO_PEAK_RSS), "kB"),
	       "units of p99, runtime and peak_rss");
	tap_ok(parse("p99(read) > +20%") == 0 && !failon_eval(&f, NAN, 5, NULL),
	       "a metric without data never fires");
	return tap_done();
}
