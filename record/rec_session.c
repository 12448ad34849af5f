// SPDX-License-Identifier: MIT
/*
 * One recording: ring-buffer records become trace events, a timer drains the
 * buffer, takes /proc samples, reports drops and flushes the writer; signals
 * stop it cleanly. Everything runs on one thread around one epoll.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "procfs.h"
#include "rec.h"

#define TICK_NS (20 * 1000 * 1000ull)       /* drain period */
#define DROPS_NS (100 * 1000 * 1000ull)     /* drop counter reads */
#define FLUSH_NS (1000 * 1000 * 1000ull)    /* a live trace reaches the disk within ~1 s */
#define STOP_GRACE_NS (2000 * 1000 * 1000ull) /* wait for CMD after forwarding a signal */
#define MAX_ARGV 256

/* A process whose last thread exited: stage 0 of its stats, until stage 1. */
struct exit_pend {
	uint64_t ts;                    /* of the exit */
	struct srb_exit_stats st;
};

struct cg_cache {
	uint64_t id;
	char *path;
};

struct rec {
	struct rec_opts *o;
	struct rec_bpf *bpf;
	struct sr_writer *w;
	Sysrec__Header hdr;
	char *hdr_target, *hdr_backend; /* what sr_header_init() put there */
	bool hdr_ok;
	struct pidset procs;            /* processes followed (tgids) */
	struct pidmem mem;              /* their last memory figures */
	struct exit_pend *pend;         /* exited processes awaiting stage 1 */
	uint32_t npend, cap_pend;
	struct rec_launch child;
	bool launched, child_done;
	int child_status;
	int sigfd, tfd, epfd;
	/* counters */
	uint64_t nsyscalls, nproc, nsamples, nlost, unfinished;
	uint64_t lost_by[SR_LOSS_BADNR + 1]; /* nlost by enum sr_loss_where */
	uint64_t bytes_prev;            /* bytes of the files already rotated out */
	uint64_t start_ns;
	uint32_t seq;
	/* stopping */
	bool stop;
	const char *reason;
	char reason_buf[64];
	int stop_signal;
	uint64_t stop_deadline;
	/* the first write error ends the recording */
	enum sr_status werr;
	struct sr_error err;
	struct cg_cache cg[64];
	unsigned ncg;
};

static uint64_t now_boot(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static bool wfail(struct rec *r, enum sr_status st)
{
	if (st == SR_OK) {
		return false;
	}
	if (r->werr == SR_OK) {
		r->werr = st;
		r->stop = true;
		r->reason = "write error";
	}
	return true;
}

static const char *cgroup_remember(struct rec *r, uint64_t id, const char *path)
{
	unsigned slot = r->ncg < 64 ? r->ncg++ : (unsigned)(id % 64);

	free(r->cg[slot].path);
	r->cg[slot].id = id;
	r->cg[slot].path = strdup(path);
	return r->cg[slot].path;
}

/* Path of cgroup ID, from a cache or from /proc of PID, else of PARENT. */
static const char *cgroup_path_of(struct rec *r, int pid, int parent, uint64_t id)
{
	char buf[4096];
	int cand[2] = { pid, parent };

	for (unsigned i = 0; i < r->ncg; i++) {
		if (r->cg[i].id == id) {
			return r->cg[i].path;
		}
	}
	/* A short-lived child may be gone already; its parent usually still
	 * lives in the same cgroup. Keep a path only if the ids agree. */
	for (int i = 0; i < 2; i++) {
		uint64_t cid;

		if (cand[i] > 0 && !procfs_cgroup_path(cand[i], buf, sizeof(buf)) &&
		    !procfs_cgroup_id(buf, &cid) && cid == id) {
			return cgroup_remember(r, id, buf);
		}
	}
	return NULL;
}

static void write_cgroup_event(struct rec *r, uint64_t ts, int pid, int parent, uint64_t id)
{
	struct sr_proc_event ev = {
		.ts = ts,
		.kind = SR_PROC_CGROUP,
		.tid = pid,
		.pid = pid,
		.cgroup_id = id,
		.cgroup_path = cgroup_path_of(r, pid, parent, id),
	};

	if (!wfail(r, sr_writer_proc(r->w, &ev, &r->err))) {
		r->nproc++;
	}
}

static void write_sample(struct rec *r, int pid, uint64_t ts)
{
	struct pidmem_ent *m;
	struct sr_sample s;

	if (!r->o->sample_ns || procfs_read_sample(pid, ts, &s)) {
		return;
	}
	/* Kernel threads have no memory figures: nothing to keep. A zombie
	 * has none either, but its sample's time counts. */
	m = s.vm_peak_kb ? pidmem_put(&r->mem, pid) : pidmem_get(&r->mem, pid);
	if (m && s.vm_peak_kb) {
		m->rss_kb = s.rss_kb;
		m->vm_size_kb = s.vm_size_kb;
		m->vm_peak_kb = s.vm_peak_kb;
		m->vm_hwm_kb = s.vm_hwm_kb;
	}
	if (m) {
		m->ts = ts;
	}
	if (!wfail(r, sr_writer_sample(r->w, &s, &r->err))) {
		r->nsamples++;
	}
}

/*
 * User and system time as /proc/PID/stat shows them (the kernel's
 * cputime_adjust()): the precise run time RT split in the proportion of the
 * tick-sampled UT and ST, never below what an earlier read showed (PU, PS).
 */
static void cputime_adjust(uint64_t rt, uint64_t ut, uint64_t st, uint64_t pu, uint64_t ps,
			   uint64_t *out_u, uint64_t *out_s)
{
	if (pu + ps >= rt) {
		*out_u = pu;
		*out_s = ps;
		return;
	}
	if (st == 0) {
		ut = rt;
	} else if (ut == 0) {
		st = rt;
	} else {
		st = (uint64_t)((unsigned __int128)st * rt / (st + ut));
		if (st > rt) {
			st = rt;
		}
	}
	if (st < ps) {
		st = ps;
	}
	ut = rt - st;
	if (ut < pu) {
		ut = pu;
		st = rt - ut;
	}
	*out_u = ut;
	*out_s = st;
}

/* ns to clock ticks, as the kernel's nsec_to_clock_t() rounds (down). */
static uint64_t ns_to_ticks(uint64_t ns)
{
	static long hz;

	if (!hz) {
		hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0) {
			hz = 100;
		}
	}
	return (uint64_t)((unsigned __int128)ns * (uint64_t)hz / 1000000000u);
}

