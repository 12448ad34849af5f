// SPDX-License-Identifier: MIT
/*
 * LID-DS 2021 import. A recording is a .zip holding NAME.sc (one line per
 * syscall event) and NAME.json (metadata); a bare .sc file is read with the
 * NAME.json next to it when there is one. .sc lines are
 *
 *   timestamp_ns uid pid comm tid syscall dir args...
 *
 * with dir '>' for the entry and '<' for the exit, args as key=value words
 * (sysdig style: "fd=3(<f>/etc/passwd)", "name=/etc/passwd", "res=-2(ENOENT)").
 * Entry and exit are joined per tid: entry time from '>', duration = exit -
 * entry, return value from the exit's res= (or its leading fd= for calls
 * that return an fd). Paths from name=/path=/filename=/oldpath=/newpath= go to
 * the PATH arguments of the syscall table, file fds' paths to FD arguments.
 * Exits without an entry (the recording started mid-call) are kept with their
 * exit time and no duration; entries without an exit are flagged unfinished
 * (noreturn for exit/exit_group).
 * Process events: clone/fork results -> fork (thread when CLONE_THREAD shows),
 * successful execve -> exec (exe=), procexit -> exit.
 * Times are epoch ns, used as they are (boot-time clock = epoch clock, as for
 * strace imports). The .json is kept as header labels (flattened keys, e.g.
 * "exploit", "time.exploit.0.absolute") and every process of the recording is
 * labelled "attack" when "exploit" is true, "normal" otherwise.
 * Several recordings can go into one trace: pids that collide with those of
 * an earlier recording are renumbered from 4194304 (above pid_max) upwards.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "import.h"

#define FRESH_PID_BASE 4194304u

/* ---- zip (central directory, stored or deflate) ---- */

static uint32_t rd16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

/*
 * Extract the first member of ZIP whose name ends in SUFFIX. Returns 0 with
 * *out (NUL-terminated, malloc'ed) and *name, 1 on error (reported), or -1
 * when there is no such member.
 */
static int zip_extract(const char *path, const unsigned char *z, size_t zlen, const char *suffix,
		       char **out, size_t *outlen, char *name, size_t namesz)
{
	const unsigned char *eocd = NULL, *cd;
	size_t i, n, sl = strlen(suffix);

	if (zlen < 22) {
		goto bad;
	}
	for (i = zlen - 22 + 1; i-- > 0 && zlen - i <= 22 + 65535;) {
		if (rd32(z + i) == 0x06054b50) {
			eocd = z + i;
			break;
		}
	}
	if (!eocd) {
		goto bad;
	}
	n = rd16(eocd + 10);
	if (rd32(eocd + 16) > zlen) {
		goto bad;
	}
	cd = z + rd32(eocd + 16);
	for (i = 0; i < n; i++) {
		if ((size_t)(cd - z) + 46 > zlen || rd32(cd) != 0x02014b50) {
			goto bad;
		}
		uint32_t method = rd16(cd + 10), csize = rd32(cd + 20), usize = rd32(cd + 24);
		uint32_t fnl = rd16(cd + 28), exl = rd16(cd + 30), cml = rd16(cd + 32);
		uint32_t loff = rd32(cd + 42);
		const char *fn = (const char *)cd + 46;
		if ((size_t)(cd - z) + 46 + fnl > zlen) {
			goto bad;
		}
		if (fnl >= sl && !memcmp(fn + fnl - sl, suffix, sl)) {
			const unsigned char *lh = z + loff;
			if (csize == 0xffffffffu || usize == 0xffffffffu) {
				cli_err("%s: %.*s: zip64 members are not supported; unzip it and import "
					"the .sc file", path, (int)fnl, fn);
				return 1;
			}
			if ((size_t)loff + 30 > zlen || rd32(lh) != 0x04034b50) {
				goto bad;
			}
			size_t doff = (size_t)loff + 30 + rd16(lh + 26) + rd16(lh + 28);
			if (doff + csize > zlen) {
				goto bad;
			}
			snprintf(name, namesz, "%.*s", (int)fnl, fn);
			char *buf = malloc((size_t)usize + 1);
			if (!buf) {
				cli_err("%s: out of memory", path);
				return 1;
			}
			if (method == 0) {
				if (csize != usize) {
					free(buf);
					goto bad;
				}
				memcpy(buf, z + doff, usize);
			} else if (method == 8) {
				z_stream s = { 0 };
				int zr;
				if (inflateInit2(&s, -15) != Z_OK) {
					free(buf);
					cli_err("%s: zlib init failed", path);
					return 1;
				}
				s.next_in = (unsigned char *)(z + doff);
				s.avail_in = csize;
				s.next_out = (unsigned char *)buf;
				s.avail_out = usize;
				zr = inflate(&s, Z_FINISH);
				inflateEnd(&s);
				if (zr != Z_STREAM_END || s.total_out != usize) {
					free(buf);
					cli_err("%s: %s: damaged deflate data", path, name);
					return 1;
				}
			} else {
				free(buf);
				cli_err("%s: %s: zip compression method %u is not supported", path, name,
					method);
				return 1;
			}
			buf[usize] = '\0';
			*out = buf;
			*outlen = usize;
			return 0;
		}
		cd += 46 + fnl + exl + cml;
	}
	return -1;
bad:
	cli_err("%s: not a readable zip file (no central directory or a damaged one)", path);
	return 1;
}

