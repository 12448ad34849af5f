// SPDX-License-Identifier: MIT
/* sysrec analyze features: temporal features per group and window, CSV or JSON. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analyze.h"
#include "feature_set.h"
#include "jsonw.h"

#define DEFAULT_LATENCY_TOP 5

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze features FILE... [--window T] [--by process|comm|thread]\n"
		"                               [--format csv|json] [--syscall LIST] [--latency-top K]\n"
		"\n"
		"One row per group (process, comm or thread) and time window (or the whole\n"
		"run without --window), for pandas, R or DuckDB. FILE may be '-'.\n"
		"\n"
		"  -w, --window T        cut each trace into windows of T (e.g. 1s, 200ms),\n"
		"                        counted from the trace's first event\n"
		"  -b, --by KEY          process (default), comm or thread\n"
		"  -f, --format FMT      csv (default) or json (an array of row objects)\n"
		"  -s, --syscall LIST    count only these syscalls (comma-separated names)\n"
		"  -k, --latency-top K   CSV latency columns for the K most frequent syscalls\n"
		"                        of the input (default %d); JSON has every syscall\n"
		"  -h, --help            this help\n"
		"\n"
		"Columns (see docs/FEATURES.md; empty = not defined, e.g. under 2 calls):\n"
		"  file, group (pid, tid or comm), comm, window (index), start_s (from the\n"
		"  trace's first event), seconds (window length; whole run: first to last\n"
		"  event of the group), calls, rate (calls/s),\n"
		"  iat_mean_us iat_sd_us iat_cv iat_p50_us iat_p99_us burstiness: times\n"
		"    between consecutive syscall entries of the group; cv = sd/mean,\n"
		"    burstiness = (sd - mean)/(sd + mean) (-1 regular, 0 Poisson, 1 bursty),\n"
		"  entropy_bits (Shannon entropy of the syscall mix), distinct_syscalls,\n"
		"  errors, error_rate (calls returning -errno / calls),\n"
		"  forks execs exits (process events of the group),\n"
		"  from /proc samples (deltas between consecutive samples of each process):\n"
		"    samples cpu_pct ((utime+stime) / CLK_TCK / seconds * 100), rss_peak_kb,\n"
		"    vm_peak_kb, minflt_per_s majflt_per_s read_bytes_per_s write_bytes_per_s\n"
		"    rchar_per_s wchar_per_s syscr_per_s syscw_per_s vol_ctxsw_per_s\n"
		"    invol_ctxsw_per_s,\n"
		"  class_file class_net class_process class_memory class_ipc class_signal\n"
		"    class_desc (calls per class; a syscall can be in several),\n"
		"  n_<syscall> (calls of each syscall seen in the input, sorted by name),\n"
		"  err_<ERRNO> (calls failing with ERRNO / calls, each errno seen),\n"
		"  lat_<syscall>_p50_us _p90_us _p99_us _max_us (latency of the top K).\n"
		"Percentiles are exact (nearest rank over the sorted values).\n",
		DEFAULT_LATENCY_TOP);
}

static const char *const class_names[FT_NCLASS] = { "file", "net", "process", "memory",
						     "ipc", "signal", "desc" };

static struct ft_set *sort_set;

static int cmp_cell(const void *a, const void *b)
{
	const struct ft_cell *x = *(struct ft_cell *const *)a, *y = *(struct ft_cell *const *)b;
	int c;

	if (x->file != y->file) {
		return x->file < y->file ? -1 : 1;
	}
	if (sort_set->by == FT_BY_COMM) {
		c = strcmp(x->comm, y->comm);
		if (c) {
			return c;
		}
	} else if (x->id != y->id) {
		return x->id < y->id ? -1 : 1;
	}
	return x->window < y->window ? -1 : x->window > y->window;
}

static const char **cmp_names;

static int cmp_idx_name(const void *a, const void *b)
{
	return strcmp(cmp_names[*(const size_t *)a], cmp_names[*(const size_t *)b]);
}

static void csv_num(double v)
{
	if (isfinite(v)) {
		printf(",%.6g", v);
	} else {
		printf(",");
	}
}

static void csv_str(const char *s)
{
	if (strpbrk(s, ",\"\n\r")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"') {
				putchar('"');
			}
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
}

static const char *errno_label(int e, char *buf, size_t n)
{
	const char *s = sr_errno_name(e);

	if (s) {
		return s;
	}
	snprintf(buf, n, "E%d", e);
	return buf;
}

struct fixed {
	double seconds, rate, cpu, per_s;
	struct ft_iat iat;
};

static double per_s(uint64_t v, double secs)
{
	return secs > 0 ? v / secs : NAN;
}

/* The figures every row has, in CSV order (names in the header below). */
static void fixed_values(struct ft_set *s, struct ft_cell *c, double *v)
{
	double secs = ft_cell_seconds(s, c);
	struct ft_iat iat;
	uint32_t tck = s->clk_tck ? s->clk_tck : 100;
	size_t distinct = 0;
	int k = 0;

	ft_cell_iat(c, &iat);
	for (size_t i = 0; i < c->ncount; i++) {
		distinct += c->count[i] != 0;
	}
	v[k++] = secs;
	v[k++] = c->calls;
	v[k++] = per_s(c->calls, secs);
	v[k++] = iat.mean / 1e3;
	v[k++] = iat.sd / 1e3;
	v[k++] = iat.cv;
	v[k++] = iat.p50 / 1e3;
	v[k++] = iat.p99 / 1e3;
	v[k++] = iat.burstiness;
	v[k++] = ft_cell_entropy(c);
	v[k++] = distinct;
	v[k++] = c->errors;
	v[k++] = c->calls ? (double)c->errors / c->calls : NAN;
	v[k++] = c->forks;
	v[k++] = c->execs;
	v[k++] = c->exits;
	v[k++] = c->samples;
	bool sampled = c->samples > 0;
	v[k++] = sampled && secs > 0 ? c->cpu_ticks / (double)tck / secs * 100 : NAN;
	v[k++] = sampled ? c->rss_peak_kb : NAN;
	v[k++] = sampled ? c->vm_peak_kb : NAN;
	const uint64_t rates[] = { c->minflt, c->majflt, c->read_bytes, c->write_bytes, c->rchar,
				   c->wchar, c->syscr, c->syscw, c->vol_ctxsw, c->invol_ctxsw };
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		v[k++] = sampled ? per_s(rates[i], secs) : NAN;
	}
}

