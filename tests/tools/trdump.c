// SPDX-License-Identifier: MIT
/*
 * trdump FILE: every event of a trace as one tab-separated line, for shell
 * tests to count with awk. Column 1 is the kind; for events of a thread,
 * columns 2-4 are ts, tid, tgid.
 *
 *   HDR      target backend abi args_captured sample_interval_ns ring_bytes rotation_seq
 *   PROCINFO start_ns pid pid ppid comm exe cgroup_id cgroup_path cmdline(|)
 *   SC       ts tid tgid name ret flags duration strings(i=str;...) [arg0,arg1]
 *   FORK     ts tid pid parent_tid parent_pid is_thread clone_flags comm
 *   EXEC     ts tid pid filename argv(|) comm argv_truncated
 *   EXIT     ts tid pid exit_code exit_signal core_dumped group_dead
 *   COMM     ts tid pid comm
 *   CGROUP   ts tid pid cgroup_id cgroup_path
 *   SAMPLE   ts pid pid final utime stime rss vm_peak vm_hwm minflt majflt syscr syscw
 *            rchar wchar read_bytes write_bytes vol_cs invol_cs threads fds
 *   HOSTCPU  ts user nice system idle iowait irq softirq steal
 *   LOSS     first_ns cpu count where last_ns
 *   TOTALS   exit_reason exit_code exit_signal lost unfinished syscalls
 *   DAMAGE   status offset frame message
 * Exit status: 0, 1 when the file cannot be read at all, 3 when damaged.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sysrec.h"

static void joined(const char *const *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		printf("%s%s", i ? "|" : "", v[i] ? v[i] : "");
	}
}

static const char *s(const char *x)
{
	return x ? x : "";
}

int main(int argc, char **argv)
{
	struct sr_error err = { 0 };
	struct sr_reader *r;
	const Sysrec__Header *h;
	const Sysrec__Totals *t;
	struct sr_event ev;
	enum sr_status st;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: trdump FILE\n");
		return 2;
	}
	r = sr_reader_open(argv[1], &err);
	if (!r) {
		printf("DAMAGE\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", sr_status_str(err.status),
		       err.offset, err.frame, err.msg);
		return 1;
	}
	h = sr_reader_header(r);
	if (h) {
		printf("HDR\t%s\t%s\t%s\t%d\t%" PRIu64 "\t%" PRIu64 "\t%u\n", s(h->target),
		       s(h->backend), s(h->abi), h->args_captured, h->sample_interval_ns,
		       h->ring_buffer_bytes, h->rotation_seq);
	}
	for (;;) {
		st = sr_reader_next(r, &ev, &err);
		if (st == SR_END) {
			break;
		}
		if (st != SR_OK) {
			printf("DAMAGE\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\n", sr_status_str(st),
			       err.offset, err.frame, err.msg);
			if (st == SR_TRUNCATED || st == SR_CORRUPT) {
				rc = 3;
				continue;
			}
			rc = 1;
			break;
		}
		switch (ev.type) {
		case SR_EV_SYSCALL: {
			const struct sr_syscall *c = &ev.sc;
			const char *name = sr_reader_syscall_name(r, c->nr);

			printf("SC\t%" PRIu64 "\t%u\t%u\t", c->ts, c->tid, c->tgid);
			if (name && *name) {
				printf("%s", name);
			} else {
				printf("#%u", c->nr);
			}
			printf("\t%" PRId64 "\t%u\t%" PRIu64 "\t", c->ret, c->flags, c->duration);
			for (int i = 0; i < 6; i++) {
				if (c->str[i]) {
					printf("%d=%s;", i, c->str[i]);
				}
			}
			if (c->has_args) {
				printf("\t%" PRIu64 ",%" PRIu64, c->args[0], c->args[1]);
			}
			printf("\n");
			break;
		}
		case SR_EV_PROCESS: {
			const struct sr_proc_event *p = &ev.proc;

			switch (p->kind) {
			case SR_PROC_FORK:
				printf("FORK\t%" PRIu64 "\t%d\t%d\t%d\t%d\t%d\t%#" PRIx64 "\t%s\n", p->ts,
				       p->tid, p->pid, p->parent_tid, p->parent_pid, p->is_thread,
				       p->clone_flags, s(p->comm));
				break;
			case SR_PROC_EXEC:
				printf("EXEC\t%" PRIu64 "\t%d\t%d\t%s\t", p->ts, p->tid, p->pid,
				       s(p->filename));
				joined(p->argv, p->argc);
				printf("\t%s\t%d\n", s(p->comm), p->argv_truncated);
				break;
			case SR_PROC_EXIT:
				printf("EXIT\t%" PRIu64 "\t%d\t%d\t%d\t%d\t%d\t%d\n", p->ts, p->tid, p->pid,
				       p->exit_code, p->exit_signal, p->core_dumped, p->group_dead);
				break;
			case SR_PROC_COMM:
				printf("COMM\t%" PRIu64 "\t%d\t%d\t%s\n", p->ts, p->tid, p->pid, s(p->comm));
				break;
			case SR_PROC_CGROUP:
				printf("CGROUP\t%" PRIu64 "\t%d\t%d\t%" PRIu64 "\t%s\n", p->ts, p->tid,
				       p->pid, p->cgroup_id, s(p->cgroup_path));
				break;
			}
			break;
		}
		case SR_EV_SAMPLE: {
			const struct sr_sample *x = &ev.sample;

			printf("SAMPLE\t%" PRIu64 "\t%d\t%d\t%d", x->ts, x->pid, x->pid, x->final);
			printf("\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64,
			       x->utime_ticks, x->stime_ticks, x->rss_kb, x->vm_peak_kb, x->vm_hwm_kb);
			printf("\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
			       "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64,
			       x->minflt, x->majflt, x->syscr, x->syscw, x->rchar, x->wchar,
			       x->read_bytes, x->write_bytes);
			printf("\t%" PRIu64 "\t%" PRIu64 "\t%u\t%u\n", x->vol_ctxsw, x->invol_ctxsw,
			       x->threads, x->fds);
			break;
		}
		case SR_EV_HOSTCPU: {
			const struct sr_hostcpu *c = &ev.cpu;

			printf("HOSTCPU\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
			       "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n",
			       c->ts, c->user, c->nice, c->system, c->idle, c->iowait, c->irq,
			       c->softirq, c->steal);
			break;
		}
		case SR_EV_LOSS:
			printf("LOSS\t%" PRIu64 "\t%d\t%" PRIu64 "\t%d\t%" PRIu64 "\n", ev.loss.first_ns,
			       ev.loss.cpu, ev.loss.count, (int)ev.loss.where, ev.loss.last_ns);
			break;
		case SR_EV_PROCINFO: {
			const struct sr_procinfo *i = &ev.info;

			printf("PROCINFO\t%" PRIu64 "\t%d\t%d\t%d\t%s\t%s\t%" PRIu64 "\t%s\t", i->start_ns,
			       i->pid, i->pid, i->ppid, s(i->comm), s(i->exe), i->cgroup_id,
			       s(i->cgroup_path));
			joined(i->cmdline, i->cmdline_len);
			printf("\n");
			break;
		}
		}
	}
	t = sr_reader_totals(r);
	if (t) {
		printf("TOTALS\t%s\t%d\t%d\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", s(t->exit_reason),
		       t->exit_code, t->exit_signal, t->lost, t->unfinished, t->syscalls);
	}
	sr_reader_close(r);
	if (fflush(stdout) || ferror(stdout)) {
		return 1;
	}
	return rc;
}
