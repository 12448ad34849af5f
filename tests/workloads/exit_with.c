// SPDX-License-Identifier: MIT
/*
 * exit_with HOW: end in a known way, for exit status and exit event tests.
 *   exit_with N          exit_group(N)
 *   exit_with -SIG       kill itself with signal number SIG (default action:
 *                        SIGKILL, SIGTERM, SIGSEGV (core, when allowed) ...)
 *   exit_with thread N   a second thread calls exit_group(N) while the main
 *                        thread is blocked in pause(): the process ends with
 *                        two thread exits, group_dead on the last one.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int code;

static void *ender(void *arg)
{
	syscall(SYS_exit_group, code);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "thread") == 0) {
		pthread_t th;

		code = atoi(argv[2]);
		pthread_create(&th, NULL, ender, NULL);
		for (;;) {
			pause();
		}
	}
	if (argc != 2) {
		fprintf(stderr, "usage: exit_with N | -SIG | thread N\n");
		return 2;
	}
	if (argv[1][0] == '-') {
		int sig = atoi(argv[1] + 1);

		signal(sig, SIG_DFL);
		kill(getpid(), sig);
		for (;;) { /* a stopped or ignored signal: wait to be killed */
			pause();
		}
	}
	syscall(SYS_exit_group, atoi(argv[1]));
	return 99; /* not reached */
}
