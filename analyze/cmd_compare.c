// SPDX-License-Identifier: MIT
/*
 * sysrec analyze compare BASE NEW [-o DIR] [--fail-on EXPR]...
 * sysrec analyze compare --base A B C --new D E F ...
 *
 * What changed between runs: per-syscall calls, rates, errors and latency
 * (with significance), new and vanished syscalls, resource deltas, syscall
 * trigrams never seen before, with gates (--fail-on) for CI: exit 3 when
 * any fires. The grammar is in docs/COMPARE.md and failon.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "analyze.h"
#include "compare.h"
#include "failon.h"
#include "html.h"
#include "jsonw.h"
#include "plot.h"
#include "run_output.h"
#include "runstats.h"
#include "table.h"

#define EXIT_GATE 3
#define MAX_GATES 64

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze compare BASE NEW [-o DIR] [--fail-on EXPR]...\n"
		"       sysrec analyze compare --base A [B...] --new C [D...] [options]\n"
		"\n"
		"Compare runs: per-syscall calls, rates, errors and latency (p50/p90/p99 with a\n"
		"Mann-Whitney U p-value and bootstrap intervals), new and vanished syscalls,\n"
		"resource deltas, syscall trigrams (per thread) never seen in BASE. With several\n"
		"runs per side, values are per-run means and the spread between runs is shown.\n"
		"\n"
		"Options:\n"
		"  -o, --output DIR         also write DIR/index.html, report.md, compare.json, plots/\n"
		"      --fail-on EXPR       exit 3 when EXPR holds (repeatable; see below)\n"
		"      --base FILE...       the BASE runs\n"
		"      --new FILE...        the NEW runs\n"
		"      --block-threshold T  a syscall taking T or longer counts as blocked (default 1ms)\n"
		"      --top N              changed syscalls shown in the terminal (default 15)\n"
		"  -q, --quiet              print only the gates that fire\n"
		"  -h, --help               show this help\n"
		"\n"
		"--fail-on EXPR:  METRIC OP VALUE\n"
		"  METRIC  calls(S) rate(S) errors(S) error_rate(S)   S = syscall, %%class or *\n"
		"          p50(SYSCALL) p90(SYSCALL) p99(SYSCALL)      latency, ns\n"
		"          new_syscalls vanished_syscalls new_ngrams   counts in NEW\n"
		"          blocked peak_rss (kB) cpu_time (ms) faults io_bytes runtime (ms)\n"
		"  OP      >  >=  <  <=\n"
		"  VALUE   N      NEW's value             e.g. 'new_syscalls > 0', 'p99(read) > 2ms'\n"
		"          +N -N  change NEW - BASE       e.g. 'calls(openat) > +100'\n"
		"          +N%%    relative change in %%   e.g. 'calls(openat) > +10%%', 'peak_rss > +5%%'\n"
		"  Units: ns us ms s for latency/cpu_time/runtime; K M G for peak_rss/io_bytes.\n"
		"Exit status: 0 no gate fired, 3 a gate fired (each printed), 2 usage error or bad\n"
		"expression, 1 runtime error. Plots need gnuplot (%s).\n",
		PLOT_INSTALL_HINT);
}

struct gate {
	struct failon f;
	double base, new_, shown;
	bool fired;
};

struct ctx {
	struct cmp c;
	const char *dir;
	struct plot_set ps;
	struct gate gates[MAX_GATES];
	int ngates, fired;
	int top;
	uint32_t *order;  /* syscalls by |calls delta| */
	struct table t_runs, t_res, t_sys, t_lat, t_newsc, t_ng, t_gates;
};

static const char *pct(double b, double n)
{
	if (isnan(b) || isnan(n)) {
		return "-";
	}
	if (b == 0) {
		return n == 0 ? "0%" : "new";
	}
	return tab_fmt("%+.1f%%", (n - b) / fabs(b) * 100);
}

static double pctv(double b, double n)
{
	if (isnan(b) || isnan(n)) {
		return NAN;
	}
	if (b == 0) {
		return n == 0 ? 0 : INFINITY;
	}
	return (n - b) / fabs(b) * 100;
}

static const char *num(double v)
{
	if (isnan(v)) {
		return "-";
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		return tab_fmt("%.0f", v);
	}
	return tab_fmt("%.1f", v);
}

static const char *snum(double v)
{
	if (isnan(v)) {
		return "-";
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		return tab_fmt("%+.0f", v);
	}
	return tab_fmt("%+.1f", v);
}

static const char *pval(double p)
{
	if (isnan(p)) {
		return "-";
	}
	if (p < 0.0001) {
		return "<0.0001";
	}
	return tab_fmt("%.4f", p);
}

static struct cmp *sort_c;

/*
 * The status shown in the syscall tables: a syscall whose call count held
 * but whose latency shifted is "latency", not "changed", so a row reading
 * "mmap 11 -> 11, +0" does not pass for a change of calls.
 */
static const char *shown_status(const struct cmp_syscall *cs)
{
	if (!strcmp(cs->status, "changed") && !cs->calls_changed) {
		return "latency";
	}
	return cs->status;
}

#define SYS_STATUS_NOTE                                                                       \
	"status: changed = calls per run moved by more than 5%; latency = same calls, "      \
	"p50 shifted (see Latency shifts); new, vanished, same."

