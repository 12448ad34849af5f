// SPDX-License-Identifier: MIT
/*
 * zombie_read OUT [MS [WRITES]]: what /proc shows of an exited child, for
 * comparing the recorder's final samples with it. A forked child touches
 * 8 MiB, has a second thread write WRITES (default 20) blocks of 4 KiB to
 * /dev/null and exit (its counters then live in the signal struct), spins
 * for MS ms (default 60) and exits 0. The parent waits until the child is a
 * zombie without reaping it (waitid WNOWAIT), lets it finish switching out,
 * then writes one line to OUT:
 *   pid utime stime minflt majflt syscr syscw rchar wchar read_bytes
 *   write_bytes voluntary_ctxt_switches nonvoluntary_ctxt_switches
 * from /proc/PID/stat, io and status, reaps the child and exits 0.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long nwrites = 20;

static void *writer(void *arg)
{
	char block[4096];
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	memset(block, 'z', sizeof(block));
	for (long i = 0; i < nwrites && fd >= 0; i++) {
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			_exit(1);
		}
	}
	close(fd);
	return arg;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int child(long ms)
{
	size_t size = 8u << 20;
	char *buf = malloc(size);
	volatile unsigned long spin = 0;
	pthread_t t;

	if (!buf) {
		return 1;
	}
	for (size_t i = 0; i < size; i += 4096) {
		buf[i] = 1;
	}
	if (pthread_create(&t, NULL, writer, NULL) || pthread_join(t, NULL)) {
		return 1;
	}
	for (double end = now_ms() + ms; now_ms() < end;) {
		spin++;
	}
	return buf[size / 2] != 1;
}

/* Contents of /proc/PID/NAME into BUF (NUL-terminated); 0 or -1. */
static int slurp(int pid, const char *name, char *buf, size_t n)
{
	char path[64];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -1;
	}
	got = read(fd, buf, n - 1);
	close(fd);
	if (got <= 0) {
		return -1;
	}
	buf[got] = '\0';
	return 0;
}

/* The number after "KEY" (a line start) in BUF, or 0. */
static unsigned long long field(const char *buf, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, kl)) {
			return strtoull(p + kl, NULL, 10);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	long ms = argc > 2 ? atol(argv[2]) : 60;
	unsigned long long minflt, majflt, utime, stime;
	char stat[1024], io[1024], status[8192];
	struct timespec settle = { 0, 20 * 1000 * 1000 };
	siginfo_t si;
	const char *p;
	FILE *out;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: zombie_read OUT [MS [WRITES]]\n");
		return 2;
	}
	if (argc > 3) {
		nwrites = atol(argv[3]);
	}
	pid = fork();
	if (pid < 0) {
		perror("zombie_read: fork");
		return 1;
	}
	if (pid == 0) {
		_exit(child(ms));
	}
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) || si.si_code != CLD_EXITED || si.si_status) {
		fprintf(stderr, "zombie_read: child did not exit 0\n");
		return 1;
	}
	/* The zombie becomes visible just before its last context switch. */
	nanosleep(&settle, NULL);
	if (slurp(pid, "stat", stat, sizeof(stat)) || slurp(pid, "io", io, sizeof(io)) ||
	    slurp(pid, "status", status, sizeof(status)) || !(p = strrchr(stat, ')'))) {
		fprintf(stderr, "zombie_read: cannot read /proc/%d\n", pid);
		return 1;
	}
	/* fields 10 minflt, 12 majflt, 14 utime, 15 stime (p is at field 2's end) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %*u %llu %*u %llu %llu", &minflt,
		   &majflt, &utime, &stime) != 4) {
		fprintf(stderr, "zombie_read: cannot parse /proc/%d/stat\n", pid);
		return 1;
	}
	out = fopen(argv[1], "w");
	if (!out) {
		perror("zombie_read: OUT");
		return 1;
	}
	fprintf(out, "%d %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n", (int)pid,
		utime, stime, minflt, majflt, field(io, "syscr: "), field(io, "syscw: "),
		field(io, "rchar: "), field(io, "wchar: "), field(io, "read_bytes: "),
		field(io, "write_bytes: "), field(status, "voluntary_ctxt_switches:"),
		field(status, "nonvoluntary_ctxt_switches:"));
	fclose(out);
	return waitpid(pid, NULL, 0) == pid ? 0 : 1;
}
