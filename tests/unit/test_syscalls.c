// SPDX-License-Identifier: MIT
/*
 * Syscall, errno and signal tables generated from formats/syscalls/.
 * x86_64 numbers are checked against the system's own <asm/unistd_64.h>;
 * i386 and aarch64 against numbers copied from unistd_32.h and
 * asm-generic/unistd.h (the two cannot be included in one file).
 */
#include <string.h>
#include <asm/unistd_64.h>

#include "tap.h"
#include "sysrec.h"

struct nr_case {
	const char *name;
	uint32_t nr;
};

static void check_numbers(enum sr_abi abi, const struct nr_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct sr_syscall_info *by_name = sr_syscall_by_name(abi, c[i].name);
		const struct sr_syscall_info *by_nr = sr_syscall_by_nr(abi, c[i].nr);

		tap_ok(by_name && by_name->nr == c[i].nr && by_nr && !strcmp(by_nr->name, c[i].name),
		       "%s %s <-> %u", sr_abi_name(abi), c[i].name, c[i].nr);
	}
}

#define X(n) { #n, __NR_##n }
static const struct nr_case x86_64_cases[] = {
	X(read), X(write), X(open), X(close), X(stat), X(fstat), X(mmap), X(brk),
	X(rt_sigaction), X(ioctl), X(access), X(pipe), X(select), X(getpid), X(socket),
	X(connect), X(accept), X(clone), X(fork), X(vfork), X(execve), X(exit), X(wait4),
	X(kill), X(fcntl), X(getppid), X(arch_prctl), X(gettid), X(futex), X(exit_group),
	X(openat), X(newfstatat), X(unlinkat), X(renameat2), X(execveat), X(statx),
	X(clone3), X(openat2), X(faccessat2), X(set_mempolicy_home_node),
};
#undef X

static const struct nr_case i386_cases[] = {
	{ "restart_syscall", 0 }, { "exit", 1 }, { "fork", 2 }, { "read", 3 }, { "write", 4 },
	{ "open", 5 }, { "close", 6 }, { "waitpid", 7 }, { "execve", 11 }, { "getpid", 20 },
	{ "kill", 37 }, { "brk", 45 }, { "ioctl", 54 }, { "getppid", 64 }, { "old_select", 82 },
	{ "old_mmap", 90 }, { "munmap", 91 }, { "socketcall", 102 }, { "ipc", 117 },
	{ "clone", 120 }, { "_llseek", 140 }, { "_newselect", 142 }, { "rt_sigaction", 174 },
	{ "mmap2", 192 }, { "stat64", 195 }, { "lstat64", 196 }, { "fstat64", 197 },
	{ "getuid32", 199 }, { "fcntl64", 221 }, { "gettid", 224 }, { "futex", 240 },
	{ "set_thread_area", 243 }, { "exit_group", 252 }, { "openat", 295 },
	{ "fstatat64", 300 }, { "socket", 359 }, { "connect", 362 }, { "statx", 383 },
	{ "clock_gettime64", 403 }, { "clone3", 435 }, { "cachestat", 451 },
};

static const struct nr_case aarch64_cases[] = {
	{ "io_setup", 0 }, { "getcwd", 17 }, { "dup", 23 }, { "fcntl", 25 }, { "ioctl", 29 },
	{ "mkdirat", 34 }, { "unlinkat", 35 }, { "renameat", 38 }, { "statfs", 43 },
	{ "truncate", 45 }, { "faccessat", 48 }, { "openat", 56 }, { "close", 57 },
	{ "pipe2", 59 }, { "getdents64", 61 }, { "lseek", 62 }, { "read", 63 }, { "write", 64 },
	{ "sendfile", 71 }, { "pselect6", 72 }, { "readlinkat", 78 }, { "newfstatat", 79 },
	{ "fstat", 80 }, { "exit", 93 }, { "exit_group", 94 }, { "futex", 98 }, { "kill", 129 },
	{ "rt_sigaction", 134 }, { "getrlimit", 163 }, { "getpid", 172 }, { "getppid", 173 },
	{ "gettid", 178 }, { "socket", 198 }, { "connect", 203 }, { "brk", 214 },
	{ "munmap", 215 }, { "clone", 220 }, { "execve", 221 }, { "mmap", 222 },
	{ "fadvise64", 223 }, { "mprotect", 226 }, { "wait4", 260 }, { "renameat2", 276 },
	{ "execveat", 281 }, { "statx", 291 }, { "clone3", 435 }, { "memfd_secret", 447 },
	{ "file_setattr", 469 },
};

