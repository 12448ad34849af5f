/* SPDX-License-Identifier: MIT */
/*
 * libsysrec: the one library that reads and writes sysrec trace bytes.
 *
 * It never prints and never exits. Every function that can fail returns an
 * enum sr_status and, when given one, fills a struct sr_error with the file
 * offset, frame number and a message. See formats/FORMAT.md for the bytes.
 *
 * Event structs below are plain C views of the protobuf messages in
 * formats/sysrec.proto. Strings and arrays handed out by the reader belong to
 * the reader and stay valid until the next call of sr_reader_next().
 */
#ifndef SYSREC_H
#define SYSREC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "sysrec.pb-c.h" /* generated from formats/sysrec.proto */

#ifdef __cplusplus
extern "C" {
#endif

#define SR_FORMAT_VERSION 1
#define SR_FORMAT_MINOR 1
#define SR_MAGIC "\x89SYSREC\n" /* 8 bytes, followed by u32 version, u32 flags */
#define SR_PREAMBLE_SIZE 16
#define SR_FRAME_HEADER_SIZE 8  /* u32 payload length, u32 CRC-32 of payload */
#define SR_TRAILER_SIZE 16      /* u32 0, "SRIX", u64 offset of the index frame */
#define SR_MAX_FRAME (64u << 20) /* largest payload a reader accepts */

enum sr_status {
	SR_OK = 0,
	SR_END,       /* no more events */
	SR_TRUNCATED, /* the file ends inside a frame */
	SR_CORRUPT,   /* bad checksum, length, zstd or protobuf data */
	SR_IO,        /* read/write/open failed (errno in sr_error.sys_errno) */
	SR_NOMEM,
	SR_VERSION,   /* not a sysrec file, or a newer major version */
	SR_INVALID,   /* bad argument from the caller */
};

struct sr_error {
	enum sr_status status;
	int sys_errno;    /* errno for SR_IO, else 0 */
	uint64_t offset;  /* file offset where the problem is */
	uint64_t frame;   /* frame number (0 = first frame after the preamble) */
	char msg[256];    /* what went wrong, without the file name */
};

const char *sr_status_str(enum sr_status st);

/* ---- events ---- */

enum sr_event_type {
	SR_EV_SYSCALL = 1,
	SR_EV_PROCESS,   /* fork, exec, exit, comm, cgroup */
	SR_EV_SAMPLE,    /* /proc sample of one process */
	SR_EV_HOSTCPU,   /* host CPU sample */
	SR_EV_LOSS,
	SR_EV_PROCINFO,  /* a process table entry (process present at start / imported) */
};

#define SR_SC_UNFINISHED 1u /* still in flight when recording stopped */
#define SR_SC_NORETURN 2u   /* never returned (exit, exit_group, successful execve) */

struct sr_syscall {
	uint64_t ts;       /* entry, boot-time ns */
	uint64_t duration; /* ns; 0 when unfinished or noreturn */
	uint32_t tid;
	uint32_t tgid;
	uint32_t nr;
	uint32_t flags;    /* SR_SC_* */
	int64_t ret;
	bool has_args;
	uint64_t args[6];
	const char *str[6]; /* string read for argument i (a path), or NULL */
};

enum sr_proc_kind {
	SR_PROC_FORK = 1,
	SR_PROC_EXEC = 2,
	SR_PROC_EXIT = 3,
	SR_PROC_COMM = 4,
	SR_PROC_CGROUP = 5,
};

struct sr_proc_event {
	uint64_t ts;
	enum sr_proc_kind kind;
	int32_t tid;
	int32_t pid;
	int32_t parent_tid;
	int32_t parent_pid;
	uint64_t clone_flags;
	bool is_thread;
	const char *filename;      /* EXEC */
	const char *const *argv;   /* EXEC, argc entries */
	uint32_t argc;
	bool argv_truncated;
	int32_t exit_code;         /* EXIT */
	int32_t exit_signal;
	bool core_dumped;
	bool group_dead;
	const char *comm;          /* EXEC, COMM, FORK (may be NULL) */
	uint64_t cgroup_id;        /* CGROUP */
	const char *cgroup_path;
};

struct sr_sample {
	uint64_t ts;
	int32_t pid;
	bool final;
	uint32_t threads;
	uint32_t fds;
	uint64_t utime_ticks, stime_ticks;
	uint64_t rss_kb, vm_peak_kb, vm_hwm_kb, vm_size_kb;
	uint64_t minflt, majflt;
	uint64_t syscr, syscw, rchar, wchar, read_bytes, write_bytes;
	uint64_t vol_ctxsw, invol_ctxsw;
};

struct sr_hostcpu {
	uint64_t ts;
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

enum sr_loss_where {
	SR_LOSS_UNKNOWN = 0,
	SR_LOSS_RINGBUF = 1,
	SR_LOSS_ENTRY_TABLE = 2,
	SR_LOSS_STRING = 3,
	SR_LOSS_WRITER = 4,
	SR_LOSS_BADNR = 5, /* a syscall number outside the ABI's table (x32, invalid) */
};

struct sr_loss {
	uint64_t first_ns;
	uint64_t last_ns;
	int32_t cpu; /* -1 = not per CPU */
	uint64_t count;
	enum sr_loss_where where;
};

struct sr_procinfo {
	int32_t pid;
	int32_t ppid;
	uint32_t uid;
	uint32_t nthreads;
	const char *comm;
	const char *exe;
	const char *const *cmdline;
	uint32_t cmdline_len;
	uint64_t cgroup_id;
	const char *cgroup_path;
	uint64_t start_ns;
	const char *label;   /* dataset label or NULL */
	const char *source;  /* imported from (file name) or NULL */
};

struct sr_event {
	enum sr_event_type type;
	uint64_t ts; /* sort key: the event's time (boot-time ns) */
	union {
		struct sr_syscall sc;
		struct sr_proc_event proc;
		struct sr_sample sample;
		struct sr_hostcpu cpu;
		struct sr_loss loss;
		struct sr_procinfo info;
	};
};

/* ---- header ---- */

/*
 * The header is handed over as the generated protobuf-c message
 * (Sysrec__Header, see sysrec.pb-c.h). sr_header_init() fills the host facts
 * (hostname, kernel, arch, boot id, clock pairing, page size, ticks, the
 * syscall table of the given ABI); callers set the rest.
 * sr_header_free() releases what sr_header_init() and sr_header_set_*()
 * allocated.
 */
enum sr_status sr_header_init(Sysrec__Header *h, const char *abi);
void sr_header_set_strv(char ***dst, size_t *n, const char *const *src, size_t count);
void sr_header_set_label(Sysrec__Header *h, const char *key, const char *value);
void sr_header_free(Sysrec__Header *h);

/* ---- writer ---- */

struct sr_writer;

struct sr_writer_opts {
	int level;               /* zstd level; 0 = default (3) */
	uint32_t chunk_events;   /* cut a chunk after this many events; 0 = 65536 */
	uint64_t chunk_ns;       /* ... or when it spans this much event time; 0 = 1 s */
	/*
	 * At a cut, carry the events later than this before the newest arrival
	 * (at most chunk_events / 4 of them) into the next chunk, so that events
	 * handed over late by less than this are still stored in time order
	 * (FORMAT.md 2.3). 0 = carry nothing: for input already in time order.
	 * For live recording (event times on this host's CLOCK_BOOTTIME): a
	 * flush also takes the present as an arrival. A recorder uses
	 * SR_WRITER_REORDER_NS.
	 */
	uint64_t reorder_ns;
	bool no_index;           /* do not write the footer index (pipes ignore it anyway) */
};

/* reorder_ns for a recorder: covers the delay of its per-CPU batches */
#define SR_WRITER_REORDER_NS (250 * 1000 * 1000ull)

/* Create PATH with mode 0600 ("-" = stdout) and write preamble + header. */
struct sr_writer *sr_writer_open(const char *path, const Sysrec__Header *hdr,
				 const struct sr_writer_opts *opts, struct sr_error *err);
/* Write to an open fd (not closed by sr_writer_close). */
struct sr_writer *sr_writer_open_fd(int fd, const Sysrec__Header *hdr,
				    const struct sr_writer_opts *opts, struct sr_error *err);

/* A process table frame (flushes the pending chunk first). */
enum sr_status sr_writer_process_table(struct sr_writer *w, const struct sr_procinfo *p,
				       size_t n, struct sr_error *err);
enum sr_status sr_writer_syscall(struct sr_writer *w, const struct sr_syscall *sc,
				 struct sr_error *err);
enum sr_status sr_writer_proc(struct sr_writer *w, const struct sr_proc_event *ev,
			      struct sr_error *err);
enum sr_status sr_writer_sample(struct sr_writer *w, const struct sr_sample *s,
				struct sr_error *err);
enum sr_status sr_writer_hostcpu(struct sr_writer *w, const struct sr_hostcpu *c,
				 struct sr_error *err);
enum sr_status sr_writer_loss(struct sr_writer *w, const struct sr_loss *l,
			      struct sr_error *err);
/* Any event from a reader (SR_EV_PROCINFO is written as a one-entry table). */
enum sr_status sr_writer_event(struct sr_writer *w, const struct sr_event *ev,
			       struct sr_error *err);
/*
 * Cut the pending chunk now and write it out (to the fd; no fsync), except
 * the tail that reorder_ns carries: the events later than reorder_ns before
 * the newest arrival or the present (CLOCK_BOOTTIME), whichever is later.
 * They go out with a later cut or flush, before a process table, or at close.
 */
enum sr_status sr_writer_flush(struct sr_writer *w, struct sr_error *err);
/* Events buffered and not yet written (a carried tail included). */
uint64_t sr_writer_pending_events(const struct sr_writer *w);
/* Bytes written so far (preamble and whole frames). */
uint64_t sr_writer_bytes(const struct sr_writer *w);
uint64_t sr_writer_frames(const struct sr_writer *w);
/*
 * Flush, write the Totals frame (totals may be NULL: counts are filled in by
 * the writer, exit fields from the caller), the index and the trailer; close
 * the file and free. After a write error the file already ends on a whole
 * frame; close then frees and returns the first error.
 * sr_writer_close(NULL, ...) is a no-op returning SR_OK.
 */
enum sr_status sr_writer_close(struct sr_writer *w, const Sysrec__Totals *totals,
			       struct sr_error *err);
/* Free without writing totals/index (the file ends after the last frame). */
void sr_writer_abort(struct sr_writer *w);

/* ---- reader ---- */

struct sr_reader;

struct sr_reader_stats {
	uint64_t frames;        /* whole frames read */
	uint64_t bytes;         /* bytes consumed */
	uint64_t damaged;       /* damage reports so far */
	uint64_t skipped_bytes; /* bytes skipped while resynchronising */
	uint64_t unknown_frames;/* frames of kinds this reader does not know */
	bool has_index;         /* a footer index was found */
	bool index_rebuilt;     /* the index was rebuilt by scanning */
};

/* Open PATH ("-" = stdin) and read the preamble and header. */
struct sr_reader *sr_reader_open(const char *path, struct sr_error *err);
struct sr_reader *sr_reader_open_fd(int fd, struct sr_error *err); /* fd not closed */
/* Open a trace held in memory (the buffer must outlive the reader). */
struct sr_reader *sr_reader_open_mem(const void *buf, size_t size, struct sr_error *err);
void sr_reader_close(struct sr_reader *r);

/* The header (NULL only if the file had none: then a damage report was made). */
const Sysrec__Header *sr_reader_header(const struct sr_reader *r);
/* Totals frame, once reached (or read from the end of a seekable file). */
const Sysrec__Totals *sr_reader_totals(const struct sr_reader *r);

/*
 * Next event. Returns SR_OK with *ev filled, SR_END at the end, or a damage
 * status (SR_TRUNCATED, SR_CORRUPT) with err filled: the caller reports it and
 * calls again; reading goes on at the next whole frame. SR_IO/SR_NOMEM are
 * fatal. Events come in time order within each chunk and chunks in file order.
 */
enum sr_status sr_reader_next(struct sr_reader *r, struct sr_event *ev, struct sr_error *err);

/*
 * Seek so that the next events are those of the first chunk that may hold
 * events at or after TS (boot-time ns). Uses the footer index, or rebuilds it
 * by scanning when the footer is missing. Only for seekable inputs; on a pipe
 * it returns SR_OK and the caller filters.
 */
enum sr_status sr_reader_seek_time(struct sr_reader *r, uint64_t ts, struct sr_error *err);

void sr_reader_get_stats(const struct sr_reader *r, struct sr_reader_stats *st);
/* Name of syscall NR in the trace's ABI (from its header table), or NULL. */
const char *sr_reader_syscall_name(const struct sr_reader *r, uint32_t nr);

/* ---- syscall tables (generated at build time from formats/syscalls/) ---- */

enum sr_abi {
	SR_ABI_UNKNOWN = 0,
	SR_ABI_X86_64,
	SR_ABI_I386,
	SR_ABI_AARCH64,
};

#define SR_CLASS_FILE (1u << 0)
#define SR_CLASS_NET (1u << 1)
#define SR_CLASS_PROCESS (1u << 2)
#define SR_CLASS_MEMORY (1u << 3)
#define SR_CLASS_IPC (1u << 4)
#define SR_CLASS_SIGNAL (1u << 5)
#define SR_CLASS_DESC (1u << 6) /* takes or returns a file descriptor */

/* Argument kinds, for recording strings and decoding arguments. */
enum sr_arg_kind {
	SR_ARG_NONE = 0, /* argument not used */
	SR_ARG_INT,      /* plain integer (signed decimal) */
	SR_ARG_UINT,     /* unsigned decimal / size */
	SR_ARG_HEX,      /* pointer or opaque value */
	SR_ARG_FD,       /* file descriptor (AT_FDCWD aware) */
	SR_ARG_PATH,     /* pointer to a NUL-terminated path */
	SR_ARG_STR,      /* pointer to another NUL-terminated string */
	SR_ARG_OPEN_FLAGS,
	SR_ARG_MODE,     /* octal file mode */
	SR_ARG_PROT,     /* mmap/mprotect PROT_* */
	SR_ARG_MMAP_FLAGS,
	SR_ARG_CLONE_FLAGS,
	SR_ARG_SIGNAL,
	SR_ARG_AF,       /* socket address family */
	SR_ARG_SOCKTYPE,
	SR_ARG_ARGV,     /* char *const argv[] */
	SR_ARG_AT_FLAGS,
	SR_ARG_WHENCE,
	SR_ARG_WAIT_OPTIONS, /* WNOHANG|__WALL ... (wait4, waitpid, waitid) */
	SR_ARG_IDTYPE,   /* waitid P_PID ... */
	SR_ARG_PRCTL_OPTION,
	SR_ARG_FUTEX_OP, /* FUTEX_WAIT_PRIVATE ... */
	SR_ARG_CLOCKID,  /* CLOCK_REALTIME ... */
	SR_ARG_TIMER_FLAGS, /* clock_nanosleep TIMER_ABSTIME */
	SR_ARG_MADVISE,  /* MADV_DONTNEED ... */
	SR_ARG_ACCESS_MODE, /* F_OK, R_OK|W_OK ... */
};

struct sr_syscall_info {
	const char *name;
	uint32_t nr;
	uint32_t classes;            /* SR_CLASS_* */
	uint8_t nargs;
	uint8_t arg[6];              /* enum sr_arg_kind */
};

enum sr_abi sr_abi_from_name(const char *name); /* "x86_64", "i386", "aarch64" */
const char *sr_abi_name(enum sr_abi abi);
enum sr_abi sr_abi_native(void);
/* Highest syscall number + 1 in the ABI's table. */
uint32_t sr_syscall_count(enum sr_abi abi);
/* Info for NR, or NULL when the ABI has no such syscall. */
const struct sr_syscall_info *sr_syscall_by_nr(enum sr_abi abi, uint32_t nr);
/* Info for NAME, or NULL. */
const struct sr_syscall_info *sr_syscall_by_name(enum sr_abi abi, const char *name);
/*
 * 32-bit syscalls in an x86_64 recording (FORMAT.md 2.1): i386 syscall n is
 * stored as number SR_COMPAT_NR_BASE + n and named SR_COMPAT_PREFIX NAME.
 */
#define SR_COMPAT_NR_BASE 1024
#define SR_COMPAT_PREFIX "i386:"
/* The i386 name inside a name of that form ("i386:open" -> "open"), else NULL. */
const char *sr_compat_name(const char *name);
/* Info for a syscall by name only (argument kinds, classes; nr of the given ABI). */
uint32_t sr_class_from_name(const char *cls); /* "file" or "%file" -> SR_CLASS_FILE; 0 if unknown */
const char *sr_class_name(uint32_t one_class_bit);

/* errno names and texts (Linux numbers, the same on every ABI above). */
const char *sr_errno_name(int err);   /* "ENOENT", or NULL */
const char *sr_errno_text(int err);   /* "No such file or directory", or NULL */
int sr_errno_by_name(const char *name); /* 0 if unknown */
/* Signal names (Linux x86/arm numbering). */
const char *sr_signal_name(int sig);  /* "SIGKILL", or NULL */
int sr_signal_by_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif /* SYSREC_H */