/* A row of the terminal's table of calls changes (new, vanished, calls moved). */
static bool calls_row(const struct cmp_syscall *cs)
{
	return strcmp(cs->status, "same") && (strcmp(cs->status, "changed") || cs->calls_changed);
}

static int cmp_delta(const void *a, const void *b)
{
	const struct cmp_syscall *x = &sort_c->sc[*(const uint32_t *)a];
	const struct cmp_syscall *y = &sort_c->sc[*(const uint32_t *)b];
	double dx = fabs(x->s[1].calls - x->s[0].calls), dy = fabs(y->s[1].calls - y->s[0].calls);

	bool sx = !strcmp(x->status, "same"), sy = !strcmp(y->status, "same");

	if (dx != dy) {
		return dx > dy ? -1 : 1;
	}
	/* latency-only changes (calls delta 0) before the unchanged rows */
	if (sx != sy) {
		return sx ? 1 : -1;
	}
	return strcmp(x->name, y->name);
}

/* ---- gates ---- */

static void eval_gates(struct ctx *x)
{
	for (int i = 0; i < x->ngates; i++) {
		struct gate *g = &x->gates[i];
		cmp_metric(&x->c, &g->f, &g->base, &g->new_);
		g->fired = failon_eval(&g->f, g->base, g->new_, &g->shown);
		x->fired += g->fired;
	}
}

static const char *gate_detail(const struct gate *g)
{
	const char *u = failon_unit(g->f.metric);
	const char *what;

	switch (g->f.mode) {
	case FO_REL:
		what = isinf(g->shown) ? "change: from 0" : tab_fmt("change %+.1f%%", g->shown);
		break;
	case FO_DELTA:
		what = tab_fmt("change %s %s", snum(g->shown), u);
		break;
	default:
		what = tab_fmt("value %s %s", num(g->shown), u);
		break;
	}
	return tab_fmt("base %s, new %s %s; %s", num(g->base), num(g->new_), u, what);
}

/* ---- tables ---- */

static void build_tables(struct ctx *x)
{
	struct cmp *c = &x->c;

	tab_init(&x->t_runs, "side|trace|command|>runtime ms|>syscalls|exit|>lost");
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < c->side[k].n; i++) {
			const struct rs_run *r = c->side[k].runs[i];
			tab_row(&x->t_runs, k ? "new" : "base", r->path, r->command ? r->command : "",
				tab_fmt("%.1f", r->runtime_ms), tab_fmt("%" PRIu64, r->calls),
				ro_exit_str(r), tab_fmt("%" PRIu64, r->lost));
		}
	}
	bool several = c->side[0].n > 1 || c->side[1].n > 1;
	tab_init(&x->t_res, several ? "resource|>base|>new|>delta|>change|>base noise|>new noise"
				    : "resource|>base|>new|>delta|>change");
	for (int m = 0; m < CR_N; m++) {
		const struct cmp_res *r = &c->res[m];
		if (!r->have) {
			tab_row(&x->t_res, r->key, "-", "-", "no /proc samples", "", "", "");
			continue;
		}
		const char *nb = r->v[0] ? tab_fmt("%.1f%%", 100 * r->sd[0] / r->v[0]) : "-";
		const char *nn = r->v[1] ? tab_fmt("%.1f%%", 100 * r->sd[1] / r->v[1]) : "-";
		tab_row(&x->t_res, r->key, num(r->v[0]), num(r->v[1]), snum(r->v[1] - r->v[0]),
			pct(r->v[0], r->v[1]), nb, nn);
	}
	tab_init(&x->t_sys, several ? "status|syscall|>base calls|>new calls|>delta|>change|"
				      ">base /s|>new /s|>base err|>new err|>noise z"
				    : "status|syscall|>base calls|>new calls|>delta|>change|"
				      ">base /s|>new /s|>base err|>new err");
	x->t_sys.cls_col = 0;
	int shown = 0;
	for (uint32_t k = 0; k < c->nsc; k++) {
		const struct cmp_syscall *cs = &c->sc[x->order[k]];
		if (!strcmp(cs->status, "same") && shown >= x->top) {
			continue;
		}
		shown++;
		const struct cmp_sc_side *b = &cs->s[0], *n = &cs->s[1];
		tab_row(&x->t_sys, shown_status(cs), cs->name, num(b->calls), num(n->calls),
			snum(n->calls - b->calls), pct(b->calls, n->calls),
			isnan(b->rate) ? "-" : tab_fmt("%.1f", b->rate),
			isnan(n->rate) ? "-" : tab_fmt("%.1f", n->rate), num(b->errors), num(n->errors),
			isnan(cs->noise_z) ? "-" : tab_fmt("%.1f", cs->noise_z));
	}
	tab_init(&x->t_lat, "syscall|>base p50|>new p50|>p50 95% CI|>base p90|>new p90|>base p99|"
			    ">new p99|>p99 95% CI|>MWU p|shift");
	for (uint32_t k = 0; k < c->nsc; k++) {
		const struct cmp_syscall *cs = &c->sc[x->order[k]];
		const struct cmp_sc_side *b = &cs->s[0], *n = &cs->s[1];
		if (isnan(cs->mwu_p)) {
			continue;
		}
		const char *shift = "none";
		if (cs->mwu_p < 0.01) {
			shift = n->p[0] > b->p[0] ? "slower" : (n->p[0] < b->p[0] ? "faster" : "spread");
		}
		tab_row(&x->t_lat, cs->name, ro_ns(b->p[0]), ro_ns(n->p[0]),
			tab_fmt("[%s, %s]", ro_ns(cs->ci_lo[0]), ro_ns(cs->ci_hi[0])), ro_ns(b->p[1]),
			ro_ns(n->p[1]), ro_ns(b->p[2]), ro_ns(n->p[2]),
			tab_fmt("[%s, %s]", ro_ns(cs->ci_lo[2]), ro_ns(cs->ci_hi[2])),
			pval(cs->mwu_p), shift);
	}
	tab_init(&x->t_newsc, "status|syscall|>calls|class");
	x->t_newsc.cls_col = 0;
	for (uint32_t k = 0; k < c->nsc; k++) {
		const struct cmp_syscall *cs = &c->sc[k];
		if (!strcmp(cs->status, "new")) {
			tab_row(&x->t_newsc, "new", cs->name, num(cs->s[1].calls),
				rs_primary_class(cs->classes));
		} else if (!strcmp(cs->status, "vanished")) {
			tab_row(&x->t_newsc, "vanished", cs->name, num(cs->s[0].calls),
				rs_primary_class(cs->classes));
		}
	}
	tab_init(&x->t_ng, "trigram (per thread)|>uses in NEW|example");
	for (uint32_t k = 0; k < c->nng && k < 20; k++) {
		const struct cmp_ngram *g = &c->ng[k];
		const struct rs_run *r = g->run;
		const char *comm = "?";
		for (uint32_t p = 0; p < r->nprocs; p++) {
			if (r->procs[p].pid == g->g->ex_pid && r->procs[p].comm) {
				comm = r->procs[p].comm;
			}
		}
		tab_row(&x->t_ng, cmp_ngram_str(g), tab_fmt("%" PRIu64, g->count),
			tab_fmt("%s tid %d at %.3fs in %s", comm, g->g->ex_tid,
				g->g->ex_ts > r->t0 ? (g->g->ex_ts - r->t0) / 1e9 : 0.0, r->path));
	}
	tab_init(&x->t_gates, "result|gate|detail");
	x->t_gates.cls_col = 0;
	for (int i = 0; i < x->ngates; i++) {
		const struct gate *g = &x->gates[i];
		tab_row(&x->t_gates, g->fired ? "fired" : "ok", g->f.text, gate_detail(g));
	}
}

