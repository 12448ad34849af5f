// SPDX-License-Identifier: MIT
/*
 * The inputs of a replay and their merge: each file is read by its own
 * reader, and the head events of all files go through a binary heap so that
 * several files (a rotation ring, traces of several hosts) come out as one
 * stream in time order. Files of another boot are put on the first file's
 * clock through their wall-clock pairings.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "replay.h"

static const struct sr_syscall_info *info_by_name(enum sr_abi abi, const char *name)
{
	static const enum sr_abi any[] = { SR_ABI_X86_64, SR_ABI_AARCH64, SR_ABI_I386 };

	/* 32-bit syscalls in an x86_64 recording */
	if (sr_compat_name(name)) {
		return sr_syscall_by_name(SR_ABI_I386, sr_compat_name(name));
	}
	if (abi != SR_ABI_UNKNOWN) {
		return sr_syscall_by_name(abi, name);
	}
	for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++) {
		const struct sr_syscall_info *si = sr_syscall_by_name(any[i], name);
		if (si) {
			return si;
		}
	}
	return NULL;
}

const char *rp_input_sc_name(struct rp_input *in, uint32_t nr)
{
	if (nr < in->ntab && in->names[nr]) {
		return in->names[nr];
	}
	snprintf(in->nrname, sizeof(in->nrname), "syscall_%u", nr);
	return in->nrname;
}

static int input_tables(struct rp_input *in)
{
	const Sysrec__Header *h = in->hdr;
	uint32_t n = h ? (uint32_t)h->n_syscall_names : 0;
	bool from_abi = false;

	if (n == 0 && in->abi != SR_ABI_UNKNOWN) {
		/* No table in the file: the ABI's own numbering still names them. */
		n = sr_syscall_count(in->abi);
		from_abi = true;
	}
	in->ntab = n;
	in->names = calloc(n ? n : 1, sizeof(*in->names));
	in->info = calloc(n ? n : 1, sizeof(*in->info));
	if (!in->names || !in->info) {
		return -1;
	}
	for (uint32_t nr = 0; nr < n; nr++) {
		const char *name;
		if (from_abi) {
			const struct sr_syscall_info *si = sr_syscall_by_nr(in->abi, nr);
			name = si ? si->name : NULL;
		} else {
			name = sr_reader_syscall_name(in->r, nr);
		}
		if (!name || !*name) {
			continue;
		}
		in->names[nr] = name;
		in->info[nr] = info_by_name(in->abi, name);
	}
	return 0;
}

int rp_inputs_open(struct replay *rp, char **paths, unsigned n)
{
	struct sr_error err;
	unsigned nstdin = 0;

	rp->in = calloc(n, sizeof(*rp->in));
	if (!rp->in) {
		cli_err("out of memory");
		return 1;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(paths[i], "-") && ++nstdin > 1) {
			return cli_usage("standard input ('-') can be given only once");
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct rp_input *in = &rp->in[i];
		in->path = paths[i];
		in->idx = i;
		memset(&err, 0, sizeof(err));
		in->r = sr_reader_open(in->path, &err);
		rp->nin = i + 1;
		if (!in->r) {
			if (err.status == SR_VERSION) {
				cli_err("%s: %s (strace logs and data sets are converted by 'sysrec import')",
					in->path, err.msg[0] ? err.msg : sr_status_str(err.status));
			} else {
				cli_trace_error(in->path, &err);
			}
			return 1;
		}
		in->hdr = sr_reader_header(in->r);
		in->abi = in->hdr ? sr_abi_from_name(in->hdr->abi) : SR_ABI_UNKNOWN;
		if (input_tables(in) < 0) {
			cli_err("out of memory");
			return 1;
		}
	}
	/* Put every file on the clock of the first one. */
	const Sysrec__Header *h0 = rp->in[0].hdr;
	if (h0 && h0->clock_realtime_ns) {
		rp->has_wall = true;
		rp->wall_off = h0->clock_realtime_ns - (int64_t)h0->clock_boot_ns;
	}
	for (unsigned i = 1; i < n; i++) {
		const Sysrec__Header *h = rp->in[i].hdr;
		if (!h || !h0 || !h->clock_realtime_ns || !h0->clock_realtime_ns) {
			continue;
		}
		if (h->boot_id && h0->boot_id && *h->boot_id && !strcmp(h->boot_id, h0->boot_id)) {
			continue; /* same boot: boot-time stamps already agree */
		}
		if (!h->boot_id || !*h->boot_id || !h0->boot_id || !*h0->boot_id) {
			continue;
		}
		rp->in[i].offset = (h->clock_realtime_ns - (int64_t)h->clock_boot_ns) - rp->wall_off;
	}
	return 0;
}

void rp_inputs_close(struct replay *rp)
{
	for (unsigned i = 0; i < rp->nin; i++) {
		struct rp_input *in = &rp->in[i];
		sr_reader_close(in->r);
		free(in->names);
		free(in->info);
		free(in->keep);
		rp_procs_free(&in->st.pids);
		rp_procs_free(&in->st.tids);
	}
	free(rp->in);
	rp->in = NULL;
	rp->nin = 0;
}

