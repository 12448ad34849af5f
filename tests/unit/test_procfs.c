// SPDX-License-Identifier: MIT
/*
 * record/procfs: samples of our own process after known work, the info of a
 * forked child (and of its zombie), missing pids, cgroup v2 path and id, and
 * pid/tid enumeration.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "procfs.h"

#define MIB (1024ull * 1024ull)

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Burn NS of our own CPU time (not wall time: the host may be busy). */
static void spin_cpu(uint64_t ns)
{
	uint64_t end = cpu_ns() + ns;
	volatile uint64_t x = 0;

	while (cpu_ns() < end) {
		for (int i = 0; i < 1000; i++) {
			x += (uint64_t)i;
		}
	}
}

static void check_monotonic(const struct sr_sample *a, const struct sr_sample *b)
{
	int ok = b->utime_ticks >= a->utime_ticks && b->stime_ticks >= a->stime_ticks &&
		 b->minflt >= a->minflt && b->majflt >= a->majflt && b->syscr >= a->syscr &&
		 b->syscw >= a->syscw && b->rchar >= a->rchar && b->wchar >= a->wchar &&
		 b->read_bytes >= a->read_bytes && b->write_bytes >= a->write_bytes &&
		 b->vol_ctxsw >= a->vol_ctxsw && b->invol_ctxsw >= a->invol_ctxsw &&
		 b->vm_peak_kb >= a->vm_peak_kb &&
		 /* VmHWM includes the current RSS, a per-CPU approximation that may dip. */
		 b->vm_hwm_kb * 100 >= a->vm_hwm_kb * 99;

	tap_ok(ok, "every cumulative counter is monotonic across two samples");
}

static void test_self_sample(void)
{
	struct sr_sample s1, s2;
	char block[4096];
	int nwrites = (int)(MIB / sizeof(block));
	int fd, extra[5];
	size_t big = 64 * MIB;
	char *buf;

	memset(block, 'x', sizeof(block));
	tap_ok(procfs_read_sample(getpid(), 42, &s1) == 0, "sample of self");
	tap_ok(s1.pid == getpid() && s1.ts == 42 && !s1.final, "sample carries pid and ts");
	tap_ok(s1.threads == 1, "one thread (%u)", s1.threads);
	tap_ok(s1.rss_kb > 0 && s1.vm_size_kb >= s1.rss_kb && s1.vm_peak_kb >= s1.vm_size_kb &&
		       s1.vm_hwm_kb >= s1.rss_kb,
	       "memory figures consistent (rss %llu size %llu peak %llu hwm %llu kB)",
	       (unsigned long long)s1.rss_kb, (unsigned long long)s1.vm_size_kb,
	       (unsigned long long)s1.vm_peak_kb, (unsigned long long)s1.vm_hwm_kb);
	tap_ok(s1.syscr > 0 && s1.rchar > 0, "io counters read (syscr %llu)",
	       (unsigned long long)s1.syscr);

	/* Known work: 1 MiB written in 256 write(2) calls, 5 more fds, 64 MiB touched. */
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	for (int i = 0; i < nwrites; i++) {
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			tap_diag("write to /dev/null failed");
		}
	}
	for (int i = 0; i < 5; i++) {
		extra[i] = dup(fd);
	}
	buf = malloc(big);
	for (size_t i = 0; i < big; i += 4096) {
		buf[i] = (char)i;
	}
	spin_cpu(50 * 1000000ull);

	tap_ok(procfs_read_sample(getpid(), 43, &s2) == 0, "second sample of self");
	tap_ok(s2.syscw - s1.syscw >= (uint64_t)nwrites, "syscw grew by >= %d (%llu)", nwrites,
	       (unsigned long long)(s2.syscw - s1.syscw));
	tap_ok(s2.wchar - s1.wchar >= MIB, "wchar grew by >= 1 MiB (%llu)",
	       (unsigned long long)(s2.wchar - s1.wchar));
	tap_ok(s2.vm_hwm_kb >= 64 * 1024, "VmHWM >= 64 MiB (%llu kB)",
	       (unsigned long long)s2.vm_hwm_kb);
	tap_ok(s2.vm_peak_kb >= 64 * 1024, "VmPeak >= 64 MiB (%llu kB)",
	       (unsigned long long)s2.vm_peak_kb);
	tap_ok(s2.rss_kb >= 64 * 1024, "VmRSS >= 64 MiB while held (%llu kB)",
	       (unsigned long long)s2.rss_kb);
	/* 64 MiB in 2 MiB huge pages would still be 32 faults. */
	tap_ok(s2.minflt - s1.minflt >= 32, "minflt grew (%llu)",
	       (unsigned long long)(s2.minflt - s1.minflt));
	tap_ok(s2.fds == s1.fds + 6, "fds counted exactly (%u -> %u, 6 opened)", s1.fds, s2.fds);
	tap_ok(s2.utime_ticks + s2.stime_ticks >= s1.utime_ticks + s1.stime_ticks + 2,
	       "cpu ticks grew after 50 ms of spinning (%llu -> %llu)",
	       (unsigned long long)(s1.utime_ticks + s1.stime_ticks),
	       (unsigned long long)(s2.utime_ticks + s2.stime_ticks));
	check_monotonic(&s1, &s2);

	free(buf);
	for (int i = 0; i < 5; i++) {
		close(extra[i]);
	}
	close(fd);
}

