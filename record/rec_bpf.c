// SPDX-License-Identifier: MIT
/* Loading, attaching and reading the BPF side of `sysrec record`. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "rec.h"
#include "sysrec.skel.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

struct rec_bpf {
	struct sysrec_bpf *skel;
	struct ring_buffer *rb;
	rec_event_fn fn;
	void *ctx;
	int ncpus;
	struct srb_drops *dbuf;   /* one read of the per-CPU counters */
	uint64_t *seen;           /* [where * ncpus + cpu] counts already reported */
	uint64_t total_drops;
	struct srb_batch_slot *slots; /* per-CPU slots as read at stop */
	bool detached;
};

_Static_assert(SR_SC_UNFINISHED == 1 && SR_SC_NORETURN == 2, "flags shared with the BPF side");
_Static_assert(SRB_COMPAT_BASE == SR_COMPAT_NR_BASE, "32-bit numbering shared with the BPF side");
_Static_assert((int)SRB_DROP_RINGBUF == (int)SR_LOSS_RINGBUF &&
		       (int)SRB_DROP_ENTRY == (int)SR_LOSS_ENTRY_TABLE &&
		       (int)SRB_DROP_STRING == (int)SR_LOSS_STRING &&
		       (int)SRB_DROP_BADNR == (int)SR_LOSS_BADNR,
	       "drop kinds match loss kinds");

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (cli_verbose < 2 && level != LIBBPF_WARN) {
		return 0;
	}
	if (cli_verbose < 1) {
		return 0;
	}
	return vfprintf(stderr, fmt, ap);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct rec_bpf *b = ctx;

	return b->fn(b->ctx, data, size);
}

static int pidfd_open(int pid, unsigned flags)
{
	return syscall(SYS_pidfd_open, pid, flags);
}

/* Attached last to first: process events and the switch program before the
 * syscall programs, so no fork of a followed task is missed and no syscall
 * in flight stays in a per-CPU slot when its task leaves the CPU. */
static const char *attach_names[] = { "sys_enter", "sys_exit", "sched_process_fork",
				       "sched_process_exec", "sched_process_exit", "task_rename",
				       "sched_switch", "cgroup_attach_task" };
#define NPROGS (sizeof(attach_names) / sizeof(attach_names[0]))

/* Does the running kernel's BTF have function NAME (e.g. a kfunc)? */
static bool kernel_has_func(const char *name)
{
	struct btf *vb = btf__load_vmlinux_btf();
	bool has;

	if (libbpf_get_error(vb)) {
		return false;
	}
	has = btf__find_by_name_kind(vb, name, BTF_KIND_FUNC) > 0;
	btf__free(vb);
	return has;
}

