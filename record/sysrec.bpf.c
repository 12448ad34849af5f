// SPDX-License-Identifier: GPL-2.0
/*
 * sysrec kernel side: syscalls joined entry/exit per thread, process events,
 * all filtered in the kernel. Untraced tasks leave after a few loads when
 * their CPU's cache knows them (below), else after one task-storage lookup
 * (SRB_MODE_PIDS), one compare (SRB_MODE_ALL) or one cgroup-id compare
 * (SRB_MODE_CGROUP).
 *
 * The syscall programs run for every syscall of the host, so their fast
 * path is counted in helper calls: on the development machine each call
 * and return costs about as much as all the inline work around it (return
 * thunks), and a clock read about 50-70 ns. Each CPU caches whether the
 * task that last made a syscall there is traced, keyed by the pt_regs the
 * tracepoints pass (unique per live task), and keeps a plain syscall of a
 * traced task from entry to exit in its slot (struct srb_batch_slot):
 * then sys_enter and sys_exit make one helper call each, the clock, and
 * the record goes into a per-CPU batch. A task that leaves its CPU with a
 * syscall in flight has it moved to task storage by sched_switch. Strings,
 * fork flags, exec and syscalls that do not return take the task-storage
 * path, as do tasks the cache does not know yet.
 *
 * tp_btf programs are used on purpose: on the development kernel a raw_tp
 * program on sys_enter only saw its loader's own process, and fentry/fexit
 * are refused.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sysrec_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SC_UNFINISHED 1 /* == SR_SC_UNFINISHED */
#define SC_NORETURN 2   /* == SR_SC_NORETURN */

const volatile __u32 mode = SRB_MODE_PIDS;
const volatile __u32 self_tgid = 0;
const volatile __u64 target_cgroup = 0;
const volatile __u32 capture_args = 1;
const volatile __u32 trace_all = 1; /* no --syscalls filter */
const volatile __u64 wake_bytes = 1 << 20;
const volatile __u16 nr_info[SRB_MAX_NR] = {};
const volatile __u16 nr_info32[SRB_MAX_NR] = {}; /* 32-bit syscalls on x86_64 */

/* nr_info of a recorded syscall number (SRB_COMPAT_BASE + n for a 32-bit one). */
static __always_inline __u32 info_of(__u32 nr)
{
	if (nr < SRB_MAX_NR) {
		return nr_info[nr];
	}
	nr -= SRB_COMPAT_BASE;
	if (nr >= SRB_MAX_NR) {
		return 0;
	}
	return nr_info32[nr & (SRB_MAX_NR - 1)]; /* the mask spells the bound out for the verifier */
}

/* Run-time switches. drop_epoch: bumped by user space after each read of the
 * drops. flush_gen: bumped by user space so that partly filled batches are
 * handed over at the next syscall on their CPU. */
volatile __u64 drop_epoch = 1;
volatile __u64 flush_gen = 0;
/* Bumped whenever a cached "is this task traced" may have gone stale (see
 * struct srb_batch_slot): any exit or exec, a cgroup move, and by user space
 * after it changes the traced set. */
volatile __u64 task_gen = 1;

static __always_inline void task_gen_bump(void)
{
	__sync_fetch_and_add(&task_gen, 1);
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* replaced by --buffer-size before load */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct srb_task);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct srb_sc_str);
} strs SEC(".maps");

/* Processes followed in SRB_MODE_PIDS; their new threads and children join. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct srb_batch_slot);
} batches SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SRB_NDROP);
	__type(key, __u32);
	__type(value, struct srb_drops);
} drops SEC(".maps");

static __always_inline void count_drops(__u32 where, __u64 n)
{
	struct srb_drops *d = bpf_map_lookup_elem(&drops, &where);
	__u64 now;

	if (!d) {
		return;
	}
	now = bpf_ktime_get_boot_ns();
	/* User space bumps drop_epoch each time it reads the counters, so
	 * first_ns starts the time range of the drops it has not seen. */
	if (d->epoch != drop_epoch) {
		d->epoch = drop_epoch;
		d->first_ns = now;
	}
	d->last_ns = now;
	/* Atomic: a task preempted here must not lose another's count. */
	__sync_fetch_and_add(&d->count, n);
}

static __always_inline void count_drop(__u32 where)
{
	count_drops(where, 1);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} wake_ctr SEC(".maps");

