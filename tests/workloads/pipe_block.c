// SPDX-License-Identifier: MIT
/*
 * pipe_block [SECONDS]: read() on an empty pipe that nobody writes, so the
 * syscall is still in flight when the recorder stops. alarm(SECONDS) ends it
 * (default 5) so a test never leaves it behind.
 */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int p[2];
	char c;

	alarm(argc > 1 ? atoi(argv[1]) : 5);
	if (pipe(p)) {
		return 1;
	}
	return read(p[0], &c, 1) < 0 ? 3 : 0;
}