/*
 * The final sample of a process from its last counters (struct
 * srb_exit_stats): the figures /proc/PID shows of its zombie, whether or not
 * its parent reaped it before we looked. TS is its exit's time.
 */
static void write_final_sample(struct rec *r, const struct srb_exit_stats *k, uint64_t ts)
{
	uint64_t page_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	struct pidmem_ent *m = pidmem_get(&r->mem, (int32_t)k->tgid);
	const struct srb_exit_counts *c = &k->c;
	struct sr_sample s = {
		.ts = ts,
		.pid = (int32_t)k->tgid,
		.final = true,
		.minflt = c->minflt,
		.majflt = c->majflt,
		.vol_ctxsw = k->nvcsw,
		.invol_ctxsw = k->nivcsw,
	};
	uint64_t ut, st;

	cputime_adjust(c->rtime_ns, c->utime_ns, c->stime_ns, k->prev_utime_ns, k->prev_stime_ns,
		       &ut, &st);
	s.utime_ticks = ns_to_ticks(ut);
	s.stime_ticks = ns_to_ticks(st);
	if (k->has_io) {
		s.rchar = c->rchar;
		s.wchar = c->wchar;
		s.syscr = c->syscr;
		s.syscw = c->syscw;
		s.read_bytes = c->read_bytes;
		s.write_bytes = c->write_bytes;
	}
	if (k->has_mm) {
		/* as /proc/PID/status derives VmRSS, VmSize, VmPeak, VmHWM */
		s.rss_kb = c->rss * page_kb;
		s.vm_size_kb = c->total_vm * page_kb;
		s.vm_peak_kb = (c->hiwater_vm > c->total_vm ? c->hiwater_vm : c->total_vm) * page_kb;
		s.vm_hwm_kb = (c->hiwater_rss > c->rss ? c->hiwater_rss : c->rss) * page_kb;
	} else if (m) {
		/* a kernel whose exit tracepoint comes after exit_mm(): the
		 * last figures seen */
		s.rss_kb = m->rss_kb;
		s.vm_size_kb = m->vm_size_kb;
		s.vm_peak_kb = m->vm_peak_kb;
		s.vm_hwm_kb = m->vm_hwm_kb;
	}
	/* A periodic sample read while the process was on its way out may
	 * carry a later time: the final one stays the last. */
	if (m && m->ts > s.ts) {
		s.ts = m->ts;
	}
	pidmem_del(&r->mem, (int32_t)k->tgid);
	if (!wfail(r, sr_writer_sample(r->w, &s, &r->err))) {
		r->nsamples++;
	}
}

/* Stage 0 of an exited process's stats waits for stage 1 (see exit_pend). */
static void exit_pend_add(struct rec *r, const struct srb_exit_stats *k, uint64_t ts)
{
	if (r->npend == r->cap_pend) {
		uint32_t cap = r->cap_pend ? r->cap_pend * 2 : 16;
		struct exit_pend *np = realloc(r->pend, cap * sizeof(*np));

		if (!np) {
			write_final_sample(r, k, ts); /* stage 0 is exact but for the exit path */
			return;
		}
		r->pend = np;
		r->cap_pend = cap;
	}
	r->pend[r->npend].ts = ts;
	r->pend[r->npend].st = *k;
	r->npend++;
}

/* Stage 1 arrived (K), or, with K NULL, no more will: write the finals. */
static void exit_pend_done(struct rec *r, const struct srb_exit_stats *k)
{
	for (uint32_t i = 0; i < r->npend; i++) {
		if (k && r->pend[i].st.tgid != k->tgid) {
			continue;
		}
		write_final_sample(r, k ? k : &r->pend[i].st, r->pend[i].ts);
		if (k) {
			r->pend[i] = r->pend[--r->npend];
			return;
		}
	}
	if (!k) {
		r->npend = 0;
	}
}

static void drain(struct rec *r);

/* Give exited processes a few ms to reach their last context switch. */
static void exit_pend_await(struct rec *r)
{
	for (int i = 0; i < 20 && r->npend && !r->werr; i++) {
		usleep(500);
		drain(r);
	}
}

static int on_syscall(struct rec *r, const struct srb_sc *k, size_t size, bool args)
{
	struct sr_syscall sc = {
		.ts = k->ts,
		.duration = k->dur,
		.tid = k->tid,
		.tgid = k->tgid,
		.nr = k->nr,
		.flags = k->flags,
		.ret = k->ret,
		.has_args = args,
	};

	if (args) {
		memcpy(sc.args, k->args, sizeof(sc.args));
	}
	if (k->type == SRB_SC_STR && size >= offsetof(struct srb_sc_str, str)) {
		const struct srb_sc_str *s = (const void *)k;
		size_t off = 0, room = size - offsetof(struct srb_sc_str, str);

		for (int i = 0; i < SRB_NPATHS; i++) {
			size_t l = s->len[i];

			if (!l || off + l > room || s->arg[i] >= 6 || s->str[off + l - 1]) {
				break;
			}
			sc.str[s->arg[i]] = &s->str[off];
			off += l;
		}
	}
	if (wfail(r, sr_writer_syscall(r->w, &sc, &r->err))) {
		return -1;
	}
	r->nsyscalls++;
	return 0;
}

