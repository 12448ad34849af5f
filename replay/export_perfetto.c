// SPDX-License-Identifier: MIT
/*
 * --format perfetto: the Chrome trace-event JSON format, which both the
 * Perfetto UI and chrome://tracing open. Syscalls are complete ("X") slices
 * on their thread's track (unfinished ones an open "B" slice, those that never
 * return an instant), process events are instants, /proc samples are counter
 * ("C") tracks per process (rss_kb, cpu_percent), and the names of processes
 * and threads come as metadata ("M") events at the end, once the last comm of
 * each is known. Times are microseconds from the trace start.
 */
#include <stdlib.h>

#include "argfmt.h"
#include "replay.h"

/* Previous sample of each process, for the CPU counter. */
struct cpu_prev {
	int32_t pid;
	uint64_t ts, ticks;
};

static struct {
	bool first;
	struct cpu_prev *prev;
	size_t cap;
	uint32_t hz;
	struct sbuf tmp;
} pf;

static void sep(struct replay *rp)
{
	if (pf.first) {
		pf.first = false;
	} else {
		SB_LIT(&rp->sb, ",\n");
	}
}

static int pf_begin(struct replay *rp)
{
	const Sysrec__Header *h = rp->in[0].hdr;

	pf.first = true;
	pf.hz = h && h->clock_ticks_per_sec ? h->clock_ticks_per_sec : 100;
	SB_LIT(&rp->sb, "{\"traceEvents\":[\n");
	return 0;
}

/* "ts":<microseconds, ns precision> */
static void put_ts(struct replay *rp, const char *k, int64_t ns)
{
	struct sbuf *s = &rp->sb;

	sb_putc(s, '"');
	sb_str(s, k);
	SB_LIT(s, "\":");
	/* microseconds with three decimals (events before the start are negative) */
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	if (ns < 0) {
		sb_putc(s, '-');
	}
	uint64_t rem = u % 1000;
	sb_u64(s, u / 1000);
	sb_putc(s, '.');
	sb_putc(s, (char)('0' + rem / 100));
	sb_putc(s, (char)('0' + rem / 10 % 10));
	sb_putc(s, (char)('0' + rem % 10));
}

static void put_ids(struct replay *rp, int32_t pid, int32_t tid)
{
	struct sbuf *s = &rp->sb;
	struct rp_thread *t = rp_procs_add(&rp->procs, tid, pid);

	t->emitted = true;
	if (pid != tid) {
		rp_procs_add(&rp->procs, pid, pid)->emitted = true;
	}
	SB_LIT(s, ",\"pid\":");
	sb_i64(s, pid);
	SB_LIT(s, ",\"tid\":");
	sb_i64(s, tid);
}

static void put_name(struct sbuf *s, const char *name)
{
	SB_LIT(s, "{\"name\":");
	sb_json_str(s, name);
}

static void pf_syscall(struct replay *rp, struct rp_input *in, const struct sr_syscall *sc,
		       int64_t k)
{
	struct sbuf *s = &rp->sb;

	sep(rp);
	put_name(s, rp_input_sc_name(in, sc->nr));
	SB_LIT(s, ",\"cat\":\"syscall\",\"ph\":\"");
	if (sc->flags & SR_SC_UNFINISHED) {
		SB_LIT(s, "B\",");
		put_ts(rp, "ts", rp_rel(rp, k));
	} else if (sc->flags & SR_SC_NORETURN) {
		SB_LIT(s, "i\",\"s\":\"t\",");
		put_ts(rp, "ts", rp_rel(rp, k));
	} else {
		SB_LIT(s, "X\",");
		put_ts(rp, "ts", rp_rel(rp, k));
		sb_putc(s, ',');
		put_ts(rp, "dur", (int64_t)sc->duration);
	}
	put_ids(rp, (int32_t)sc->tgid, (int32_t)sc->tid);
	SB_LIT(s, ",\"args\":{\"call\":");
	pf.tmp.len = 0;
	rp_fmt_call(&pf.tmp, in, sc);
	sb_putc(&pf.tmp, '\0');
	sb_json_str(s, pf.tmp.b);
	if (!(sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN)) ||
	    argfmt_exec_succeeded(rp_input_sc_name(in, sc->nr), sc)) {
		SB_LIT(s, ",\"ret\":");
		pf.tmp.len = 0;
		rp_fmt_ret(&pf.tmp, in, sc);
		sb_putc(&pf.tmp, '\0');
		sb_json_str(s, pf.tmp.b);
	}
	SB_LIT(s, "}}");
}