/* ---- plots ---- */

static void plot_calls(struct ctx *x)
{
	struct cmp *c = &x->c;
	int n = 0;

	FILE *d = plot_data(&x->ps, "cmp_calls.dat");
	if (!d) {
		return;
	}
	fprintf(d, "syscall\tbase\tnew\n");
	for (uint32_t k = 0; k < c->nsc && n < 15; k++, n++) {
		const struct cmp_syscall *cs = &c->sc[x->order[k]];
		fprintf(d, "%s\t%.1f\t%.1f\n", cs->name, cs->s[0].calls, cs->s[1].calls);
	}
	plot_close_data(d);
	if (!n) {
		return;
	}
	FILE *g = plot_script(&x->ps, "cmp_calls", "Calls per run: largest changes");
	if (!g) {
		return;
	}
	fprintf(g, "set style data histograms\nset style histogram clustered gap 1\n"
		   "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
		   "set xtics rotate by -35 noenhanced\nset ylabel 'calls per run'\n"
		   "set logscale y\nset yrange [0.8:*]\nset key autotitle columnhead\n");
	fprintf(g, "plot 'cmp_calls.dat' using 2:xtic(1) lc rgb '%s', '' using 3 lc rgb '%s'\n",
		plot_colors[0], plot_colors[1]);
	plot_finish(&x->ps);
}

static void plot_latency(struct ctx *x)
{
	struct cmp *c = &x->c;
	uint32_t pick[4];
	int n = 0;

	/* The syscalls with both sides sampled, by largest change of calls. */
	for (uint32_t k = 0; k < c->nsc && n < 4; k++) {
		const struct cmp_syscall *cs = &c->sc[x->order[k]];
		if (cs->s[0].nlat && cs->s[1].nlat) {
			pick[n++] = x->order[k];
		}
	}
	if (!n) {
		return;
	}
	FILE *d = plot_data(&x->ps, "cmp_latency.dat");
	if (!d) {
		return;
	}
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++) {
			const struct cmp_sc_side *s = &c->sc[pick[i]].s[k];
			fprintf(d, "# %s %s\n", c->sc[pick[i]].name, k ? "new" : "base");
			plot_write_cdf(d, s->lat, s->nlat, 400);
			fprintf(d, "\n\n");
		}
	}
	plot_close_data(d);
	FILE *g = plot_script(&x->ps, "cmp_latency", "Latency CDF: base (dashed) vs new (solid)");
	if (!g) {
		return;
	}
	plot_cdf_axes(g);
	fprintf(g, "plot ");
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++) {
			fprintf(g, "%s'cmp_latency.dat' index %d using 1:2 with steps lw 2 dt %d "
				   "lc rgb '%s' title '%s %s'",
				i || k ? ", \\\n     " : "", i * 2 + k, k ? 1 : 2,
				plot_colors[i % PLOT_NCOLORS], c->sc[pick[i]].name, k ? "new" : "base");
		}
	}
	fprintf(g, "\n");
	plot_finish(&x->ps);
}

