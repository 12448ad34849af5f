// SPDX-License-Identifier: MIT
/*
 * sysrec analyze report FILE [-o DIR] [--model MODEL]: one run as a page a
 * person can read: DIR/index.html (self-contained, SVG plots by relative
 * path), DIR/report.md, DIR/summary.json and DIR/plots/ (gnuplot scripts,
 * data and SVGs).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "analyze.h"
#include "html.h"
#include "jsonw.h"
#include "plot.h"
#include "run_output.h"
#include "runstats.h"
#include "table.h"

#define TOP_PLOT 6

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze report FILE [-o DIR] [--model MODEL] [options]\n"
		"\n"
		"Write a report of one recorded run: DIR/index.html (opens from disk), DIR/report.md,\n"
		"DIR/summary.json and DIR/plots/ (gnuplot scripts, data and SVG plots).\n"
		"\n"
		"Options:\n"
		"  -o, --output DIR         output folder (default: FILE without .trace, plus -report)\n"
		"      --model MODEL        mark anomalous windows scored by 'sysrec analyze score'\n"
		"      --block-threshold T  a syscall taking T or longer counts as blocked (default 1ms)\n"
		"      --top N              syscalls in the tables (default 20)\n"
		"  -q, --quiet              print nothing on success\n"
		"  -h, --help               show this help\n"
		"\n"
		"blocked_syscalls = syscalls still unfinished when recording stopped plus those\n"
		"that took at least the threshold to return. Plots need gnuplot (%s);\n"
		"without it the text parts are still written.\n",
		PLOT_INSTALL_HINT);
}

struct ctx {
	struct rs_run *r;
	const char *dir;
	struct plot_set ps;
	uint32_t *by_time; /* syscall indexes by total time, desc */
	uint32_t *by_calls;
	int top;
	const char *model;
	char *anomalies;   /* score output (JSON text) when a model was given */
	struct table t_facts, t_sum, t_sys, t_err, t_proc, t_anom;
};

static const struct rs_run *sort_run;

