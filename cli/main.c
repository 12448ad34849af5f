// SPDX-License-Identifier: MIT
/* sysrec entry point: the one subcommand table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "subcmd.h"

static const struct subcmd commands[] = {
	{ "record", cmd_record, "record syscalls, processes and /proc samples into a trace" },
	{ "replay", cmd_replay, "print, filter, summarize, export or re-stream traces" },
	{ "import", cmd_import, "convert strace logs and public data sets into traces" },
	{ "analyze", cmd_analyze, "features, anomaly model, reports and run comparisons" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: sysrec <command> [options]\n"
		   "       sysrec help <command>\n"
		   "       sysrec --version\n\n"
		   "Records syscall, process and /proc events into compressed traces and\n"
		   "analyzes them offline.\n\nCommands:\n");
	subcmd_list(f, commands);
	fprintf(f, "\nExit status: 0 success, 1 runtime failure, 2 usage error;\n"
		   "record -- CMD exits with CMD's status, analyze compare --fail-on with 3.\n"
		   "Run 'sysrec <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	cli_init_output();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return cli_finish_stdout(0);
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("sysrec %s\n", SYSREC_VERSION);
		return cli_finish_stdout(0);
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return cli_finish_stdout(0);
		}
		char *hargv[] = { argv[2], "--help", NULL };
		return subcmd_run(commands, "", 2, hargv);
	}
	return subcmd_run(commands, "", argc - 1, argv + 1);
}
