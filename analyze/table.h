/* SPDX-License-Identifier: MIT */
/*
 * A table built once and written as aligned text (terminal), Markdown and
 * HTML, so the three outputs of report/compare always agree.
 */
#ifndef SYSREC_TABLE_H
#define SYSREC_TABLE_H

#include <stdio.h>

#define TAB_MAXCOLS 16

struct table {
	int ncols;
	const char *head[TAB_MAXCOLS];
	char right[TAB_MAXCOLS];  /* 1 = right-aligned (numbers) */
	char ***rows;             /* rows[i][j], owned */
	int nrows, caprows;
	int cls_col;              /* column whose value becomes a CSS class; -1 none */
};

/* SPEC: column names separated by '|'; a name starting with '>' is right-aligned. */
void tab_init(struct table *t, const char *spec);
/* Add a row: ncols printf-style cells are passed already formatted. */
void tab_row(struct table *t, ...);   /* const char * cells, exactly ncols */
void tab_print_text(const struct table *t, FILE *f, const char *indent);
void tab_print_md(const struct table *t, FILE *f);
void tab_print_html(const struct table *t, FILE *f);
void tab_free(struct table *t);



/* printf into one of 64 rotating buffers: handy for building table cells. */
const char *tab_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