static int on_fork(struct rec *r, const struct srb_fork *k)
{
	struct sr_proc_event ev = {
		.ts = k->ts,
		.kind = SR_PROC_FORK,
		.tid = k->tid,
		.pid = k->tgid,
		.parent_tid = k->parent_tid,
		.parent_pid = k->parent_tgid,
		.clone_flags = k->clone_flags,
		.is_thread = k->is_thread,
		.comm = k->comm,
	};
	char comm[SRB_COMM_LEN + 1];

	memcpy(comm, k->comm, SRB_COMM_LEN);
	comm[SRB_COMM_LEN] = '\0';
	ev.comm = comm;
	if (wfail(r, sr_writer_proc(r->w, &ev, &r->err))) {
		return -1;
	}
	r->nproc++;
	if (!k->is_thread && pidset_add(&r->procs, k->tgid)) {
		write_cgroup_event(r, k->ts, k->tgid, k->parent_tgid, k->cgroup_id);
	}
	return r->werr ? -1 : 0;
}

static int on_exec(struct rec *r, const struct srb_exec *k, size_t size)
{
	const char *argv[MAX_ARGV];
	char fname[SRB_FNAME_MAX + 1], comm[SRB_COMM_LEN + 1];
	char *block = NULL;
	uint32_t argc = 0, len = k->argv_len;
	struct sr_proc_event ev = {
		.ts = k->ts,
		.kind = SR_PROC_EXEC,
		.tid = k->tid,
		.pid = k->tgid,
		.argv_truncated = k->argv_truncated,
	};

	if (len > SRB_ARGV_MAX) {
		len = SRB_ARGV_MAX;
	}
	memcpy(fname, k->fname, SRB_FNAME_MAX);
	fname[SRB_FNAME_MAX] = '\0';
	memcpy(comm, k->comm, SRB_COMM_LEN);
	comm[SRB_COMM_LEN] = '\0';
	block = malloc(len + 1);
	if (!block) {
		return -1;
	}
	memcpy(block, k->argv, len);
	block[len] = '\0';
	/* argv is one NUL-separated block; a cut last argument still counts. */
	for (uint32_t off = 0; off < len && argc < MAX_ARGV;) {
		argv[argc++] = block + off;
		off += strlen(block + off) + 1;
	}
	if (argc == MAX_ARGV) {
		ev.argv_truncated = true;
	}
	ev.filename = fname;
	ev.comm = comm;
	ev.argv = argv;
	ev.argc = argc;
	if (!wfail(r, sr_writer_proc(r->w, &ev, &r->err))) {
		r->nproc++;
	}
	free(block);
	/* -a/--cgroup: a process we had not met yet (forked before we started). */
	if (pidset_add(&r->procs, k->tgid)) {
		char p[4096];
		uint64_t id;

		if (!procfs_cgroup_path(k->tgid, p, sizeof(p)) && !procfs_cgroup_id(p, &id)) {
			write_cgroup_event(r, k->ts, k->tgid, 0, id);
		}
	}
	return r->werr ? -1 : 0;
}

static int on_exit_ev(struct rec *r, const struct srb_exit *k, size_t size)
{
	int code = k->exit_code;
	struct sr_proc_event ev = {
		.ts = k->ts,
		.kind = SR_PROC_EXIT,
		.tid = k->tid,
		.pid = k->tgid,
		.group_dead = k->group_dead,
	};

	/* task->exit_code has the wait(2) status encoding. */
	if (code & 0x7f) {
		ev.exit_signal = code & 0x7f;
		ev.core_dumped = (code & 0x80) != 0;
	} else {
		ev.exit_code = (code >> 8) & 0xff;
	}
	if (wfail(r, sr_writer_proc(r->w, &ev, &r->err))) {
		return -1;
	}
	r->nproc++;
	/* The process is gone: no more periodic samples. Its last counters
	 * came along (stage 0); its final sample waits for stage 1. */
	if (k->group_dead && pidset_del(&r->procs, k->tgid) && size >= sizeof(struct srb_exit_full)) {
		exit_pend_add(r, &((const struct srb_exit_full *)k)->st, k->ts);
	}
	return r->werr ? -1 : 0;
}

static int on_comm(struct rec *r, const struct srb_comm *k)
{
	char comm[SRB_COMM_LEN + 1];
	struct sr_proc_event ev = {
		.ts = k->ts,
		.kind = SR_PROC_COMM,
		.tid = k->tid,
		.pid = k->tgid,
		.comm = comm,
	};

	memcpy(comm, k->comm, SRB_COMM_LEN);
	comm[SRB_COMM_LEN] = '\0';
	if (wfail(r, sr_writer_proc(r->w, &ev, &r->err))) {
		return -1;
	}
	r->nproc++;
	return 0;
}

