// SPDX-License-Identifier: MIT
/* A known rhythm for the features test: nanosleep(10 ms) 50 times (the raw
 * syscall: glibc's nanosleep() would issue clock_nanosleep). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < n; i++) {
		if (syscall(SYS_nanosleep, &ts, NULL) != 0) {
			perror("nanosleep");
			return 1;
		}
	}
	return 0;
}
