// SPDX-License-Identifier: MIT
/* sysrec analyze merge: models trained on shards -> the model of the whole. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "analyze.h"
#include "model_io.h"
#include "ngram.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec analyze merge -o MODEL MODEL...\n"
		"\n"
		"Add up models trained on parts of a corpus. The result is byte for byte\n"
		"the model that training on all the parts' traces at once writes, whatever\n"
		"the order of the inputs. Every input must have the same n, grouping and ABI.\n"
		"\n"
		"  -o, --output MODEL  merged model to write ('-' = stdout)\n"
		"  -h, --help          this help\n");
}

int cmd_analyze_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	struct ng_model *all = NULL, *m = NULL;
	struct sr_error err;
	int c, rc = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
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
		return cli_usage("no model to merge");
	}
	for (int i = optind; i < argc; i++) {
		m = model_load(argv[i], &err);
		if (!m) {
			cli_trace_error(argv[i], &err);
			goto out;
		}
		if (!all) {
			all = ng_model_new(m->n, m->abi, m->group_by);
			if (!all) {
				cli_err("out of memory");
				goto out;
			}
		}
		if (m->n != all->n || strcmp(m->group_by, all->group_by)) {
			cli_err("%s: n=%u --by %s does not match the first model's n=%u --by %s", argv[i],
				m->n, m->group_by, all->n, all->group_by);
			goto out;
		}
		if (strcmp(m->abi, all->abi)) {
			cli_err("%s: syscall ABI '%s' differs from the first model's '%s'", argv[i], m->abi,
				all->abi);
			goto out;
		}
		if (ng_model_merge(all, m) < 0) {
			cli_err("%s: cannot merge: %s", argv[i],
				errno == ENOSPC ? "too many distinct syscalls" : "out of memory");
			goto out;
		}
		ng_model_free(m);
		m = NULL;
	}
	if (model_save(all, out, &err) != SR_OK) {
		cli_trace_error(out, &err);
		goto out;
	}
	rc = 0;
out:
	ng_model_free(m);
	ng_model_free(all);
	return rc;
}
