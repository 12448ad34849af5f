// SPDX-License-Identifier: MIT
/*
 * --summary: the strace -c table (% time, seconds, usecs/call, calls, errors,
 * syscall) from the recorded durations of the selected syscalls, sorted by
 * time; with the wall-clock span and the CPU time of the processes from their
 * /proc samples. --summary=process prints one such table per process.
 * Calls that never returned or were unfinished count as calls with no time.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "replay.h"

struct sum_row {
	int32_t pid;         /* 0 in the all-processes table */
	const char *name;    /* interned */
	uint64_t calls, errors, ns;
};

struct sum_proc {
	int32_t pid;
	uint64_t utime, stime, rss_max, samples;
};

static struct {
	struct sum_row *rows; /* open addressing on (pid, name pointer) */
	size_t cap, n;
	char **names;         /* interned names */
	size_t nnames, capnames;
	const char ***by_nr;  /* per input: nr -> interned name */
	uint32_t *by_nr_n;
	struct sum_proc *procs;
	size_t nprocs, capprocs;
	int64_t first, last;
	bool any;
	uint32_t hz;
} sm;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		cli_err("out of memory for the summary");
		exit(1);
	}
	return q;
}

static const char *intern(const char *name)
{
	for (size_t i = 0; i < sm.nnames; i++) {
		if (!strcmp(sm.names[i], name)) {
			return sm.names[i];
		}
	}
	if (sm.nnames == sm.capnames) {
		sm.capnames = sm.capnames ? sm.capnames * 2 : 256;
		sm.names = xrealloc(sm.names, sm.capnames * sizeof(*sm.names));
	}
	char *dup = strdup(name);
	if (!dup) {
		cli_err("out of memory for the summary");
		exit(1);
	}
	sm.names[sm.nnames++] = dup;
	return dup;
}