struct rec_bpf *rec_bpf_open(const struct rec_bpf_cfg *cfg, rec_event_fn fn, void *ctx,
			     char *err, size_t errlen)
{
	struct rec_bpf *b = calloc(1, sizeof(*b));
	struct bpf_program *progs[NPROGS];
	struct bpf_link **links[NPROGS];
	int rc;

	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	libbpf_set_print(libbpf_print);
	b->fn = fn;
	b->ctx = ctx;
	b->ncpus = libbpf_num_possible_cpus();
	if (b->ncpus <= 0) {
		snprintf(err, errlen, "cannot count the CPUs: %s", strerror(-b->ncpus));
		goto fail;
	}
	b->dbuf = calloc(b->ncpus, sizeof(*b->dbuf));
	b->seen = calloc((size_t)b->ncpus * SRB_NDROP, sizeof(*b->seen));
	if (!b->dbuf || !b->seen) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	b->skel = sysrec_bpf__open();
	if (!b->skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	b->skel->rodata->mode = cfg->mode;
	b->skel->rodata->self_tgid = getpid();
	b->skel->rodata->target_cgroup = cfg->cgroup_id;
	b->skel->rodata->capture_args = cfg->capture_args;
	b->skel->rodata->trace_all = cfg->trace_all;
	b->skel->rodata->exit_stats = cfg->exit_stats;
	/* Wake the consumer early only when a quarter of the buffer waits:
	 * its timer drains the rest every few milliseconds. */
	b->skel->rodata->wake_bytes = cfg->ring_bytes / 4;
	b->skel->rodata->have_rdonly_cast = kernel_has_func("bpf_rdonly_cast");
	memcpy((void *)b->skel->rodata->nr_info, cfg->nr_info, sizeof(cfg->nr_info));
	memcpy((void *)b->skel->rodata->nr_info32, cfg->nr_info32, sizeof(cfg->nr_info32));
	/* Only --cgroup caches a decision a cgroup move can change. */
	bpf_program__set_autoload(b->skel->progs.cgroup_attach, cfg->mode == SRB_MODE_CGROUP);
	rc = bpf_map__set_max_entries(b->skel->maps.rb, cfg->ring_bytes);
	if (rc) {
		snprintf(err, errlen, "cannot size the ring buffer: %s", strerror(-rc));
		goto fail;
	}
	rc = sysrec_bpf__load(b->skel);
	if (rc) {
		if (rc == -EPERM || rc == -EACCES) {
			snprintf(err, errlen, "loading the BPF programs was refused (%s): run as root "
				 "(CAP_BPF and CAP_PERFMON are needed)", strerror(-rc));
		} else {
			snprintf(err, errlen, "loading the BPF programs failed: %s (run with -vv "
				 "for the verifier log)", strerror(-rc));
		}
		goto fail;
	}
	progs[0] = b->skel->progs.sys_enter;
	progs[1] = b->skel->progs.sys_exit;
	progs[2] = b->skel->progs.sched_fork;
	progs[3] = b->skel->progs.sched_exec;
	progs[4] = b->skel->progs.sched_exit;
	progs[5] = b->skel->progs.task_rename;
	progs[6] = b->skel->progs.sched_switch;
	progs[7] = b->skel->progs.cgroup_attach;
	links[0] = &b->skel->links.sys_enter;
	links[1] = &b->skel->links.sys_exit;
	links[2] = &b->skel->links.sched_fork;
	links[3] = &b->skel->links.sched_exec;
	links[4] = &b->skel->links.sched_exit;
	links[5] = &b->skel->links.task_rename;
	links[6] = &b->skel->links.sched_switch;
	links[7] = &b->skel->links.cgroup_attach;
	for (int i = NPROGS - 1; i >= 0; i--) {
		if (!bpf_program__autoload(progs[i])) {
			continue;
		}
		*links[i] = bpf_program__attach(progs[i]);
		if (!*links[i]) {
			rc = -errno;
			snprintf(err, errlen, "cannot attach to the %s tracepoint: %s",
				 attach_names[i], strerror(-rc));
			goto fail;
		}
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.rb), on_sample, b, NULL);
	if (!b->rb) {
		snprintf(err, errlen, "cannot map the ring buffer: %s", strerror(errno));
		goto fail;
	}
	return b;
fail:
	rec_bpf_close(b);
	return NULL;
}

void rec_bpf_detach(struct rec_bpf *b)
{
	if (b && !b->detached) {
		sysrec_bpf__detach(b->skel);
		b->detached = true;
	}
}

void rec_bpf_close(struct rec_bpf *b)
{
	if (!b) {
		return;
	}
	ring_buffer__free(b->rb);
	sysrec_bpf__destroy(b->skel);
	free(b->dbuf);
	free(b->seen);
	free(b->slots);
	free(b);
}

void rec_bpf_flush_batches(struct rec_bpf *b)
{
	b->skel->bss->flush_gen++;
}

int rec_bpf_drain_batches(struct rec_bpf *b)
{
	__u32 zero = 0;
	int rc = 0;

	free(b->slots);
	b->slots = calloc(b->ncpus, sizeof(*b->slots));
	if (!b->slots) {
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.batches), &zero, b->slots)) {
		rc = -errno;
		free(b->slots);
		b->slots = NULL;
		return rc;
	}
	for (int cpu = 0; cpu < b->ncpus && !rc; cpu++) {
		const struct srb_batch *bt = &b->slots[cpu].b;

		for (__u32 i = 0; i < bt->n && i < SRB_BATCH; i++) {
			if (b->fn(b->ctx, &bt->rec[i], sizeof(bt->rec[i]))) {
				rc = -EIO;
				break;
			}
		}
	}
	return rc;
}

int rec_bpf_epoll_fd(struct rec_bpf *b)
{
	return ring_buffer__epoll_fd(b->rb);
}

int rec_bpf_drain(struct rec_bpf *b)
{
	return ring_buffer__consume(b->rb);
}

