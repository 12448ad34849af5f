// SPDX-License-Identifier: MIT
/*
 * /proc readers. The sample path is called for every tracked process every
 * sample interval, so it avoids stdio, sscanf and malloc: one
 * open/read/close per file into a stack buffer, numbers parsed by hand,
 * /proc/PID/fd counted with getdents64 (opendir would malloc).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procfs.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* "/proc/" + 10 digits + "/" + the longest file name we use, with room. */
#define PROC_PATH_MAX 64

/* Build "/proc/PID/NAME" without snprintf's format parsing. */
static void proc_path(char *buf, int pid, const char *name)
{
	char digits[12];
	int nd = 0;
	unsigned int v = (unsigned int)pid;
	char *p = buf;

	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && nd < (int)sizeof(digits));
	memcpy(p, "/proc/", 6);
	p += 6;
	while (nd) {
		*p++ = digits[--nd];
	}
	if (name) {
		*p++ = '/';
		size_t l = strlen(name);
		memcpy(p, name, l);
		p += l;
	}
	*p = '\0';
}

/*
 * Read up to SIZE-1 bytes of PATH into BUF (NUL-terminated). Returns the
 * length or -errno; a missing /proc entry becomes -ESRCH. Short reads are
 * retried because seq_file may hand out a page at a time.
 */
static ssize_t pread_all(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t r = pread(fd, buf + len, size - 1 - len, (off_t)len);

		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			/* A task that died mid-read answers ESRCH already. */
			return errno == ENOENT ? -ESRCH : -errno;
		}
		if (r == 0) {
			break;
		}
		len += (size_t)r;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOENT ? -ESRCH : -errno;
	}
	n = pread_all(fd, buf, size);
	close(fd);
	return n;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	return p;
}

/* Unsigned decimal at *P (after blanks); advances *P past it. */
static uint64_t take_u64(const char **pp)
{
	const char *p = skip_blanks(*pp);
	uint64_t v = 0;

	if (*p == '-') { /* a few stat fields are signed: clamp at 0 */
		p++;
		while (*p >= '0' && *p <= '9') {
			p++;
		}
		*pp = p;
		return 0;
	}
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	*pp = p;
	return v;
}

static int64_t take_i64(const char **pp)
{
	const char *p = skip_blanks(*pp);
	int neg = 0;
	int64_t v = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return neg ? -v : v;
}

/* Skip N blank-separated fields. */
static const char *skip_fields(const char *p, int n)
{
	while (n-- > 0) {
		p = skip_blanks(p);
		while (*p && *p != ' ' && *p != '\n') {
			p++;
		}
	}
	return p;
}

static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

/* If line P starts with KEY (including its ':'), the text after it, else NULL. */
static const char *after_key(const char *p, const char *key, size_t klen)
{
	return strncmp(p, key, klen) == 0 ? p + klen : NULL;
}
#define AFTER(p, lit) after_key((p), lit, sizeof(lit) - 1)

/* ---- /proc/PID/stat ---- */

struct stat_fields {
	char comm[64];
	int ppid;
	uint64_t minflt, majflt, utime, stime, nthreads, starttime, vsize, rss_pages;
};

