// SPDX-License-Identifier: MIT
/* getppid_loop K: exactly K getppid() syscalls (raw, no libc caching), then exit 0. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long k = argc > 1 ? atol(argv[1]) : 100000;

	for (long i = 0; i < k; i++) {
		syscall(SYS_getppid);
	}
	return 0;
}
