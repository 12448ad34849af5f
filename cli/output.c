// SPDX-License-Identifier: MIT
/* Checked standard output: a closed pipe is a quiet stop, other errors are failures. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static bool broken;

void cli_init_output(void)
{
	signal(SIGPIPE, SIG_IGN);
}

bool cli_stdout_broken(void)
{
	return broken;
}

bool cli_stdout_ok(void)
{
	if (broken) {
		return false;
	}
	if (ferror(stdout)) {
		if (errno == EPIPE) {
			broken = true;
		}
		return false;
	}
	return true;
}

int cli_finish_stdout(int rc)
{
	errno = 0;
	if (!broken && fflush(stdout) != 0 && errno == EPIPE) {
		broken = true;
	}
	if (broken) {
		fclose(stdout);
		return rc;
	}
	bool bad = ferror(stdout);
	int e = errno;
	if (fclose(stdout) != 0 && errno != EPIPE && errno != EBADF) {
		bad = true;
		e = errno;
	}
	if (bad && e != EPIPE) {
		cli_err("write failure on standard output: %s", strerror(e ? e : EIO));
		return 1;
	}
	return rc;
}
