// SPDX-License-Identifier: MIT
/*
 * strace-like text: one line per event,
 *   TIME COMM[PID/TID] name(args) = ret <duration>
 * TIME is seconds from the trace start (-t: local wall-clock time of day),
 * "/TID" is left out for a process's main thread, <duration> comes with -T.
 * Process events read "+++ ... +++", losses "!!! ... !!!", /proc samples
 * (--samples) "=== ... ===".
 */
#include <time.h>

#include "argfmt.h"
#include "replay.h"

const char *rp_proc_kind_name(enum sr_proc_kind k)
{
	switch (k) {
	case SR_PROC_FORK:
		return "fork";
	case SR_PROC_EXEC:
		return "exec";
	case SR_PROC_EXIT:
		return "exit";
	case SR_PROC_COMM:
		return "comm";
	case SR_PROC_CGROUP:
		return "cgroup";
	}
	return "unknown";
}

const char *rp_loss_where_name(enum sr_loss_where w, bool words)
{
	switch (w) {
	case SR_LOSS_RINGBUF:
		return words ? "ring buffer full" : "ring_buffer_full";
	case SR_LOSS_ENTRY_TABLE:
		return words ? "entry table full" : "entry_table_full";
	case SR_LOSS_STRING:
		return words ? "string not readable" : "string_fault";
	case SR_LOSS_WRITER:
		return words ? "dropped by the writer" : "writer";
	case SR_LOSS_BADNR:
		return words ? "syscall number outside the table" : "unknown_syscall";
	case SR_LOSS_UNKNOWN:
		break;
	}
	return words ? "cause unknown" : "unknown";
}

void rp_fmt_call(struct sbuf *s, struct rp_input *in, const struct sr_syscall *sc)
{
	const char *name = rp_input_sc_name(in, sc->nr);
	const struct sr_syscall_info *info = rp_input_sc_info(in, sc->nr);

	SB_FMT(s, argfmt_call(buf_, n_, info, name, sc));
}

void rp_fmt_ret(struct sbuf *s, struct rp_input *in, const struct sr_syscall *sc)
{
	const struct sr_syscall_info *info = rp_input_sc_info(in, sc->nr);

	SB_FMT(s, argfmt_ret(buf_, n_, info, sc));
}

static void put_quoted(struct sbuf *s, const char *str, size_t maxlen)
{
	SB_FMT(s, argfmt_quote(buf_, n_, str ? str : "", maxlen));
}

/* Two digits of V (0..99). */
static void put2(struct sbuf *s, int v)
{
	sb_putc(s, (char)('0' + v / 10));
	sb_putc(s, (char)('0' + v % 10));
}

static struct {
	int64_t sec; /* epoch second of the cached time of day */
	int hms[3];
} tod_cache = { INT64_MIN, { 0, 0, 0 } };

/* Time column: relative seconds, or local time of day with -t. */
static void put_time(struct replay *rp, int64_t key)
{
	struct sbuf *s = &rp->sb;

	if (!rp->o->wall_time || !rp->has_wall) {
		sb_secs(s, rp_rel(rp, key), 6);
		return;
	}
	int64_t wall = key + rp->wall_off;
	int64_t sec = wall >= 0 ? wall / 1000000000 : (wall - 999999999) / 1000000000;
	int64_t us = (wall - sec * 1000000000) / 1000;
	if (sec != tod_cache.sec) {
		time_t t = (time_t)sec;
		struct tm tm;
		localtime_r(&t, &tm);
		tod_cache.sec = sec;
		tod_cache.hms[0] = tm.tm_hour;
		tod_cache.hms[1] = tm.tm_min;
		tod_cache.hms[2] = tm.tm_sec;
	}
	put2(s, tod_cache.hms[0]);
	sb_putc(s, ':');
	put2(s, tod_cache.hms[1]);
	sb_putc(s, ':');
	put2(s, tod_cache.hms[2]);
	sb_putc(s, '.');
	char d[6];
	for (int i = 5; i >= 0; i--) {
		d[i] = (char)('0' + us % 10);
		us /= 10;
	}
	sb_mem(s, d, 6);
}

/* A comm as it is when printable ASCII, else with \xNN escapes: it is not quoted. */
static void put_comm(struct sbuf *s, const char *comm)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)comm;

	for (; *p; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
			sb_putc(s, (char)*p);
		} else {
			char e[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 15] };
			sb_mem(s, e, 4);
		}
	}
}

