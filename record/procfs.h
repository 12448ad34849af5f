/* SPDX-License-Identifier: MIT */
/*
 * /proc readers of the recorder: per-process resource samples, host CPU,
 * process table entries, pid/tid enumeration and cgroup v2 lookups.
 *
 * The sample and hostcpu readers sit on the recorder's hot path (every
 * tracked process, every sample interval): each file is read with one
 * open/read/close into a stack buffer and parsed by hand; nothing is
 * allocated. Errors are negative errno values; -ESRCH means the process is
 * gone (reaped). A zombie still has a stat file, but the kernel no longer
 * shows its memory figures or fds: those fields are then 0.
 */
#ifndef SYSREC_PROCFS_H
#define SYSREC_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "sysrec.h"

/* One sample of PID at TS (boot-time ns, caller's clock): 0 or -errno. */
int procfs_read_sample(int pid, uint64_t ts, struct sr_sample *out);
/*
 * Sampling one process again and again: its /proc files stay open and are
 * re-read with pread, which costs about half of procfs_read_sample() and
 * stays bound to that process (a recycled pid cannot be sampled by mistake:
 * once the process is reaped, samples return -ESRCH). Four descriptors per
 * process. procfs_handle_close() of a closed or failed handle is a no-op.
 */
struct procfs_handle {
	int pid;
	int stat_fd, status_fd, io_fd, fd_dir;
};
int procfs_handle_open(int pid, struct procfs_handle *h); /* 0, -ESRCH, -EMFILE, ... */
int procfs_handle_sample(const struct procfs_handle *h, uint64_t ts, struct sr_sample *out);
void procfs_handle_close(struct procfs_handle *h);

/* Host CPU ticks from the first line of /proc/stat. */
int procfs_read_hostcpu(uint64_t ts, struct sr_hostcpu *out);

/*
 * A process table entry. The strings info points at belong to the struct:
 * they stay valid until procfs_proc_release(). procfs_read_info() starts
 * from a cleared struct, so release a filled one before reusing it.
 */
struct procfs_proc {
	struct sr_procinfo info;
	char comm[64];
	char *exe;
	char *cgroup_path;
	char *cmdbuf;       /* /proc/PID/cmdline, NUL-separated */
	const char **argv;  /* pointers into cmdbuf */
};

/*
 * pid, ppid, uid (real), nthreads, comm, exe, cmdline, cgroup v2 id and path,
 * start_ns (boot-time ns). Missing pieces (a kernel thread's exe, a zombie's
 * cmdline) are empty strings. 0, -ESRCH, or -ENOMEM.
 */
int procfs_read_info(int pid, struct procfs_proc *p);
void procfs_proc_release(struct procfs_proc *p); /* NULL or cleared: no-op */

/*
 * Call CB for every process (numeric entry of /proc) or every thread of PID.
 * A non-zero return of CB stops the walk and is returned; otherwise 0, or
 * -errno when the directory cannot be read (-ESRCH: no such process).
 */
int procfs_list_pids(int (*cb)(int pid, void *arg), void *arg);
int procfs_list_tids(int pid, int (*cb)(int tid, void *arg), void *arg);

/*
 * cgroup v2 path of PID (the "0::" line of /proc/PID/cgroup, e.g. "/" or
 * "/system.slice/foo.service"). 0, -ESRCH, -ENOENT (no v2 hierarchy), or
 * -ENAMETOOLONG when BUF is too small.
 */
int procfs_cgroup_path(int pid, char *buf, size_t n);
/*
 * cgroup v2 id (the inode of the cgroup directory: what
 * bpf_get_current_cgroup_id() returns) of PATH. PATH is either a directory
 * on the cgroup2 mount ("/sys/fs/cgroup/unified/foo") or a path relative to
 * that mount, with or without a leading '/' ("/foo" as in /proc/PID/cgroup).
 */
int procfs_cgroup_id(const char *path, uint64_t *id);
/* Mount point of the cgroup2 hierarchy (from /proc/self/mountinfo), or NULL. */
const char *procfs_cgroup2_mount(void);

#endif
