// SPDX-License-Identifier: MIT
/*
 * --format csv: a header row, then one row per syscall (RFC 4180 quoting) for
 * pandas, R and DuckDB. With --samples the output is instead the table of
 * /proc samples. Both column lists are documented in `sysrec replay --help`.
 */
#include <stdlib.h>

#include "argfmt.h"
#include "replay.h"

static const char syscall_cols[] =
	"time,ts_ns,pid,tid,comm,syscall,nr,ret,errno,duration_ns,state,path,args\n";
static const char sample_cols[] =
	"time,ts_ns,pid,comm,final,threads,fds,utime_ticks,stime_ticks,rss_kb,vm_peak_kb,"
	"vm_hwm_kb,vm_size_kb,minflt,majflt,syscr,syscw,rchar,wchar,read_bytes,write_bytes,"
	"vol_ctxsw,invol_ctxsw\n";

static int csv_begin(struct replay *rp)
{
	if (rp->o->samples) {
		SB_LIT(&rp->sb, sample_cols);
	} else {
		SB_LIT(&rp->sb, syscall_cols);
	}
	rp_emit(rp);
	return 0;
}

static void field(struct sbuf *s, const char *str)
{
	if (str) {
		sb_csv_field(s, str, strlen(str));
	}
}

/* The decoded arguments "a, b, c" as one field. */
static void args_field(struct sbuf *s, struct sbuf *tmp, struct rp_input *in,
		       const struct sr_syscall *sc)
{
	const struct sr_syscall_info *info = rp_input_sc_info(in, sc->nr);
	unsigned nargs = info ? info->nargs : 6;

	if (!sc->has_args) {
		return;
	}
	tmp->len = 0;
	for (unsigned i = 0; i < nargs && i < 6; i++) {
		if (i) {
			SB_LIT(tmp, ", ");
		}
		enum sr_arg_kind kind = info ? (enum sr_arg_kind)info->arg[i] : SR_ARG_HEX;
		SB_FMT(tmp, argfmt_arg(buf_, n_, kind, sc->args[i], sc->str[i]));
	}
	sb_csv_field(s, tmp->b, tmp->len);
}

static struct sbuf csv_tmp;

static void csv_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev, int64_t k)
{
	struct sbuf *s = &rp->sb;

	if (rp->o->samples) {
		if (ev->type != SR_EV_SAMPLE) {
			return;
		}
		const struct sr_sample *x = &ev->sample;
		sb_secs(s, rp_rel(rp, k), 9);
		sb_putc(s, ',');
		sb_u64(s, ev->ts);
		sb_putc(s, ',');
		sb_i64(s, x->pid);
		sb_putc(s, ',');
		field(s, rp_procs_comm(&rp->procs, x->pid, x->pid));
		sb_printf(s, ",%d,%u,%u,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
			  x->final ? 1 : 0, x->threads, x->fds,
			  (unsigned long long)x->utime_ticks, (unsigned long long)x->stime_ticks,
			  (unsigned long long)x->rss_kb, (unsigned long long)x->vm_peak_kb,
			  (unsigned long long)x->vm_hwm_kb, (unsigned long long)x->vm_size_kb,
			  (unsigned long long)x->minflt, (unsigned long long)x->majflt,
			  (unsigned long long)x->syscr, (unsigned long long)x->syscw,
			  (unsigned long long)x->rchar, (unsigned long long)x->wchar,
			  (unsigned long long)x->read_bytes, (unsigned long long)x->write_bytes,
			  (unsigned long long)x->vol_ctxsw, (unsigned long long)x->invol_ctxsw);
		rp_emit(rp);
		return;
	}
	if (ev->type != SR_EV_SYSCALL) {
		return;
	}
	const struct sr_syscall *sc = &ev->sc;
	const char *path = NULL;
	sb_secs(s, rp_rel(rp, k), 9);
	sb_putc(s, ',');
	sb_u64(s, sc->ts);
	sb_putc(s, ',');
	sb_u64(s, sc->tgid);
	sb_putc(s, ',');
	sb_u64(s, sc->tid);
	sb_putc(s, ',');
	field(s, rp_procs_comm(&rp->procs, (int32_t)sc->tid, (int32_t)sc->tgid));
	sb_putc(s, ',');
	field(s, rp_input_sc_name(in, sc->nr));
	sb_putc(s, ',');
	sb_u64(s, sc->nr);
	sb_putc(s, ',');
	if (sc->flags & SR_SC_UNFINISHED) {
		SB_LIT(s, ",,,unfinished,");
	} else if (argfmt_exec_succeeded(rp_input_sc_name(in, sc->nr), sc)) {
		/* the image was replaced: strace's "= 0", no duration */
		SB_LIT(s, "0,,,ok,");
	} else if (sc->flags & SR_SC_NORETURN) {
		SB_LIT(s, ",,,noreturn,");
	} else {
		bool err = rp_is_error_ret(sc->ret);
		sb_i64(s, sc->ret);
		sb_putc(s, ',');
		if (err) {
			const char *e = sr_errno_name((int)-sc->ret);
			if (e) {
				sb_str(s, e);
			} else {
				sb_i64(s, -sc->ret);
			}
		}
		sb_putc(s, ',');
		sb_u64(s, sc->duration);
		if (err) {
			SB_LIT(s, ",error,");
		} else {
			SB_LIT(s, ",ok,");
		}
	}
	for (unsigned i = 0; i < 6 && !path; i++) {
		path = sc->str[i];
	}
	field(s, path);
	sb_putc(s, ',');
	args_field(s, &csv_tmp, in, sc);
	sb_putc(s, '\n');
	rp_emit(rp);
}

static int csv_end(struct replay *rp)
{
	sb_free(&csv_tmp);
	return 0;
}

const struct rp_sink rp_sink_csv = {
	.begin = csv_begin,
	.event = csv_event,
	.end = csv_end,
};
