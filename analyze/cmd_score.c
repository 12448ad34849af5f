// SPDX-License-Identifier: MIT
/* sysrec analyze score: how unlike its training is each trace and process. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analyze.h"
#include "jsonw.h"
#include "model_io.h"
#include "scorer.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze score --model MODEL FILE... [--threshold X] [--format text|json]\n"
		"\n"
		"Score traces against a model from 'sysrec analyze train'. Each thread's\n"
		"syscalls are cut into length-n windows (as in training) and scored against\n"
		"the profile of its program (comm or exe, as the model was trained; programs\n"
		"the model does not know are scored against all profiles together).\n"
		"FILE may be '-' to score a live stream: sysrec record -o - ... | sysrec\n"
		"analyze score --model m -\n"
		"A process is scored to its end (the exit of its last thread); a pid used\n"
		"again after that is a new process.\n"
		"\n"
		"Scores, per trace file and per process:\n"
		"  stide   fraction of full windows never seen in training (mismatch rate)\n"
		"  lfc     locality frame count: most mismatches among %d consecutive windows\n"
		"  nll     mean surprisal, bits per call: -log2 P(call | previous n-1 calls)\n"
		"          under an interpolated Kneser-Ney model over orders 1..n\n"
		"  callset 1 - the highest Jaccard similarity |A and B| / |A or B| between\n"
		"          the set A of distinct syscalls a process made while it ran a\n"
		"          program and the set B of a training process of that profile;\n"
		"          0 when training saw exactly these calls. A process has the worst\n"
		"          of its programs', a file the worst of its processes' (\"-\" or\n"
		"          null when the model predates call sets: retrain it)\n"
		"\n"
		"  -m, --model MODEL    model file\n"
		"      --score NAME     score that --threshold applies to: stide, lfc, nll\n"
		"                       (default) or callset\n"
		"  -t, --threshold X    exit 1 when any process's score is above X\n"
		"  -f, --format FMT     text (default) or json\n"
		"  -k, --top K          list the K most surprising windows (default 10, 0 = none),\n"
		"                       at seconds from their trace's start as replay prints them\n"
		"                       (JSON: time, and ts_ns in boot-time ns)\n"
		"      --no-processes   only the per-file lines: nothing of a process is kept\n"
		"                       once it exits, so memory does not grow with the\n"
		"                       number of processes\n"
		"  -v, --verbose        speed figures on stderr\n"
		"  -h, --help           this help\n"
		"\n"
		"Exit status: 0, or 1 when a score is above --threshold or a file cannot be read.\n",
		SE_LFC_WINDOW);
}

static void first_interrupt(int sig)
{
	(void)sig; /* the handler resets itself: the next SIGINT is fatal */
}

static const char *sc_name(const struct ng_model *m, uint32_t nr, char *buf, size_t n)
{
	if (nr == ~0u) {
		return "^";
	}
	if (nr < m->nnames && m->names[nr] && m->names[nr][0]) {
		return m->names[nr];
	}
	snprintf(buf, n, "syscall_%u", nr);
	return buf;
}

static void print_seq(FILE *f, const struct ng_model *m, const struct se_window *w, bool json)
{
	char buf[32];
	bool first = true;

	for (uint32_t i = 0; i < m->n; i++) {
		if (w->nr[i] == ~0u) {
			continue; /* before the sequence started */
		}
		const char *name = sc_name(m, w->nr[i], buf, sizeof(buf));
		if (json) {
			fputs(first ? "" : ",", f);
			json_str(f, name);
		} else {
			fprintf(f, "%s%s", first ? "" : " ", name);
		}
		first = false;
	}
}

/* Nanoseconds from the start of the window's trace (replay's time 0). */
static int64_t rel_ns(const struct se_engine *e, const struct se_window *w)
{
	return (int64_t)(w->ts - se_file_stats(e, w->file)->start_ns);
}

/* Seconds with microseconds, cut rather than rounded, as replay prints them. */
static const char *rel_text(const struct se_engine *e, const struct se_window *w, char *buf,
			    size_t n)
{
	int64_t ns = rel_ns(e, w);
	uint64_t a = ns < 0 ? (uint64_t)-ns : (uint64_t)ns;

	snprintf(buf, n, "%s%" PRIu64 ".%06" PRIu64, ns < 0 ? "-" : "", a / 1000000000u,
		 a % 1000000000u / 1000u);
	return buf;
}