static __always_inline __u64 wake_flags(void)
{
	__u32 zero = 0;
	__u64 *c;

	/* One wakeup per event would cost more than the syscall, and even
	 * looking at the consumer position costs a cache miss: every 64th
	 * record per CPU checks whether a good share of the buffer waits and
	 * wakes the consumer then; its timer drains the rest. */
	c = bpf_map_lookup_elem(&wake_ctr, &zero);
	if (!c || ((*c)++ & 63)) {
		return BPF_RB_NO_WAKEUP;
	}
	if (bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= wake_bytes) {
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/* The state of T when it is traced, else NULL; *FAILED (when FAILED is not
 * NULL) says whether it should be traced but its state could not be made. */
static __always_inline struct srb_task *task_state(struct task_struct *t, bool *failed)
{
	if (mode == SRB_MODE_PIDS) {
		return bpf_task_storage_get(&tasks, t, 0, 0);
	}
	if (mode == SRB_MODE_ALL) {
		if (t->tgid == self_tgid) {
			return 0;
		}
	} else if (bpf_get_current_cgroup_id() != target_cgroup) {
		return 0;
	}
	struct srb_task *e = bpf_task_storage_get(&tasks, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (failed) {
		*failed = !e; /* out of memory for a task that should be traced */
	}
	return e;
}

/* Is task T (not necessarily current) followed? Used by the rare events. */
static __always_inline bool task_followed(struct task_struct *t)
{
	__u32 tgid;

	if (mode == SRB_MODE_PIDS) {
		if (bpf_task_storage_get(&tasks, t, 0, 0)) {
			return true;
		}
		tgid = BPF_CORE_READ(t, tgid);
		return bpf_map_lookup_elem(&tgids, &tgid) != 0;
	}
	if (mode == SRB_MODE_ALL) {
		return BPF_CORE_READ(t, tgid) != self_tgid;
	}
	return bpf_get_current_cgroup_id() == target_cgroup;
}

static __always_inline struct srb_batch_slot *cpu_slot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&batches, &zero);
}

/* Take the slot; false when another task holds it (preempted inside a
 * program on this CPU). */
static __always_inline bool slot_lock(struct srb_batch_slot *slot)
{
	return !__sync_lock_test_and_set(&slot->busy, 1);
}

static __always_inline void slot_unlock(struct srb_batch_slot *slot)
{
	/* Only tasks on this CPU share the slot: a compiler barrier orders the
	 * release after the writes. */
	asm volatile("" ::: "memory");
	*(volatile __u64 *)&slot->busy = 0;
}

/* Hand the N records of SLOT's batch (held by the caller) to the ring buffer. */
static __always_inline void batch_flush(struct srb_batch_slot *slot, __u32 n)
{
	slot->flush_gen = flush_gen;
	slot->b.type = SRB_BATCH;
	slot->b.n = n;
	if (n > SRB_BATCH) {
		n = SRB_BATCH;
	}
	if (bpf_ringbuf_output(&rb, &slot->b, offsetof(struct srb_batch, rec) +
					     n * sizeof(struct srb_sc), wake_flags())) {
		count_drops(SRB_DROP_RINGBUF, n);
	}
	slot->b.n = 0;
}

/*
 * Add a plain syscall record to the batch of SLOT, held by the caller; hand
 * the batch to the ring buffer when full or when user space asked for a
 * flush.
 */
static __always_inline void batch_put(struct srb_batch_slot *slot, __u32 nr, __u32 tid,
				      __u32 tgid, __u64 ts, __u64 dur, __s64 ret,
				      const __u64 *args, __u8 flags)
{
	struct srb_sc *r;
	__u32 n;

	n = slot->b.n;
	if (n >= SRB_BATCH) {
		n = 0; /* cannot happen: a full batch is flushed at once */
	}
	r = &slot->b.rec[n];
	r->type = SRB_SC;
	r->flags = flags;
	r->nr = nr;
	r->tid = tid;
	r->tgid = tgid;
	r->pad = 0;
	r->ts = ts;
	r->dur = dur;
	r->ret = ret;
	__builtin_memcpy(r->args, args, 6 * sizeof(__u64));
	n++;
	if (n == SRB_BATCH || slot->flush_gen != flush_gen) {
		batch_flush(slot, n);
		return;
	}
	slot->b.n = n;
}

/* batch_put for the task-storage path. Returns false when the slot is
 * taken: the caller then writes the record directly. */
static __always_inline bool batch_sc(struct srb_task *e, __u32 tid, __u32 tgid, __s64 ret,
				     __u64 dur, __u8 flags)
{
	struct srb_batch_slot *slot = cpu_slot();

	if (!slot || !slot_lock(slot)) {
		return false;
	}
	batch_put(slot, e->nr, tid, tgid, e->ts, dur, ret, e->args, flags);
	slot_unlock(slot);
	return true;
}

/* Emit the syscall held in E for the current task, then forget it. */
static __always_inline void emit_sc(struct srb_task *e, struct task_struct *t, __s64 ret,
				    __u64 dur, __u8 flags)
{
	__u32 nr = e->nr;
	__u32 tid = t->pid, tgid = t->tgid;

	if (e->flags & SRB_TF_STR) {
		struct srb_sc_str *s = bpf_task_storage_get(&strs, t, 0, 0);

		if (s) {
			__u64 len = offsetof(struct srb_sc_str, str);
			__u32 l0 = s->len[0], l1 = s->len[1];

			s->sc.type = SRB_SC_STR;
			s->sc.flags = flags;
			s->sc.nr = nr;
			s->sc.tid = tid;
			s->sc.tgid = tgid;
			s->sc.ts = e->ts;
			s->sc.dur = dur;
			s->sc.ret = ret;
			__builtin_memcpy(s->sc.args, e->args, sizeof(e->args));
			if (l0 > SRB_PATH_MAX) {
				l0 = SRB_PATH_MAX;
			}
			if (l1 > SRB_PATH_MAX) {
				l1 = SRB_PATH_MAX;
			}
			len += l0 + l1;
			if (len > sizeof(*s)) {
				len = sizeof(*s);
			}
			if (bpf_ringbuf_output(&rb, s, len, wake_flags())) {
				count_drop(SRB_DROP_RINGBUF);
			}
			e->ts = 0;
			e->flags &= ~SRB_TF_STR;
			return;
		}
	}
	if (batch_sc(e, tid, tgid, ret, dur, flags)) {
		e->ts = 0;
		return;
	}
	if (capture_args) {
		struct srb_sc *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);

		if (!r) {
			count_drop(SRB_DROP_RINGBUF);
			e->ts = 0;
			return;
		}
		r->type = SRB_SC;
		r->flags = flags;
		r->nr = nr;
		r->tid = tid;
		r->tgid = tgid;
		r->pad = 0;
		r->ts = e->ts;
		r->dur = dur;
		r->ret = ret;
		__builtin_memcpy(r->args, e->args, sizeof(e->args));
		bpf_ringbuf_submit(r, wake_flags());
	} else {
		struct srb_sc_noargs *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);

		if (!r) {
			count_drop(SRB_DROP_RINGBUF);
			e->ts = 0;
			return;
		}
		r->type = SRB_SC_NOARGS;
		r->flags = flags;
		r->nr = nr;
		r->tid = tid;
		r->tgid = tgid;
		r->pad = 0;
		r->ts = e->ts;
		r->dur = dur;
		r->ret = ret;
		bpf_ringbuf_submit(r, wake_flags());
	}
	e->ts = 0;
}

