// SPDX-License-Identifier: MIT
/*
 * strace log import: logs written by `strace -f -ttt -T -o FILE` (also with
 * -y/-yy, -tt or no times, without -T, without the "PID " prefix, and the
 * per-process files of -ff when their names end in .PID).
 *
 * What the trace gets, and how:
 * - Times: -ttt epoch times are used as they are: for imported strace logs the
 *   "boot-time" clock IS the epoch clock (Header.clock_boot_ns and
 *   clock_realtime_ns are both the first event's time, so wall-clock
 *   conversion is the identity). -tt gives times of day (date unknown); a log
 *   without times gets synthetic ones, 1 us per line (Header.times_synthetic).
 * - `<unfinished ...>` and `<... NAME resumed>` are joined: entry time from the
 *   first line, return value and duration (-T) from the second.
 * - Return values: numbers, hex, `-1 ENOENT (...)` becomes -ENOENT (the raw
 *   kernel value, as the recorder stores it); `?` (exit, exit_group, killed)
 *   marks the call noreturn, or unfinished when strace never saw it return.
 * - Arguments: a quoted string in a PATH/STR position of the syscall table is
 *   kept as that argument's string (the first element of execve's argv too);
 *   with -y the path of an fd argument too. args[i] gets every value strace
 *   printed as a value: numbers (octal modes), NULL, AT_FDCWD, fds, and
 *   flag/enumeration names (O_*, PROT_*, MAP_*, CLONE_*, AT_*, AF_*, SOCK_*,
 *   SEEK_*, signals), read back through the replay printer's own names.
 *   What strace decoded from memory (structs, buffers, arrays) has no value
 *   in a log and is 0. The header says args_captured: the format keeps the
 *   argument columns per file, not per call.
 * - Processes: execve/execveat success -> exec event (filename, argv from the
 *   text, comm = basename); clone/clone3/fork/vfork returns -> fork event
 *   (thread when CLONE_THREAD appears); "+++ exited with N +++" and
 *   "+++ killed by SIG +++" -> exit events. strace prints tids; the tgid of a
 *   thread is that of its creator (CLONE_THREAD), resolved after the whole
 *   log is read, since a child's lines can precede its creator's clone return.
 * - Every process gets a process table entry (source = the input file).
 * - The whole log is held in memory and sorted by entry time before writing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "argfmt.h"
#include "cli.h"
#include "import.h"

enum { EV_SC = 1, EV_PROC = 2 };

struct st_ev {
	uint64_t ts;
	uint64_t seq;
	int type;
	union {
		struct sr_syscall sc;
		struct sr_proc_event pe;
	};
};

/* A syscall waiting for its "resumed" line. */
struct st_pending {
	uint64_t ts;
	char *name;
	char *args; /* pool */
	uint64_t line;
	bool used;
};

struct st_proc {
	uint32_t tid;
	uint32_t parent;      /* creator tid, 0 = none seen */
	bool is_thread;
	bool has_parent;
	bool exec_seen;
	int32_t tgid;         /* resolved at the end */
	const char *comm;     /* current comm (pool) */
	const char *exe;
	const char *const *argv;
	uint32_t argc;
	uint64_t first_ts;
	uint32_t file;        /* input index of its first line */
};

struct st_ctx {
	const struct imp_opts *o;
	struct imp_stats *st;
	enum sr_abi abi;
	struct imp_pool pool;
	struct imp_report rep;
	struct imp_names unknown;
	struct st_ev *ev;
	size_t nev, cap;
	uint64_t seq;
	struct imp_map tidx;  /* tid -> index into procs */
	struct st_proc *procs;
	size_t nprocs, capprocs;
	struct imp_map pidx;  /* tid -> index into pend */
	struct st_pending *pend;
	size_t npend, cappend;
	const char *file;
	uint32_t file_no;
	uint64_t line;
	bool synthetic;
	bool oom;
};

/* ---- small parsers ---- */

static const char *skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	return p;
}

/* "SSSS.ffffff" (any number of fraction digits, up to ns) -> ns */
static bool parse_epoch(const char **pp, uint64_t *ns)
{
	const char *p = *pp, *s = p;
	uint64_t sec = imp_parse_u64(&p), frac = 0;
	int digits = 0;

	if (p == s || *p != '.') {
		return false;
	}
	p++;
	while (*p >= '0' && *p <= '9') {
		if (digits < 9) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			digits++;
		}
		p++;
	}
	while (digits < 9) {
		frac *= 10;
		digits++;
	}
	*ns = sec * 1000000000ull + frac;
	*pp = p;
	return true;
}

/* -ttt "SSSS.ffffff" or -tt/-t "HH:MM:SS[.ffffff]" */
static bool parse_time(const char **pp, uint64_t *ns, bool *tod)
{
	const char *p = *pp;
	const char *q = p;

	while (*q >= '0' && *q <= '9') {
		q++;
	}
	if (*q == ':') {
		/* HH:MM:SS[.frac] */
		const char *r = p;
		uint64_t h, m, s;
		h = imp_parse_u64(&r);
		if (*r != ':') {
			return false;
		}
		r++;
		m = imp_parse_u64(&r);
		if (*r != ':') {
			return false;
		}
		r++;
		if (!parse_epoch(&r, &s)) {
			const char *t = r;
			s = imp_parse_u64(&r) * 1000000000ull;
			if (r == t) {
				return false;
			}
		}
		*ns = (h * 3600 + m * 60) * 1000000000ull + s;
		*tod = true;
		*pp = r;
		return true;
	}
	if (*q == '.') {
		*tod = false;
		return parse_epoch(pp, ns);
	}
	return false;
}

/*
 * Scan from P (inside the call's parentheses at depth DEPTH) to the ')' that
 * closes the call; returns a pointer to it or NULL. Quotes and brackets nest.
 */