/* Read the next event of IN into its head; damage is reported and skipped. */
static void input_advance(struct replay *rp, struct rp_input *in)
{
	struct sr_error err;
	unsigned same_spot = 0;
	uint64_t last_off = UINT64_MAX;

	in->have = false;
	while (!in->done) {
		/* Cheap reset: the library fills the whole struct when it reports. */
		err.status = SR_OK;
		err.sys_errno = 0;
		err.offset = err.frame = 0;
		err.msg[0] = '\0';
		enum sr_status st = sr_reader_next(in->r, &in->ev, &err);
		if (st == SR_OK) {
			in->key = (int64_t)in->ev.ts + in->offset;
			in->have = true;
			return;
		}
		if (st == SR_END) {
			in->done = true;
			return;
		}
		if (st == SR_TRUNCATED || st == SR_CORRUPT) {
			/* Keep stdout and stderr in order for a reader at a terminal. */
			fflush(rp->out);
			cli_trace_damage(in->path, &err);
			in->damage++;
			rp->damage++;
			same_spot = err.offset == last_off ? same_spot + 1 : 0;
			last_off = err.offset;
			if (same_spot > 16) {
				cli_err("%s: no progress past offset %llu; giving up on this file",
					in->path, (unsigned long long)err.offset);
				in->done = true;
			}
			continue;
		}
		cli_trace_error(in->path, &err);
		rp->rc = 1;
		in->done = true;
	}
}

/* ---- the heap of inputs ordered by head time (ties: file order) ---- */

static bool before(const struct rp_input *a, const struct rp_input *b)
{
	return a->key < b->key || (a->key == b->key && a->idx < b->idx);
}

static void heap_down(struct rp_input **h, unsigned n, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, m = i;
		if (l < n && before(h[l], h[m])) {
			m = l;
		}
		if (l + 1 < n && before(h[l + 1], h[m])) {
			m = l + 1;
		}
		if (m == i) {
			return;
		}
		struct rp_input *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void deliver(struct replay *rp, struct rp_input *in)
{
	const struct sr_event *ev = &in->ev;
	const struct rp_opts *o = rp->o;
	int64_t key = in->key;

	if (o->stats) {
		rp_stats_count(in, ev);
	}
	if (ev->type == SR_EV_PROCESS || ev->type == SR_EV_PROCINFO) {
		rp_procs_update(&rp->procs, ev);
		if (ev->type == SR_EV_PROCINFO) {
			/* A table entry describes the state at the start of the file. */
			key = rp->start;
		}
	} else if ((ev->type == SR_EV_SAMPLE || ev->type == SR_EV_HOSTCPU) && !o->samples &&
		   !rp->sink->wants_samples) {
		return;
	}
	if (!rp_filter_event(rp, in, ev, key)) {
		return;
	}
	if (o->speed > 0) {
		rp_pace(rp, key);
	}
	rp->sink->event(rp, in, ev, key);
}

int rp_run(struct replay *rp)
{
	struct rp_input **heap = NULL;
	unsigned n = 0;
	int rc = 0;
	bool start_known = false;

	/* Provisional start for the process tables read before the first event. */
	if (rp->in[0].hdr) {
		rp->start = (int64_t)rp->in[0].hdr->clock_boot_ns;
	}
	for (unsigned i = 0; i < rp->nin; i++) {
		struct rp_input *in = &rp->in[i];
		input_advance(rp, in);
		while (in->have && in->ev.type == SR_EV_PROCINFO && !rp->stop) {
			deliver(rp, in);
			input_advance(rp, in);
		}
		if (in->have && (!start_known || in->key < rp->start)) {
			rp->start = in->key;
			start_known = true;
		}
	}
	rc = rp_filter_times(rp);
	if (rc) {
		goto out;
	}
	/*
	 * --stats describes whole files: no seeking past their start. --comm
	 * needs the exec and comm events before --since to know the names.
	 */
	if (rp->has_since && !rp->o->stats && !rp->o->ncomms) {
		for (unsigned i = 0; i < rp->nin; i++) {
			struct rp_input *in = &rp->in[i];
			struct sr_error err;
			if (!in->have || in->key >= rp->since_key) {
				continue;
			}
			memset(&err, 0, sizeof(err));
			int64_t t = rp->since_key - in->offset;
			enum sr_status st = sr_reader_seek_time(in->r, t > 0 ? (uint64_t)t : 0, &err);
			if (st != SR_OK) {
				/* Not fatal: filtering gives the same events, only slower. */
				cli_warn("%s: cannot seek to --since (%s); reading from the start",
					 in->path, err.msg[0] ? err.msg : sr_status_str(st));
				continue;
			}
			input_advance(rp, in);
		}
	}
	heap = calloc(rp->nin, sizeof(*heap));
	if (!heap) {
		cli_err("out of memory");
		rc = 1;
		goto out;
	}
	for (unsigned i = 0; i < rp->nin; i++) {
		if (rp->in[i].have) {
			heap[n++] = &rp->in[i];
		}
	}
	for (int i = (int)n / 2 - 1; i >= 0; i--) {
		heap_down(heap, n, (unsigned)i);
	}
	if (n == 1) {
		/* One file: no heap work per event. */
		struct rp_input *in = heap[0];
		while (in->have && !rp->stop) {
			deliver(rp, in);
			input_advance(rp, in);
		}
	} else {
		while (n && !rp->stop) {
			struct rp_input *in = heap[0];
			deliver(rp, in);
			input_advance(rp, in);
			if (!in->have) {
				heap[0] = heap[--n];
			}
			heap_down(heap, n, 0);
		}
	}
out:
	free(heap);
	return rc;
}
