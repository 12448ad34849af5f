/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer for the report/compare/stats outputs.
 * Output is deterministic: keys come out in the order the caller writes
 * them, numbers in a fixed format, NaN and infinities as null.
 */
#ifndef SYSREC_JSONW_H
#define SYSREC_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

struct jw {
	FILE *f;
	int depth;
	bool first[JW_MAX_DEPTH];
	bool pretty;
	bool after_key;
};

void jw_init(struct jw *w, FILE *f, bool pretty);
void jw_obj(struct jw *w);      /* { */
void jw_obj_end(struct jw *w);  /* } */
void jw_arr(struct jw *w);      /* [ */
void jw_arr_end(struct jw *w);  /* ] */
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s); /* NULL -> null */
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_dbl(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* key + value shorthands */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_ku64(struct jw *w, const char *k, uint64_t v);
void jw_ki64(struct jw *w, const char *k, int64_t v);
void jw_kdbl(struct jw *w, const char *k, double v);
void jw_kbool(struct jw *w, const char *k, bool v);
void jw_knull(struct jw *w, const char *k);
/* Write S as a JSON string body (without quotes) to F. */
void jw_escape(FILE *f, const char *s);

/*
 * Plain writers for commands that lay out their JSON with fprintf: S as a
 * quoted JSON string ("null" for NULL), V with 6 significant digits ("null"
 * for NaN or infinity).
 */
void json_str(FILE *f, const char *s);
void json_num(FILE *f, double v);

#endif
