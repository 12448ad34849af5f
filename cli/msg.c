// SPDX-License-Identifier: MIT
/* Messages to the user: one family, each message a single write. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *cli_cmd;
int cli_verbose;

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char buf[4096];
	int n;

	if (cli_cmd) {
		n = snprintf(buf, sizeof(buf), "sysrec %s: %s", cli_cmd, kind);
	} else {
		n = snprintf(buf, sizeof(buf), "sysrec: %s", kind);
	}
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		n = 0;
	}
	int m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (m < 0) {
		m = 0;
	}
	n += m;
	if ((size_t)n > sizeof(buf) - 2) {
		n = sizeof(buf) - 2;
	}
	buf[n++] = '\n';
	ssize_t w = write(STDERR_FILENO, buf, n);
	(void)w;
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	if (!cli_verbose) {
		return;
	}
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

int cli_usage(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char all[1400];
	int n = snprintf(all, sizeof(all), "sysrec%s%s: %s\nTry 'sysrec%s%s --help'.\n",
			 cli_cmd ? " " : "", cli_cmd ? cli_cmd : "", buf,
			 cli_cmd ? " " : "", cli_cmd ? cli_cmd : "");
	if (n > (int)sizeof(all)) {
		n = sizeof(all);
	}
	ssize_t w = write(STDERR_FILENO, all, n);
	(void)w;
	return EXIT_USAGE;
}

int cli_bad_arg(const char *opt, const char *arg, const char *what)
{
	return cli_usage("invalid %s argument: '%s' (expected %s)", opt, arg, what);
}

static void trace_msg(const char *kind, const char *file, const struct sr_error *e)
{
	if (e->status == SR_IO && e->sys_errno) {
		cli_err("%s%s: %s (%s)", kind, file, e->msg[0] ? e->msg : sr_status_str(e->status),
			strerror(e->sys_errno));
	} else if (e->offset || e->frame) {
		cli_err("%s%s: frame %" PRIu64 " at offset %" PRIu64 ": %s", kind, file, e->frame,
			e->offset, e->msg[0] ? e->msg : sr_status_str(e->status));
	} else {
		cli_err("%s%s: %s", kind, file, e->msg[0] ? e->msg : sr_status_str(e->status));
	}
}

void cli_trace_error(const char *file, const struct sr_error *e)
{
	trace_msg("", file, e);
}

void cli_trace_damage(const char *file, const struct sr_error *e)
{
	trace_msg("damaged trace: ", file, e);
}
