// SPDX-License-Identifier: MIT
/* HTML page helpers (html.h). */
#include <string.h>

#include "html.h"

void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	html_esc(f, title);
	fputs("</title>\n<style>\n"
	      "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
	      "color:#222;background:#f6f7f9}\n"
	      "header{background:#1f3b57;color:#fff;padding:14px 28px}\n"
	      "header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}\n"
	      "main{padding:8px 28px 40px;max-width:1200px}\n"
	      "h2{border-bottom:2px solid #1f3b57;padding-bottom:4px;margin-top:28px}\n"
	      "table{border-collapse:collapse;background:#fff;margin:8px 0;font-size:13px}\n"
	      "th,td{border:1px solid #d8dde3;padding:3px 8px;text-align:left}\n"
	      "th{background:#e9eef3}td.num,th.num{text-align:right;"
	      "font-variant-numeric:tabular-nums}\n"
	      "table.facts th{width:200px}\n"
	      ".cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}\n"
	      ".card{background:#fff;border:1px solid #d8dde3;border-radius:6px;"
	      "padding:8px 14px;min-width:130px}\n"
	      ".card .v{font-size:20px;font-weight:600}.card .k{font-size:12px;color:#667}\n"
	      "figure{background:#fff;border:1px solid #d8dde3;margin:12px 0;padding:6px}\n"
	      "figure img{max-width:100%;height:auto;display:block}\n"
	      "figcaption{font-size:12px;color:#556}\n"
	      ".note{background:#fff4d6;border:1px solid #e6c86e;padding:8px 12px}\n"
	      ".fired,.up{color:#b00020;font-weight:600}.ok,.down{color:#1b7a36}\n"
	      "tr.fired td{background:#fde8eb}tr.new td{background:#fff4d6}"
	      "tr.vanished td{background:#eef2f7}\n"
	      "code{background:#eef1f4;padding:1px 4px;border-radius:3px}\n"
	      "nav{background:#e9eef3;padding:6px 28px;font-size:13px}"
	      "nav a{margin-right:14px;color:#1f3b57}\n"
	      "</style>\n</head>\n<body>\n",
	      f);
}

void html_end(FILE *f)
{
	fputs("<footer style=\"padding:10px 28px;color:#778;font-size:12px\">"
	      "Made by sysrec " SYSREC_VERSION ". Plots: gnuplot scripts and data in "
	      "<code>plots/</code>, re-run <code>gnuplot NAME.gp</code> there after editing."
	      "</footer>\n</body>\n</html>\n",
	      f);
}

void html_nav(FILE *f, const char *const *ids, const char *const *titles, int n)
{
	fputs("<nav>", f);
	for (int i = 0; i < n; i++) {
		fprintf(f, "<a href=\"#%s\">", ids[i]);
		html_esc(f, titles[i]);
		fputs("</a>", f);
	}
	fputs("</nav>\n", f);
}

void html_card(FILE *f, const char *k, const char *v, const char *cls)
{
	fprintf(f, "<div class=\"card%s%s\"><div class=\"v\">", cls ? " " : "", cls ? cls : "");
	html_esc(f, v);
	fputs("</div><div class=\"k\">", f);
	html_esc(f, k);
	fputs("</div></div>\n", f);
}

void html_section(FILE *f, const char *id, const char *title)
{
	fprintf(f, "<h2 id=\"%s\">", id);
	html_esc(f, title);
	fputs("</h2>\n", f);
}

void html_fact(FILE *f, const char *k, const char *v)
{
	fputs("<tr><th>", f);
	html_esc(f, k);
	fputs("</th><td>", f);
	html_esc(f, v);
	fputs("</td></tr>\n", f);
}

static bool match(const struct plot_entry *e, const char *prefix)
{
	return !prefix || !strncmp(e->name, prefix, strlen(prefix));
}

void html_plots(FILE *f, const struct plot_set *ps, const char *prefix)
{
	if (!ps->gnuplot) {
		fputs("<p class=\"note\">Plots not drawn: gnuplot was not found in PATH. "
		      "Install it with <code>" PLOT_INSTALL_HINT "</code>, then run "
		      "<code>gnuplot *.gp</code> in <code>plots/</code> or write the report "
		      "again.</p>\n",
		      f);
		return;
	}
	for (int i = 0; i < ps->n; i++) {
		const struct plot_entry *e = &ps->e[i];
		if (!match(e, prefix)) {
			continue;
		}
		if (!e->drawn) {
			fprintf(f, "<p class=\"note\">Plot %s failed: see plots/%s.log.</p>\n",
				e->name, e->name);
			continue;
		}
		fprintf(f, "<figure><img src=\"plots/%s.svg\" alt=\"", e->name);
		html_esc(f, e->title);
		fprintf(f, "\"><figcaption>");
		html_esc(f, e->title);
		fprintf(f, " (<code>plots/%s.gp</code>)</figcaption></figure>\n", e->name);
	}
}

void md_plots(FILE *f, const struct plot_set *ps, const char *prefix)
{
	if (!ps->gnuplot) {
		fputs("Plots not drawn: gnuplot was not found in PATH (install it with `"
		      PLOT_INSTALL_HINT "`).\n\n", f);
		return;
	}
	for (int i = 0; i < ps->n; i++) {
		const struct plot_entry *e = &ps->e[i];
		if (match(e, prefix) && e->drawn) {
			fprintf(f, "![%s](plots/%s.svg)\n\n", e->title, e->name);
		}
	}
}