/* ---- JSON metadata, flattened into key/value labels ---- */

struct json {
	const char *p;
	Sysrec__Header *h;
	const char *prefix;
	int depth;
	bool exploit;
	bool has_exploit;
	bool bad;
};

static void js_ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') {
		j->p++;
	}
}

/* A JSON string into BUF (escapes decoded, \u as '?' beyond ASCII). */
static bool js_str(struct json *j, char *buf, size_t n)
{
	size_t k = 0;

	if (*j->p != '"') {
		return false;
	}
	j->p++;
	while (*j->p && *j->p != '"') {
		char c = *j->p++;
		if (c == '\\') {
			c = *j->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				for (int i = 0; i < 4 && *j->p; i++) {
					char h = *j->p++;
					v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
				}
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			case '\0':
				return false;
			}
		}
		if (k + 1 < n) {
			buf[k++] = c;
		}
	}
	if (*j->p != '"') {
		return false;
	}
	j->p++;
	buf[k] = '\0';
	return true;
}

static void js_value(struct json *j, const char *key);

static void js_put(struct json *j, const char *key, const char *val)
{
	char k[512];

	if (j->prefix && *j->prefix) {
		snprintf(k, sizeof(k), "%s/%s", j->prefix, key);
	} else {
		snprintf(k, sizeof(k), "%s", key);
	}
	sr_header_set_label(j->h, k, val);
	if (!strcmp(key, "exploit")) {
		j->has_exploit = true;
		j->exploit = !strcmp(val, "true");
	}
}

static void js_value(struct json *j, const char *key)
{
	char sub[512], val[1024];

	js_ws(j);
	if (++j->depth > 32) {
		j->bad = true;
		return;
	}
	if (*j->p == '{') {
		j->p++;
		js_ws(j);
		if (*j->p == '}') {
			j->p++;
		} else {
			for (;;) {
				char name[256];
				js_ws(j);
				if (!js_str(j, name, sizeof(name))) {
					j->bad = true;
					return;
				}
				js_ws(j);
				if (*j->p != ':') {
					j->bad = true;
					return;
				}
				j->p++;
				snprintf(sub, sizeof(sub), "%s%s%s", key, *key ? "." : "", name);
				js_value(j, sub);
				if (j->bad) {
					return;
				}
				js_ws(j);
				if (*j->p == ',') {
					j->p++;
					continue;
				}
				if (*j->p == '}') {
					j->p++;
					break;
				}
				j->bad = true;
				return;
			}
		}
	} else if (*j->p == '[') {
		int idx = 0;
		j->p++;
		js_ws(j);
		if (*j->p == ']') {
			j->p++;
		} else {
			for (;;) {
				snprintf(sub, sizeof(sub), "%s%s%d", key, *key ? "." : "", idx++);
				js_value(j, sub);
				if (j->bad) {
					return;
				}
				js_ws(j);
				if (*j->p == ',') {
					j->p++;
					continue;
				}
				if (*j->p == ']') {
					j->p++;
					break;
				}
				j->bad = true;
				return;
			}
		}
	} else if (*j->p == '"') {
		if (!js_str(j, val, sizeof(val))) {
			j->bad = true;
			return;
		}
		js_put(j, key, val);
	} else {
		const char *s = j->p;
		while (*j->p && !strchr(",}] \t\r\n", *j->p)) {
			j->p++;
		}
		if (j->p == s) {
			j->bad = true;
			return;
		}
		snprintf(val, sizeof(val), "%.*s", (int)(j->p - s), s);
		js_put(j, key, val);
	}
	j->depth--;
}

