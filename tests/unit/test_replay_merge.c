// SPDX-License-Identifier: MIT
/*
 * The replay pipeline without the printers: traces written by the library
 * writer, read back through rp_inputs_open()/rp_run() into a sink that keeps
 * what it is given. Checks the k-way merge order over several files, the
 * clock offset of a file from another boot, and exact counts per filter.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "replay.h"
#include "tap.h"

#define BASE 1000000000000ull

static char dir[] = "/tmp/sysrec-test-merge.XXXXXX";

struct got {
	int type;
	int64_t key;
	int32_t pid, tid;
	unsigned file;
};

static struct got got[100000];
static size_t ngot;

static void keep(struct replay *rp, struct rp_input *in, const struct sr_event *ev, int64_t key)
{
	struct got *g = &got[ngot++];

	g->type = ev->type;
	g->key = key;
	g->file = in->idx;
	g->pid = ev->type == SR_EV_SYSCALL ? (int32_t)ev->sc.tgid :
		 ev->type == SR_EV_PROCESS ? ev->proc.pid : 0;
	g->tid = ev->type == SR_EV_SYSCALL ? (int32_t)ev->sc.tid :
		 ev->type == SR_EV_PROCESS ? ev->proc.tid : 0;
}

static const struct rp_sink sink_keep = { .event = keep };

/* File I: process 10*(I+1) making N getpid calls every STEP ns from BASE+OFF, on boot BOOT. */
static void write_trace(const char *path, int i, int n, uint64_t step, uint64_t off, uint64_t boot_shift,
			const char *boot_id)
{
	Sysrec__Header h;
	static char *names[300];
	struct sr_error err;

	for (int k = 0; k < 300; k++) {
		const struct sr_syscall_info *si = sr_syscall_by_nr(SR_ABI_X86_64, k);
		names[k] = (char *)(si ? si->name : "");
	}
	sysrec__header__init(&h);
	h.format_version = SR_FORMAT_VERSION;
	h.hostname = "h";
	h.boot_id = (char *)boot_id;
	h.abi = "x86_64";
	h.syscall_names = names;
	h.n_syscall_names = 300;
	h.clock_boot_ns = BASE + boot_shift;
	h.clock_realtime_ns = 1795428000ll * 1000000000ll;
	struct sr_writer_opts o = { .chunk_events = 7 };
	struct sr_writer *w = sr_writer_open(path, &h, &o, &err);
	if (!w) {
		tap_ok(0, "writer opens %s: %s", path, err.msg);
		return;
	}
	int32_t pid = 10 * (i + 1);
	for (int k = 0; k < n; k++) {
		struct sr_syscall sc = { 0 };
		sc.ts = BASE + boot_shift + off + (uint64_t)k * step;
		sc.tid = (uint32_t)(pid + k % 2);
		sc.tgid = (uint32_t)pid;
		sc.nr = k % 3 == 0 ? 257 : 39; /* openat, getpid */
		sc.ret = k % 3 == 0 && k % 2 ? -2 : 3;
		sc.duration = (uint64_t)(k % 5) * 1000;
		sr_writer_syscall(w, &sc, &err);
		if (k == n / 2) {
			struct sr_proc_event pe = { .ts = sc.ts, .kind = SR_PROC_COMM, .tid = pid + 1,
						    .pid = pid, .comm = "half" };
			sr_writer_proc(w, &pe, &err);
		}
	}
	tap_ok(sr_writer_close(w, NULL, &err) == SR_OK, "trace %d written", i);
}

/* Run replay over PATHS with options O; returns the number of events given to the sink. */
static size_t run(char **paths, unsigned n, struct rp_opts *o)
{
	struct replay rp = { 0 };

	ngot = 0;
	rp.o = o;
	rp.out = stdout;
	rp.sink = &sink_keep;
	if (rp_inputs_open(&rp, paths, n) || rp_filter_prepare(&rp) || rp_run(&rp)) {
		tap_ok(0, "replay runs");
	}
	rp_inputs_close(&rp);
	rp_procs_free(&rp.procs);
	sb_free(&rp.sb);
	return ngot;
}