static int on_record(void *ctx, const void *data, size_t size)
{
	struct rec *r = ctx;
	const uint8_t type = *(const uint8_t *)data;

	if (r->werr) {
		return -1;
	}
	switch (type) {
	case SRB_SC:
		return size >= sizeof(struct srb_sc) ? on_syscall(r, data, size, !r->o->no_args) : 0;
	case SRB_SC_STR:
		return size >= sizeof(struct srb_sc) ? on_syscall(r, data, size, !r->o->no_args) : 0;
	case SRB_BATCH: {
		const struct srb_batch *bt = data;

		if (size < offsetof(struct srb_batch, rec) ||
		    bt->n > (size - offsetof(struct srb_batch, rec)) / sizeof(struct srb_sc)) {
			return 0;
		}
		for (uint32_t i = 0; i < bt->n; i++) {
			if (on_syscall(r, &bt->rec[i], sizeof(bt->rec[i]), !r->o->no_args)) {
				return -1;
			}
		}
		return 0;
	}
	case SRB_SC_NOARGS:
		return size >= sizeof(struct srb_sc_noargs) ? on_syscall(r, data, size, false) : 0;
	case SRB_FORK:
		return size >= sizeof(struct srb_fork) ? on_fork(r, data) : 0;
	case SRB_EXEC:
		return size >= sizeof(struct srb_exec) ? on_exec(r, data, size) : 0;
	case SRB_EXIT:
		return size >= sizeof(struct srb_exit) ? on_exit_ev(r, data, size) : 0;
	case SRB_EXIT_STATS:
		if (size >= sizeof(struct srb_exit_stats)) {
			exit_pend_done(r, data);
		}
		return r->werr ? -1 : 0;
	case SRB_COMM:
		return size >= sizeof(struct srb_comm) ? on_comm(r, data) : 0;
	}
	return 0;
}

/*
 * On x86_64 the kernel side records a 32-bit (i386) syscall n as number
 * SR_COMPAT_NR_BASE + n: extend the header's syscall table with those
 * names, "i386:NAME", so that every reader names them and none mistakes
 * one for the x86_64 call of the same number.
 */
static int add_compat_names(Sysrec__Header *h)
{
	uint32_t n32 = sr_syscall_count(SR_ABI_I386), n;
	char **names, *buf;
	size_t off = 0;

	if (sr_abi_native() != SR_ABI_X86_64 || !n32 || h->n_syscall_names > SR_COMPAT_NR_BASE) {
		return 0;
	}
	n = SR_COMPAT_NR_BASE + n32;
	names = calloc(n, sizeof(*names));
	buf = calloc(n32, 40);
	if (!names || !buf) {
		free(names);
		free(buf);
		return -1;
	}
	for (uint32_t i = 0; i < h->n_syscall_names; i++) {
		names[i] = h->syscall_names[i];
	}
	for (uint32_t i = 0; i < n32; i++) {
		const struct sr_syscall_info *si = sr_syscall_by_nr(SR_ABI_I386, i);

		if (si && si->name && *si->name) {
			names[SR_COMPAT_NR_BASE + i] = buf + off;
			off += (size_t)snprintf(buf + off, 40, SR_COMPAT_PREFIX "%.32s", si->name) + 1;
		}
	}
	/* copies the strings (NULL entries become ""), so ours go right away */
	sr_header_set_strv(&h->syscall_names, &h->n_syscall_names, (const char *const *)names, n);
	free(names);
	free(buf);
	return h->n_syscall_names == n ? 0 : -1;
}

/* At the end: one warning per kind of loss, saying what to do about it. */
static void warn_losses(const struct rec *r)
{
	const uint64_t *n = r->lost_by;

	if (n[SR_LOSS_RINGBUF]) {
		cli_warn("%llu events were lost (kernel ring buffer full): the trace records "
			 "where and when; use a larger --buffer-size or a narrower --syscalls",
			 (unsigned long long)n[SR_LOSS_RINGBUF]);
	}
	if (n[SR_LOSS_ENTRY_TABLE]) {
		cli_warn("%llu syscalls were lost (no room to keep their entry): the trace "
			 "records where and when", (unsigned long long)n[SR_LOSS_ENTRY_TABLE]);
	}
	if (n[SR_LOSS_STRING]) {
		cli_warn("%llu path arguments could not be read: their syscalls are recorded "
			 "without them", (unsigned long long)n[SR_LOSS_STRING]);
	}
	if (n[SR_LOSS_BADNR]) {
		cli_warn("%llu syscalls with numbers outside the syscall table (x32 ABI or invalid; "
			 "they fail with ENOSYS unless x32 is enabled) were not recorded",
			 (unsigned long long)n[SR_LOSS_BADNR]);
	}
	if (n[SR_LOSS_UNKNOWN] || n[SR_LOSS_WRITER]) {
		cli_warn("%llu events were lost: the trace records where and when",
			 (unsigned long long)(n[SR_LOSS_UNKNOWN] + n[SR_LOSS_WRITER]));
	}
}

static void on_drop(void *ctx, const struct rec_drop *d)
{
	struct rec *r = ctx;
	struct sr_loss l = {
		.first_ns = d->first_ns,
		.last_ns = d->last_ns,
		.cpu = d->cpu,
		.count = d->count,
		.where = (enum sr_loss_where)d->where,
	};

	r->nlost += d->count;
	r->lost_by[(unsigned)d->where <= SR_LOSS_BADNR ? d->where : SR_LOSS_UNKNOWN] += d->count;
	if (r->w) {
		wfail(r, sr_writer_loss(r->w, &l, &r->err));
	}
}

static void drain(struct rec *r)
{
	int n;

	do {
		n = rec_bpf_drain(r->bpf);
	} while (n > 0 && !r->werr);
}

/* ---- process tables ---- */

static int table_add(int pid, void *arg);

struct table {
	struct rec *r;
	struct procfs_proc *p;
	struct sr_procinfo *info;
	size_t n, cap;
	bool cgroup_only; /* --cgroup: keep the processes of that cgroup */
	bool follow;      /* -p: pids must exist */
};