static const char *const fixed_names[] = {
	"seconds", "calls", "rate", "iat_mean_us", "iat_sd_us", "iat_cv", "iat_p50_us",
	"iat_p99_us", "burstiness", "entropy_bits", "distinct_syscalls", "errors", "error_rate",
	"forks", "execs", "exits", "samples", "cpu_pct", "rss_peak_kb", "vm_peak_kb",
	"minflt_per_s", "majflt_per_s", "read_bytes_per_s", "write_bytes_per_s", "rchar_per_s",
	"wchar_per_s", "syscr_per_s", "syscw_per_s", "vol_ctxsw_per_s", "invol_ctxsw_per_s",
};
#define NFIXED (sizeof(fixed_names) / sizeof(fixed_names[0]))

static void group_label(const struct ft_set *s, const struct ft_cell *c, char *buf, size_t n)
{
	if (s->by == FT_BY_COMM) {
		snprintf(buf, n, "%s", c->comm);
	} else {
		snprintf(buf, n, "%" PRId64, c->id);
	}
}

static double start_s(const struct ft_set *s, const struct ft_cell *c)
{
	if (s->window_ns) {
		return c->window * (s->window_ns / 1e9);
	}
	return (c->first_ts - s->file_t0[c->file]) / 1e9;
}

static int output_csv(struct ft_set *s, char **files, size_t ktop)
{
	size_t *order = malloc((s->ncol ? s->ncol : 1) * sizeof(*order));
	uint64_t *tot = calloc(s->ncol ? s->ncol : 1, sizeof(*tot));
	int errs[4096];
	size_t nerr = 0;
	size_t *top = NULL;
	double v[NFIXED];
	char buf[64];

	if (!order || !tot) {
		free(order);
		free(tot);
		return -1;
	}
	for (size_t i = 0; i < s->ncol; i++) {
		order[i] = i;
	}
	cmp_names = (const char **)s->colname;
	qsort(order, s->ncol, sizeof(*order), cmp_idx_name);
	for (size_t i = 0; i < s->ncell; i++) {
		const struct ft_cell *c = s->cell[i];

		for (size_t j = 0; j < c->ncount; j++) {
			tot[j] += c->count[j];
		}
		for (size_t j = 0; j < c->nerrs; j++) {
			bool have = false;

			for (size_t q = 0; q < nerr; q++) {
				have |= errs[q] == c->errs[j].err;
			}
			if (!have && nerr < 4096) {
				errs[nerr++] = c->errs[j].err;
			}
		}
	}
	/* errnos by number, the top syscalls by total calls (ties by name) */
	for (size_t i = 1; i < nerr; i++) {
		for (size_t j = i; j > 0 && errs[j - 1] > errs[j]; j--) {
			int t = errs[j];
			errs[j] = errs[j - 1];
			errs[j - 1] = t;
		}
	}
	if (ktop > s->ncol) {
		ktop = s->ncol;
	}
	top = malloc((ktop ? ktop : 1) * sizeof(*top));
	if (!top) {
		free(order);
		free(tot);
		return -1;
	}
	bool *taken = calloc(s->ncol ? s->ncol : 1, sizeof(*taken));
	for (size_t k = 0; k < ktop && taken; k++) {
		size_t best = SIZE_MAX;

		for (size_t q = 0; q < s->ncol; q++) {
			size_t i = order[q];

			if (!taken[i] && (best == SIZE_MAX || tot[i] > tot[best])) {
				best = i;
			}
		}
		taken[best] = true;
		top[k] = best;
	}
	free(taken);

	printf("file,group,comm,window,start_s");
	for (size_t i = 0; i < NFIXED; i++) {
		printf(",%s", fixed_names[i]);
	}
	for (int b = 0; b < FT_NCLASS; b++) {
		printf(",class_%s", class_names[b]);
	}
	for (size_t q = 0; q < s->ncol; q++) {
		printf(",n_");
		csv_str(s->colname[order[q]]);
	}
	for (size_t q = 0; q < nerr; q++) {
		printf(",err_%s", errno_label(errs[q], buf, sizeof(buf)));
	}
	for (size_t k = 0; k < ktop; k++) {
		static const char *const pn[] = { "p50", "p90", "p99", "max" };

		for (int j = 0; j < 4; j++) {
			printf(",lat_");
			csv_str(s->colname[top[k]]);
			printf("_%s_us", pn[j]);
		}
	}
	putchar('\n');
	for (size_t i = 0; i < s->ncell && !cli_stdout_broken(); i++) {
		struct ft_cell *c = s->cell[i];

		csv_str(files[c->file]);
		group_label(s, c, buf, sizeof(buf));
		putchar(',');
		csv_str(buf);
		putchar(',');
		csv_str(c->comm);
		printf(",%" PRIu64, c->window);
		csv_num(start_s(s, c));
		fixed_values(s, c, v);
		for (size_t j = 0; j < NFIXED; j++) {
			csv_num(v[j]);
		}
		for (int b = 0; b < FT_NCLASS; b++) {
			printf(",%" PRIu64, c->cls[b]);
		}
		for (size_t q = 0; q < s->ncol; q++) {
			size_t col = order[q];

			printf(",%" PRIu64, col < c->ncount ? c->count[col] : 0);
		}
		for (size_t q = 0; q < nerr; q++) {
			uint64_t n = 0;

			for (size_t j = 0; j < c->nerrs; j++) {
				if (c->errs[j].err == errs[q]) {
					n = c->errs[j].count;
				}
			}
			csv_num(c->calls ? (double)n / c->calls : NAN);
		}
		for (size_t k = 0; k < ktop; k++) {
			double p50, p90, p99, max;

			if (ft_cell_latency(c, top[k], &p50, &p90, &p99, &max)) {
				csv_num(p50 / 1e3);
				csv_num(p90 / 1e3);
				csv_num(p99 / 1e3);
				csv_num(max / 1e3);
			} else {
				printf(",,,,");
			}
		}
		putchar('\n');
	}
	free(top);
	free(order);
	free(tot);
	return 0;
}