static void check_round_trip(enum sr_abi abi)
{
	uint32_t nr, count = sr_syscall_count(abi), named = 0, bad = 0;

	for (nr = 0; nr < count; nr++) {
		const struct sr_syscall_info *a = sr_syscall_by_nr(abi, nr), *b;

		if (!a) {
			continue;
		}
		named++;
		b = a->name ? sr_syscall_by_name(abi, a->name) : NULL;
		if (a->nr != nr || b != a || a->nargs > 6) {
			bad++;
			tap_diag("%s: %u does not round-trip", sr_abi_name(abi), nr);
		}
	}
	tap_ok(named > 300 && bad == 0, "%s: all %u named entries round-trip name->nr->name",
	       sr_abi_name(abi), named);
	tap_ok(sr_syscall_by_nr(abi, count) == NULL, "%s: nothing at count %u", sr_abi_name(abi),
	       count);
}

static int kinds_are(const struct sr_syscall_info *i, int n, const uint8_t *k)
{
	return i && i->nargs == n && !memcmp(i->arg, k, (size_t)n);
}

int main(void)
{
	const struct sr_syscall_info *i;

	check_numbers(SR_ABI_X86_64, x86_64_cases, sizeof(x86_64_cases) / sizeof(x86_64_cases[0]));
	check_numbers(SR_ABI_I386, i386_cases, sizeof(i386_cases) / sizeof(i386_cases[0]));
	check_numbers(SR_ABI_AARCH64, aarch64_cases,
		      sizeof(aarch64_cases) / sizeof(aarch64_cases[0]));

	tap_ok(!sr_syscall_by_name(SR_ABI_AARCH64, "open"), "aarch64 has no open");
	tap_ok(!sr_syscall_by_name(SR_ABI_AARCH64, "fork"), "aarch64 has no fork");
	tap_ok(!sr_syscall_by_name(SR_ABI_AARCH64, "fstatat"), "aarch64 names 79 newfstatat");
	tap_ok(!sr_syscall_by_name(SR_ABI_I386, "mmap"), "i386 90 is old_mmap, not mmap");
	tap_ok(!sr_syscall_by_nr(SR_ABI_X86_64, 400), "x86_64 400 is unassigned");
	tap_ok(!sr_syscall_by_name(SR_ABI_X86_64, "no_such_call"), "unknown name -> NULL");
	tap_ok(!sr_syscall_by_nr(SR_ABI_UNKNOWN, 0) && sr_syscall_count(SR_ABI_UNKNOWN) == 0,
	       "unknown ABI has no table");
	TAP_EQ_U64(sr_syscall_count(SR_ABI_X86_64), 470, "x86_64 count");
	TAP_EQ_U64(sr_syscall_count(SR_ABI_I386), 470, "i386 count");
	TAP_EQ_U64(sr_syscall_count(SR_ABI_AARCH64), 470, "aarch64 count");

	check_round_trip(SR_ABI_X86_64);
	check_round_trip(SR_ABI_I386);
	check_round_trip(SR_ABI_AARCH64);

	/* classes */
	i = sr_syscall_by_name(SR_ABI_X86_64, "openat");
	tap_ok(i && i->classes == (SR_CLASS_FILE | SR_CLASS_DESC), "openat is file+desc");
	i = sr_syscall_by_name(SR_ABI_X86_64, "connect");
	tap_ok(i && (i->classes & SR_CLASS_NET), "connect is net");
	i = sr_syscall_by_name(SR_ABI_X86_64, "clone");
	tap_ok(i && (i->classes & SR_CLASS_PROCESS), "clone is process");
	i = sr_syscall_by_name(SR_ABI_X86_64, "mmap");
	tap_ok(i && (i->classes & SR_CLASS_MEMORY), "mmap is memory");
	i = sr_syscall_by_name(SR_ABI_X86_64, "kill");
	tap_ok(i && (i->classes & SR_CLASS_SIGNAL), "kill is signal");
	i = sr_syscall_by_name(SR_ABI_X86_64, "read");
	tap_ok(i && i->classes == SR_CLASS_DESC, "read is desc only");
	i = sr_syscall_by_name(SR_ABI_X86_64, "shmget");
	tap_ok(i && i->classes == SR_CLASS_IPC, "shmget is ipc");
	i = sr_syscall_by_name(SR_ABI_X86_64, "getpid");
	tap_ok(i && i->classes == 0 && i->nargs == 0, "getpid has no class, no args");

	/* argument kinds */
	{
		static const uint8_t openat_k[] = { SR_ARG_FD, SR_ARG_PATH, SR_ARG_OPEN_FLAGS,
						    SR_ARG_MODE };
		static const uint8_t execve_k[] = { SR_ARG_PATH, SR_ARG_ARGV, SR_ARG_ARGV };
		static const uint8_t mmap_k[] = { SR_ARG_HEX, SR_ARG_UINT, SR_ARG_PROT,
						  SR_ARG_MMAP_FLAGS, SR_ARG_FD, SR_ARG_INT };
		static const uint8_t rename_k[] = { SR_ARG_PATH, SR_ARG_PATH };
		static const uint8_t renameat2_k[] = { SR_ARG_FD, SR_ARG_PATH, SR_ARG_FD,
						       SR_ARG_PATH, SR_ARG_UINT };
		static const uint8_t symlinkat_k[] = { SR_ARG_PATH, SR_ARG_FD, SR_ARG_PATH };
		static const uint8_t fanotify_k[] = { SR_ARG_FD, SR_ARG_HEX, SR_ARG_HEX, SR_ARG_FD,
						      SR_ARG_PATH };
		static const uint8_t socket_k[] = { SR_ARG_AF, SR_ARG_SOCKTYPE, SR_ARG_INT };
		static const uint8_t clone_k[] = { SR_ARG_CLONE_FLAGS, SR_ARG_HEX, SR_ARG_HEX,
						   SR_ARG_HEX, SR_ARG_HEX };

		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_X86_64, "openat"), 4, openat_k),
		       "openat(fd, path, open_flags, mode)");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_AARCH64, "execve"), 3, execve_k),
		       "execve(path, argv, argv)");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_X86_64, "mmap"), 6, mmap_k),
		       "mmap(hex, uint, prot, mmap_flags, fd, int)");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_I386, "rename"), 2, rename_k),
		       "rename(path, path)");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_X86_64, "renameat2"), 5, renameat2_k),
		       "renameat2(fd, path, fd, path, uint)");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_X86_64, "symlinkat"), 3, symlinkat_k),
		       "symlinkat(path, fd, path)");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_X86_64, "fanotify_mark"), 5, fanotify_k),
		       "fanotify_mark path is argument 4");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_X86_64, "socket"), 3, socket_k),
		       "socket(af, socktype, int)");
		tap_ok(kinds_are(sr_syscall_by_name(SR_ABI_X86_64, "clone"), 5, clone_k),
		       "clone(clone_flags, ...)");
		i = sr_syscall_by_name(SR_ABI_X86_64, "statx");
		tap_ok(i && i->arg[1] == SR_ARG_PATH && i->arg[0] == SR_ARG_FD, "statx path is 1");
		i = sr_syscall_by_name(SR_ABI_X86_64, "linkat");
		tap_ok(i && i->arg[1] == SR_ARG_PATH && i->arg[3] == SR_ARG_PATH, "linkat paths 1,3");
		i = sr_syscall_by_name(SR_ABI_X86_64, "mount");
		tap_ok(i && i->arg[0] == SR_ARG_PATH && i->arg[1] == SR_ARG_PATH, "mount paths 0,1");
		i = sr_syscall_by_name(SR_ABI_X86_64, "inotify_add_watch");
		tap_ok(i && i->arg[1] == SR_ARG_PATH, "inotify_add_watch path 1");
		i = sr_syscall_by_name(SR_ABI_X86_64, "lseek");
		tap_ok(i && i->nargs == 3 && i->arg[2] == SR_ARG_WHENCE, "lseek whence");
	}

	/* every x86_64 syscall with a path argument is in %file */
	{
		uint32_t nr, bad = 0;

		for (nr = 0; nr < sr_syscall_count(SR_ABI_X86_64); nr++) {
			const struct sr_syscall_info *s = sr_syscall_by_nr(SR_ABI_X86_64, nr);
			int k, has_path = 0;

			for (k = 0; s && k < s->nargs; k++) {
				has_path |= s->arg[k] == SR_ARG_PATH;
			}
			if (has_path && !(s->classes & SR_CLASS_FILE)) {
				tap_diag("%s takes a path but is not %%file", s->name);
				bad++;
			}
		}
		tap_ok(bad == 0, "every syscall taking a path is %%file");
	}

	/* classes by name */
	TAP_EQ_U64(sr_class_from_name("file"), SR_CLASS_FILE, "class 'file'");
	TAP_EQ_U64(sr_class_from_name("%file"), SR_CLASS_FILE, "class '%file'");
	TAP_EQ_U64(sr_class_from_name("%net"), SR_CLASS_NET, "class '%net'");
	TAP_EQ_U64(sr_class_from_name("process"), SR_CLASS_PROCESS, "class 'process'");
	TAP_EQ_U64(sr_class_from_name("%memory"), SR_CLASS_MEMORY, "class '%memory'");
	TAP_EQ_U64(sr_class_from_name("ipc"), SR_CLASS_IPC, "class 'ipc'");
	TAP_EQ_U64(sr_class_from_name("%signal"), SR_CLASS_SIGNAL, "class '%signal'");
	TAP_EQ_U64(sr_class_from_name("desc"), SR_CLASS_DESC, "class 'desc'");
	TAP_EQ_U64(sr_class_from_name("%bogus"), 0, "unknown class");
	TAP_EQ_U64(sr_class_from_name("%"), 0, "bare %");
	tap_ok(!strcmp(sr_class_name(SR_CLASS_MEMORY), "memory"), "class name memory");
	tap_ok(sr_class_name(SR_CLASS_FILE | SR_CLASS_NET) == NULL, "two bits have no name");

	/* errno */
	tap_ok(!strcmp(sr_errno_name(2), "ENOENT"), "errno 2 ENOENT");
	tap_ok(!strcmp(sr_errno_text(2), "No such file or directory"), "errno 2 text");
	tap_ok(!strcmp(sr_errno_name(11), "EAGAIN"), "errno 11 EAGAIN");
	tap_ok(!strcmp(sr_errno_text(13), "Permission denied"), "errno 13 text");
	tap_ok(!strcmp(sr_errno_name(38), "ENOSYS"), "errno 38 ENOSYS");
	tap_ok(!strcmp(sr_errno_name(133), "EHWPOISON"), "errno 133 EHWPOISON");
	tap_ok(!strcmp(sr_errno_name(512), "ERESTARTSYS"), "errno 512 ERESTARTSYS");
	tap_ok(!sr_errno_name(0) && !sr_errno_name(-2) && !sr_errno_name(200) &&
	       !sr_errno_text(4096), "no name for 0, -2, 200, 4096");
	TAP_EQ_U64(sr_errno_by_name("ENOENT"), 2, "ENOENT by name");
	TAP_EQ_U64(sr_errno_by_name("EWOULDBLOCK"), 11, "EWOULDBLOCK alias");
	TAP_EQ_U64(sr_errno_by_name("ENOTSUP"), 95, "ENOTSUP alias");
	TAP_EQ_U64(sr_errno_by_name("ENOPE"), 0, "unknown errno name");

	/* signals */
	tap_ok(!strcmp(sr_signal_name(9), "SIGKILL"), "signal 9 SIGKILL");
	tap_ok(!strcmp(sr_signal_name(17), "SIGCHLD"), "signal 17 SIGCHLD");
	tap_ok(!strcmp(sr_signal_name(31), "SIGSYS"), "signal 31 SIGSYS");
	tap_ok(!strcmp(sr_signal_name(32), "SIGRTMIN"), "signal 32 SIGRTMIN");
	tap_ok(!strcmp(sr_signal_name(34), "SIGRTMIN+2"), "signal 34 SIGRTMIN+2");
	tap_ok(!strcmp(sr_signal_name(64), "SIGRTMAX"), "signal 64 SIGRTMAX");
	tap_ok(!sr_signal_name(0) && !sr_signal_name(65), "no signal 0 or 65");
	TAP_EQ_U64(sr_signal_by_name("SIGTERM"), 15, "SIGTERM by name");
	TAP_EQ_U64(sr_signal_by_name("term"), 15, "'term' by name");
	TAP_EQ_U64(sr_signal_by_name("SIGIOT"), 6, "SIGIOT alias");
	TAP_EQ_U64(sr_signal_by_name("SIGRTMIN+2"), 34, "SIGRTMIN+2 by name");
	TAP_EQ_U64(sr_signal_by_name("9"), 9, "'9' by name");
	TAP_EQ_U64(sr_signal_by_name("SIGNOPE"), 0, "unknown signal");

	/* ABIs */
	tap_ok(sr_abi_from_name("x86_64") == SR_ABI_X86_64 && sr_abi_from_name("i386") == SR_ABI_I386 &&
	       sr_abi_from_name("aarch64") == SR_ABI_AARCH64 && sr_abi_from_name("") == SR_ABI_UNKNOWN &&
	       sr_abi_from_name(NULL) == SR_ABI_UNKNOWN, "abi from name");
	tap_ok(!strcmp(sr_abi_name(SR_ABI_I386), "i386") && !strcmp(sr_abi_name(SR_ABI_UNKNOWN), ""),
	       "abi names");
#if defined(__x86_64__)
	tap_ok(sr_abi_native() == SR_ABI_X86_64, "native ABI is x86_64");
#elif defined(__aarch64__)
	tap_ok(sr_abi_native() == SR_ABI_AARCH64, "native ABI is aarch64");
#endif
	return tap_done();
}
