// SPDX-License-Identifier: MIT
/*
 * Header helpers: fill the host facts of a Sysrec__Header and free what we
 * allocated. Callers may also point header fields at their own strings, so
 * every allocation made here is remembered (keyed by the header's address)
 * and sr_header_free() releases exactly those, never a caller's string.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct owned {
	const void *owner; /* address inside the header the allocation belongs to */
	void *ptr;
};

static pthread_mutex_t owned_lock = PTHREAD_MUTEX_INITIALIZER;
static struct owned *owned;
static size_t nowned, cap_owned;

static void *remember(const void *owner, void *ptr)
{
	if (!ptr) {
		return NULL;
	}
	pthread_mutex_lock(&owned_lock);
	if (!SR_ARRAY_RESERVE(owned, cap_owned, nowned + 1)) {
		pthread_mutex_unlock(&owned_lock);
		free(ptr);
		return NULL;
	}
	owned[nowned++] = (struct owned){ owner, ptr };
	pthread_mutex_unlock(&owned_lock);
	return ptr;
}

/* Free what was remembered for owners inside [lo, lo + size). */
static void forget_range(const void *lo, size_t size, const void *only_ptr)
{
	const char *a = lo;

	pthread_mutex_lock(&owned_lock);
	for (size_t i = 0; i < nowned;) {
		const char *o = owned[i].owner;

		if (o >= a && o < a + size && (!only_ptr || owned[i].ptr == only_ptr)) {
			free(owned[i].ptr);
			owned[i] = owned[--nowned];
			continue;
		}
		i++;
	}
	if (!nowned) {
		free(owned);
		owned = NULL;
		cap_owned = 0;
	}
	pthread_mutex_unlock(&owned_lock);
}

static char *own_strdup(const void *owner, const char *s)
{
	return remember(owner, strdup(s ? s : ""));
}

static char *read_line(const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f) {
		return NULL;
	}
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return strdup(buf);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

enum sr_status sr_header_init(Sysrec__Header *h, const char *abi)
{
	struct utsname u;
	char host[256];
	enum sr_abi a;
	uint32_t n;
	long v;

	if (!h) {
		return SR_INVALID;
	}
	sysrec__header__init(h);
	h->format_version = SR_FORMAT_VERSION;
	h->format_minor = SR_FORMAT_MINOR;
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		h->hostname = own_strdup(&h->hostname, host);
	}
	if (uname(&u) == 0) {
		h->kernel_release = own_strdup(&h->kernel_release, u.release);
		h->kernel_version = own_strdup(&h->kernel_version, u.version);
		h->arch = own_strdup(&h->arch, u.machine);
	}
	h->boot_id = remember(&h->boot_id, read_line("/proc/sys/kernel/random/boot_id"));
	{
		/* pair the clocks: realtime read between two boot-time reads */
		uint64_t b1 = clock_ns(CLOCK_BOOTTIME);
		uint64_t rt = clock_ns(CLOCK_REALTIME);
		uint64_t b2 = clock_ns(CLOCK_BOOTTIME);

		h->clock_boot_ns = b1 + (b2 - b1) / 2;
		h->clock_realtime_ns = (int64_t)rt;
	}
	v = sysconf(_SC_PAGESIZE);
	h->page_size = v > 0 ? (uint32_t)v : 0;
	v = sysconf(_SC_CLK_TCK);
	h->clock_ticks_per_sec = v > 0 ? (uint32_t)v : 0;
	v = sysconf(_SC_NPROCESSORS_CONF);
	h->ncpus = v > 0 ? (uint32_t)v : 0;

	a = abi ? sr_abi_from_name(abi) : sr_abi_native();
	h->abi = own_strdup(&h->abi, a == SR_ABI_UNKNOWN ? (abi ? abi : "") : sr_abi_name(a));
	n = a == SR_ABI_UNKNOWN ? 0 : sr_syscall_count(a);
	if (n) {
		h->syscall_names = remember(&h->syscall_names, calloc(n, sizeof(char *)));
		if (!h->syscall_names) {
			sr_header_free(h);
			return SR_NOMEM;
		}
		for (uint32_t i = 0; i < n; i++) {
			const struct sr_syscall_info *si = sr_syscall_by_nr(a, i);

			h->syscall_names[i] = (char *)(si && si->name ? si->name : "");
		}
		h->n_syscall_names = n;
	}
	/* strings a failed strdup left NULL stay valid for packing as "" */
	return h->hostname && h->abi ? SR_OK : SR_NOMEM;
}

void sr_header_set_strv(char ***dst, size_t *n, const char *const *src, size_t count)
{
	char **v;

	if (!dst || !n) {
		return;
	}
	/* drop an earlier vector we made for this field */
	forget_range(dst, sizeof(*dst), NULL);
	*dst = NULL;
	*n = 0;
	if (!count) {
		return;
	}
	v = remember(dst, calloc(count, sizeof(char *)));
	if (!v) {
		return;
	}
	for (size_t i = 0; i < count; i++) {
		v[i] = own_strdup(dst, src && src[i] ? src[i] : "");
		if (!v[i]) {
			v[i] = (char *)"";
		}
	}
	*dst = v;
	*n = count;
}

void sr_header_set_label(Sysrec__Header *h, const char *key, const char *value)
{
	Sysrec__Header__LabelsEntry *e, **v;

	if (!h || !key) {
		return;
	}
	for (size_t i = 0; i < h->n_labels; i++) {
		if (h->labels[i]->key && !strcmp(h->labels[i]->key, key)) {
			char *nv = own_strdup(&h->labels, value);

			if (nv) {
				h->labels[i]->value = nv;
			}
			return;
		}
	}
	e = remember(&h->labels, malloc(sizeof(*e)));
	if (!e) {
		return;
	}
	sysrec__header__labels_entry__init(e);
	e->key = own_strdup(&h->labels, key);
	e->value = own_strdup(&h->labels, value);
	if (!e->key || !e->value) {
		e->key = e->key ? e->key : (char *)"";
		e->value = e->value ? e->value : (char *)"";
	}
	/* the old vector stays remembered until sr_header_free(): entries may be shared */
	v = remember(&h->labels, malloc((h->n_labels + 1) * sizeof(*v)));
	if (!v) {
		return;
	}
	if (h->n_labels) {
		memcpy(v, h->labels, h->n_labels * sizeof(*v));
	}
	v[h->n_labels] = e;
	h->labels = v;
	h->n_labels++;
}

void sr_header_free(Sysrec__Header *h)
{
	if (!h) {
		return;
	}
	forget_range(h, sizeof(*h), NULL);
	sysrec__header__init(h);
}
