// SPDX-License-Identifier: MIT
/* sysrec import: strace logs and public data sets into sysrec traces. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "import.h"

static const struct {
	const char *name;
	int (*fn)(const char *const *in, size_t n, const char *out, const struct imp_opts *o,
		  struct imp_stats *st);
} kinds[] = {
	{ "strace", imp_strace },
	{ "adfa", imp_adfa },
	{ "lid-ds", imp_lidds },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec import --from KIND [options] INPUT... -o OUT\n"
		"\n"
		"Converts strace logs and public data sets into one sysrec trace.\n"
		"\n"
		"Kinds (--from):\n"
		"  strace   logs of `strace -f -ttt -T -o FILE` (also -y, -tt, no -T, the\n"
		"           FILE.PID files of -ff); unfinished/resumed lines are joined.\n"
		"           Times stay epoch times: the trace's boot-time clock is the\n"
		"           epoch clock. Syscall names map to --abi numbers.\n"
		"  adfa     ADFA-LD: a trace file or a folder (searched recursively, sorted\n"
		"           by path). Each trace becomes a process (pid 1000 + index) labelled\n"
		"           training, validation or attack:<type> from its folders; i386\n"
		"           numbers; synthetic times 1 us apart.\n"
		"  lid-ds   LID-DS 2021 recordings: .sc files or the recording's .zip (the\n"
		"           .sc and the .json metadata inside); entry/exit lines joined per\n"
		"           thread; processes labelled attack or normal from the metadata.\n"
		"\n"
		"Options:\n"
		"  -f, --from KIND           strace, adfa or lid-ds (required)\n"
		"  -o, --output OUT          trace to write ('-' = standard output) (required)\n"
		"      --label LABEL         label every imported process LABEL\n"
		"      --abi ABI             syscall ABI of names in strace/lid-ds input\n"
		"                            (x86_64, i386, aarch64; default x86_64)\n"
		"      --compression-level N zstd level (1-19, default 3)\n"
		"  -q, --quiet               no summary line, no per-line warnings\n"
		"  -v, --verbose             more detail\n"
		"  -h, --help                this help\n"
		"\n"
		"Bad input lines are reported once per kind (file:line), counted and\n"
		"skipped. Exit status: 0 success, 1 runtime failure, 2 usage error.\n");
}

int cmd_import(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'L' },
		{ "abi", required_argument, NULL, 'A' },
		{ "compression-level", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct imp_opts o = { 0 };
	struct imp_stats st = { 0 };
	const char *from = NULL, *out = NULL;
	struct timespec t0, t1;
	int opt, k = -1, rc;
	uint64_t v;

	o.argc = argc;
	o.argv = argv;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:o:qvh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			from = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'L':
			if (!*optarg) {
				return cli_bad_arg("--label", optarg, "a non-empty label");
			}
			o.label = optarg;
			break;
		case 'A':
			if (sr_abi_from_name(optarg) == SR_ABI_UNKNOWN) {
				return cli_bad_arg("--abi", optarg, "x86_64, i386 or aarch64");
			}
			o.abi = optarg;
			break;
		case 'c':
			if (!cli_parse_u64(optarg, &v) || v < 1 || v > 19) {
				return cli_bad_arg("--compression-level", optarg, "a level from 1 to 19");
			}
			o.level = (int)v;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'v':
			cli_verbose++;
			break;
		case 'h':
			usage(stdout);
			return cli_finish_stdout(0);
		case ':':
			return cli_usage("option '%s' needs an argument", argv[optind - 1]);
		default:
			return cli_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!from) {
		return cli_usage("missing --from KIND (strace, adfa or lid-ds)");
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!strcmp(from, kinds[i].name) || (!strcmp(kinds[i].name, "lid-ds") &&
						     (!strcmp(from, "lidds") || !strcmp(from, "lid_ds")))) {
			k = (int)i;
		}
	}
	if (k < 0) {
		return cli_bad_arg("--from", from, "strace, adfa or lid-ds");
	}
	if (!out) {
		return cli_usage("missing -o/--output OUT (the trace to write)");
	}
	if (optind >= argc) {
		return cli_usage("missing INPUT (the %s %s to import)", from,
				 k == 1 ? "file or folder" : "file");
	}
	if (!strcmp(from, "adfa") && o.abi) {
		return cli_usage("--abi does not apply to --from adfa (ADFA-LD is i386)");
	}
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], out) && strcmp(out, "-")) {
			return cli_usage("output '%s' is also an input", out);
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = kinds[k].fn((const char *const *)argv + optind, (size_t)(argc - optind), out, &o, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0 && !o.quiet) {
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		char size[32];
		cli_fmt_size(size, sizeof(size), st.bytes_out);
		cli_err("%s: %" PRIu64 " syscalls, %" PRIu64 " process events, %" PRIu64
			" processes from %" PRIu64 " file%s; %" PRIu64 " bad lines, %" PRIu64
			" unknown syscalls skipped; %s in %.2fs (%.0f syscalls/s)",
			out, st.syscalls, st.proc_events, st.processes, st.inputs,
			st.inputs == 1 ? "" : "s", st.bad_lines, st.unknown_names, size, secs,
			secs > 0 ? (double)st.syscalls / secs : 0.0);
	}
	return rc;
}
