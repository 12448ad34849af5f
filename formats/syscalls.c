// SPDX-License-Identifier: MIT
/*
 * Syscall, errno and signal names on top of the tables generated at build
 * time from the data files in formats/syscalls/ (see scripts/gen-syscalls.py).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sysrec.h"
#include "syscalls_tables.h"

static const struct {
	const char *name;
	enum sr_abi abi;
} abi_names[] = {
	{ "x86_64", SR_ABI_X86_64 },
	{ "i386", SR_ABI_I386 },
	{ "aarch64", SR_ABI_AARCH64 },
	/* spellings other tools use for the same ABIs */
	{ "amd64", SR_ABI_X86_64 },
	{ "x86-64", SR_ABI_X86_64 },
	{ "i686", SR_ABI_I386 },
	{ "x86", SR_ABI_I386 },
	{ "arm64", SR_ABI_AARCH64 },
};

enum sr_abi sr_abi_from_name(const char *name)
{
	size_t i;

	if (!name) {
		return SR_ABI_UNKNOWN;
	}
	for (i = 0; i < sizeof(abi_names) / sizeof(abi_names[0]); i++) {
		if (!strcmp(name, abi_names[i].name)) {
			return abi_names[i].abi;
		}
	}
	return SR_ABI_UNKNOWN;
}

const char *sr_abi_name(enum sr_abi abi)
{
	switch (abi) {
	case SR_ABI_X86_64:
		return "x86_64";
	case SR_ABI_I386:
		return "i386";
	case SR_ABI_AARCH64:
		return "aarch64";
	default:
		return "";
	}
}

enum sr_abi sr_abi_native(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return SR_ABI_X86_64;
#elif defined(__i386__)
	return SR_ABI_I386;
#elif defined(__aarch64__)
	return SR_ABI_AARCH64;
#else
	return SR_ABI_UNKNOWN;
#endif
}

static const struct sr_abi_table *abi_table(enum sr_abi abi)
{
	if ((unsigned)abi >= SR_GEN_ABI_COUNT || !sr_gen_abi_tables[abi].by_nr) {
		return NULL;
	}
	return &sr_gen_abi_tables[abi];
}

uint32_t sr_syscall_count(enum sr_abi abi)
{
	const struct sr_abi_table *t = abi_table(abi);

	return t ? t->count : 0;
}

const struct sr_syscall_info *sr_syscall_by_nr(enum sr_abi abi, uint32_t nr)
{
	const struct sr_abi_table *t = abi_table(abi);

	if (!t || nr >= t->count || !t->by_nr[nr].name) {
		return NULL;
	}
	return &t->by_nr[nr];
}

const char *sr_compat_name(const char *name)
{
	size_t n = sizeof(SR_COMPAT_PREFIX) - 1;

	return name && !strncmp(name, SR_COMPAT_PREFIX, n) ? name + n : NULL;
}

const struct sr_syscall_info *sr_syscall_by_name(enum sr_abi abi, const char *name)
{
	const struct sr_abi_table *t = abi_table(abi);
	uint32_t lo = 0, hi;

	if (!t || !name) {
		return NULL;
	}
	hi = t->nnames;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct sr_syscall_info *info = &t->by_nr[t->by_name[mid]];
		int c = strcmp(name, info->name);

		if (c == 0) {
			return info;
		}
		if (c < 0) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	return NULL;
}

static const char *const class_names[] = {
	"file", "net", "process", "memory", "ipc", "signal", "desc",
};

uint32_t sr_class_from_name(const char *cls)
{
	size_t i;

	if (!cls) {
		return 0;
	}
	if (cls[0] == '%') {
		cls++;
	}
	for (i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
		if (!strcmp(cls, class_names[i])) {
			return 1u << i;
		}
	}
	return 0;
}

const char *sr_class_name(uint32_t one_class_bit)
{
	size_t i;

	for (i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
		if (one_class_bit == 1u << i) {
			return class_names[i];
		}
	}
	return NULL;
}

const char *sr_errno_name(int err)
{
	if (err <= 0 || (unsigned)err >= sr_gen_errno_count) {
		return NULL;
	}
	return sr_gen_errno[err].name;
}

const char *sr_errno_text(int err)
{
	if (err <= 0 || (unsigned)err >= sr_gen_errno_count) {
		return NULL;
	}
	return sr_gen_errno[err].text;
}

static int name_num_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sr_name_num *)elem)->name);
}

static int name_num_find(const struct sr_name_num *tab, unsigned n, const char *name)
{
	const struct sr_name_num *hit;

	hit = bsearch(name, tab, n, sizeof(*tab), name_num_cmp);
	return hit ? hit->num : 0;
}

int sr_errno_by_name(const char *name)
{
	if (!name) {
		return 0;
	}
	return name_num_find(sr_gen_errno_names, sr_gen_errno_names_count, name);
}

const char *sr_signal_name(int sig)
{
	if (sig <= 0 || (unsigned)sig >= sr_gen_signal_count) {
		return NULL;
	}
	return sr_gen_signal[sig];
}

/*
 * Accepts "SIGKILL", "KILL", "sigkill", "SIGRTMIN+3" and plain numbers of
 * known signals, since users type all of these in filters.
 */
int sr_signal_by_name(const char *name)
{
	char buf[32];
	size_t i, len;
	char *end;
	long v;

	if (!name || !*name) {
		return 0;
	}
	if (name[0] >= '0' && name[0] <= '9') {
		v = strtol(name, &end, 10);
		return (!*end && v > 0 && v < (long)sr_gen_signal_count && sr_gen_signal[v]) ? (int)v : 0;
	}
	len = strlen(name);
	if (len + 4 > sizeof(buf)) {
		return 0;
	}
	i = 0;
	if (strncasecmp(name, "SIG", 3) != 0) {
		memcpy(buf, "SIG", 3);
		i = 3;
	}
	for (; *name; name++) {
		char c = *name;

		buf[i++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	buf[i] = '\0';
	return name_num_find(sr_gen_signal_names, sr_gen_signal_names_count, buf);
}
