// SPDX-License-Identifier: MIT
/*
 * -w OUT: the selected events as a new trace, through the library writer.
 * The header is the first input's, with labels noting where the events came
 * from and which replay command chose them; process table entries and the
 * /proc samples of the selected processes go along with their syscalls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "replay.h"

static struct {
	struct sr_writer *w;
	Sysrec__Header hdr;
	Sysrec__Header__LabelsEntry **labels;
	Sysrec__Header__LabelsEntry extra[2];
	char *source, *filter;
	bool failed;
} cv;

static char *join(char **v, int n, const char *sepr)
{
	size_t len = 1;

	for (int i = 0; i < n; i++) {
		len += strlen(v[i]) + strlen(sepr);
	}
	char *s = malloc(len);
	if (!s) {
		return NULL;
	}
	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i) {
			strcat(s, sepr);
		}
		strcat(s, v[i]);
	}
	return s;
}

static void write_failed(struct replay *rp, const struct sr_error *err)
{
	rp->stop = true;
	cv.failed = true;
	if (err->status == SR_IO && err->sys_errno == EPIPE) {
		return; /* the reader of -w - went away: a quiet stop */
	}
	cli_trace_error(rp->o->write_path, err);
	rp->rc = 1;
}

/* Do A and B give the same name to every number both tables have? */
static bool same_names(const Sysrec__Header *a, const Sysrec__Header *b)
{
	size_t n = a->n_syscall_names < b->n_syscall_names ? a->n_syscall_names : b->n_syscall_names;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(a->syscall_names[i] ? a->syscall_names[i] : "",
			   b->syscall_names[i] ? b->syscall_names[i] : "")) {
			return false;
		}
	}
	return true;
}

static int cv_begin(struct replay *rp)
{
	const Sysrec__Header *h0 = rp->in[0].hdr;
	struct sr_error err;
	char **paths;

	if (!h0) {
		cli_err("%s: no header to copy into %s", rp->in[0].path, rp->o->write_path);
		return 1;
	}
	const Sysrec__Header *longest = h0;

	for (unsigned i = 1; i < rp->nin; i++) {
		const Sysrec__Header *h = rp->in[i].hdr;
		if (!h || strcmp(h->abi ? h->abi : "", h0->abi ? h0->abi : "") ||
		    !same_names(h, h0)) {
			cli_err("%s and %s use different syscall tables; merge them into one trace "
				"only when they come from the same ABI",
				rp->in[0].path, rp->in[i].path);
			return 1;
		}
		if (h->n_syscall_names > longest->n_syscall_names) {
			longest = h;
		}
	}
	paths = calloc(rp->nin, sizeof(*paths));
	if (!paths) {
		return 1;
	}
	for (unsigned i = 0; i < rp->nin; i++) {
		paths[i] = (char *)rp->in[i].path;
	}
	cv.source = join(paths, (int)rp->nin, " ");
	free(paths);
	cv.filter = join(rp->o->argv, rp->o->argc, " ");
	/* A shallow copy: every string stays owned by the readers. One table
	 * may extend another (32-bit names from 1024 on, FORMAT.md 2.1): the
	 * longest names them all. */
	cv.hdr = *h0;
	cv.hdr.n_syscall_names = longest->n_syscall_names;
	cv.hdr.syscall_names = longest->syscall_names;
	cv.labels = calloc(h0->n_labels + 2, sizeof(*cv.labels));
	if (!cv.source || !cv.filter || !cv.labels) {
		cli_err("out of memory");
		return 1;
	}
	size_t n = 0;
	for (size_t i = 0; i < h0->n_labels; i++) {
		const char *k = h0->labels[i]->key;
		if (k && (!strcmp(k, "replay.source") || !strcmp(k, "replay.command"))) {
			continue; /* replaced below: this trace's own history */
		}
		cv.labels[n++] = h0->labels[i];
	}
	for (int i = 0; i < 2; i++) {
		Sysrec__Header__LabelsEntry init = SYSREC__HEADER__LABELS_ENTRY__INIT;
		cv.extra[i] = init;
	}
	cv.extra[0].key = "replay.source";
	cv.extra[0].value = cv.source;
	cv.extra[1].key = "replay.command";
	cv.extra[1].value = cv.filter;
	cv.labels[n++] = &cv.extra[0];
	cv.labels[n++] = &cv.extra[1];
	cv.hdr.labels = cv.labels;
	cv.hdr.n_labels = n;

	memset(&err, 0, sizeof(err));
	cv.w = sr_writer_open(rp->o->write_path, &cv.hdr, NULL, &err);
	if (!cv.w) {
		cli_trace_error(rp->o->write_path, &err);
		return 1;
	}
	return 0;
}

static void cv_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev, int64_t k)
{
	struct sr_error err;
	struct sr_event copy;

	if (cv.failed) {
		return;
	}
	if (in->offset) {
		/* Another boot's clock: store the times on the first file's clock. */
		copy = *ev;
		copy.ts += in->offset;
		switch (copy.type) {
		case SR_EV_SYSCALL:
			copy.sc.ts += in->offset;
			break;
		case SR_EV_PROCESS:
			copy.proc.ts += in->offset;
			break;
		case SR_EV_SAMPLE:
			copy.sample.ts += in->offset;
			break;
		case SR_EV_HOSTCPU:
			copy.cpu.ts += in->offset;
			break;
		case SR_EV_LOSS:
			copy.loss.first_ns += in->offset;
			copy.loss.last_ns += in->offset;
			break;
		case SR_EV_PROCINFO:
			break;
		}
		ev = &copy;
	}
	memset(&err, 0, sizeof(err));
	if (sr_writer_event(cv.w, ev, &err) != SR_OK) {
		write_failed(rp, &err);
	}
}

static void cv_flush(struct replay *rp)
{
	struct sr_error err;

	if (cv.failed) {
		return;
	}
	memset(&err, 0, sizeof(err));
	if (sr_writer_flush(cv.w, &err) != SR_OK) {
		write_failed(rp, &err);
	}
}

static int cv_end(struct replay *rp)
{
	Sysrec__Totals t = SYSREC__TOTALS__INIT;
	const Sysrec__Totals *src = rp->nin == 1 ? sr_reader_totals(rp->in[0].r) : NULL;
	struct sr_error err;
	int rc = 0;

	t.exit_code = -1;
	if (src) {
		t.exit_reason = src->exit_reason;
		t.exit_code = src->exit_code;
		t.exit_signal = src->exit_signal;
	}
	memset(&err, 0, sizeof(err));
	if (cv.failed) {
		sr_writer_abort(cv.w);
	} else if (sr_writer_close(cv.w, &t, &err) != SR_OK) {
		cv.failed = true;
		if (!(err.status == SR_IO && err.sys_errno == EPIPE)) {
			cli_trace_error(rp->o->write_path, &err);
			rc = 1;
		}
	}
	cv.w = NULL;
	free(cv.labels);
	free(cv.source);
	free(cv.filter);
	return rc;
}

const struct rp_sink rp_sink_write = {
	.begin = cv_begin,
	.event = cv_event,
	.end = cv_end,
	.flush = cv_flush,
	.wants_samples = true,
};
