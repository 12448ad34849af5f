// SPDX-License-Identifier: MIT
/* Unit tests of replay's formatting helpers, time arguments and thread table. */
#include <stdlib.h>
#include <string.h>

#include "argfmt.h"
#include "replay.h"
#include "tap.h"

static struct sbuf sb;

static const char *str(void)
{
	sb_putc(&sb, '\0');
	sb.len--;
	return sb.b;
}

static void is_str(const char *got, const char *want, const char *what)
{
	int ok = !strcmp(got, want);
	tap_ok(ok, "%s", what);
	if (!ok) {
		tap_diag("got      '%s'", got);
		tap_diag("expected '%s'", want);
	}
}

static void numbers(void)
{
	sb.len = 0;
	sb_u64(&sb, 0);
	sb_putc(&sb, ' ');
	sb_u64(&sb, UINT64_MAX);
	sb_putc(&sb, ' ');
	sb_i64(&sb, INT64_MIN);
	sb_putc(&sb, ' ');
	sb_i64(&sb, -42);
	is_str(str(), "0 18446744073709551615 -9223372036854775808 -42", "integers");

	sb.len = 0;
	sb_secs(&sb, 1234567891, 6);
	sb_putc(&sb, ' ');
	sb_secs(&sb, -12000, 6);
	sb_putc(&sb, ' ');
	sb_secs(&sb, 5, 9);
	sb_putc(&sb, ' ');
	sb_secs(&sb, 2500000000ll, 0);
	is_str(str(), "1.234567 -0.000012 0.000000005 2", "seconds with fixed decimals");
}

static void json(void)
{
	sb.len = 0;
	sb_json_str(&sb, "a\"b\\c\nd\te\x01 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	is_str(str(), "\"a\\\"b\\\\c\\nd\\te\\u0001 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	       "JSON escapes control characters and keeps valid UTF-8");
	sb.len = 0;
	sb_json_str(&sb, "\xff\xc0\xaf x \xed\xa0\x80 \xe2\x82");
	is_str(str(), "\"\\u00ff\\u00c0\\u00af x \\u00ed\\u00a0\\u0080 \\u00e2\\u0082\"",
	       "invalid UTF-8 (stray, overlong, surrogate, cut) becomes \\u00XX per byte");
	sb.len = 0;
	sb_json_str(&sb, NULL);
	is_str(str(), "null", "NULL string is null");
}

static void csv(void)
{
	sb.len = 0;
	sb_csv_field(&sb, "plain", 5);
	sb_putc(&sb, '|');
	sb_csv_field(&sb, "a,b", 3);
	sb_putc(&sb, '|');
	sb_csv_field(&sb, "say \"hi\"", 8);
	sb_putc(&sb, '|');
	sb_csv_field(&sb, "two\nlines", 9);
	is_str(str(), "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"", "CSV quoting per RFC 4180");
	sb.len = 0;
	sb_csv_field(&sb, "caf\xc3\xa9\xff", 6);
	sb_putc(&sb, '|');
	sb_csv_field(&sb, "x\xe2\x82", 3);
	is_str(str(), "caf\xc3\xa9\xef\xbf\xbd|x\xef\xbf\xbd\xef\xbf\xbd", "CSV is UTF-8: stray bytes become U+FFFD");
}

static void growth(void)
{
	char *big = malloc(20001);
	memset(big, 'x', 20000);
	big[20000] = '\0';
	sb_free(&sb);
	SB_FMT(&sb, argfmt_quote(buf_, n_, big, 0));
	TAP_EQ_U64(sb.len, 20002, "a long quoted string is not cut by the buffer");
	tap_ok(sb.b[0] == '"' && sb.b[20001] == '"', "both quotes present");
	free(big);
}

static void times(void)
{
	struct rp_time_arg t;

	tap_ok(rp_parse_time_arg("1.5", &t) && !t.wall && t.ns == 1500000000, "1.5 is relative seconds");
	tap_ok(rp_parse_time_arg("200ms", &t) && !t.wall && t.ns == 200000000, "200ms");
	tap_ok(rp_parse_time_arg("2026-11-23T10:00:00Z", &t) && t.wall && !t.time_only &&
		       t.ns == 1795428000ll * 1000000000ll,
	       "ISO date-time in UTC");
	tap_ok(rp_parse_time_arg("10:00:00.25", &t) && t.wall && t.time_only &&
		       t.ns == 36000250000000ll,
	       "time of day with fraction");
	tap_ok(rp_parse_time_arg("09:30", &t) && t.time_only && t.ns == 34200000000000ll, "HH:MM");
	tap_ok(!rp_parse_time_arg("25:00:00", &t), "hour 25 refused");
	tap_ok(!rp_parse_time_arg("soon", &t), "words refused");
	tap_ok(!rp_parse_time_arg("2026-13-01T00:00:00", &t), "month 13 refused");
	tap_ok(!rp_parse_time_arg("-1", &t), "negative refused");
}

static void threads(void)
{
	struct rp_procs p = { 0 };
	struct sr_event ev = { 0 };

	ev.type = SR_EV_PROCINFO;
	ev.info.pid = 100;
	ev.info.comm = "demo";
	rp_procs_update(&p, &ev);
	is_str(rp_procs_comm(&p, 100, 100), "demo", "process table names a process");
	is_str(rp_procs_comm(&p, 101, 100), "demo", "an unknown thread gets its process's comm");
	memset(&ev, 0, sizeof(ev));
	ev.type = SR_EV_PROCESS;
	ev.proc.kind = SR_PROC_FORK;
	ev.proc.tid = 102;
	ev.proc.pid = 102;
	ev.proc.parent_tid = 100;
	ev.proc.parent_pid = 100;
	rp_procs_update(&p, &ev);
	is_str(rp_procs_comm(&p, 102, 102), "demo", "fork inherits the comm");
	ev.proc.kind = SR_PROC_EXEC;
	ev.proc.filename = "/usr/bin/a-very-long-program-name";
	rp_procs_update(&p, &ev);
	is_str(rp_procs_comm(&p, 102, 102), "a-very-long-pro", "exec without comm: basename cut to 15");
	for (int i = 1000; i < 20000; i++) {
		rp_procs_set_comm(&p, i, i, "many");
	}
	is_str(rp_procs_comm(&p, 100, 100), "demo", "entries survive growth of the table");
	is_str(rp_procs_comm(&p, 19999, 19999), "many", "last of 19000 threads found");
	tap_ok(rp_procs_comm(&p, 999, 999) == NULL, "unknown tid has no comm");
	rp_procs_free(&p);
}

int main(void)
{
	numbers();
	json();
	csv();
	growth();
	times();
	threads();
	sb_free(&sb);
	return tap_done();
}