static void test_no_malloc(void)
{
	struct sr_sample s;
	struct sr_hostcpu c;
	struct mallinfo2 a, b;
	int bad = 0;

	procfs_read_sample(getpid(), 0, &s); /* warm up any lazy libc state */
	a = mallinfo2();
	for (int i = 0; i < 200; i++) {
		bad |= procfs_read_sample(getpid(), 0, &s) != 0;
		bad |= procfs_read_hostcpu(0, &c) != 0;
	}
	b = mallinfo2();
	tap_ok(!bad, "200 samples and host cpu reads succeed");
	tap_ok(a.uordblks == b.uordblks && a.hblkhd == b.hblkhd,
	       "the sample path allocates nothing (in use %zu -> %zu)", a.uordblks, b.uordblks);

	uint64_t t0 = boot_ns();

	for (int i = 0; i < 1000; i++) {
		procfs_read_sample(getpid(), 0, &s);
	}
	tap_diag("procfs_read_sample: %.1f us per call",
		 (double)(boot_ns() - t0) / 1000.0 / 1000.0);
}

static void test_handle(void)
{
	struct procfs_handle h, bad;
	struct sr_sample a, b, viapath;
	struct mallinfo2 m0, m1;
	char block[4096] = { 0 };
	int fd, rc, pfd[2];
	pid_t pid;

	tap_ok(procfs_handle_open(4194305, &bad) == -ESRCH, "handle of a nonexistent pid: -ESRCH");
	procfs_handle_close(&bad);
	tap_ok(procfs_handle_open(getpid(), &h) == 0, "handle of self");
	rc = procfs_handle_sample(&h, 5, &a);
	procfs_read_sample(getpid(), 5, &viapath);
	/* Sampling ourselves by path counts the fd of our own /proc/self/fd walk. */
	tap_ok(rc == 0 && a.pid == getpid() && a.ts == 5 && a.threads == 1 &&
		       a.vm_peak_kb == viapath.vm_peak_kb && a.fds + 1 == viapath.fds &&
		       a.syscw == viapath.syscw,
	       "handle sample matches the path sample (fds %u/%u, peak %llu/%llu)", a.fds,
	       viapath.fds, (unsigned long long)a.vm_peak_kb,
	       (unsigned long long)viapath.vm_peak_kb);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	for (int i = 0; i < 100; i++) {
		if (write(fd, block, sizeof(block)) < 0) {
			break;
		}
	}
	rc = procfs_handle_sample(&h, 6, &b);
	tap_ok(rc == 0 && b.syscw - a.syscw >= 100 && b.wchar - a.wchar >= 409600 &&
		       b.fds == a.fds + 1,
	       "re-read through the handle sees new values (syscw +%llu, fds %u -> %u)",
	       (unsigned long long)(b.syscw - a.syscw), a.fds, b.fds);
	close(fd);
	check_monotonic(&a, &b);

	m0 = mallinfo2();
	for (int i = 0; i < 200; i++) {
		procfs_handle_sample(&h, 0, &b);
	}
	m1 = mallinfo2();
	tap_ok(m0.uordblks == m1.uordblks, "handle samples allocate nothing");
	uint64_t t0 = boot_ns();

	for (int i = 0; i < 1000; i++) {
		procfs_handle_sample(&h, 0, &b);
	}
	tap_diag("procfs_handle_sample: %.1f us per call", (double)(boot_ns() - t0) / 1e6);
	procfs_handle_close(&h);
	procfs_handle_close(&h);
	tap_ok(h.stat_fd == -1 && h.fd_dir == -1, "closed twice: a no-op");

	/* A child through its handle: alive, zombie, reaped. */
	if (pipe(pfd) < 0) {
		return;
	}
	pid = fork();
	if (pid == 0) {
		char c;

		close(pfd[1]);
		while (read(pfd[0], &c, 1) < 0 && errno == EINTR) {
		}
		_exit(0);
	}
	close(pfd[0]);
	tap_ok(procfs_handle_open(pid, &h) == 0, "handle of a child");
	rc = procfs_handle_sample(&h, 0, &a);
	tap_ok(rc == 0 && a.pid == pid && a.rss_kb > 0, "live child sampled (rss %llu kB)",
	       (unsigned long long)a.rss_kb);
	close(pfd[1]); /* the child exits */
	for (int i = 0; i < 1000; i++) {
		siginfo_t si = { 0 };

		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) {
			break;
		}
		usleep(1000);
	}
	rc = procfs_handle_sample(&h, 0, &b);
	tap_ok(rc == 0 && b.rss_kb == 0 && b.minflt >= a.minflt,
	       "zombie child sampled through the handle (rc %d)", rc);
	waitpid(pid, NULL, 0);
	rc = procfs_handle_sample(&h, 0, &b);
	tap_ok(rc == -ESRCH, "reaped child through the handle: -ESRCH (%d)", rc);
	procfs_handle_close(&h);
}