static int table_add(int pid, void *arg)
{
	struct table *t = arg;
	struct procfs_proc *p;

	if (pid == getpid()) {
		return 0;
	}
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct procfs_proc *np = realloc(t->p, ncap * sizeof(*np));

		if (!np) {
			return -ENOMEM;
		}
		t->p = np;
		t->cap = ncap;
	}
	p = &t->p[t->n];
	memset(p, 0, sizeof(*p));
	if (procfs_read_info(pid, p)) {
		return 0; /* gone meanwhile */
	}
	if (t->cgroup_only && p->info.cgroup_id != t->r->o->cgroup_id) {
		procfs_proc_release(p);
		return 0;
	}
	t->n++;
	return 0;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		procfs_proc_release(&t->p[i]);
	}
	free(t->p);
	free(t->info);
}

/* Write the process table of every process followed now. */
static void write_table(struct rec *r, bool first)
{
	struct table t = { .r = r, .cgroup_only = r->o->cgroup != NULL };
	uint32_t pos = 0;
	int32_t pid;

	if (first && (r->o->all || r->o->cgroup)) {
		procfs_list_pids(table_add, &t);
		for (size_t i = 0; i < t.n; i++) {
			pidset_add(&r->procs, t.p[i].info.pid);
		}
	} else {
		while ((pid = pidset_next(&r->procs, &pos))) {
			table_add(pid, &t);
		}
	}
	t.info = calloc(t.n ? t.n : 1, sizeof(*t.info));
	if (!t.info) {
		goto out;
	}
	for (size_t i = 0; i < t.n; i++) {
		t.info[i] = t.p[i].info;
		/* info.comm points into its procfs_proc, and table_add()'s
		 * realloc moved those: point it at where the comm is now. */
		t.info[i].comm = t.p[i].comm;
	}
	wfail(r, sr_writer_process_table(r->w, t.info, t.n, &r->err));
out:
	table_free(&t);
}

/* ---- header, files, rotation ---- */

static const char *target_name(const struct rec_opts *o)
{
	return o->cmd ? "command" : o->pids ? "pids" : o->all ? "system" : "cgroup";
}

static int header_build(struct rec *r)
{
	struct rec_opts *o = r->o;
	enum sr_status st;
	static char target[16], backend[] = "ebpf-tp_btf";
	static const char recorder[] = "sysrec " SYSREC_VERSION;
	char pidbuf[32];

	st = sr_header_init(&r->hdr, sr_abi_name(sr_abi_native()));
	if (st) {
		cli_err("cannot build the trace header: %s", sr_status_str(st));
		return -1;
	}
	r->hdr_ok = true;
	if (add_compat_names(&r->hdr) < 0) {
		cli_err("out of memory");
		return -1;
	}
	r->hdr_target = r->hdr.target;
	r->hdr_backend = r->hdr.backend;
	snprintf(target, sizeof(target), "%s", target_name(o));
	r->hdr.target = target;
	r->hdr.backend = backend;
	/* A static string: sr_header_free() releases only what formats/ made. */
	r->hdr.recorder = (char *)recorder;
	sr_header_set_strv(&r->hdr.command_line, &r->hdr.n_command_line,
			   (const char *const *)o->argv, o->argc);
	if (o->cmd) {
		size_t n = 0;

		while (o->cmd[n]) {
			n++;
		}
		sr_header_set_strv(&r->hdr.target_args, &r->hdr.n_target_args,
				   (const char *const *)o->cmd, n);
	} else if (o->pids) {
		char **v = calloc(o->npids, sizeof(*v));

		for (int i = 0; v && i < o->npids; i++) {
			snprintf(pidbuf, sizeof(pidbuf), "%d", o->pids[i]);
			v[i] = strdup(pidbuf);
		}
		if (v) {
			sr_header_set_strv(&r->hdr.target_args, &r->hdr.n_target_args,
					   (const char *const *)v, o->npids);
			for (int i = 0; i < o->npids; i++) {
				free(v[i]);
			}
			free(v);
		}
	} else if (o->cgroup) {
		const char *cg = o->cgroup_path;

		sr_header_set_strv(&r->hdr.target_args, &r->hdr.n_target_args, &cg, 1);
	}
	if (o->nsyscalls) {
		sr_header_set_strv(&r->hdr.syscall_filter, &r->hdr.n_syscall_filter,
				   (const char *const *)o->syscalls, o->nsyscalls);
	}
	r->hdr.sample_interval_ns = o->sample_ns;
	r->hdr.args_captured = !o->no_args;
	r->hdr.ring_buffer_bytes = o->buffer_size;
	r->hdr.ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	return 0;
}

static void header_free(struct rec *r)
{
	/* Our static strings are not sr_header_free()'s to release. */
	r->hdr.target = r->hdr_target;
	r->hdr.backend = r->hdr_backend;
	sr_header_free(&r->hdr);
}

static int open_output(struct rec *r)
{
	struct sr_writer_opts wo = { .level = r->o->level, .reorder_ns = SR_WRITER_REORDER_NS };

	r->w = sr_writer_open(r->o->output, &r->hdr, &wo, &r->err);
	if (!r->w) {
		if (r->err.status == SR_IO && r->err.sys_errno) {
			cli_err("cannot write the trace to '%s': %s", r->o->output,
				strerror(r->err.sys_errno));
		} else {
			cli_err("cannot write the trace to '%s': %s", r->o->output, r->err.msg);
		}
		return -1;
	}
	return 0;
}

static Sysrec__Totals make_totals(struct rec *r)
{
	Sysrec__Totals t = SYSREC__TOTALS__INIT;

	t.lost = r->nlost;
	t.unfinished = r->unfinished;
	t.exit_reason = (char *)(r->reason ? r->reason : "stopped");
	t.exit_code = -1;
	if (r->launched && r->child_done) {
		if (WIFEXITED(r->child_status)) {
			t.exit_code = WEXITSTATUS(r->child_status);
		} else if (WIFSIGNALED(r->child_status)) {
			t.exit_signal = WTERMSIG(r->child_status);
		}
	}
	return t;
}

