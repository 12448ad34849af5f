// SPDX-License-Identifier: MIT
/* sysrec analyze: dispatch to the offline analysis subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "subcmd.h"
#include "analyze.h"

static const struct subcmd analyze_cmds[] = {
	{ "features", cmd_analyze_features, "temporal features per process/comm and window (CSV/JSON)" },
	{ "train", cmd_analyze_train, "learn n-gram profiles from normal traces" },
	{ "merge", cmd_analyze_merge, "merge models trained on shards" },
	{ "score", cmd_analyze_score, "score traces against a model" },
	{ "eval", cmd_analyze_eval, "ROC AUC and detection rates on labelled traces" },
	{ "report", cmd_analyze_report, "single-run report (HTML, Markdown, JSON, plots)" },
	{ "compare", cmd_analyze_compare, "regression comparison of runs, with --fail-on gates" },
	{ "stats", cmd_analyze_stats, "aggregate resource figures over many runs" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: sysrec analyze <subcommand> [options]\n\nSubcommands:\n");
	subcmd_list(f, analyze_cmds);
	fprintf(f, "\nRun 'sysrec analyze <subcommand> --help' for its options.\n");
}

int cmd_analyze(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return cli_finish_stdout(0);
	}
	return subcmd_run(analyze_cmds, "analyze", argc - 1, argv + 1);
}
