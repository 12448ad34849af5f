/* SPDX-License-Identifier: MIT */
/*
 * Self-contained HTML pages for report and compare: inline CSS, no script,
 * no external resource; plots are SVG files referenced by relative path so
 * the page opens straight from disk.
 */
#ifndef SYSREC_HTML_H
#define SYSREC_HTML_H

#include <stdio.h>

#include "plot.h"

void html_esc(FILE *f, const char *s);
void html_begin(FILE *f, const char *title);
void html_end(FILE *f);
/* A bar of links to the sections IDS[i] titled TITLES[i]. */
void html_nav(FILE *f, const char *const *ids, const char *const *titles, int n);
/* A figure card: big value V over its name K; CLS an extra CSS class or NULL. */
void html_card(FILE *f, const char *k, const char *v, const char *cls);
/* <h2 id=ID>TITLE</h2> */
void html_section(FILE *f, const char *id, const char *title);
/* A definition list row: <tr><th>K</th><td>V</td></tr> inside a facts table. */
void html_fact(FILE *f, const char *k, const char *v);
/* Every drawn plot of PS as <figure><img src="plots/NAME.svg">, or the note
 * that gnuplot is missing. Plots whose name starts with PREFIX only (NULL = all). */
void html_plots(FILE *f, const struct plot_set *ps, const char *prefix);
/* The same for Markdown. */
void md_plots(FILE *f, const struct plot_set *ps, const char *prefix);

#endif