int rec_bpf_follow_tgid(struct rec_bpf *b, int tgid)
{
	__u32 k = tgid;
	__u8 one = 1;

	if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.tgids), &k, &one, BPF_ANY)) {
		return -errno;
	}
	return 0;
}

int rec_bpf_follow_tid(struct rec_bpf *b, int tid, bool preexec)
{
	struct srb_task t = { .flags = preexec ? SRB_TF_PREEXEC : 0 };
	int fd = pidfd_open(tid, PIDFD_THREAD);
	int rc = 0;

	if (fd < 0) {
		return -errno;
	}
	/* BPF_NOEXIST: the fork program may have marked it already, possibly
	 * with a syscall in flight that must not be wiped. */
	if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.tasks), &fd, &t, BPF_NOEXIST) &&
	    errno != EEXIST) {
		rc = -errno;
	}
	close(fd);
	/* The programs may have cached this thread as untraced. */
	__atomic_fetch_add(&b->skel->data->task_gen, 1, __ATOMIC_SEQ_CST);
	return rc;
}

int rec_bpf_read_drops(struct rec_bpf *b, void (*fn)(void *ctx, const struct rec_drop *d),
		       void *ctx)
{
	int fd = bpf_map__fd(b->skel->maps.drops);

	for (__u32 where = 1; where < SRB_NDROP; where++) {
		if (bpf_map_lookup_elem(fd, &where, b->dbuf)) {
			return -errno;
		}
		for (int cpu = 0; cpu < b->ncpus; cpu++) {
			const struct srb_drops *d = &b->dbuf[cpu];
			uint64_t *seen = &b->seen[where * b->ncpus + cpu];

			if (d->count > *seen) {
				struct rec_drop r = {
					.cpu = cpu,
					.where = where,
					.count = d->count - *seen,
					.first_ns = d->first_ns,
					.last_ns = d->last_ns,
				};
				b->total_drops += r.count;
				*seen = d->count;
				fn(ctx, &r);
			}
		}
	}
	/* New epoch: the next drops on each CPU start a new time range. */
	b->skel->data->drop_epoch++;
	return 0;
}

uint64_t rec_bpf_total_drops(struct rec_bpf *b)
{
	return b->total_drops;
}

/* A plain syscall of TID still in its CPU's slot (read by drain_batches). */
static bool inflight_in_slot(const struct rec_bpf *b, int tid, struct srb_task *t)
{
	for (int cpu = 0; b->slots && cpu < b->ncpus; cpu++) {
		const struct srb_batch_slot *s = &b->slots[cpu];

		if (s->pend && s->tid == (__u32)tid) {
			t->ts = s->ts;
			t->nr = s->nr;
			t->flags = 0;
			memcpy(t->args, s->args, sizeof(t->args));
			return true;
		}
	}
	return false;
}

int rec_bpf_inflight(struct rec_bpf *b, int tid, struct sr_syscall *sc, struct srb_sc_str *s)
{
	struct srb_task t;
	int fd = pidfd_open(tid, PIDFD_THREAD);
	int rc = 0;

	if (fd < 0) {
		return -errno;
	}
	memset(sc, 0, sizeof(*sc));
	if (bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.tasks), &fd, &t)) {
		if (errno != ENOENT) {
			rc = -errno;
			goto out;
		}
		memset(&t, 0, sizeof(t));
	}
	if (!t.ts && !inflight_in_slot(b, tid, &t)) {
		goto out;
	}
	sc->ts = t.ts;
	sc->tid = tid;
	sc->nr = t.nr;
	sc->flags = SR_SC_UNFINISHED;
	memcpy(sc->args, t.args, sizeof(sc->args));
	sc->has_args = b->skel->rodata->capture_args;
	if ((t.flags & SRB_TF_STR) &&
	    !bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.strs), &fd, s)) {
		size_t off = 0;

		for (int i = 0; i < SRB_NPATHS; i++) {
			size_t l = s->len[i];

			if (!l || off + l > sizeof(s->str) || s->arg[i] >= 6) {
				break;
			}
			s->str[off + l - 1] = '\0';
			sc->str[s->arg[i]] = &s->str[off];
			off += l;
		}
	}
	rc = 1;
out:
	close(fd);
	return rc;
}
