// SPDX-License-Identifier: MIT
/*
 * syscall_mix N: a deterministic single-threaded mix of file, memory, pipe
 * and process syscalls, N rounds, for comparing per-syscall counts with
 * strace -f -c. Each round: openat+read+close of /proc/self/stat, a failing
 * openat (ENOENT), newfstatat, getpid, write to /dev/null, pipe2 + 2 close,
 * mmap + munmap, and a path-taking access().
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	int null = open("/dev/null", O_WRONLY);
	char buf[512];
	struct stat st;

	for (int i = 0; i < n; i++) {
		int fd = open("/proc/self/stat", O_RDONLY);
		int p[2];
		void *m;

		if (fd >= 0) {
			if (read(fd, buf, sizeof(buf)) < 0) {
				return 1;
			}
			close(fd);
		}
		if (open("/nonexistent/sysrec-test", O_RDONLY) >= 0) {
			return 1;
		}
		stat("/etc", &st);
		syscall(SYS_getpid);
		if (write(null, "x", 1) != 1) {
			return 1;
		}
		if (pipe2(p, O_CLOEXEC) == 0) {
			close(p[0]);
			close(p[1]);
		}
		m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			munmap(m, 8192);
		}
		access("/etc/passwd", R_OK);
	}
	return 0;
}
