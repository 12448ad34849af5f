// SPDX-License-Identifier: MIT
/*
 * ADFA-LD import. Each input file is one trace: i386 syscall numbers separated
 * by white space, no times, no arguments. All traces go into ONE output file;
 * each becomes a process (pid 1000 + index, comm "adfa") whose process table
 * entry keeps the file's path relative to the input and its label, derived
 * from the data set's folders:
 *   Training_Data_Master/...          -> "training"
 *   Validation_Data_Master/...        -> "validation"
 *   Attack_Data_Master/<Type>_<n>/... -> "attack:<Type>"
 * Times are synthetic (Header.times_synthetic): calls are 1 us apart and each
 * trace starts 1 us after the previous one ends, so traces never overlap.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "import.h"

#define ADFA_PID_BASE 1000
#define ADFA_T0_NS 1000000000ull /* first event at boot-time 1 s */
#define ADFA_STEP_NS 1000ull

struct adfa_file {
	char *path;   /* as opened */
	char *rel;    /* relative to its input (the file name for a file input) */
	char *label;
	size_t first, end; /* its calls in the number array */
};

struct adfa_list {
	struct adfa_file *f;
	size_t n, cap;
};

static int list_add(struct adfa_list *l, const char *path, const char *rel)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct adfa_file *nf = realloc(l->f, cap * sizeof(*nf));
		if (!nf) {
			return -1;
		}
		l->f = nf;
		l->cap = cap;
	}
	l->f[l->n].path = strdup(path);
	l->f[l->n].rel = strdup(rel);
	l->f[l->n].label = NULL;
	if (!l->f[l->n].path || !l->f[l->n].rel) {
		free(l->f[l->n].path);
		free(l->f[l->n].rel);
		return -1;
	}
	l->n++;
	return 0;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct adfa_file *x = a, *y = b;

	return strcmp(x->rel, y->rel);
}

/* Collect regular files under DIR (skipping dot files), paths relative to ROOT. */
static int walk(struct adfa_list *l, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX], sub[PATH_MAX];
	struct stat sb;
	int rc = 0;

	if (!d) {
		cli_err("cannot open folder %s: %s", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (*rel) {
			snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		} else {
			snprintf(sub, sizeof(sub), "%s", de->d_name);
		}
		if (stat(path, &sb) < 0) {
			cli_err("cannot stat %s: %s", path, strerror(errno));
			rc = 1;
			break;
		}
		if (S_ISDIR(sb.st_mode)) {
			rc = walk(l, path, sub);
			if (rc) {
				break;
			}
		} else if (S_ISREG(sb.st_mode)) {
			if (list_add(l, path, sub) < 0) {
				cli_err("out of memory");
				rc = 1;
				break;
			}
		}
	}
	closedir(d);
	return rc;
}

/* The label from the data set's folder names anywhere in PATH, or NULL. */
static char *adfa_label(const char *path)
{
	char buf[PATH_MAX];
	char *comp[256];
	int n = 0;

	if (!realpath(path, buf)) {
		snprintf(buf, sizeof(buf), "%s", path);
	}
	for (char *s = strtok(buf, "/"); s && n < 256; s = strtok(NULL, "/")) {
		comp[n++] = s;
	}
	/* The innermost folder name that tells the split wins. */
	for (int i = n - 2; i >= 0; i--) {
		if (!strcasecmp(comp[i], "Training_Data_Master")) {
			return strdup("training");
		}
		if (!strcasecmp(comp[i], "Validation_Data_Master")) {
			return strdup("validation");
		}
		if (!strcasecmp(comp[i], "Attack_Data_Master")) {
			/* Attack_Data_Master/<Type>_<n>/file: drop the _<n> suffix */
			if (i + 2 > n - 1) {
				return strdup("attack");
			}
			char *t = comp[i + 1];
			size_t len = strlen(t), k = len;
			while (k > 0 && t[k - 1] >= '0' && t[k - 1] <= '9') {
				k--;
			}
			if (k > 0 && k < len && t[k - 1] == '_') {
				len = k - 1;
			}
			char *r = malloc(len + 8);
			if (r) {
				snprintf(r, len + 8, "attack:%.*s", (int)len, t);
			}
			return r;
		}
	}
	return NULL;
}

static void list_free(struct adfa_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->f[i].path);
		free(l->f[i].rel);
		free(l->f[i].label);
	}
	free(l->f);
}

