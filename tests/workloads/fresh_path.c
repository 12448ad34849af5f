// SPDX-License-Identifier: MIT
/*
 * fresh_path: open(2) of a path whose bytes sit in a page of .rodata that
 * nothing has touched yet, so the string is not paged in when the syscall
 * enters (a BPF read at sys_enter fails there; the kernel faults it in
 * during the syscall). The path is 512 KiB into a 1 MiB constant, far from
 * everything else the program reads (the kernel maps up to 64 KiB around a
 * fault), and is opened twice: the first open is the one that matters.
 * Prints nothing; exits 0 when both opens failed with ENOENT.
 *
 * fresh_path exec: execve(2) of /bin/true through a path in such a page
 * (256 KiB further on): a successful execve is recorded when the new
 * program starts, not at sys_exit. Exits as /bin/true does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define HALF (512 * 1024)

static const struct {
	char before[HALF];
	char path[64];
	char mid[HALF / 2];
	char exec_path[64];
	char after[HALF];
} blob = { .before = { 1 }, .path = "/nonexistent/sysrec-fresh-path", .mid = { 1 },
	   .exec_path = "/bin/true", .after = { 1 } };

int main(int argc, char **argv)
{
	int ok = 1;

	if (argc == 2 && !strcmp(argv[1], "exec")) {
		char *const args[] = { "true", NULL };

		execve(blob.exec_path, args, NULL);
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		int fd = open(blob.path, O_RDONLY);

		if (fd >= 0) {
			close(fd);
			ok = 0;
		} else if (errno != ENOENT) {
			ok = 0;
		}
	}
	return ok ? 0 : 1;
}