static int output_json(struct ft_set *s, char **files)
{
	double v[NFIXED];
	char buf[64];

	putchar('[');
	for (size_t i = 0; i < s->ncell && !cli_stdout_broken(); i++) {
		struct ft_cell *c = s->cell[i];

		printf("%s\n{\"file\":", i ? "," : "");
		json_str(stdout, files[c->file]);
		group_label(s, c, buf, sizeof(buf));
		printf(",\"group\":");
		json_str(stdout, buf);
		printf(",\"comm\":");
		json_str(stdout, c->comm);
		printf(",\"window\":%" PRIu64 ",\"start_s\":", c->window);
		json_num(stdout, start_s(s, c));
		fixed_values(s, c, v);
		for (size_t j = 0; j < NFIXED; j++) {
			printf(",\"%s\":", fixed_names[j]);
			json_num(stdout, v[j]);
		}
		printf(",\"classes\":{");
		for (int b = 0; b < FT_NCLASS; b++) {
			printf("%s\"%s\":%" PRIu64, b ? "," : "", class_names[b], c->cls[b]);
		}
		printf("},\"syscalls\":{");
		bool first = true;
		for (size_t q = 0; q < c->ncount; q++) {
			if (c->count[q]) {
				printf("%s", first ? "" : ",");
				json_str(stdout, s->colname[q]);
				printf(":%" PRIu64, c->count[q]);
				first = false;
			}
		}
		printf("},\"errors\":{");
		for (size_t j = 0; j < c->nerrs; j++) {
			printf("%s", j ? "," : "");
			json_str(stdout, errno_label(c->errs[j].err, buf, sizeof(buf)));
			printf(":%" PRIu64, c->errs[j].count);
		}
		printf("},\"latency_us\":{");
		first = true;
		for (size_t q = 0; q < c->ncount; q++) {
			double p50, p90, p99, max;

			if (c->count[q] && ft_cell_latency(c, q, &p50, &p90, &p99, &max)) {
				printf("%s", first ? "" : ",");
				json_str(stdout, s->colname[q]);
				printf(":{\"p50\":");
				json_num(stdout, p50 / 1e3);
				printf(",\"p90\":");
				json_num(stdout, p90 / 1e3);
				printf(",\"p99\":");
				json_num(stdout, p99 / 1e3);
				printf(",\"max\":");
				json_num(stdout, max / 1e3);
				putchar('}');
				first = false;
			}
		}
		printf("}}");
	}
	printf("\n]\n");
	return 0;
}