int imp_adfa(const char *const *inputs, size_t ninputs, const char *out,
	     const struct imp_opts *o, struct imp_stats *st)
{
	Sysrec__Header h = SYSREC__HEADER__INIT;
	struct adfa_list l = { 0 };
	struct imp_report rep = { .quiet = o->quiet };
	struct sr_procinfo *pi = NULL;
	struct sr_writer *w = NULL;
	struct sr_error e = { 0 };
	struct sr_syscall sc;
	struct stat sb;
	struct {
		uint32_t *v;
		size_t n, cap;
	} nrs = { 0 };
	char *buf = NULL;
	size_t len;
	uint64_t ts = ADFA_T0_NS;
	uint32_t ntable = sr_syscall_count(SR_ABI_I386);
	int rc = 1;
	bool header_ok = false;

	for (size_t i = 0; i < ninputs; i++) {
		size_t first = l.n;
		if (stat(inputs[i], &sb) < 0) {
			cli_err("cannot open %s: %s", inputs[i], strerror(errno));
			goto out;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (walk(&l, inputs[i], "")) {
				goto out;
			}
			if (l.n == first) {
				cli_warn("%s: no files found", inputs[i]);
			}
		} else {
			const char *base = strrchr(inputs[i], '/');
			if (list_add(&l, inputs[i], base ? base + 1 : inputs[i]) < 0) {
				cli_err("out of memory");
				goto out;
			}
		}
		/* Sorted path order inside each input, so imports are reproducible. */
		qsort(l.f + first, l.n - first, sizeof(*l.f), cmp_rel);
		st->inputs += l.n - first;
	}
	if (l.n > (size_t)(INT32_MAX - ADFA_PID_BASE)) {
		cli_err("too many input files (%zu)", l.n);
		goto out;
	}
	pi = calloc(l.n ? l.n : 1, sizeof(*pi));
	if (!pi) {
		cli_err("out of memory");
		goto out;
	}
	for (size_t i = 0; i < l.n; i++) {
		l.f[i].label = o->label ? strdup(o->label) : adfa_label(l.f[i].path);
		pi[i].pid = ADFA_PID_BASE + (int32_t)i;
		pi[i].comm = "adfa";
		pi[i].label = l.f[i].label;
		pi[i].source = l.f[i].rel;
		pi[i].nthreads = 1;
	}

	/*
	 * First parse every file into one array of numbers (the whole data set is
	 * about 11 MB of them), so the process table with the start times can
	 * come first, in one frame, and the calls follow in big chunks.
	 */
	for (size_t i = 0; i < l.n; i++) {
		const char *p;
		uint64_t line = 1;

		if (imp_read_file(l.f[i].path, &buf, &len)) {
			goto out;
		}
		l.f[i].first = nrs.n;
		p = buf;
		for (;;) {
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
				if (*p == '\n') {
					line++;
				}
				p++;
			}
			if (!*p) {
				break;
			}
			if (*p < '0' || *p > '9') {
				const char *s = p;
				while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
					p++;
				}
				char tok[64];
				snprintf(tok, sizeof(tok), "%.*s", (int)(p - s), s);
				imp_bad(&rep, l.f[i].path, line, "not a syscall number", tok);
				st->bad_lines++;
				continue;
			}
			uint64_t nr = imp_parse_u64(&p);
			if (nr > UINT32_MAX) {
				imp_bad(&rep, l.f[i].path, line, "syscall number out of range", NULL);
				st->bad_lines++;
				continue;
			}
			if (nrs.n == nrs.cap) {
				size_t cap = nrs.cap ? nrs.cap * 2 : (1u << 20);
				uint32_t *nv = realloc(nrs.v, cap * sizeof(*nv));
				if (!nv) {
					cli_err("out of memory");
					goto out;
				}
				nrs.v = nv;
				nrs.cap = cap;
			}
			nrs.v[nrs.n++] = (uint32_t)nr;
		}
		l.f[i].end = nrs.n;
		pi[i].start_ns = ts;
		ts += (l.f[i].end - l.f[i].first + 1) * ADFA_STEP_NS;
		free(buf);
		buf = NULL;
	}
	if (imp_header_init(&h, "i386", "adfa", inputs, ninputs, o)) {
		goto out;
	}
	header_ok = true;
	h.times_synthetic = true;
	h.clock_boot_ns = 0;
	h.clock_realtime_ns = 0;
	sr_header_set_label(&h, "dataset", "ADFA-LD");
	w = imp_writer_open(out, &h, o);
	if (!w) {
		goto out;
	}

	if (sr_writer_process_table(w, pi, l.n, &e) != SR_OK) {
		rc = imp_writer_fail(w, out, &e);
		w = NULL;
		goto out;
	}
	st->processes = l.n;

	memset(&sc, 0, sizeof(sc));
	for (size_t i = 0; i < l.n; i++) {
		sc.tid = sc.tgid = (uint32_t)pi[i].pid;
		sc.ts = pi[i].start_ns;
		for (size_t k = l.f[i].first; k < l.f[i].end; k++) {
			sc.nr = nrs.v[k];
			if (sc.nr >= ntable || !sr_syscall_by_nr(SR_ABI_I386, sc.nr)) {
				st->unknown_nrs++;
			}
			if (sr_writer_syscall(w, &sc, &e) != SR_OK) {
				rc = imp_writer_fail(w, out, &e);
				w = NULL;
				goto out;
			}
			sc.ts += ADFA_STEP_NS;
		}
	}
	st->syscalls = st->lines = nrs.n;
	rc = imp_writer_close(w, out, st);
	w = NULL;
	imp_report_summary(&rep);
out:
	free(buf);
	free(nrs.v);
	if (header_ok) {
		sr_header_free(&h);
	}
	free(pi);
	list_free(&l);
	return rc;
}
