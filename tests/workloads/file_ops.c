// SPDX-License-Identifier: MIT
/*
 * file_ops DIR [N]: known file syscalls with known paths and known failures,
 * for path capture, --syscall/--failed filters and per-syscall counts.
 * Raw syscalls (no libc wrapper choosing another one). In DIR, for i in
 * 0..N-1 (default 10):
 *   openat(AT_FDCWD, "DIR/f<i>", O_CREAT|O_WRONLY|O_TRUNC, 0600)  -> fd
 *   write(fd, 100 bytes)                                            -> 100
 *   close(fd)                                                       -> 0
 *   newfstatat(AT_FDCWD, "DIR/f<i>", &st, 0)                        -> 0
 *   renameat2(AT_FDCWD, "DIR/f<i>", AT_FDCWD, "DIR/g<i>", 0)        -> 0
 *   openat(AT_FDCWD, "DIR/missing<i>", O_RDONLY)                    -> -ENOENT
 *   unlinkat(AT_FDCWD, "DIR/g<i>", 0)                               -> 0
 * then once: mkdirat(AT_FDCWD, "DIR/d", 0700) -> 0, mkdirat again -> -EEXIST,
 * unlinkat(AT_FDCWD, "DIR/d", AT_REMOVEDIR) -> 0.
 * Totals: openat 2N (N fail ENOENT), write N, close N, newfstatat N,
 * renameat2 N, unlinkat N+1, mkdirat 2 (1 fails EEXIST). Exits 0 when every
 * result was the expected one, 1 otherwise (saying which on stderr).
 * These are the calls main() makes; the dynamic loader adds its own before
 * it (openat/newfstatat/close of ld.so.cache and libc), as strace -c shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;

static void expect(long got, long want, const char *what, const char *path)
{
	if (got != want) {
		fprintf(stderr, "file_ops: %s %s: got %ld, expected %ld\n", what, path, got, want);
		failures++;
	}
}

/* Raw syscall results as the kernel returns them: -errno on failure. */
static long sys(long nr, long a, long b, long c, long d, long e)
{
	long r = syscall(nr, a, b, c, d, e);

	return r == -1 ? -errno : r;
}

int main(int argc, char **argv)
{
	char f[PATH_MAX], g[PATH_MAX], m[PATH_MAX];
	char data[100];
	struct stat st;
	int n;

	if (argc < 2) {
		fprintf(stderr, "usage: file_ops DIR [N]\n");
		return 2;
	}
	n = argc > 2 ? atoi(argv[2]) : 10;
	memset(data, 'x', sizeof(data));
	for (int i = 0; i < n; i++) {
		snprintf(f, sizeof(f), "%s/f%d", argv[1], i);
		snprintf(g, sizeof(g), "%s/g%d", argv[1], i);
		snprintf(m, sizeof(m), "%s/missing%d", argv[1], i);
		long fd = sys(SYS_openat, AT_FDCWD, (long)f, O_CREAT | O_WRONLY | O_TRUNC, 0600, 0);

		if (fd < 0) {
			expect(fd, 0, "openat", f);
			continue;
		}
		expect(sys(SYS_write, fd, (long)data, sizeof(data), 0, 0), 100, "write", f);
		expect(sys(SYS_close, fd, 0, 0, 0, 0), 0, "close", f);
		expect(sys(SYS_newfstatat, AT_FDCWD, (long)f, (long)&st, 0, 0), 0, "newfstatat", f);
		expect(sys(SYS_renameat2, AT_FDCWD, (long)f, AT_FDCWD, (long)g, 0), 0, "renameat2", f);
		expect(sys(SYS_openat, AT_FDCWD, (long)m, O_RDONLY, 0, 0), -ENOENT, "openat", m);
		expect(sys(SYS_unlinkat, AT_FDCWD, (long)g, 0, 0, 0), 0, "unlinkat", g);
	}
	snprintf(f, sizeof(f), "%s/d", argv[1]);
	expect(sys(SYS_mkdirat, AT_FDCWD, (long)f, 0700, 0, 0), 0, "mkdirat", f);
	expect(sys(SYS_mkdirat, AT_FDCWD, (long)f, 0700, 0, 0), -EEXIST, "mkdirat", f);
	expect(sys(SYS_unlinkat, AT_FDCWD, (long)f, AT_REMOVEDIR, 0, 0), 0, "unlinkat", f);
	return failures ? 1 : 0;
}
