// SPDX-License-Identifier: MIT
/*
 * Launching `record -- CMD`: the child is forked first and waits on a pipe
 * until the recorder follows its pid, so not one syscall of CMD is missed.
 * Privileges are dropped in the child only (the recorder needs its own).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rec.h"

struct run_as {
	bool set;
	uid_t uid;
	gid_t gid;
	char name[64];
};

static int resolve_user(const char *user, struct run_as *ra, char *err, size_t n)
{
	struct passwd *pw;
	const char *su;

	memset(ra, 0, sizeof(*ra));
	if (user) {
		char *end;
		unsigned long id = strtoul(user, &end, 10);

		pw = (*user && !*end) ? getpwuid(id) : getpwnam(user);
		if (!pw) {
			snprintf(err, n, "no such user: '%s'", user);
			return -1;
		}
	} else {
		/* Under sudo the command runs as the user who typed it. */
		su = getenv("SUDO_UID");
		if (!su || geteuid() != 0) {
			return 0;
		}
		pw = getpwuid(strtoul(su, NULL, 10));
		if (!pw) {
			snprintf(err, n, "SUDO_UID=%s names no user (use --user)", su);
			return -1;
		}
	}
	ra->set = true;
	ra->uid = pw->pw_uid;
	ra->gid = pw->pw_gid;
	if (!user && getenv("SUDO_GID")) {
		ra->gid = strtoul(getenv("SUDO_GID"), NULL, 10);
	}
	snprintf(ra->name, sizeof(ra->name), "%s", pw->pw_name);
	return 0;
}

int rec_launch_check_user(const char *user, char *err, size_t n)
{
	struct run_as ra;

	if (resolve_user(user, &ra, err, n)) {
		return -1;
	}
	if (ra.set && geteuid() != 0 && ra.uid != geteuid()) {
		snprintf(err, n, "cannot run the command as '%s' without root", ra.name);
		return -1;
	}
	return 0;
}

static void child(char **cmd, const struct run_as *ra, int go)
{
	sigset_t none;
	char c;
	ssize_t r;

	/* Undo what the recorder set up for itself. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	do {
		r = read(go, &c, 1);
	} while (r < 0 && errno == EINTR);
	if (r != 1) {
		_exit(127); /* the recorder gave up before starting us */
	}
	close(go);
	if (ra->set) {
		if (initgroups(ra->name, ra->gid) || setgid(ra->gid) || setuid(ra->uid)) {
			fprintf(stderr, "sysrec record: cannot switch to user '%s': %s\n", ra->name,
				strerror(errno));
			_exit(127);
		}
	}
	execvp(cmd[0], cmd);
	fprintf(stderr, "sysrec record: cannot run '%s': %s\n", cmd[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int rec_launch_start(struct rec_launch *l, char **cmd, const char *user, char *err, size_t n)
{
	struct run_as ra;
	int p[2];
	pid_t pid;

	if (resolve_user(user, &ra, err, n)) {
		return -1;
	}
	if (pipe2(p, O_CLOEXEC)) {
		snprintf(err, n, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, n, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		child(cmd, &ra, p[0]);
	}
	close(p[0]);
	l->pid = pid;
	l->go_fd = p[1];
	return 0;
}

int rec_launch_go(struct rec_launch *l)
{
	ssize_t r;

	if (l->go_fd < 0) {
		return 0;
	}
	do {
		r = write(l->go_fd, "g", 1);
	} while (r < 0 && errno == EINTR);
	close(l->go_fd);
	l->go_fd = -1;
	return r == 1 ? 0 : -1;
}
