/* SPDX-License-Identifier: MIT */
/*
 * Records shared by the BPF programs (record/sysrec.bpf.c) and the user-space
 * consumer (record/rec_*.c). Fixed-width fields, padding written out, one
 * _Static_assert per size so both compilers agree on every byte.
 */
#ifndef SYSREC_BPF_H
#define SYSREC_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SRB_MAX_NR 512          /* syscall numbers the bitmaps cover */
/* On x86_64, a 32-bit (i386) syscall n is recorded as number SRB_COMPAT_BASE + n. */
#define SRB_COMPAT_BASE 1024
#define SRB_PATH_MAX 256        /* bytes kept of one path argument (with NUL) */
#define SRB_NPATHS 2            /* path arguments kept per syscall */
#define SRB_ARGV_MAX 2048       /* bytes kept of execve's argv block */
#define SRB_FNAME_MAX 256
#define SRB_COMM_LEN 16

/* nr_info[nr] bits, filled by user space (rec_bpf.c) from the syscall tables. */
#define SRB_NI_PATHS 0x3fu      /* bit i: argument i is a path */
#define SRB_NI_TRACED 0x100u    /* passes --syscalls */
#define SRB_NI_NORETURN 0x200u  /* exit, exit_group: recorded at entry */
#define SRB_NI_EXEC 0x400u      /* execve, execveat: recorded at sched_process_exec */
#define SRB_NI_CLONE 0x800u     /* clone: flags in arg 0 */
#define SRB_NI_CLONE3 0x1000u   /* clone3: flags in the user struct at arg 0 */
#define SRB_NI_FORK 0x2000u
#define SRB_NI_VFORK 0x4000u
/* Bits that need the task-storage path (strings, fork flags, exec, no return). */
#define SRB_NI_SLOW (SRB_NI_PATHS | SRB_NI_NORETURN | SRB_NI_EXEC | SRB_NI_CLONE | \
		     SRB_NI_CLONE3 | SRB_NI_FORK | SRB_NI_VFORK)

/* How the kernel side decides that a task is traced (rodata, fixed at load). */
enum srb_mode {
	SRB_MODE_PIDS = 0,   /* launched command or -p: tasks marked in task storage */
	SRB_MODE_ALL = 1,    /* every task except the recorder's own process */
	SRB_MODE_CGROUP = 2, /* tasks whose cgroup v2 id equals cgroup_id */
};

/* Record types in the ring buffer (first byte of every record). */
enum srb_type {
	SRB_SC = 1,      /* syscall, joined entry/exit, args */
	SRB_SC_NOARGS,   /* syscall without args (--no-args) */
	SRB_SC_STR,      /* syscall with args and path strings */
	SRB_FORK,
	SRB_EXEC,
	SRB_EXIT,
	SRB_COMM,
	SRB_BATCH,       /* srb_batch: n srb_sc records */
	SRB_EXIT_STATS,  /* srb_exit_stats: a process's last counters */
};

/* Drop counters, per CPU (index = where, matches enum sr_loss_where). */
enum srb_drop {
	SRB_DROP_RINGBUF = 1,
	SRB_DROP_ENTRY = 2,
	SRB_DROP_STRING = 3,
	SRB_DROP_BADNR = 5, /* 4 is the writer's, in user space */
	SRB_NDROP = 6,
};

struct srb_drops {
	__u64 count;     /* cumulative */
	__u64 first_ns;  /* first drop of epoch `epoch` */
	__u64 last_ns;
	__u64 epoch;     /* drop_epoch when first_ns was taken */
};

/* Per-task state (task storage): presence means "traced" in SRB_MODE_PIDS. */
struct srb_task {
	__u64 ts;           /* entry time of the syscall in flight; 0 = none */
	__u64 args[6];
	__u32 nr;
	__u32 flags;        /* SRB_TF_* */
};
_Static_assert(sizeof(struct srb_task) == 64, "srb_task size");

