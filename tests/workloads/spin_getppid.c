// SPDX-License-Identifier: MIT
/*
 * spin_getppid SECONDS [CHILD_AFTER_MS [THREADS]]: getppid() in a loop for
 * SECONDS, optionally forking a child after CHILD_AFTER_MS (-1: none) that
 * runs "spin_getppid 0" (a few syscalls, exit 5), and with THREADS extra
 * threads doing the same loop. Used for -p, -a and --cgroup
 * tests, where the recorder attaches to something already running.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double secs;

static void *spin(void *arg)
{
	double t0 = now();

	while (now() - t0 < secs) {
		syscall(SYS_getppid);
		usleep(1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int nthreads = argc > 3 ? atoi(argv[3]) : 0;
	pthread_t th[16];
	long child_ms = argc > 2 ? atol(argv[2]) : -1;
	double t0 = now();
	int forked = 0;

	secs = argc > 1 ? atof(argv[1]) : 1;

	if (secs == 0) {
		syscall(SYS_getppid);
		return 5;
	}
	if (nthreads > 16) {
		nthreads = 16;
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_create(&th[i], NULL, spin, NULL);
	}
	while (now() - t0 < secs) {
		syscall(SYS_getppid);
		if (child_ms >= 0 && !forked && (now() - t0) * 1000 >= child_ms) {
			pid_t p = fork();

			forked = 1;
			if (p == 0) {
				execl("/proc/self/exe", argv[0], "0", (char *)NULL);
				_exit(127);
			}
			waitpid(p, NULL, 0);
		}
		usleep(1000);
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
	}
	return 0;
}