static int parse_stat(const char *buf, struct stat_fields *sf)
{
	const char *open = strchr(buf, '(');
	/* comm may itself hold ')' or spaces: the last ')' ends it. */
	const char *close = strrchr(buf, ')');
	const char *p;

	if (!open || !close || close < open || close[1] != ' ') {
		return -EINVAL;
	}
	size_t cl = (size_t)(close - open - 1);

	if (cl >= sizeof(sf->comm)) {
		cl = sizeof(sf->comm) - 1;
	}
	memcpy(sf->comm, open + 1, cl);
	sf->comm[cl] = '\0';

	p = close + 2;              /* field 3: state */
	p = skip_fields(p, 1);
	sf->ppid = (int)take_i64(&p); /* 4 */
	p = skip_fields(p, 5);      /* 5 pgrp .. 9 flags */
	sf->minflt = take_u64(&p);  /* 10 */
	p = skip_fields(p, 1);      /* 11 cminflt */
	sf->majflt = take_u64(&p);  /* 12 */
	p = skip_fields(p, 1);      /* 13 cmajflt */
	sf->utime = take_u64(&p);   /* 14 */
	sf->stime = take_u64(&p);   /* 15 */
	p = skip_fields(p, 4);      /* 16 cutime .. 19 nice */
	sf->nthreads = take_u64(&p); /* 20 */
	p = skip_fields(p, 1);      /* 21 itrealvalue */
	sf->starttime = take_u64(&p); /* 22 */
	sf->vsize = take_u64(&p);   /* 23, bytes */
	sf->rss_pages = take_u64(&p); /* 24 */
	return 0;
}

static int read_stat(int pid, struct stat_fields *sf)
{
	char path[PROC_PATH_MAX];
	char buf[2048]; /* 52 fields of up to 20 digits, and comm */
	ssize_t n;

	proc_path(path, pid, "stat");
	n = read_small(path, buf, sizeof(buf));
	if (n < 0) {
		return (int)n;
	}
	if (n == 0) {
		return -ESRCH;
	}
	return parse_stat(buf, sf);
}

/* ---- /proc/PID/status ---- */

static void parse_status(const char *buf, struct sr_sample *s)
{
	const char *p = buf;
	const char *v;

	while (*p) {
		switch (*p) {
		case 'V':
			if ((v = AFTER(p, "VmPeak:"))) {
				s->vm_peak_kb = take_u64(&v);
			} else if ((v = AFTER(p, "VmSize:"))) {
				s->vm_size_kb = take_u64(&v);
			} else if ((v = AFTER(p, "VmHWM:"))) {
				s->vm_hwm_kb = take_u64(&v);
			} else if ((v = AFTER(p, "VmRSS:"))) {
				s->rss_kb = take_u64(&v);
			}
			break;
		case 'T':
			if ((v = AFTER(p, "Threads:"))) {
				s->threads = (uint32_t)take_u64(&v);
			}
			break;
		case 'v':
			if ((v = AFTER(p, "voluntary_ctxt_switches:"))) {
				s->vol_ctxsw = take_u64(&v);
			}
			break;
		case 'n':
			if ((v = AFTER(p, "nonvoluntary_ctxt_switches:"))) {
				s->invol_ctxsw = take_u64(&v);
			}
			break;
		}
		p = next_line(p);
	}
}

/* ---- /proc/PID/io ---- */

static void parse_io(const char *buf, struct sr_sample *s)
{
	const char *p = buf;
	const char *v;

	while (*p) {
		switch (*p) {
		case 'r':
			if ((v = AFTER(p, "rchar:"))) {
				s->rchar = take_u64(&v);
			} else if ((v = AFTER(p, "read_bytes:"))) {
				s->read_bytes = take_u64(&v);
			}
			break;
		case 'w':
			if ((v = AFTER(p, "wchar:"))) {
				s->wchar = take_u64(&v);
			} else if ((v = AFTER(p, "write_bytes:"))) {
				s->write_bytes = take_u64(&v);
			}
			break;
		case 's':
			if ((v = AFTER(p, "syscr:"))) {
				s->syscr = take_u64(&v);
			} else if ((v = AFTER(p, "syscw:"))) {
				s->syscw = take_u64(&v);
			}
			break;
		}
		p = next_line(p);
	}
}

/* ---- directories without opendir ---- */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * Walk directory PATH with getdents64 and a stack buffer. For each entry that
 * is not "." or "..", call CB(name, arg); non-zero from CB stops and is
 * returned. Returns 0 at the end or -errno (-ESRCH for a missing entry).
 */
