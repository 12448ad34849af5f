// SPDX-License-Identifier: MIT
/*
 * --format json: JSON lines, one object per event. The field names are a
 * stable interface (documented in `sysrec replay --help`); fields are only
 * added, never renamed. Numbers are JSON numbers, strings are UTF-8 with
 * bytes that are not UTF-8 written as \u00XX.
 */
#include <stdlib.h>

#include "argfmt.h"
#include "replay.h"

static void key(struct sbuf *s, const char *k)
{
	sb_putc(s, ',');
	sb_putc(s, '"');
	sb_str(s, k);
	SB_LIT(s, "\":");
}

static void kv_u64(struct sbuf *s, const char *k, uint64_t v)
{
	key(s, k);
	sb_u64(s, v);
}

static void kv_i64(struct sbuf *s, const char *k, int64_t v)
{
	key(s, k);
	sb_i64(s, v);
}

static void kv_str(struct sbuf *s, const char *k, const char *v)
{
	key(s, k);
	sb_json_str(s, v);
}

static void kv_bool(struct sbuf *s, const char *k, bool v)
{
	key(s, k);
	if (v) {
		SB_LIT(s, "true");
	} else {
		SB_LIT(s, "false");
	}
}

static void kv_strv(struct sbuf *s, const char *k, const char *const *v, uint32_t n)
{
	key(s, k);
	sb_putc(s, '[');
	for (uint32_t i = 0; i < n; i++) {
		if (i) {
			sb_putc(s, ',');
		}
		sb_json_str(s, v[i]);
	}
	sb_putc(s, ']');
}

static void head(struct replay *rp, struct rp_input *in, const char *type, uint64_t ts,
		 int64_t k)
{
	struct sbuf *s = &rp->sb;

	SB_LIT(s, "{\"type\":\"");
	sb_str(s, type);
	SB_LIT(s, "\",\"ts\":");
	sb_u64(s, ts);
	SB_LIT(s, ",\"time\":");
	sb_secs(s, rp_rel(rp, k), 9);
	if (rp->nin > 1) {
		kv_u64(s, "file", in->idx);
	}
}

static void who(struct replay *rp, int32_t pid, int32_t tid)
{
	struct sbuf *s = &rp->sb;

	kv_i64(s, "pid", pid);
	kv_i64(s, "tid", tid);
	kv_str(s, "comm", rp_procs_comm(&rp->procs, tid, pid));
}

static void json_syscall(struct replay *rp, struct rp_input *in, const struct sr_syscall *sc)
{
	struct sbuf *s = &rp->sb;
	const struct sr_syscall_info *info = rp_input_sc_info(in, sc->nr);
	const char *path = NULL;

	who(rp, (int32_t)sc->tgid, (int32_t)sc->tid);
	kv_str(s, "syscall", rp_input_sc_name(in, sc->nr));
	kv_u64(s, "nr", sc->nr);
	if (sc->has_args) {
		unsigned nargs = info ? info->nargs : 6;
		key(s, "args");
		sb_putc(s, '[');
		for (unsigned i = 0; i < nargs && i < 6; i++) {
			if (i) {
				sb_putc(s, ',');
			}
			enum sr_arg_kind kind = info ? (enum sr_arg_kind)info->arg[i] : SR_ARG_HEX;
			/* Decode into the tail of the buffer, then copy it escaped. */
			size_t at = s->len;
			SB_FMT(s, argfmt_arg(buf_, n_, kind, sc->args[i], sc->str[i]));
			size_t n = s->len - at;
			char tmp[512];
			char *dup = n < sizeof(tmp) ? tmp : malloc(n + 1);
			if (!dup) {
				s->len = at;
				SB_LIT(s, "null");
				continue;
			}
			memcpy(dup, s->b + at, n);
			dup[n] = '\0';
			s->len = at;
			sb_json_str(s, dup);
			if (dup != tmp) {
				free(dup);
			}
		}
		sb_putc(s, ']');
		key(s, "raw_args");
		sb_putc(s, '[');
		for (unsigned i = 0; i < 6; i++) {
			if (i) {
				sb_putc(s, ',');
			}
			sb_u64(s, sc->args[i]);
		}
		sb_putc(s, ']');
	}
	for (unsigned i = 0; i < 6 && !path; i++) {
		path = sc->str[i];
	}
	if (path) {
		kv_str(s, "path", path);
	}
	if (argfmt_exec_succeeded(rp_input_sc_name(in, sc->nr), sc)) {
		/* the image was replaced: strace's "= 0", no duration */
		SB_LIT(s, ",\"ret\":0,\"duration_ns\":null");
		kv_bool(s, "noreturn", true);
	} else if (sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN)) {
		SB_LIT(s, ",\"ret\":null,\"duration_ns\":null");
		kv_bool(s, (sc->flags & SR_SC_UNFINISHED) ? "unfinished" : "noreturn", true);
	} else {
		kv_i64(s, "ret", sc->ret);
		if (rp_is_error_ret(sc->ret)) {
			const char *e = sr_errno_name((int)-sc->ret);
			if (e) {
				kv_str(s, "errno", e);
			} else {
				kv_i64(s, "errno", -sc->ret);
			}
		}
		kv_u64(s, "duration_ns", sc->duration);
	}
}