/* Total syscall rate over time and the resource curves, first run of each side. */
static void plot_overlay(struct ctx *x)
{
	const struct rs_run *r[2] = { x->c.side[0].runs[0], x->c.side[1].runs[0] };
	char name[32];

	for (int k = 0; k < 2; k++) {
		uint64_t w = rs_plot_width(r[k], 100);
		uint32_t nb = (uint32_t)((r[k]->t_end - r[k]->t0) / w + 1);
		uint64_t *tmp = calloc(nb, sizeof(*tmp));
		double *sum = calloc(nb, sizeof(*sum));
		if (!tmp || !sum) {
			free(tmp);
			free(sum);
			return;
		}
		for (uint32_t i = 0; i < r[k]->nsc; i++) {
			rs_series_rebin(r[k]->sc[i].series, w, tmp, nb);
			for (uint32_t b = 0; b < nb; b++) {
				sum[b] += tmp[b];
			}
		}
		snprintf(name, sizeof(name), "cmp_rate_%s.dat", k ? "new" : "base");
		FILE *d = plot_data(&x->ps, name);
		if (d) {
			for (uint32_t b = 0; b < nb; b++) {
				fprintf(d, "%.4f\t%.1f\n", b * (w / 1e9), sum[b] / (w / 1e9));
			}
			plot_close_data(d);
		}
		free(tmp);
		free(sum);
		snprintf(name, sizeof(name), "cmp_res_%s.dat", k ? "new" : "base");
		d = plot_data(&x->ps, name);
		if (d) {
			fprintf(d, "time_s\tcpu_pct\trss_mib\n");
			for (uint32_t i = 0; i < r[k]->nres; i++) {
				fprintf(d, "%.3f\t%.2f\t%.3f\n", r[k]->res[i].t, r[k]->res[i].cpu_pct,
					r[k]->res[i].rss_kb / 1024.0);
			}
			if (!r[k]->nres) {
				fprintf(d, "0\t0\t0\n");
			}
			plot_close_data(d);
		}
	}
	FILE *g = plot_script(&x->ps, "cmp_rate", "Syscall rate over time: base vs new");
	if (g) {
		fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'calls per second'\n"
			   "set yrange [0:*]\n");
		fprintf(g, "plot 'cmp_rate_base.dat' using 1:2 lw 2 lc rgb '%s' title 'base', \\\n"
			   "     'cmp_rate_new.dat' using 1:2 lw 2 lc rgb '%s' title 'new'\n",
			plot_colors[0], plot_colors[1]);
		plot_finish(&x->ps);
	}
	if (!r[0]->nres && !r[1]->nres) {
		return;
	}
	g = plot_script(&x->ps, "cmp_resources", "CPU % (solid) and RSS (dashed): base vs new");
	if (g) {
		fprintf(g, "set xlabel 'time since start (s)'\nset ylabel 'CPU (%%)'\n"
			   "set y2label 'RSS (MiB)'\nset ytics nomirror\nset y2tics\n"
			   "set yrange [0:*]\nset y2range [0:*]\n");
		fprintf(g, "plot 'cmp_res_base.dat' using 1:2 lw 2 lc rgb '%s' title 'base CPU', \\\n"
			   "     'cmp_res_new.dat' using 1:2 lw 2 lc rgb '%s' title 'new CPU', \\\n"
			   "     'cmp_res_base.dat' using 1:3 axes x1y2 lw 2 dt 2 lc rgb '%s' "
			   "title 'base RSS', \\\n"
			   "     'cmp_res_new.dat' using 1:3 axes x1y2 lw 2 dt 2 lc rgb '%s' "
			   "title 'new RSS'\n",
			plot_colors[0], plot_colors[1], plot_colors[0], plot_colors[1]);
		plot_finish(&x->ps);
	}
}

/* ---- outputs ---- */

