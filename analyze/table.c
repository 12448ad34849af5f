// SPDX-License-Identifier: MIT
/* One table, three renderings (table.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "table.h"

void tab_init(struct table *t, const char *spec)
{
	char *s = strdup(spec), *save = NULL;

	memset(t, 0, sizeof(*t));
	t->cls_col = -1;
	for (char *c = strtok_r(s, "|", &save); c && t->ncols < TAB_MAXCOLS;
	     c = strtok_r(NULL, "|", &save)) {
		if (*c == '>') {
			t->right[t->ncols] = 1;
			c++;
		}
		t->head[t->ncols++] = strdup(c);
	}
	free(s);
}

void tab_row(struct table *t, ...)
{
	va_list ap;

	if (t->nrows == t->caprows) {
		int nc = t->caprows ? t->caprows * 2 : 16;
		char ***nr = realloc(t->rows, nc * sizeof(*nr));
		if (!nr) {
			return;
		}
		t->rows = nr;
		t->caprows = nc;
	}
	char **row = calloc(t->ncols, sizeof(*row));
	if (!row) {
		return;
	}
	va_start(ap, t);
	for (int j = 0; j < t->ncols; j++) {
		const char *c = va_arg(ap, const char *);
		row[j] = strdup(c ? c : "");
	}
	va_end(ap);
	t->rows[t->nrows++] = row;
}

void tab_print_text(const struct table *t, FILE *f, const char *indent)
{
	int w[TAB_MAXCOLS];

	for (int j = 0; j < t->ncols; j++) {
		w[j] = (int)strlen(t->head[j]);
		for (int i = 0; i < t->nrows; i++) {
			int l = (int)strlen(t->rows[i][j]);
			if (l > w[j]) {
				w[j] = l;
			}
		}
	}
	fputs(indent, f);
	for (int j = 0; j < t->ncols; j++) {
		fprintf(f, "%s%*s", j ? "  " : "", t->right[j] ? w[j] : -w[j], t->head[j]);
	}
	fputc('\n', f);
	for (int i = 0; i < t->nrows; i++) {
		fputs(indent, f);
		for (int j = 0; j < t->ncols; j++) {
			/* No padding after the last column. */
			if (j == t->ncols - 1 && !t->right[j]) {
				fprintf(f, "%s%s", j ? "  " : "", t->rows[i][j]);
			} else {
				fprintf(f, "%s%*s", j ? "  " : "", t->right[j] ? w[j] : -w[j],
					t->rows[i][j]);
			}
		}
		fputc('\n', f);
	}
}

static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|') {
			fputs("\\|", f);
		} else if (*s == '\n') {
			fputc(' ', f);
		} else {
			fputc(*s, f);
		}
	}
}

void tab_print_md(const struct table *t, FILE *f)
{
	fputc('|', f);
	for (int j = 0; j < t->ncols; j++) {
		fputc(' ', f);
		md_cell(f, t->head[j]);
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (int j = 0; j < t->ncols; j++) {
		fputs(t->right[j] ? "---:|" : "---|", f);
	}
	fputc('\n', f);
	for (int i = 0; i < t->nrows; i++) {
		fputc('|', f);
		for (int j = 0; j < t->ncols; j++) {
			fputc(' ', f);
			md_cell(f, t->rows[i][j]);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
}

void tab_print_html(const struct table *t, FILE *f)
{
	fputs("<table>\n<thead><tr>", f);
	for (int j = 0; j < t->ncols; j++) {
		fputs(t->right[j] ? "<th class=\"num\">" : "<th>", f);
		html_esc(f, t->head[j]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (int i = 0; i < t->nrows; i++) {
		if (t->cls_col >= 0 && t->rows[i][t->cls_col][0]) {
			fprintf(f, "<tr class=\"");
			html_esc(f, t->rows[i][t->cls_col]);
			fputs("\">", f);
		} else {
			fputs("<tr>", f);
		}
		for (int j = 0; j < t->ncols; j++) {
			fputs(t->right[j] ? "<td class=\"num\">" : "<td>", f);
			html_esc(f, t->rows[i][j]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

void tab_free(struct table *t)
{
	for (int i = 0; i < t->nrows; i++) {
		for (int j = 0; j < t->ncols; j++) {
			free(t->rows[i][j]);
		}
		free(t->rows[i]);
	}
	free(t->rows);
	for (int j = 0; j < t->ncols; j++) {
		free((char *)t->head[j]);
	}
	memset(t, 0, sizeof(*t));
}

const char *tab_fmt(const char *fmt, ...)
{
	static char bufs[64][256];
	static int next;
	char *b = bufs[next++ & 63];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}
