// SPDX-License-Identifier: MIT
/* Streaming JSON writer (see jsonw.h). Errors show up in ferror(f). */
#include <math.h>
#include <inttypes.h>
#include <string.h>

#include "jsonw.h"

void jw_init(struct jw *w, FILE *f, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
	w->first[0] = true;
}

static void indent(struct jw *w)
{
	if (!w->pretty) {
		return;
	}
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++) {
		fputs("  ", w->f);
	}
}

/* Separator and indentation before a value or a key. */
static void pre_value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth]) {
			fputc(',', w->f);
		}
		indent(w);
	}
	w->first[w->depth] = false;
}

static void open(struct jw *w, char c)
{
	pre_value(w);
	fputc(c, w->f);
	if (w->depth < JW_MAX_DEPTH - 1) {
		w->depth++;
	}
	w->first[w->depth] = true;
}

static void close_(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0) {
		w->depth--;
	}
	if (!empty) {
		indent(w);
	}
	fputc(c, w->f);
	if (w->depth == 0 && w->pretty) {
		fputc('\n', w->f);
	}
}

void jw_obj(struct jw *w)
{
	open(w, '{');
}

void jw_obj_end(struct jw *w)
{
	close_(w, '}');
}

void jw_arr(struct jw *w)
{
	open(w, '[');
}

void jw_arr_end(struct jw *w)
{
	close_(w, ']');
}

/*
 * The body of S as a JSON string. The plain writers (json_str) have always
 * written a carriage return as \u000d, the jw_* ones as \r: NAMED_CR keeps
 * both outputs as they were.
 */
static void escape(FILE *f, const char *s, bool named_cr)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p == '\r' && named_cr) {
				fputs("\\r", f);
			} else if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else {
				fputc(*p, f);
			}
		}
	}
}

void jw_escape(FILE *f, const char *s)
{
	escape(f, s, true);
}

void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	escape(f, s, false);
	fputc('"', f);
}

void json_num(FILE *f, double v)
{
	if (!isfinite(v)) {
		fputs("null", f);
	} else {
		fprintf(f, "%.6g", v);
	}
}

void jw_key(struct jw *w, const char *k)
{
	pre_value(w);
	fputc('"', w->f);
	jw_escape(w->f, k);
	fputs(w->pretty ? "\": " : "\":", w->f);
	w->after_key = true;
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	pre_value(w);
	fputc('"', w->f);
	jw_escape(w->f, s);
	fputc('"', w->f);
}

void jw_u64(struct jw *w, uint64_t v)
{
	pre_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void jw_i64(struct jw *w, int64_t v)
{
	pre_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void jw_dbl(struct jw *w, double v)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	pre_value(w);
	/* Integers print exactly; other values with 6 significant digits so
	 * golden files do not depend on the last bits of a computation. */
	if (v == floor(v) && fabs(v) < 1e15) {
		fprintf(w->f, "%.0f", v == 0 ? 0.0 : v);
	} else {
		fprintf(w->f, "%.6g", v);
	}
}

void jw_bool(struct jw *w, bool v)
{
	pre_value(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	pre_value(w);
	fputs("null", w->f);
}

void jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

void jw_ku64(struct jw *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_u64(w, v);
}

void jw_ki64(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_i64(w, v);
}

void jw_kdbl(struct jw *w, const char *k, double v)
{
	jw_key(w, k);
	jw_dbl(w, v);
}

void jw_kbool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}
