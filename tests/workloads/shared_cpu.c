// SPDX-License-Identifier: MIT
/*
 * shared_cpu THREADS K: THREADS threads pinned to one CPU, each making K
 * getpriority(PRIO_PROCESS, WHO) calls that fail with ESRCH, where WHO =
 * 0x7f000000 | thread << 20 | i names the thread and the iteration; every
 * 8th call is followed by sched_yield() and every 64th by a 20 us
 * nanosleep, so the threads take turns on the CPU with syscalls in flight.
 * Every 32nd call is followed by a sched_setaffinity() that moves the
 * thread to the other of CPUs 0 and 1 (when there are two): the thread
 * leaves its CPU inside that syscall and returns from it on the other.
 * The recorder must give each thread exactly its own K calls, in order.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long k;
static int ncpu;

static void *run(void *arg)
{
	long t = (long)arg;
	struct timespec ts = { 0, 20000 };

	for (long i = 0; i < k; i++) {
		syscall(SYS_getpriority, PRIO_PROCESS, 0x7f000000L | t << 20 | i);
		if (i % 8 == 7) {
			sched_yield();
		}
		if (i % 64 == 63) {
			nanosleep(&ts, NULL);
		}
		if (i % 32 == 31) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(ncpu > 1 ? (i / 32) % 2 == 0 : 0, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[16];
	cpu_set_t set;
	long n;

	if (argc != 3 || (n = atol(argv[1])) < 1 || n > 16 || (k = atol(argv[2])) < 1 ||
	    k >= 1 << 20) {
		fprintf(stderr, "usage: shared_cpu THREADS(1-16) K(<2^20)\n");
		return 2;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 1;
	}
	for (long t = 0; t < n; t++) {
		if (pthread_create(&th[t], NULL, run, (void *)t)) {
			fprintf(stderr, "shared_cpu: pthread_create failed\n");
			return 1;
		}
	}
	for (long t = 0; t < n; t++) {
		pthread_join(th[t], NULL);
	}
	return 0;
}
