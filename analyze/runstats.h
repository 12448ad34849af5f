/* SPDX-License-Identifier: MIT */
/*
 * runstats: aggregate one recorded run (one trace file) into the figures
 * that `analyze report`, `compare` and `stats` print: run facts, per-syscall
 * calls/errors/latency samples, per-process and per-thread tables, resource
 * figures from the /proc samples, time series for the plots and the set of
 * per-thread syscall trigrams.
 *
 * Definitions (also in docs/COMPARE.md):
 * - runtime: first to last recorded event (the Totals frame when present).
 * - blocked syscalls: still unfinished when recording stopped, plus calls
 *   that took at least opts.block_ns (default 1 ms) to return.
 * - peak_cpu: highest total CPU % of all traced processes over one sample
 *   interval (100 = one core busy).
 * - peak_memory_kb: largest VmPeak of any traced process.
 * - peak_rss_kb: highest sum of VmRSS over the traced processes at one sample.
 * - read/write_syscalls, faults, cpu time, I/O bytes: each process's last
 *   (final, when taken at exit) sample, summed over processes.
 */
#ifndef SYSREC_RUNSTATS_H
#define SYSREC_RUNSTATS_H

#include <stdbool.h>
#include <stdint.h>

#include "sysrec.h"

#define RS_SERIES_MAX 2048   /* buckets per time series before they merge */
#define RS_SERIES_BASE_NS 1000000ull /* first bucket width: 1 ms */

struct rs_opts {
	uint64_t block_ns;    /* blocked threshold; 0 = 1 ms */
	bool latencies;       /* keep latency samples per syscall */
	bool ngrams;          /* collect per-thread syscall trigrams */
	bool series;          /* time series for plots */
	uint32_t max_lat;     /* reservoir size per syscall; 0 = 100000 */
	bool quiet;           /* do not report trace damage on stderr */
};

/* Counts over time in buckets of `width` ns from the run's t0. */
struct rs_series {
	uint64_t width;
	uint32_t n;
	uint64_t cnt[RS_SERIES_MAX];
};

struct rs_errno_count {
	int err;
	uint64_t count;
};

#define RS_MAX_ERRNOS 8

struct rs_syscall {
	char *name;
	uint32_t classes;    /* SR_CLASS_* from the syscall table, 0 when unknown */
	uint64_t calls;      /* every entry, finished or not */
	uint64_t errors;     /* returned -1..-4095 */
	uint64_t unfinished;
	uint64_t noreturn;
	uint64_t blocked;    /* duration >= block_ns (unfinished ones not included) */
	uint64_t total_ns;
	uint64_t max_ns;
	uint64_t *lat;       /* latency samples (ns) of finished calls, reservoir */
	uint32_t nlat, caplat;
	uint64_t nfinished;  /* finished calls offered to the reservoir */
	uint64_t rng;
	struct rs_errno_count errs[RS_MAX_ERRNOS];
	uint64_t other_errs; /* errors beyond RS_MAX_ERRNOS distinct values */
	struct rs_series *series;
};

struct rs_sample_pt {
	uint64_t ts;
	uint64_t cpu_ticks; /* utime + stime */
	uint64_t rss_kb, vm_peak_kb;
	uint64_t faults;    /* minflt + majflt */
	uint64_t io_bytes;  /* rchar + wchar */
};

struct rs_proc {
	int32_t pid, ppid;
	char *comm;
	char *cmd;           /* exec filename + argv, or the process table's cmdline */
	char *label;
	uint64_t start, end; /* boot ns; start 0 = before the trace */
	bool started_in_trace;
	bool exited;
	int32_t exit_code, exit_signal;
	bool core_dumped;
	uint64_t calls, errors;
	uint32_t threads;    /* distinct tids seen */
	/* last sample (the final one when there was one) */
	bool has_sample;
	struct sr_sample last;
	uint64_t peak_rss_kb, peak_vm_kb;
	struct rs_sample_pt *pts;
	uint32_t npts, cappts;
};

