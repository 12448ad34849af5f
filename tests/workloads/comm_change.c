// SPDX-License-Identifier: MIT
/*
 * comm_change [K]: comm changes for process event tests. The main thread
 * renames itself K times (default 3) with prctl(PR_SET_NAME) to "cc-main-<i>";
 * then a new thread names itself "cc-worker" with pthread_setname_np and
 * exits; then the process execs nothing and exits 0. Names stay within the
 * kernel's 15 characters.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>

static void *worker(void *arg)
{
	pthread_setname_np(pthread_self(), "cc-worker");
	return NULL;
}

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 3;
	pthread_t th;
	char name[32];

	for (int i = 0; i < k; i++) {
		snprintf(name, sizeof(name), "cc-main-%d", i);
		name[15] = '\0'; /* the kernel keeps 15 characters */
		if (prctl(PR_SET_NAME, name) != 0) {
			perror("prctl");
			return 1;
		}
	}
	if (pthread_create(&th, NULL, worker, NULL) != 0) {
		return 1;
	}
	pthread_join(th, NULL);
	return 0;
}