static const char *scan_close(const char *p, int depth)
{
	for (; *p; p++) {
		switch (*p) {
		case '"':
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1]) {
					p++;
				}
			}
			if (!*p) {
				return NULL;
			}
			break;
		case '(':
		case '[':
		case '{':
			depth++;
			break;
		case ')':
		case ']':
		case '}':
			depth--;
			if (depth == 0) {
				return *p == ')' ? p : NULL;
			}
			break;
		}
	}
	return NULL;
}

/* Decode a C string literal at P ('"'), into the pool. Sets *trunc on "...". */
static char *decode_str(struct imp_pool *pool, const char *p, const char **end, bool *trunc)
{
	char *out, *d;
	const char *s = p + 1;
	size_t n = 0;

	/* an upper bound for the decoded length */
	for (const char *q = s; *q && *q != '"'; q++) {
		if (*q == '\\' && q[1]) {
			q++;
		}
		n++;
	}
	out = imp_pool_alloc(pool, n + 1);
	if (!out) {
		return NULL;
	}
	d = out;
	for (p = s; *p && *p != '"'; p++) {
		if (*p != '\\' || !p[1]) {
			*d++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': *d++ = '\n'; break;
		case 't': *d++ = '\t'; break;
		case 'r': *d++ = '\r'; break;
		case 'v': *d++ = '\v'; break;
		case 'f': *d++ = '\f'; break;
		case 'x': {
			int v = 0, k = 0;
			while (k < 2 && ((p[1] >= '0' && p[1] <= '9') || (p[1] >= 'a' && p[1] <= 'f') ||
					 (p[1] >= 'A' && p[1] <= 'F'))) {
				char c = *++p;
				v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
				k++;
			}
			*d++ = (char)v;
			break;
		}
		default:
			if (*p >= '0' && *p <= '7') {
				int v = *p - '0', k = 1;
				while (k < 3 && p[1] >= '0' && p[1] <= '7') {
					v = v * 8 + (*++p - '0');
					k++;
				}
				*d++ = (char)v;
			} else {
				*d++ = *p;
			}
		}
	}
	*d = '\0';
	if (*p == '"') {
		p++;
	}
	if (trunc) {
		*trunc = strncmp(p, "...", 3) == 0;
	}
	if (!strncmp(p, "...", 3)) {
		p += 3;
	}
	if (end) {
		*end = p;
	}
	return out;
}

/* Split ARGS (the text between the call's parentheses) at top-level commas. */
static int split_args(const char *a, const char **start, size_t *len, int max)
{
	int n = 0, depth = 0;
	const char *s = skip_sp(a), *p;

	if (!*s) {
		return 0;
	}
	for (p = s;; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1]) {
					p++;
				}
			}
			if (!*p) {
				break;
			}
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if (*p == ')' || *p == ']' || *p == '}') {
			depth--;
		}
		if (!*p || (*p == ',' && depth <= 0)) {
			if (n < max) {
				const char *e = p;
				while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
					e--;
				}
				start[n] = s;
				len[n] = (size_t)(e - s);
				n++;
			}
			if (!*p) {
				break;
			}
			s = skip_sp(p + 1);
			p = s - 1;
		}
	}
	return n;
}

static const struct {
	const char *name;
	uint64_t bit;
} clone_bits[] = {
	{ "CLONE_VM", 0x100 }, { "CLONE_FS", 0x200 }, { "CLONE_FILES", 0x400 },
	{ "CLONE_SIGHAND", 0x800 }, { "CLONE_PIDFD", 0x1000 }, { "CLONE_PTRACE", 0x2000 },
	{ "CLONE_VFORK", 0x4000 }, { "CLONE_PARENT", 0x8000 }, { "CLONE_THREAD", 0x10000 },
	{ "CLONE_NEWNS", 0x20000 }, { "CLONE_SYSVSEM", 0x40000 }, { "CLONE_SETTLS", 0x80000 },
	{ "CLONE_PARENT_SETTID", 0x100000 }, { "CLONE_CHILD_CLEARTID", 0x200000 },
	{ "CLONE_DETACHED", 0x400000 }, { "CLONE_UNTRACED", 0x800000 },
	{ "CLONE_CHILD_SETTID", 0x1000000 }, { "CLONE_NEWCGROUP", 0x2000000 },
	{ "CLONE_NEWUTS", 0x4000000 }, { "CLONE_NEWIPC", 0x8000000 },
	{ "CLONE_NEWUSER", 0x10000000 }, { "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWNET", 0x40000000 }, { "CLONE_IO", 0x80000000ull },
};

/* CLONE_* names in the text of flags=... (and the exit signal) as a number. */
static uint64_t clone_flags_of(const char *args)
{
	const char *f = strstr(args, "flags=");
	uint64_t v = 0;

	if (!f) {
		return 0;
	}
	f += 6;
	while (*f && *f != ',' && *f != '}' && *f != ')') {
		const char *s = f;
		while (*f && *f != '|' && *f != ',' && *f != '}' && *f != ')') {
			f++;
		}
		size_t n = (size_t)(f - s);
		if (n > 3 && !strncmp(s, "SIG", 3)) {
			char sig[32];
			snprintf(sig, sizeof(sig), "%.*s", (int)n, s);
			v |= (uint64_t)sr_signal_by_name(sig);
		} else if (n && s[0] >= '0' && s[0] <= '9') {
			const char *q = s;
			int64_t x;
			if (imp_parse_i64(&q, &x)) {
				v |= (uint64_t)x;
			}
		} else {
			for (size_t i = 0; i < sizeof(clone_bits) / sizeof(clone_bits[0]); i++) {
				if (strlen(clone_bits[i].name) == n && !strncmp(clone_bits[i].name, s, n)) {
					v |= clone_bits[i].bit;
				}
			}
		}
		if (*f == '|') {
			f++;
		}
	}
	return v;
}

/* ---- event buffer and process tree ---- */