static bool sorted(void)
{
	for (size_t i = 1; i < ngot; i++) {
		if (got[i].key < got[i - 1].key ||
		    (got[i].key == got[i - 1].key && got[i].file < got[i - 1].file)) {
			return false;
		}
	}
	return true;
}

int main(void)
{
	char p[4][128];
	char *paths[4];
	struct rp_opts o;

	cli_cmd = "replay";
	if (!mkdtemp(dir)) {
		return 1;
	}
	for (int i = 0; i < 4; i++) {
		snprintf(p[i], sizeof(p[i]), "%s/t%d.trace", dir, i);
		paths[i] = p[i];
	}
	/* Three files interleaved at different rates; the fourth is file 1 on another boot. */
	write_trace(p[0], 0, 1000, 1000, 0, 0, "boot-a");
	write_trace(p[1], 1, 700, 1500, 333, 0, "boot-a");
	write_trace(p[2], 2, 50, 20000, 5, 0, "boot-a");
	write_trace(p[3], 1, 700, 1500, 333, 7000000000000ull, "boot-b");

	memset(&o, 0, sizeof(o));
	TAP_EQ_U64(run(paths, 3, &o), 1000 + 700 + 50 + 3, "three files: every event once");
	tap_ok(sorted(), "merged in time order, ties in file order");
	TAP_EQ_U64(got[0].key, BASE, "the stream starts with the earliest event");

	size_t n_same = ngot;
	int64_t keys_same[2000];
	for (size_t i = 0; i < n_same && i < 2000; i++) {
		keys_same[i] = got[i].key;
	}
	char *other[3] = { p[0], p[3], p[2] };
	TAP_EQ_U64(run(other, 3, &o), n_same, "a file of another boot: same count");
	bool same = true;
	for (size_t i = 0; i < ngot && i < 2000; i++) {
		same = same && got[i].key == keys_same[i];
	}
	tap_ok(same, "... and the same times, through the wall-clock pairing");

	memset(&o, 0, sizeof(o));
	int32_t pid20 = 20;
	o.pids = &pid20;
	o.npids = 1;
	TAP_EQ_U64(run(paths, 3, &o), 701, "--pid 20: its 700 calls and its comm event");

	memset(&o, 0, sizeof(o));
	int32_t tid11 = 11;
	o.tids = &tid11;
	o.ntids = 1;
	TAP_EQ_U64(run(paths, 1, &o), 501, "--tid 11: every other call and the comm event");

	memset(&o, 0, sizeof(o));
	char *names[] = { "openat" };
	o.syscalls = names;
	o.nsyscalls = 1;
	TAP_EQ_U64(run(paths, 1, &o), 334 + 1, "--syscall openat: every third call (plus the comm event)");
	o.syscalls_negate = true;
	TAP_EQ_U64(run(paths, 1, &o), 666 + 1, "--syscall '!openat': the others");

	memset(&o, 0, sizeof(o));
	o.failed = true;
	TAP_EQ_U64(run(paths, 1, &o), 167 + 1, "--failed: odd multiples of three");

	memset(&o, 0, sizeof(o));
	o.has_min_duration = true;
	o.min_duration = 3000;
	TAP_EQ_U64(run(paths, 1, &o), 400 + 1, "--min-duration 3us: k%5 in {3,4}");

	memset(&o, 0, sizeof(o));
	char *half[] = { "half" };
	o.comms = half;
	o.ncomms = 1;
	TAP_EQ_U64(run(paths, 1, &o), 1 + 250, "--comm half: tid 11 after its rename");

	memset(&o, 0, sizeof(o));
	o.since.set = o.until.set = true;
	o.since.ns = 100000;  /* from the start: calls 100..200 */
	o.until.ns = 200000;
	TAP_EQ_U64(run(paths, 1, &o), 101, "--since/--until: both ends included");
	tap_ok(ngot && got[0].key == (int64_t)(BASE + 100000), "... first event at --since");

	memset(&o, 0, sizeof(o));
	o.since.set = true;
	o.since.ns = 600000;
	o.npids = 1;
	o.pids = &pid20;
	TAP_EQ_U64(run(paths, 3, &o), 300, "--since with --pid over merged files");

	for (int i = 0; i < 4; i++) {
		unlink(p[i]);
	}
	rmdir(dir);
	return tap_done();
}