static void test_comm_with_parens(void)
{
	struct procfs_proc p;
	struct sr_sample s;
	char old[17] = { 0 };
	const char *odd = "a) b (c) 1 2";

	prctl(PR_GET_NAME, old);
	prctl(PR_SET_NAME, odd);
	int rc = procfs_read_info(getpid(), &p);

	tap_ok(rc == 0 && strcmp(p.info.comm, odd) == 0,
	       "comm with ')' and spaces parsed ('%s')", p.info.comm ? p.info.comm : "(null)");
	tap_ok(p.info.ppid == getppid(), "fields after such a comm still right (ppid %d)",
	       p.info.ppid);
	tap_ok(procfs_read_sample(getpid(), 0, &s) == 0 && s.threads == 1 && s.minflt > 0,
	       "sample fields after such a comm still right");
	procfs_proc_release(&p);
	prctl(PR_SET_NAME, old);
}

static int child_main(void)
{
	for (;;) {
		pause();
	}
	return 0;
}

static void test_child_info(const char *self)
{
	int pfd[2];
	char c;
	pid_t pid;
	uint64_t t0 = boot_ns();
	struct procfs_proc p, me;
	struct sr_sample s;
	int status, rc;

	/* The kernel names the child after its executable (15 chars at most). */
	char comm[16] = { 0 };
	const char *base = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;

	snprintf(comm, sizeof(comm), "%.15s", base);
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		tap_ok(0, "pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		execl(self, "test_procfs", "--child", "two words", "", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	/* EOF once execl has closed the write end, i.e. the exec happened. */
	while (read(pfd[0], &c, 1) < 0 && errno == EINTR) {
	}
	close(pfd[0]);

	tap_ok(procfs_read_info(pid, &p) == 0, "info of a forked child");
	tap_ok(p.info.pid == pid && p.info.ppid == getpid(), "child pid %d, ppid = us (%d)",
	       p.info.pid, p.info.ppid);
	tap_ok(p.info.uid == getuid(), "child uid (%u)", p.info.uid);
	tap_ok(strcmp(p.info.comm, comm) == 0, "child comm ('%s')", p.info.comm);
	tap_ok(strcmp(p.info.exe, self) == 0, "child exe ('%s')", p.info.exe);
	tap_ok(p.info.cmdline_len == 4 && strcmp(p.info.cmdline[0], "test_procfs") == 0 &&
		       strcmp(p.info.cmdline[1], "--child") == 0 &&
		       strcmp(p.info.cmdline[2], "two words") == 0 &&
		       strcmp(p.info.cmdline[3], "") == 0 && p.info.cmdline[4] == NULL,
	       "child cmdline split into 4 args, empty one kept (%u)", p.info.cmdline_len);
	tap_ok(p.info.nthreads == 1, "child nthreads (%u)", p.info.nthreads);
	/* start time has clock-tick resolution. */
	tap_ok(p.info.start_ns + 20000000ull >= t0 && p.info.start_ns <= boot_ns(),
	       "child start_ns within the fork window (%llu vs %llu)",
	       (unsigned long long)p.info.start_ns, (unsigned long long)t0);
	tap_ok(procfs_read_info(getpid(), &me) == 0 &&
		       strcmp(me.info.cgroup_path, p.info.cgroup_path) == 0 &&
		       me.info.cgroup_id == p.info.cgroup_id && me.info.cgroup_id != 0,
	       "child in our cgroup ('%s', id %llu)", p.info.cgroup_path,
	       (unsigned long long)p.info.cgroup_id);
	tap_ok(me.info.cmdline_len >= 1 && strcmp(me.info.exe, self) == 0,
	       "our own info: exe and cmdline");
	procfs_proc_release(&me);
	procfs_proc_release(&p);
	procfs_proc_release(&p); /* released twice: a no-op */
	procfs_proc_release(NULL);

	/* A zombie: stat is still there. */
	kill(pid, SIGKILL);
	for (int i = 0; i < 1000; i++) {
		siginfo_t si = { 0 };

		if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) {
			break;
		}
		usleep(1000);
	}
	rc = procfs_read_sample(pid, 7, &s);

	tap_ok(rc == 0 && s.pid == pid && s.minflt > 0 && s.rss_kb == 0,
	       "zombie sample: stat fields kept, memory gone (rc %d, minflt %llu, rss %llu)", rc,
	       (unsigned long long)s.minflt, (unsigned long long)s.rss_kb);
	rc = procfs_read_info(pid, &p);
	tap_ok(rc == 0 && strcmp(p.info.comm, comm) == 0,
	       "zombie info: comm kept");
	procfs_proc_release(&p);

	waitpid(pid, &status, 0);
	tap_ok(procfs_read_sample(pid, 0, &s) == -ESRCH, "reaped child: sample -ESRCH");
	tap_ok(procfs_read_info(pid, &p) == -ESRCH, "reaped child: info -ESRCH");
	procfs_proc_release(&p);
}