static int cmp_time(const void *a, const void *b)
{
	const struct rs_syscall *x = &sort_run->sc[*(const uint32_t *)a];
	const struct rs_syscall *y = &sort_run->sc[*(const uint32_t *)b];

	if (x->total_ns != y->total_ns) {
		return x->total_ns > y->total_ns ? -1 : 1;
	}
	if (x->calls != y->calls) {
		return x->calls > y->calls ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

static int cmp_calls(const void *a, const void *b)
{
	const struct rs_syscall *x = &sort_run->sc[*(const uint32_t *)a];
	const struct rs_syscall *y = &sort_run->sc[*(const uint32_t *)b];

	if (x->calls != y->calls) {
		return x->calls > y->calls ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

/* ---- plots ---- */

static void plot_rate(struct ctx *c)
{
	struct rs_run *r = c->r;
	uint64_t w = rs_plot_width(r, 120);
	uint32_t nb = (uint32_t)((r->t_end - r->t0) / w + 1);
	int ntop = r->nsc < TOP_PLOT ? (int)r->nsc : TOP_PLOT;
	uint64_t *tmp = calloc(nb, sizeof(*tmp));
	double *other = calloc(nb, sizeof(*other));
	double *cls = calloc((size_t)nb * 8, sizeof(*cls));
	static const char *const cnames[] = { "net", "file", "ipc", "memory", "process",
					      "signal", "desc", "other" };
	FILE *d = NULL, *g;

	if (!tmp || !other || !cls || !r->nsc) {
		goto out;
	}
	/* Top syscalls by calls, the rest summed as "other". */
	double **top = calloc(ntop, sizeof(*top));
	if (!top) {
		goto out;
	}
	for (int i = 0; i < ntop; i++) {
		top[i] = calloc(nb, sizeof(double));
	}
	for (uint32_t k = 0; k < r->nsc; k++) {
		uint32_t si = c->by_calls[k];
		rs_series_rebin(r->sc[si].series, w, tmp, nb);
		const char *pc = rs_primary_class(r->sc[si].classes);
		int ci = 7;
		for (int j = 0; j < 8; j++) {
			if (!strcmp(cnames[j], pc)) {
				ci = j;
			}
		}
		for (uint32_t b = 0; b < nb; b++) {
			double v = tmp[b] / (w / 1e9);
			if ((int)k < ntop && top[k]) {
				top[k][b] = v;
			} else {
				other[b] += v;
			}
			cls[(size_t)b * 8 + ci] += v;
		}
	}
	d = plot_data(&c->ps, "rate.dat");
	if (d) {
		fprintf(d, "time_s");
		for (int i = 0; i < ntop; i++) {
			fprintf(d, "\t%s", r->sc[c->by_calls[i]].name);
		}
		fprintf(d, "\tother\n");
		for (uint32_t b = 0; b < nb; b++) {
			fprintf(d, "%.4f", b * (w / 1e9));
			for (int i = 0; i < ntop; i++) {
				fprintf(d, "\t%.1f", top[i] ? top[i][b] : 0.0);
			}
			fprintf(d, "\t%.1f\n", other[b]);
		}
		plot_close_data(d);
		g = plot_script(&c->ps, "rate", "Syscall rate over time (top syscalls)");
		if (g) {
			fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'calls per second'\n");
			fprintf(g, "set key autotitle columnhead\n");
			fprintf(g, "plot for [i=2:%d] 'rate.dat' using 1:i lw 2 lc rgb word('", ntop + 2);
			for (int i = 0; i < ntop + 1; i++) {
				fprintf(g, "%s%s", i ? " " : "", plot_colors[i % PLOT_NCOLORS]);
			}
			fprintf(g, "', i-1)\n");
			plot_finish(&c->ps);
		}
	}
	d = plot_data(&c->ps, "rate_class.dat");
	if (d) {
		fprintf(d, "time_s");
		for (int j = 0; j < 8; j++) {
			fprintf(d, "\t%%%s", cnames[j]);
		}
		fprintf(d, "\n");
		for (uint32_t b = 0; b < nb; b++) {
			fprintf(d, "%.4f", b * (w / 1e9));
			for (int j = 0; j < 8; j++) {
				fprintf(d, "\t%.1f", cls[(size_t)b * 8 + j]);
			}
			fprintf(d, "\n");
		}
		plot_close_data(d);
		g = plot_script(&c->ps, "rate_class", "Syscall rate over time by class");
		if (g) {
			fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'calls per second'\n");
			fprintf(g, "set key autotitle columnhead\nset style fill solid 0.8 noborder\n");
			/* Stacked areas: column i drawn as the sum of columns 2..i. */
			fprintf(g, "sum_to(i) = sum [k=2:i] column(k)\n");
			fprintf(g, "plot for [i=9:2:-1] 'rate_class.dat' using 1:(sum_to(i)) "
				   "with filledcurves x1 lc rgb word('");
			for (int j = 0; j < 8; j++) {
				fprintf(g, "%s%s", j ? " " : "", plot_colors[j]);
			}
			fprintf(g, "', i-1) title columnhead(i)\n");
			plot_finish(&c->ps);
		}
	}
	for (int i = 0; i < ntop; i++) {
		free(top[i]);
	}
	free(top);
out:
	free(tmp);
	free(other);
	free(cls);
}

static void plot_latency(struct ctx *c)
{
	struct rs_run *r = c->r;
	int n = 0;
	uint32_t pick[TOP_PLOT];

	for (uint32_t k = 0; k < r->nsc && n < TOP_PLOT; k++) {
		if (r->sc[c->by_calls[k]].nlat) {
			pick[n++] = c->by_calls[k];
		}
	}
	if (!n) {
		return;
	}
	FILE *d = plot_data(&c->ps, "latency.dat");
	if (!d) {
		return;
	}
	for (int i = 0; i < n; i++) {
		struct rs_syscall *s = &r->sc[pick[i]];
		fprintf(d, "# %s\n", s->name);
		plot_write_cdf(d, s->lat, s->nlat, 400);
		fprintf(d, "\n\n");
	}
	plot_close_data(d);
	FILE *g = plot_script(&c->ps, "latency", "Latency distribution of the top syscalls (CDF)");
	if (!g) {
		return;
	}
	plot_cdf_axes(g);
	fprintf(g, "plot ");
	for (int i = 0; i < n; i++) {
		fprintf(g, "%s'latency.dat' index %d using 1:2 with steps lw 2 lc rgb '%s' title '%s'",
			i ? ", \\\n     " : "", i, plot_colors[i % PLOT_NCOLORS], r->sc[pick[i]].name);
	}
	fprintf(g, "\n");
	plot_finish(&c->ps);
}

static void plot_resources(struct ctx *c)
{
	struct rs_run *r = c->r;

	if (!r->nres) {
		return;
	}
	FILE *d = plot_data(&c->ps, "resources.dat");
	if (!d) {
		return;
	}
	fprintf(d, "time_s\tcpu_pct\trss_mib\tfaults_per_s\tio_mib_per_s\n");
	for (uint32_t i = 0; i < r->nres; i++) {
		fprintf(d, "%.3f\t%.2f\t%.3f\t%.1f\t%.4f\n", r->res[i].t, r->res[i].cpu_pct,
			r->res[i].rss_kb / 1024.0, r->res[i].fault_rate,
			r->res[i].io_rate / (1024.0 * 1024.0));
	}
	plot_close_data(d);
	FILE *g = plot_script(&c->ps, "cpu_rss", "CPU and memory over time (all traced processes)");
	if (g) {
		fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'CPU (%%, 100 = one core)'\n"
			   "set y2label 'RSS (MiB)'\nset ytics nomirror\nset y2tics\n"
			   "set yrange [0:*]\nset y2range [0:*]\n");
		fprintf(g, "plot 'resources.dat' using 1:2 lw 2 lc rgb '%s' title 'CPU %%', \\\n"
			   "     'resources.dat' using 1:3 axes x1y2 lw 2 lc rgb '%s' title 'RSS'\n",
			plot_colors[0], plot_colors[1]);
		plot_finish(&c->ps);
	}
	g = plot_script(&c->ps, "faults_io", "Page fault and I/O rates");
	if (g) {
		fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'page faults per second'\n"
			   "set y2label 'read+write MiB per second'\nset ytics nomirror\nset y2tics\n"
			   "set yrange [0:*]\nset y2range [0:*]\n");
		fprintf(g, "plot 'resources.dat' using 1:4 lw 2 lc rgb '%s' title 'faults/s', \\\n"
			   "     'resources.dat' using 1:5 axes x1y2 lw 2 lc rgb '%s' title 'I/O MiB/s'\n",
			plot_colors[2], plot_colors[3]);
		plot_finish(&c->ps);
	}
}

static int proc_index(const struct rs_run *r, int32_t pid)
{
	for (uint32_t i = 0; i < r->nprocs; i++) {
		if (r->procs[i].pid == pid) {
			return (int)i;
		}
	}
	return 0;
}

static void plot_timeline(struct ctx *c)
{
	struct rs_run *r = c->r;
	uint32_t n = r->nthreads < 60 ? r->nthreads : 60;

	if (!n) {
		return;
	}
	FILE *d = plot_data(&c->ps, "timeline.dat");
	if (!d) {
		return;
	}
	fprintf(d, "# start_s\trow\tlength_s\trgb\tlabel\n");
	for (uint32_t i = 0; i < n; i++) {
		const struct rs_thread *t = &r->threads[i];
		int pi = proc_index(r, t->pid);
		const struct rs_proc *p = &r->procs[pi];
		double s = t->start > r->t0 ? (t->start - r->t0) / 1e9 : 0;
		double e = t->end > r->t0 ? (t->end - r->t0) / 1e9 : 0;
		/* one colour per process, as a 0xRRGGBB number for 'lc rgb variable' */
		long rgb = strtol(plot_colors[pi % PLOT_NCOLORS] + 1, NULL, 16);
		fprintf(d, "%.6f\t%u\t%.6f\t%ld\t%s %d%s\n", s, i, e - s > 0 ? e - s : 0, rgb,
			p->comm ? p->comm : "?", t->tid, t->tid == t->pid ? "" : " (thread)");
	}
	plot_close_data(d);
	FILE *g = plot_script(&c->ps, "timeline", "Process and thread lifetimes");
	if (!g) {
		return;
	}
	fprintf(g, "set terminal svg size 960,%u dynamic enhanced font 'Sans,11' "
		   "background rgb 'white'\nset output 'timeline.svg'\n", 120 + n * 16);
	fprintf(g, "set xlabel 'time since start (s)'\nunset key\nset yrange [%u:-1]\n"
		   "set ytics font 'Sans,9' noenhanced\nset grid noytics\n", n);
	fprintf(g, "plot 'timeline.dat' using 1:2:3:(0):4:ytic(5) with vectors nohead "
		   "lw 8 lc rgb variable\n");
	plot_finish(&c->ps);
}

/* ---- model scores (optional) ---- */

struct anom {
	uint64_t ts;
	int pid, tid;
	char comm[64];
	double bits;
	bool seen;
	char seq[512];
};

/* Read a JSON string starting at P (just after the opening quote) into BUF. */
static const char *json_strval(const char *p, char *buf, size_t n)
{
	size_t k = 0;

	while (*p && *p != '"') {
		char ch = *p++;
		if (ch == '\\' && *p) {
			ch = *p++;
			if (ch == 'n' || ch == 't') {
				ch = ' ';
			} else if (ch == 'u') {
				ch = '?';
				for (int i = 0; i < 4 && *p; i++) {
					p++;
				}
			}
		}
		if (k + 1 < n) {
			buf[k++] = ch;
		}
	}
	buf[k] = '\0';
	return *p ? p + 1 : p;
}

/* The number after "KEY": at or after P (before END), or NaN. */
static double json_num_after(const char *p, const char *end, const char *key)
{
	char k[64];

	snprintf(k, sizeof(k), "\"%s\":", key);
	const char *q = strstr(p, k);
	if (!q || (end && q > end)) {
		return NAN;
	}
	q += strlen(k);
	char *e;
	double v = strtod(q, &e);
	return e == q ? NAN : v;
}

/*
 * Parse the output of `sysrec analyze score --format json`: one object with
 * "files":[{... "stide", "lfc", "nll", "callset", "mismatches", "windows" ...}] and
 * "top_windows":[{"ts_ns","pid","tid","comm","surprisal","seen","sequence"}].
 * Tolerant: fields it does not find are left out.
 */
static int parse_scores(const char *txt, struct anom *a, int max, char *sum, size_t sumn)
{
	const char *f = strstr(txt, "\"files\":[");
	const char *tw = strstr(txt, "\"top_windows\":[");
	int n = 0;

	sum[0] = '\0';
	if (f) {
		double calls = json_num_after(f, tw, "calls");
		double win = json_num_after(f, tw, "windows");
		double mis = json_num_after(f, tw, "mismatches");
		double stide = json_num_after(f, tw, "stide");
		double nll = json_num_after(f, tw, "nll");
		double cset = json_num_after(f, tw, "callset");
		int len = snprintf(sum, sumn, "%.0f syscalls scored: %.0f of %.0f windows never seen in "
				   "training (stide %.4f), mean surprisal %.3f bits",
				   calls, mis, win, stide, nll);
		if (!isnan(cset) && len > 0 && (size_t)len < sumn) {
			/* Models from before call sets print "callset":null. */
			snprintf(sum + len, sumn - len, ", call-set distance %.3f "
				 "(worst process against its nearest training process)", cset);
		}
	}
	if (!tw) {
		return 0;
	}
	const char *p = tw;
	while (n < max && (p = strstr(p, "\"ts_ns\":"))) {
		struct anom *x = &a[n];
		const char *next = strstr(p + 1, "\"ts_ns\":");
		memset(x, 0, sizeof(*x));
		x->ts = strtoull(p + 8, NULL, 10);
		x->pid = (int)json_num_after(p, next, "pid");
		x->tid = (int)json_num_after(p, next, "tid");
		x->bits = json_num_after(p, next, "surprisal");
		const char *c = strstr(p, "\"comm\":\"");
		if (c && (!next || c < next)) {
			json_strval(c + 8, x->comm, sizeof(x->comm));
		}
		const char *s = strstr(p, "\"seen\":");
		x->seen = s && (!next || s < next) && !strncmp(s + 7, "true", 4);
		const char *q = strstr(p, "\"sequence\":[");
		if (q && (!next || q < next)) {
			q += 12;
			size_t len = 0;
			while (*q && *q != ']') {
				if (*q == '"') {
					char nm[64];
					q = json_strval(q + 1, nm, sizeof(nm));
					len += snprintf(x->seq + len, len < sizeof(x->seq) ? sizeof(x->seq) - len : 0,
							"%s%s", len ? " " : "", nm);
					if (len >= sizeof(x->seq)) {
						len = sizeof(x->seq) - 1;
					}
				} else {
					q++;
				}
			}
		}
		n++;
		p += 8;
	}
	return n;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		return NULL;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r == 0) {
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void plot_anomalies(struct ctx *c, const struct anom *a, int n)
{
	struct rs_run *r = c->r;

	FILE *d = plot_data(&c->ps, "anomalies.dat");
	if (!d) {
		return;
	}
	fprintf(d, "time_s\tbits\tseen\tsequence\n");
	for (int i = 0; i < n; i++) {
		fprintf(d, "%.6f\t%.3f\t%d\t%s\n", a[i].ts > r->t0 ? (a[i].ts - r->t0) / 1e9 : 0.0,
			a[i].bits, a[i].seen, a[i].seq);
	}
	plot_close_data(d);
	FILE *g = plot_script(&c->ps, "anomalies", "Most surprising syscall windows (model scores)");
	if (!g) {
		return;
	}
	fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'surprisal (bits)'\n"
		   "set yrange [0:*]\nset xrange [0:%.6f]\n", r->runtime_ms / 1e3);
	fprintf(g, "plot 'anomalies.dat' using 1:($3 == 0 ? $2 : 1/0) with impulses lw 2 lc rgb '%s' "
		   "title 'never seen in training', \\\n"
		   "     'anomalies.dat' using 1:($3 != 0 ? $2 : 1/0) with impulses lw 2 lc rgb '%s' "
		   "title 'seen, but rare'\n", plot_colors[1], plot_colors[3]);
	plot_finish(&c->ps);
}

/*
 * Scores come from `sysrec analyze score --model M --format json FILE`, run
 * as a subprocess of this same binary (so the report does not depend on the
 * model's internals); its output stays in DIR/anomalies.json.
 */
static void run_model(struct ctx *c)
{
	char out[4200], self[4096], sum[512];
	pid_t pid;
	int status;

	snprintf(out, sizeof(out), "%s/anomalies.json", c->dir);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		return;
	}
	self[n] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		return;
	}
	if (pid == 0) {
		if (!freopen(out, "w", stdout)) {
			_exit(127);
		}
		execl(self, "sysrec", "analyze", "score", "--model", c->model, "--format", "json",
		      "--top", "50", c->r->path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_warn("scoring with model %s failed (exit status %d): the report has no "
			 "anomaly section", c->model, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	char *txt = read_all(out);
	if (!txt) {
		return;
	}
	struct anom *a = calloc(50, sizeof(*a));
	int na = a ? parse_scores(txt, a, 50, sum, sizeof(sum)) : 0;
	free(txt);
	c->anomalies = strdup(sum[0] ? sum : "scores written to anomalies.json");
	tab_init(&c->t_anom, ">time|>pid|>tid|comm|>bits|seen in training|window (oldest first)");
	for (int i = 0; i < na; i++) {
		tab_row(&c->t_anom, tab_fmt("%.3fs", a[i].ts > c->r->t0 ? (a[i].ts - c->r->t0) / 1e9 : 0.0),
			tab_fmt("%d", a[i].pid), tab_fmt("%d", a[i].tid), a[i].comm,
			tab_fmt("%.2f", a[i].bits), a[i].seen ? "yes" : "no", a[i].seq);
	}
	if (na) {
		plot_anomalies(c, a, na);
	}
	free(a);
}

/* ---- tables ---- */

static void build_tables(struct ctx *c)
{
	struct rs_run *r = c->r;
	uint64_t tot = 0;

	ro_facts_table(&c->t_facts, r);
	ro_summary_table(&c->t_sum, r);
	for (uint32_t i = 0; i < r->nsc; i++) {
		tot += r->sc[i].total_ns;
	}
	tab_init(&c->t_sys, ">% time|>seconds|>usecs/call|>calls|>errors|>p50|>p99|>max|"
			    ">blocked|syscall|class");
	for (uint32_t k = 0; k < r->nsc && (int)k < c->top; k++) {
		struct rs_syscall *s = &r->sc[c->by_time[k]];
		uint64_t fin = s->calls - s->unfinished - s->noreturn;
		tab_row(&c->t_sys, tab_fmt("%.2f", tot ? 100.0 * s->total_ns / tot : 0.0),
			tab_fmt("%.6f", s->total_ns / 1e9),
			tab_fmt("%.0f", fin ? s->total_ns / 1e3 / fin : 0.0),
			tab_fmt("%" PRIu64, s->calls),
			s->errors ? tab_fmt("%" PRIu64, s->errors) : "",
			ro_ns(rs_percentile(s->lat, s->nlat, 50)),
			ro_ns(rs_percentile(s->lat, s->nlat, 99)), ro_ns((double)s->max_ns),
			s->blocked + s->unfinished ? tab_fmt("%" PRIu64, s->blocked + s->unfinished)
						   : "",
			s->name, rs_primary_class(s->classes));
	}
	if (r->nsc > (uint32_t)c->top) {
		tab_row(&c->t_sys, "", "", "", "", "", "", "", "", "",
			tab_fmt("(%u more in summary.json)", r->nsc - c->top), "");
	}
	tab_row(&c->t_sys, "100.00", tab_fmt("%.6f", tot / 1e9), "", tab_fmt("%" PRIu64, r->calls),
		tab_fmt("%" PRIu64, r->errors), "", "", "", tab_fmt("%" PRIu64, r->blocked), "total",
		"");

	tab_init(&c->t_err, "syscall|error|>count");
	int ne = 0;
	for (uint32_t k = 0; k < r->nsc && ne < 30; k++) {
		struct rs_syscall *s = &r->sc[c->by_calls[k]];
		for (int e = 0; e < RS_MAX_ERRNOS && s->errs[e].count && ne < 30; e++, ne++) {
			const char *en = sr_errno_name(s->errs[e].err);
			tab_row(&c->t_err, s->name, en ? en : tab_fmt("errno %d", s->errs[e].err),
				tab_fmt("%" PRIu64, s->errs[e].count));
		}
	}

	tab_init(&c->t_proc, ">pid|>ppid|comm|>threads|>syscalls|>errors|>start|>lifetime|exit|"
			     ">cpu ms|>peak RSS kB|command");
	for (uint32_t i = 0; i < r->nprocs && i < 100; i++) {
		struct rs_proc *p = &r->procs[i];
		const char *ex = "running at end";
		if (p->exited) {
			const char *sn = sr_signal_name(p->exit_signal);
			ex = p->exit_signal ? tab_fmt("signal %s%s", sn ? sn : tab_fmt("%d", p->exit_signal),
						      p->core_dumped ? " (core)" : "")
					    : tab_fmt("exit %d", p->exit_code);
		}
		char cmd[96];
		snprintf(cmd, sizeof(cmd), "%s", p->cmd ? p->cmd : "");
		if (p->cmd && strlen(p->cmd) >= sizeof(cmd)) {
			strcpy(cmd + sizeof(cmd) - 4, "...");
		}
		double st = p->start > r->t0 ? (p->start - r->t0) / 1e9 : 0;
		tab_row(&c->t_proc, tab_fmt("%d", p->pid), p->ppid >= 0 ? tab_fmt("%d", p->ppid) : "",
			p->comm ? p->comm : "?", tab_fmt("%u", p->threads),
			tab_fmt("%" PRIu64, p->calls), p->errors ? tab_fmt("%" PRIu64, p->errors) : "",
			tab_fmt("%.3fs", st), ro_ns((double)(p->end - (p->start > r->t0 ? p->start : r->t0))),
			ex,
			p->has_sample ? tab_fmt("%.0f", (p->last.utime_ticks + p->last.stime_ticks) *
							     1000.0 / (r->ticks ? r->ticks : 100))
				      : "",
			p->has_sample ? tab_fmt("%" PRIu64, p->peak_rss_kb) : "", cmd);
	}
	if (r->nprocs > 100) {
		tab_row(&c->t_proc, "", "", tab_fmt("(%u more)", r->nprocs - 100), "", "", "", "", "",
			"", "", "", "");
	}
}

/* ---- outputs ---- */

static void write_json(struct ctx *c, FILE *f)
{
	struct rs_run *r = c->r;
	struct jw w;
	uint64_t tot = 0;

	for (uint32_t i = 0; i < r->nsc; i++) {
		tot += r->sc[i].total_ns;
	}
	jw_init(&w, f, true);
	jw_obj(&w);
	jw_kstr(&w, "schema", "sysrec-report/1");
	jw_key(&w, "run");
	jw_obj(&w);
	ro_json_facts(&w, r);
	jw_obj_end(&w);
	jw_key(&w, "summary");
	jw_obj(&w);
	ro_json_summary(&w, r);
	jw_obj_end(&w);
	jw_key(&w, "syscalls");
	jw_arr(&w);
	for (uint32_t k = 0; k < r->nsc; k++) {
		struct rs_syscall *s = &r->sc[c->by_time[k]];
		uint64_t fin = s->calls - s->unfinished - s->noreturn;
		jw_obj(&w);
		jw_kstr(&w, "name", s->name);
		jw_kstr(&w, "class", rs_primary_class(s->classes));
		jw_ku64(&w, "calls", s->calls);
		jw_ku64(&w, "errors", s->errors);
		jw_ku64(&w, "unfinished", s->unfinished);
		jw_ku64(&w, "noreturn", s->noreturn);
		jw_ku64(&w, "blocked", s->blocked);
		jw_ku64(&w, "total_ns", s->total_ns);
		jw_kdbl(&w, "pct_time", tot ? round(10000.0 * s->total_ns / tot) / 100 : 0);
		jw_kdbl(&w, "mean_ns", fin ? round((double)s->total_ns / fin) : NAN);
		jw_kdbl(&w, "p50_ns", rs_percentile(s->lat, s->nlat, 50));
		jw_kdbl(&w, "p90_ns", rs_percentile(s->lat, s->nlat, 90));
		jw_kdbl(&w, "p99_ns", rs_percentile(s->lat, s->nlat, 99));
		jw_ku64(&w, "max_ns", s->max_ns);
		jw_key(&w, "errnos");
		jw_obj(&w);
		for (int e = 0; e < RS_MAX_ERRNOS && s->errs[e].count; e++) {
			const char *en = sr_errno_name(s->errs[e].err);
			jw_ku64(&w, en ? en : tab_fmt("%d", s->errs[e].err), s->errs[e].count);
		}
		if (s->other_errs) {
			jw_ku64(&w, "other", s->other_errs);
		}
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "processes");
	jw_arr(&w);
	for (uint32_t i = 0; i < r->nprocs; i++) {
		struct rs_proc *p = &r->procs[i];
		jw_obj(&w);
		jw_ki64(&w, "pid", p->pid);
		jw_ki64(&w, "ppid", p->ppid);
		jw_kstr(&w, "comm", p->comm ? p->comm : "");
		jw_kstr(&w, "command", p->cmd ? p->cmd : "");
		jw_ku64(&w, "threads", p->threads);
		jw_ku64(&w, "syscalls", p->calls);
		jw_ku64(&w, "errors", p->errors);
		jw_kdbl(&w, "start_ms", p->start > r->t0 ? (p->start - r->t0) / 1e6 : 0);
		jw_kdbl(&w, "end_ms", p->end > r->t0 ? (p->end - r->t0) / 1e6 : 0);
		jw_kbool(&w, "exited", p->exited);
		if (p->exited) {
			jw_ki64(&w, "exit_code", p->exit_code);
			jw_ki64(&w, "exit_signal", p->exit_signal);
		}
		if (p->has_sample) {
			jw_kdbl(&w, "cpu_time_ms", (p->last.utime_ticks + p->last.stime_ticks) * 1000.0 /
							   (r->ticks ? r->ticks : 100));
			jw_ku64(&w, "peak_rss_kb", p->peak_rss_kb);
			jw_ku64(&w, "vm_peak_kb", p->peak_vm_kb);
			jw_ku64(&w, "read_syscalls", p->last.syscr);
			jw_ku64(&w, "write_syscalls", p->last.syscw);
		}
		if (p->label) {
			jw_kstr(&w, "label", p->label);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void write_md(struct ctx *c, FILE *f)
{
	struct rs_run *r = c->r;

	fprintf(f, "# sysrec report: %s\n\n", r->command ? r->command : r->path);
	fprintf(f, "## Run\n\n");
	tab_print_md(&c->t_facts, f);
	fprintf(f, "\n## Summary\n\n");
	tab_print_md(&c->t_sum, f);
	fprintf(f, "\nblocked_syscalls counts syscalls still unfinished when recording stopped "
		   "plus those that took at least %s to return.\n",
		ro_ns((double)r->block_ns));
	fprintf(f, "\n## Top syscalls (by time, strace -c style)\n\n");
	tab_print_md(&c->t_sys, f);
	if (c->t_err.nrows) {
		fprintf(f, "\n## Errors\n\n");
		tab_print_md(&c->t_err, f);
	}
	fprintf(f, "\n## Processes\n\n");
	tab_print_md(&c->t_proc, f);
	if (c->anomalies) {
		fprintf(f, "\n## Anomalies (model %s)\n\n%s\n\n", c->model, c->anomalies);
		if (c->t_anom.nrows) {
			tab_print_md(&c->t_anom, f);
		}
	}
	fprintf(f, "\n## Plots\n\n");
	md_plots(f, &c->ps, NULL);
	fprintf(f, "Scripts and data are in `plots/`: edit a `.gp` file and run "
		   "`gnuplot NAME.gp` there to redraw.\n");
}

static void write_html(struct ctx *c, FILE *f)
{
	struct rs_run *r = c->r;
	const char *title = r->command ? r->command : r->path;

	html_begin(f, tab_fmt("sysrec report: %s", title));
	fputs("<header><h1>sysrec report</h1><p>", f);
	html_esc(f, title);
	fputs("</p></header>\n", f);
	{
		static const char *const ids[] = { "run", "summary", "plots", "anomalies", "syscalls",
						   "errors", "processes" };
		static const char *const titles[] = { "Run", "Summary", "Plots", "Anomalies",
						      "Syscalls", "Errors", "Processes" };
		/* Leave out the links to sections this report does not have. */
		const char *id2[7], *t2[7];
		int n = 0;
		for (int i = 0; i < 7; i++) {
			if ((i == 3 && !c->anomalies) || (i == 5 && !c->t_err.nrows)) {
				continue;
			}
			id2[n] = ids[i];
			t2[n++] = titles[i];
		}
		html_nav(f, id2, t2, n);
	}
	fputs("<main>\n<div class=\"cards\">\n", f);
	html_card(f, "runtime", ro_ns(r->runtime_ms * 1e6), NULL);
	html_card(f, "syscalls", tab_fmt("%" PRIu64, r->calls), NULL);
	html_card(f, "errors", tab_fmt("%" PRIu64, r->errors), NULL);
	html_card(f, "blocked syscalls", tab_fmt("%" PRIu64, r->blocked), NULL);
	if (r->has_samples) {
		html_card(f, "peak CPU", tab_fmt("%.1f%%", r->peak_cpu), NULL);
		html_card(f, "peak memory (VmPeak)", tab_fmt("%.1f MiB", r->peak_memory_kb / 1024.0),
			  NULL);
	}
	html_card(f, "processes / threads", tab_fmt("%u / %u", r->nprocs, r->nthreads), NULL);
	html_card(f, "lost events", tab_fmt("%" PRIu64, r->lost), NULL);
	fputs("</div>\n", f);
	if (!r->has_totals || r->damaged) {
		fputs("<p class=\"note\">This trace is incomplete (recording cut short or damaged): "
		      "figures cover what was read.</p>\n", f);
	}
	html_section(f, "run", "Run");
	tab_print_html(&c->t_facts, f);
	html_section(f, "summary", "Summary");
	tab_print_html(&c->t_sum, f);
	fprintf(f, "<p>blocked_syscalls counts syscalls still unfinished when recording stopped "
		   "plus those that took at least %s to return.</p>\n", ro_ns((double)r->block_ns));
	html_section(f, "plots", "Plots");
	html_plots(f, &c->ps, NULL);
	if (c->anomalies) {
		html_section(f, "anomalies", "Anomalies");
		fputs("<p>", f);
		html_esc(f, c->anomalies);
		fputs("</p>\n", f);
		if (c->t_anom.nrows) {
			tab_print_html(&c->t_anom, f);
		}
	}
	html_section(f, "syscalls", "Top syscalls (by time, strace -c style)");
	tab_print_html(&c->t_sys, f);
	if (c->t_err.nrows) {
		html_section(f, "errors", "Errors");
		tab_print_html(&c->t_err, f);
	}
	html_section(f, "processes", "Processes");
	tab_print_html(&c->t_proc, f);
	fputs("</main>\n", f);
	html_end(f);
}

static char *default_dir(const char *file)
{
	const char *b = strrchr(file, '/');
	char buf[4096];

	if (!strcmp(file, "-")) {
		return strdup("sysrec-report");
	}
	b = b ? b + 1 : file;
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(b - file), file, b);
	size_t n = strlen(buf);
	if (n > 6 && !strcmp(buf + n - 6, ".trace")) {
		buf[n - 6] = '\0';
	}
	strncat(buf, "-report", sizeof(buf) - strlen(buf) - 1);
	return strdup(buf);
}

int cmd_analyze_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "model", required_argument, NULL, 'm' },
		{ "block-threshold", required_argument, NULL, 'b' },
		{ "top", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { 0 };
	struct rs_opts ro = { .latencies = true, .series = true };
	char *dir = NULL;
	bool quiet = false;
	int rc = 1, opt;
	uint64_t v;

	c.top = 20;
	optind = 0;
	opterr = 0; /* one message of ours, naming the option */
	while ((opt = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			free(dir);
			dir = strdup(optarg);
			break;
		case 'm':
			c.model = optarg;
			break;
		case 'b':
			if (!cli_parse_duration(optarg, &ro.block_ns) || !ro.block_ns) {
				return cli_bad_arg("--block-threshold", optarg, "a duration, e.g. 1ms");
			}
			break;
		case 't':
			if (!cli_parse_u64(optarg, &v) || v < 1 || v > 100000) {
				return cli_bad_arg("--top", optarg, "a number from 1 to 100000");
			}
			c.top = (int)v;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return cli_finish_stdout(0);
		default:
			free(dir);
			return cli_usage("unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		free(dir);
		return cli_usage("missing trace FILE");
	}
	if (argc - optind > 1) {
		free(dir);
		return cli_usage("one trace FILE at a time (got %d); to compare runs use "
				 "'sysrec analyze compare'", argc - optind);
	}
	const char *file = argv[optind];
	if (c.model && access(c.model, R_OK)) {
		free(dir);
		cli_err("cannot read model %s: %s", c.model, strerror(errno));
		return 1;
	}
	if (!dir) {
		dir = default_dir(file);
	}
	c.dir = dir;
	c.r = rs_load(file, &ro);
	if (!c.r) {
		goto out;
	}
	sort_run = c.r;
	c.by_time = calloc(c.r->nsc + 1, sizeof(uint32_t));
	c.by_calls = calloc(c.r->nsc + 1, sizeof(uint32_t));
	if (!c.by_time || !c.by_calls) {
		cli_err("out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < c.r->nsc; i++) {
		c.by_time[i] = c.by_calls[i] = i;
	}
	qsort(c.by_time, c.r->nsc, sizeof(uint32_t), cmp_time);
	qsort(c.by_calls, c.r->nsc, sizeof(uint32_t), cmp_calls);
	if (plot_begin(&c.ps, dir)) {
		goto out;
	}
	if (!c.ps.gnuplot) {
		cli_warn("gnuplot not found in PATH: plots are not drawn (install it with '%s'); "
			 "scripts, data and the text parts are written", PLOT_INSTALL_HINT);
	}
	plot_rate(&c);
	plot_latency(&c);
	plot_resources(&c);
	plot_timeline(&c);
	if (c.model) {
		run_model(&c);
	}
	build_tables(&c);

	FILE *f = ro_open_out(dir, "summary.json");
	if (!f) {
		goto out;
	}
	write_json(&c, f);
	if (ro_close_out(f, dir, "summary.json")) {
		goto out;
	}
	if (!(f = ro_open_out(dir, "report.md"))) {
		goto out;
	}
	write_md(&c, f);
	if (ro_close_out(f, dir, "report.md")) {
		goto out;
	}
	if (!(f = ro_open_out(dir, "index.html"))) {
		goto out;
	}
	write_html(&c, f);
	if (ro_close_out(f, dir, "index.html")) {
		goto out;
	}
	rc = 0;
	if (!quiet) {
		const char *ex = ro_exit_str(c.r);

		/* a bare "unknown" at the end of the line reads as a truncation */
		if (!strcmp(ex, "unknown")) {
			ex = "exit reason unknown";
		}
		printf("%s: %" PRIu64 " syscall%s (%" PRIu64 " error%s, %" PRIu64 " blocked) in %s, "
		       "%u process%s, %s\n",
		       file, c.r->calls, c.r->calls == 1 ? "" : "s", c.r->errors,
		       c.r->errors == 1 ? "" : "s", c.r->blocked, ro_ns(c.r->runtime_ms * 1e6),
		       c.r->nprocs, c.r->nprocs == 1 ? "" : "es", ex);
		printf("report: %s/index.html (also report.md, summary.json; %d plots in %s)\n", dir,
		       c.ps.drawn, c.ps.dir);
		rc = cli_finish_stdout(0);
	}
out:
	tab_free(&c.t_facts);
	tab_free(&c.t_sum);
	tab_free(&c.t_sys);
	tab_free(&c.t_err);
	tab_free(&c.t_proc);
	tab_free(&c.t_anom);
	free(c.anomalies);
	free(c.by_time);
	free(c.by_calls);
	rs_free(c.r);
	free(dir);
	return rc;
}
