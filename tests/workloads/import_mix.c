// SPDX-License-Identifier: MIT
/*
 * Workload for the strace import tests: known syscalls, a failing open, a
 * thread blocked in read(2) while the main thread writes (so strace prints
 * <unfinished ...> / <... resumed> pairs), and a child that re-executes this
 * program with "child" and exits with status 3.
 *
 *   import_mix          the whole mix; exits 0
 *   import_mix child    what the child runs after execve: a few getppid, exit 3
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pipefd[2], readyfd[2];

static void *reader(void *arg)
{
	char buf[16];
	ssize_t n;

	/*
	 * Tell the main thread we are about to block, so its 50 ms sleep starts
	 * after the read does, however late this thread was scheduled.
	 */
	if (write(readyfd[1], "r", 1) != 1) {
		return (void *)-1L;
	}
	/* Blocks until the main thread writes: strace shows read unfinished. */
	n = read(pipefd[0], buf, sizeof(buf));
	return (void *)(long)n;
}

int main(int argc, char **argv)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	pthread_t th;
	void *res;
	pid_t pid;
	int status, i, fd;

	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		for (i = 0; i < 3; i++) {
			syscall(SYS_getppid);
		}
		_exit(3);
	}
	for (i = 0; i < 7; i++) {
		syscall(SYS_getpid);
	}
	for (i = 0; i < 4; i++) {
		fd = open("/nonexistent/import_mix", O_RDONLY);
		if (fd >= 0 || errno != ENOENT) {
			return 1;
		}
	}
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0) {
		return 1;
	}
	for (i = 0; i < 5; i++) {
		if (write(fd, "import = mix\n", 13) != 13) {
			return 1;
		}
	}
	close(fd);
	if (pipe(pipefd) < 0 || pipe(readyfd) < 0) {
		return 1;
	}
	if (pthread_create(&th, NULL, reader, NULL) != 0) {
		return 1;
	}
	char c;
	if (read(readyfd[0], &c, 1) != 1) {
		return 1;
	}
	nanosleep(&ts, NULL);
	if (write(pipefd[1], "wake", 4) != 4) {
		return 1;
	}
	pthread_join(th, &res);
	if ((long)res != 4) {
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		return 1;
	}
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 3) {
		return 1;
	}
	return 0;
}