static struct st_ev *ev_new(struct st_ctx *c, int type, uint64_t ts)
{
	if (c->nev == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4096;
		struct st_ev *n = realloc(c->ev, cap * sizeof(*n));
		if (!n) {
			c->oom = true;
			return NULL;
		}
		c->ev = n;
		c->cap = cap;
	}
	struct st_ev *e = &c->ev[c->nev++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->ts = ts;
	e->seq = c->seq++;
	return e;
}

static struct st_proc *proc_get(struct st_ctx *c, uint32_t tid, uint64_t ts)
{
	bool added;
	uint32_t *ix = imp_map_get(&c->tidx, tid, (uint32_t)c->nprocs, &added);

	if (!ix) {
		c->oom = true;
		return NULL;
	}
	if (added) {
		if (c->nprocs == c->capprocs) {
			size_t cap = c->capprocs ? c->capprocs * 2 : 64;
			struct st_proc *n = realloc(c->procs, cap * sizeof(*n));
			if (!n) {
				c->oom = true;
				return NULL;
			}
			c->procs = n;
			c->capprocs = cap;
		}
		struct st_proc *p = &c->procs[c->nprocs++];
		memset(p, 0, sizeof(*p));
		p->tid = tid;
		p->first_ts = ts;
		p->file = c->file_no;
		p->comm = "";
	}
	return &c->procs[*ix];
}

static struct st_pending *pend_get(struct st_ctx *c, uint32_t tid)
{
	bool added;
	uint32_t *ix = imp_map_get(&c->pidx, tid, (uint32_t)c->npend, &added);

	if (!ix) {
		c->oom = true;
		return NULL;
	}
	if (added) {
		if (c->npend == c->cappend) {
			size_t cap = c->cappend ? c->cappend * 2 : 64;
			struct st_pending *n = realloc(c->pend, cap * sizeof(*n));
			if (!n) {
				c->oom = true;
				return NULL;
			}
			c->pend = n;
			c->cappend = cap;
		}
		memset(&c->pend[c->npend], 0, sizeof(c->pend[0]));
		c->npend++;
	}
	return &c->pend[*ix];
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Parse `["a", "b"...]` into a pool argv. */
static void parse_argv(struct st_ctx *c, const char *s, size_t len, const char *const **argvp,
		       uint32_t *argcp, bool *trunc)
{
	const char *p = s, *end = s + len;
	const char **v;
	uint32_t n = 0, cap = 0;

	for (const char *q = s; q < end; q++) {
		if (*q == '"') {
			cap++;
			for (q++; q < end && *q != '"'; q++) {
				if (*q == '\\') {
					q++;
				}
			}
		}
	}
	*argvp = NULL;
	*argcp = 0;
	if (*p != '[') {
		return;
	}
	v = imp_pool_alloc(&c->pool, (cap + 1) * sizeof(*v));
	if (!v) {
		c->oom = true;
		return;
	}
	p++;
	while (p < end) {
		p = skip_sp(p);
		if (*p == '"') {
			bool t = false;
			const char *e;
			char *str = decode_str(&c->pool, p, &e, &t);
			if (!str) {
				c->oom = true;
				return;
			}
			if (t) {
				*trunc = true;
			}
			if (n < cap) {
				v[n++] = str;
			}
			p = e;
		} else if (!strncmp(p, "...", 3)) {
			*trunc = true;
			p += 3;
		} else if (*p == ',') {
			p++;
		} else {
			break;
		}
	}
	v[n] = NULL;
	*argvp = v;
	*argcp = n;
}

/* ---- symbolic argument values ---- */

/*
 * Name -> value tables for the flag and enumeration kinds, made from the
 * replay printer's own formatter (argfmt_arg) so that import and printing
 * agree on every name: each small value and each single bit is formatted,
 * and one-word results are kept.
 */
struct sym {
	char name[32];
	uint64_t v;
};

/* Every kind of enum sr_arg_kind (the last one + 1). */
#define SYM_KINDS (SR_ARG_ACCESS_MODE + 1)

static struct {
	struct sym *v;
	size_t n;
	bool built;
} symtab[SYM_KINDS];

static void sym_build(enum sr_arg_kind k)
{
	char buf[64];
	size_t cap = 0;

	char zero[64];
	size_t zl;

	symtab[k].built = true;
	/* "O_RDONLY|O_CLOEXEC": the name of 0 comes along with each bit */
	zl = argfmt_arg(zero, sizeof(zero), k, 0, NULL);
	for (int i = 0; i < 128 + 64; i++) {
		uint64_t v = i < 128 ? (uint64_t)i : 1ull << (i - 128);
		size_t len = argfmt_arg(buf, sizeof(buf), k, v, NULL);
		if (v && len > zl + 1 && !strncmp(buf, zero, zl) && buf[zl] == '|') {
			memmove(buf, buf + zl + 1, len - zl);
			len -= zl + 1;
		}
		bool word = len > 0 && len < sizeof(symtab[0].v[0].name) &&
			    ((buf[0] >= 'A' && buf[0] <= 'Z') || buf[0] == '_');
		for (size_t j = 0; word && j < len; j++) {
			char ch = buf[j];
			if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			      (ch >= '0' && ch <= '9') || ch == '_')) {
				word = false;
			}
		}
		if (!word || !strcmp(buf, "NULL")) {
			continue;
		}
		size_t j;
		for (j = 0; j < symtab[k].n; j++) {
			if (!strcmp(symtab[k].v[j].name, buf)) {
				break;
			}
		}
		if (j < symtab[k].n) {
			continue; /* the smallest value wins */
		}
		if (symtab[k].n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct sym *nv = realloc(symtab[k].v, nc * sizeof(*nv));
			if (!nv) {
				return;
			}
			symtab[k].v = nv;
			cap = nc;
		}
		memcpy(symtab[k].v[symtab[k].n].name, buf, len + 1);
		symtab[k].v[symtab[k].n].v = v;
		symtab[k].n++;
	}
}