static void rotate(struct rec *r)
{
	const char *out = r->o->output;
	size_t len = strlen(out) + 16;
	char *from = malloc(len), *to = malloc(len);
	Sysrec__Totals t;
	enum sr_status st;

	if (!from || !to) {
		goto out;
	}
	t = make_totals(r);
	t.exit_reason = "rotated";
	r->bytes_prev += sr_writer_bytes(r->w);
	st = sr_writer_close(r->w, &t, &r->err);
	r->w = NULL;
	if (wfail(r, st)) {
		goto out;
	}
	/* FILE.(N-2) -> FILE.(N-1), ..., FILE -> FILE.1: the oldest falls off. */
	for (unsigned i = r->o->rotate - 1; i >= 1; i--) {
		if (i == 1) {
			snprintf(from, len, "%s", out);
		} else {
			snprintf(from, len, "%s.%u", out, i - 1);
		}
		snprintf(to, len, "%s.%u", out, i);
		if (rename(from, to) && errno != ENOENT) {
			cli_warn("cannot rename '%s' to '%s': %s", from, to, strerror(errno));
		}
	}
	r->hdr.rotation_seq = ++r->seq;
	if (open_output(r)) {
		r->werr = SR_IO;
		r->stop = true;
		r->reason = "write error";
		goto out;
	}
	write_table(r, false);
out:
	free(from);
	free(to);
}

static void check_size(struct rec *r)
{
	if (!r->o->max_size || !r->w || r->stop || sr_writer_bytes(r->w) < r->o->max_size) {
		return;
	}
	if (r->o->rotate > 1) {
		rotate(r);
	} else {
		r->stop = true;
		r->reason = "max-size";
	}
}

/* ---- samples ---- */

static void take_samples(struct rec *r, uint64_t ts)
{
	struct sr_hostcpu c;
	uint32_t pos = 0;
	int32_t pid;

	if (!procfs_read_hostcpu(ts, &c) && !wfail(r, sr_writer_hostcpu(r->w, &c, &r->err))) {
		r->nsamples++;
	}
	while ((pid = pidset_next(&r->procs, &pos)) && !r->werr) {
		write_sample(r, pid, ts);
	}
}

/* ---- stop: syscalls in flight ---- */

struct inflight_walk {
	struct rec *r;
	int tgid;
};

static int inflight_tid(int tid, void *arg)
{
	struct inflight_walk *iw = arg;
	struct sr_syscall sc;
	struct srb_sc_str strbuf;

	if (rec_bpf_inflight(iw->r->bpf, tid, &sc, &strbuf) == 1) {
		sc.tgid = iw->tgid;
		if (!wfail(iw->r, sr_writer_syscall(iw->r->w, &sc, &iw->r->err))) {
			iw->r->unfinished++;
			iw->r->nsyscalls++;
		}
	}
	return 0;
}

static int inflight_pid(int pid, void *arg)
{
	struct inflight_walk *iw = arg;

	if (pid == getpid()) {
		return 0;
	}
	iw->tgid = pid;
	procfs_list_tids(pid, inflight_tid, iw);
	return 0;
}

static void write_inflight(struct rec *r)
{
	struct inflight_walk iw = { .r = r };
	uint32_t pos = 0;
	int32_t pid;

	if (r->o->all || r->o->cgroup) {
		/* Task storage exists only for tasks the programs met: a walk
		 * over every thread finds exactly those. */
		procfs_list_pids(inflight_pid, &iw);
		return;
	}
	while ((pid = pidset_next(&r->procs, &pos))) {
		inflight_pid(pid, &iw);
	}
}

/* ---- main loop ---- */

static void child_check(struct rec *r)
{
	siginfo_t si;

	if (!r->launched || r->child_done) {
		return;
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, r->child.pid, &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid == 0) {
		return;
	}
	/* CMD is a zombie now: its exit event is already in the ring buffer
	 * (the tracepoint fires before the parent is told); drain it so the
	 * final sample sees the zombie before we reap it. */
	drain(r);
	exit_pend_await(r);
	waitpid(r->child.pid, &r->child_status, 0);
	r->child_done = true;
	if (r->o->wait_descendants && r->procs.live > 0) {
		return; /* the main loop stops when the last one exits */
	}
	r->stop = true;
	if (!r->reason) {
		r->reason = "command exited";
	}
}