static size_t row_hash(int32_t pid, const char *name, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ull ^ (uint32_t)pid * 2654435761u;

	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static struct sum_row *row_get(int32_t pid, const char *name)
{
	if ((sm.n + 1) * 2 > sm.cap) {
		size_t ncap = sm.cap ? sm.cap * 2 : 1024;
		struct sum_row *nr = calloc(ncap, sizeof(*nr));
		if (!nr) {
			cli_err("out of memory for the summary");
			exit(1);
		}
		for (size_t i = 0; i < sm.cap; i++) {
			if (!sm.rows[i].name) {
				continue;
			}
			size_t j = row_hash(sm.rows[i].pid, sm.rows[i].name, ncap);
			while (nr[j].name) {
				j = (j + 1) & (ncap - 1);
			}
			nr[j] = sm.rows[i];
		}
		free(sm.rows);
		sm.rows = nr;
		sm.cap = ncap;
	}
	size_t i = row_hash(pid, name, sm.cap);
	while (sm.rows[i].name) {
		if (sm.rows[i].name == name && sm.rows[i].pid == pid) {
			return &sm.rows[i];
		}
		i = (i + 1) & (sm.cap - 1);
	}
	sm.rows[i].pid = pid;
	sm.rows[i].name = name;
	sm.n++;
	return &sm.rows[i];
}

static struct sum_proc *proc_get(int32_t pid)
{
	for (size_t i = sm.nprocs; i > 0; i--) {
		if (sm.procs[i - 1].pid == pid) {
			return &sm.procs[i - 1];
		}
	}
	if (sm.nprocs == sm.capprocs) {
		sm.capprocs = sm.capprocs ? sm.capprocs * 2 : 64;
		sm.procs = xrealloc(sm.procs, sm.capprocs * sizeof(*sm.procs));
	}
	struct sum_proc *p = &sm.procs[sm.nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

static int sum_begin(struct replay *rp)
{
	const Sysrec__Header *h = rp->in[0].hdr;

	sm.by_nr = calloc(rp->nin, sizeof(*sm.by_nr));
	sm.by_nr_n = calloc(rp->nin, sizeof(*sm.by_nr_n));
	if (!sm.by_nr || !sm.by_nr_n) {
		cli_err("out of memory for the summary");
		return 1;
	}
	sm.hz = h && h->clock_ticks_per_sec ? h->clock_ticks_per_sec : 100;
	return 0;
}

static const char *name_of(struct rp_input *in, uint32_t nr)
{
	unsigned f = in->idx;

	if (nr >= sm.by_nr_n[f]) {
		uint32_t n = nr + 1 > in->ntab ? nr + 1 : in->ntab;
		sm.by_nr[f] = xrealloc(sm.by_nr[f], n * sizeof(**sm.by_nr));
		memset(sm.by_nr[f] + sm.by_nr_n[f], 0, (n - sm.by_nr_n[f]) * sizeof(**sm.by_nr));
		sm.by_nr_n[f] = n;
	}
	if (!sm.by_nr[f][nr]) {
		sm.by_nr[f][nr] = intern(rp_input_sc_name(in, nr));
	}
	return sm.by_nr[f][nr];
}

static void sum_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev, int64_t k)
{
	if (ev->type == SR_EV_SAMPLE) {
		struct sum_proc *p = proc_get(ev->sample.pid);
		/*
		 * Counters are cumulative, so the largest is the total; a final
		 * sample taken as the process dies may read zeros.
		 */
		if (ev->sample.utime_ticks > p->utime) {
			p->utime = ev->sample.utime_ticks;
		}
		if (ev->sample.stime_ticks > p->stime) {
			p->stime = ev->sample.stime_ticks;
		}
		if (ev->sample.vm_hwm_kb > p->rss_max) {
			p->rss_max = ev->sample.vm_hwm_kb;
		}
		if (ev->sample.rss_kb > p->rss_max) {
			p->rss_max = ev->sample.rss_kb;
		}
		p->samples++;
		return;
	}
	if (ev->type != SR_EV_SYSCALL) {
		return;
	}
	const struct sr_syscall *sc = &ev->sc;
	int64_t end = k + (int64_t)sc->duration;
	if (!sm.any || k < sm.first) {
		sm.first = k;
	}
	if (!sm.any || end > sm.last) {
		sm.last = end;
	}
	sm.any = true;
	struct sum_row *r = row_get(rp->o->summary_process ? (int32_t)sc->tgid : 0,
				    name_of(in, sc->nr));
	r->calls++;
	r->ns += sc->duration;
	if (!(sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN)) && rp_is_error_ret(sc->ret)) {
		r->errors++;
	}
}

static int cmp_rows(const void *a, const void *b)
{
	const struct sum_row *x = *(const struct sum_row *const *)a;
	const struct sum_row *y = *(const struct sum_row *const *)b;

	if (x->pid != y->pid) {
		return x->pid < y->pid ? -1 : 1;
	}
	if (x->ns != y->ns) {
		return x->ns > y->ns ? -1 : 1;
	}
	if (x->calls != y->calls) {
		return x->calls > y->calls ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

static const char rule[] = "------ ----------- ----------- --------- --------- ----------------\n";

static void table(struct replay *rp, struct sum_row **v, size_t n)
{
	struct sbuf *s = &rp->sb;
	uint64_t tns = 0, tcalls = 0, terr = 0;

	for (size_t i = 0; i < n; i++) {
		tns += v[i]->ns;
		tcalls += v[i]->calls;
		terr += v[i]->errors;
	}
	SB_LIT(s, "% time     seconds  usecs/call     calls    errors syscall\n");
	sb_str(s, rule);
	for (size_t i = 0; i < n; i++) {
		const struct sum_row *r = v[i];
		sb_printf(s, "%6.2f %11.6f %11llu %9llu ", tns ? 100.0 * r->ns / tns : 0.0,
			  r->ns / 1e9, (unsigned long long)(r->calls ? r->ns / r->calls / 1000 : 0),
			  (unsigned long long)r->calls);
		if (r->errors) {
			sb_printf(s, "%9llu ", (unsigned long long)r->errors);
		} else {
			SB_LIT(s, "          ");
		}
		sb_str(s, r->name);
		sb_putc(s, '\n');
		rp_emit(rp);
	}
	sb_str(s, rule);
	sb_printf(s, "%6.2f %11.6f %11llu %9llu ", 100.0, tns / 1e9,
		  (unsigned long long)(tcalls ? tns / tcalls / 1000 : 0), (unsigned long long)tcalls);
	if (terr) {
		sb_printf(s, "%9llu ", (unsigned long long)terr);
	} else {
		SB_LIT(s, "          ");
	}
	SB_LIT(s, "total\n");
}

static void cpu_line(struct replay *rp, const struct sum_proc *p)
{
	sb_printf(&rp->sb, "cpu time (from /proc samples): user %.3f s, system %.3f s",
		  (double)p->utime / sm.hz, (double)p->stime / sm.hz);
	if (p->rss_max) {
		sb_printf(&rp->sb, "; max rss %llu kB", (unsigned long long)p->rss_max);
	}
	sb_putc(&rp->sb, '\n');
}

static int sum_end(struct replay *rp)
{
	struct sum_row **v = calloc(sm.n ? sm.n : 1, sizeof(*v));
	size_t n = 0;
	int rc = 0;

	if (!v) {
		cli_err("out of memory for the summary");
		return 1;
	}
	for (size_t i = 0; i < sm.cap; i++) {
		if (sm.rows[i].name) {
			v[n++] = &sm.rows[i];
		}
	}
	qsort(v, n, sizeof(*v), cmp_rows);
	if (!rp->o->summary_process) {
		table(rp, v, n);
		sb_printf(&rp->sb, "wall-clock span of these calls: %.6f s\n",
			  sm.any ? (sm.last - sm.first) / 1e9 : 0.0);
		if (sm.nprocs) {
			struct sum_proc all = { 0 };
			for (size_t i = 0; i < sm.nprocs; i++) {
				all.utime += sm.procs[i].utime;
				all.stime += sm.procs[i].stime;
				all.rss_max += sm.procs[i].rss_max;
			}
			sb_printf(&rp->sb, "sampled processes: %zu; ", sm.nprocs);
			cpu_line(rp, &all);
		}
		rp_emit(rp);
	} else {
		for (size_t i = 0; i < n;) {
			size_t j = i;
			uint64_t calls = 0, ns = 0;
			while (j < n && v[j]->pid == v[i]->pid) {
				calls += v[j]->calls;
				ns += v[j]->ns;
				j++;
			}
			const char *comm = rp_procs_comm(&rp->procs, v[i]->pid, v[i]->pid);
			sb_printf(&rp->sb, "%sprocess %d (%s): %llu calls, %.6f s in syscalls\n",
				  i ? "\n" : "", v[i]->pid, comm ? comm : "?",
				  (unsigned long long)calls, ns / 1e9);
			for (size_t k = 0; k < sm.nprocs; k++) {
				if (sm.procs[k].pid == v[i]->pid) {
					cpu_line(rp, &sm.procs[k]);
				}
			}
			table(rp, v + i, j - i);
			rp_emit(rp);
			i = j;
		}
	}
	free(v);
	for (size_t i = 0; i < sm.nnames; i++) {
		free(sm.names[i]);
	}
	for (unsigned f = 0; f < rp->nin; f++) {
		free(sm.by_nr[f]);
	}
	free(sm.by_nr);
	free(sm.by_nr_n);
	free(sm.names);
	free(sm.rows);
	free(sm.procs);
	return rc;
}

const struct rp_sink rp_sink_summary = {
	.begin = sum_begin,
	.event = sum_event,
	.end = sum_end,
	.wants_samples = true,
};