static bool sym_lookup(enum sr_arg_kind k, const char *s, size_t n, uint64_t *v)
{
	char name[40];

	if ((unsigned)k >= SYM_KINDS) {
		return false;
	}
	if (!symtab[k].built) {
		sym_build(k);
	}
	for (size_t i = 0; i < symtab[k].n; i++) {
		if (strlen(symtab[k].v[i].name) == n && !strncmp(symtab[k].v[i].name, s, n)) {
			*v = symtab[k].v[i].v;
			return true;
		}
	}
	/* a few constants of kinds the syscall table keeps as plain numbers */
	static const struct {
		const char *name;
		uint64_t v;
	} plain[] = {
		{ "F_OK", 0 }, { "X_OK", 1 }, { "W_OK", 2 }, { "R_OK", 4 },
		{ "SIG_BLOCK", 0 }, { "SIG_UNBLOCK", 1 }, { "SIG_SETMASK", 2 },
		{ "SEEK_SET", 0 }, { "SEEK_CUR", 1 }, { "SEEK_END", 2 }, { "SEEK_DATA", 3 },
		{ "SEEK_HOLE", 4 }, { "P_ALL", 0 }, { "P_PID", 1 }, { "P_PGID", 2 }, { "P_PIDFD", 3 },
		{ "WSTOPPED", 2 }, /* waitid's name of WUNTRACED */
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strlen(plain[i].name) == n && !strncmp(plain[i].name, s, n)) {
			*v = plain[i].v;
			return true;
		}
	}
	/* "FUTEX_WAKE_PRIVATE": the operation with FUTEX_PRIVATE_FLAG (128) */
	if (k == SR_ARG_FUTEX_OP && n > 8 && !strncmp(s + n - 8, "_PRIVATE", 8) &&
	    sym_lookup(k, s, n - 8, v) && *v < 128) {
		*v |= 128;
		return true;
	}
	/* clone's exit signal and kill's signal: signal names */
	if ((k == SR_ARG_CLONE_FLAGS || k == SR_ARG_SIGNAL) && n > 3 && n < sizeof(name)) {
		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		int sig = sr_signal_by_name(name);
		if (sig > 0) {
			*v = (uint64_t)sig;
			return true;
		}
	}
	return false;
}

static void sym_free(void)
{
	for (size_t k = 0; k < sizeof(symtab) / sizeof(symtab[0]); k++) {
		free(symtab[k].v);
		memset(&symtab[k], 0, sizeof(symtab[k]));
	}
}

/*
 * The value of one argument as strace printed it: numbers (octal for modes),
 * NULL, AT_FDCWD, "N</path>" (-y), and "A|B|0x10" sets of names of KIND.
 * False for what strace decoded from memory (structs, buffers, arrays).
 */
static bool arg_value(enum sr_arg_kind k, const char *p, size_t n, uint64_t *v)
{
	const char *end = p + n;
	uint64_t acc = 0;

	/* "0x7ffd3ea468b0 (comment: 37 vars)": strace comments are not part of the value */
	for (const char *q = p; q + 2 < end; q++) {
		if (q[0] == ' ' && q[1] == '/' && q[2] == '*') {
			end = q;
			n = (size_t)(end - p);
			break;
		}
	}
	/* -y: "3</etc/passwd>", "AT_FDCWD</home>": the value is before the path */
	if (k == SR_ARG_FD) {
		const char *lt = memchr(p, '<', n);
		if (lt && lt > p) {
			end = lt;
			n = (size_t)(end - p);
		}
	}
	if (n == 4 && !strncmp(p, "NULL", 4)) {
		*v = 0;
		return true;
	}
	if (n == 8 && !strncmp(p, "AT_FDCWD", 8)) {
		*v = (uint64_t)-100;
		return true;
	}
	while (p < end) {
		const char *s = p;
		uint64_t x;
		if (*p == '-' || (*p >= '0' && *p <= '9')) {
			int64_t y;
			if (k == SR_ARG_MODE && p[0] == '0' && p[1] >= '0' && p[1] <= '7') {
				y = (int64_t)strtoull(p, (char **)&p, 8);
			} else if (!imp_parse_i64(&p, &y)) {
				return false;
			}
			x = (uint64_t)y;
		} else {
			while (p < end && *p != '|') {
				p++;
			}
			if (!sym_lookup(k, s, (size_t)(p - s), &x)) {
				return false;
			}
		}
		acc |= x;
		if (p < end) {
			if (*p != '|') {
				return false;
			}
			p++;
		}
	}
	*v = acc;
	return true;
}

/* ---- one syscall ---- */

/* Kernel-internal errnos strace names but libc does not. */
static int errno_of(const char *name)
{
	static const struct {
		const char *n;
		int v;
	} internal[] = {
		{ "ERESTARTSYS", 512 }, { "ERESTARTNOINTR", 513 }, { "ERESTARTNOHAND", 514 },
		{ "ENOIOCTLCMD", 515 }, { "ERESTART_RESTARTBLOCK", 516 },
	};
	int e = sr_errno_by_name(name);

	if (e) {
		return e;
	}
	for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
		if (!strcmp(internal[i].n, name)) {
			return internal[i].v;
		}
	}
	return 0;
}

/*
 * Parse " = RET [ERRNO (text)] [<dur>]" after the call's closing parenthesis.
 * Returns false on a line that has no " = ".
 */