/*
 * Read the path arguments (bits of PATHS) of the syscall in E. Returns how
 * many non-NULL pointers could not be read: a string in a page that is not
 * paged in yet (a fresh .rodata literal) cannot be read here, where
 * faulting is not allowed; the caller then reads again at sys_exit, after
 * the kernel itself faulted the page in.
 */
static __noinline int read_paths(struct task_struct *t, struct srb_task *e, __u32 paths)
{
	struct srb_sc_str *s = bpf_task_storage_get(&strs, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	__u32 n = 0, off = 0;
	int failed = 0;

	if (!s) {
		count_drop(SRB_DROP_STRING);
		return 0;
	}
	s->len[0] = 0;
	s->len[1] = 0;
	for (int i = 0; i < 6; i++) {
		long l;

		if (!(paths & (1u << i)) || n >= SRB_NPATHS) {
			continue;
		}
		/* String 0 starts at 0 and takes at most SRB_PATH_MAX bytes,
		 * so string 1 always fits behind it. */
		if (off > SRB_PATH_MAX) {
			off = SRB_PATH_MAX;
		}
		l = bpf_probe_read_user_str(&s->str[off], SRB_PATH_MAX, (const void *)e->args[i]);
		if (l <= 0) {
			/* NULL or bad pointer: the syscall fails with EFAULT
			 * and the raw argument still tells the story. */
			if (e->args[i]) {
				failed++;
			}
			l = 0;
		}
		s->arg[n & 1] = i;
		s->pad = 0;
		s->len[n & 1] = l;
		off += l;
		n++;
	}
	e->flags |= SRB_TF_STR;
	return failed;
}

/*
 * A 32-bit syscall (a compat-mode task, or int 0x80 from a 64-bit one): its
 * number and arguments follow the i386 ABI; read as x86_64 ones they would
 * invent calls. It is recorded as SRB_COMPAT_BASE + its i386 number, with
 * the i386 argument registers, through the task-storage path. TS_COMPAT is
 * set on the thread for the duration of such a syscall.
 */
#define TS_COMPAT 0x0002
/* Weak: kernels before 6.2 lack it, and then have_rdonly_cast stays 0. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
const volatile __u32 have_rdonly_cast = 0; /* set by user space from the kernel's BTF */

static __always_inline bool compat_syscall(struct task_struct *t)
{
	return t->thread_info.status & TS_COMPAT;
}

/* Is the syscall of the task cached in SLOT (its key matched the current
 * pt_regs, so it is the current task) a 32-bit one? */
static __always_inline bool cached_compat(struct srb_batch_slot *slot)
{
	if (have_rdonly_cast) {
		/* a plain load, no helper call */
		return compat_syscall(bpf_rdonly_cast((void *)slot->task,
						      bpf_core_type_id_kernel(struct task_struct)));
	}
	/* before 6.2: one helper call */
	struct task_struct *ct = (struct task_struct *)slot->task;

	return BPF_CORE_READ(ct, thread_info.status) & TS_COMPAT;
}

/* The six raw arguments of a 32-bit syscall (i386: ebx ecx edx esi edi ebp). */
static __always_inline void syscall_args32(__u64 *args, struct pt_regs *regs)
{
	args[0] = (__u32)regs->bx;
	args[1] = (__u32)regs->cx;
	args[2] = (__u32)regs->dx;
	args[3] = (__u32)regs->si;
	args[4] = (__u32)regs->di;
	args[5] = (__u32)regs->bp;
}

/* The six raw arguments, x86_64 syscall convention. */
static __always_inline void syscall_args(__u64 *args, struct pt_regs *regs)
{
	args[0] = regs->di;
	args[1] = regs->si;
	args[2] = regs->dx;
	args[3] = regs->r10;
	args[4] = regs->r8;
	args[5] = regs->r9;
}

/*
 * Remember in SLOT whether T is traced, so that its next syscalls on this
 * CPU skip the task-storage lookup. Tasks before their exec (PREEXEC) are
 * not cached: only their exec calls count.
 */
static __always_inline void slot_cache(struct srb_batch_slot *slot, struct task_struct *t,
				       __u64 key, struct srb_task *e, __u64 gen)
{
	if (e && (e->flags & SRB_TF_PREEXEC)) {
		return;
	}
	if (!slot_lock(slot)) {
		return;
	}
	/* A syscall in flight here is always its own task's: the switch
	 * program moved any other. Never drop one. */
	if (!slot->pend) {
		slot->key = key;
		slot->task = (__u64)t;
		slot->gen = gen;
		slot->traced = e != 0;
		slot->tid = t->pid;
		slot->tgid = t->tgid;
	}
	slot_unlock(slot);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	struct srb_batch_slot *slot;
	struct task_struct *t;
	struct srb_task *e;
	bool compat, failed = false;
	__u32 info, nr;
	__u64 gen;

	if ((__u64)id >= SRB_MAX_NR) {
		/* x32 calls and numbers no table has: not recorded, but
		 * counted for a traced task (-1 is a call a tracer skipped). */
		if (trace_all && (__u64)id <= 0xffffffffull) {
			t = bpf_get_current_task_btf();
			if (task_state(t, NULL)) {
				count_drop(SRB_DROP_BADNR);
			}
		}
		return 0;
	}
	gen = task_gen;
	slot = cpu_slot();
	if (!slot) {
		return 0;
	}
	/* Fast path: a task this CPU knows, a plain syscall. One helper call
	 * (the clock). */
	if (slot->key == (__u64)regs && slot->gen == gen) {
		if (!slot->traced) {
			if (slot->b.n && slot->flush_gen != flush_gen && slot_lock(slot)) {
				if (slot->b.n) {
					batch_flush(slot, slot->b.n);
				}
				slot_unlock(slot);
			}
			return 0;
		}
		/* 32-bit syscalls take the task-storage path. */
		if (!cached_compat(slot)) {
			/* Syscalls --syscalls leaves out go here; exec calls
			 * are still needed to tell exec's comm change from a
			 * rename. */
			info = nr_info[id];
			if (!(info & (SRB_NI_TRACED | SRB_NI_EXEC))) {
				return 0;
			}
			if (!(info & SRB_NI_SLOW) && slot_lock(slot)) {
				slot->ts = bpf_ktime_get_boot_ns();
				slot->nr = id;
				syscall_args(slot->args, regs);
				slot->pend = 1;
				slot_unlock(slot);
				return 0;
			}
		}
	}
	t = bpf_get_current_task_btf();
	compat = compat_syscall(t);
	nr = compat ? SRB_COMPAT_BASE + id : id;
	info = info_of(nr);
	if (!(info & (SRB_NI_TRACED | SRB_NI_EXEC))) {
		return 0;
	}
	e = task_state(t, &failed);
	if (failed) {
		/* its syscall is lost, and said so; not cached, so the
		 * next one tries again */
		count_drop(SRB_DROP_ENTRY);
		return 0;
	}
	if (slot->key != (__u64)regs || slot->gen != gen) {
		slot_cache(slot, t, (__u64)regs, e, gen);
	}
	if (!e) {
		return 0;
	}
	if (!(info & SRB_NI_TRACED)) {
		if (info & SRB_NI_EXEC) {
			e->flags |= SRB_TF_EXEC;
		}
		return 0;
	}
	/* The launcher's own work between fork and exec is not CMD's. */
	if ((e->flags & SRB_TF_PREEXEC) && !(info & SRB_NI_EXEC)) {
		return 0;
	}
	e->ts = bpf_ktime_get_boot_ns();
	e->nr = nr;
	e->flags &= SRB_TF_PREEXEC;
	if (compat) {
		syscall_args32(e->args, regs);
	} else {
		syscall_args(e->args, regs);
	}
	if ((info & SRB_NI_PATHS) && read_paths(t, e, info & SRB_NI_PATHS)) {
		e->flags |= SRB_TF_STRRETRY;
	}
	if (info & SRB_NI_NORETURN) {
		emit_sc(e, t, 0, 0, SC_NORETURN);
	} else if (info & SRB_NI_EXEC) {
		e->flags |= SRB_TF_EXEC;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct srb_batch_slot *slot = cpu_slot();
	struct task_struct *t;
	struct srb_task *e;
	__u64 now;

	if (!slot) {
		return 0;
	}
	if (slot->key == (__u64)regs) {
		if (slot->pend && slot_lock(slot)) {
			/* Checked again under the lock: the switch program may
			 * have moved it meanwhile. */
			if (slot->pend && slot->key == (__u64)regs) {
				now = bpf_ktime_get_boot_ns();
				slot->pend = 0;
				batch_put(slot, slot->nr, slot->tid, slot->tgid, slot->ts,
					  now - slot->ts, ret, slot->args, 0);
				slot_unlock(slot);
				return 0;
			}
			slot_unlock(slot);
		} else if (!slot->traced && slot->gen == task_gen) {
			return 0;
		}
	}
	t = bpf_get_current_task_btf();
	e = task_state(t, NULL); /* a failure was counted at entry */
	if (!e) {
		return 0;
	}
	if (!e->ts) {
		e->flags &= ~SRB_TF_EXEC;
		return 0;
	}
	now = bpf_ktime_get_boot_ns();
	if (e->flags & SRB_TF_STRRETRY) {
		/* A bad pointer fails with EFAULT: nothing was lost then. */
		if (read_paths(t, e, info_of(e->nr) & SRB_NI_PATHS) && ret != -14) {
			count_drop(SRB_DROP_STRING);
		}
	}
	e->flags &= ~(SRB_TF_EXEC | SRB_TF_STRRETRY);
	emit_sc(e, t, ret, now - e->ts, 0);
	return 0;
}

/*
 * The last counters of a dying process (struct srb_exit_stats), so that its
 * final sample does not depend on seeing its zombie before the parent reaps
 * it. /proc/PID/stat and io sum the signal struct (threads already reaped)
 * and the threads still listed; status shows the leader's context switches.
 * Stage 0 reads the signal struct and the mm while the last thread passes
 * sched_process_exit (exit_mm() comes next); stage 1 adds that thread's own
 * counters at its last context switch, when they stop moving: the exit path
 * after the tracepoint and the switch itself are then counted, as a
 * zombie's /proc shows them. Threads still on their way out when the last
 * one passes the tracepoint are not counted (they have not reached the
 * signal struct yet).
 */
const volatile __u32 exit_stats = 0; /* set when sampling is on */
#define TASK_DEAD 0x80

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct srb_exit_sig);
} exits SEC(".maps");

