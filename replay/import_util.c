// SPDX-License-Identifier: MIT
/* Helpers shared by the importers: string arena, bad-line reports, header, writer. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "import.h"

struct imp_pool_blk {
	struct imp_pool_blk *next;
	char data[];
};

#define POOL_BLK (1u << 20)

void *imp_pool_alloc(struct imp_pool *p, size_t n)
{
	/* Keep pointers aligned for the argv arrays stored here too. */
	n = (n + 7) & ~(size_t)7;
	if (n > p->left) {
		size_t sz = n > POOL_BLK ? n : POOL_BLK;
		struct imp_pool_blk *b = malloc(sizeof(*b) + sz);
		if (!b) {
			return NULL;
		}
		b->next = p->head;
		p->head = b;
		p->cur = b->data;
		p->left = sz;
	}
	void *r = p->cur;
	p->cur += n;
	p->left -= n;
	return r;
}

char *imp_pool_strndup(struct imp_pool *p, const char *s, size_t n)
{
	char *d = imp_pool_alloc(p, n + 1);
	if (!d) {
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *imp_pool_strdup(struct imp_pool *p, const char *s)
{
	return imp_pool_strndup(p, s, strlen(s));
}

void imp_pool_free(struct imp_pool *p)
{
	struct imp_pool_blk *b = p->head, *next;

	while (b) {
		next = b->next;
		free(b);
		b = next;
	}
	memset(p, 0, sizeof(*p));
}

void imp_bad(struct imp_report *r, const char *file, uint64_t line, const char *kind,
	     const char *detail)
{
	int i;

	for (i = 0; i < r->n; i++) {
		if (r->k[i].kind == kind || !strcmp(r->k[i].kind, kind)) {
			r->k[i].count++;
			return;
		}
	}
	if (r->n < (int)(sizeof(r->k) / sizeof(r->k[0]))) {
		r->k[r->n].kind = kind;
		r->k[r->n].count = 1;
		r->n++;
	}
	if (r->quiet) {
		return;
	}
	if (detail && *detail) {
		cli_warn("%s:%" PRIu64 ": %s: %.120s (skipped; further ones only counted)", file, line,
			 kind, detail);
	} else {
		cli_warn("%s:%" PRIu64 ": %s (skipped; further ones only counted)", file, line, kind);
	}
}

void imp_report_summary(const struct imp_report *r)
{
	if (r->quiet) {
		return;
	}
	for (int i = 0; i < r->n; i++) {
		if (r->k[i].count > 1) {
			cli_warn("%" PRIu64 " lines: %s", r->k[i].count, r->k[i].kind);
		}
	}
}

void imp_header_set_str(char **dst, const char *v)
{
	/*
	 * sr_header_free() releases only what formats/ allocated; fields may
	 * point at the caller's strings, which must outlive the header.
	 */
	*dst = (char *)(v ? v : "");
}

int imp_header_init(Sysrec__Header *h, const char *abi, const char *kind,
		    const char *const *inputs, size_t n, const struct imp_opts *o)
{
	static const struct {
		const char *kind, *backend, *recorder;
	} names[] = {
		{ "strace", "import-strace", "sysrec-import strace" },
		{ "adfa", "import-adfa", "sysrec-import adfa" },
		{ "lid-ds", "import-lid-ds", "sysrec-import lid-ds" },
	};
	enum sr_status st;

	st = sr_header_init(h, abi);
	if (st != SR_OK) {
		cli_err("cannot build the trace header: %s", sr_status_str(st));
		return 1;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(names[i].kind, kind)) {
			imp_header_set_str(&h->backend, names[i].backend);
			imp_header_set_str(&h->recorder, names[i].recorder);
		}
	}
	imp_header_set_str(&h->target, "import");
	/*
	 * sr_header_init describes this host; the imported events come from
	 * another one, unknown. The importing host is kept as a label only.
	 */
	if (h->hostname && *h->hostname) {
		sr_header_set_label(h, "import_host", h->hostname);
	}
	imp_header_set_str(&h->hostname, "");
	imp_header_set_str(&h->kernel_release, "");
	imp_header_set_str(&h->kernel_version, "");
	imp_header_set_str(&h->boot_id, "");
	imp_header_set_str(&h->arch, "");
	h->ncpus = 0;
	sr_header_set_strv(&h->target_args, &h->n_target_args, inputs, n);
	if (o && o->argv) {
		sr_header_set_strv(&h->command_line, &h->n_command_line,
				   (const char *const *)o->argv, o->argc);
	}
	h->sample_interval_ns = 0;
	return 0;
}

struct sr_writer *imp_writer_open(const char *out, const Sysrec__Header *h,
				  const struct imp_opts *o)
{
	struct sr_writer_opts wo = { 0 };
	struct sr_error e = { 0 };
	struct sr_writer *w;

	wo.level = o ? o->level : 0;
	w = sr_writer_open(out, h, &wo, &e);
	if (!w) {
		cli_trace_error(out, &e);
	}
	return w;
}

int imp_writer_fail(struct sr_writer *w, const char *out, const struct sr_error *e)
{
	cli_trace_error(out, e);
	sr_writer_abort(w);
	return 1;
}

int imp_writer_close(struct sr_writer *w, const char *out, struct imp_stats *st)
{
	struct sr_error e = { 0 };

	if (st) {
		st->bytes_out = sr_writer_bytes(w);
	}
	if (sr_writer_close(w, NULL, &e) != SR_OK) {
		cli_trace_error(out, &e);
		return 1;
	}
	return 0;
}

int imp_read_file(const char *path, char **bufp, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = NULL, *nb;
	int fd, rc = 1;
	ssize_t r;

	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_err("cannot open %s: %s", path, strerror(errno));
			return 1;
		}
		off_t sz = lseek(fd, 0, SEEK_END);
		if (sz > 0) {
			cap = (size_t)sz + 1;
		}
		lseek(fd, 0, SEEK_SET);
	}
	buf = malloc(cap);
	if (!buf) {
		cli_err("%s: out of memory", path);
		goto out;
	}
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				cli_err("%s: out of memory", path);
				goto out;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			cli_err("cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0) {
			break;
		}
		len += (size_t)r;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (fd != STDIN_FILENO) {
		close(fd);
	}
	return rc;
}

