// SPDX-License-Identifier: MIT
/*
 * int80_mix K: K getpid() calls through the x86_64 syscall instruction, and
 * K getpid (i386 number 20) plus K getppid (i386 number 64) through int
 * 0x80, the 32-bit ABI. Read as x86_64 numbers, 20 and 64 would be writev
 * and semget: a recorder that does not tell the ABIs apart invents those.
 * Prints "skip" and exits 0 where int 0x80 does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long k = argc == 2 ? atol(argv[1]) : 0;

	if (k < 1) {
		fprintf(stderr, "usage: int80_mix K\n");
		return 2;
	}
#if defined(__x86_64__)
	long self = syscall(SYS_getpid);  /* the first of the K 64-bit ones */

	for (long i = 1; i < k; i++) {
		long r;

		syscall(SYS_getpid);
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		if (r != self) {
			fprintf(stderr, "int80_mix: int 0x80 getpid returned %ld\n", r);
			return 1;
		}
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(64L) : "memory");
	}
	/* the K-th of each kind */
	__asm__ volatile("int $0x80" : "=a"(self) : "a"(20L) : "memory");
	__asm__ volatile("int $0x80" : "=a"(self) : "a"(64L) : "memory");
	return 0;
#else
	puts("skip");
	return 0;
#endif
}