#define SRB_TF_STR 1u       /* path strings of the current syscall are in srb_strs */
#define SRB_TF_EXEC 2u      /* an execve is in flight: its comm change is not a COMM event */
#define SRB_TF_PREEXEC 4u   /* launched CMD before its execve: only exec calls count */
#define SRB_TF_STRRETRY 8u  /* a path was not paged in at entry: read again at exit */

struct srb_sc {
	__u8 type;          /* SRB_SC */
	__u8 flags;         /* SR_SC_* */
	__u16 nr;
	__u32 tid;
	__u32 tgid;
	__u32 pad;
	__u64 ts;
	__u64 dur;
	__s64 ret;
	__u64 args[6];
};
_Static_assert(sizeof(struct srb_sc) == 88, "srb_sc size");

struct srb_sc_noargs {
	__u8 type;          /* SRB_SC_NOARGS */
	__u8 flags;
	__u16 nr;
	__u32 tid;
	__u32 tgid;
	__u32 pad;
	__u64 ts;
	__u64 dur;
	__s64 ret;
};
_Static_assert(sizeof(struct srb_sc_noargs) == 40, "srb_sc_noargs size");

/*
 * A syscall with path strings: the srb_sc part, then the strings back to back
 * (len[i] bytes each, NUL included; 0 = not read). Emitted with
 * bpf_ringbuf_output() so only the used bytes travel.
 */
struct srb_sc_str {
	struct srb_sc sc;
	__u8 arg[SRB_NPATHS];   /* argument index of string i */
	__u16 len[SRB_NPATHS];  /* bytes of string i, NUL included; 0 = none */
	__u16 pad;
	char str[SRB_NPATHS * SRB_PATH_MAX];
};
_Static_assert(sizeof(struct srb_sc_str) == 88 + 8 + 512, "srb_sc_str size");

/*
 * Plain syscall records are gathered per CPU and handed to the ring buffer
 * SRB_BATCH at a time: one reservation and one copy per batch instead of
 * per syscall. User space reads what is left in the batches at stop.
 */
#define SRB_BATCH 32

struct srb_batch {
	__u8 type;          /* SRB_BATCH */
	__u8 pad[3];
	__u32 n;            /* records used */
	struct srb_sc rec[SRB_BATCH];
};
_Static_assert(sizeof(struct srb_batch) == 8 + SRB_BATCH * 88, "srb_batch size");

/*
 * The per-CPU slot: the batch, and the fast path's state. `key` caches
 * whether the task that last ran a syscall on this CPU is traced, valid
 * while `gen` equals the programs' task_gen (bumped at every exit, exec,
 * cgroup move and change of the traced set). A plain syscall of a cached
 * traced task is kept here from entry to exit (`pend`), so neither end
 * needs a helper call to find its task (the syscall tracepoints' pt_regs,
 * at the top of the task's kernel stack, identify it) nor the task-storage
 * lookup; sched_switch moves it to task storage when
 * its task leaves the CPU, so whatever runs next finds the slot free.
 * Every writer holds `busy` (an atomic xchg): a task preempted inside a
 * program keeps the others out, and they take the task-storage path.
 */
struct srb_batch_slot {
	__u64 busy;         /* taken with an atomic xchg */
	__u64 flush_gen;    /* flush_gen seen at the last flush */
	__u64 key;          /* its pt_regs address, unique per live task; 0 = none */
	__u64 task;         /* cached task_struct address */
	__u64 gen;          /* task_gen when `task` was cached */
	__u32 traced;       /* the cached task is traced and plain (no SRB_TF_PREEXEC) */
	__u32 pend;         /* a syscall of `task` is in flight: ts, nr, args */
	__u32 tid;          /* of the cached task */
	__u32 tgid;
	__u64 ts;
	__u64 args[6];
	__u32 nr;
	__u32 pad;
	struct srb_batch b;
};