static void pf_instant(struct replay *rp, const char *name, int64_t k, int32_t pid, int32_t tid)
{
	struct sbuf *s = &rp->sb;

	sep(rp);
	put_name(s, name);
	SB_LIT(s, ",\"cat\":\"process\",\"ph\":\"i\",\"s\":\"t\",");
	put_ts(rp, "ts", rp_rel(rp, k));
	put_ids(rp, pid, tid);
}

static void pf_proc(struct replay *rp, const struct sr_proc_event *pe, int64_t k)
{
	struct sbuf *s = &rp->sb;
	char name[64];

	switch (pe->kind) {
	case SR_PROC_FORK:
		snprintf(name, sizeof(name), "%s %d", pe->is_thread ? "new thread" : "fork child",
			 pe->tid);
		if (pe->parent_tid) {
			pf_instant(rp, name, k, pe->parent_pid ? pe->parent_pid : pe->parent_tid,
				   pe->parent_tid);
		} else {
			pf_instant(rp, name, k, pe->pid, pe->tid);
		}
		SB_LIT(s, ",\"args\":{\"child_pid\":");
		sb_i64(s, pe->pid);
		SB_LIT(s, ",\"child_tid\":");
		sb_i64(s, pe->tid);
		SB_LIT(s, "}}");
		return;
	case SR_PROC_EXEC:
		pf_instant(rp, "execve", k, pe->pid, pe->tid);
		SB_LIT(s, ",\"args\":{\"filename\":");
		sb_json_str(s, pe->filename);
		SB_LIT(s, ",\"argv\":[");
		for (uint32_t i = 0; i < pe->argc; i++) {
			if (i) {
				sb_putc(s, ',');
			}
			sb_json_str(s, pe->argv[i]);
		}
		SB_LIT(s, "]}}");
		return;
	case SR_PROC_EXIT:
		if (pe->exit_signal) {
			const char *sig = sr_signal_name(pe->exit_signal);
			if (sig) {
				snprintf(name, sizeof(name), "killed by %s", sig);
			} else {
				snprintf(name, sizeof(name), "killed by signal %d", pe->exit_signal);
			}
		} else {
			snprintf(name, sizeof(name), "exited with %d", pe->exit_code);
		}
		pf_instant(rp, name, k, pe->pid, pe->tid);
		sb_putc(s, '}');
		return;
	case SR_PROC_CGROUP:
		pf_instant(rp, "cgroup", k, pe->pid, pe->tid);
		SB_LIT(s, ",\"args\":{\"cgroup_id\":");
		sb_u64(s, pe->cgroup_id);
		SB_LIT(s, ",\"cgroup_path\":");
		sb_json_str(s, pe->cgroup_path);
		SB_LIT(s, "}}");
		return;
	default:
		pf_instant(rp, rp_proc_kind_name(pe->kind), k, pe->pid, pe->tid);
		SB_LIT(s, ",\"args\":{\"comm\":");
		sb_json_str(s, pe->comm);
		SB_LIT(s, "}}");
		return;
	}
}

static struct cpu_prev *prev_of(int32_t pid)
{
	if (!pf.cap) {
		pf.cap = 256;
		pf.prev = calloc(pf.cap, sizeof(*pf.prev));
		if (!pf.prev) {
			return NULL;
		}
	}
	size_t i = ((uint32_t)pid * 2654435761u) & (pf.cap - 1);
	for (size_t n = 0; n < pf.cap; n++, i = (i + 1) & (pf.cap - 1)) {
		if (pf.prev[i].pid == pid || pf.prev[i].pid == 0) {
			pf.prev[i].pid = pid;
			return &pf.prev[i];
		}
	}
	return NULL; /* table full: the CPU counter is left out */
}

static void counter(struct replay *rp, const char *name, int64_t k, int32_t pid, const char *val)
{
	struct sbuf *s = &rp->sb;

	sep(rp);
	put_name(s, name);
	SB_LIT(s, ",\"ph\":\"C\",");
	put_ts(rp, "ts", rp_rel(rp, k));
	SB_LIT(s, ",\"pid\":");
	sb_i64(s, pid);
	SB_LIT(s, ",\"args\":{\"");
	sb_str(s, name);
	SB_LIT(s, "\":");
	sb_str(s, val);
	SB_LIT(s, "}}");
}