/* ---- .sc lines ---- */

struct ld_pending {
	uint64_t ts;
	uint32_t nr;
	uint32_t pid;
	bool used;
	bool known;
	char name[32];
	char *args;   /* malloc'ed copy of the entry's args */
	size_t cap;
};

struct ld_ctx {
	const struct imp_opts *o;
	struct imp_stats *st;
	enum sr_abi abi;
	struct sr_writer *w;
	const char *out;
	struct imp_report rep;
	struct imp_names unknown;
	struct imp_map pidx;      /* tid -> pending index */
	struct ld_pending *pend;
	size_t npend, cappend;
	struct imp_map used;      /* pids/tids taken by earlier recordings */
	struct imp_map remap;     /* this recording: original -> written id */
	uint32_t fresh;
	const char *file;
	uint64_t line;
	bool failed;
	char str[6][1024];        /* strings of the event being written */
};

/* The written id for an original tid/pid of the current recording. */
static uint32_t ld_id(struct ld_ctx *c, uint32_t id)
{
	bool added;
	uint32_t *v = imp_map_get(&c->remap, id, id, &added);

	if (!v) {
		return id;
	}
	if (added) {
		if (imp_map_find(&c->used, id)) {
			*v = c->fresh++;
		}
	}
	return *v;
}

/* Fields of one line; pointers into the line. */
struct ld_line {
	uint64_t ts;
	uint32_t uid, pid, tid;
	const char *comm;
	size_t comm_len;
	const char *name;
	size_t name_len;
	char dir;
	const char *args;
};

static bool ld_split(const char *p, struct ld_line *l)
{
	const char *s;

	s = p;
	l->ts = imp_parse_u64(&p);
	if (p == s || *p != ' ') {
		return false;
	}
	s = ++p;
	l->uid = (uint32_t)imp_parse_u64(&p);
	if (p == s || *p != ' ') {
		return false;
	}
	s = ++p;
	l->pid = (uint32_t)imp_parse_u64(&p);
	if (p == s || *p != ' ') {
		return false;
	}
	l->comm = ++p;
	while (*p && *p != ' ' && *p != '\n') {
		p++;
	}
	l->comm_len = (size_t)(p - l->comm);
	if (*p != ' ') {
		return false;
	}
	s = ++p;
	l->tid = (uint32_t)imp_parse_u64(&p);
	if (p == s || *p != ' ') {
		return false;
	}
	l->name = ++p;
	while (*p && *p != ' ' && *p != '\n') {
		p++;
	}
	l->name_len = (size_t)(p - l->name);
	if (*p != ' ' || !l->name_len) {
		return false;
	}
	p++;
	if (*p != '>' && *p != '<') {
		return false;
	}
	l->dir = *p++;
	while (*p == ' ') {
		p++;
	}
	l->args = p;
	return true;
}

/* Value of KEY= among ARGS (space-separated key=value words), or NULL. */
static const char *ld_arg(const char *args, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	const char *p = args;

	while (*p) {
		while (*p == ' ') {
			p++;
		}
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			const char *v = p + kl + 1, *e = v;
			/* values with parentheses (fd=3(<f>/a b)) may hold spaces */
			int depth = 0;
			while (*e && (depth > 0 || *e != ' ')) {
				if (*e == '(') {
					depth++;
				} else if (*e == ')') {
					depth--;
				}
				e++;
			}
			*len = (size_t)(e - v);
			return v;
		}
		/* next word */
		int depth = 0;
		while (*p && (depth > 0 || *p != ' ')) {
			if (*p == '(') {
				depth++;
			} else if (*p == ')') {
				depth--;
			}
			p++;
		}
	}
	return NULL;
}

static bool ld_num(const char *args, const char *key, int64_t *v)
{
	size_t n;
	const char *p = ld_arg(args, key, &n);

	return p && imp_parse_i64(&p, v);
}

/* The file path in an fd value "3(<f>/etc/passwd)", or NULL. */
static const char *fd_path(const char *v, size_t n, size_t *plen)
{
	const char *o = memchr(v, '(', n);

	if (!o || n < 6 || v[n - 1] != ')' || o[1] != '<' || o + 4 > v + n) {
		return NULL;
	}
	const char *gt = memchr(o, '>', (size_t)(v + n - o));
	if (!gt || gt[1] == ')') {
		return NULL;
	}
	/* only files and directories: sockets and pipes are not paths */
	if (o[2] != 'f' && o[2] != 'd') {
		return NULL;
	}
	*plen = (size_t)(v + n - 1 - (gt + 1));
	return gt + 1;
}