struct srb_fork {
	__u8 type;          /* SRB_FORK */
	__u8 is_thread;
	__u16 pad;
	__u32 tid;          /* child */
	__u32 tgid;
	__u32 parent_tid;
	__u32 parent_tgid;
	__u32 pad2;
	__u64 ts;
	__u64 clone_flags;
	__u64 cgroup_id;
	char comm[SRB_COMM_LEN];
};
_Static_assert(sizeof(struct srb_fork) == 64, "srb_fork size");

struct srb_exec {
	__u8 type;          /* SRB_EXEC */
	__u8 argv_truncated;
	__u16 fname_len;    /* bytes of filename, NUL included */
	__u32 tid;
	__u32 tgid;
	__u32 old_tid;      /* tid before exec (a non-leader thread that exec'd) */
	__u64 ts;
	__u32 argv_len;     /* bytes of the NUL-separated argv block */
	__u32 pad;
	char comm[SRB_COMM_LEN];
	char fname[SRB_FNAME_MAX];
	char argv[SRB_ARGV_MAX];
};
_Static_assert(sizeof(struct srb_exec) == 32 + 16 + 256 + 2048, "srb_exec size");

struct srb_exit {
	__u8 type;          /* SRB_EXIT */
	__u8 group_dead;
	__u16 pad;
	__u32 tid;
	__u32 tgid;
	__s32 exit_code;    /* task->exit_code: wait status encoding */
	__u64 ts;
};
_Static_assert(sizeof(struct srb_exit) == 24, "srb_exit size");

/*
 * The last counters of a process, for its final sample: what /proc/PID
 * would show of its zombie, which its parent may reap before user space
 * looks. Sent twice when sampling is on. When its last thread passes
 * sched_process_exit (stage 0, after the SRB_EXIT record): the memory
 * figures, read from its mm, which exit_mm() drops right after, and the
 * counters so far. From that thread's last context switch (stage 1): the
 * same with that thread's own counters final (the exit path after the
 * tracepoint, the switch itself). Times in ns, memory in pages.
 */
/* What a thread group's counters add up to (signal struct, then the
 * whole group's total), and the memory figures of its mm. */
struct srb_exit_counts {
	__u64 utime_ns, stime_ns, rtime_ns; /* tick samples, sum_exec_runtime */
	__u64 minflt, majflt;
	__u64 rchar, wchar, syscr, syscw, read_bytes, write_bytes;
	__u64 rss, total_vm, hiwater_rss, hiwater_vm;
};

struct srb_exit_stats {
	__u8 type;          /* SRB_EXIT_STATS */
	__u8 stage;         /* 0: at the exit tracepoint, 1: at the last switch */
	__u8 has_mm;        /* the memory figures were read */
	__u8 has_io;        /* the kernel keeps I/O accounting */
	__u32 tgid;
	/* thread group totals as /proc/PID/stat and io sum them: the signal
	 * struct (threads already reaped) plus the exiting thread and, when
	 * it is another, the thread group leader */
	struct srb_exit_counts c;
	__u64 prev_utime_ns, prev_stime_ns; /* signal->prev_cputime */
	/* the thread group leader's own, as /proc/PID/status shows them */
	__u64 nvcsw, nivcsw;
};
_Static_assert(sizeof(struct srb_exit_stats) == 8 + 19 * 8, "srb_exit_stats size");

/* A process's last thread's exit: the record with stage 0 behind it. */
struct srb_exit_full {
	struct srb_exit e;
	struct srb_exit_stats st;
};

/* Kept in task storage from stage 0 to stage 1: the signal struct's part. */
struct srb_exit_sig {
	struct srb_exit_counts c;
	__u8 has_mm, has_io, done;
	__u8 pad[5];
};

struct srb_comm {
	__u8 type;          /* SRB_COMM */
	__u8 pad[3];
	__u32 tid;
	__u32 tgid;
	__u32 pad2;
	__u64 ts;
	char comm[SRB_COMM_LEN];
};
_Static_assert(sizeof(struct srb_comm) == 40, "srb_comm size");

#endif