int cmd_analyze_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "window", required_argument, NULL, 'w' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "syscall", required_argument, NULL, 's' },
		{ "syscalls", required_argument, NULL, 's' },
		{ "latency-top", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t window = 0, ktop = DEFAULT_LATENCY_TOP;
	enum ft_by by = FT_BY_PROCESS;
	bool json = false;
	char *only[512];
	int nonly = -1;
	struct ft_set set;
	int c, rc = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "w:b:f:s:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (!cli_parse_duration(optarg, &window) || !window) {
				return cli_bad_arg("--window", optarg, "a duration above 0, e.g. 1s or 200ms");
			}
			break;
		case 'b':
			if (!strcmp(optarg, "process")) {
				by = FT_BY_PROCESS;
			} else if (!strcmp(optarg, "comm")) {
				by = FT_BY_COMM;
			} else if (!strcmp(optarg, "thread")) {
				by = FT_BY_THREAD;
			} else {
				return cli_bad_arg("--by", optarg, "process, comm or thread");
			}
			break;
		case 'f':
			if (strcmp(optarg, "csv") && strcmp(optarg, "json")) {
				return cli_bad_arg("--format", optarg, "csv or json");
			}
			json = !strcmp(optarg, "json");
			break;
		case 's':
			nonly = cli_split_list(optarg, only, 512);
			if (nonly < 1) {
				return cli_bad_arg("--syscall", optarg, "syscall names separated by commas");
			}
			break;
		case 'k':
			if (!cli_parse_u64(optarg, &ktop) || ktop > 1000) {
				return cli_bad_arg("--latency-top", optarg, "a count from 0 to 1000");
			}
			break;
		case 'h':
			usage(stdout);
			return cli_finish_stdout(0);
		default:
			return cli_usage("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage("no trace given (FILE... or '-')");
	}
	if (ft_init(&set, by, window) < 0) {
		cli_err("out of memory");
		return 1;
	}
	if (nonly > 0) {
		set.only = only;
		set.nonly = (size_t)nonly;
	}
	for (int i = optind; i < argc; i++) {
		if (ft_file(&set, argv[i]) < 0) {
			goto out;
		}
	}
	sort_set = &set;
	qsort(set.cell, set.ncell, sizeof(*set.cell), cmp_cell);
	if ((json ? output_json(&set, argv + optind) : output_csv(&set, argv + optind, ktop)) < 0) {
		cli_err("out of memory");
		goto out;
	}
	rc = 0;
out:
	ft_free(&set);
	return cli_finish_stdout(rc);
}