static void json_side(struct jw *w, const struct cmp_side *s)
{
	jw_arr(w);
	for (int i = 0; i < s->n; i++) {
		jw_obj(w);
		jw_key(w, "run");
		jw_obj(w);
		ro_json_facts(w, s->runs[i]);
		jw_obj_end(w);
		jw_key(w, "summary");
		jw_obj(w);
		ro_json_summary(w, s->runs[i]);
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void json_pair(struct jw *w, const char *k, double b, double n)
{
	jw_key(w, k);
	jw_obj(w);
	jw_kdbl(w, "base", b);
	jw_kdbl(w, "new", n);
	jw_kdbl(w, "delta", n - b);
	double p = pctv(b, n);
	jw_kdbl(w, "delta_pct", isfinite(p) ? round(p * 100) / 100 : p);
	jw_obj_end(w);
}

static void write_json(struct ctx *x, FILE *f)
{
	struct cmp *c = &x->c;
	struct jw w;
	static const char *const pk[3] = { "p50", "p90", "p99" };

	jw_init(&w, f, true);
	jw_obj(&w);
	jw_kstr(&w, "schema", "sysrec-compare/1");
	jw_key(&w, "base");
	json_side(&w, &c->side[0]);
	jw_key(&w, "new");
	json_side(&w, &c->side[1]);
	jw_key(&w, "resources");
	jw_obj(&w);
	for (int m = 0; m < CR_N; m++) {
		const struct cmp_res *r = &c->res[m];
		if (!r->have) {
			jw_knull(&w, r->key);
			continue;
		}
		json_pair(&w, r->key, r->v[0], r->v[1]);
	}
	jw_obj_end(&w);
	if (c->side[0].n > 1 || c->side[1].n > 1) {
		jw_key(&w, "noise");
		jw_obj(&w);
		for (int m = 0; m < CR_N; m++) {
			const struct cmp_res *r = &c->res[m];
			jw_key(&w, r->key);
			jw_obj(&w);
			jw_kdbl(&w, "base_sd", r->have ? r->sd[0] : NAN);
			jw_kdbl(&w, "new_sd", r->have ? r->sd[1] : NAN);
			jw_obj_end(&w);
		}
		jw_obj_end(&w);
	}
	jw_key(&w, "syscalls");
	jw_arr(&w);
	for (uint32_t i = 0; i < c->nsc; i++) {
		const struct cmp_syscall *cs = &c->sc[i];
		const struct cmp_sc_side *b = &cs->s[0], *n = &cs->s[1];
		jw_obj(&w);
		jw_kstr(&w, "name", cs->name);
		jw_kstr(&w, "status", cs->status);
		jw_kbool(&w, "calls_changed", cs->calls_changed);
		jw_kbool(&w, "latency_changed", cs->lat_changed);
		jw_kstr(&w, "class", rs_primary_class(cs->classes));
		json_pair(&w, "calls", b->calls, n->calls);
		json_pair(&w, "rate", round(b->rate * 1000) / 1000, round(n->rate * 1000) / 1000);
		json_pair(&w, "errors", b->errors, n->errors);
		json_pair(&w, "error_rate_pct", round(b->error_rate * 1000) / 1000,
			  round(n->error_rate * 1000) / 1000);
		if (c->side[0].n > 1 || c->side[1].n > 1) {
			jw_kdbl(&w, "base_calls_sd", b->calls_sd);
			jw_kdbl(&w, "new_calls_sd", n->calls_sd);
			jw_kdbl(&w, "noise_z", cs->noise_z);
		}
		jw_key(&w, "latency_ns");
		jw_obj(&w);
		for (int q = 0; q < 3; q++) {
			json_pair(&w, pk[q], b->p[q], n->p[q]);
		}
		jw_key(&w, "ci95");
		jw_obj(&w);
		for (int q = 0; q < 3; q++) {
			jw_key(&w, pk[q]);
			jw_arr(&w);
			jw_dbl(&w, cs->ci_lo[q]);
			jw_dbl(&w, cs->ci_hi[q]);
			jw_arr_end(&w);
		}
		jw_obj_end(&w);
		jw_kdbl(&w, "mwu_p", isnan(cs->mwu_p) ? NAN : round(cs->mwu_p * 1e6) / 1e6);
		jw_ku64(&w, "base_samples", b->nlat);
		jw_ku64(&w, "new_samples", n->nlat);
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	for (int k = 0; k < 2; k++) {
		jw_key(&w, k ? "vanished_syscalls" : "new_syscalls");
		jw_arr(&w);
		for (uint32_t i = 0; i < c->nsc; i++) {
			if (!strcmp(c->sc[i].status, k ? "vanished" : "new")) {
				jw_str(&w, c->sc[i].name);
			}
		}
		jw_arr_end(&w);
	}
	jw_key(&w, "ngrams");
	jw_obj(&w);
	jw_ku64(&w, "n", 3);
	jw_kstr(&w, "scope", "per thread");
	jw_ku64(&w, "new_count", c->nng);
	jw_key(&w, "examples");
	jw_arr(&w);
	for (uint32_t k = 0; k < c->nng && k < 20; k++) {
		const struct cmp_ngram *g = &c->ng[k];
		jw_obj(&w);
		jw_key(&w, "ngram");
		jw_arr(&w);
		for (int j = 0; j < 3; j++) {
			jw_str(&w, g->run->sc[g->g->sc[j]].name);
		}
		jw_arr_end(&w);
		jw_ku64(&w, "count", g->count);
		jw_kstr(&w, "trace", g->run->path);
		jw_ki64(&w, "pid", g->g->ex_pid);
		jw_ki64(&w, "tid", g->g->ex_tid);
		jw_kdbl(&w, "at_ms", g->g->ex_ts > g->run->t0 ? (g->g->ex_ts - g->run->t0) / 1e6 : 0);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_key(&w, "gates");
	jw_arr(&w);
	for (int i = 0; i < x->ngates; i++) {
		const struct gate *g = &x->gates[i];
		jw_obj(&w);
		jw_kstr(&w, "expr", g->f.text);
		jw_kbool(&w, "fired", g->fired);
		jw_kdbl(&w, "base", g->base);
		jw_kdbl(&w, "new", g->new_);
		jw_kdbl(&w, "compared", g->shown);
		jw_kstr(&w, "unit", g->f.mode == FO_REL ? "%" : failon_unit(g->f.metric));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_ki64(&w, "fired", x->fired);
	jw_obj_end(&w);
}

static const char *side_desc(const struct cmp_side *s)
{
	if (s->n == 1) {
		return s->runs[0]->path;
	}
	return tab_fmt("%d runs (%s ...)", s->n, s->runs[0]->path);
}

static void write_md(struct ctx *x, FILE *f)
{
	struct cmp *c = &x->c;

	fprintf(f, "# sysrec compare\n\nBASE: %s  \nNEW: %s\n\n", side_desc(&c->side[0]),
		side_desc(&c->side[1]));
	if (x->ngates) {
		fprintf(f, "## Gates: %d of %d fired\n\n", x->fired, x->ngates);
		tab_print_md(&x->t_gates, f);
		fprintf(f, "\n");
	}
	fprintf(f, "## Runs\n\n");
	tab_print_md(&x->t_runs, f);
	fprintf(f, "\n## Resources (per-run means)\n\n");
	tab_print_md(&x->t_res, f);
	fprintf(f, "\n## New and vanished syscalls\n\n");
	if (x->t_newsc.nrows) {
		tab_print_md(&x->t_newsc, f);
	} else {
		fprintf(f, "None.\n");
	}
	fprintf(f, "\n## Syscalls (calls per run; changed first)\n\n%s\n\n", SYS_STATUS_NOTE);
	tab_print_md(&x->t_sys, f);
	fprintf(f, "\n## Latency shifts\n\nPercentiles of pooled samples; 95%% bootstrap "
		   "intervals of NEW - BASE; Mann-Whitney U two-sided p-value (shift when p < "
		   "0.01).\n\n");
	tab_print_md(&x->t_lat, f);
	fprintf(f, "\n## New behaviour: %u syscall trigrams (per thread) never seen in BASE\n\n",
		c->nng);
	if (x->t_ng.nrows) {
		tab_print_md(&x->t_ng, f);
	}
	fprintf(f, "\n## Plots\n\n");
	md_plots(f, &x->ps, NULL);
}

static void write_html(struct ctx *x, FILE *f)
{
	struct cmp *c = &x->c;

	html_begin(f, "sysrec compare");
	fputs("<header><h1>sysrec compare</h1><p>BASE: ", f);
	html_esc(f, side_desc(&c->side[0]));
	fputs(" &mdash; NEW: ", f);
	html_esc(f, side_desc(&c->side[1]));
	fputs("</p></header>\n", f);
	{
		static const char *const ids[] = { "gates", "runs", "resources", "newsc", "plots",
						   "syscalls", "latency", "ngrams" };
		static const char *const titles[] = { "Gates", "Runs", "Resources", "New syscalls",
						      "Plots", "Syscalls", "Latency", "New behaviour" };
		html_nav(f, ids + (x->ngates ? 0 : 1), titles + (x->ngates ? 0 : 1),
			 x->ngates ? 8 : 7);
	}
	fputs("<main>\n<div class=\"cards\">\n", f);
	if (x->ngates) {
		html_card(f, "gates fired", tab_fmt("%d of %d", x->fired, x->ngates),
			  x->fired ? "fired" : "ok");
	}
	const struct cmp_res *rt = &c->res[CR_RUNTIME];
	html_card(f, "runtime", pct(rt->v[0], rt->v[1]), NULL);
	html_card(f, "syscalls per run", pct(c->res[CR_CALLS].v[0], c->res[CR_CALLS].v[1]), NULL);
	html_card(f, "new / vanished syscalls", tab_fmt("%u / %u", c->n_new, c->n_vanished),
		  c->n_new || c->n_vanished ? "fired" : NULL);
	html_card(f, "new trigrams", tab_fmt("%u", c->nng), NULL);
	if (c->res[CR_RSS].have) {
		html_card(f, "peak RSS", pct(c->res[CR_RSS].v[0], c->res[CR_RSS].v[1]), NULL);
		html_card(f, "CPU time", pct(c->res[CR_CPU].v[0], c->res[CR_CPU].v[1]), NULL);
	}
	fputs("</div>\n", f);
	if (x->ngates) {
		html_section(f, "gates", tab_fmt("Gates: %d of %d fired", x->fired, x->ngates));
		tab_print_html(&x->t_gates, f);
	}
	html_section(f, "runs", "Runs");
	tab_print_html(&x->t_runs, f);
	html_section(f, "resources", "Resources (per-run means)");
	tab_print_html(&x->t_res, f);
	html_section(f, "newsc", "New and vanished syscalls");
	if (x->t_newsc.nrows) {
		tab_print_html(&x->t_newsc, f);
	} else {
		fputs("<p>None.</p>\n", f);
	}
	html_section(f, "plots", "Plots");
	html_plots(f, &x->ps, NULL);
	html_section(f, "syscalls", "Syscalls (calls per run; changed first)");
	fprintf(f, "<p>%s</p>\n", SYS_STATUS_NOTE);
	tab_print_html(&x->t_sys, f);
	html_section(f, "latency", "Latency shifts");
	fputs("<p>Percentiles of pooled samples; 95% bootstrap intervals of NEW &minus; BASE; "
	      "Mann-Whitney U two-sided p-value (shift when p &lt; 0.01).</p>\n", f);
	tab_print_html(&x->t_lat, f);
	html_section(f, "ngrams",
		     tab_fmt("New behaviour: %u syscall trigrams (per thread) never seen in BASE",
			     c->nng));
	if (x->t_ng.nrows) {
		tab_print_html(&x->t_ng, f);
	}
	fputs("</main>\n", f);
	html_end(f);
}

static void write_terminal(struct ctx *x, bool quiet)
{
	struct cmp *c = &x->c;

	if (quiet) {
		for (int i = 0; i < x->ngates; i++) {
			if (x->gates[i].fired) {
				printf("FIRED  %s  (%s)\n", x->gates[i].f.text, gate_detail(&x->gates[i]));
			}
		}
		return;
	}
	printf("BASE: %s\nNEW:  %s\n\n", side_desc(&c->side[0]), side_desc(&c->side[1]));
	tab_print_text(&x->t_res, stdout, "  ");
	printf("\n");
	struct table t;
	tab_init(&t, "status|syscall|>base|>new|>delta|>change|>p50 base|>p50 new|>MWU p");
	int n = 0;
	for (uint32_t k = 0; k < c->nsc && n < x->top; k++) {
		const struct cmp_syscall *cs = &c->sc[x->order[k]];
		if (!calls_row(cs)) {
			continue;
		}
		n++;
		tab_row(&t, cs->status, cs->name, num(cs->s[0].calls), num(cs->s[1].calls),
			snum(cs->s[1].calls - cs->s[0].calls), pct(cs->s[0].calls, cs->s[1].calls),
			ro_ns(cs->s[0].p[0]), ro_ns(cs->s[1].p[0]), pval(cs->mwu_p));
	}
	if (n) {
		printf("Changed syscalls (calls per run):\n");
		tab_print_text(&t, stdout, "  ");
	} else {
		printf("No syscall changed its call count by more than 5%%.\n");
	}
	tab_free(&t);
	/* latency shifts have their own table, whether or not the calls moved too */
	tab_init(&t, "syscall|>calls base|>calls new|>p50 base|>p50 new|>change|>MWU p");
	n = 0;
	for (uint32_t k = 0; k < c->nsc && n < x->top; k++) {
		const struct cmp_syscall *cs = &c->sc[x->order[k]];
		if (!cs->lat_changed) {
			continue;
		}
		n++;
		tab_row(&t, cs->name, num(cs->s[0].calls), num(cs->s[1].calls), ro_ns(cs->s[0].p[0]),
			ro_ns(cs->s[1].p[0]), pct(cs->s[0].p[0], cs->s[1].p[0]), pval(cs->mwu_p));
	}
	if (n) {
		printf("\nLatency shifts (p50 moved > 10%%, Mann-Whitney p < 0.01):\n");
		tab_print_text(&t, stdout, "  ");
	}
	tab_free(&t);
	printf("\n%u new, %u vanished syscalls; %u new syscall trigrams", c->n_new, c->n_vanished,
	       c->nng);
	if (c->nng) {
		printf(" (e.g. %s)", cmp_ngram_str(&c->ng[0]));
	}
	printf("\n");
	if (x->ngates) {
		printf("\nGates:\n");
		for (int i = 0; i < x->ngates; i++) {
			const struct gate *g = &x->gates[i];
			printf("  %-5s  %s  (%s)\n", g->fired ? "FIRED" : "ok", g->f.text, gate_detail(g));
		}
	}
}

static int write_files(struct ctx *x)
{
	FILE *f;

	if (plot_begin(&x->ps, x->dir)) {
		return -1;
	}
	if (!x->ps.gnuplot) {
		cli_warn("gnuplot not found in PATH: plots are not drawn (install it with '%s'); "
			 "scripts, data and the text parts are written", PLOT_INSTALL_HINT);
	}
	plot_calls(x);
	plot_latency(x);
	plot_overlay(x);
	if (!(f = ro_open_out(x->dir, "compare.json"))) {
		return -1;
	}
	write_json(x, f);
	if (ro_close_out(f, x->dir, "compare.json")) {
		return -1;
	}
	if (!(f = ro_open_out(x->dir, "report.md"))) {
		return -1;
	}
	write_md(x, f);
	if (ro_close_out(f, x->dir, "report.md")) {
		return -1;
	}
	if (!(f = ro_open_out(x->dir, "index.html"))) {
		return -1;
	}
	write_html(x, f);
	return ro_close_out(f, x->dir, "index.html");
}

/* Option value: "--opt=VALUE" or "--opt VALUE"; NULL when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=') {
		return argv[*i] + n + 1;
	}
	if (*i + 1 < argc) {
		return argv[++*i];
	}
	return NULL;
}

static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	return !strcmp(a, name) || (!strncmp(a, name, n) && a[n] == '=');
}

int cmd_analyze_compare(int argc, char **argv)
{
	struct ctx x = { 0 };
	struct rs_opts ro = { .latencies = true, .series = true, .ngrams = true };
	const char *files[2][CMP_MAX_RUNS], *pos[2 * CMP_MAX_RUNS];
	int nf[2] = { 0, 0 }, npos = 0, list = -1, rc = 1;
	bool quiet = false;
	struct rs_run *runs[2][CMP_MAX_RUNS] = { { 0 } };
	char why[512];
	uint64_t v;

	x.top = 15;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return cli_finish_stdout(0);
		} else if (!strcmp(a, "-o") || is_opt(a, "--output")) {
			if (!(val = opt_value(argc, argv, &i, "--output"))) {
				return cli_usage("option '%s' needs a DIR", a);
			}
			x.dir = val;
			list = -1;
		} else if (is_opt(a, "--fail-on")) {
			if (!(val = opt_value(argc, argv, &i, "--fail-on"))) {
				return cli_usage("option '--fail-on' needs an expression");
			}
			if (x.ngates == MAX_GATES) {
				return cli_usage("too many --fail-on expressions (at most %d)", MAX_GATES);
			}
			if (failon_parse(val, &x.gates[x.ngates].f, why, sizeof(why))) {
				return cli_usage("invalid --fail-on expression '%s': %s", val, why);
			}
			x.ngates++;
			list = -1;
		} else if (is_opt(a, "--block-threshold")) {
			if (!(val = opt_value(argc, argv, &i, "--block-threshold"))) {
				return cli_usage("option '--block-threshold' needs a duration");
			}
			if (!cli_parse_duration(val, &ro.block_ns) || !ro.block_ns) {
				return cli_bad_arg("--block-threshold", val, "a duration, e.g. 1ms");
			}
			list = -1;
		} else if (is_opt(a, "--top")) {
			if (!(val = opt_value(argc, argv, &i, "--top"))) {
				return cli_usage("option '--top' needs a number");
			}
			if (!cli_parse_u64(val, &v) || v < 1 || v > 100000) {
				return cli_bad_arg("--top", val, "a number from 1 to 100000");
			}
			x.top = (int)v;
			list = -1;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
			list = -1;
		} else if (!strcmp(a, "--base")) {
			list = 0;
		} else if (!strcmp(a, "--new")) {
			list = 1;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage("unknown option '%s'", a);
		} else if (list >= 0) {
			if (nf[list] == CMP_MAX_RUNS) {
				return cli_usage("too many runs for --%s (at most %d)",
						 list ? "new" : "base", CMP_MAX_RUNS);
			}
			files[list][nf[list]++] = a;
		} else {
			if (npos == 2 * CMP_MAX_RUNS) {
				return cli_usage("too many trace files");
			}
			pos[npos++] = a;
		}
	}
	if (nf[0] || nf[1]) {
		if (npos) {
			return cli_usage("unexpected '%s': with --base/--new, name every trace after "
					 "one of them", pos[0]);
		}
		if (!nf[0] || !nf[1]) {
			return cli_usage("missing %s runs: give both --base FILE... and --new FILE...",
					 nf[0] ? "--new" : "--base");
		}
	} else {
		if (npos != 2) {
			return cli_usage("expected BASE and NEW trace files (got %d)", npos);
		}
		files[0][nf[0]++] = pos[0];
		files[1][nf[1]++] = pos[1];
	}
	int nstdin = 0;
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < nf[k]; i++) {
			nstdin += !strcmp(files[k][i], "-");
		}
	}
	if (nstdin > 1) {
		return cli_usage("standard input ('-') can be read only once");
	}

	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < nf[k]; i++) {
			runs[k][i] = rs_load(files[k][i], &ro);
			if (!runs[k][i]) {
				goto out;
			}
		}
		x.c.side[k].runs = runs[k];
		x.c.side[k].n = nf[k];
	}
	if (cmp_build(&x.c)) {
		cli_err("out of memory");
		goto out;
	}
	x.order = calloc(x.c.nsc + 1, sizeof(*x.order));
	if (!x.order) {
		cli_err("out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < x.c.nsc; i++) {
		x.order[i] = i;
	}
	sort_c = &x.c;
	qsort(x.order, x.c.nsc, sizeof(*x.order), cmp_delta);
	eval_gates(&x);
	build_tables(&x);
	if (x.dir && write_files(&x)) {
		goto out;
	}
	write_terminal(&x, quiet);
	if (x.dir && !quiet) {
		printf("\nreport: %s/index.html (also report.md, compare.json; %d plots)\n", x.dir,
		       x.ps.drawn);
	}
	rc = cli_finish_stdout(x.fired ? EXIT_GATE : 0);
	if (x.fired) {
		for (int i = 0; i < x.ngates; i++) {
			if (x.gates[i].fired) {
				cli_err("gate fired: %s (%s)", x.gates[i].f.text,
					gate_detail(&x.gates[i]));
			}
		}
	}
out:
	tab_free(&x.t_runs);
	tab_free(&x.t_res);
	tab_free(&x.t_sys);
	tab_free(&x.t_lat);
	tab_free(&x.t_newsc);
	tab_free(&x.t_ng);
	tab_free(&x.t_gates);
	free(x.order);
	cmp_free(&x.c);
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < nf[k]; i++) {
			rs_free(runs[k][i]);
		}
	}
	return rc;
}
