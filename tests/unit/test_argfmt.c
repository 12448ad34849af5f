// SPDX-License-Identifier: MIT
/*
 * Argument and result formatting. Expected strings are what strace 6.1
 * printed for the same values on the development machine (x86_64), minus
 * strace's "name=" labels on clone and its decoding of struct pointers,
 * which we do not capture.
 */
#include <string.h>

#include "tap.h"
#include "sysrec.h"
#include "argfmt.h"

static char buf[1024];

static void is(const char *got, size_t len, const char *want, const char *what)
{
	int ok = !strcmp(got, want) && len == strlen(got);

	tap_ok(ok, "%s", what);
	if (!ok) {
		tap_diag("got  '%s' (len %zu)", got, len);
		tap_diag("want '%s'", want);
	}
}

/* Formats NAME(args) = ret for a call of the x86_64 table. */
static void call(const char *name, const uint64_t a[6], const char *const s[6], int64_t ret,
		 uint32_t flags, const char *want)
{
	const struct sr_syscall_info *info = sr_syscall_by_name(SR_ABI_X86_64, name);
	struct sr_syscall sc = { 0 };
	char line[1100];
	size_t n;
	int i;

	sc.nr = info ? info->nr : 9999;
	sc.has_args = true;
	sc.ret = ret;
	sc.flags = flags;
	for (i = 0; i < 6; i++) {
		sc.args[i] = a ? a[i] : 0;
		sc.str[i] = s ? s[i] : NULL;
	}
	n = argfmt_call(buf, sizeof(buf), info, name, &sc);
	memcpy(line, buf, n);
	memcpy(line + n, " = ", 4);
	argfmt_ret(line + strlen(line), sizeof(line) - strlen(line), info, &sc);
	(void)n;
	is(line, strlen(line), want, want);
}

#define A(...) ((const uint64_t[6]){ __VA_ARGS__ })
#define S(...) ((const char *const[6]){ __VA_ARGS__ })
#define NEG(x) ((uint64_t)(int64_t)(x))

