// SPDX-License-Identifier: MIT
/*
 * getppid_loop K: exactly K getppid() syscalls (raw, no libc caching), then
 * exit 0. With -t first, prints the mean CPU ns per call to stderr
 * (thread CPU time: robust against other load on the machine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	int timing = argc > 1 && !strcmp(argv[1], "-t");
	long k = argc > 1 + timing ? atol(argv[1 + timing]) : 100000;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (long i = 0; i < k; i++) {
		syscall(SYS_getppid);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	if (timing && k > 0) {
		double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);

		fprintf(stderr, "%.1f ns/call\n", ns / k);
	}
	return 0;
}
