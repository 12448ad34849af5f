// SPDX-License-Identifier: MIT
/* sysrec analyze eval: ROC AUC and detection rates on labelled traces. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analyze.h"
#include "eval.h"
#include "jsonw.h"
#include "model_io.h"
#include "scorer.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze eval --model MODEL --normal FILE... --attack FILE... [options]\n"
		"       sysrec analyze eval --model MODEL --normal-label GLOB --attack-label GLOB FILE...\n"
		"\n"
		"Score every process (one trace = one process, as imported data sets are\n"
		"laid out) and measure how well each score separates attack from normal:\n"
		"ROC AUC (ties count 1/2) with a stratified bootstrap 95%% interval, the\n"
		"detection rate at 1%%, 5%% and 10%% false alarms and the false-alarm rate at\n"
		"90%% detection. A process is flagged when its score is >= the threshold.\n"
		"\n"
		"  -m, --model MODEL       model file\n"
		"      --normal FILE...    every process of these traces is normal\n"
		"      --attack FILE...    every process of these traces is an attack\n"
		"      --normal-label GLOB processes of the FILE... operands whose label\n"
		"      --attack-label GLOB matches (e.g. validation, 'attack:*') are normal/attack;\n"
		"                          others are left out\n"
		"      --score NAME        evaluate this score: stide, lfc, nll or callset;\n"
		"                          repeatable (default: all the model has, one row each)\n"
		"      --roc FILE          write the ROC curve(s) as CSV: score,threshold,far,dr\n"
		"      --bootstrap N       resamples for the interval (default 1000, 0 = none)\n"
		"      --seed S            bootstrap seed (default 1)\n"
		"  -f, --format FMT        text (default) or json\n"
		"  -h, --help              this help\n");
}

enum { CLS_NONE, CLS_NORMAL, CLS_ATTACK };

struct files {
	const char **v;
	int *cls;
	int n;
};

static int add_file(struct files *f, const char *path, int cls)
{
	const char **v = realloc(f->v, (f->n + 1) * sizeof(*v));
	int *c;

	if (!v) {
		return -1;
	}
	f->v = v;
	c = realloc(f->cls, (f->n + 1) * sizeof(*c));
	if (!c) {
		return -1;
	}
	f->cls = c;
	f->v[f->n] = path;
	f->cls[f->n++] = cls;
	return 0;
}

static int write_roc(const char *path, const struct ev_result *r, const int *which, int nwhich)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		cli_err("%s: cannot create: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "score,threshold,far,dr\n");
	for (int k = 0; k < nwhich; k++) {
		for (size_t i = 0; i < r[k].nroc; i++) {
			const struct ev_point *p = &r[k].roc[i];

			if (isinf(p->threshold)) {
				fprintf(f, "%s,inf,%.6f,%.6f\n", se_score_names[which[k]], p->far, p->dr);
			} else {
				fprintf(f, "%s,%.9g,%.6f,%.6f\n", se_score_names[which[k]], p->threshold,
					p->far, p->dr);
			}
		}
	}
	if (ferror(f) | (fclose(f) != 0)) {
		cli_err("%s: write failed", path);
		return -1;
	}
	return 0;
}

int cmd_analyze_eval(int argc, char **argv)
{
	const char *model = NULL, *roc = NULL, *nlabel = NULL, *alabel = NULL;
	struct files files = { 0 };
	int mode = CLS_NONE, which[SE_SCORE_COUNT], nwhich = 0, rc = 1;
	uint64_t boot = 1000, seed = 1;
	bool json = false;
	struct ng_model *m = NULL;
	struct se_engine *e = NULL;
	struct ev_result res[SE_SCORE_COUNT];
	double *sn = NULL, *sa = NULL;
	struct sr_error err;

	memset(res, 0, sizeof(res));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define NEED_ARG()                                                                   \
	do {                                                                         \
		if (!v) {                                                            \
			rc = cli_usage("option '%s' requires an argument", a);       \
			goto out;                                                    \
		}                                                                    \
		i++;                                                                 \
	} while (0)
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			rc = cli_finish_stdout(0);
			goto out;
		} else if (!strcmp(a, "--normal")) {
			mode = CLS_NORMAL;
		} else if (!strcmp(a, "--attack")) {
			mode = CLS_ATTACK;
		} else if (!strcmp(a, "-m") || !strcmp(a, "--model")) {
			NEED_ARG();
			model = v;
			mode = CLS_NONE;
		} else if (!strcmp(a, "--normal-label")) {
			NEED_ARG();
			nlabel = v;
			mode = CLS_NONE;
		} else if (!strcmp(a, "--attack-label")) {
			NEED_ARG();
			alabel = v;
			mode = CLS_NONE;
		} else if (!strcmp(a, "--roc")) {
			NEED_ARG();
			roc = v;
			mode = CLS_NONE;
		} else if (!strcmp(a, "--score")) {
			NEED_ARG();
			int s = se_score_by_name(v);
			if (s < 0) {
				rc = cli_bad_arg("--score", v, "stide, lfc, nll or callset");
				goto out;
			}
			which[nwhich++ % SE_SCORE_COUNT] = s;
			mode = CLS_NONE;
		} else if (!strcmp(a, "--bootstrap")) {
			NEED_ARG();
			if (!cli_parse_u64(v, &boot) || boot > 1000000) {
				rc = cli_bad_arg("--bootstrap", v, "a count up to 1000000");
				goto out;
			}
			mode = CLS_NONE;
		} else if (!strcmp(a, "--seed")) {
			NEED_ARG();
			if (!cli_parse_u64(v, &seed)) {
				rc = cli_bad_arg("--seed", v, "a number");
				goto out;
			}
			mode = CLS_NONE;
		} else if (!strcmp(a, "-f") || !strcmp(a, "--format")) {
			NEED_ARG();
			if (strcmp(v, "text") && strcmp(v, "json")) {
				rc = cli_bad_arg("--format", v, "text or json");
				goto out;
			}
			json = !strcmp(v, "json");
			mode = CLS_NONE;
		} else if (a[0] == '-' && a[1]) {
			rc = cli_usage("unrecognized option '%s'", a);
			goto out;
		} else if (add_file(&files, a, mode) < 0) {
			cli_err("out of memory");
			goto out;
		}
#undef NEED_ARG
	}
	if (!model) {
		rc = cli_usage("missing --model MODEL");
		goto out;
	}
	if (!files.n) {
		rc = cli_usage("no traces: give --normal FILE... --attack FILE..., or labels and FILE...");
		goto out;
	}
	for (int i = 0; i < files.n; i++) {
		if (files.cls[i] == CLS_NONE && (!nlabel || !alabel)) {
			rc = cli_usage("'%s' is neither --normal nor --attack (or give --normal-label and "
				       "--attack-label)", files.v[i]);
			goto out;
		}
	}
	if (nwhich > SE_SCORE_COUNT) {
		nwhich = SE_SCORE_COUNT;
	}
	m = model_load(model, &err);
	if (!m) {
		cli_trace_error(model, &err);
		goto out;
	}
	for (int k = 0; k < nwhich; k++) {
		if (!se_available(m, which[k])) {
			se_err_unavailable(model, which[k]);
			goto out;
		}
	}
	if (!nwhich) {
		for (int s = 0; s < SE_SCORE_COUNT; s++) {
			if (se_available(m, s)) {
				which[nwhich++] = s;
			}
		}
	}
	e = se_new(m, 0, true);
	if (!e) {
		cli_err("out of memory");
		goto out;
	}
	for (int i = 0; i < files.n; i++) {
		if (se_file(e, files.v[i]) < 0) {
			goto out;
		}
	}
	size_t np = se_nprocs(e), n0 = 0, n1 = 0;
	sn = malloc((np ? np : 1) * sizeof(*sn) * SE_SCORE_COUNT);
	sa = malloc((np ? np : 1) * sizeof(*sa) * SE_SCORE_COUNT);
	if (!sn || !sa) {
		cli_err("out of memory");
		goto out;
	}
	for (size_t j = 0; j < np; j++) {
		const struct se_proc *p = se_proc_at(e, j);
		int cls = files.cls[p->file];

		if (!p->st.calls) {
			continue;
		}
		if (cls == CLS_NONE) {
			const char *l = p->label ? p->label : "";

			if (!fnmatch(nlabel, l, 0)) {
				cls = CLS_NORMAL;
			} else if (!fnmatch(alabel, l, 0)) {
				cls = CLS_ATTACK;
			}
		}
		for (int k = 0; k < nwhich; k++) {
			double v = se_value(&p->st, which[k]);

			if (cls == CLS_NORMAL) {
				sn[k * np + n0] = v;
			} else if (cls == CLS_ATTACK) {
				sa[k * np + n1] = v;
			}
		}
		n0 += cls == CLS_NORMAL;
		n1 += cls == CLS_ATTACK;
	}
	if (!n0 || !n1) {
		cli_err("need both normal and attack traces with syscalls (got %zu normal, %zu attack)",
			n0, n1);
		goto out;
	}
	for (int k = 0; k < nwhich; k++) {
		if (ev_evaluate(sn + k * np, n0, sa + k * np, n1, (unsigned)boot, seed, &res[k]) < 0) {
			cli_err("out of memory");
			goto out;
		}
	}
	if (roc && write_roc(roc, res, which, nwhich) < 0) {
		goto out;
	}
	double secs = se_cpu_seconds(e);
	if (json) {
		printf("{\"model\":");
		json_str(stdout, model);
		printf(",\"n\":%u,\"normal\":%zu,\"attack\":%zu,\"bootstrap\":%" PRIu64
		       ",\"seed\":%" PRIu64 ",\"syscalls\":%" PRIu64 ",\"cpu_seconds\":",
		       m->n, n0, n1, boot, seed, se_calls(e));
		json_num(stdout, secs);
		printf(",\"scores\":[");
		for (int k = 0; k < nwhich; k++) {
			const struct ev_result *r = &res[k];

			printf("%s{\"score\":\"%s\",\"auc\":", k ? "," : "", se_score_names[which[k]]);
			json_num(stdout, r->auc);
			printf(",\"auc_ci95\":[");
			json_num(stdout, r->auc_lo);
			putchar(',');
			json_num(stdout, r->auc_hi);
			printf("],\"dr_at_far\":{\"0.01\":");
			json_num(stdout, r->dr_at_far[0]);
			printf(",\"0.05\":");
			json_num(stdout, r->dr_at_far[1]);
			printf(",\"0.10\":");
			json_num(stdout, r->dr_at_far[2]);
			printf("},\"far_at_dr90\":");
			json_num(stdout, r->far_at_dr90);
			putchar('}');
		}
		printf("]}\n");
	} else {
		printf("model %s (n=%u): %zu normal, %zu attack traces; %" PRIu64
		       " syscalls read and scored in %.2fs CPU (%.1fM/s per core)\n", model, m->n, n0, n1, se_calls(e), secs,
		       secs > 0 ? se_calls(e) / secs / 1e6 : 0.0);
		printf("%-7s %-24s %7s %7s %7s %9s\n", "score", "AUC [95% CI]", "DR@1%", "DR@5%",
		       "DR@10%", "FAR@90%DR");
		for (int k = 0; k < nwhich; k++) {
			const struct ev_result *r = &res[k];
			char auc[64];

			snprintf(auc, sizeof(auc), "%.4f [%.4f, %.4f]", r->auc, r->auc_lo, r->auc_hi);
			printf("%-7s %-24s %6.1f%% %6.1f%% %6.1f%% %8.1f%%\n", se_score_names[which[k]], auc,
			       100 * r->dr_at_far[0], 100 * r->dr_at_far[1], 100 * r->dr_at_far[2],
			       100 * r->far_at_dr90);
		}
		if (boot) {
			printf("(interval: %" PRIu64 " stratified bootstrap resamples, seed %" PRIu64 ")\n",
			       boot, seed);
		}
	}
	rc = cli_finish_stdout(0);
out:
	for (int k = 0; k < SE_SCORE_COUNT; k++) {
		free(res[k].roc);
	}
	free(sa);
	free(sn);
	se_free(e);
	ng_model_free(m);
	free(files.v);
	free(files.cls);
	return rc;
}
