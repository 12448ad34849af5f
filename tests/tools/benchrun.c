// SPDX-License-Identifier: MIT
/*
 * benchrun [-o FILE] -- CMD [ARGS...]: run CMD and report what CMD's own
 * process cost, not counting the children it runs: for a recorder launched
 * as `benchrun -- sysrec record -- WORKLOAD` that is the recorder alone.
 *
 *   wall_ms=W cpu_ms=C utime_ms=U stime_ms=S hwm_kb=H status=X
 *
 * cpu is read from /proc/PID/stat of the exited (not yet reaped) process:
 * its threads' user and system time, without its reaped children's. hwm is
 * the highest VmHWM seen while polling /proc/PID/status every 10 ms (a
 * zombie has no memory figures left, so the last poll before exit stands).
 * own is the highest VmRSS minus what BPF map mappings hold (smaps): a
 * recorder's ring buffer maps its data pages twice, so RSS counts them
 * twice, and they are the kernel buffer, not the recorder's own memory.
 * The line goes to FILE (-o) or stderr. Exits with CMD's status.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* VmRSS of PID minus the Rss of its BPF map mappings, in KiB; 0 if unknown. */
static uint64_t own_rss_kb(pid_t pid)
{
	unsigned long long rss = 0, maps = 0, v;
	char path[64], line[512];
	bool in_map = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f) {
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, ' ') && line[0] != ' ' &&
		    strchr(line, '-') < strchr(line, ' ')) {
			/* a mapping line: "start-end perms offset dev inode [name]" */
			in_map = strstr(line, "anon_inode:bpf-map") != NULL;
		} else if (sscanf(line, "Rss: %llu kB", &v) == 1) {
			rss += v;
			if (in_map) {
				maps += v;
			}
		}
	}
	fclose(f);
	return rss > maps ? rss - maps : 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct sr_sample s;
	uint64_t t0, wall, hwm = 0, own = 0, o;
	long tck = sysconf(_SC_CLK_TCK);
	int argi = 1, status = 0, rc;
	pid_t pid;
	FILE *f;

	if (argi + 1 < argc && strcmp(argv[argi], "-o") == 0) {
		out = argv[argi + 1];
		argi += 2;
	}
	if (argi >= argc || strcmp(argv[argi], "--") != 0 || argi + 1 >= argc) {
		fprintf(stderr, "usage: benchrun [-o FILE] -- CMD [ARGS...]\n");
		return 2;
	}
	argi++;
	if (tck <= 0) {
		tck = 100;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("benchrun: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "benchrun: cannot run %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	/* Signals meant for the run go to CMD, which decides how to stop. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	for (;;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR) {
			perror("benchrun: waitid");
			return 1;
		}
		if (si.si_pid == pid) {
			break;
		}
		if (procfs_read_sample(pid, 0, &s) == 0 && s.vm_hwm_kb > hwm) {
			hwm = s.vm_hwm_kb;
		}
		if ((o = own_rss_kb(pid)) > own) {
			own = o;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	wall = now_ns() - t0;
	memset(&s, 0, sizeof(s));
	rc = procfs_read_sample(pid, 0, &s); /* the zombie: cpu times still there */
	if (rc < 0) {
		fprintf(stderr, "benchrun: cannot read /proc/%d/stat: %s\n", (int)pid, strerror(-rc));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	f = out ? fopen(out, "w") : stderr;
	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "wall_ms=%.1f cpu_ms=%.0f utime_ms=%.0f stime_ms=%.0f hwm_kb=%llu own_kb=%llu "
		"status=%d\n",
		(double)wall / 1e6, (double)(s.utime_ticks + s.stime_ticks) * 1000.0 / (double)tck,
		(double)s.utime_ticks * 1000.0 / (double)tck,
		(double)s.stime_ticks * 1000.0 / (double)tck, (unsigned long long)hwm,
		(unsigned long long)own, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (out && fclose(f) != 0) {
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