static void set_str(struct ld_ctx *c, struct sr_syscall *sc, int i, const char *v, size_t n)
{
	if (i < 0 || i > 5 || sc->str[i]) {
		return;
	}
	if (n >= sizeof(c->str[i])) {
		n = sizeof(c->str[i]) - 1;
	}
	memcpy(c->str[i], v, n);
	c->str[i][n] = '\0';
	sc->str[i] = c->str[i];
}

/* Paths from the entry's and exit's words into the call's PATH/FD arguments. */
static void ld_paths(struct ld_ctx *c, struct sr_syscall *sc, const char *args, bool fd_is_ret)
{
	static const char *const path_keys[] = { "name", "path", "filename", "pathname",
						 "oldpath", "newpath", "target", "linkpath" };
	const struct sr_syscall_info *si = sr_syscall_by_nr(c->abi, sc->nr);
	int path_pos[6], npath = 0, fd_pos = -1, k = 0;
	size_t n, pl;
	const char *v, *pp;

	if (!si || !args || !*args) {
		return;
	}
	for (int i = 0; i < si->nargs && i < 6; i++) {
		if (si->arg[i] == SR_ARG_PATH) {
			path_pos[npath++] = i;
		} else if (si->arg[i] == SR_ARG_FD && fd_pos < 0) {
			fd_pos = i;
		}
	}
	for (size_t i = 0; i < sizeof(path_keys) / sizeof(path_keys[0]) && k < npath; i++) {
		v = ld_arg(args, path_keys[i], &n);
		if (v && n && v[0] != '<') {
			/* sysdig appends "(/resolved)" to some paths: keep what the call named */
			const char *par = memchr(v, '(', n);
			set_str(c, sc, path_pos[k++], v, par ? (size_t)(par - v) : n);
		}
	}
	if (fd_pos >= 0 && !fd_is_ret) {
		v = ld_arg(args, "fd", &n);
		if (v && (pp = fd_path(v, n, &pl)) && pl) {
			set_str(c, sc, fd_pos, pp, pl);
		}
	}
}

static struct ld_pending *ld_pend(struct ld_ctx *c, uint32_t tid)
{
	bool added;
	uint32_t *ix = imp_map_get(&c->pidx, tid, (uint32_t)c->npend, &added);

