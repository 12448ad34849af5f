// SPDX-License-Identifier: MIT
/*
 * bench_replay: replay throughput and size, on a trace of N syscalls written
 * by build/tools/mksample (a two-thread process doing openat/read/write/close/
 * futex/mmap with arguments and paths).
 *   - decode only: sr_reader_next() over the whole file, events/s on one core
 *   - text printing: `sysrec replay FILE -o /dev/null`, lines/s of CPU time
 *   - JSON lines: `sysrec replay --format json`, lines/s of CPU time
 *   - size of the same events as a sysrec trace, strace-like text and JSON lines
 * Targets (DESIGN.md): 20M+ events/s decoding, 2M+ lines/s text.
 * Run from the top of the tree (make bench does). Usage: bench_replay [N]
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sysrec.h"

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static long long file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (long long)st.st_size : -1;
}

static double children_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/*
 * Run CMD (a shell line); returns the CPU time (user + system) it used, which
 * a busy machine disturbs less than wall time, or -1 on failure.
 */
static double timed(const char *cmd)
{
	double t0 = children_cpu();
	int st = system(cmd);

	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench_replay: failed: %s\n", cmd);
		return -1;
	}
	return children_cpu() - t0;
}

static double decode(const char *path, uint64_t *events)
{
	struct sr_error err;
	struct sr_event ev;
	struct sr_reader *r = sr_reader_open(path, &err);
	uint64_t n = 0;
	enum sr_status st;

	if (!r) {
		fprintf(stderr, "bench_replay: %s: %s\n", path, err.msg);
		return -1;
	}
	double t0 = cpu_now();
	while ((st = sr_reader_next(r, &ev, &err)) != SR_END) {
		if (st != SR_OK) {
			fprintf(stderr, "bench_replay: %s: %s\n", path, err.msg);
			break;
		}
		n++;
	}
	double t = cpu_now() - t0;
	sr_reader_close(r);
	*events = n;
	return t;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
	char dir[] = "/tmp/sysrec-bench-replay.XXXXXX";
	char trace[256], text[256], json[256], cmd[1024];
	uint64_t events = 0;
	double best = 1e9, t;
	int rc = 1;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(trace, sizeof(trace), "%s/big.trace", dir);
	snprintf(text, sizeof(text), "%s/big.txt", dir);
	snprintf(json, sizeof(json), "%s/big.json", dir);
	snprintf(cmd, sizeof(cmd), "build/tools/mksample big %s %llu", trace, (unsigned long long)n);
	if (timed(cmd) < 0) {
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		t = decode(trace, &events);
		if (t < 0) {
			goto out;
		}
		if (t < best) {
			best = t;
		}
	}
	printf("replay decode:  %llu events in %.3f s CPU = %.1f M events/s per core (target 20 M)\n",
	       (unsigned long long)events, best, events / best / 1e6);

	double tt = 1e9, tj = 1e9;
	for (int i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd), "bin/sysrec replay %s -o /dev/null", trace);
		t = timed(cmd);
		if (t < 0) {
			goto out;
		}
		tt = t < tt ? t : tt;
		snprintf(cmd, sizeof(cmd), "bin/sysrec replay --format json %s -o /dev/null", trace);
		t = timed(cmd);
		if (t < 0) {
			goto out;
		}
		tj = t < tj ? t : tj;
	}
	printf("replay text:    %.3f s CPU = %.2f M lines/s (target 2 M)\n", tt, events / tt / 1e6);
	printf("replay json:    %.3f s CPU = %.2f M lines/s\n", tj, events / tj / 1e6);

	snprintf(cmd, sizeof(cmd), "bin/sysrec replay -T %s -o %s", trace, text);
	if (timed(cmd) < 0) {
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "bin/sysrec replay --format json %s -o %s", trace, json);
	if (timed(cmd) < 0) {
		goto out;
	}
	long long st = file_size(trace), sx = file_size(text), sj = file_size(json);
	printf("size:           sysrec trace %lld B (%.2f B/event), strace-like text %lld B "
	       "(%.1f B/event, %.0fx), JSON lines %lld B (%.1f B/event, %.0fx)\n",
	       st, (double)st / events, sx, (double)sx / events, (double)sx / st, sj,
	       (double)sj / events, (double)sj / st);
	/* The same comparison on real recordings, when samples/ has some. */
	glob_t g;
	if (glob("samples/*.trace", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			uint64_t ev = 0;
			if (decode(g.gl_pathv[i], &ev) < 0 || !ev) {
				continue;
			}
			snprintf(cmd, sizeof(cmd), "bin/sysrec replay -T %s -o %s", g.gl_pathv[i], text);
			if (timed(cmd) < 0) {
				continue;
			}
			snprintf(cmd, sizeof(cmd), "bin/sysrec replay --format json %s -o %s",
				 g.gl_pathv[i], json);
			if (timed(cmd) < 0) {
				continue;
			}
			st = file_size(g.gl_pathv[i]);
			sx = file_size(text);
			sj = file_size(json);
			printf("size of %s: %llu events, trace %.2f B/event, text %.1f B/event, "
			       "JSON %.1f B/event\n",
			       g.gl_pathv[i], (unsigned long long)ev, (double)st / ev, (double)sx / ev,
			       (double)sj / ev);
		}
		globfree(&g);
	}
	rc = 0;
out:
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_replay: could not remove %s\n", dir);
	}
	return rc;
}
