// SPDX-License-Identifier: MIT
/*
 * alloc_touch [MIB [MS [CHILD_MIB]]]: a known memory footprint for /proc
 * sample tests. Allocates MIB MiB (default 96) and writes to every page, so
 * VmRSS, VmHWM and VmPeak all reach it; then, for MS milliseconds (default
 * 400), writes 4 KiB to /dev/null every 10 ms so the io and context-switch
 * counters move while the samples are taken. With CHILD_MIB, a forked child
 * does the same with CHILD_MIB MiB, at the same time. Exits 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int work(long mib, long ms)
{
	size_t size = (size_t)mib << 20;
	char block[4096];
	char *buf = malloc(size ? size : 1);
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (!buf || fd < 0) {
		perror("alloc_touch");
		return 1;
	}
	/* One write per page: the pages must really be there, not just mapped. */
	for (size_t i = 0; i < size; i += 4096) {
		buf[i] = (char)(i >> 12);
	}
	memset(block, 'a', sizeof(block));
	for (long t = 0; t < ms; t += 10) {
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			perror("alloc_touch: write");
			return 1;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	close(fd);
	/* Keep the buffer live until here so the compiler cannot drop it. */
	int sum = 0;

	for (size_t i = 0; i < size; i += 1 << 20) {
		sum += buf[i];
	}
	free(buf);
	return sum == -1; /* never: only uses sum */
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 96;
	long ms = argc > 2 ? atol(argv[2]) : 400;
	long child_mib = argc > 3 ? atol(argv[3]) : 0;
	pid_t pid = -1;
	int rc, status;

	if (child_mib > 0) {
		pid = fork();
		if (pid < 0) {
			perror("alloc_touch: fork");
			return 1;
		}
		if (pid == 0) {
			_exit(work(child_mib, ms));
		}
	}
	rc = work(mib, ms);
	if (pid > 0) {
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
			rc = 1;
		}
	}
	return rc;
}