static void text_stats(const struct se_stats *st)
{
	printf("%10" PRIu64 " %9.4f %4u %8.3f", st->calls, se_value(st, SE_SCORE_STIDE), st->lfc,
	       se_value(st, SE_SCORE_NLL));
	if (isnan(st->callset)) {
		printf(" %8s", "-");
	} else {
		printf(" %8.4f", st->callset);
	}
}

static void json_stats(const struct se_stats *st)
{
	printf("\"calls\":%" PRIu64 ",\"windows\":%" PRIu64 ",\"mismatches\":%" PRIu64 ",\"stide\":",
	       st->calls, st->windows, st->mismatches);
	json_num(stdout, se_value(st, SE_SCORE_STIDE));
	printf(",\"lfc\":%u,\"nll\":", st->lfc);
	json_num(stdout, se_value(st, SE_SCORE_NLL));
	printf(",\"callset\":");
	json_num(stdout, st->callset);
	printf(",\"unknown_program_calls\":%" PRIu64, st->unknown_program_calls);
}

int cmd_analyze_score(int argc, char **argv)
{
	enum { OPT_SCORE = 256, OPT_NOPROC };
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "threshold", required_argument, NULL, 't' },
		{ "score", required_argument, NULL, OPT_SCORE },
		{ "format", required_argument, NULL, 'f' },
		{ "top", required_argument, NULL, 'k' },
		{ "no-processes", no_argument, NULL, OPT_NOPROC },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *model = NULL;
	double threshold = 0;
	bool has_threshold = false, json = false, procs = true;
	int which = SE_SCORE_NLL;
	uint64_t topk = 10;
	struct ng_model *m = NULL;
	struct se_engine *e = NULL;
	struct sr_error err;
	int c, rc = 1, failed = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "m:t:f:k:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			model = optarg;
			break;
		case 't':
			if (!cli_parse_double(optarg, &threshold)) {
				return cli_bad_arg("--threshold", optarg, "a number");
			}
			has_threshold = true;
			break;
		case OPT_SCORE:
			which = se_score_by_name(optarg);
			if (which < 0) {
				return cli_bad_arg("--score", optarg, "stide, lfc, nll or callset");
			}
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				return cli_bad_arg("--format", optarg, "text or json");
			}
			json = !strcmp(optarg, "json");
			break;
		case 'k':
			if (!cli_parse_u64(optarg, &topk) || topk > 100000) {
				return cli_bad_arg("--top", optarg, "a count from 0 to 100000");
			}
			break;
		case 'v':
			cli_verbose = 1;
			break;
		case OPT_NOPROC:
			procs = false;
			break;
		case 'h':
			usage(stdout);
			return cli_finish_stdout(0);
		default:
			return cli_usage("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (!model) {
		return cli_usage("missing --model MODEL");
	}
	if (optind >= argc) {
		return cli_usage("no trace to score (give FILE... or '-')");
	}
	m = model_load(model, &err);
	if (!m) {
		cli_trace_error(model, &err);
		return 1;
	}
	if (has_threshold && !se_available(m, which)) {
		se_err_unavailable(model, which);
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			/*
			 * Live pipeline (record -o - | score -): Ctrl-C reaches both; the
			 * recorder then ends its stream cleanly, and we must live to read
			 * it to the end and print. A second Ctrl-C stops us at once.
			 */
			struct sigaction sa = { .sa_handler = first_interrupt,
						.sa_flags = SA_RESETHAND | SA_RESTART };

			sigemptyset(&sa.sa_mask);
			sigaction(SIGINT, &sa, NULL);
			break;
		}
	}
	e = se_new(m, (unsigned)topk, procs);
	if (!e) {
		cli_err("out of memory");
		goto out;
	}
	if (has_threshold) {
		se_count_above(e, which, threshold);
	}
	for (int i = optind; i < argc; i++) {
		if (se_file(e, argv[i]) < 0) {
			failed++;
		}
	}

	size_t above = se_above(e);
	if (json) {
		printf("{\"model\":");
		json_str(stdout, model);
		printf(",\"n\":%u,\"files\":[", m->n);
	}
	for (int i = optind; i < argc && !cli_stdout_broken(); i++) {
		size_t file = (size_t)(i - optind);
		const struct se_stats *fs = se_file_stats(e, file);
		bool first = true;

		if (json) {
			printf("%s{\"file\":", file ? "," : "");
			json_str(stdout, argv[i]);
			putchar(',');
			json_stats(fs);
			printf(",\"processes\":[");
		} else {
			printf("%s:\n%-8s %-16s %-16s %10s %9s %4s %8s %8s\n", argv[i], "pid", "comm",
			       "profile", "calls", "stide", "lfc", "nll", "callset");
			printf("%-8s %-16s %-16s ", "all", "", "");
			text_stats(fs);
			putchar('\n');
		}
		for (size_t j = 0; j < se_nprocs(e); j++) {
			const struct se_proc *p = se_proc_at(e, j);

			if (p->file != file) {
				continue;
			}
			if (json) {
				printf("%s{\"pid\":%d,\"comm\":", first ? "" : ",", p->pid);
				json_str(stdout, p->comm);
				printf(",\"profile\":");
				json_str(stdout, p->profile);
				printf(",\"label\":");
				json_str(stdout, p->label);
				printf(",\"source\":");
				json_str(stdout, p->source);
				putchar(',');
				json_stats(&p->st);
				putchar('}');
			} else {
				printf("%-8d %-16s %-16s ", p->pid, p->comm, p->profile ? p->profile : "-");
				text_stats(&p->st);
				if (p->label || p->source) {
					printf("  %s%s%s", p->label ? p->label : "", p->label && p->source ? " " : "",
					       p->source ? p->source : "");
				}
				putchar('\n');
			}
			first = false;
		}
		if (json) {
			fputs("]}", stdout);
		}
	}
	size_t nw = 0;
	const struct se_window *w = se_top(e, &nw);
	if (json) {
		printf("],\"top_windows\":[");
		for (size_t i = 0; i < nw; i++) {
			printf("%s{\"file\":", i ? "," : "");
			json_str(stdout, argv[optind + w[i].file]);
			printf(",\"ts_ns\":%" PRIu64 ",\"time\":%.9f,\"pid\":%d,\"tid\":%d,\"comm\":",
			       w[i].ts, rel_ns(e, &w[i]) / 1e9, w[i].pid, w[i].tid);
			json_str(stdout, w[i].comm);
			printf(",\"surprisal\":");
			json_num(stdout, w[i].surprisal);
			printf(",\"seen\":%s,\"sequence\":[", w[i].seen ? "true" : "false");
			print_seq(stdout, m, &w[i], true);
			printf("]}");
		}
		printf("]}\n");
	} else if (nw) {
		printf("\nMost surprising windows (bits = -log2 P(last call | the calls before)):\n");
		printf("%-12s %-8s %-8s %-16s %6s %-6s %s\n", "time(s)", "pid", "tid", "comm", "bits",
		       "seen", "sequence");
		for (size_t i = 0; i < nw; i++) {
			char tbuf[32];

			printf("%-12s %-8d %-8d %-16s %6.2f %-6s ",
			       rel_text(e, &w[i], tbuf, sizeof(tbuf)), w[i].pid, w[i].tid,
			       w[i].comm, w[i].surprisal, w[i].seen ? "yes" : "no");
			print_seq(stdout, m, &w[i], false);
			putchar('\n');
		}
	}
	if (se_seconds(e) > 0) {
		double cpu = se_cpu_seconds(e);

		cli_note("%" PRIu64 " syscalls read and scored in %.3fs CPU (%.1fM/s per core), "
			 "%.3fs wall", se_calls(e), cpu, cpu > 0 ? se_calls(e) / cpu / 1e6 : 0.0,
			 se_seconds(e));
	}
	rc = failed ? 1 : 0;
	if (has_threshold && above) {
		cli_err("%zu process%s with %s above %g", above, above == 1 ? "" : "es",
			se_score_names[which], threshold);
		rc = 1;
	}
out:
	se_free(e);
	ng_model_free(m);
	return cli_finish_stdout(rc);
}