/* I/O accounting (CONFIG_TASK_IO_ACCOUNTING) and its fields, when the kernel has them. */
static __always_inline bool have_io(void)
{
	return bpf_core_field_exists(struct task_struct, ioac) &&
	       bpf_core_field_exists(struct task_io_accounting, read_bytes);
}

#define IOAC_ADD(dst, ac, f)                                               \
	do {                                                               \
		if (bpf_core_field_exists(struct task_io_accounting, f)) { \
			(dst)->f += (ac)->f;                               \
		}                                                          \
	} while (0)

/* The six /proc/PID/io figures of AC added to DST (a struct srb_exit_counts). */
#define IOAC_ADD_ALL(dst, ac)                \
	do {                                 \
		IOAC_ADD(dst, ac, rchar);       \
		IOAC_ADD(dst, ac, wchar);       \
		IOAC_ADD(dst, ac, syscr);       \
		IOAC_ADD(dst, ac, syscw);       \
		IOAC_ADD(dst, ac, read_bytes);  \
		IOAC_ADD(dst, ac, write_bytes); \
	} while (0)

/* Stage 0's part: the signal struct's sums and the memory figures. */
static __always_inline void exit_sig_read(struct task_struct *p, struct srb_exit_sig *s)
{
	struct signal_struct *sig = p->signal;
	struct mm_struct *mm = p->mm;
	struct srb_exit_counts *c = &s->c;

	c->utime_ns = sig->utime;
	c->stime_ns = sig->stime;
	c->rtime_ns = sig->sum_sched_runtime;
	c->minflt = sig->min_flt;
	c->majflt = sig->maj_flt;
	s->has_io = have_io();
	if (s->has_io) {
		IOAC_ADD_ALL(c, &sig->ioac);
	}
	s->has_mm = 0;
	c->rss = 0;
	/* VmRSS counts file, anon and shmem pages (not swap entries), each
	 * read as /proc reads it: the per-CPU counter's total, at least 0.
	 * Kernels before 6.2 keep other counters here: no figures then. */
	if (mm && bpf_core_field_size(mm->rss_stat) == 4 * sizeof(struct percpu_counter)) {
		s64 n;

		s->has_mm = 1;
		n = mm->rss_stat[0].count; /* MM_FILEPAGES */
		c->rss += n > 0 ? n : 0;
		n = mm->rss_stat[1].count; /* MM_ANONPAGES */
		c->rss += n > 0 ? n : 0;
		n = mm->rss_stat[3].count; /* MM_SHMEMPAGES */
		c->rss += n > 0 ? n : 0;
		c->total_vm = mm->total_vm;
		c->hiwater_rss = mm->hiwater_rss;
		c->hiwater_vm = mm->hiwater_vm;
	}
}