static int walk_dir_fd(int fd, int (*cb)(const char *name, void *arg), void *arg)
{
	char buf[4096] __attribute__((aligned(8)));

	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (n < 0) {
			return errno == ENOENT ? -ESRCH : -errno;
		}
		if (n == 0) {
			return 0;
		}
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			const char *nm = d->d_name;

			off += d->d_reclen;
			if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))) {
				continue;
			}
			int rc = cb(nm, arg);

			if (rc) {
				return rc;
			}
		}
	}
}

static int walk_dir(const char *path, int (*cb)(const char *name, void *arg), void *arg)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOENT ? -ESRCH : -errno;
	}
	rc = walk_dir_fd(fd, cb, arg);
	close(fd);
	return rc;
}

static int count_entry(const char *name, void *arg)
{
	(*(uint32_t *)arg)++;
	return 0;
}

/* ---- samples ---- */

/* Contents of /proc/PID/NAME: through FD with pread when open, else by path. */
static ssize_t proc_get(int fd, int pid, const char *name, char *buf, size_t size)
{
	char path[PROC_PATH_MAX];

	if (fd >= 0) {
		return pread_all(fd, buf, size);
	}
	proc_path(path, pid, name);
	return read_small(path, buf, size);
}

/* The sample of PID, from the open files of H when given, else by path. */
static int sample_fill(int pid, const struct procfs_handle *h, uint64_t ts, struct sr_sample *out)
{
	struct stat_fields sf;
	char path[PROC_PATH_MAX];
	/* status grows with the host (Cpus_allowed, Mems_allowed lines). */
	char buf[8192];
	uint32_t fds = 0;
	ssize_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	n = proc_get(h ? h->stat_fd : -1, pid, "stat", buf, sizeof(buf));
	if (n < 0) {
		return (int)n;
	}
	if (n == 0) {
		return -ESRCH;
	}
	rc = parse_stat(buf, &sf);
	if (rc < 0) {
		return rc;
	}
	out->ts = ts;
	out->pid = pid;
	out->utime_ticks = sf.utime;
	out->stime_ticks = sf.stime;
	out->minflt = sf.minflt;
	out->majflt = sf.majflt;
	out->threads = (uint32_t)sf.nthreads;

	/*
	 * status carries the memory figures and context switches. If it has
	 * gone, the process was reaped after stat was read: report it gone
	 * rather than a sample of zeros that would look like a reset.
	 */
	n = proc_get(h ? h->status_fd : -1, pid, "status", buf, sizeof(buf));
	if (n == -ESRCH) {
		return -ESRCH;
	}
	if (n > 0) {
		parse_status(buf, out);
	}

	n = proc_get(h ? h->io_fd : -1, pid, "io", buf, sizeof(buf));
	if (n > 0) {
		parse_io(buf, out);
	}

	if (h && h->fd_dir >= 0) {
		if (lseek(h->fd_dir, 0, SEEK_SET) == 0) {
			rc = walk_dir_fd(h->fd_dir, count_entry, &fds);
		} else {
			rc = -errno;
		}
	} else {
		proc_path(path, pid, "fd");
		rc = walk_dir(path, count_entry, &fds);
	}
	if (rc == 0) {
		out->fds = fds;
	}
	return 0;
}

int procfs_read_sample(int pid, uint64_t ts, struct sr_sample *out)
{
	if (pid <= 0 || !out) {
		return -EINVAL;
	}
	return sample_fill(pid, NULL, ts, out);
}

