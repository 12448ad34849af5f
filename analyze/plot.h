/* SPDX-License-Identifier: MIT */
/*
 * gnuplot driver: each plot is a script NAME.gp and data files written into
 * DIR/plots, then `gnuplot NAME.gp` is run there to draw NAME.svg. The
 * scripts stay, so a user can edit one and re-run gnuplot by hand.
 */
#ifndef SYSREC_PLOT_H
#define SYSREC_PLOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PLOT_MAX 32
#define PLOT_INSTALL_HINT "apt-get install gnuplot-nox"

struct plot_entry {
	char name[64];
	char title[128];
	bool drawn;      /* NAME.svg was produced */
};

struct plot_set {
	char dir[4096];  /* DIR/plots */
	bool gnuplot;    /* gnuplot found in PATH */
	int drawn, failed;
	struct plot_entry e[PLOT_MAX];
	int n;
	FILE *cur;       /* script being written */
};

/* Create OUTDIR/plots and look for gnuplot in PATH. -1 with a message on error. */
int plot_begin(struct plot_set *ps, const char *outdir);
/* Is an executable named NAME in PATH? */
bool plot_find_in_path(const char *name);
/* Open DIR/plots/FILE for writing data (caller closes with plot_close_data). */
FILE *plot_data(struct plot_set *ps, const char *file);
int plot_close_data(FILE *f);
/*
 * Start script NAME.gp with the common preamble (SVG terminal, output
 * NAME.svg, grid, key); the caller adds the plot commands to the FILE.
 */
FILE *plot_script(struct plot_set *ps, const char *name, const char *title);
/* Close the script and run gnuplot on it (when found). */
int plot_finish(struct plot_set *ps);
/* Write gnuplot's escaped form of S (inside single quotes). */
void plot_quote(FILE *f, const char *s);
/* Write a CDF of sorted samples (ns) as "x_us fraction" lines, at most MAXPTS. */
void plot_write_cdf(FILE *f, const uint64_t *v, uint32_t n, uint32_t maxpts);
/* Axes of a latency CDF plot (log-scale microseconds, fraction of calls). */
void plot_cdf_axes(FILE *g);
/* Line colours used by every plot, so runs and syscalls keep their colour. */
extern const char *const plot_colors[];
#define PLOT_NCOLORS 10

#endif
