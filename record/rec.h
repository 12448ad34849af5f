/* SPDX-License-Identifier: MIT */
/* Internals of `sysrec record`: BPF loader, event consumer, launcher, loop. */
#ifndef SYSREC_REC_H
#define SYSREC_REC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sysrec.h"
#include "sysrec_bpf.h"

/* ---- rec_bpf.c: the kernel side ---- */

struct rec_bpf_cfg {
	enum srb_mode mode;
	uint64_t cgroup_id;
	bool capture_args;
	bool trace_all;     /* no --syscalls filter */
	uint64_t ring_bytes;
	bool exit_stats;    /* send a process's last counters (SRB_EXIT_STATS) */
	/* nr_info[nr]: SRB_NI_* bits (traced, path args, special syscalls);
	 * nr_info32 for 32-bit (i386) syscalls on x86_64 */
	uint16_t nr_info[SRB_MAX_NR];
	uint16_t nr_info32[SRB_MAX_NR];
};

struct rec_bpf;

/* Called for every record; returns 0 to go on. */
typedef int (*rec_event_fn)(void *ctx, const void *data, size_t size);

/* Load and attach. On failure returns NULL with a message in ERR. */
struct rec_bpf *rec_bpf_open(const struct rec_bpf_cfg *cfg, rec_event_fn fn, void *ctx,
			     char *err, size_t errlen);
void rec_bpf_close(struct rec_bpf *b);
/* Stop the programs (the maps stay readable). */
void rec_bpf_detach(struct rec_bpf *b);
int rec_bpf_epoll_fd(struct rec_bpf *b);
/* Consume everything available; returns records consumed or -errno. */
int rec_bpf_drain(struct rec_bpf *b);
/* Ask the programs to hand over partly filled batches (at their next syscall). */
void rec_bpf_flush_batches(struct rec_bpf *b);
/* After rec_bpf_detach(): the records still waiting in the per-CPU batches. */
int rec_bpf_drain_batches(struct rec_bpf *b);
/* Follow process TGID (SRB_MODE_PIDS): the tgid map. */
int rec_bpf_follow_tgid(struct rec_bpf *b, int tgid);
/*
 * Mark one thread as traced (SRB_MODE_PIDS), through a pidfd. PREEXEC: the
 * launched CMD, whose syscalls count from its first execve on.
 */
int rec_bpf_follow_tid(struct rec_bpf *b, int tid, bool preexec);

struct rec_drop {
	int cpu;
	int where;          /* enum srb_drop */
	uint64_t count;     /* new drops since the last call */
	uint64_t first_ns, last_ns;
};
/* New drops since the last call: calls FN for each (cpu, where) with some. */
int rec_bpf_read_drops(struct rec_bpf *b, void (*fn)(void *ctx, const struct rec_drop *d),
		       void *ctx);
uint64_t rec_bpf_total_drops(struct rec_bpf *b);
/*
 * The syscall in flight on thread TID, if any (after rec_bpf_detach).
 * Returns 1 and fills SC (strings in STRBUF) when there is one, 0 when none,
 * -errno when the thread is gone.
 */
int rec_bpf_inflight(struct rec_bpf *b, int tid, struct sr_syscall *sc, struct srb_sc_str *strbuf);

/* ---- rec_pidset.c: processes being followed, seen from user space ---- */

struct pidset {
	int32_t *slot; /* 0 = empty, -1 = deleted */
	uint32_t cap, used, live;
};
bool pidset_add(struct pidset *s, int32_t pid);    /* true when newly added */
bool pidset_del(struct pidset *s, int32_t pid);
bool pidset_has(const struct pidset *s, int32_t pid);
/* Iterate: *pos starts at 0; returns 0 at the end. */
int32_t pidset_next(const struct pidset *s, uint32_t *pos);
void pidset_free(struct pidset *s);

/*
 * The last memory figures seen of each process, and when: for a final
 * sample when the kernel could not read them at the exit (no mm left).
 */
struct pidmem_ent {
	int32_t pid;        /* 0 = empty, -1 = deleted */
	uint32_t pad;
	uint64_t rss_kb, vm_size_kb, vm_peak_kb, vm_hwm_kb;
	uint64_t ts;        /* of that sample */
};
struct pidmem {
	struct pidmem_ent *ent;
	uint32_t cap, used, live;
};
struct pidmem_ent *pidmem_get(const struct pidmem *m, int32_t pid); /* NULL: none */
struct pidmem_ent *pidmem_put(struct pidmem *m, int32_t pid);       /* NULL: no memory */
void pidmem_del(struct pidmem *m, int32_t pid);
void pidmem_free(struct pidmem *m);

/* ---- rec_launch.c ---- */

struct rec_launch {
	pid_t pid;
	int go_fd;         /* write end: one byte lets the child exec */
};
/*
 * Fork CMD, stopped before exec until rec_launch_go(). USER (or SUDO_UID when
 * NULL and running under sudo) is applied in the child only.
 */
int rec_launch_start(struct rec_launch *l, char **cmd, const char *user, char *err, size_t n);
int rec_launch_go(struct rec_launch *l);
/* Resolve the target user before forking: 0, or -1 with ERR set. */
int rec_launch_check_user(const char *user, char *err, size_t n);

/* ---- rec_session.c: one recording ---- */

struct rec_opts {
	int argc;                  /* the recorder's own command line, for the header */
	char **argv;
	const char *output;        /* "-" = stdout */
	bool output_named;         /* -o given (else a default name was made up) */
	char **cmd;                /* -- CMD ARGS (NULL-terminated), or NULL */
	int *pids;                 /* -p */
	int npids;
	bool all;                  /* -a */
	const char *cgroup;        /* --cgroup as typed */
	uint64_t cgroup_id;
	char *cgroup_path;         /* relative to the cgroup2 mount, e.g. "/foo" */
	uint64_t duration_ns;      /* 0 = until stopped */
	char **syscalls;           /* --syscalls items, for the header */
	int nsyscalls;
	bool no_args;
	uint64_t sample_ns;
	uint64_t buffer_size;
	uint64_t max_size;
	unsigned rotate;
	int level;
	bool quiet;
	bool wait_descendants;     /* -- CMD: go on until its descendants exit too */
	const char *user;
	uint16_t nr_info[SRB_MAX_NR];
	uint16_t nr_info32[SRB_MAX_NR]; /* the same for 32-bit (i386) syscalls on x86_64 */
};

/* Run the recording; returns the exit status of `sysrec record`. */
int rec_run(struct rec_opts *o);

#endif