int procfs_handle_open(int pid, struct procfs_handle *h)
{
	char path[PROC_PATH_MAX];
	int dir, rc = 0;

	h->pid = pid;
	h->stat_fd = h->status_fd = h->io_fd = h->fd_dir = -1;
	if (pid <= 0) {
		return -EINVAL;
	}
	/* Every file through one directory fd: all of the same process. */
	proc_path(path, pid, NULL);
	dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		return errno == ENOENT ? -ESRCH : -errno;
	}
	h->stat_fd = openat(dir, "stat", O_RDONLY | O_CLOEXEC);
	if (h->stat_fd < 0) {
		rc = errno == ENOENT ? -ESRCH : -errno;
		goto out;
	}
	/* The others may be refused (io needs ptrace access): read what we can. */
	h->status_fd = openat(dir, "status", O_RDONLY | O_CLOEXEC);
	h->io_fd = openat(dir, "io", O_RDONLY | O_CLOEXEC);
	h->fd_dir = openat(dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
out:
	close(dir);
	if (rc < 0) {
		procfs_handle_close(h);
	}
	return rc;
}

int procfs_handle_sample(const struct procfs_handle *h, uint64_t ts, struct sr_sample *out)
{
	if (!h || h->stat_fd < 0 || !out) {
		return -EINVAL;
	}
	return sample_fill(h->pid, h, ts, out);
}

void procfs_handle_close(struct procfs_handle *h)
{
	if (!h) {
		return;
	}
	if (h->stat_fd >= 0) {
		close(h->stat_fd);
	}
	if (h->status_fd >= 0) {
		close(h->status_fd);
	}
	if (h->io_fd >= 0) {
		close(h->io_fd);
	}
	if (h->fd_dir >= 0) {
		close(h->fd_dir);
	}
	h->stat_fd = h->status_fd = h->io_fd = h->fd_dir = -1;
}

int procfs_read_hostcpu(uint64_t ts, struct sr_hostcpu *out)
{
	/* The first line is all we need; /proc/stat is generated whole anyway. */
	char buf[512];
	const char *p;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	n = read_small("/proc/stat", buf, sizeof(buf));
	if (n < 0) {
		return (int)n;
	}
	if (strncmp(buf, "cpu ", 4) != 0) {
		return -EINVAL;
	}
	p = buf + 4;
	out->ts = ts;
	out->user = take_u64(&p);
	out->nice = take_u64(&p);
	out->system = take_u64(&p);
	out->idle = take_u64(&p);
	out->iowait = take_u64(&p);
	out->irq = take_u64(&p);
	out->softirq = take_u64(&p);
	out->steal = take_u64(&p);
	return 0;
}

/* ---- process table entries ---- */

static char *xstrdup_empty(void)
{
	return calloc(1, 1);
}

/* readlink /proc/PID/exe into a fresh string ("" when there is none). */
static char *read_exe(int pid)
{
	char path[PROC_PATH_MAX];
	char buf[PATH_MAX];
	ssize_t n;

	proc_path(path, pid, "exe");
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0) {
		return xstrdup_empty(); /* kernel thread, zombie, or no access */
	}
	buf[n] = '\0';
	return strdup(buf);
}

/* Whole /proc/PID/cmdline; argv can be long, so this one grows. */
static int read_cmdline(int pid, struct procfs_proc *p)
{
	enum { CMDLINE_MAX = 1 << 20 };
	char path[PROC_PATH_MAX];
	size_t cap = 4096, len = 0, argc = 0;
	char *buf = NULL;
	int fd, rc = 0;

	proc_path(path, pid, "cmdline");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOENT ? -ESRCH : -errno;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= CMDLINE_MAX) {
				break; /* keep the first MiB */
			}
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				rc = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - len);

		if (r < 0) {
			if (errno == EINTR) {
				continue;
			}
			break; /* a task going away: keep what we have */
		}
		if (r == 0) {
			break;
		}
		len += (size_t)r;
	}
	/* Arguments end in NUL; a process that rewrote its argv may not. */
	if (len && buf[len - 1] != '\0') {
		buf[len++] = '\0';
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\0') {
			argc++;
		}
	}
	p->argv = calloc(argc + 1, sizeof(*p->argv));
	if (!p->argv) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0, a = 0; i < len; a++) {
		p->argv[a] = buf + i;
		i += strlen(buf + i) + 1;
	}
	p->cmdbuf = buf;
	buf = NULL;
	p->info.cmdline = p->argv;
	p->info.cmdline_len = (uint32_t)argc;
