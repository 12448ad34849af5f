// SPDX-License-Identifier: MIT
/*
 * proc_storm N J: processes and threads coming and going, each making J
 * getpriority(PRIO_PROCESS, WHO) calls (ESRCH) with
 * WHO = 0x40000000 | kind << 26 | c << 8 | i that name its kind, its
 * number c and the call i:
 *   kind 5  N children started with fork() at once, each exits with c
 *   kind 6  N/4 children started with vfork() that exec this program
 *           ("proc_storm vforked C J") and make the calls after the exec
 *   kind 7  N/4 children started with a raw clone3() (exit signal SIGCHLD)
 *   kind 8  then 4 threads; threads 1-3 make calls until the process
 *           execs; thread 0 makes J calls and execs this program from the
 *           non-leader thread ("proc_storm after J"), which makes J calls
 *           of kind 9 with c = 0 in the leader's tid and exits 0
 * Between the phases the leader makes J getpid calls through int 0x80
 * (x86_64).
 */
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define WHO(kind, c, i) (0x40000000L | (long)(kind) << 26 | (long)(c) << 8 | (i))

static long j;
static char *self_path;

static void calls(int kind, long c)
{
	for (long i = 0; i < j; i++) {
		syscall(SYS_getpriority, PRIO_PROCESS, WHO(kind, c, i));
	}
}

static void int80_getpids(void)
{
#ifdef __x86_64__
	for (long i = 0; i < j; i++) {
		long r;

		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	}
#endif
}

static void reap(int n)
{
	for (int k = 0; k < n; k++) {
		if (wait(NULL) < 0) {
			perror("wait");
			exit(1);
		}
	}
}

static void *thread(void *arg)
{
	long t = (long)arg;
	char jbuf[32];

	if (t) {
		for (long i = 0;; i++) {
			syscall(SYS_getpriority, PRIO_PROCESS, WHO(8, t, i & 0xff));
		}
	}
	calls(8, 0);
	snprintf(jbuf, sizeof(jbuf), "%ld", j);
	execl(self_path, "proc_storm", "after", jbuf, (char *)NULL);
	perror("execl");
	exit(1);
}

int main(int argc, char **argv)
{
	pthread_t th[4];
	long n;

	self_path = argv[0];
	if (argc == 4 && !strcmp(argv[1], "vforked")) {
		j = atol(argv[3]);
		calls(6, atol(argv[2]));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "after")) {
		j = atol(argv[2]);
		calls(9, 0);
		return 0;
	}
	if (argc != 3 || (n = atol(argv[1])) < 4 || n > 1000 || (j = atol(argv[2])) < 1 ||
	    j > 256) {
		fprintf(stderr, "usage: proc_storm N(4-1000) J(1-256)\n");
		return 2;
	}
	for (long c = 0; c < n; c++) {
		pid_t p = fork();

		if (p == 0) {
			calls(5, c);
			_exit(c & 0x7f);
		}
		if (p < 0) {
			perror("fork");
			return 1;
		}
	}
	reap(n);
	int80_getpids();
	for (long c = 0; c < n / 4; c++) {
		char cbuf[32], jbuf[32];
		pid_t p;

		snprintf(cbuf, sizeof(cbuf), "%ld", c);
		snprintf(jbuf, sizeof(jbuf), "%ld", j);
		p = vfork();
		if (p == 0) {
			execl(self_path, "proc_storm", "vforked", cbuf, jbuf, (char *)NULL);
			_exit(127);
		}
		if (p < 0) {
			perror("vfork");
			return 1;
		}
	}
	reap(n / 4);
	int80_getpids();
	for (long c = 0; c < n / 4; c++) {
		struct clone_args ca = { .exit_signal = SIGCHLD };
		long p = syscall(SYS_clone3, &ca, sizeof(ca));

		if (p == 0) {
			calls(7, c);
			syscall(SYS_exit_group, 0);
		}
		if (p < 0) {
			perror("clone3");
			return 1;
		}
	}
	reap(n / 4);
	int80_getpids();
	for (long t = 3; t >= 0; t--) {
		if (pthread_create(&th[t], NULL, thread, (void *)t)) {
			fprintf(stderr, "proc_storm: pthread_create failed\n");
			return 1;
		}
	}
	pthread_join(th[0], NULL);
	return 1;
}
