// SPDX-License-Identifier: MIT
/* sysrec analyze train: learn per-program n-gram profiles from normal traces. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "analyze.h"
#include "model_io.h"
#include "ngram.h"
#include "proctrack.h"
#include "trainer.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze train [-n N] [--by comm|exe|global] -o MODEL FILE...\n"
		"\n"
		"Learn from normal traces the length-N syscall windows of every thread and\n"
		"how often each occurs, and the set of distinct syscalls of every process,\n"
		"one profile per program. FILE may be '-' (stdin).\n"
		"\n"
		"  -n, --n N         window length, 1..%d (default %d)\n"
		"      --by KEY      what a program is: comm (default), exe (path of the\n"
		"                    executable, else comm) or global (one profile)\n"
		"  -o, --output MODEL  model file to write ('-' = stdout)\n"
		"  -q, --quiet       no summary on stderr\n"
		"  -h, --help        this help\n"
		"\n"
		"A thread's sequence restarts when its process execs. A thread's state is\n"
		"freed when it exits and a process's when its last thread exits (a pid or\n"
		"tid used again is new), so memory follows the distinct windows and the\n"
		"processes running at once, not the length of the traces. Models trained on\n"
		"parts of a corpus merge ('sysrec analyze merge') into exactly the model of\n"
		"the whole. The file format is described in formats/MODEL.md.\n",
		NG_MAX_N, TRAIN_DEFAULT_N);
}

int cmd_analyze_train(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "n", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *by = "comm";
	uint64_t n = TRAIN_DEFAULT_N;
	bool quiet = false;
	struct trainer *tr = NULL;
	struct sr_error err;
	int c, rc = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!cli_parse_u64(optarg, &n) || n < 1 || n > NG_MAX_N) {
				return cli_bad_arg("-n", optarg, "a window length from 1 to 12");
			}
			break;
		case 'b':
			if (strcmp(optarg, "comm") && strcmp(optarg, "exe") && strcmp(optarg, "global")) {
				return cli_bad_arg("--by", optarg, "comm, exe or global");
			}
			by = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return cli_finish_stdout(0);
		default:
			return cli_usage("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (!out) {
		return cli_usage("missing -o MODEL");
	}
	if (optind >= argc) {
		return cli_usage("no trace to train on (give FILE... or '-')");
	}
	tr = trainer_new((uint32_t)n, by);
	if (!tr) {
		cli_err("out of memory");
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		if (trainer_file(tr, argv[i]) < 0) {
			goto out;
		}
	}
	struct ng_model *m = trainer_model(tr);
	if (!m->calls) {
		cli_warn("no syscalls in the training traces: the model is empty");
	}
	if (model_save(m, out, &err) != SR_OK) {
		cli_trace_error(out, &err);
		goto out;
	}
	if (!quiet) {
		size_t windows = 0, sets = 0;

		for (size_t i = 0; i < m->nprof; i++) {
			windows += m->prof[i]->grams.len;
			sets += m->prof[i]->sets.len;
		}
		double cpu = trainer_cpu_seconds(tr);

		cli_err("%llu traces, %llu syscalls, %llu sequences, %zu programs, %zu distinct "
			"windows (n=%u), %zu distinct call sets -> %s", (unsigned long long)m->traces,
			(unsigned long long)m->calls, (unsigned long long)m->sequences, m->nprof, windows,
			m->n, sets, out);
		cli_err("read and counted in %.3fs CPU (%.1fM syscalls/s per core), %.3fs wall",
			cpu, cpu > 0 ? m->calls / cpu / 1e6 : 0.0, trainer_seconds(tr));
	}
	rc = 0;
out:
	trainer_free(tr);
	return rc;
}
