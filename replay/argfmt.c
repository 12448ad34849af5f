// SPDX-License-Identifier: MIT
/*
 * strace-like rendering of syscall arguments and results.
 *
 * The flag values below are written out from the Linux UAPI headers on
 * purpose instead of taken from <fcntl.h> and friends: a trace is decoded on
 * whatever host replays it, and libc headers differ from the kernel's (glibc
 * defines O_LARGEFILE as 0 on x86_64, hides O_TMPFILE's parts, ...).
 * Values are those of x86_64/i386 and asm-generic. aarch64 differs only in
 * O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT 0200000 and O_LARGEFILE
 * 0400000; the API carries no ABI, so an aarch64 trace shows those four
 * under their x86 names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "argfmt.h"

/* Bounded appender: keeps writing what fits, always NUL-terminated. */
struct out {
	char *buf;
	size_t n;
	size_t len;
};

static void out_init(struct out *o, char *buf, size_t n)
{
	o->buf = buf;
	o->n = n;
	o->len = 0;
	if (n > 0) {
		buf[0] = '\0';
	}
}

static void out_putc(struct out *o, char c)
{
	if (o->len + 1 < o->n) {
		o->buf[o->len++] = c;
		o->buf[o->len] = '\0';
	}
}

static void out_puts(struct out *o, const char *s)
{
	while (*s) {
		out_putc(o, *s++);
	}
}

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(struct out *o, const char *fmt, ...)
{
	char tmp[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	out_puts(o, tmp);
}

struct flag_name {
	uint64_t bit;
	const char *name;
};

#define NFLAGS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Appends the names of the bits of *V found in TAB (in table order),
 * separated by '|', clearing them from *V. Returns how many were printed so
 * far (FIRST counts earlier items).
 */
static int put_flags(struct out *o, uint64_t *v, const struct flag_name *tab, size_t n, int first)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tab[i].bit && (*v & tab[i].bit) == tab[i].bit) {
			if (first++) {
				out_putc(o, '|');
			}
			out_puts(o, tab[i].name);
			*v &= ~tab[i].bit;
		}
	}
	return first;
}

/* Leftover bits in hex; "0" when nothing at all was printed. */
static void put_rest(struct out *o, uint64_t v, int printed)
{
	if (v) {
		out_printf(o, "%s%#llx", printed ? "|" : "", (unsigned long long)v);
	} else if (!printed) {
		out_putc(o, '0');
	}
}

/*
 * Names of the bits of V found in TAB, then what is left in hex. Kept as
 * two statements on purpose: put_flags() clears bits of the value it is
 * given, and handing that value to put_rest() in the same call expression
 * would read it before or after the clearing depending on the compiler
 * (clang printed "O_RDONLY|O_CLOEXEC|0x80000").
 */
static void put_flag_set(struct out *o, uint64_t v, const struct flag_name *tab, size_t n,
			 int first)
{
	int printed = put_flags(o, &v, tab, n, first);

	put_rest(o, v, printed);
}

/* ---- strings ---- */

static void put_quoted(struct out *o, const char *s, size_t maxlen)
{
	size_t i;

	out_putc(o, '"');
	for (i = 0; s[i] && (maxlen == 0 || i < maxlen); i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\n':
			out_puts(o, "\\n");
			break;
		case '\t':
			out_puts(o, "\\t");
			break;
		case '\r':
			out_puts(o, "\\r");
			break;
		case '\\':
			out_puts(o, "\\\\");
			break;
		case '"':
			out_puts(o, "\\\"");
			break;
		default:
			if (c < 0x20 || c >= 0x7f) {
				out_printf(o, "\\x%02x", c);
			} else {
				out_putc(o, (char)c);
			}
		}
	}
	out_putc(o, '"');
	if (s[i]) {
		out_puts(o, "...");
	}
}

size_t argfmt_quote(char *buf, size_t n, const char *s, size_t maxlen)
{
	struct out o;

	out_init(&o, buf, n);
	if (!s) {
		out_puts(&o, "NULL");
	} else {
		put_quoted(&o, s, maxlen);
	}
	return o.len;
}

