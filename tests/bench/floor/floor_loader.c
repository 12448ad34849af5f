// SPDX-License-Identifier: MIT
/*
 * floor_loader OBJ -- CMD [ARGS...]: load the BPF object OBJ (the empty
 * programs of floor.bpf.c), attach every program in it, run CMD, and detach
 * when CMD ends. Exits with CMD's status (1 if loading or attaching failed).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	int nlinks = 0, rc = 1, status;
	pid_t pid;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: floor_loader OBJ -- CMD [ARGS...]\n");
		return 2;
	}
	libbpf_set_print(quiet_print);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor_loader: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "floor_loader: cannot load %s: %s\n", argv[1], strerror(errno));
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
	pid = fork();
	if (pid < 0) {
		perror("floor_loader: fork");
		goto out;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "floor_loader: cannot run %s: %s\n", argv[3], strerror(errno));
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
	return rc;
}