static bool parse_result(const char *p, int64_t *ret, bool *unknown, uint64_t *dur)
{
	const char *d;

	p = skip_sp(p);
	if (*p != '=') {
		return false;
	}
	p = skip_sp(p + 1);
	*unknown = false;
	*ret = 0;
	if (*p == '?') {
		*unknown = true;
		p++;
	} else if (!imp_parse_i64(&p, ret)) {
		return false;
	}
	p = skip_sp(p);
	if (*p == '<') {
		/* -y: "= 3</etc/passwd>" names the returned fd; skip it, not a duration */
		const char *q = p + 1;
		uint64_t ns;
		if (!(parse_epoch(&q, &ns) && *q == '>' && q[1] == '\0')) {
			q = strchr(p, '>');
			if (q) {
				p = skip_sp(q + 1);
			}
		}
	}
	if (*ret == -1 && *p == 'E') {
		char name[40];
		size_t n = strcspn(p, " \t<");
		snprintf(name, sizeof(name), "%.*s", (int)(n < 39 ? n : 39), p);
		int e = errno_of(name);
		if (e) {
			*ret = -e;
		}
	} else if (*unknown && *p == 'E') {
		/* "= ? ERESTARTSYS (...)": interrupted, strace shows no value */
		char name[40];
		size_t n = strcspn(p, " \t<");
		snprintf(name, sizeof(name), "%.*s", (int)(n < 39 ? n : 39), p);
		int e = errno_of(name);
		if (e) {
			*ret = -e;
			*unknown = false;
		}
	}
	*dur = 0;
	/* the duration is the last "<digits.digits>" of the line */
	d = strrchr(p, '<');
	if (d && d[1] >= '0' && d[1] <= '9') {
		const char *q = d + 1;
		uint64_t ns;
		if (parse_epoch(&q, &ns) && *q == '>') {
			*dur = ns;
		}
	}
	return true;
}

/* Build the syscall (and process events) of one whole call. */
static void emit_call(struct st_ctx *c, uint32_t tid, uint64_t ts, const char *name,
		      const char *args, int64_t ret, bool unknown_ret, uint64_t dur, uint32_t flags)
{
	const struct sr_syscall_info *si = sr_syscall_by_name(c->abi, name);
	struct st_ev *e;
	struct st_proc *pr;
	const char *as[6];
	size_t al[6];
	int na, i;
	uint32_t nr;

	if (si) {
		nr = si->nr;
	} else if (!strncmp(name, "syscall_0x", 10) || !strncmp(name, "syscall_", 8)) {
		const char *q = name + 8;
		int64_t x;
		if (!imp_parse_i64(&q, &x) || *q) {
			goto unknown;
		}
		nr = (uint32_t)x;
	} else {
		goto unknown;
	}
	pr = proc_get(c, tid, ts);
	e = ev_new(c, EV_SC, ts);
	if (!e || !pr) {
		return;
	}
	e->sc.ts = ts;
	e->sc.tid = tid;
	e->sc.nr = nr;
	e->sc.ret = unknown_ret ? 0 : ret;
	e->sc.duration = unknown_ret ? 0 : dur;
	if (unknown_ret && !flags) {
		/* exit/exit_group never return; anything else was cut off */
		flags = (!strcmp(name, "exit") || !strcmp(name, "exit_group")) ? SR_SC_NORETURN :
										     SR_SC_UNFINISHED;
	}
	e->sc.flags = flags;
	if (flags & SR_SC_UNFINISHED) {
		c->st->unfinished++;
	}
	na = split_args(args, as, al, 6);
	for (i = 0; i < na; i++) {
		uint8_t kind = si ? si->arg[i] : SR_ARG_HEX;
		const char *p = as[i];
		uint64_t v;

		if (*p == '"') {
			if (kind == SR_ARG_PATH || kind == SR_ARG_STR) {
				e->sc.str[i] = decode_str(&c->pool, p, NULL, NULL);
			}
			continue;
		}
		if (kind == SR_ARG_ARGV && *p == '[') {
			/* the first element, as the recorder captures it */
			const char *q = skip_sp(p + 1);
			if (*q == '"') {
				e->sc.str[i] = decode_str(&c->pool, q, NULL, NULL);
			}
			continue;
		}
		if (arg_value(kind, p, al[i], &v)) {
			e->sc.args[i] = v;
			if (kind == SR_ARG_FD) {
				const char *lt = memchr(p, '<', al[i]);
				if (lt && p[al[i] - 1] == '>') {
					/* -y: the fd's path */
					e->sc.str[i] = imp_pool_strndup(&c->pool, lt + 1,
									(size_t)(p + al[i] - 1 - (lt + 1)));
				}
			}
			continue;
		}
	}
	/*
	 * The trace's argument columns are per file (Header.args_captured):
	 * every call carries its six values, those strace decoded from memory
	 * (structs, buffers) as 0, since a log has no pointer values.
	 */
	e->sc.has_args = true;
	c->st->syscalls++;

	/* process events */
	if (!unknown_ret && ret == 0 && (!strcmp(name, "execve") || !strcmp(name, "execveat"))) {
		int fi = name[6] == 'a' ? 1 : 0, ai = fi + 1;
		struct st_ev *x;
		bool trunc = false;

		if (na <= ai || *as[fi] != '"') {
			return;
		}
		x = ev_new(c, EV_PROC, ts + dur);
		if (!x) {
			return;
		}
		x->pe.ts = ts + dur;
		x->pe.kind = SR_PROC_EXEC;
		x->pe.tid = (int32_t)tid;
		x->pe.filename = decode_str(&c->pool, as[fi], NULL, NULL);
		parse_argv(c, as[ai], al[ai], &x->pe.argv, &x->pe.argc, &trunc);
		x->pe.argv_truncated = trunc;
		if (x->pe.filename) {
			char comm[16];
			snprintf(comm, sizeof(comm), "%s", base_name(x->pe.filename));
			x->pe.comm = imp_pool_strdup(&c->pool, comm);
			pr = proc_get(c, tid, ts);
			/* the process table describes the process as it first ran */
			if (pr && !pr->exec_seen) {
				pr->comm = x->pe.comm;
				pr->exe = x->pe.filename;
				pr->argv = x->pe.argv;
				pr->argc = x->pe.argc;
				pr->exec_seen = true;
			}
		}
		c->st->proc_events++;
	} else if (!unknown_ret && ret > 0 &&
		   (!strcmp(name, "clone") || !strcmp(name, "clone3") || !strcmp(name, "fork") ||
		    !strcmp(name, "vfork"))) {
		uint32_t child = (uint32_t)ret;
		struct st_ev *x = ev_new(c, EV_PROC, ts);
		struct st_proc *parent, *cp;
		if (!x) {
			return;
		}
		x->pe.ts = ts;
		x->pe.kind = SR_PROC_FORK;
		x->pe.tid = (int32_t)child;
		x->pe.parent_tid = (int32_t)tid;
		if (name[0] == 'f') {
			x->pe.clone_flags = 17; /* SIGCHLD */
		} else if (name[0] == 'v') {
			x->pe.clone_flags = 0x4000 | 0x100 | 17;
		} else {
			x->pe.clone_flags = clone_flags_of(args);
		}
		x->pe.is_thread = (x->pe.clone_flags & 0x10000) != 0 || strstr(args, "CLONE_THREAD");
		parent = proc_get(c, tid, ts);
		const char *pcomm = parent ? parent->comm : "";
		cp = proc_get(c, child, ts);
		if (cp) {
			cp->parent = tid;
			cp->has_parent = true;
			cp->is_thread = x->pe.is_thread;
			if (cp->first_ts > ts) {
				cp->first_ts = ts;
			}
			if (!cp->exec_seen) {
				cp->comm = pcomm;
			}
			x->pe.comm = *pcomm ? pcomm : NULL;
		}
		c->st->proc_events++;
	}
	return;
unknown:
	c->st->unknown_names++;
	if (imp_names_first(&c->unknown, name) && !c->o->quiet) {
		cli_warn("%s:%" PRIu64 ": unknown syscall '%s' for ABI %s (skipped; counted)", c->file,
			 c->line, name, sr_abi_name(c->abi));
	}
}

