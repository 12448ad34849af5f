// SPDX-License-Identifier: MIT
/* gnuplot driver (plot.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "plot.h"

const char *const plot_colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
	"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};

bool plot_find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path || !*path) {
		return false;
	}
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		if (len == 0) {
			snprintf(buf, sizeof(buf), "./%s", name);
		} else {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, name);
		}
		if (access(buf, X_OK) == 0) {
			return true;
		}
		if (!colon) {
			break;
		}
		path = colon + 1;
	}
	return false;
}

static int mkdir_p(const char *dir)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/') {
			continue;
		}
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST) {
			return -1;
		}
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST) {
		return -1;
	}
	return 0;
}

int plot_begin(struct plot_set *ps, const char *outdir)
{
	memset(ps, 0, sizeof(*ps));
	snprintf(ps->dir, sizeof(ps->dir), "%s/plots", outdir);
	if (mkdir_p(ps->dir)) {
		cli_err("cannot create %s: %s", ps->dir, strerror(errno));
		return -1;
	}
	ps->gnuplot = plot_find_in_path("gnuplot");
	return 0;
}

FILE *plot_data(struct plot_set *ps, const char *file)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", ps->dir, file);
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_err("cannot write %s: %s", path, strerror(errno));
	}
	return f;
}

int plot_close_data(FILE *f)
{
	bool bad = ferror(f);

	if (fclose(f) || bad) {
		cli_err("write error in a plot data file: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

void plot_quote(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'') {
			fputs("''", f);
		} else if (*s == '_' || *s == '^' || *s == '@' || *s == '&' || *s == '{' ||
			   *s == '}' || *s == '~') {
			/* enhanced text mode: make these literal */
			fprintf(f, "\\\\%c", *s);
		} else if ((unsigned char)*s >= 0x20) {
			fputc(*s, f);
		}
	}
}

FILE *plot_script(struct plot_set *ps, const char *name, const char *title)
{
	char path[4200];

	if (ps->n >= PLOT_MAX || ps->cur) {
		return NULL;
	}
	struct plot_entry *e = &ps->e[ps->n];
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->title, sizeof(e->title), "%s", title);
	snprintf(path, sizeof(path), "%s/%s.gp", ps->dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_err("cannot write %s: %s", path, strerror(errno));
		return NULL;
	}
	ps->n++;
	ps->cur = f;
	fprintf(f, "# sysrec plot '%s': edit and re-run with `gnuplot %s.gp` in this folder.\n",
		title, name);
	fprintf(f, "set terminal svg size 960,400 dynamic enhanced font 'Sans,11' "
		   "background rgb 'white'\n");
	fprintf(f, "set output '%s.svg'\n", name);
	fprintf(f, "set title '");
	plot_quote(f, title);
	fprintf(f, "'\n");
	fprintf(f, "set grid lc rgb '#dddddd'\nset border lc rgb '#555555'\n");
	fprintf(f, "set key outside right top noenhanced\nset datafile separator '\\t'\n");
	fprintf(f, "set style data lines\n");
	return f;
}

static int run_gnuplot(struct plot_set *ps, const char *name)
{
	char log[4200];
	pid_t pid;
	int status;

	snprintf(log, sizeof(log), "%s/%s.log", ps->dir, name);
	pid = fork();
	if (pid < 0) {
		return -1;
	}
	if (pid == 0) {
		char gp[128];
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int nul = open("/dev/null", O_RDONLY);
		if (chdir(ps->dir)) {
			_exit(127);
		}
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (nul >= 0) {
			dup2(nul, 0);
		}
		snprintf(gp, sizeof(gp), "%s.gp", name);
		execlp("gnuplot", "gnuplot", gp, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			return -1;
		}
	}
	struct stat st;
	if (stat(log, &st) == 0 && st.st_size == 0) {
		unlink(log);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		return -1;
	}
	return 0;
}

int plot_finish(struct plot_set *ps)
{
	struct plot_entry *e = &ps->e[ps->n - 1];
	char svg[4200];
	struct stat st;
	int rc = 0;

	if (!ps->cur) {
		return -1;
	}
	bool bad = ferror(ps->cur);
	if (fclose(ps->cur) || bad) {
		ps->cur = NULL;
		cli_err("write error in plot script %s/%s.gp", ps->dir, e->name);
		return -1;
	}
	ps->cur = NULL;
	if (!ps->gnuplot) {
		return 0;
	}
	snprintf(svg, sizeof(svg), "%s/%s.svg", ps->dir, e->name);
	if (run_gnuplot(ps, e->name) || stat(svg, &st) || st.st_size == 0) {
		cli_warn("gnuplot failed on %s/%s.gp (see %s/%s.log)", ps->dir, e->name, ps->dir,
			 e->name);
		ps->failed++;
		rc = -1;
	} else {
		e->drawn = true;
		ps->drawn++;
	}
	return rc;
}

void plot_write_cdf(FILE *f, const uint64_t *v, uint32_t n, uint32_t maxpts)
{
	if (!n) {
		fprintf(f, "0.001\t0\n");
		return;
	}
	uint32_t step = n / maxpts + 1;
	for (uint32_t i = 0; i < n; i += step) {
		/* log x axis: keep zero durations visible at 1 ns */
		double x = v[i] ? v[i] / 1e3 : 0.001;
		fprintf(f, "%.4f\t%.6f\n", x, (double)(i + 1) / n);
	}
	fprintf(f, "%.4f\t1\n", v[n - 1] ? v[n - 1] / 1e3 : 0.001);
}

void plot_cdf_axes(FILE *g)
{
	fprintf(g, "set logscale x 10\nset xlabel 'latency (us, log scale)'\n"
		   "set ylabel 'fraction of calls'\nset yrange [0:1.02]\nset format x '10^{%%L}'\n");
}
