// SPDX-License-Identifier: MIT
/*
 * Formatting into a reusable buffer: the hot path of replay formats numbers
 * and strings by hand because printf costs more than the rest of a line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "replay.h"

void sb_grow(struct sbuf *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 4096;

	while (cap - s->len < need) {
		cap *= 2;
	}
	char *b = realloc(s->b, cap);
	if (!b) {
		/* Nothing sensible is left to do for a command that cannot format a line. */
		cli_err("out of memory formatting output");
		exit(1);
	}
	s->b = b;
	s->cap = cap;
}

void sb_free(struct sbuf *s)
{
	free(s->b);
	s->b = NULL;
	s->len = s->cap = 0;
}

void sb_u64(struct sbuf *s, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_mem(s, tmp + i, sizeof(tmp) - i);
}

void sb_i64(struct sbuf *s, int64_t v)
{
	if (v < 0) {
		sb_putc(s, '-');
		sb_u64(s, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_u64(s, (uint64_t)v);
	}
}

void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		size_t room = s->cap - s->len;
		va_start(ap, fmt);
		int n = vsnprintf(s->b ? s->b + s->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			return;
		}
		if ((size_t)n < room) {
			s->len += n;
			return;
		}
		sb_grow(s, (size_t)n + 1);
	}
}

void sb_secs(struct sbuf *s, int64_t ns, int digits)
{
	static const uint64_t div[10] = { 1000000000, 100000000, 10000000, 1000000, 100000,
					  10000, 1000, 100, 10, 1 };
	uint64_t u;

	if (ns < 0) {
		sb_putc(s, '-');
		u = (uint64_t)0 - (uint64_t)ns;
	} else {
		u = (uint64_t)ns;
	}
	sb_u64(s, u / 1000000000u);
	if (digits <= 0) {
		return;
	}
	if (digits > 9) {
		digits = 9;
	}
	uint64_t frac = u % 1000000000u;
	/* Constant divisors for the common cases: the compiler turns them into multiplies. */
	if (digits == 6) {
		frac /= 1000u;
	} else if (digits != 9) {
		frac /= div[digits];
	}
	char tmp[10];
	for (int i = digits - 1; i >= 0; i--) {
		tmp[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	sb_reserve(s, digits + 1);
	s->b[s->len++] = '.';
	memcpy(s->b + s->len, tmp, digits);
	s->len += digits;
}

/* Length of the valid UTF-8 sequence at P (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0];

	if (c < 0x80) {
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80) {
			return 0;
		}
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)) {
			return 0; /* overlong, or a UTF-16 surrogate */
		}
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80) {
			return 0;
		}
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)) {
			return 0;
		}
		return 4;
	}
	return 0;
}

void sb_json_str(struct sbuf *s, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)str;

	if (!str) {
		SB_LIT(s, "null");
		return;
	}
	sb_putc(s, '"');
	while (*p) {
		unsigned c = *p;
		const unsigned char *run = p;
		/* Copy plain ASCII runs in one go. */
		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
			p++;
		}
		if (p > run) {
			sb_mem(s, run, p - run);
			continue;
		}
		c = *p;
		if (c == '"' || c == '\\') {
			sb_putc(s, '\\');
			sb_putc(s, (char)c);
			p++;
		} else if (c == '\n') {
			SB_LIT(s, "\\n");
			p++;
		} else if (c == '\t') {
			SB_LIT(s, "\\t");
			p++;
		} else if (c == '\r') {
			SB_LIT(s, "\\r");
			p++;
		} else if (c < 0x20) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			sb_mem(s, e, 6);
			p++;
		} else {
			size_t n = utf8_len(p);
			if (n) {
				sb_mem(s, p, n);
				p += n;
			} else {
				/* Not UTF-8: keep the byte value as a code point. */
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				sb_mem(s, e, 6);
				p++;
			}
		}
	}
	sb_putc(s, '"');
}

void sb_csv_field(struct sbuf *s, const char *str, size_t n)
{
	bool quote = false, ascii = true;

	for (size_t i = 0; i < n; i++) {
		char c = str[i];
		if (c == ',' || c == '"' || c == '\n' || c == '\r') {
			quote = true;
		} else if ((unsigned char)c >= 0x80) {
			ascii = false;
		}
	}
	if (!quote && ascii) {
		sb_mem(s, str, n);
		return;
	}
	if (quote) {
		sb_putc(s, '"');
	}
	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)str + i;
		if (*p < 0x80) {
			if (*p == '"') {
				sb_putc(s, '"');
			}
			sb_putc(s, (char)*p);
			i++;
			continue;
		}
		/* pandas and DuckDB read UTF-8: a byte that is not becomes U+FFFD. */
		size_t k = n - i >= 4 ? utf8_len(p) : 0;
		if (!k && n - i < 4) {
			char tmp[5] = { 0 };
			memcpy(tmp, p, n - i);
			k = utf8_len((const unsigned char *)tmp);
		}
		if (k) {
			sb_mem(s, p, k);
			i += k;
		} else {
			SB_LIT(s, "\xef\xbf\xbd");
			i++;
		}
	}
	if (quote) {
		sb_putc(s, '"');
	}
}