static void on_signal(struct rec *r, int sig)
{
	if (sig == SIGCHLD) {
		child_check(r);
		return;
	}
	if (r->stop_signal) {
		/* A second interrupt: stop now. */
		r->stop = true;
		return;
	}
	r->stop_signal = sig;
	snprintf(r->reason_buf, sizeof(r->reason_buf), "signal %s",
		 sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
	r->reason = r->reason_buf;
	if (r->launched && !r->child_done) {
		/* Let CMD see the interrupt and finish while we still record. */
		kill(r->child.pid, sig);
		r->stop_deadline = now_boot() + STOP_GRACE_NS;
	} else {
		r->stop = true;
	}
}

static int loop(struct rec *r)
{
	struct epoll_event ev, evs[4];
	struct itimerspec its = { .it_interval = { 0, TICK_NS }, .it_value = { 0, TICK_NS } };
	uint64_t next_sample, next_flush, next_drops, end = 0, now;

	r->tfd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->tfd < 0 || r->epfd < 0 || timerfd_settime(r->tfd, 0, &its, NULL)) {
		cli_err("cannot set up the event loop: %s", strerror(errno));
		return -1;
	}
	ev.events = EPOLLIN;
	ev.data.u32 = 0;
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, rec_bpf_epoll_fd(r->bpf), &ev);
	ev.data.u32 = 1;
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->tfd, &ev);
	ev.data.u32 = 2;
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->sigfd, &ev);

	now = now_boot();
	next_sample = now; /* a first sample right away */
	next_flush = now + FLUSH_NS;
	next_drops = now + DROPS_NS;
	if (r->o->duration_ns) {
		end = now + r->o->duration_ns;
	}
	child_check(r); /* CMD may have died before the signal mask mattered */
	while (!r->stop) {
		int n = epoll_wait(r->epfd, evs, 4, -1);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			cli_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u32 == 2) {
				struct signalfd_siginfo si;

				while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
					on_signal(r, si.ssi_signo);
				}
			} else if (evs[i].data.u32 == 1) {
				uint64_t exp;

				if (read(r->tfd, &exp, sizeof(exp)) < 0) {
					/* EAGAIN: nothing to do */
				}
			}
		}
		drain(r);
		now = now_boot();
		if (r->o->sample_ns && now >= next_sample && !r->stop) {
			take_samples(r, now);
			next_sample += r->o->sample_ns;
			if (next_sample < now) {
				next_sample = now + r->o->sample_ns;
			}
		}
		if (now >= next_drops) {
			rec_bpf_flush_batches(r->bpf);
			rec_bpf_read_drops(r->bpf, on_drop, r);
			next_drops = now + DROPS_NS;
		}
		if (now >= next_flush && !r->werr) {
			wfail(r, sr_writer_flush(r->w, &r->err));
			next_flush = now + FLUSH_NS;
		}
		check_size(r);
		if (end && now >= end && !r->stop) {
			r->stop = true;
			r->reason = "duration";
		}
		if ((r->o->pids || (r->child_done && r->o->wait_descendants)) &&
		    r->procs.live == 0 && !r->stop) {
			/* -p, or CMD and what it left running: every followed
			 * process (and child) is gone. */
			r->stop = true;
			r->reason = r->o->pids ? "processes exited" : "command and descendants exited";
		}
		if (r->stop_deadline && now >= r->stop_deadline) {
			r->stop = true;
		}
		child_check(r);
	}
	return 0;
}

/* ---- setup and teardown ---- */

static int follow_tid(int tid, void *arg)
{
	rec_bpf_follow_tid(arg, tid, false);
	return 0;
}

static int follow_pid(struct rec *r, int pid)
{
	int rc = rec_bpf_follow_tgid(r->bpf, pid);

	if (rc) {
		cli_err("cannot follow process %d: %s", pid, strerror(-rc));
		return -1;
	}
	/* New threads are marked by the fork program from now on; mark those
	 * that exist (twice: one may have been born during the first walk). */
	for (int pass = 0; pass < 2; pass++) {
		rc = procfs_list_tids(pid, follow_tid, r->bpf);
		if (rc) {
			cli_err("process %d: %s", pid, rc == -ESRCH ? "no such process" : strerror(-rc));
			return -1;
		}
	}
	pidset_add(&r->procs, pid);
	return 0;
}

