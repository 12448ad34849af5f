// SPDX-License-Identifier: MIT
/*
 * int80_mix K: K getpid() calls through the x86_64 syscall instruction,
 * and through int 0x80, the 32-bit (i386) ABI: K getpid (i386 number 20),
 * K getppid (64) and K open("/dev/null") (5) + close (6), the path in
 * memory below 4 GiB where a 32-bit pointer reaches it. Read as x86_64
 * numbers 20, 64, 5 and 6 would be writev, semget, fstat and lstat: a
 * recorder that does not tell the ABIs apart invents those. Prints "skip"
 * and exits 0 where int 0x80 does not exist.
 */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
static long int80(long nr, long a, long b)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
	return r;
}
#endif

int main(int argc, char **argv)
{
	long k = argc == 2 ? atol(argv[1]) : 0;

	if (k < 1) {
		fprintf(stderr, "usage: int80_mix K\n");
		return 2;
	}
#if defined(__x86_64__)
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			 -1, 0);
	long self = -1;

	if (low == MAP_FAILED) {
		perror("int80_mix: mmap MAP_32BIT");
		return 1;
	}
	strcpy(low, "/dev/null");
	for (long i = 0; i < k; i++) {
		long fd;

		if (i == 0) {
			self = syscall(SYS_getpid);
		} else {
			syscall(SYS_getpid);
		}
		if (int80(20, 0, 0) != self) {
			fprintf(stderr, "int80_mix: int 0x80 getpid did not return the pid\n");
			return 1;
		}
		int80(64, 0, 0);
		fd = int80(5, (long)low, 0);
		if (fd < 0) {
			fprintf(stderr, "int80_mix: int 0x80 open failed: %ld\n", fd);
			return 1;
		}
		int80(6, fd, 0);
	}
	return 0;
#else
	puts("skip");
	return 0;
#endif
}
