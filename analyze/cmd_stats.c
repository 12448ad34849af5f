// SPDX-License-Identifier: MIT
/*
 * sysrec analyze stats FILE... [--by command|label] [--format text|json]:
 * resource figures aggregated over many runs, grouped by the recorded
 * command or by the trace label: runs, averages of read/write syscalls,
 * peak memory and CPU, totals of blocked syscalls.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analyze.h"
#include "jsonw.h"
#include "runstats.h"
#include "table.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze stats FILE... [--by command|label] [--format text|json]\n"
		"\n"
		"Aggregate many recorded runs, grouped by the recorded command (default) or by the\n"
		"trace's label: number of runs, average runtime, read/write syscalls (syscr/syscw of\n"
		"/proc/PID/io), peak memory (VmPeak) and peak CPU, totals of blocked syscalls.\n"
		"Averages of /proc figures count only the runs that have /proc samples; memory\n"
		"figures only the runs whose samples carry VmPeak (not those sampled after exit).\n"
		"\n"
		"Options:\n"
		"      --by KEY             group by 'command' or 'label'\n"
		"      --format FMT         'text' (default) or 'json'\n"
		"      --block-threshold T  a syscall taking T or longer counts as blocked (default 1ms)\n"
		"  -h, --help               show this help\n");
}

struct group {
	char *key;
	uint64_t runs, sampled, failed;
	uint64_t mem_sampled; /* runs whose samples carry memory figures */
	double runtime_ms, syscr, syscw, peak_mem, peak_cpu, syscalls;
	uint64_t max_mem;
	double max_cpu;
	uint64_t blocked, errors, lost;
};

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->key, ((const struct group *)b)->key);
}

static double avg(double sum, uint64_t n)
{
	return n ? sum / n : NAN;
}

static void add_run(struct group *g, const struct rs_run *r)
{
	g->runs++;
	g->runtime_ms += r->runtime_ms;
	g->syscalls += r->calls;
	g->blocked += r->blocked;
	g->errors += r->errors;
	g->lost += r->lost;
	if (r->has_totals && (r->exit_signal > 0 || r->exit_code > 0)) {
		g->failed++;
	}
	if (r->has_samples) {
		g->sampled++;
		g->syscr += r->syscr;
		g->syscw += r->syscw;
		g->peak_cpu += r->peak_cpu;
		/*
		 * A process sampled only after it exited (a zombie) has no Vm*
		 * lines: a VmPeak of 0 means "not known", not "no memory".
		 */
		if (r->peak_memory_kb > 0) {
			g->mem_sampled++;
			g->peak_mem += r->peak_memory_kb;
			if (r->peak_memory_kb > g->max_mem) {
				g->max_mem = r->peak_memory_kb;
			}
		}
		if (r->peak_cpu > g->max_cpu) {
			g->max_cpu = r->peak_cpu;
		}
	}
}

static const char *fmt1(double v)
{
	return isnan(v) ? "-" : tab_fmt("%.1f", v);
}

static void json_group(struct jw *w, const struct group *g, const char *by)
{
	jw_obj(w);
	jw_kstr(w, by, g->key);
	jw_ku64(w, "runs", g->runs);
	jw_ku64(w, "runs_with_samples", g->sampled);
	jw_ku64(w, "runs_with_memory", g->mem_sampled);
	jw_ku64(w, "failed_runs", g->failed);
	jw_kdbl(w, "avg_runtime_ms", round(avg(g->runtime_ms, g->runs) * 1000) / 1000);
	jw_kdbl(w, "avg_syscalls", round(avg(g->syscalls, g->runs) * 10) / 10);
	jw_kdbl(w, "avg_read_syscalls", round(avg(g->syscr, g->sampled) * 10) / 10);
	jw_kdbl(w, "avg_write_syscalls", round(avg(g->syscw, g->sampled) * 10) / 10);
	jw_kdbl(w, "avg_peak_memory_kb", round(avg(g->peak_mem, g->mem_sampled)));
	if (g->mem_sampled) {
		jw_ku64(w, "max_peak_memory_kb", g->max_mem);
	} else {
		jw_knull(w, "max_peak_memory_kb");
	}
	jw_kdbl(w, "avg_peak_cpu", round(avg(g->peak_cpu, g->sampled) * 10) / 10);
	jw_kdbl(w, "max_peak_cpu", g->sampled ? round(g->max_cpu * 10) / 10 : NAN);
	jw_ku64(w, "total_blocked_syscalls", g->blocked);
	jw_ku64(w, "total_errors", g->errors);
	jw_ku64(w, "total_lost_events", g->lost);
	jw_obj_end(w);
}