	if (!ix) {
		return NULL;
	}
	if (added) {
		if (c->npend == c->cappend) {
			size_t cap = c->cappend ? c->cappend * 2 : 64;
			struct ld_pending *n = realloc(c->pend, cap * sizeof(*n));
			if (!n) {
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

static void ld_write_sc(struct ld_ctx *c, struct sr_syscall *sc)
{
	struct sr_error e = { 0 };

	if (c->failed) {
		return;
	}
	if (sr_writer_syscall(c->w, sc, &e) != SR_OK) {
		imp_writer_fail(c->w, c->out, &e);
		c->w = NULL;
		c->failed = true;
		return;
	}
	c->st->syscalls++;
}

static void ld_write_proc(struct ld_ctx *c, struct sr_proc_event *pe)
{
	struct sr_error e = { 0 };

	if (c->failed) {
		return;
	}
	if (sr_writer_proc(c->w, pe, &e) != SR_OK) {
		imp_writer_fail(c->w, c->out, &e);
		c->w = NULL;
		c->failed = true;
		return;
	}
	c->st->proc_events++;
}

/* A pending entry that got no exit. */
static void ld_flush(struct ld_ctx *c, uint32_t tid, struct ld_pending *pd)
{
	struct sr_syscall sc = { 0 };

	if (!pd->used) {
		return;
	}
	pd->used = false;
	sc.ts = pd->ts;
	sc.tid = ld_id(c, tid);
	sc.tgid = ld_id(c, pd->pid);
	sc.nr = pd->nr;
	if (!strcmp(pd->name, "exit") || !strcmp(pd->name, "exit_group")) {
		sc.flags = SR_SC_NORETURN;
	} else {
		sc.flags = SR_SC_UNFINISHED;
		c->st->unfinished++;
	}
	ld_paths(c, &sc, pd->args, false);
	ld_write_sc(c, &sc);
}

static bool ld_lookup(struct ld_ctx *c, const char *name, uint32_t *nr)
{
	const struct sr_syscall_info *si = sr_syscall_by_name(c->abi, name);

	if (si) {
		*nr = si->nr;
		return true;
	}
	c->st->unknown_names++;
	if (imp_names_first(&c->unknown, name) && !c->o->quiet) {
		cli_warn("%s:%" PRIu64 ": unknown syscall '%s' for ABI %s (skipped; counted)", c->file,
			 c->line, name, sr_abi_name(c->abi));
	}
	return false;
}

static void ld_event(struct ld_ctx *c, struct ld_line *l)
{
	char name[32];
	struct ld_pending *pd;

	snprintf(name, sizeof(name), "%.*s", (int)(l->name_len < 31 ? l->name_len : 31), l->name);
	if (!strcmp(name, "procexit")) {
		struct sr_proc_event pe = { 0 };
		int64_t v;
		/* the thread's last call (exit, exit_group) ends here */
		pd = ld_pend(c, l->tid);
		if (pd) {
			ld_flush(c, l->tid, pd);
		}
		pe.ts = l->ts;
		pe.kind = SR_PROC_EXIT;
		pe.tid = (int32_t)ld_id(c, l->tid);
		pe.pid = (int32_t)ld_id(c, l->pid);
		if (ld_num(l->args, "ret", &v)) {
			pe.exit_code = (int32_t)v;
		} else if (ld_num(l->args, "status", &v)) {
			pe.exit_code = (int32_t)((v >> 8) & 0xff);
			pe.exit_signal = (int32_t)(v & 0x7f);
		}
		if (ld_num(l->args, "sig", &v)) {
			pe.exit_signal = (int32_t)v;
		}
		if (ld_num(l->args, "core", &v)) {
			pe.core_dumped = v != 0;
		}
		pe.group_dead = l->tid == l->pid;
		ld_write_proc(c, &pe);
		return;
	}
	if (!strcmp(name, "switch") || !strcmp(name, "signaldeliver") || !strcmp(name, "container") ||
	    !strcmp(name, "drop") || !strcmp(name, "procinfo")) {
		/* capture-tool events, not syscalls */
		if (!strcmp(name, "signaldeliver")) {
			c->st->signals++;
		}
		return;
	}
	pd = ld_pend(c, l->tid);
	if (!pd) {
		c->failed = true;
		cli_err("out of memory");
		return;
	}
	if (l->dir == '>') {
		uint32_t nr;
		ld_flush(c, l->tid, pd);
		if (!ld_lookup(c, name, &nr)) {
			return;
		}
		size_t al = strlen(l->args);
		if (al + 1 > pd->cap) {
			char *n = realloc(pd->args, al + 1);
			if (!n) {
				c->failed = true;
				cli_err("out of memory");
				return;
			}
			pd->args = n;
			pd->cap = al + 1;
		}
		memcpy(pd->args, l->args, al + 1);
		pd->used = true;
		pd->pid = l->pid;
		pd->ts = l->ts;
		pd->nr = nr;
		snprintf(pd->name, sizeof(pd->name), "%s", name);
		return;
	}

	/* exit */
	struct sr_syscall sc = { 0 };
	int64_t v;
	size_t n;
	const char *res;
	bool fd_is_ret = false;

	if (pd->used && strcmp(pd->name, name)) {
		/* the exit of another call: its own entry was lost */
		ld_flush(c, l->tid, pd);
	}
	bool had_entry = pd->used;
	if (pd->used) {
		sc.ts = pd->ts;
		sc.nr = pd->nr;
		sc.duration = l->ts >= pd->ts ? l->ts - pd->ts : 0;
		pd->used = false;
	} else {
		uint32_t nr;
		if ((!strcmp(name, "clone") || !strcmp(name, "clone3") || !strcmp(name, "fork") ||
		     !strcmp(name, "vfork")) &&
		    (res = ld_arg(l->args, "res", &n)) && imp_parse_i64(&res, &v) && v == 0) {
			/* the child's half of its parent's clone: not a call of its own */
			return;
		}
		if (!ld_lookup(c, name, &nr)) {
			return;
		}
		sc.ts = l->ts;
		sc.nr = nr;
		c->st->orphan_exits++;
	}
	sc.tid = ld_id(c, l->tid);
	sc.tgid = ld_id(c, l->pid);
	if ((res = ld_arg(l->args, "res", &n)) && imp_parse_i64(&res, &v)) {
		sc.ret = v;
	} else if (!strncmp(l->args, "fd=", 3)) {
		/* open, socket, accept...: the exit's leading fd= is the result */
		const char *q = l->args + 3;
		if (imp_parse_i64(&q, &v)) {
			sc.ret = v;
		}
		fd_is_ret = true;
	}
	ld_paths(c, &sc, l->args, fd_is_ret);
	if (had_entry) {
		ld_paths(c, &sc, pd->args, false);
	}
	ld_write_sc(c, &sc);

	/* process events */
	if (sc.ret > 0 && (!strcmp(name, "clone") || !strcmp(name, "clone3") ||
			   !strcmp(name, "fork") || !strcmp(name, "vfork"))) {
		struct sr_proc_event pe = { 0 };
		const char *f = ld_arg(l->args, "flags", &n);
		bool thread = f && memmem(f, n, "CLONE_THREAD", 12);
		pe.ts = sc.ts;
		pe.kind = SR_PROC_FORK;
		pe.tid = (int32_t)ld_id(c, (uint32_t)sc.ret);
		pe.pid = thread ? (int32_t)sc.tgid : pe.tid;
		pe.parent_tid = (int32_t)sc.tid;
		pe.parent_pid = (int32_t)sc.tgid;
		pe.is_thread = thread;
		if (f) {
			const char *q = f;
			if (imp_parse_i64(&q, &v)) {
				pe.clone_flags = (uint64_t)v;
			}
		}
		ld_write_proc(c, &pe);
	} else if (sc.ret == 0 && (!strcmp(name, "execve") || !strcmp(name, "execveat"))) {
		struct sr_proc_event pe = { 0 };
		char comm[64], exe[1024];
		const char *argv[1];
		const char *x = ld_arg(l->args, "exe", &n);
		pe.ts = sc.ts + sc.duration;
		pe.kind = SR_PROC_EXEC;
		pe.tid = (int32_t)sc.tid;
		pe.pid = (int32_t)sc.tgid;
		if (x) {
			snprintf(exe, sizeof(exe), "%.*s", (int)n, x);
			pe.filename = exe;
			argv[0] = exe;
			pe.argv = argv;
			pe.argc = 1;
			pe.argv_truncated = true; /* sysdig's args= cannot be split back */
		}
		x = ld_arg(l->args, "comm", &n);
		if (x) {
			snprintf(comm, sizeof(comm), "%.*s", (int)n, x);
		} else {
			snprintf(comm, sizeof(comm), "%.*s", (int)l->comm_len, l->comm);
		}
		pe.comm = comm;
		ld_write_proc(c, &pe);
	}
}

/* ---- recordings ---- */

struct ld_rec {
	const char *input;
	char name[256];      /* recording name: file name without .zip/.sc */
	char *sc;            /* the .sc text (loaded on demand) */
	size_t sclen;
	bool has_json;
	bool exploit;
};

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

/* Load the .sc text of R (and, with H, its .json as header labels). */
static int ld_load(struct ld_rec *r, Sysrec__Header *h, const char *prefix, bool want_sc,
		   struct imp_report *rep)
{
	char *z = NULL, *json = NULL, member[512];
	size_t zlen, jlen;
	int rc = 1, x;

	if (ends_with(r->input, ".zip")) {
		if (imp_read_file(r->input, &z, &zlen)) {
			return 1;
		}
		if (want_sc) {
			x = zip_extract(r->input, (unsigned char *)z, zlen, ".sc", &r->sc, &r->sclen,
					member, sizeof(member));
			if (x < 0) {
				cli_err("%s: no .sc file in the zip", r->input);
			}
			if (x) {
				goto out;
			}
		}
		if (h) {
			x = zip_extract(r->input, (unsigned char *)z, zlen, ".json", &json, &jlen,
					member, sizeof(member));
			if (x > 0) {
				goto out;
			}
		}
	} else {
		if (want_sc && imp_read_file(r->input, &r->sc, &r->sclen)) {
			goto out;
		}
		if (h) {
			char jp[4096];
			size_t l = strlen(r->input);
			if (ends_with(r->input, ".sc")) {
				l -= 3;
			}
			snprintf(jp, sizeof(jp), "%.*s.json", (int)l, r->input);
			FILE *f = fopen(jp, "r");
			if (f) {
				fclose(f);
				if (imp_read_file(jp, &json, &jlen)) {
					goto out;
				}
			}
		}
	}
	if (json) {
		struct json j = { .p = json, .h = h, .prefix = prefix };
		js_value(&j, "");
		if (j.bad) {
			imp_bad(rep, r->input, 0, "unparsable JSON metadata (kept what was read)",
				NULL);
		}
		r->has_json = true;
		r->exploit = j.has_exploit && j.exploit;
	}
	rc = 0;
out:
	free(z);
	free(json);
	return rc;
}

struct ld_procs {
	struct sr_procinfo *v;
	size_t n, cap;
	struct imp_map ix;
	char *comms; /* n * 16 bytes */
};

/* One recording's lines: the process table first, then the events. */
static int ld_recording(struct ld_ctx *c, struct ld_rec *r, const char *label)
{
	struct ld_procs pr = { 0 };
	struct imp_map parents = { 0 }; /* child pid -> parent pid (original ids) */
	uint32_t *orig_pid = NULL;
	struct ld_line l;
	struct sr_error e = { 0 };
	char *p, *nl;
	int rc = 1;

	c->file = r->input;
	imp_map_free(&c->remap);
	/* pass 1: processes (pid column), first time and comm */
	c->line = 0;
	for (p = r->sc; *p; p = nl) {
		nl = strchr(p, '\n');
		nl = nl ? nl + 1 : p + strlen(p);
		if (!ld_split(p, &l)) {
			continue;
		}
		bool added;
		if (l.dir == '<' && l.name_len >= 4 &&
		    (!strncmp(l.name, "clone ", 6) || !strncmp(l.name, "fork ", 5) ||
		     !strncmp(l.name, "vfork ", 6) || !strncmp(l.name, "clone3 ", 7))) {
			/* a new process's parent, for its process table entry */
			const char *res = l.args;
			int64_t child;
			if (!strncmp(res, "res=", 4) && (res += 4, imp_parse_i64(&res, &child)) &&
			    child > 0) {
				/* lines are not cut yet: look inside this one only */
				const char *eol = nl - 1;
				if (!memmem(l.args, (size_t)(eol - l.args), "CLONE_THREAD", 12)) {
					uint32_t *pp = imp_map_get(&parents, (uint32_t)child, l.pid, NULL);
					if (!pp) {
						goto oom;
					}
				}
			}
		}
		uint32_t *ix = imp_map_get(&pr.ix, l.pid, (uint32_t)pr.n, &added);
		if (!ix) {
			goto oom;
		}
		if (!added) {
			continue;
		}
		if (pr.n == pr.cap) {
			size_t cap = pr.cap ? pr.cap * 2 : 64;
			struct sr_procinfo *nv = realloc(pr.v, cap * sizeof(*nv));
			char *nc = realloc(pr.comms, cap * 16);
			uint32_t *no = realloc(orig_pid, cap * sizeof(*no));
			if (nv) {
				pr.v = nv;
			}
			if (nc) {
				pr.comms = nc;
			}
			if (no) {
				orig_pid = no;
			}
			if (!nv || !nc || !no) {
				goto oom;
			}
			pr.cap = cap;
		}
		struct sr_procinfo *q = &pr.v[pr.n];
		memset(q, 0, sizeof(*q));
		snprintf(pr.comms + pr.n * 16, 16, "%.*s", (int)l.comm_len, l.comm);
		q->pid = (int32_t)ld_id(c, l.pid);
		orig_pid[pr.n] = l.pid;
		q->uid = l.uid;
		q->start_ns = l.ts;
		q->label = label;
		q->source = r->name;
		pr.n++;
	}
	for (size_t i = 0; i < pr.n; i++) {
		uint32_t *pp;
		pr.v[i].comm = pr.comms + i * 16;
		pp = imp_map_find(&parents, orig_pid[i]);
		if (pp) {
			pr.v[i].ppid = (int32_t)ld_id(c, *pp);
		}
	}
	if (pr.n && sr_writer_process_table(c->w, pr.v, pr.n, &e) != SR_OK) {
		imp_writer_fail(c->w, c->out, &e);
		c->w = NULL;
		c->failed = true;
		goto out;
	}
	c->st->processes += pr.n;

	/* pass 2: events */
	c->line = 0;
	for (p = r->sc; *p && !c->failed; p = nl) {
		nl = strchr(p, '\n');
		if (nl) {
			*nl++ = '\0';
		} else {
			nl = p + strlen(p);
		}
		c->line++;
		size_t len = strlen(p);
		if (len && p[len - 1] == '\r') {
			p[--len] = '\0';
		}
		if (!len) {
			continue;
		}
		c->st->lines++;
		if (!ld_split(p, &l)) {
			c->st->bad_lines++;
			imp_bad(&c->rep, c->file, c->line, "unparsable line", p);
			continue;
		}
		ld_event(c, &l);
	}
	/* entries that never saw their exit: tids are in the pending map */
	for (size_t i = 0; i < c->pidx.cap && !c->failed; i++) {
		if (c->pidx.used[i]) {
			struct ld_pending *pd = &c->pend[c->pidx.vals[i]];
			uint32_t tid = c->pidx.keys[i];
			ld_flush(c, tid, pd);
		}
	}
	rc = c->failed ? 1 : 0;
	goto out;
oom:
	cli_err("out of memory");
out:
	/* ids of this recording are taken for the next ones */
	for (size_t i = 0; i < c->remap.cap; i++) {
		if (c->remap.used[i]) {
			imp_map_get(&c->used, c->remap.vals[i], 1, NULL);
		}
	}
	for (size_t i = 0; i < c->npend; i++) {
		free(c->pend[i].args);
	}
	free(c->pend);
	c->pend = NULL;
	c->npend = c->cappend = 0;
	imp_map_free(&c->pidx);
	imp_map_free(&pr.ix);
	imp_map_free(&parents);
	free(orig_pid);
	free(pr.v);
	free(pr.comms);
	return rc;
}

int imp_lidds(const char *const *inputs, size_t n, const char *out, const struct imp_opts *o,
	      struct imp_stats *st)
{
	Sysrec__Header h = SYSREC__HEADER__INIT;
	struct ld_ctx c = { 0 };
	struct ld_rec *recs = NULL;
	const char *abi = o->abi ? o->abi : "x86_64";
	bool header_ok = false;
	int rc = 1;

	c.o = o;
	c.st = st;
	c.out = out;
	c.rep.quiet = o->quiet;
	c.fresh = FRESH_PID_BASE;
	c.abi = sr_abi_from_name(abi);
	recs = calloc(n, sizeof(*recs));
	if (!recs) {
		cli_err("out of memory");
		return 1;
	}
	if (imp_header_init(&h, abi, "lid-ds", inputs, n, o)) {
		goto out;
	}
	header_ok = true;
	sr_header_set_label(&h, "dataset", "LID-DS-2021");
	sr_header_set_label(&h, "clock", "epoch");
	/*
	 * Metadata first, so that the header holds it: each recording's .json
	 * (keys prefixed with the recording name when there are several), and
	 * the first recording's events, for the clock pairing.
	 */
	for (size_t i = 0; i < n; i++) {
		struct ld_rec *r = &recs[i];
		const char *b = strrchr(inputs[i], '/');
		r->input = inputs[i];
		snprintf(r->name, sizeof(r->name), "%s", b ? b + 1 : inputs[i]);
		if (ends_with(r->name, ".zip")) {
			r->name[strlen(r->name) - 4] = '\0';
		} else if (ends_with(r->name, ".sc")) {
			r->name[strlen(r->name) - 3] = '\0';
		}
		if (ld_load(r, &h, n > 1 ? r->name : NULL, i == 0, &c.rep)) {
			goto out;
		}
	}
	if (n == 1 && recs[0].has_json) {
		sr_header_set_label(&h, "label", recs[0].exploit ? "attack" : "normal");
	}
	{
		struct ld_line l;
		const char *p = recs[0].sc;
		while (*p && !ld_split(p, &l)) {
			p = strchr(p, '\n');
			p = p ? p + 1 : "";
		}
		h.clock_boot_ns = *p ? l.ts : 0;
		h.clock_realtime_ns = (int64_t)h.clock_boot_ns;
	}
	c.w = imp_writer_open(out, &h, o);
	if (!c.w) {
		goto out;
	}
	for (size_t i = 0; i < n && !c.failed; i++) {
		struct ld_rec *r = &recs[i];
		const char *label = o->label;
		if (!label && r->has_json) {
			label = r->exploit ? "attack" : "normal";
		}
		if (!r->sc && ld_load(r, NULL, NULL, true, &c.rep)) {
			sr_writer_abort(c.w);
			c.w = NULL;
			goto out;
		}
		if (ld_recording(&c, r, label)) {
			if (c.w) {
				sr_writer_abort(c.w);
				c.w = NULL;
			}
			goto out;
		}
		st->inputs++;
		free(r->sc);
		r->sc = NULL;
	}
	rc = imp_writer_close(c.w, out, st);
	c.w = NULL;
	imp_report_summary(&c.rep);
out:
	if (header_ok) {
		sr_header_free(&h);
	}
	for (size_t i = 0; i < n; i++) {
		free(recs[i].sc);
	}
	free(recs);
	imp_map_free(&c.used);
	imp_map_free(&c.remap);
	imp_names_free(&c.unknown);
	return rc;
}
