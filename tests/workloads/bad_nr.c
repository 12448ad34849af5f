// SPDX-License-Identifier: MIT
/*
 * bad_nr K: K calls of syscall number 1000 (in no table) and K of x32
 * getpid (0x40000000 | 39; ENOSYS where the x32 ABI is off), then one
 * getpid. Exits 1 if an unknown number did not fail with ENOSYS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long k = argc == 2 ? atol(argv[1]) : 0;

	if (k < 1) {
		fprintf(stderr, "usage: bad_nr K\n");
		return 2;
	}
	for (long i = 0; i < k; i++) {
		if (syscall(1000) != -1 || errno != ENOSYS) {
			fprintf(stderr, "bad_nr: syscall 1000 did not fail with ENOSYS\n");
			return 1;
		}
		syscall(0x40000000L | 39);
	}
	syscall(SYS_getpid);
	return 0;
}