static int count_cb(int id, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_missing_pid(void)
{
	struct sr_sample s;
	struct procfs_proc p;
	char buf[256];
	int n = 0;
	/* Above pid_max: no process can have it. */
	int pid = 4194304 + 1;

	tap_ok(procfs_read_sample(pid, 0, &s) == -ESRCH, "nonexistent pid: sample -ESRCH");
	tap_ok(procfs_read_info(pid, &p) == -ESRCH, "nonexistent pid: info -ESRCH");
	procfs_proc_release(&p);
	tap_ok(procfs_list_tids(pid, count_cb, &n) == -ESRCH && n == 0,
	       "nonexistent pid: list_tids -ESRCH");
	tap_ok(procfs_cgroup_path(pid, buf, sizeof(buf)) == -ESRCH,
	       "nonexistent pid: cgroup_path -ESRCH");
}

static void test_cgroup(void)
{
	const char *mnt = procfs_cgroup2_mount();
	char path[PATH_MAX], full[PATH_MAX + 64], dir[PATH_MAX + 64], small[2];
	struct statfs sfs;
	struct stat st;
	uint64_t id = 0, id2 = 0;

	tap_ok(mnt && statfs(mnt, &sfs) == 0 && sfs.f_type == 0x63677270,
	       "cgroup2 mount found ('%s')", mnt ? mnt : "(none)");
	if (!mnt) {
		return;
	}
	path[0] = '\0';
	int rc = procfs_cgroup_path(getpid(), path, sizeof(path));

	tap_ok(rc == 0 && path[0] == '/',
	       "cgroup path of self ('%s')", path);
	snprintf(full, sizeof(full), "%s%s", mnt, path);
	rc = procfs_cgroup_id(path, &id);
	tap_ok(stat(full, &st) == 0 && rc == 0 && id == (uint64_t)st.st_ino,
	       "cgroup id of self = inode of %s (%llu)", full, (unsigned long long)id);
	tap_ok(procfs_cgroup_id(full, &id2) == 0 && id2 == id,
	       "absolute path on the mount gives the same id");
	tap_ok(procfs_cgroup_id(path[1] ? path + 1 : "", &id2) == 0 && id2 == id,
	       "path without leading '/' gives the same id");
	tap_ok(procfs_cgroup_id("/no-such-cgroup-sysrec", &id2) == -ENOENT,
	       "missing cgroup: -ENOENT");
	tap_ok(procfs_cgroup_path(getpid(), small, sizeof(small)) == -ENAMETOOLONG ||
		       strlen(path) < sizeof(small),
	       "small buffer: -ENAMETOOLONG");

	/* A fresh cgroup holding a child: path and id must name that directory. */
	snprintf(dir, sizeof(dir), "%s/sysrec-test-procfs-%d", mnt, (int)getpid());
	if (mkdir(dir, 0755) < 0) {
		tap_skip("cannot create a cgroup (needs root)");
		return;
	}
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	char procs[PATH_MAX + 80], want[128], got[PATH_MAX];
	int fd, moved = 0;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY);
	if (fd >= 0) {
		int l = snprintf(want, sizeof(want), "%d\n", (int)pid);

		moved = write(fd, want, (size_t)l) == l;
		close(fd);
	}
	if (moved) {
		snprintf(want, sizeof(want), "/sysrec-test-procfs-%d", (int)getpid());
		stat(dir, &st);
		got[0] = '\0';
		rc = procfs_cgroup_path(pid, got, sizeof(got));
		tap_ok(rc == 0 && strcmp(got, want) == 0,
		       "child moved into a new cgroup: path '%s'", got);
		uint64_t self_id = id;

		id = 0;
		rc = procfs_cgroup_id(got, &id);
		tap_ok(rc == 0 && id == (uint64_t)st.st_ino && id != self_id,
		       "new cgroup id = its directory inode (%llu)", (unsigned long long)id);
		struct procfs_proc p;

		tap_ok(procfs_read_info(pid, &p) == 0 && p.info.cgroup_id == id &&
			       strcmp(p.info.cgroup_path, want) == 0,
		       "info carries the new cgroup");
		procfs_proc_release(&p);
	} else {
		tap_skip("cannot move a process into a new cgroup");
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	rmdir(dir);
}

struct find_arg {
	int want;
	int found;
	int calls;
};

static int find_cb(int id, void *arg)
{
	struct find_arg *f = arg;

	f->calls++;
	if (id == f->want) {
		f->found = 1;
	}
	return 0;
}

static int stop_cb(int id, void *arg)
{
	(*(int *)arg)++;
	return 7;
}

static pthread_barrier_t barrier;

static void *thread_main(void *arg)
{
	pthread_barrier_wait(&barrier); /* started */
	pthread_barrier_wait(&barrier); /* counted: may exit */
	return NULL;
}

static void test_enumeration(void)
{
	struct find_arg f = { .want = getpid() };
	struct find_arg init = { .want = 1 };
	struct find_arg tf = { .want = gettid() };
	int calls = 0, n = 0, rc;
	pthread_t th[2];
	struct sr_sample s;
	struct procfs_proc p;

	rc = procfs_list_pids(find_cb, &f);
	tap_ok(rc == 0 && f.found && f.calls > 2,
	       "list_pids sees self among %d processes", f.calls);
	tap_ok(procfs_list_pids(find_cb, &init) == 0 && init.found, "list_pids sees pid 1");
	rc = procfs_list_pids(stop_cb, &calls);
	tap_ok(rc == 7 && calls == 1, "a non-zero callback stops the walk and is returned");

	pthread_barrier_init(&barrier, NULL, 3);
	pthread_create(&th[0], NULL, thread_main, NULL);
	pthread_create(&th[1], NULL, thread_main, NULL);
	pthread_barrier_wait(&barrier);
	rc = procfs_list_tids(getpid(), count_cb, &n);
	tap_ok(rc == 0 && n == 3,
	       "list_tids of a 3-thread process gives 3 (%d)", n);
	tap_ok(procfs_list_tids(getpid(), find_cb, &tf) == 0 && tf.found,
	       "list_tids includes the main thread");
	tap_ok(procfs_read_sample(getpid(), 0, &s) == 0 && s.threads == 3, "sample threads = 3");
	tap_ok(procfs_read_info(getpid(), &p) == 0 && p.info.nthreads == 3, "info nthreads = 3");
	procfs_proc_release(&p);
	pthread_barrier_wait(&barrier);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	pthread_barrier_destroy(&barrier);
}

static void test_hostcpu(void)
{
	struct sr_hostcpu a, b;

	tap_ok(procfs_read_hostcpu(1, &a) == 0 && a.ts == 1, "host cpu read");
	spin_cpu(60 * 1000000ull);
	tap_ok(procfs_read_hostcpu(2, &b) == 0, "host cpu read again");
	tap_ok(b.user >= a.user && b.nice >= a.nice && b.system >= a.system && b.idle >= a.idle &&
		       b.iowait >= a.iowait && b.irq >= a.irq && b.softirq >= a.softirq &&
		       b.steal >= a.steal,
	       "host cpu counters monotonic");
	tap_ok((b.user + b.system + b.nice) - (a.user + a.system + a.nice) >= 3,
	       "host busy ticks grew after 60 ms of spinning (%llu)",
	       (unsigned long long)((b.user + b.system + b.nice) - (a.user + a.system + a.nice)));
}

int main(int argc, char **argv)
{
	char self[PATH_MAX];
	ssize_t n;

	if (argc > 1 && strcmp(argv[1], "--child") == 0) {
		return child_main();
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		perror("readlink /proc/self/exe");
		return 1;
	}
	self[n] = '\0';

	test_self_sample();
	test_no_malloc();
	test_handle();
	test_comm_with_parens();
	test_child_info(self);
	test_missing_pid();
	test_cgroup();
	test_enumeration();
	test_hostcpu();
	return tap_done();
}