out:
	free(buf);
	close(fd);
	return rc;
}

static int read_uid(int pid, uint32_t *uid)
{
	char path[PROC_PATH_MAX];
	char buf[4096];
	const char *p, *v;
	ssize_t n;

	proc_path(path, pid, "status");
	n = read_small(path, buf, sizeof(buf));
	if (n < 0) {
		return (int)n;
	}
	for (p = buf; *p; p = next_line(p)) {
		if ((v = AFTER(p, "Uid:"))) {
			*uid = (uint32_t)take_u64(&v);
			return 0;
		}
	}
	return -EINVAL;
}

int procfs_read_info(int pid, struct procfs_proc *p)
{
	struct stat_fields sf;
	char cg[PATH_MAX];
	long tck;
	int rc;

	memset(p, 0, sizeof(*p));
	if (pid <= 0) {
		return -EINVAL;
	}
	rc = read_stat(pid, &sf);
	if (rc < 0) {
		return rc;
	}
	p->info.pid = pid;
	p->info.ppid = sf.ppid;
	p->info.nthreads = (uint32_t)sf.nthreads;
	memcpy(p->comm, sf.comm, sizeof(p->comm));
	p->info.comm = p->comm;
	tck = sysconf(_SC_CLK_TCK);
	if (tck <= 0) {
		tck = 100;
	}
	/* starttime counts ticks since boot on the boot-time clock. */
	p->info.start_ns = sf.starttime * (1000000000ull / (uint64_t)tck);
	rc = read_uid(pid, &p->info.uid);
	if (rc == -ESRCH) {
		goto fail;
	}

	p->exe = read_exe(pid);
	if (!p->exe) {
		rc = -ENOMEM;
		goto fail;
	}
	p->info.exe = p->exe;

	rc = read_cmdline(pid, p);
	if (rc == -ENOMEM) {
		goto fail;
	}
	if (!p->argv) { /* gone or unreadable: an empty argv, not an error */
		p->argv = calloc(1, sizeof(*p->argv));
		if (!p->argv) {
			rc = -ENOMEM;
			goto fail;
		}
		p->info.cmdline = p->argv;
		p->info.cmdline_len = 0;
	}

	rc = procfs_cgroup_path(pid, cg, sizeof(cg));
	if (rc < 0) {
		cg[0] = '\0';
	} else if (procfs_cgroup_id(cg, &p->info.cgroup_id) < 0) {
		p->info.cgroup_id = 0;
	}
	p->cgroup_path = strdup(cg);
	if (!p->cgroup_path) {
		rc = -ENOMEM;
		goto fail;
	}
	p->info.cgroup_path = p->cgroup_path;
	return 0;
fail:
	procfs_proc_release(p);
	return rc;
}

void procfs_proc_release(struct procfs_proc *p)
{
	if (!p) {
		return;
	}
	free(p->argv);
	free(p->cmdbuf);
	free(p->cgroup_path);
	free(p->exe);
	memset(p, 0, sizeof(*p));
}

/* ---- enumeration ---- */

struct num_walk {
	int (*cb)(int id, void *arg);
	void *arg;
};

static int numeric_entry(const char *name, void *arg)
{
	struct num_walk *w = arg;
	long v = 0;

	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9') {
			return 0; /* "self", "sys", ... */
		}
		v = v * 10 + (*c - '0');
		if (v > INT_MAX) {
			return 0;
		}
	}
	return w->cb((int)v, w->arg);
}

int procfs_list_pids(int (*cb)(int pid, void *arg), void *arg)
{
	struct num_walk w = { cb, arg };

	return walk_dir("/proc", numeric_entry, &w);
}