/* Thread T's own counters, which the kernel adds to the signal struct when T is reaped. */
static __always_inline void exit_add_own(struct srb_exit_counts *r, struct task_struct *t, bool io)
{
	r->utime_ns += t->utime;
	r->stime_ns += t->stime;
	r->rtime_ns += t->se.sum_exec_runtime;
	r->minflt += t->min_flt;
	r->majflt += t->maj_flt;
	if (io && bpf_core_field_exists(struct task_struct, ioac)) {
		IOAC_ADD_ALL(r, &t->ioac);
	}
}

/* R = S + the own counters of P and, when P is not the leader, of the
 * leader (a zombie, still listed until its parent reaps the process). */
static __always_inline void exit_stats_fill(struct srb_exit_stats *r, const struct srb_exit_sig *s,
					    struct task_struct *p, __u8 stage)
{
	struct task_struct *leader = p->group_leader;
	struct signal_struct *sig = p->signal;

	r->type = SRB_EXIT_STATS;
	r->stage = stage;
	r->has_mm = s->has_mm;
	r->has_io = s->has_io;
	r->tgid = p->tgid;
	r->c = s->c;
	r->prev_utime_ns = sig->prev_cputime.utime;
	r->prev_stime_ns = sig->prev_cputime.stime;
	exit_add_own(&r->c, p, s->has_io);
	if (leader && leader != p) {
		exit_add_own(&r->c, leader, s->has_io);
	}
	r->nvcsw = leader ? leader->nvcsw : p->nvcsw;
	r->nivcsw = leader ? leader->nivcsw : p->nivcsw;
}