struct rs_thread {
	int32_t tid, pid;
	uint64_t start, end;
	bool started_in_trace, exited;
	uint64_t calls;
	int32_t prev[2];     /* last two syscall indexes, for trigrams */
};

struct rs_ngram {
	uint32_t sc[3];      /* syscall indexes in this run */
	uint64_t hash;       /* of the three names: comparable across runs */
	uint64_t count;
	int32_t ex_tid, ex_pid;
	uint64_t ex_ts;
};

/* One point of the merged resource time series (all processes summed). */
struct rs_res_pt {
	double t;            /* seconds from t0 */
	double cpu_pct;
	double rss_kb;
	double fault_rate;   /* faults per second */
	double io_rate;      /* bytes per second through read/write syscalls */
};

struct rs_run {
	char *path;
	/* facts */
	char *command, *host, *kernel, *arch, *abi, *recorder, *backend, *target, *label;
	uint64_t sample_interval_ns;
	uint32_t ticks;
	bool has_clock;
	int64_t start_realtime_ns; /* wall clock of t0 */
	uint64_t t0, t_end;        /* boot ns of first/last event */
	bool has_totals;
	char *exit_reason;
	int32_t exit_code, exit_signal;
	uint64_t lost, loss_events;
	uint64_t lost_by_where[5];
	uint64_t damaged;          /* damage reports while reading */
	uint64_t events;
	/* syscalls, sorted by name after loading */
	struct rs_syscall *sc;
	uint32_t nsc, capsc;
	uint64_t calls, errors, unfinished, blocked;
	uint64_t block_ns;
	/* processes sorted by start then pid; threads likewise */
	struct rs_proc *procs;
	uint32_t nprocs, capprocs;
	struct rs_thread *threads;
	uint32_t nthreads, capthreads;
	/* summary from samples */
	bool has_samples;
	double runtime_ms;
	double peak_cpu;
	uint64_t peak_memory_kb, peak_rss_kb;
	uint64_t minflt, majflt, syscr, syscw, rchar, wchar, read_bytes, write_bytes;
	double cpu_time_ms;
	struct rs_res_pt *res;
	uint32_t nres;
	/* trigrams, sorted by hash */
	struct rs_ngram *ngrams;
	uint32_t nngrams, capngrams;
	/* private: lookup tables while loading */
	void *priv;
};

/*
 * Read PATH ("-" = stdin) into a new run. Damage is reported with
 * cli_trace_damage() and counted; a fatal error is reported and returns NULL.
 */
struct rs_run *rs_load(const char *path, const struct rs_opts *opts);
void rs_free(struct rs_run *r);

/* Index of syscall NAME in R, or -1. */
int rs_find_syscall(const struct rs_run *r, const char *name);
/* The ngram with HASH in R, or NULL. */
const struct rs_ngram *rs_find_ngram(const struct rs_run *r, uint64_t hash);
/* Percentile P (0..100) of the sorted samples V[0..n), nearest-rank on ns. */
double rs_percentile(const uint64_t *v, uint32_t n, double p);
/* Sort each syscall's latency samples (done by rs_load). */
/* Merge series buckets so that the width becomes W (a power-of-two multiple). */
void rs_series_rebin(const struct rs_series *s, uint64_t w, uint64_t *out, uint32_t nout);
/* A width (1 ms * 2^k) that gives at most MAXB buckets over the run. */
uint64_t rs_plot_width(const struct rs_run *r, uint32_t maxb);
/* Primary class of a syscall for the by-class plot: "net", "file", ... "other". */
const char *rs_primary_class(uint32_t classes);
/* "2026-11-23T09:12:31.123Z", or "" when the trace has no clock pairing. */
void rs_fmt_wallclock(char *buf, size_t n, int64_t realtime_ns);

#endif
