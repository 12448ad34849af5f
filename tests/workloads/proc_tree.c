// SPDX-License-Identifier: MIT
/*
 * proc_tree N M: a known tree of processes and threads.
 *   - M threads, each one getppid() then return (pthread_exit: plain exit);
 *   - N children: child i (i < N-1) re-execs this program as
 *     "proc_tree child <10+i>" which exits with status 10+i; child 0 first
 *     forks a grandchild that exits 7; the last child pauses and is killed
 *     with SIGKILL by the parent.
 * The main process first renames itself "tree-root" (prctl) and names its
 * first thread "tree-thr" (pthread_setname_np, from the main thread); it
 * waits for all and exits 0.
 */
#include <pthread.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_barrier_t named;

static void *thread_fn(void *arg)
{
	if (arg) {
		pthread_barrier_wait(&named); /* wait until the main thread named us */
	}
	syscall(SYS_getppid);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "child")) {
		return atoi(argv[2]);
	}
	int n = argc > 1 ? atoi(argv[1]) : 4;
	int m = argc > 2 ? atoi(argv[2]) : 3;
	pthread_t th[64];
	pid_t pids[64];

	if (n < 1 || n > 64 || m < 0 || m > 64) {
		return 2;
	}
	prctl(PR_SET_NAME, "tree-root", 0, 0, 0);
	pthread_barrier_init(&named, NULL, 2);
	for (int i = 0; i < m; i++) {
		pthread_create(&th[i], NULL, thread_fn, i == 0 ? &named : NULL);
		if (i == 0) {
			pthread_setname_np(th[0], "tree-thr");
			pthread_barrier_wait(&named);
		}
	}
	for (int i = 0; i < m; i++) {
		pthread_join(th[i], NULL);
	}
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			return 1;
		}
		if (pids[i] == 0) {
			char code[16];

			if (i == n - 1) {
				for (;;) {
					pause();
				}
			}
			if (i == 0) {
				pid_t g = fork();

				if (g == 0) {
					_exit(7);
				}
				waitpid(g, NULL, 0);
			}
			snprintf(code, sizeof(code), "%d", 10 + i);
			execl("/proc/self/exe", argv[0], "child", code, (char *)NULL);
			_exit(127);
		}
	}
	for (int i = 0; i < n - 1; i++) {
		waitpid(pids[i], NULL, 0);
	}
	kill(pids[n - 1], SIGKILL);
	waitpid(pids[n - 1], NULL, 0);
	return 0;
}