/* ---- flag sets ---- */

#define SR_O_ACCMODE 03u
#define SR_O_CREAT 0100u
#define SR_O_TMPFILE_BIT 020000000u
#define SR_O_DSYNC 010000u
#define SR_O_DIRECTORY 0200000u
#define SR_O_SYNC (04000000u | SR_O_DSYNC)
#define SR_O_TMPFILE (SR_O_TMPFILE_BIT | SR_O_DIRECTORY)

static const struct flag_name open_flag_names[] = {
	{ SR_O_CREAT, "O_CREAT" },
	{ 0200, "O_EXCL" },
	{ 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" },
	{ 04000, "O_NONBLOCK" },
	{ SR_O_SYNC, "O_SYNC" },
	{ SR_O_DSYNC, "O_DSYNC" },
	{ 020000, "O_ASYNC" },
	{ 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" },
	{ SR_O_DIRECTORY, "O_DIRECTORY" },
	{ 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" },
	{ 010000000, "O_PATH" },
	{ SR_O_TMPFILE, "O_TMPFILE" },
};

static void put_open_flags(struct out *o, uint64_t v)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	struct flag_name tab[NFLAGS(open_flag_names)];
	size_t i;

	out_puts(o, acc[v & SR_O_ACCMODE]);
	v &= ~(uint64_t)SR_O_ACCMODE;
	/*
	 * O_SYNC contains O_DSYNC and comes first in the table, so the walk
	 * consumes both bits. O_TMPFILE contains O_DIRECTORY but comes last
	 * (as strace prints it), so O_DIRECTORY is skipped when it is set.
	 */
	memcpy(tab, open_flag_names, sizeof(tab));
	for (i = 0; i < NFLAGS(tab); i++) {
		if (tab[i].bit == SR_O_DIRECTORY && (v & SR_O_TMPFILE) == SR_O_TMPFILE) {
			tab[i].bit = 0;
		}
	}
	put_flag_set(o, v, tab, NFLAGS(tab), 1);
}

size_t argfmt_open_flags(char *buf, size_t n, uint64_t flags)
{
	struct out o;

	out_init(&o, buf, n);
	put_open_flags(&o, flags);
	return o.len;
}

static const struct flag_name prot_names[] = {
	{ 0x1, "PROT_READ" },
	{ 0x2, "PROT_WRITE" },
	{ 0x4, "PROT_EXEC" },
	{ 0x8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" },
};

static void put_prot(struct out *o, uint64_t v)
{
	if (v == 0) {
		out_puts(o, "PROT_NONE");
		return;
	}
	put_flag_set(o, v, prot_names, NFLAGS(prot_names), 0);
}

size_t argfmt_mmap_prot(char *buf, size_t n, uint64_t prot)
{
	struct out o;

	out_init(&o, buf, n);
	put_prot(&o, prot);
	return o.len;
}

#define SR_MAP_TYPE 0x0fu
#define SR_MAP_HUGETLB 0x40000u
#define SR_MAP_HUGE_SHIFT 26
#define SR_MAP_HUGE_MASK 0x3fu

static const struct flag_name mmap_flag_names[] = {
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },
	{ SR_MAP_HUGETLB, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
};

static void put_mmap_flags(struct out *o, uint64_t v)
{
	static const char *const types[] = { NULL, "MAP_SHARED", "MAP_PRIVATE",
					     "MAP_SHARED_VALIDATE" };
	unsigned type = (unsigned)(v & SR_MAP_TYPE);
	unsigned shift = (unsigned)((v >> SR_MAP_HUGE_SHIFT) & SR_MAP_HUGE_MASK);
	bool huge = (v & SR_MAP_HUGETLB) && shift;
	int printed = 0;

	if (type < NFLAGS(types) && types[type]) {
		out_puts(o, types[type]);
		v &= ~(uint64_t)SR_MAP_TYPE;
		printed = 1;
	}
	printed = put_flags(o, &v, mmap_flag_names, NFLAGS(mmap_flag_names), printed);
	/* With MAP_HUGETLB the top six bits are log2 of the page size. */
	if (huge) {
		out_printf(o, "|%u<<MAP_HUGE_SHIFT", shift);
		v &= ~((uint64_t)SR_MAP_HUGE_MASK << SR_MAP_HUGE_SHIFT);
	} else if (v & 0x4000000) {
		/* without MAP_HUGETLB, bit 26 is MAP_UNINITIALIZED */
		out_puts(o, printed++ ? "|MAP_UNINITIALIZED" : "MAP_UNINITIALIZED");
		v &= ~(uint64_t)0x4000000;
	}
	put_rest(o, v, printed);
}

size_t argfmt_mmap_flags(char *buf, size_t n, uint64_t flags)
{
	struct out o;

	out_init(&o, buf, n);
	put_mmap_flags(&o, flags);
	return o.len;
}

#define SR_CSIGNAL 0xffu

static const struct flag_name clone_flag_names[] = {
	{ 0x00000100, "CLONE_VM" },
	{ 0x00000200, "CLONE_FS" },
	{ 0x00000400, "CLONE_FILES" },
	{ 0x00000800, "CLONE_SIGHAND" },
	{ 0x00001000, "CLONE_PIDFD" },
	{ 0x00002000, "CLONE_PTRACE" },
	{ 0x00004000, "CLONE_VFORK" },
	{ 0x00008000, "CLONE_PARENT" },
	{ 0x00010000, "CLONE_THREAD" },
	{ 0x00020000, "CLONE_NEWNS" },
	{ 0x00040000, "CLONE_SYSVSEM" },
	{ 0x00080000, "CLONE_SETTLS" },
	{ 0x00100000, "CLONE_PARENT_SETTID" },
	{ 0x00200000, "CLONE_CHILD_CLEARTID" },
	{ 0x00400000, "CLONE_DETACHED" },
	{ 0x00800000, "CLONE_UNTRACED" },
	{ 0x01000000, "CLONE_CHILD_SETTID" },
	{ 0x02000000, "CLONE_NEWCGROUP" },
	{ 0x04000000, "CLONE_NEWUTS" },
	{ 0x08000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" },
	{ 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" },
	{ 0x80000000, "CLONE_IO" },
};

static void put_signal(struct out *o, int64_t sig)
{
	const char *name = (sig > 0 && sig <= 0x7fffffff) ? sr_signal_name((int)sig) : NULL;

	if (name) {
		out_puts(o, name);
	} else {
		out_printf(o, "%lld", (long long)sig);
	}
}

static void put_clone_flags(struct out *o, uint64_t v)
{
	uint64_t sig = v & SR_CSIGNAL;
	int printed;

	v &= ~(uint64_t)SR_CSIGNAL;
	printed = put_flags(o, &v, clone_flag_names, NFLAGS(clone_flag_names), 0);
	if (v) {
		out_printf(o, "%s%#llx", printed++ ? "|" : "", (unsigned long long)v);
	}
	/* the low byte is the signal sent to the parent when the child exits */
	if (sig) {
		if (printed++) {
			out_putc(o, '|');
		}
		put_signal(o, (int64_t)sig);
	}
	if (!printed) {
		out_putc(o, '0');
	}
}

size_t argfmt_clone_flags(char *buf, size_t n, uint64_t flags)
{
	struct out o;

	out_init(&o, buf, n);
	put_clone_flags(&o, flags);
	return o.len;
}

size_t argfmt_signal(char *buf, size_t n, int64_t sig)
{
	struct out o;

	out_init(&o, buf, n);
	put_signal(&o, sig);
	return o.len;
}

static const char *const af_names[] = {
	"AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK",
	"AF_NETROM", "AF_BRIDGE", "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE",
	"AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY", "AF_NETLINK", "AF_PACKET",
	"AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", "AF_SNA", "AF_IRDA",
	"AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN",
	"AF_TIPC", "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET",
	"AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM",
	"AF_QIPCRTR", "AF_SMC", "AF_XDP", "AF_MCTP",
};

static void put_af(struct out *o, uint64_t v)
{
	if (v < NFLAGS(af_names)) {
		out_puts(o, af_names[v]);
	} else {
		out_printf(o, "%llu", (unsigned long long)v);
	}
}

#define SR_SOCK_TYPE_MASK 0xfu

static const struct flag_name sock_flag_names[] = {
	{ 02000000, "SOCK_CLOEXEC" },
	{ 04000, "SOCK_NONBLOCK" },
};

static void put_socktype(struct out *o, uint64_t v)
{
	static const char *const types[] = { NULL, "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
					     "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP", NULL,
					     NULL, NULL, "SOCK_PACKET" };
	unsigned type = (unsigned)(v & SR_SOCK_TYPE_MASK);

	if (type < NFLAGS(types) && types[type]) {
		out_puts(o, types[type]);
	} else {
		out_printf(o, "%u", type);
	}
	v &= ~(uint64_t)SR_SOCK_TYPE_MASK;
	put_flag_set(o, v, sock_flag_names, NFLAGS(sock_flag_names), 1);
}

#define SR_AT_REMOVEDIR 0x200u

static const struct flag_name at_flag_names[] = {
	{ 0x100, "AT_SYMLINK_NOFOLLOW" },
	{ SR_AT_REMOVEDIR, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },
	{ 0x2000, "AT_STATX_FORCE_SYNC" },
	{ 0x4000, "AT_STATX_DONT_SYNC" },
	{ 0x8000, "AT_RECURSIVE" },
};

/* 0x200 is AT_REMOVEDIR for unlinkat and AT_EACCESS for faccessat2. */
static void put_at_flags(struct out *o, uint64_t v, bool eaccess)
{
	struct flag_name tab[NFLAGS(at_flag_names)];
	size_t i;

	memcpy(tab, at_flag_names, sizeof(tab));
	for (i = 0; eaccess && i < NFLAGS(tab); i++) {
		if (tab[i].bit == SR_AT_REMOVEDIR) {
			tab[i].name = "AT_EACCESS";
		}
	}
	put_flag_set(o, v, tab, NFLAGS(tab), 0);
}

static void put_whence(struct out *o, uint64_t v)
{
	static const char *const names[] = { "SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA",
					     "SEEK_HOLE" };

	if (v < NFLAGS(names)) {
		out_puts(o, names[v]);
	} else {
		out_printf(o, "%llu", (unsigned long long)v);
	}
}

#define SR_S_IFMT 0170000u

static void put_mode(struct out *o, uint64_t v)
{
	static const struct flag_name types[] = {
		{ 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" }, { 0100000, "S_IFREG" },
		{ 0060000, "S_IFBLK" },  { 0040000, "S_IFDIR" }, { 0020000, "S_IFCHR" },
		{ 0010000, "S_IFIFO" },
	};
	uint64_t t = v & SR_S_IFMT;
	size_t i;

	if (t) {
		for (i = 0; i < NFLAGS(types); i++) {
			if (types[i].bit == t) {
				out_puts(o, types[i].name);
				out_putc(o, '|');
				v &= ~(uint64_t)SR_S_IFMT;
				break;
			}
		}
	}
	out_printf(o, "%#03llo", (unsigned long long)v);
}

/* ---- enumerations and flag sets of process, time and memory calls ---- */

/* A name from TAB indexed by value, or the number with strace's comment. */
static void put_enum(struct out *o, uint64_t v, const char *const *tab, size_t n,
		     const char *unknown)
{
	if (v < n && tab[v]) {
		out_puts(o, tab[v]);
	} else if (unknown) {
		out_printf(o, "%#llx /* %s */", (unsigned long long)v, unknown);
	} else {
		out_printf(o, "%lld", (long long)(int32_t)v);
	}
}

/*
 * WSTOPPED and WUNTRACED are the same bit: waitid calls it WSTOPPED and
 * strace puts it after WEXITED there.
 */
static void put_wait_options(struct out *o, uint64_t v, bool waitid)
{
	static const struct flag_name names[] = {
		{ 0x1, "WNOHANG" },	       { 0x2, "WUNTRACED" },	      { 0x4, "WEXITED" },
		{ 0x8, "WCONTINUED" },	       { 0x01000000, "WNOWAIT" },     { 0x20000000, "__WNOTHREAD" },
		{ 0x40000000, "__WALL" },      { 0x80000000, "__WCLONE" },
	};
	struct flag_name tab[NFLAGS(names)];

	memcpy(tab, names, sizeof(tab));
	if (waitid) {
		tab[1] = (struct flag_name){ 0x4, "WEXITED" };
		tab[2] = (struct flag_name){ 0x2, "WSTOPPED" };
	}
	put_flag_set(o, v & 0xffffffffu, tab, NFLAGS(tab), 0);
}

static const char *const idtype_names[] = { "P_ALL", "P_PID", "P_PGID", "P_PIDFD" };

static const char *const clock_names[] = {
	"CLOCK_REALTIME",	 "CLOCK_MONOTONIC",	   "CLOCK_PROCESS_CPUTIME_ID",
	"CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW",  "CLOCK_REALTIME_COARSE",
	"CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME",	   "CLOCK_REALTIME_ALARM",
	"CLOCK_BOOTTIME_ALARM",	 NULL,			   "CLOCK_TAI",
};

static const char *const madvise_names[] = {
	[0] = "MADV_NORMAL",	    [1] = "MADV_RANDOM",	  [2] = "MADV_SEQUENTIAL",
	[3] = "MADV_WILLNEED",	    [4] = "MADV_DONTNEED",	  [8] = "MADV_FREE",
	[9] = "MADV_REMOVE",	    [10] = "MADV_DONTFORK",	  [11] = "MADV_DOFORK",
	[12] = "MADV_MERGEABLE",    [13] = "MADV_UNMERGEABLE",	  [14] = "MADV_HUGEPAGE",
	[15] = "MADV_NOHUGEPAGE",   [16] = "MADV_DONTDUMP",	  [17] = "MADV_DODUMP",
	[18] = "MADV_WIPEONFORK",   [19] = "MADV_KEEPONFORK",	  [20] = "MADV_COLD",
	[21] = "MADV_PAGEOUT",	    [22] = "MADV_POPULATE_READ",  [23] = "MADV_POPULATE_WRITE",
	[24] = "MADV_DONTNEED_LOCKED", [25] = "MADV_COLLAPSE",	  [100] = "MADV_HWPOISON",
	[101] = "MADV_SOFT_OFFLINE", [102] = "MADV_GUARD_INSTALL", [103] = "MADV_GUARD_REMOVE",
};

static void put_access_mode(struct out *o, uint64_t v)
{
	static const struct flag_name names[] = {
		{ 4, "R_OK" },
		{ 2, "W_OK" },
		{ 1, "X_OK" },
	};

	v &= 0xffffffffu;
	if (v == 0) {
		out_puts(o, "F_OK");
		return;
	}
	put_flag_set(o, v, names, NFLAGS(names), 0);
}

static void put_timer_flags(struct out *o, uint64_t v)
{
	static const struct flag_name names[] = {
		{ 1, "TIMER_ABSTIME" },
	};

	put_flag_set(o, v & 0xffffffffu, names, NFLAGS(names), 0);
}

#define SR_FUTEX_PRIVATE 128u
#define SR_FUTEX_CLOCK_REALTIME 256u
#define SR_FUTEX_CMD(op) ((op) & ~(uint64_t)(SR_FUTEX_PRIVATE | SR_FUTEX_CLOCK_REALTIME))
#define SR_FUTEX_WAIT 0u
#define SR_FUTEX_WAKE 1u

static void put_futex_op(struct out *o, uint64_t v)
{
	static const char *const names[] = {
		"FUTEX_WAIT",	     "FUTEX_WAKE",	  "FUTEX_FD",	       "FUTEX_REQUEUE",
		"FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP",	  "FUTEX_LOCK_PI",     "FUTEX_UNLOCK_PI",
		"FUTEX_TRYLOCK_PI",  "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
		"FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
	};
	uint64_t cmd;

	v &= 0xffffffffu;
	cmd = SR_FUTEX_CMD(v);
	if (cmd >= NFLAGS(names)) {
		out_printf(o, "%#llx /* FUTEX_??? */", (unsigned long long)v);
		return;
	}
	out_puts(o, names[cmd]);
	if (v & SR_FUTEX_PRIVATE) {
		out_puts(o, "_PRIVATE");
	}
	if (v & SR_FUTEX_CLOCK_REALTIME) {
		out_puts(o, "|FUTEX_CLOCK_REALTIME");
	}
}

/*
 * prctl options strace names, with how many arguments it shows for them
 * (the option included) and how it shows the first argument after it;
 * other arguments of a listed option are unsigned decimals.
 */
struct prctl_option {
	uint32_t opt;
	const char *name;
	uint8_t shown;
	uint8_t arg1;
};

#define SR_ARGFMT_XNUM 0xff /* hex number, 0 as "0" (not NULL) */

static const struct prctl_option prctl_options[] = {
	{ 1, "PR_SET_PDEATHSIG", 2, SR_ARG_SIGNAL },
	{ 2, "PR_GET_PDEATHSIG", 2, SR_ARG_HEX },
	{ 3, "PR_GET_DUMPABLE", 1, 0 },
	{ 4, "PR_SET_DUMPABLE", 2, SR_ARG_UINT },
	{ 7, "PR_GET_KEEPCAPS", 1, 0 },
	{ 8, "PR_SET_KEEPCAPS", 2, SR_ARG_UINT },
	{ 15, "PR_SET_NAME", 2, SR_ARG_HEX },
	{ 16, "PR_GET_NAME", 2, SR_ARG_HEX },
	{ 21, "PR_GET_SECCOMP", 1, 0 },
	{ 22, "PR_SET_SECCOMP", 5, SR_ARG_UINT },
	{ 23, "PR_CAPBSET_READ", 2, SR_ARG_UINT },
	{ 24, "PR_CAPBSET_DROP", 2, SR_ARG_UINT },
	{ 29, "PR_SET_TIMERSLACK", 2, SR_ARG_UINT },
	{ 30, "PR_GET_TIMERSLACK", 1, 0 },
	{ 36, "PR_SET_CHILD_SUBREAPER", 2, SR_ARG_UINT },
	{ 37, "PR_GET_CHILD_SUBREAPER", 2, SR_ARG_HEX },
	{ 38, "PR_SET_NO_NEW_PRIVS", 5, SR_ARG_UINT },
	{ 39, "PR_GET_NO_NEW_PRIVS", 5, SR_ARG_UINT },
	{ 47, "PR_CAP_AMBIENT", 5, SR_ARG_UINT },
	{ 0x53564d41, "PR_SET_VMA", 5, SR_ARG_UINT },
};

static const struct prctl_option *prctl_option_of(uint64_t v)
{
	size_t i;

	for (i = 0; i < NFLAGS(prctl_options); i++) {
		if (prctl_options[i].opt == (v & 0xffffffffu)) {
			return &prctl_options[i];
		}
	}
	return NULL;
}

static void put_prctl_option(struct out *o, uint64_t v)
{
	const struct prctl_option *p = prctl_option_of(v);

	if (p) {
		out_puts(o, p->name);
	} else {
		out_printf(o, "%#llx /* PR_??? */", (unsigned long long)(v & 0xffffffffu));
	}
}

static void put_hex(struct out *o, uint64_t v)
{
	if (v == 0) {
		out_puts(o, "NULL");
	} else {
		out_printf(o, "%#llx", (unsigned long long)v);
	}
}

#define SR_AT_FDCWD (-100)

/* NAME (may be NULL) tells calls sharing a kind apart where strace does. */
static void put_arg(struct out *o, enum sr_arg_kind k, uint64_t v, const char *str,
		    const char *name)
{
	bool eaccess = name && (!strcmp(name, "faccessat2") || !strcmp(name, "faccessat"));

	switch ((unsigned)k) {
	case SR_ARGFMT_XNUM:
		out_printf(o, "%#llx", (unsigned long long)v);
		break;
	case SR_ARG_NONE:
	case SR_ARG_INT:
		out_printf(o, "%lld", (long long)v);
		break;
	case SR_ARG_UINT:
		out_printf(o, "%llu", (unsigned long long)v);
		break;
	case SR_ARG_FD:
		/* descriptors are C ints: the upper half of the register is noise */
		if ((int32_t)v == SR_AT_FDCWD) {
			out_puts(o, "AT_FDCWD");
		} else {
			out_printf(o, "%d", (int)(int32_t)v);
		}
		break;
	case SR_ARG_PATH:
	case SR_ARG_STR:
		if (str) {
			put_quoted(o, str, 0);
		} else {
			put_hex(o, v);
		}
		break;
	case SR_ARG_ARGV:
		/* the recorder may capture the first element only */
		if (str) {
			out_putc(o, '[');
			put_quoted(o, str, 0);
			out_puts(o, ", ...]");
		} else {
			put_hex(o, v);
		}
		break;
	case SR_ARG_OPEN_FLAGS:
		put_open_flags(o, v);
		break;
	case SR_ARG_MODE:
		put_mode(o, v);
		break;
	case SR_ARG_PROT:
		put_prot(o, v);
		break;
	case SR_ARG_MMAP_FLAGS:
		put_mmap_flags(o, v);
		break;
	case SR_ARG_CLONE_FLAGS:
		put_clone_flags(o, v);
		break;
	case SR_ARG_SIGNAL:
		put_signal(o, (int32_t)v);
		break;
	case SR_ARG_AF:
		put_af(o, v);
		break;
	case SR_ARG_SOCKTYPE:
		put_socktype(o, v);
		break;
	case SR_ARG_AT_FLAGS:
		put_at_flags(o, v, eaccess);
		break;
	case SR_ARG_WHENCE:
		put_whence(o, v);
		break;
	case SR_ARG_WAIT_OPTIONS:
		put_wait_options(o, v, name && !strcmp(name, "waitid"));
		break;
	case SR_ARG_IDTYPE:
		put_enum(o, v, idtype_names, NFLAGS(idtype_names), NULL);
		break;
	case SR_ARG_PRCTL_OPTION:
		put_prctl_option(o, v);
		break;
	case SR_ARG_FUTEX_OP:
		put_futex_op(o, v);
		break;
	case SR_ARG_CLOCKID:
		put_enum(o, v, clock_names, NFLAGS(clock_names), NULL);
		break;
	case SR_ARG_TIMER_FLAGS:
		put_timer_flags(o, v);
		break;
	case SR_ARG_MADVISE:
		put_enum(o, v, madvise_names, NFLAGS(madvise_names), "MADV_???");
		break;
	case SR_ARG_ACCESS_MODE:
		put_access_mode(o, v);
		break;
	case SR_ARG_HEX:
	default:
		put_hex(o, v);
		break;
	}
}

size_t argfmt_arg(char *buf, size_t n, enum sr_arg_kind k, uint64_t v, const char *str)
{
	struct out o;

	out_init(&o, buf, n);
	put_arg(&o, k, v, str, NULL);
	return o.len;
}

/*
 * The argument kinds to print for SC and how many of them: the signature's,
 * except for calls whose meaning of the later arguments depends on an
 * earlier one, where strace shows only those the kernel reads.
 */
static int shown_args(const struct sr_syscall_info *info, const struct sr_syscall *sc,
		      uint8_t kinds[6])
{
	const struct prctl_option *p;
	int n = info->nargs < 6 ? info->nargs : 6;
	int i;

	memcpy(kinds, info->arg, 6);
	if (n >= 2 && kinds[0] == SR_ARG_PRCTL_OPTION) {
		p = prctl_option_of(sc->args[0]);
		for (i = 1; i < n; i++) {
			kinds[i] = p ? SR_ARG_UINT : SR_ARGFMT_XNUM;
		}
		if (p) {
			kinds[1] = p->arg1 ? p->arg1 : SR_ARG_UINT;
			n = p->shown < n ? p->shown : n;
		}
	} else if (n >= 3 && kinds[1] == SR_ARG_FUTEX_OP) {
		if (SR_FUTEX_CMD(sc->args[1] & 0xffffffffu) == SR_FUTEX_WAIT) {
			n = 4 < n ? 4 : n;
		} else if (SR_FUTEX_CMD(sc->args[1] & 0xffffffffu) == SR_FUTEX_WAKE) {
			n = 3;
		}
	}
	return n;
}

size_t argfmt_call(char *buf, size_t n, const struct sr_syscall_info *info, const char *name,
		   const struct sr_syscall *sc)
{
	struct out o;
	uint8_t kinds[6];
	int nargs;
	int i;

	out_init(&o, buf, n);
	if (!name) {
		name = info ? info->name : NULL;
	}
	if (name) {
		out_puts(&o, name);
	} else {
		out_printf(&o, "syscall_%u", sc->nr);
	}
	out_putc(&o, '(');
	if (info && info->nargs == 0) {
		/* nothing to show */
	} else if (!sc->has_args) {
		out_puts(&o, "...");
	} else if (!info) {
		for (i = 0; i < 6; i++) {
			out_printf(&o, "%s%#llx", i ? ", " : "", (unsigned long long)sc->args[i]);
		}
	} else {
		nargs = shown_args(info, sc, kinds);
		for (i = 0; i < nargs; i++) {
			/*
			 * The mode after open flags is only read with O_CREAT or
			 * O_TMPFILE; otherwise it is register noise (strace hides it too).
			 */
			if (i > 0 && kinds[i] == SR_ARG_MODE && kinds[i - 1] == SR_ARG_OPEN_FLAGS &&
			    !(sc->args[i - 1] & (SR_O_CREAT | SR_O_TMPFILE_BIT))) {
				break;
			}
			if (i) {
				out_puts(&o, ", ");
			}
			put_arg(&o, (enum sr_arg_kind)kinds[i], sc->args[i], sc->str[i], name);
		}
	}
	out_putc(&o, ')');
	return o.len;
}

/* Calls whose result is an address, printed in hex like strace does. */
static bool returns_address(const char *name)
{
	static const char *const names[] = { "mmap", "mmap2", "old_mmap", "brk", "mremap",
					     "shmat", "map_shadow_stack" };
	size_t i;

	for (i = 0; name && i < NFLAGS(names); i++) {
		if (!strcmp(name, names[i])) {
			return true;
		}
	}
	return false;
}

bool argfmt_exec_succeeded(const char *name, const struct sr_syscall *sc)
{
	return (sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN)) == SR_SC_NORETURN && name &&
	       (!strcmp(name, "execve") || !strcmp(name, "execveat"));
}

size_t argfmt_ret(char *buf, size_t n, const struct sr_syscall_info *info,
		  const struct sr_syscall *sc)
{
	struct out o;
	int64_t r = sc->ret;

	out_init(&o, buf, n);
	if (argfmt_exec_succeeded(info ? info->name : NULL, sc)) {
		out_putc(&o, '0');
	} else if (sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN)) {
		out_putc(&o, '?');
	} else if (r >= -4095 && r <= -1) {
		int e = (int)-r;
		const char *ename = sr_errno_name(e);
		const char *text = sr_errno_text(e);

		if (ename) {
			out_printf(&o, "-1 %s (%s)", ename, text ? text : "");
		} else {
			out_printf(&o, "-1 ERRNO_%d (Unknown error %d)", e, e);
		}
	} else if (info && returns_address(info->name)) {
		out_printf(&o, "%#llx", (unsigned long long)r);
	} else if (info && !strcmp(info->name, "umask")) {
		out_printf(&o, "%#03llo", (unsigned long long)r);
	} else {
		out_printf(&o, "%lld", (long long)r);
	}
	return o.len;
}