/* Stage 1, from sched_switch: PREV (TASK_DEAD) leaves its CPU for the last time. */
static __noinline void exit_stats_end(struct task_struct *prev)
{
	struct srb_exit_sig *s = bpf_task_storage_get(&exits, prev, 0, 0);
	struct srb_exit_stats *r;

	if (!s || s->done) {
		return;
	}
	s->done = 1;
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		count_drop(SRB_DROP_RINGBUF);
		return;
	}
	exit_stats_fill(r, s, prev, 1);
	bpf_ringbuf_submit(r, wake_flags());
}

/*
 * A task leaves this CPU: a syscall of it still in flight in the slot goes
 * to its task storage, where sys_exit finds it wherever the task resumes.
 * A CPU going idle, or switching while user space asks for a flush, hands
 * over its partly filled batch, so that records do not wait there for the
 * CPU's next traced syscall (untraced ones also hand it over, below). Runs
 * at every context switch of the host; most leave after a few loads.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct srb_batch_slot *slot = cpu_slot();
	bool move, flush;
	struct srb_task *e;

	if (!slot) {
		return 0;
	}
	if (exit_stats && (prev->__state & TASK_DEAD)) {
		exit_stats_end(prev);
	}
	move = slot->pend && slot->task == (__u64)prev;
	flush = slot->b.n && (next->pid == 0 || slot->flush_gen != flush_gen);
	if (!move && !flush) {
		return 0;
	}
	/* Held: PREV was preempted inside a program and resumes on this CPU
	 * (programs run with migration disabled), where it finishes. */
	if (!slot_lock(slot)) {
		return 0;
	}
	if (slot->pend && slot->task == (__u64)prev) {
		/* No allocation here, under the runqueue lock: a task the
		 * slot caches as traced got its storage in task_state(). */
		e = bpf_task_storage_get(&tasks, prev, 0, 0);
		if (e) {
			e->ts = slot->ts;
			e->nr = slot->nr;
			__builtin_memcpy(e->args, slot->args, sizeof(e->args));
		} else {
			count_drop(SRB_DROP_ENTRY);
		}
		slot->pend = 0;
	}
	if (flush && slot->b.n) {
		batch_flush(slot, slot->b.n);
	}
	slot_unlock(slot);
	return 0;
}