static void json_proc(struct replay *rp, const struct sr_proc_event *pe)
{
	struct sbuf *s = &rp->sb;

	who(rp, pe->pid, pe->tid);
	switch (pe->kind) {
	case SR_PROC_FORK:
		kv_i64(s, "parent_pid", pe->parent_pid);
		kv_i64(s, "parent_tid", pe->parent_tid);
		kv_bool(s, "thread", pe->is_thread);
		kv_u64(s, "clone_flags", pe->clone_flags);
		break;
	case SR_PROC_EXEC:
		kv_str(s, "filename", pe->filename);
		kv_strv(s, "argv", pe->argv, pe->argc);
		kv_bool(s, "argv_truncated", pe->argv_truncated);
		break;
	case SR_PROC_EXIT:
		kv_i64(s, "exit_code", pe->exit_code);
		key(s, "signal");
		if (pe->exit_signal) {
			const char *name = sr_signal_name(pe->exit_signal);
			if (name) {
				sb_json_str(s, name);
			} else {
				sb_i64(s, pe->exit_signal);
			}
		} else {
			SB_LIT(s, "null");
		}
		kv_bool(s, "core_dumped", pe->core_dumped);
		kv_bool(s, "group_dead", pe->group_dead);
		break;
	case SR_PROC_COMM:
		break;
	case SR_PROC_CGROUP:
		kv_u64(s, "cgroup_id", pe->cgroup_id);
		kv_str(s, "cgroup_path", pe->cgroup_path);
		break;
	}
}

static void json_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev,
		       int64_t k)
{
	struct sbuf *s = &rp->sb;

	switch (ev->type) {
	case SR_EV_SYSCALL:
		head(rp, in, "syscall", ev->ts, k);
		json_syscall(rp, in, &ev->sc);
		break;
	case SR_EV_PROCESS:
		head(rp, in, rp_proc_kind_name(ev->proc.kind), ev->ts, k);
		json_proc(rp, &ev->proc);
		break;
	case SR_EV_PROCINFO: {
		const struct sr_procinfo *p = &ev->info;
		head(rp, in, "process", ev->ts, k);
		kv_i64(s, "pid", p->pid);
		kv_i64(s, "ppid", p->ppid);
		kv_u64(s, "uid", p->uid);
		kv_str(s, "comm", p->comm);
		kv_str(s, "exe", p->exe);
		kv_strv(s, "cmdline", p->cmdline, p->cmdline_len);
		kv_u64(s, "nthreads", p->nthreads);
		kv_u64(s, "cgroup_id", p->cgroup_id);
		kv_str(s, "cgroup_path", p->cgroup_path);
		kv_u64(s, "start_ns", p->start_ns);
		kv_str(s, "label", p->label);
		kv_str(s, "source", p->source);
		break;
	}
	case SR_EV_SAMPLE: {
		const struct sr_sample *x = &ev->sample;
		head(rp, in, "sample", ev->ts, k);
		kv_i64(s, "pid", x->pid);
		kv_str(s, "comm", rp_procs_comm(&rp->procs, x->pid, x->pid));
		kv_bool(s, "final", x->final);
		kv_u64(s, "threads", x->threads);
		kv_u64(s, "fds", x->fds);
		kv_u64(s, "utime_ticks", x->utime_ticks);
		kv_u64(s, "stime_ticks", x->stime_ticks);
		kv_u64(s, "rss_kb", x->rss_kb);
		kv_u64(s, "vm_peak_kb", x->vm_peak_kb);
		kv_u64(s, "vm_hwm_kb", x->vm_hwm_kb);
		kv_u64(s, "vm_size_kb", x->vm_size_kb);
		kv_u64(s, "minflt", x->minflt);
		kv_u64(s, "majflt", x->majflt);
		kv_u64(s, "syscr", x->syscr);
		kv_u64(s, "syscw", x->syscw);
		kv_u64(s, "rchar", x->rchar);
		kv_u64(s, "wchar", x->wchar);
		kv_u64(s, "read_bytes", x->read_bytes);
		kv_u64(s, "write_bytes", x->write_bytes);
		kv_u64(s, "vol_ctxsw", x->vol_ctxsw);
		kv_u64(s, "invol_ctxsw", x->invol_ctxsw);
		break;
	}
	case SR_EV_HOSTCPU: {
		const struct sr_hostcpu *c = &ev->cpu;
		head(rp, in, "hostcpu", ev->ts, k);
		kv_u64(s, "user", c->user);
		kv_u64(s, "nice", c->nice);
		kv_u64(s, "system", c->system);
		kv_u64(s, "idle", c->idle);
		kv_u64(s, "iowait", c->iowait);
		kv_u64(s, "irq", c->irq);
		kv_u64(s, "softirq", c->softirq);
		kv_u64(s, "steal", c->steal);
		break;
	}
	case SR_EV_LOSS: {
		const struct sr_loss *l = &ev->loss;
		head(rp, in, "loss", ev->ts, k);
		kv_u64(s, "first_ns", l->first_ns);
		kv_u64(s, "last_ns", l->last_ns);
		kv_i64(s, "cpu", l->cpu);
		kv_u64(s, "count", l->count);
		kv_str(s, "where", rp_loss_where_name(l->where, false));
		break;
	}
	default:
		return;
	}
	SB_LIT(s, "}\n");
	rp_emit(rp);
}

const struct rp_sink rp_sink_json = {
	.event = json_event,
};