uint64_t imp_parse_u64(const char **pp)
{
	const char *p = *pp;
	uint64_t v = 0;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	*pp = p;
	return v;
}

/* Decimal or 0x hex, with an optional minus sign. False when no digits. */
bool imp_parse_i64(const char **pp, int64_t *v)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t x = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		const char *s = p + 2;
		p = s;
		for (;;) {
			int d;
			if (*p >= '0' && *p <= '9') {
				d = *p - '0';
			} else if (*p >= 'a' && *p <= 'f') {
				d = *p - 'a' + 10;
			} else if (*p >= 'A' && *p <= 'F') {
				d = *p - 'A' + 10;
			} else {
				break;
			}
			x = (x << 4) | (uint64_t)d;
			p++;
		}
		if (p == s) {
			return false;
		}
	} else {
		const char *s = p;
		x = imp_parse_u64(&p);
		if (p == s) {
			return false;
		}
	}
	*v = neg ? -(int64_t)x : (int64_t)x;
	*pp = p;
	return true;
}

static size_t map_slot(const struct imp_map *m, uint32_t key)
{
	uint32_t h = key * 2654435761u;

	return (size_t)h & (m->cap - 1);
}

uint32_t *imp_map_find(const struct imp_map *m, uint32_t key)
{
	if (!m->cap) {
		return NULL;
	}
	for (size_t i = map_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->used[i]) {
			return NULL;
		}
		if (m->keys[i] == key) {
			return &m->vals[i];
		}
	}
}

static int map_grow(struct imp_map *m)
{
	struct imp_map nm = { 0 };

	nm.cap = m->cap ? m->cap * 2 : 256;
	nm.keys = malloc(nm.cap * sizeof(*nm.keys));
	nm.vals = malloc(nm.cap * sizeof(*nm.vals));
	nm.used = calloc(nm.cap, 1);
	if (!nm.keys || !nm.vals || !nm.used) {
		imp_map_free(&nm);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->used[i]) {
			size_t j = map_slot(&nm, m->keys[i]);
			while (nm.used[j]) {
				j = (j + 1) & (nm.cap - 1);
			}
			nm.used[j] = 1;
			nm.keys[j] = m->keys[i];
			nm.vals[j] = m->vals[i];
		}
	}
	nm.n = m->n;
	imp_map_free(m);
	*m = nm;
	return 0;
}

uint32_t *imp_map_get(struct imp_map *m, uint32_t key, uint32_t val0, bool *added)
{
	uint32_t *v = imp_map_find(m, key);
	size_t i;

	if (added) {
		*added = false;
	}
	if (v) {
		return v;
	}
	if ((m->n + 1) * 2 > m->cap && map_grow(m) < 0) {
		return NULL;
	}
	for (i = map_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1)) {
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val0;
	m->n++;
	if (added) {
		*added = true;
	}
	return &m->vals[i];
}

void imp_map_free(struct imp_map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

bool imp_names_first(struct imp_names *s, const char *name)
{
	char **nv;

	for (size_t i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i], name)) {
			return false;
		}
	}
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (nv) {
		s->v = nv;
		s->v[s->n] = strdup(name);
		if (s->v[s->n]) {
			s->n++;
		}
	}
	return true;
}

void imp_names_free(struct imp_names *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i]);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}