static void emit_exit(struct st_ctx *c, uint32_t tid, uint64_t ts, const char *p)
{
	struct st_ev *x;

	if (!proc_get(c, tid, ts)) {
		return;
	}
	x = ev_new(c, EV_PROC, ts);
	if (!x) {
		return;
	}
	x->pe.ts = ts;
	x->pe.kind = SR_PROC_EXIT;
	x->pe.tid = (int32_t)tid;
	if (!strncmp(p, "exited with ", 12)) {
		const char *q = p + 12;
		int64_t v = 0;
		imp_parse_i64(&q, &v);
		x->pe.exit_code = (int32_t)v;
	} else {
		char sig[32];
		const char *q = p + 10; /* "killed by " */
		size_t n = strcspn(q, " ");
		snprintf(sig, sizeof(sig), "%.*s", (int)(n < 31 ? n : 31), q);
		x->pe.exit_signal = sr_signal_by_name(sig);
		x->pe.core_dumped = strstr(q, "(core dumped)") != NULL;
	}
	c->st->proc_events++;
}

/* A pending call that never resumed (the log ended, or the thread died). */
static void flush_pending(struct st_ctx *c, uint32_t tid)
{
	uint32_t *ix = imp_map_find(&c->pidx, tid);
	struct st_pending *pd;

	if (!ix) {
		return;
	}
	pd = &c->pend[*ix];
	if (!pd->used) {
		return;
	}
	pd->used = false;
	bool noret = !strcmp(pd->name, "exit") || !strcmp(pd->name, "exit_group");
	emit_call(c, tid, pd->ts, pd->name, pd->args, 0, true, 0,
		  noret ? SR_SC_NORETURN : SR_SC_UNFINISHED);
}

