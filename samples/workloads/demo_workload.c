// SPDX-License-Identifier: MIT
/*
 * The built-in demo workload of `make demo`: a small program that does a bit
 * of everything sysrec records, so every part of the report has something to
 * show: file I/O (including failing opens), a pipe between two processes,
 * worker threads, a child that execs, memory growth, and sleeps.
 *
 * Usage: demo_workload [ROUNDS]   (default 20)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/tmp/sysrec-demo-%d-%ld", getpid(), id);
	for (int i = 0; i < 50; i++) {
		int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0) {
			return NULL;
		}
		memset(buf, 'a' + i % 26, sizeof(buf));
		for (int k = 0; k < 8; k++) {
			if (write(fd, buf, sizeof(buf)) < 0) {
				break;
			}
		}
		close(fd);
		struct stat st;
		stat(path, &st);
		nap(2);
	}
	unlink(path);
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	size_t grown = 0;
	char *mem = NULL;

	for (int r = 0; r < rounds; r++) {
		/* files that do not exist: failed syscalls for the summary */
		for (int i = 0; i < 5; i++) {
			int fd = open("/nonexistent/sysrec-demo", O_RDONLY);
			if (fd >= 0) {
				close(fd);
			}
		}
		/* read a real file */
		int fd = open("/etc/os-release", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			char buf[1024];
			while (read(fd, buf, sizeof(buf)) > 0) {
			}
			close(fd);
		}
		/* grow memory, touching it so RSS follows */
		grown += 2 << 20;
		char *m = realloc(mem, grown);
		if (m) {
			mem = m;
			memset(mem, r, grown);
		}
		nap(10);
	}

	/* two worker threads doing file I/O */
	pthread_t t[2];
	for (long i = 0; i < 2; i++) {
		pthread_create(&t[i], NULL, worker, (void *)i);
	}

	/* a child process that execs, fed through a pipe */
	int p[2];
	if (pipe(p) == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			dup2(p[0], 0);
			close(p[0]);
			close(p[1]);
			execlp("wc", "wc", "-c", (char *)NULL);
			_exit(127);
		}
		close(p[0]);
		for (int i = 0; i < 100; i++) {
			if (write(p[1], "sysrec demo line\n", 17) < 0) {
				break;
			}
		}
		close(p[1]);
		int st;
		waitpid(pid, &st, 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
	}
	free(mem);
	return 0;
}