int cmd_analyze_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "block-threshold", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_opts ro = { .quiet = false };
	bool by_label = false, json = false;
	struct group *gs = NULL, all = { 0 };
	size_t ng = 0;
	int opt, rc = 0;

	optind = 0;
	opterr = 0; /* one message of ours, naming the option */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			if (!strcmp(optarg, "command")) {
				by_label = false;
			} else if (!strcmp(optarg, "label")) {
				by_label = true;
			} else {
				return cli_bad_arg("--by", optarg, "command or label");
			}
			break;
		case 'f':
			if (!strcmp(optarg, "text")) {
				json = false;
			} else if (!strcmp(optarg, "json")) {
				json = true;
			} else {
				return cli_bad_arg("--format", optarg, "text or json");
			}
			break;
		case 't':
			if (!cli_parse_duration(optarg, &ro.block_ns) || !ro.block_ns) {
				return cli_bad_arg("--block-threshold", optarg, "a duration, e.g. 1ms");
			}
			break;
		case 'h':
			usage(stdout);
			return cli_finish_stdout(0);
		default:
			return cli_usage("unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage("missing trace FILE...");
	}
	const char *by = by_label ? "label" : "command";
	for (int i = optind; i < argc; i++) {
		struct rs_run *r = rs_load(argv[i], &ro);
		if (!r) {
			rc = 1; /* reported; go on with the other runs */
			continue;
		}
		const char *key = by_label ? (r->label ? r->label : "(no label)")
					   : (r->command ? r->command : "(unknown command)");
		size_t k;
		for (k = 0; k < ng; k++) {
			if (!strcmp(gs[k].key, key)) {
				break;
			}
		}
		if (k == ng) {
			struct group *n = realloc(gs, (ng + 1) * sizeof(*gs));
			if (!n) {
				rs_free(r);
				cli_err("out of memory");
				rc = 1;
				goto out;
			}
			gs = n;
			memset(&gs[ng], 0, sizeof(gs[ng]));
			gs[ng].key = strdup(key);
			ng++;
		}
		add_run(&gs[k], r);
		add_run(&all, r);
		rs_free(r);
	}
	qsort(gs, ng, sizeof(*gs), cmp_group);
	if (json) {
		struct jw w;
		jw_init(&w, stdout, true);
		jw_obj(&w);
		jw_kstr(&w, "by", by);
		jw_ku64(&w, "runs", all.runs);
		jw_key(&w, "groups");
		jw_arr(&w);
		for (size_t k = 0; k < ng; k++) {
			json_group(&w, &gs[k], by);
		}
		jw_arr_end(&w);
		jw_key(&w, "all");
		all.key = "(all)";
		json_group(&w, &all, by);
		jw_obj_end(&w);
	} else {
		struct table t;
		tab_init(&t, tab_fmt("%s|>runs|>failed|>avg runtime ms|>avg syscalls|>avg read sc|"
				     ">avg write sc|>avg peak mem kB|>max peak mem kB|>avg peak cpu %%|"
				     ">blocked (total)", by));
		for (size_t k = 0; k <= ng; k++) {
			const struct group *g = k < ng ? &gs[k] : &all;
			if (k == ng && ng < 2) {
				break;
			}
			tab_row(&t, k < ng ? g->key : "(all)", tab_fmt("%" PRIu64, g->runs),
				tab_fmt("%" PRIu64, g->failed), fmt1(avg(g->runtime_ms, g->runs)),
				fmt1(avg(g->syscalls, g->runs)), fmt1(avg(g->syscr, g->sampled)),
				fmt1(avg(g->syscw, g->sampled)), fmt1(avg(g->peak_mem, g->mem_sampled)),
				g->mem_sampled ? tab_fmt("%" PRIu64, g->max_mem) : "-",
				fmt1(avg(g->peak_cpu, g->sampled)), tab_fmt("%" PRIu64, g->blocked));
		}
		tab_print_text(&t, stdout, "");
		tab_free(&t);
	}
	rc = cli_finish_stdout(rc);
out:
	for (size_t k = 0; k < ng; k++) {
		free(gs[k].key);
	}
	free(gs);
	return rc;
}