/* A task moved between cgroups: cached decisions of --cgroup may be stale. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(cgroup_attach, struct cgroup *dst, const char *path, struct task_struct *task)
{
	task_gen_bump();
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_fork, struct task_struct *parent, struct task_struct *child)
{
	struct srb_task *pe;
	struct srb_fork *r;
	__u32 ctgid, ctid;
	__u64 flags = 0;

	if (!task_followed(parent)) {
		return 0;
	}
	ctgid = child->tgid;
	ctid = child->pid;
	if (mode == SRB_MODE_PIDS) {
		if (!bpf_task_storage_get(&tasks, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE)) {
			count_drop(SRB_DROP_ENTRY);
		}
		if (ctgid == ctid) {
			__u8 one = 1;

			bpf_map_update_elem(&tgids, &ctgid, &one, BPF_ANY);
		}
	}
	/* The tracepoint does not carry the clone flags: take them from the
	 * parent's syscall in flight. */
	pe = bpf_task_storage_get(&tasks, parent, 0, 0);
	if (pe && pe->ts) {
		__u32 info = info_of(pe->nr);

		if (info & SRB_NI_CLONE) {
			flags = pe->args[0];
		} else if (info & SRB_NI_CLONE3) {
			bpf_probe_read_user(&flags, sizeof(flags), (const void *)pe->args[0]);
		} else if (info & SRB_NI_FORK) {
			flags = 17; /* SIGCHLD */
		} else if (info & SRB_NI_VFORK) {
			flags = 0x4000 | 0x100 | 17; /* CLONE_VFORK | CLONE_VM | SIGCHLD */
		}
	}
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		count_drop(SRB_DROP_RINGBUF);
		return 0;
	}
	r->type = SRB_FORK;
	r->is_thread = ctgid != ctid;
	r->pad = 0;
	r->tid = ctid;
	r->tgid = ctgid;
	r->parent_tid = parent->pid;
	r->parent_tgid = parent->tgid;
	r->pad2 = 0;
	r->ts = bpf_ktime_get_boot_ns();
	r->clone_flags = flags;
	r->cgroup_id = bpf_get_current_cgroup_id();
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), child->comm);
	bpf_ringbuf_submit(r, wake_flags());
	return 0;
}

/*
 * The path of a successful exec call that was not paged in at sys_enter
 * (fresh_path_string): there is no sys_exit to read it again at, and the
 * caller's memory is gone already. For execve (the path is argument 0) the
 * kernel's copy, bprm->filename, is the same string; execveat's may be
 * "/dev/fd/N/..." instead, so its path counts as lost.
 */
static __always_inline void exec_path_retry(struct task_struct *t, struct srb_task *e,
					    struct linux_binprm *bprm)
{
	struct srb_sc_str *s = bpf_task_storage_get(&strs, t, 0, 0);
	long l = 0;

