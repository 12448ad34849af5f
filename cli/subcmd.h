/* SPDX-License-Identifier: MIT */
/* Subcommand tables: {name, fn, summary}, dispatch and "did you mean". */
#ifndef SYSREC_SUBCMD_H
#define SYSREC_SUBCMD_H

#include <stdio.h>

struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

void subcmd_list(FILE *f, const struct subcmd *tab);
/*
 * Run the command named argv[0] from TAB; PARENT is "" or e.g. "analyze" for
 * messages. Sets cli_cmd. Unknown names get a usage error with a suggestion.
 */
int subcmd_run(const struct subcmd *tab, const char *parent, int argc, char **argv);

#endif
