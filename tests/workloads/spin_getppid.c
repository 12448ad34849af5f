// SPDX-License-Identifier: MIT
/*
 * spin_getppid SECONDS [CHILD_AFTER_MS]: getppid() in a loop for SECONDS,
 * optionally forking a child after CHILD_AFTER_MS that runs
 * "spin_getppid 0" (a few syscalls, exit 5). Used for -p, -a and --cgroup
 * tests, where the recorder attaches to something already running.
 */
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

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1;
	long child_ms = argc > 2 ? atol(argv[2]) : -1;
	double t0 = now();
	int forked = 0;

	if (secs == 0) {
		syscall(SYS_getppid);
		return 5;
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
	return 0;
}
