// SPDX-License-Identifier: MIT
/*
 * replay_workload: a single-threaded program making known syscalls a known
 * number of times, for comparing `sysrec replay --summary` of its recording
 * with `strace -c` of the same program (tests/replay/t-summary-strace.sh).
 *   200 x openat("/etc/hostname") + read + close, 50 x failing openat,
 *   1000 x getpid, 300 x write to /dev/null.
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char buf[256];
	int null = open("/dev/null", O_WRONLY);

	for (int i = 0; i < 200; i++) {
		int fd = open("/etc/hostname", O_RDONLY);
		if (fd >= 0) {
			if (read(fd, buf, sizeof(buf)) < 0) {
				return 1;
			}
			close(fd);
		}
	}
	for (int i = 0; i < 50; i++) {
		if (open("/nonexistent/sysrec-replay-test", O_RDONLY) >= 0) {
			return 1;
		}
	}
	for (int i = 0; i < 1000; i++) {
		syscall(SYS_getpid); /* glibc does not cache getpid, but be explicit */
	}
	for (int i = 0; i < 300; i++) {
		if (write(null, buf, 16) != 16) {
			return 1;
		}
	}
	close(null);
	return 0;
}
