// SPDX-License-Identifier: MIT
/*
 * cmp_workload K SLEEP: the workload of the analyze compare tests. It makes
 * K rounds of openat + read + close on a small file; with SLEEP=1 it sleeps
 * 1 ms (clock_nanosleep) before each read. So K versus 2K changes the openat
 * count by exactly K, and SLEEP adds a syscall BASE never made.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 100;
	int sleep_ms = argc > 2 ? atoi(argv[2]) : 0;
	char path[64], buf[256];
	struct timespec ms = { 0, 1000000 };

	snprintf(path, sizeof(path), "/tmp/sysrec-cmpwl-%d", (int)getpid());
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "0123456789abcdef\n", 17) != 17) {
		perror(path);
		return 1;
	}
	close(fd);
	for (int i = 0; i < k; i++) {
		fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		if (sleep_ms) {
			clock_nanosleep(CLOCK_MONOTONIC, 0, &ms, NULL);
		}
		if (read(fd, buf, sizeof(buf)) < 0) {
			perror("read");
		}
		close(fd);
	}
	unlink(path);
	return 0;
}