int main(void)
{
	struct sr_syscall sc = { 0 };
	size_t n;

	/* whole calls, as strace prints them */
	call("openat", A(NEG(-100), 0x55d0, 02000000, 0), S(NULL, "/etc/passwd"), 3, 0,
	     "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3");
	call("openat", A(NEG(-100), 0x55d0, 01101, 0644), S(NULL, "/tmp/af/x"), 6, 0,
	     "openat(AT_FDCWD, \"/tmp/af/x\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 6");
	call("openat", A(NEG(-100), 0x55d0, 02 | 02000 | 04010000 | 0400000 | 0x40000000, 0),
	     S(NULL, "/tmp/af/y"), -2, 0,
	     "openat(AT_FDCWD, \"/tmp/af/y\", O_RDWR|O_APPEND|O_SYNC|O_NOFOLLOW|0x40000000) = "
	     "-1 ENOENT (No such file or directory)");
	call("openat", A(NEG(-100), 0x55d0, 020200002, 0600), S(NULL, "/tmp/af"), 7, 0,
	     "openat(AT_FDCWD, \"/tmp/af\", O_RDWR|O_TMPFILE, 0600) = 7");
	call("mmap", A(0, 8192, 3, 0x22, NEG(-1), 0), NULL, 0x7facc0557000, 0,
	     "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7facc0557000");
	call("mmap", A(0x7facc0392000, 1400832, 5, 0x812, 3, 0x26000), NULL, 0x7facc0392000, 0,
	     "mmap(0x7facc0392000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, "
	     "3, 155648) = 0x7facc0392000");
	call("mmap", A(0, 4096, 5, 0x108001, 3, 0), NULL, 0x7f0000000000, 0,
	     "mmap(NULL, 4096, PROT_READ|PROT_EXEC, MAP_SHARED|MAP_POPULATE|MAP_FIXED_NOREPLACE, 3, 0)"
	     " = 0x7f0000000000");
	call("mmap", A(0, 2097152, 3, 0x22 | 0x40000 | (21u << 26), NEG(-1), 0), NULL, -12, 0,
	     "mmap(NULL, 2097152, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|"
	     "21<<MAP_HUGE_SHIFT, -1, 0) = -1 ENOMEM (Cannot allocate memory)");
	call("mprotect", A(0x7facc0557000, 4096, 0), NULL, 0, 0,
	     "mprotect(0x7facc0557000, 4096, PROT_NONE) = 0");
	call("clone", A(0x1200011, 0, 0, 0x7f2a0945ba10, 0), NULL, 11990, 0,
	     "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, NULL, NULL, 0x7f2a0945ba10, NULL)"
	     " = 11990");
	call("clone", A(0x3d0f00, 0x7f00aa000000, 0x7f00aa7ff990, 0x7f00aa7ff990, 0x7f00aa7ff6c0),
	     NULL, 4242, 0,
	     "clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
	     "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, 0x7f00aa000000, 0x7f00aa7ff990, "
	     "0x7f00aa7ff990, 0x7f00aa7ff6c0) = 4242");
	call("socket", A(10, 2 | 04000 | 02000000, 0), NULL, 4, 0,
	     "socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 4");
	call("socket", A(1, 1, 0), NULL, 5, 0, "socket(AF_UNIX, SOCK_STREAM, 0) = 5");
	call("lseek", A(3, 0, 2), NULL, 1221, 0, "lseek(3, 0, SEEK_END) = 1221");
	call("mkdir", A(0x55d0, 0755), S("/tmp/af/d"), 0, 0, "mkdir(\"/tmp/af/d\", 0755) = 0");
	call("unlinkat", A(NEG(-100), 0x55d0, 0x200), S(NULL, "/tmp/af/d"), 0, 0,
	     "unlinkat(AT_FDCWD, \"/tmp/af/d\", AT_REMOVEDIR) = 0");
	call("faccessat2", A(NEG(-100), 0x55d0, 4, 0x300), S(NULL, "/tmp/af"), 0, 0,
	     "faccessat2(AT_FDCWD, \"/tmp/af\", R_OK, AT_SYMLINK_NOFOLLOW|AT_EACCESS) = 0");
	/* process, time and memory calls (strace 6.1, same values) */
	call("wait4", A(5010, 0, 0, 0), NULL, 5010, 0, "wait4(5010, NULL, 0, NULL) = 5010");
	call("wait4", A(31448, 0x7ffd99ac4ca0, 0x40000001, 0), NULL, 0, 0,
	     "wait4(31448, 0x7ffd99ac4ca0, WNOHANG|__WALL, NULL) = 0");
	call("waitid", A(1, 31448, 0x7ffd10, 0x01000004, 0), NULL, 0, 0,
	     "waitid(P_PID, 31448, 0x7ffd10, WEXITED|WNOWAIT, NULL) = 0");
	call("waitid", A(0, 0, 0x7ffd10, 0xf, 0), NULL, 0, 0,
	     "waitid(P_ALL, 0, 0x7ffd10, WNOHANG|WEXITED|WSTOPPED|WCONTINUED, NULL) = 0");
	call("wait4", A(NEG(-1), 0, 0xa, 0), NULL, 7, 0, "wait4(-1, NULL, WUNTRACED|WCONTINUED, NULL) = 7");
	call("prctl", A(15, 0x7ffd20, 0, 0, 0), NULL, 0, 0, "prctl(PR_SET_NAME, 0x7ffd20) = 0");
	call("prctl", A(38, 1, 0, 0, 0), NULL, 0, 0, "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0");
	call("prctl", A(3, 0, 0, 0, 0), NULL, 1, 0, "prctl(PR_GET_DUMPABLE) = 1");
	call("prctl", A(1, 9, 0, 0, 0), NULL, 0, 0, "prctl(PR_SET_PDEATHSIG, SIGKILL) = 0");
	call("prctl", A(29, 50000, 0, 0, 0), NULL, 0, 0, "prctl(PR_SET_TIMERSLACK, 50000) = 0");
	call("prctl", A(999, 1, 2, 3, 4), NULL, -22, 0,
	     "prctl(0x3e7 /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)");
	call("futex", A(0x7ffd99ac4ca0, 129, 1, 0, 0, 0), NULL, 0, 0,
	     "futex(0x7ffd99ac4ca0, FUTEX_WAKE_PRIVATE, 1) = 0");
	call("futex", A(0x7ffd99ac4ca0, 128, 1, 0, 0, 0), NULL, -11, 0,
	     "futex(0x7ffd99ac4ca0, FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN (Resource temporarily "
	     "unavailable)");
	call("futex", A(0x7ffd99ac4ca0, 0x80 | 0x100 | 9, 1, 0, 0, NEG(-1)), NULL, 0, 0,
	     "futex(0x7ffd99ac4ca0, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 1, NULL, NULL, -1)"
	     " = 0");
	call("clock_nanosleep", A(0, 0, 0x7ffd30, 0), NULL, 0, 0,
	     "clock_nanosleep(CLOCK_REALTIME, 0, 0x7ffd30, NULL) = 0");
	call("clock_nanosleep", A(1, 1, 0x7ffd30, 0), NULL, 0, 0,
	     "clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, 0x7ffd30, NULL) = 0");
	call("clock_gettime", A(7, 0x7ffd30), NULL, 0, 0, "clock_gettime(CLOCK_BOOTTIME, 0x7ffd30) = 0");
	call("clock_getres", A(11, 0x7ffd30), NULL, 0, 0, "clock_getres(CLOCK_TAI, 0x7ffd30) = 0");
	call("madvise", A(0x7f814f171000, 4096, 4), NULL, 0, 0,
	     "madvise(0x7f814f171000, 4096, MADV_DONTNEED) = 0");
	call("madvise", A(0x7f814f171000, 4096, 8), NULL, 0, 0,
	     "madvise(0x7f814f171000, 4096, MADV_FREE) = 0");
	call("madvise", A(0x7f814f171000, 4096, 14), NULL, 0, 0,
	     "madvise(0x7f814f171000, 4096, MADV_HUGEPAGE) = 0");
	call("madvise", A(0x7f814f171000, 4096, 99), NULL, -22, 0,
	     "madvise(0x7f814f171000, 4096, 0x63 /* MADV_??? */) = -1 EINVAL (Invalid argument)");
	call("access", A(0x55d0, 0), S("/"), 0, 0, "access(\"/\", F_OK) = 0");
	call("access", A(0x55d0, 6), S("/"), 0, 0, "access(\"/\", R_OK|W_OK) = 0");
	call("access", A(0x55d0, 9), S("/"), -22, 0,
	     "access(\"/\", X_OK|0x8) = -1 EINVAL (Invalid argument)");
	call("faccessat", A(NEG(-100), 0x55d0, 4), S(NULL, "/"), 0, 0,
	     "faccessat(AT_FDCWD, \"/\", R_OK) = 0");
	call("newfstatat", A(3, 0x55d0, 0x1000, 0x1000), S(NULL, ""), -14, 0,
	     "newfstatat(3, \"\", 0x1000, AT_EMPTY_PATH) = -1 EFAULT (Bad address)");
	call("mknodat", A(NEG(-100), 0x55d0, 010640, 0), S(NULL, "/tmp/af/fifo"), 0, 0,
	     "mknodat(AT_FDCWD, \"/tmp/af/fifo\", S_IFIFO|0640, 0) = 0");
	call("kill", A(123456789, 15), NULL, -3, 0,
	     "kill(123456789, SIGTERM) = -1 ESRCH (No such process)");
	call("umask", A(022), NULL, 022, 0, "umask(022) = 022");
	call("chmod", A(0x55d0, 04755), S("/tmp/af/x"), 0, 0, "chmod(\"/tmp/af/x\", 04755) = 0");
	call("exit_group", A(0), NULL, 0, SR_SC_NORETURN, "exit_group(0) = ?");
	call("exit", A(3), NULL, 0, SR_SC_NORETURN, "exit(3) = ?");
	/* a successful exec is recorded as not returning; strace shows "= 0" */
	call("execve", A(0x55d0, 0x7ffe10, 0x7ffe40), S("/bin/true", "/bin/true"), 0, SR_SC_NORETURN,
	     "execve(\"/bin/true\", [\"/bin/true\", ...], 0x7ffe40) = 0");
	call("execveat", A(3, 0x55d0, 0x7ffe10, 0x7ffe40, 0x1000), S(NULL, ""), 0, SR_SC_NORETURN,
	     "execveat(3, \"\", 0x7ffe10, 0x7ffe40, AT_EMPTY_PATH) = 0");
	call("execve", A(0x55d0, 0x7ffe10, 0x7ffe40), S("/bin/true"), 0,
	     SR_SC_NORETURN | SR_SC_UNFINISHED, "execve(\"/bin/true\", 0x7ffe10, 0x7ffe40) = ?");
	call("read", A(0, 0x7ffd1000, 4096), NULL, 0, SR_SC_UNFINISHED,
	     "read(0, 0x7ffd1000, 4096) = ?");
	call("brk", A(0), NULL, 0x55d2a000, 0, "brk(NULL) = 0x55d2a000");
	call("execve", A(0x55d0, 0x7ffe10, 0x7ffe40), S("/bin/true"), 0, 0,
	     "execve(\"/bin/true\", 0x7ffe10, 0x7ffe40) = 0");
	call("rename", A(0x55d0, 0x55e0), S("a\nb", "c\"d"), -18, 0,
	     "rename(\"a\\nb\", \"c\\\"d\") = -1 EXDEV (Invalid cross-device link)");
	call("getpid", NULL, NULL, 1234, 0, "getpid() = 1234");
	call("openat", A(NEG(-100), 0x55d0, 0, 0), NULL, -512, 0,
	     "openat(AT_FDCWD, 0x55d0, O_RDONLY) = -1 ERESTARTSYS (Interrupted system call, "
	     "restarted if SA_RESTART is set)");
	call("close", A(3), NULL, -4000, 0, "close(3) = -1 ERRNO_4000 (Unknown error 4000)");

	/* unknown syscall, no info: six hex arguments */
	sc.nr = 999;
	sc.has_args = true;
	sc.args[0] = 1;
	sc.args[1] = 0x10;
	n = argfmt_call(buf, sizeof(buf), NULL, "syscall_999", &sc);
	is(buf, n, "syscall_999(0x1, 0x10, 0, 0, 0, 0)", "unknown syscall: 6 hex args");
	sc.has_args = false;
	n = argfmt_call(buf, sizeof(buf), NULL, NULL, &sc);
	is(buf, n, "syscall_999(...)", "no name, no args");
	n = argfmt_call(buf, sizeof(buf), sr_syscall_by_name(SR_ABI_X86_64, "openat"), NULL, &sc);
	is(buf, n, "openat(...)", "recorded without args");
	n = argfmt_call(buf, sizeof(buf), sr_syscall_by_name(SR_ABI_X86_64, "getppid"), NULL, &sc);
	is(buf, n, "getppid()", "no args to show");

	/* flag sets on their own */
	n = argfmt_open_flags(buf, sizeof(buf), 0);
	is(buf, n, "O_RDONLY", "open flags 0");
	n = argfmt_open_flags(buf, sizeof(buf), 03 | 0200 | 0400 | 040000 | 0100000 | 01000000);
	is(buf, n, "O_ACCMODE|O_EXCL|O_NOCTTY|O_DIRECT|O_LARGEFILE|O_NOATIME", "open flags misc");
	n = argfmt_open_flags(buf, sizeof(buf), 010000 | 020000 | 04000 | 0200000 | 010000000);
	is(buf, n, "O_RDONLY|O_NONBLOCK|O_DSYNC|O_ASYNC|O_DIRECTORY|O_PATH", "O_DSYNC alone");
	n = argfmt_mmap_prot(buf, sizeof(buf), 7 | 0x01000000 | 0x100);
	is(buf, n, "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_GROWSDOWN|0x100", "prot with leftover");
	n = argfmt_mmap_flags(buf, sizeof(buf), 0x3 | 0x20000 | 0x100);
	is(buf, n, "MAP_SHARED_VALIDATE|MAP_GROWSDOWN|MAP_STACK", "mmap flags");
	n = argfmt_mmap_flags(buf, sizeof(buf), 0);
	is(buf, n, "0", "mmap flags 0");
	n = argfmt_clone_flags(buf, sizeof(buf), 0x4111);
	is(buf, n, "CLONE_VM|CLONE_VFORK|SIGCHLD", "vfork flags");
	n = argfmt_clone_flags(buf, sizeof(buf), 0x20000 | 0x10000000 | 0x40000000);
	is(buf, n, "CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWNET", "unshare flags");
	n = argfmt_clone_flags(buf, sizeof(buf), 0);
	is(buf, n, "0", "clone flags 0");
	n = argfmt_signal(buf, sizeof(buf), 9);
	is(buf, n, "SIGKILL", "signal 9");
	n = argfmt_signal(buf, sizeof(buf), 40);
	is(buf, n, "SIGRTMIN+8", "signal 40");
	n = argfmt_signal(buf, sizeof(buf), 0);
	is(buf, n, "0", "signal 0");
	n = argfmt_signal(buf, sizeof(buf), 99);
	is(buf, n, "99", "signal 99");

	/* single arguments */
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_FD, 0xffffffffffffff9cull, NULL);
	is(buf, n, "AT_FDCWD", "fd -100 is AT_FDCWD");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_FD, 0xffffffffull, NULL);
	is(buf, n, "-1", "fd with a zero upper half");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_AF, 16, NULL);
	is(buf, n, "AF_NETLINK", "AF_NETLINK");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_AF, 200, NULL);
	is(buf, n, "200", "unknown family");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_SOCKTYPE, 3 | 0x100000, NULL);
	is(buf, n, "SOCK_RAW|0x100000", "socket type leftover");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_WHENCE, 4, NULL);
	is(buf, n, "SEEK_HOLE", "SEEK_HOLE");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_AT_FLAGS, 0, NULL);
	is(buf, n, "0", "at flags 0");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_AT_FLAGS, 0x1100, NULL);
	is(buf, n, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH", "at flags");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_MODE, 0, NULL);
	is(buf, n, "000", "mode 0");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_ARGV, 0x7ffe10, NULL);
	is(buf, n, "0x7ffe10", "argv without strings");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_PATH, 0, NULL);
	is(buf, n, "NULL", "NULL path");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_INT, NEG(-5), NULL);
	is(buf, n, "-5", "negative int");
	n = argfmt_arg(buf, sizeof(buf), SR_ARG_UINT, NEG(-1), NULL);
	is(buf, n, "18446744073709551615", "uint");

	/* quoting and cutting */
	n = argfmt_quote(buf, sizeof(buf), "tab\there\\ \x01\x7f\xc3\xa9", 0);
	is(buf, n, "\"tab\\there\\\\ \\x01\\x7f\\xc3\\xa9\"", "escapes");
	n = argfmt_quote(buf, sizeof(buf), "abcdefgh", 4);
	is(buf, n, "\"abcd\"...", "cut after 4");
	n = argfmt_quote(buf, sizeof(buf), "abcd", 4);
	is(buf, n, "\"abcd\"", "exactly 4: no dots");
	n = argfmt_quote(buf, 6, "abcdefgh", 0);
	is(buf, n, "\"abcd", "small buffer: cut, NUL-terminated");
	n = argfmt_open_flags(buf, 9, 02000000 | 1);
	is(buf, n, "O_WRONLY", "small buffer for flags");
	n = argfmt_open_flags(buf, 0, 1);
	tap_ok(n == 0, "zero-size buffer writes nothing");

	return tap_done();
}