/* "comm[pid]" or "comm[pid/tid]". */
static void put_who(struct replay *rp, int32_t tid, int32_t pid)
{
	struct sbuf *s = &rp->sb;
	const char *comm = rp_procs_comm(&rp->procs, tid, pid);

	put_comm(s, comm ? comm : "?");
	sb_putc(s, '[');
	sb_i64(s, pid);
	if (tid != pid && tid) {
		sb_putc(s, '/');
		sb_i64(s, tid);
	}
	sb_putc(s, ']');
}

static void text_syscall(struct replay *rp, struct rp_input *in, const struct sr_syscall *sc)
{
	struct sbuf *s = &rp->sb;

	put_who(rp, (int32_t)sc->tid, (int32_t)sc->tgid);
	sb_putc(s, ' ');
	rp_fmt_call(s, in, sc);
	if (sc->flags & SR_SC_UNFINISHED) {
		SB_LIT(s, " <unfinished ...>");
		return;
	}
	SB_LIT(s, " = ");
	rp_fmt_ret(s, in, sc);
	if (rp->o->durations && !(sc->flags & SR_SC_NORETURN)) {
		SB_LIT(s, " <");
		sb_secs(s, (int64_t)sc->duration, 6);
		sb_putc(s, '>');
	}
}

static void text_exit(struct sbuf *s, const struct sr_proc_event *pe)
{
	if (!pe->group_dead) {
		SB_LIT(s, "+++ thread ");
	} else {
		SB_LIT(s, "+++ ");
	}
	if (pe->exit_signal) {
		SB_LIT(s, "killed by ");
		SB_FMT(s, argfmt_signal(buf_, n_, pe->exit_signal));
		if (pe->core_dumped) {
			SB_LIT(s, " (core dumped)");
		}
	} else {
		SB_LIT(s, "exited with ");
		sb_i64(s, pe->exit_code);
	}
	SB_LIT(s, " +++");
}

static void text_strv(struct sbuf *s, const char *const *v, uint32_t n, bool truncated)
{
	sb_putc(s, '[');
	for (uint32_t i = 0; i < n; i++) {
		if (i) {
			SB_LIT(s, ", ");
		}
		put_quoted(s, v[i], 4096);
	}
	if (truncated) {
		sb_str(s, n ? ", ..." : "...");
	}
	sb_putc(s, ']');
}

static void text_proc(struct replay *rp, const struct sr_proc_event *pe)
{
	struct sbuf *s = &rp->sb;

	switch (pe->kind) {
	case SR_PROC_FORK:
		/* Shown under the creator, as strace shows clone() returning the child. */
		if (pe->parent_tid || pe->parent_pid) {
			put_who(rp, pe->parent_tid ? pe->parent_tid : pe->parent_pid,
				pe->parent_pid ? pe->parent_pid : pe->parent_tid);
		} else {
			put_who(rp, pe->tid, pe->pid);
		}
		SB_LIT(s, " +++ fork child ");
		sb_i64(s, pe->tid);
		if (pe->is_thread) {
			SB_LIT(s, " (thread)");
		}
		SB_LIT(s, " +++");
		return;
	case SR_PROC_EXEC:
		put_who(rp, pe->tid, pe->pid);
		SB_LIT(s, " +++ execve(");
		put_quoted(s, pe->filename, 4096);
		SB_LIT(s, ", ");
		text_strv(s, pe->argv, pe->argc, pe->argv_truncated);
		SB_LIT(s, ") +++");
		return;
	case SR_PROC_EXIT:
		put_who(rp, pe->tid, pe->pid);
		sb_putc(s, ' ');
		text_exit(s, pe);
		return;
	case SR_PROC_COMM:
		put_who(rp, pe->tid, pe->pid);
		SB_LIT(s, " +++ comm ");
		put_quoted(s, pe->comm, 64);
		SB_LIT(s, " +++");
		return;
	case SR_PROC_CGROUP:
		put_who(rp, pe->tid, pe->pid);
		SB_LIT(s, " +++ cgroup ");
		sb_u64(s, pe->cgroup_id);
		if (pe->cgroup_path && *pe->cgroup_path) {
			sb_putc(s, ' ');
			put_quoted(s, pe->cgroup_path, 4096);
		}
		SB_LIT(s, " +++");
		return;
	}
	put_who(rp, pe->tid, pe->pid);
	sb_printf(s, " +++ process event of kind %d +++", (int)pe->kind);
}

