// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "subcmd.h"

void subcmd_list(FILE *f, const struct subcmd *tab)
{
	for (const struct subcmd *c = tab; c->name; c++) {
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	}
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (lb >= 63) {
		return 99;
	}
	for (size_t j = 0; j <= lb; j++) {
		row[j] = j;
	}
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best) {
				best = row[j] + 1;
			}
			if (row[j - 1] + 1 < best) {
				best = row[j - 1] + 1;
			}
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

int subcmd_run(const struct subcmd *tab, const char *parent, int argc, char **argv)
{
	static char cmdname[64];
	const char *name = argv[0];
	const struct subcmd *best = NULL;
	size_t bestd = 3;

	for (const struct subcmd *c = tab; c->name; c++) {
		if (!strcmp(c->name, name)) {
			if (parent && *parent) {
				snprintf(cmdname, sizeof(cmdname), "%s %s", parent, c->name);
			} else {
				snprintf(cmdname, sizeof(cmdname), "%s", c->name);
			}
			cli_cmd = cmdname;
			return c->fn(argc, argv);
		}
		size_t d = edit_distance(name, c->name);
		if (d < bestd || (!strncmp(c->name, name, strlen(name)) && strlen(name) >= 2)) {
			bestd = d;
			best = c;
		}
	}
	cli_cmd = (parent && *parent) ? parent : NULL;
	if (best) {
		return cli_usage("unknown command '%s' (did you mean '%s'?)", name, best->name);
	}
	return cli_usage("unknown command '%s'", name);
}
