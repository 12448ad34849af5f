// SPDX-License-Identifier: MIT
/*
 * threads [ROUNDS]: three threads pass a one-byte token around a ring of
 * three pipes, ROUNDS times (default 20), so a trace has several threads of
 * one process, blocking reads that wait on each other, and exactly known
 * counts per thread.
 *
 * Thread i (i = 0, 1, 2) first names itself "ring-<i>" (prctl
 * PR_SET_NAME, a comm change), then ROUNDS times reads one byte from pipe i
 * and writes it to pipe (i + 1) % 3. The main thread renames itself
 * "ring-main", writes the token into pipe 0, joins the threads and reads the
 * token back from pipe 0 (where thread 2's last write left it).
 *
 * Raw read/write syscalls on the pipes, so per-thread totals are exact:
 * each ring thread read ROUNDS, write ROUNDS (all returning 1); the main
 * thread write 1 and read 1 on the pipes. Exits 0 when every call moved one
 * byte and the token came back unchanged, 1 otherwise.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 3

static int ring[NTHREADS][2];
static int rounds = 20;
static int failures;

static void *ring_thread(void *arg)
{
	long i = (long)arg;
	char name[16], c;

	snprintf(name, sizeof(name), "ring-%ld", i);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	for (int r = 0; r < rounds; r++) {
		if (syscall(SYS_read, ring[i][0], &c, 1) != 1 ||
		    syscall(SYS_write, ring[(i + 1) % NTHREADS][1], &c, 1) != 1) {
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	char token = 'T', back = 0;

	if (argc > 1) {
		rounds = atoi(argv[1]);
	}
	if (rounds < 1) {
		fprintf(stderr, "usage: threads [ROUNDS>=1]\n");
		return 2;
	}
	prctl(PR_SET_NAME, "ring-main", 0, 0, 0);
	for (int i = 0; i < NTHREADS; i++) {
		if (pipe(ring[i]) != 0) {
			perror("threads: pipe");
			return 1;
		}
	}
	for (long i = 0; i < NTHREADS; i++) {
		if (pthread_create(&t[i], NULL, ring_thread, (void *)i) != 0) {
			fprintf(stderr, "threads: pthread_create failed\n");
			return 1;
		}
	}
	if (syscall(SYS_write, ring[0][1], &token, 1) != 1) {
		failures++;
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], NULL);
	}
	if (syscall(SYS_read, ring[0][0], &back, 1) != 1 || back != token) {
		failures++;
	}
	if (failures) {
		fprintf(stderr, "threads: %d calls did not move the token\n", failures);
	}
	return failures ? 1 : 0;
}