int procfs_list_tids(int pid, int (*cb)(int tid, void *arg), void *arg)
{
	struct num_walk w = { cb, arg };
	char path[PROC_PATH_MAX];

	if (pid <= 0) {
		return -EINVAL;
	}
	proc_path(path, pid, "task");
	return walk_dir(path, numeric_entry, &w);
}

/* ---- cgroups ---- */

int procfs_cgroup_path(int pid, char *buf, size_t n)
{
	char path[PROC_PATH_MAX];
	/* On a hybrid host every v1 controller has a line before ours. */
	char data[16384];
	const char *p;
	ssize_t len;

	if (pid <= 0 || !buf || n == 0) {
		return -EINVAL;
	}
	proc_path(path, pid, "cgroup");
	len = read_small(path, data, sizeof(data));
	if (len < 0) {
		return (int)len;
	}
	for (p = data; *p; p = next_line(p)) {
		if (strncmp(p, "0::", 3) != 0) {
			continue;
		}
		const char *s = p + 3;
		const char *e = strchr(s, '\n');
		size_t l = e ? (size_t)(e - s) : strlen(s);

		if (l + 1 > n) {
			return -ENAMETOOLONG;
		}
		memcpy(buf, s, l);
		buf[l] = '\0';
		return 0;
	}
	return -ENOENT;
}

/* 0 when PATH is a directory on a cgroup2 file system, else -errno. */
static int cgroup2_dir_stat(const char *path, struct stat *st)
{
	struct statfs sfs;

	if (statfs(path, &sfs) < 0 || stat(path, st) < 0) {
		return -errno;
	}
	if ((unsigned long)sfs.f_type != CGROUP2_SUPER_MAGIC) {
		return -EXDEV;
	}
	return S_ISDIR(st->st_mode) ? 0 : -ENOTDIR;
}

int procfs_cgroup_id(const char *path, uint64_t *id)
{
	const char *mnt;
	char full[PATH_MAX];
	struct stat st;
	int rc;

	if (!path || !id) {
		return -EINVAL;
	}
	/* An absolute path into the cgroup2 mount itself. */
	if (path[0] == '/' && cgroup2_dir_stat(path, &st) == 0) {
		*id = (uint64_t)st.st_ino;
		return 0;
	}
	/* Otherwise relative to the mount ("/a/b" as /proc/PID/cgroup writes it). */
	mnt = procfs_cgroup2_mount();
	if (!mnt) {
		return -ENOENT;
	}
	while (*path == '/') {
		path++;
	}
	if ((size_t)snprintf(full, sizeof(full), "%s/%s", mnt, path) >= sizeof(full)) {
		return -ENAMETOOLONG;
	}
	rc = cgroup2_dir_stat(full, &st);
	if (rc < 0) {
		return rc;
	}
	*id = (uint64_t)st.st_ino;
	return 0;
}

/* mountinfo escapes blanks and backslashes in paths as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static char cgroup2_mnt[PATH_MAX];
static const char *cgroup2_mnt_found;
static pthread_once_t cgroup2_once = PTHREAD_ONCE_INIT;

static void find_cgroup2_mount(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SRC SUPER" */
		char *sep = strstr(line, " - ");
		char *mp, *end;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0) {
			continue;
		}
		mp = line;
		for (int i = 0; i < 4 && mp; i++) {
			mp = strchr(mp, ' ');
			if (mp) {
				mp++;
			}
		}
		if (!mp) {
			continue;
		}
		end = strchr(mp, ' ');
		if (!end) {
			continue;
		}
		*end = '\0';
		unescape_octal(mp);
		if (strlen(mp) < sizeof(cgroup2_mnt)) {
			strcpy(cgroup2_mnt, mp);
			cgroup2_mnt_found = cgroup2_mnt;
			break;
		}
	}
	free(line);
	fclose(f);
}

const char *procfs_cgroup2_mount(void)
{
	pthread_once(&cgroup2_once, find_cgroup2_mount);
	return cgroup2_mnt_found;
}
