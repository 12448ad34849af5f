// SPDX-License-Identifier: MIT
/*
 * go_on_signal K [PIDFILE]: for attach tests (record -p PID). Writes its pid
 * to PIDFILE (or stdout) and a line "ready", waits for SIGUSR1, then makes
 * exactly K getppid(2) calls from the main thread and K from a thread it
 * creates after the signal (so "later threads" are followed), and exits 0.
 * An alarm ends it with status 3 after 60 s without the signal, so a failed
 * test leaves nothing behind.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long k;

static void *loop(void *arg)
{
	for (long i = 0; i < k; i++) {
		syscall(SYS_getppid);
	}
	return NULL;
}

static void on_alarm(int sig)
{
	_exit(3);
}

int main(int argc, char **argv)
{
	sigset_t set, old;
	pthread_t th;
	int sig;

	k = argc > 1 ? atol(argv[1]) : 1000;
	/* Block SIGUSR1 before telling anyone our pid: it cannot be missed. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGALRM, on_alarm);
	alarm(60);
	if (argc > 2) {
		FILE *f = fopen(argv[2], "w");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
			perror(argv[2]);
			return 1;
		}
	} else {
		printf("%d\nready\n", (int)getpid());
		fflush(stdout);
	}
	if (sigwait(&set, &sig) != 0) {
		return 1;
	}
	alarm(0);
	pthread_create(&th, NULL, loop, NULL);
	loop(NULL);
	pthread_join(th, NULL);
	return 0;
}