static void parse_line(struct st_ctx *c, char *line, uint32_t default_pid)
{
	const char *p = line;
	uint32_t tid = default_pid;
	uint64_t ts = 0;
	bool tod = false;

	c->st->lines++;
	/* optional "PID " (strace -f -o) or "[pid PID] " (strace -f to stderr) */
	if (!strncmp(p, "[pid ", 5)) {
		p = skip_sp(p + 5);
		tid = (uint32_t)imp_parse_u64(&p);
		if (*p != ']') {
			goto bad;
		}
		p = skip_sp(p + 1);
	} else if (*p >= '0' && *p <= '9') {
		const char *q = p;
		uint64_t v = imp_parse_u64(&q);
		if (*q == ' ' || *q == '\t') {
			tid = (uint32_t)v;
			p = skip_sp(q);
		}
	}
	if (*p >= '0' && *p <= '9') {
		if (!parse_time(&p, &ts, &tod)) {
			goto bad;
		}
		p = skip_sp(p);
	} else {
		ts = (c->st->lines) * 1000ull;
		c->synthetic = true;
	}
	(void)tod;

	if (*p == '[' && p[1] != ' ') {
		/* -i: "[00007f3a2b4c5d6e] " instruction pointer before the call */
		const char *q = p + 1;
		while ((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || *q == '?') {
			q++;
		}
		if (*q == ']') {
			p = skip_sp(q + 1);
		}
	}
	if (!strncmp(p, "+++ ", 4)) {
		p += 4;
		if (!strncmp(p, "exited with ", 12) || !strncmp(p, "killed by ", 10)) {
			flush_pending(c, tid);
			emit_exit(c, tid, ts, p);
		}
		if (!strncmp(p, "superseded by execve in pid ", 28)) {
			/*
			 * "L +++ superseded by execve in pid T +++": thread T's
			 * execve finishes as the leader L ("<... execve resumed>"
			 * comes under L), so T's pending call moves to L, and
			 * what L was doing ends unfinished.
			 */
			const char *q = p + 28;
			uint32_t thread = (uint32_t)imp_parse_u64(&q);
			uint32_t *from = imp_map_find(&c->pidx, thread);
			if (from && c->pend[*from].used && thread != tid) {
				struct st_pending moved = c->pend[*from];
				c->pend[*from].used = false;
				flush_pending(c, tid);
				struct st_pending *to = pend_get(c, tid);
				if (to) {
					/* it returns as L: the exec belongs to L's process */
					*to = moved;
				}
			}
		}
		return;
	}
	if (!strncmp(p, "--- ", 4)) {
		c->st->signals++;
		return;
	}
	if (!strncmp(p, "<... ", 5)) {
		const char *n = p + 5;
		size_t nl = strcspn(n, " ");
		const char *rest;
		uint32_t *ix;
		struct st_pending *pd;

		if (strncmp(n + nl, " resumed>", 9)) {
			goto bad;
		}
		rest = n + nl + 9;
		ix = imp_map_find(&c->pidx, tid);
		pd = ix ? &c->pend[*ix] : NULL;
		if (!pd || !pd->used || strlen(pd->name) != nl || strncmp(pd->name, n, nl)) {
			c->st->orphan_exits++;
			imp_bad(&c->rep, c->file, c->line, "resumed call without its unfinished line",
				line);
			return;
		}
		size_t rl = strlen(rest);
		const char *uf = " <unfinished ...>";
		if (rl >= 16 && !strcmp(rest + rl - 16, uf + 1)) {
			/* interrupted again: keep waiting */
			size_t ol = strlen(pd->args);
			char *a = imp_pool_alloc(&c->pool, ol + rl + 1);
			if (!a) {
				c->oom = true;
				return;
			}
			memcpy(a, pd->args, ol);
			memcpy(a + ol, rest, rl - 16);
			a[ol + rl - 16] = '\0';
			pd->args = a;
			return;
		}
		const char *close = scan_close(rest, 1);
		int64_t ret;
		bool unk;
		uint64_t dur;
		if (!close || !parse_result(close + 1, &ret, &unk, &dur)) {
			imp_bad(&c->rep, c->file, c->line, "unparsable resumed line", line);
			c->st->bad_lines++;
			pd->used = false;
			return;
		}
		size_t ol = strlen(pd->args), tl = (size_t)(close - rest);
		char *a = imp_pool_alloc(&c->pool, ol + tl + 1);
		if (!a) {
			c->oom = true;
			return;
		}
		memcpy(a, pd->args, ol);
		memcpy(a + ol, rest, tl);
		a[ol + tl] = '\0';
		pd->used = false;
		emit_call(c, tid, pd->ts, pd->name, a, ret, unk, dur, 0);
		return;
	}
	if (*p == '[' || !strncmp(p, "strace: ", 8)) {
		/* "[ Process PID 1 runs in 32 bit mode. ]" and strace's own notes */
		return;
	}
	{
		const char *n = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		       *p == '_' || *p == '?') {
			p++;
		}
		if (p == n || *p != '(') {
			goto bad;
		}
		char *name = imp_pool_strndup(&c->pool, n, (size_t)(p - n));
		const char *args = p + 1;
		size_t ll = strlen(args);
		if (!name) {
			c->oom = true;
			return;
		}
		if (ll >= 16 && !strcmp(args + ll - 16, "<unfinished ...>")) {
			struct st_pending *pd;
			flush_pending(c, tid);
			pd = pend_get(c, tid);
			if (!pd) {
				return;
			}
			pd->used = true;
			pd->ts = ts;
			pd->name = name;
			pd->line = c->line;
			/* keep the text as printed: the resumed part continues it */
			pd->args = imp_pool_strndup(&c->pool, args, ll - 16);
			if (!pd->args) {
				c->oom = true;
			}
			return;
		}
		const char *close = scan_close(args, 1);
		int64_t ret;
		bool unk;
		uint64_t dur;
		if (!close || !parse_result(close + 1, &ret, &unk, &dur)) {
			goto bad;
		}
		char *a = imp_pool_strndup(&c->pool, args, (size_t)(close - args));
		if (!a) {
			c->oom = true;
			return;
		}
		emit_call(c, tid, ts, name, a, ret, unk, dur, 0);
		return;
	}
bad:
	c->st->bad_lines++;
	imp_bad(&c->rep, c->file, c->line, "unparsable line", line);
}

static int parse_file(struct st_ctx *c, const char *path)
{
	char *buf = NULL, *p, *nl;
	size_t len;
	uint32_t default_pid;
	const char *dot = strrchr(path, '.');
	bool summary = false;

	/* strace -ff -o FILE writes FILE.PID without the pid prefix */
	if (dot && dot[1] >= '0' && dot[1] <= '9' && strspn(dot + 1, "0123456789") == strlen(dot + 1)) {
		default_pid = (uint32_t)strtoul(dot + 1, NULL, 10);
	} else {
		default_pid = c->file_no + 1;
	}
	if (imp_read_file(path, &buf, &len)) {
		return 1;
	}
	c->file = path;
	c->line = 0;
	for (p = buf; *p && !c->oom; p = nl) {
		nl = strchr(p, '\n');
		if (nl) {
			*nl++ = '\0';
		} else {
			nl = p + strlen(p);
		}
		c->line++;
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r') {
			p[--l] = '\0';
		}
		if (!l) {
			continue;
		}
		/* -k: " > /lib/libc.so.6(write+0x14) [0x10e2f4]" stack lines */
		if (!strncmp(p, " > ", 3)) {
			continue;
		}
		/* the -c/-C summary table ends the trace part of the file */
		if (summary || !strncmp(p, "% time", 6)) {
			summary = true;
			continue;
		}
		parse_line(c, p, default_pid);
	}
	free(buf);
	if (c->oom) {
		cli_err("%s: out of memory", path);
		return 1;
	}
	return 0;
}