static void pf_sample(struct replay *rp, const struct sr_sample *x, int64_t k)
{
	char val[32];
	uint64_t ticks = x->utime_ticks + x->stime_ticks;
	struct cpu_prev *p = prev_of(x->pid);

	rp_procs_add(&rp->procs, x->pid, x->pid)->emitted = true;
	snprintf(val, sizeof(val), "%llu", (unsigned long long)x->rss_kb);
	counter(rp, "rss_kb", k, x->pid, val);
	if (p && p->ts && x->ts > p->ts && ticks >= p->ticks) {
		double cpu = 100.0 * ((double)(ticks - p->ticks) / pf.hz) / ((x->ts - p->ts) / 1e9);
		snprintf(val, sizeof(val), "%.1f", cpu);
		counter(rp, "cpu_percent", k, x->pid, val);
	}
	if (p) {
		p->ts = x->ts;
		p->ticks = ticks;
	}
}

static void pf_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev, int64_t k)
{
	struct sbuf *s = &rp->sb;

	switch (ev->type) {
	case SR_EV_SYSCALL:
		pf_syscall(rp, in, &ev->sc, k);
		break;
	case SR_EV_PROCESS:
		pf_proc(rp, &ev->proc, k);
		break;
	case SR_EV_SAMPLE:
		pf_sample(rp, &ev->sample, k);
		break;
	case SR_EV_LOSS: {
		char name[96];
		snprintf(name, sizeof(name), "%llu events lost (%s)",
			 (unsigned long long)ev->loss.count,
			 rp_loss_where_name(ev->loss.where, true));
		sep(rp);
		put_name(s, name);
		SB_LIT(s, ",\"cat\":\"loss\",\"ph\":\"i\",\"s\":\"g\",");
		put_ts(rp, "ts", rp_rel(rp, k));
		SB_LIT(s, ",\"pid\":0,\"tid\":0}");
		break;
	}
	default:
		return; /* process tables name processes through the metadata */
	}
	if (s->len >= 65536) {
		rp_emit(rp);
	}
}

static void meta(struct replay *rp, const char *what, int32_t pid, int32_t tid, const char *name)
{
	struct sbuf *s = &rp->sb;

	sep(rp);
	SB_LIT(s, "{\"name\":\"");
	sb_str(s, what);
	SB_LIT(s, "\",\"ph\":\"M\",\"pid\":");
	sb_i64(s, pid);
	SB_LIT(s, ",\"tid\":");
	sb_i64(s, tid);
	SB_LIT(s, ",\"args\":{\"name\":");
	sb_json_str(s, name);
	SB_LIT(s, "}}");
}

static int cmp_thread(const void *a, const void *b)
{
	const struct rp_thread *x = *(const struct rp_thread *const *)a;
	const struct rp_thread *y = *(const struct rp_thread *const *)b;

	if (x->pid != y->pid) {
		return x->pid < y->pid ? -1 : 1;
	}
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int pf_end(struct replay *rp)
{
	struct rp_procs *p = &rp->procs;
	struct rp_thread **v = calloc(p->n ? p->n : 1, sizeof(*v));
	size_t n = 0;
	const Sysrec__Header *h = rp->in[0].hdr;

	if (!v) {
		return 1;
	}
	for (size_t i = 0; i < p->cap; i++) {
		if (p->tab[i].tid && p->tab[i].emitted) {
			v[n++] = &p->tab[i];
		}
	}
	/* Sorted so that the output does not depend on the hash order. */
	qsort(v, n, sizeof(*v), cmp_thread);
	for (size_t i = 0; i < n; i++) {
		const char *comm = v[i]->comm ? v[i]->comm : rp_procs_comm(p, v[i]->tid, v[i]->pid);
		if (!comm) {
			continue;
		}
		if (v[i]->tid == v[i]->pid) {
			meta(rp, "process_name", v[i]->pid, v[i]->tid, comm);
		}
		meta(rp, "thread_name", v[i]->pid, v[i]->tid, comm);
		if (rp->sb.len >= 65536) {
			rp_emit(rp);
		}
	}
	free(v);
	SB_LIT(&rp->sb, "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"source\":\"sysrec replay\"");
	if (h) {
		SB_LIT(&rp->sb, ",\"hostname\":");
		sb_json_str(&rp->sb, h->hostname);
		SB_LIT(&rp->sb, ",\"kernel\":");
		sb_json_str(&rp->sb, h->kernel_release);
		SB_LIT(&rp->sb, ",\"recorder\":");
		sb_json_str(&rp->sb, h->recorder);
	}
	SB_LIT(&rp->sb, "}}\n");
	rp_emit(rp);
	free(pf.prev);
	sb_free(&pf.tmp);
	return 0;
}

const struct rp_sink rp_sink_perfetto = {
	.begin = pf_begin,
	.event = pf_event,
	.end = pf_end,
};