static void text_procinfo(struct replay *rp, const struct sr_procinfo *p)
{
	struct sbuf *s = &rp->sb;

	put_who(rp, p->pid, p->pid);
	SB_LIT(s, " +++ process ppid ");
	sb_i64(s, p->ppid);
	SB_LIT(s, " uid ");
	sb_u64(s, p->uid);
	if (p->exe && *p->exe) {
		SB_LIT(s, " exe ");
		put_quoted(s, p->exe, 4096);
	}
	if (p->cmdline_len) {
		sb_putc(s, ' ');
		text_strv(s, p->cmdline, p->cmdline_len, false);
	}
	if (p->nthreads > 1) {
		SB_LIT(s, " threads ");
		sb_u64(s, p->nthreads);
	}
	if (p->label && *p->label) {
		SB_LIT(s, " label ");
		put_quoted(s, p->label, 256);
	}
	if (p->source && *p->source) {
		SB_LIT(s, " source ");
		put_quoted(s, p->source, 4096);
	}
	SB_LIT(s, " +++");
}

static void text_sample(struct replay *rp, const struct sr_sample *x)
{
	struct sbuf *s = &rp->sb;

	put_who(rp, x->pid, x->pid);
	sb_printf(s,
		  " === %ssample: rss %llu kB, hwm %llu kB, vm %llu kB, utime %llu stime %llu ticks,"
		  " minflt %llu majflt %llu, syscr %llu syscw %llu, rchar %llu wchar %llu,"
		  " read %llu write %llu bytes, ctxsw %llu/%llu, threads %u, fds %u ===",
		  x->final ? "final " : "", (unsigned long long)x->rss_kb,
		  (unsigned long long)x->vm_hwm_kb, (unsigned long long)x->vm_size_kb,
		  (unsigned long long)x->utime_ticks, (unsigned long long)x->stime_ticks,
		  (unsigned long long)x->minflt, (unsigned long long)x->majflt,
		  (unsigned long long)x->syscr, (unsigned long long)x->syscw,
		  (unsigned long long)x->rchar, (unsigned long long)x->wchar,
		  (unsigned long long)x->read_bytes, (unsigned long long)x->write_bytes,
		  (unsigned long long)x->vol_ctxsw, (unsigned long long)x->invol_ctxsw, x->threads,
		  x->fds);
}

static void text_loss(struct replay *rp, struct rp_input *in, const struct sr_loss *l)
{
	struct sbuf *s = &rp->sb;

	SB_LIT(s, "!!! ");
	sb_u64(s, l->count);
	sb_str(s, l->count == 1 ? " event lost" : " events lost");
	if (l->cpu >= 0) {
		SB_LIT(s, " on CPU ");
		sb_i64(s, l->cpu);
	}
	SB_LIT(s, " between ");
	put_time(rp, (int64_t)l->first_ns + in->offset);
	SB_LIT(s, " and ");
	put_time(rp, (int64_t)l->last_ns + in->offset);
	SB_LIT(s, " (");
	sb_str(s, rp_loss_where_name(l->where, true));
	SB_LIT(s, ") !!!");
}

static void text_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev,
		       int64_t key)
{
	struct sbuf *s = &rp->sb;

	put_time(rp, key);
	sb_putc(s, ' ');
	switch (ev->type) {
	case SR_EV_SYSCALL:
		text_syscall(rp, in, &ev->sc);
		break;
	case SR_EV_PROCESS:
		text_proc(rp, &ev->proc);
		break;
	case SR_EV_PROCINFO:
		text_procinfo(rp, &ev->info);
		break;
	case SR_EV_SAMPLE:
		text_sample(rp, &ev->sample);
		break;
	case SR_EV_HOSTCPU: {
		const struct sr_hostcpu *c = &ev->cpu;
		sb_printf(s,
			  "=== host cpu: user %llu nice %llu system %llu idle %llu iowait %llu"
			  " irq %llu softirq %llu steal %llu ticks ===",
			  (unsigned long long)c->user, (unsigned long long)c->nice,
			  (unsigned long long)c->system, (unsigned long long)c->idle,
			  (unsigned long long)c->iowait, (unsigned long long)c->irq,
			  (unsigned long long)c->softirq, (unsigned long long)c->steal);
		break;
	}
	case SR_EV_LOSS:
		text_loss(rp, in, &ev->loss);
		break;
	default:
		sb_printf(s, "??? event of type %d", (int)ev->type);
		break;
	}
	sb_putc(s, '\n');
	rp_emit(rp);
}

const struct rp_sink rp_sink_text = {
	.event = text_event,
};
