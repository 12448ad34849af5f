// SPDX-License-Identifier: MIT
/*
 * floor_loader [--stats] [OBJ] -- CMD [ARGS...]
 *
 * With OBJ: load the BPF object OBJ (the empty programs of floor.bpf.c),
 * attach every program in it, run CMD, and detach when CMD ends.
 * With --stats: keep BPF run-time statistics on while CMD runs, through
 * BPF_ENABLE_STATS rather than the kernel.bpf_stats_enabled sysctl: the
 * kernel counts the holders of that fd, so concurrent users cannot leave
 * statistics (and their cost on every BPF program run) switched on, and it
 * ends with this process even if it is killed.
 * Exits with CMD's status (1 if loading or attaching failed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_LINKS 8

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_link *links[MAX_LINKS];
	const char *path = NULL;
	int nlinks = 0, rc = 1, status, stats_fd = -1, argi = 1;
	pid_t pid;

	if (argi < argc && strcmp(argv[argi], "--stats") == 0) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0) {
			fprintf(stderr, "floor_loader: cannot enable BPF statistics: %s\n",
				strerror(-stats_fd));
			return 1;
		}
		argi++;
	}
	if (argi < argc && strcmp(argv[argi], "--") != 0) {
		path = argv[argi++];
	}
	if (argi + 1 >= argc || strcmp(argv[argi], "--") != 0) {
		fprintf(stderr, "usage: floor_loader [--stats] [OBJ] -- CMD [ARGS...]\n");
		return 2;
	}
	argi++;
	libbpf_set_print(quiet_print);
	if (path) {
		obj = bpf_object__open_file(path, NULL);
		if (!obj) {
			fprintf(stderr, "floor_loader: cannot open %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (bpf_object__load(obj)) {
			fprintf(stderr, "floor_loader: cannot load %s: %s\n", path, strerror(errno));
			goto out;
		}
		bpf_object__for_each_program(prog, obj) {
			if (nlinks == MAX_LINKS) {
				break;
			}
			links[nlinks] = bpf_program__attach(prog);
			if (!links[nlinks]) {
				fprintf(stderr, "floor_loader: cannot attach %s: %s\n",
					bpf_program__name(prog), strerror(errno));
				goto out;
			}
			nlinks++;
		}
	}
	pid = fork();
	if (pid < 0) {
		perror("floor_loader: fork");
		goto out;
	}
	if (pid == 0) {
		if (stats_fd >= 0) {
			close(stats_fd); /* only this process holds the switch */
		}
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "floor_loader: cannot run %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("floor_loader: waitpid");
			goto out;
		}
	}
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	while (nlinks > 0) {
		bpf_link__destroy(links[--nlinks]);
	}
	bpf_object__close(obj);
	if (stats_fd >= 0) {
		close(stats_fd);
	}
	return rc;
}