	e->flags &= ~SRB_TF_STRRETRY;
	if (s && (info_of(e->nr) & SRB_NI_PATHS) == 1 && !s->len[0]) {
		l = bpf_probe_read_kernel_str(s->str, SRB_PATH_MAX, bprm->filename);
		if (l > 0) {
			s->arg[0] = 0;
			s->len[0] = l;
		}
	}
	if (l <= 0) {
		count_drop(SRB_DROP_STRING);
	}
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct srb_task *e;
	struct srb_exec *r;
	unsigned long as, ae;
	__u64 n;

	/* Exec changes a thread's tid (de_thread) and ends PREEXEC. */
	task_gen_bump();
	e = task_state(p, NULL);
	if (!e) {
		return 0;
	}
	e->flags &= ~(SRB_TF_PREEXEC | SRB_TF_EXEC);
	/* The successful execve never returns to its caller: record it now. */
	if (e->ts && (info_of(e->nr) & SRB_NI_EXEC)) {
		if (e->flags & SRB_TF_STRRETRY) {
			exec_path_retry(p, e, bprm);
		}
		emit_sc(e, p, 0, 0, SC_NORETURN);
	}
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		count_drop(SRB_DROP_RINGBUF);
		return 0;
	}
	r->type = SRB_EXEC;
	r->tid = (__u32)pid_tgid;
	r->tgid = pid_tgid >> 32;
	r->old_tid = old_pid;
	r->ts = bpf_ktime_get_boot_ns();
	r->pad = 0;
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), p->comm);
	n = bpf_probe_read_kernel_str(r->fname, sizeof(r->fname), bprm->filename);
	r->fname_len = (long)n > 0 ? n : 0;
	as = BPF_CORE_READ(p, mm, arg_start);
	ae = BPF_CORE_READ(p, mm, arg_end);
	n = ae > as ? ae - as : 0;
	r->argv_truncated = n > SRB_ARGV_MAX;
	if (n > SRB_ARGV_MAX) {
		n = SRB_ARGV_MAX;
	}
	if (bpf_probe_read_user(r->argv, n, (const void *)as)) {
		n = 0;
	}
	r->argv_len = n;
	bpf_ringbuf_submit(r, wake_flags());
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *p, bool group_dead)
{
	struct srb_exit *r;
	__u32 tgid = p->tgid;
	bool stats;
	__u64 size;

	/* The task_struct may be reused: no slot may keep it cached. */
	task_gen_bump();
	if (!task_followed(p)) {
		return 0;
	}
	if (group_dead && mode == SRB_MODE_PIDS) {
		bpf_map_delete_elem(&tgids, &tgid);
	}
	/* The last thread's exit carries stage 0 of the process's stats. */
	stats = group_dead && exit_stats;
	size = stats ? sizeof(struct srb_exit_full) : sizeof(struct srb_exit);
	r = bpf_ringbuf_reserve(&rb, size, 0);
	if (!r) {
		count_drop(SRB_DROP_RINGBUF);
		return 0;
	}
	r->type = SRB_EXIT;
	r->group_dead = group_dead;
	r->pad = 0;
	r->tid = p->pid;
	r->tgid = tgid;
	r->exit_code = p->exit_code;
	r->ts = bpf_ktime_get_boot_ns();
	if (stats) {
		struct srb_exit_full *f = (struct srb_exit_full *)r;
		struct srb_exit_sig sig = {};
		struct srb_exit_sig *s;

		exit_sig_read(p, &sig);
		exit_stats_fill(&f->st, &sig, p, 0);
		/* kept for stage 1; without room, stage 0 is all there is */
		s = bpf_task_storage_get(&exits, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (s) {
			*s = sig;
		}
	}
	bpf_ringbuf_submit(r, wake_flags());
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(task_rename, struct task_struct *t, const char *comm)
{
	struct srb_task *e;
	struct srb_comm *r;

	if (!task_followed(t)) {
		return 0;
	}
	/* exec renames the task too; the EXEC event carries that comm. */
	e = bpf_task_storage_get(&tasks, t, 0, 0);
	if (e && (e->flags & SRB_TF_EXEC)) {
		return 0;
	}
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		count_drop(SRB_DROP_RINGBUF);
		return 0;
	}
	r->type = SRB_COMM;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
	r->tid = t->pid;
	r->tgid = t->tgid;
	r->pad2 = 0;
	r->ts = bpf_ktime_get_boot_ns();
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), comm);
	bpf_ringbuf_submit(r, wake_flags());
	return 0;
}
