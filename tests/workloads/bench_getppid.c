// SPDX-License-Identifier: MIT
/*
 * bench_getppid: a null-syscall loop for benchmarks, timing itself so a
 * tracer's start-up and shutdown are not counted.
 *
 *   bench_getppid [-n CALLS] [-t THREADS] [-d SECONDS] [-r RATE] [-o FILE]
 *
 * Each of THREADS threads (default 1) calls getppid(2) CALLS times (default
 * 5000000), or for SECONDS when -d is given. -r caps the total rate at RATE
 * calls/s (paced in batches of 1000). Prints one line, to FILE when -o is
 * given (tracers such as bpftrace print on stdout too), else to stdout:
 *   calls=N ns=ELAPSED ns_per_call=X rate=CALLS_PER_S cpu_ms=OWN_CPU
 * A thread's ns_per_call is elapsed wall time over its own calls; with
 * several threads it is the mean over threads, and rate is the total.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1000

static uint64_t opt_calls = 5000000;
static double opt_seconds;
static double opt_rate;
static int opt_threads = 1;
static pthread_barrier_t start_barrier;

struct worker {
	pthread_t th;
	uint64_t calls;
	uint64_t ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t calls = 0, t0, deadline = 0, now;
	/* Per-thread pace: ns per batch when rate-limited. */
	double batch_ns = opt_rate > 0 ? 1e9 * BATCH * opt_threads / opt_rate : 0;

	pthread_barrier_wait(&start_barrier);
	t0 = now_ns();
	if (opt_seconds > 0) {
		deadline = t0 + (uint64_t)(opt_seconds * 1e9);
	}
	for (;;) {
		/* The raw syscall: glibc does not cache getppid, but be explicit. */
		for (int i = 0; i < BATCH; i++) {
			syscall(SYS_getppid);
		}
		calls += BATCH;
		if (!deadline && calls >= opt_calls) {
			break;
		}
		if (deadline || batch_ns > 0) {
			now = now_ns();
			if (deadline && now >= deadline) {
				break;
			}
			if (batch_ns > 0) {
				uint64_t due = t0 + (uint64_t)(batch_ns * (double)(calls / BATCH));

				if (due > now) {
					struct timespec ts = { (time_t)((due - now) / 1000000000ull),
							       (long)((due - now) % 1000000000ull) };

					nanosleep(&ts, NULL);
				}
			}
		}
	}
	w->ns = now_ns() - t0;
	w->calls = calls;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct worker *w;
	struct rusage ru;
	uint64_t calls = 0, ns_max = 0;
	double per_call = 0;
	int c;
	FILE *f = stdout;

	while ((c = getopt(argc, argv, "n:t:d:r:o:")) != -1) {
		switch (c) {
		case 'n':
			opt_calls = strtoull(optarg, NULL, 10);
			break;
		case 't':
			opt_threads = atoi(optarg);
			break;
		case 'd':
			opt_seconds = atof(optarg);
			break;
		case 'r':
			opt_rate = atof(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_getppid [-n CALLS] [-t THREADS] [-d SECONDS] "
					"[-r RATE] [-o FILE]\n");
			return 2;
		}
	}
	if (opt_threads < 1 || opt_calls < 1) {
		fprintf(stderr, "bench_getppid: bad -t or -n\n");
		return 2;
	}
	w = calloc((size_t)opt_threads, sizeof(*w));
	if (!w) {
		return 1;
	}
	pthread_barrier_init(&start_barrier, NULL, (unsigned)opt_threads);
	for (int i = 1; i < opt_threads; i++) {
		pthread_create(&w[i].th, NULL, worker_main, &w[i]);
	}
	worker_main(&w[0]);
	for (int i = 1; i < opt_threads; i++) {
		pthread_join(w[i].th, NULL);
	}
	for (int i = 0; i < opt_threads; i++) {
		calls += w[i].calls;
		per_call += (double)w[i].ns / (double)w[i].calls / opt_threads;
		if (w[i].ns > ns_max) {
			ns_max = w[i].ns;
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	if (out) {
		f = fopen(out, "w");
		if (!f) {
			perror(out);
			return 1;
		}
	}
	fprintf(f, "calls=%llu ns=%llu ns_per_call=%.1f rate=%.0f cpu_ms=%.0f\n",
		(unsigned long long)calls, (unsigned long long)ns_max, per_call,
		(double)calls * 1e9 / (double)ns_max,
		(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
			(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	if (fclose(f) != 0) {
		return 1;
	}
	free(w);
	return 0;
}
