// SPDX-License-Identifier: MIT
/* Parsing of option values shared by every command. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_parse_double(const char *s, double *v)
{
	char *end;

	if (!s || !*s) {
		return false;
	}
	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*v);
}

bool cli_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !isdigit((unsigned char)*s)) {
		return false;
	}
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end) {
		return false;
	}
	*v = x;
	return true;
}

bool cli_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 }, { "", 1e9 },
	};
	char *end;
	double v;

	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.')) {
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || v < 0 || !isfinite(v)) {
		return false;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			double r = v * units[i].mult;
			if (r > 1.8e19) {
				return false;
			}
			*ns = (uint64_t)llround(r);
			return true;
		}
	}
	return false;
}

bool cli_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	double v, mult = 1;

	if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '.')) {
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || v < 0 || !isfinite(v)) {
		return false;
	}
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		mult = 1024.0;
		break;
	case 'M':
		mult = 1024.0 * 1024;
		break;
	case 'G':
		mult = 1024.0 * 1024 * 1024;
		break;
	case 'T':
		mult = 1024.0 * 1024 * 1024 * 1024;
		break;
	default:
		return false;
	}
	if (*end) {
		end++;
		/* accept K, KB, KiB */
		if (*end == 'i' || *end == 'I') {
			end++;
		}
		if (*end == 'B' || *end == 'b') {
			end++;
		}
		if (*end) {
			return false;
		}
	}
	*bytes = (uint64_t)llround(v * mult);
	return true;
}

int cli_split_list(char *s, char **out, int n)
{
	int k = 0;
	char *save = NULL;

	for (char *t = strtok_r(s, ",", &save); t && k < n; t = strtok_r(NULL, ",", &save)) {
		out[k++] = t;
	}
	return k;
}

void cli_fmt_duration(char *buf, size_t n, uint64_t ns)
{
	if (ns >= 1000000000ull) {
		snprintf(buf, n, "%.3fs", ns / 1e9);
	} else if (ns >= 1000000ull) {
		snprintf(buf, n, "%.3fms", ns / 1e6);
	} else if (ns >= 1000ull) {
		snprintf(buf, n, "%.3fus", ns / 1e3);
	} else {
		snprintf(buf, n, "%lluns", (unsigned long long)ns);
	}
}

void cli_fmt_size(char *buf, size_t n, uint64_t bytes)
{
	static const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0) {
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
	} else {
		snprintf(buf, n, "%.1f %s", v, u[i]);
	}
}
