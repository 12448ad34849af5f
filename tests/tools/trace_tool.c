// SPDX-License-Identifier: MIT
/*
 * Test helper for shell tests of the trace format:
 *   trace_tool gen OUT [SEED [EVENTS [CHUNK_EVENTS]]]
 *       write a random trace of every event kind (tests/lib/trace_gen.h)
 *   trace_tool count FILE
 *       read FILE with libsysrec and print "kind count" lines
 *       (syscall, process, sample, hostcpu, loss, procinfo, damage)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec.h"
#include "trace_gen.h"

static int gen(int argc, char **argv)
{
	struct gen g;
	struct sr_writer_opts o = { 0 };
	char why[200];
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	size_t n = argc > 4 ? strtoull(argv[4], NULL, 10) : 200;

	o.chunk_events = argc > 5 ? strtoul(argv[5], NULL, 10) : 50;
	o.chunk_ns = UINT64_MAX;
	gen_init(&g, seed, n, false);
	if (!gen_write(&g, argv[2], -1, &o, why, sizeof(why))) {
		fprintf(stderr, "trace_tool: %s\n", why);
		return 1;
	}
	gen_free(&g);
	return 0;
}

static int count(const char *path)
{
	static const char *const names[] = { "", "syscall", "process", "sample", "hostcpu", "loss",
					     "procinfo" };
	uint64_t n[7] = { 0 }, damage = 0;
	struct sr_error err;
	struct sr_reader *r = sr_reader_open(path, &err);
	struct sr_event ev;
	enum sr_status st;

	if (!r) {
		fprintf(stderr, "trace_tool: %s: %s\n", path, err.msg);
		return 1;
	}
	while ((st = sr_reader_next(r, &ev, &err)) != SR_END) {
		if (st == SR_OK) {
			n[ev.type]++;
		} else if (st == SR_TRUNCATED || st == SR_CORRUPT) {
			damage++;
		} else {
			fprintf(stderr, "trace_tool: %s: %s\n", path, err.msg);
			sr_reader_close(r);
			return 1;
		}
	}
	for (int i = 1; i < 7; i++) {
		printf("%s %llu\n", names[i], (unsigned long long)n[i]);
	}
	printf("damage %llu\n", (unsigned long long)damage);
	sr_reader_close(r);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "gen")) {
		return gen(argc, argv);
	}
	if (argc == 3 && !strcmp(argv[1], "count")) {
		return count(argv[2]);
	}
	fprintf(stderr, "usage: trace_tool gen OUT [SEED [EVENTS [CHUNK_EVENTS]]] | count FILE\n");
	return 2;
}