static int cmp_ev(const void *a, const void *b)
{
	const struct st_ev *x = a, *y = b;

	if (x->ts != y->ts) {
		return x->ts < y->ts ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int32_t tgid_of(struct st_ctx *c, uint32_t tid)
{
	uint32_t cur = tid;

	/* threads share their creator's tgid; follow CLONE_THREAD links up */
	for (int guard = 0; guard < 1 << 16; guard++) {
		uint32_t *ix = imp_map_find(&c->tidx, cur);
		if (!ix) {
			return (int32_t)cur;
		}
		struct st_proc *p = &c->procs[*ix];
		if (!p->is_thread || !p->has_parent) {
			return (int32_t)cur;
		}
		cur = p->parent;
	}
	return (int32_t)tid;
}

int imp_strace(const char *const *inputs, size_t n, const char *out, const struct imp_opts *o,
	       struct imp_stats *st)
{
	Sysrec__Header h = SYSREC__HEADER__INIT;
	struct st_ctx c = { 0 };
	struct sr_writer *w = NULL;
	struct sr_procinfo *pi = NULL;
	struct sr_error e = { 0 };
	const char *abi = o->abi ? o->abi : "x86_64";
	bool header_ok = false;
	size_t npi = 0;
	int rc = 1;

	c.o = o;
	c.st = st;
	c.rep.quiet = o->quiet;
	c.abi = sr_abi_from_name(abi);
	if (c.abi == SR_ABI_UNKNOWN) {
		cli_err("strace logs name syscalls: an ABI with a syscall table is needed, not '%s'",
			abi);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		c.file_no = (uint32_t)i;
		if (parse_file(&c, inputs[i])) {
			goto out;
		}
		st->inputs++;
	}
	/* flush every still-pending call (walk the map to get the tids) */
	for (size_t i = 0; i < c.pidx.cap; i++) {
		if (c.pidx.used[i]) {
			flush_pending(&c, c.pidx.keys[i]);
		}
	}
	if (c.oom) {
		cli_err("out of memory");
		goto out;
	}

	/* tgids, parent pids, and the process table */
	for (size_t i = 0; i < c.nprocs; i++) {
		c.procs[i].tgid = tgid_of(&c, c.procs[i].tid);
	}
	pi = calloc(c.nprocs ? c.nprocs : 1, sizeof(*pi));
	if (!pi) {
		cli_err("out of memory");
		goto out;
	}
	for (size_t i = 0; i < c.nprocs; i++) {
		struct st_proc *p = &c.procs[i];
		if ((uint32_t)p->tgid != p->tid) {
			continue;
		}
		struct sr_procinfo *q = &pi[npi++];
		q->pid = p->tgid;
		q->ppid = p->has_parent ? tgid_of(&c, p->parent) : 0;
		q->comm = p->comm;
		q->exe = p->exe;
		q->cmdline = p->argv;
		q->cmdline_len = p->argc;
		q->start_ns = p->first_ts;
		q->source = inputs[p->file];
		q->label = o->label;
		q->nthreads = 0;
	}
	{
		struct imp_map byp = { 0 };
		for (size_t k = 0; k < npi; k++) {
			if (!imp_map_get(&byp, (uint32_t)pi[k].pid, (uint32_t)k, NULL)) {
				imp_map_free(&byp);
				cli_err("out of memory");
				goto out;
			}
		}
		for (size_t i = 0; i < c.nprocs; i++) {
			uint32_t *k = imp_map_find(&byp, (uint32_t)c.procs[i].tgid);
			if (k) {
				pi[*k].nthreads++;
			}
		}
		imp_map_free(&byp);
	}
	for (size_t i = 0; i < c.nev; i++) {
		struct st_ev *x = &c.ev[i];
		if (x->type == EV_SC) {
			x->sc.tgid = (uint32_t)tgid_of(&c, x->sc.tid);
		} else {
			x->pe.pid = tgid_of(&c, (uint32_t)x->pe.tid);
			if (x->pe.kind == SR_PROC_FORK) {
				x->pe.parent_pid = tgid_of(&c, (uint32_t)x->pe.parent_tid);
			}
			if (x->pe.kind == SR_PROC_EXIT) {
				/* the last thread of a process, as far as strace shows it */
				x->pe.group_dead = x->pe.tid == x->pe.pid;
			}
		}
	}
	qsort(c.ev, c.nev, sizeof(*c.ev), cmp_ev);

	if (imp_header_init(&h, abi, "strace", inputs, n, o)) {
		goto out;
	}
	header_ok = true;
	h.times_synthetic = c.synthetic;
	h.clock_boot_ns = c.nev ? c.ev[0].ts : 0;
	h.clock_realtime_ns = (int64_t)h.clock_boot_ns;
	h.args_captured = true;
	sr_header_set_label(&h, "clock", c.synthetic ? "synthetic" : "epoch");
	w = imp_writer_open(out, &h, o);
	if (!w) {
		goto out;
	}
	if (npi && sr_writer_process_table(w, pi, npi, &e) != SR_OK) {
		rc = imp_writer_fail(w, out, &e);
		w = NULL;
		goto out;
	}
	st->processes = npi;
	for (size_t i = 0; i < c.nev; i++) {
		enum sr_status s;
		if (c.ev[i].type == EV_SC) {
			s = sr_writer_syscall(w, &c.ev[i].sc, &e);
		} else {
			s = sr_writer_proc(w, &c.ev[i].pe, &e);
		}
		if (s != SR_OK) {
			rc = imp_writer_fail(w, out, &e);
			w = NULL;
			goto out;
		}
	}
	rc = imp_writer_close(w, out, st);
	w = NULL;
	imp_report_summary(&c.rep);
out:
	if (header_ok) {
		sr_header_free(&h);
	}
	free(pi);
	free(c.ev);
	free(c.procs);
	free(c.pend);
	imp_map_free(&c.tidx);
	imp_map_free(&c.pidx);
	imp_names_free(&c.unknown);
	imp_pool_free(&c.pool);
	sym_free();
	return rc;
}