int rec_run(struct rec_opts *o)
{
	struct rec r = { .o = o, .sigfd = -1, .tfd = -1, .epfd = -1 };
	struct rec_bpf_cfg cfg = { 0 };
	sigset_t mask;
	char err[512];
	int status = 1;
	uint64_t t0, t1, bytes = 0;
	Sysrec__Totals totals;
	enum sr_status st;
	bool epipe = false;

	r.child.go_fd = -1;
	cfg.mode = o->all ? SRB_MODE_ALL : o->cgroup ? SRB_MODE_CGROUP : SRB_MODE_PIDS;
	cfg.cgroup_id = o->cgroup_id;
	cfg.capture_args = !o->no_args;
	cfg.trace_all = o->nsyscalls == 0;
	cfg.ring_bytes = o->buffer_size;
	cfg.exit_stats = o->sample_ns != 0;
	memcpy(cfg.nr_info, o->nr_info, sizeof(cfg.nr_info));
	memcpy(cfg.nr_info32, o->nr_info32, sizeof(cfg.nr_info32));

	/* Signals are read from a signalfd; CMD gets a clean mask back. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r.sigfd < 0) {
		cli_err("signalfd: %s", strerror(errno));
		goto out;
	}

	if (o->cgroup_path) {
		cgroup_remember(&r, o->cgroup_id, o->cgroup_path);
	}
	r.bpf = rec_bpf_open(&cfg, on_record, &r, err, sizeof(err));
	if (!r.bpf) {
		cli_err("%s", err);
		goto out;
	}
	if (header_build(&r)) {
		goto out;
	}
	if (o->cmd) {
		if (rec_launch_start(&r.child, o->cmd, o->user, err, sizeof(err))) {
			cli_err("%s", err);
			goto out;
		}
		r.launched = true;
		if (rec_bpf_follow_tgid(r.bpf, r.child.pid) ||
		    rec_bpf_follow_tid(r.bpf, r.child.pid, true)) {
			cli_err("cannot follow the command (pid %d): %s", r.child.pid,
				strerror(errno));
			goto out;
		}
		pidset_add(&r.procs, r.child.pid);
	} else if (o->pids) {
		for (int i = 0; i < o->npids; i++) {
			if (follow_pid(&r, o->pids[i])) {
				goto out;
			}
		}
	}
	if (open_output(&r)) {
		goto out;
	}
	if (!o->quiet && !o->output_named) {
		cli_note("writing the trace to %s", o->output);
		if (!cli_verbose) {
			fprintf(stderr, "sysrec record: writing the trace to %s\n", o->output);
		}
	}
	t0 = now_boot();
	r.start_ns = t0;
	if (o->cmd) {
		const char *const *cmdv = (const char *const *)o->cmd;
		const char *base = strrchr(o->cmd[0], '/') ? strrchr(o->cmd[0], '/') + 1 : o->cmd[0];
		char comm[16];
		uint32_t n = 0;
		char cgp[4096];
		uint64_t cgid = 0;

		while (o->cmd[n]) {
			n++;
		}
		snprintf(comm, sizeof(comm), "%s", base);
		struct sr_procinfo pi = {
			.pid = r.child.pid,
			.ppid = getpid(),
			.uid = getuid(),
			.nthreads = 1,
			.comm = comm,
			.exe = o->cmd[0],
			.cmdline = cmdv,
			.cmdline_len = n,
			.start_ns = t0,
		};
		if (!procfs_cgroup_path(r.child.pid, cgp, sizeof(cgp)) &&
		    !procfs_cgroup_id(cgp, &cgid)) {
			pi.cgroup_id = cgid;
			pi.cgroup_path = cgp;
		}
		wfail(&r, sr_writer_process_table(r.w, &pi, 1, &r.err));
		if (cgid) {
			write_cgroup_event(&r, t0, r.child.pid, 0, cgid);
		}
		if (rec_launch_go(&r.child)) {
			cli_err("cannot start the command: %s", strerror(errno));
			goto out;
		}
	} else {
		write_table(&r, true);
	}
	if (loop(&r)) {
		goto out;
	}

	/* Stop: no new records, then everything that is left. */
	drain(&r);
	exit_pend_await(&r);
	rec_bpf_detach(r.bpf);
	/* Let programs that were running on other CPUs finish. */
	usleep(10000);
	drain(&r);
	if (!r.werr) {
		rec_bpf_drain_batches(r.bpf);
		/* stage 1 did not come (lost, or after the detach): stage 0 */
		exit_pend_done(&r, NULL);
	}
	rec_bpf_read_drops(r.bpf, on_drop, &r);
	if (!r.werr) {
		write_inflight(&r);
	}
	t1 = now_boot();
	totals = make_totals(&r);
	if (r.w) {
		struct stat sb;

		if (!r.werr) {
			wfail(&r, sr_writer_flush(r.w, &r.err));
		}
		bytes = sr_writer_bytes(r.w);
		st = sr_writer_close(r.w, r.werr ? NULL : &totals, &r.err);
		r.w = NULL;
		wfail(&r, st);
		/* The file's size also counts the totals, index and trailer. */
		if (strcmp(o->output, "-") && !stat(o->output, &sb) && S_ISREG(sb.st_mode)) {
			bytes = sb.st_size;
		}
	}
	/* The reader of -o - went away (| head): a quiet, normal stop. */
	if (r.werr && r.err.sys_errno == EPIPE && !strcmp(o->output, "-")) {
		r.werr = SR_OK;
		epipe = true;
	}
	if (r.werr) {
		if (r.err.status == SR_IO && r.err.sys_errno) {
			cli_err("cannot write the trace to '%s': %s (the file ends at the last "
				"whole frame)", o->output, strerror(r.err.sys_errno));
		} else {
			cli_err("cannot write the trace to '%s': %s", o->output, r.err.msg);
		}
	}
	if (!o->quiet && !epipe) {
		uint64_t events = r.nsyscalls + r.nproc + r.nsamples;
		char sz[32], d[32];

		bytes += r.bytes_prev;
		cli_fmt_size(sz, sizeof(sz), bytes);
		cli_fmt_duration(d, sizeof(d), t1 - t0);
		fprintf(stderr,
			"sysrec record: %llu events (%llu syscalls, %llu process events, %llu "
			"samples), %llu lost, %s written (%.2f bytes/event), %s\n",
			(unsigned long long)events, (unsigned long long)r.nsyscalls,
			(unsigned long long)r.nproc, (unsigned long long)r.nsamples,
			(unsigned long long)r.nlost, sz, events ? (double)bytes / events : 0.0, d);
	}
	if (cli_verbose) {
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		cli_note("recorder CPU %.3fs user %.3fs system, peak RSS %ld KiB (ring buffer %llu KiB)",
			 ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
			 ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
			 (unsigned long long)o->buffer_size / 1024);
	}
	warn_losses(&r);
	if (r.launched && !r.child_done && (r.werr || !o->quiet) && !epipe) {
		cli_warn("the command (pid %d) is still running and no longer recorded",
			 r.child.pid);
	}
	if (r.werr) {
		status = 1;
	} else if (r.launched && r.child_done) {
		status = WIFEXITED(r.child_status)	  ? WEXITSTATUS(r.child_status)
			 : WIFSIGNALED(r.child_status) ? 128 + WTERMSIG(r.child_status)
						       : 1;
	} else if (r.launched) {
		status = r.stop_signal ? 128 + r.stop_signal : 0;
	} else {
		status = 0;
	}
out:
	if (r.w) {
		sr_writer_abort(r.w);
	}
	if (r.launched && r.child.go_fd >= 0) {
		/* Never started: closing the pipe makes the child exit 127. */
		close(r.child.go_fd);
		waitpid(r.child.pid, NULL, 0);
	}
	rec_bpf_close(r.bpf);
	if (r.hdr_ok) {
		header_free(&r);
	}
	pidset_free(&r.procs);
	pidmem_free(&r.mem);
	free(r.pend);
	for (unsigned i = 0; i < r.ncg; i++) {
		free(r.cg[i].path);
	}
	if (r.sigfd >= 0) {
		close(r.sigfd);
	}
	if (r.tfd >= 0) {
		close(r.tfd);
	}
	if (r.epfd >= 0) {
		close(r.epfd);
	}
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	return status;
}
