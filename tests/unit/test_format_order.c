// SPDX-License-Identifier: MIT
/*
 * Order across chunks (FORMAT.md 2.3, writer option reorder_ns): events
 * handed to the writer late by less than the margin come back in exact time
 * order across many cut points (count, span of time, flush), all kinds
 * together; a later one comes back right after the events already written;
 * the carried tail is bounded, goes out at a process table and at close,
 * and is lost with an aborted writer like an open chunk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sysrec.h"
#include "tap.h"

/* One generated event: its time, the arrival key the writer sees, an id. */
struct item {
	enum sr_event_type type;
	uint64_t ts, arrive;
	uint32_t id;
};

static uint64_t rng = 88172645463325252ull;

/*
 * Times are T0 + small offsets. A flush takes the present as an arrival,
 * so T0 lies an hour ahead of the boot clock: only the events decide.
 */
static uint64_t t0;

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

static char path_of[64];

/* Hand item IT to W as an event of its kind, carrying IT->id in a field. */
static enum sr_status put(struct sr_writer *w, const struct item *it, uint64_t dur)
{
	struct sr_error err;
	char comm[16];

	snprintf(path_of, sizeof(path_of), "/path/%u", it->id);
	snprintf(comm, sizeof(comm), "c%u", it->id);
	switch (it->type) {
	case SR_EV_SYSCALL: {
		struct sr_syscall sc = { .ts = it->ts, .duration = dur, .tid = 100 + it->id % 7,
					 .tgid = 100, .nr = 2, .ret = it->id, .has_args = true };

		sc.args[5] = it->id;
		sc.str[0] = it->id % 3 ? path_of : NULL;
		return sr_writer_syscall(w, &sc, &err);
	}
	case SR_EV_PROCESS: {
		const char *argv[2] = { path_of, "x" };
		struct sr_proc_event pe = { .ts = it->ts, .kind = SR_PROC_EXEC, .tid = it->id,
					    .pid = it->id, .filename = path_of, .argv = argv,
					    .argc = 2, .comm = comm };

		return sr_writer_proc(w, &pe, &err);
	}
	case SR_EV_SAMPLE: {
		struct sr_sample s = { .ts = it->ts, .pid = it->id };

		return sr_writer_sample(w, &s, &err);
	}
	case SR_EV_HOSTCPU: {
		struct sr_hostcpu c = { .ts = it->ts, .user = it->id };

		return sr_writer_hostcpu(w, &c, &err);
	}
	default: {
		struct sr_loss l = { .first_ns = it->ts, .last_ns = it->ts, .cpu = -1,
				     .count = it->id, .where = SR_LOSS_RINGBUF };

		return sr_writer_loss(w, &l, &err);
	}
	}
}

/* Events of TYPE with ids FROM .. TO-1 at times 1000 * (id + 1), in that order. */
static bool put_range(struct sr_writer *w, enum sr_event_type type, uint32_t from, uint32_t to)
{
	struct item a = { type, 0, 0, 0 };

	for (uint32_t i = from; i < to; i++) {
		a.ts = t0 + 1000 * (i + 1);
		a.id = i;
		if (put(w, &a, 0) != SR_OK) {
			return false;
		}
	}
	return true;
}

/* The id an event read back carries; false when its payload is not intact. */
static bool id_of(const struct sr_event *ev, uint32_t *id)
{
	char want[64];

	switch (ev->type) {
	case SR_EV_SYSCALL:
		*id = (uint32_t)ev->sc.ret;
		snprintf(want, sizeof(want), "/path/%u", *id);
		return ev->sc.args[5] == *id &&
		       (*id % 3 ? ev->sc.str[0] && !strcmp(ev->sc.str[0], want) : !ev->sc.str[0]);
	case SR_EV_PROCESS:
		*id = ev->proc.tid;
		snprintf(want, sizeof(want), "/path/%u", *id);
		return ev->proc.filename && !strcmp(ev->proc.filename, want) && ev->proc.argc == 2 &&
		       !strcmp(ev->proc.argv[0], want) && !strcmp(ev->proc.argv[1], "x");
	case SR_EV_SAMPLE:
		*id = ev->sample.pid;
		return true;
	case SR_EV_HOSTCPU:
		*id = (uint32_t)ev->cpu.user;
		return true;
	case SR_EV_LOSS:
		*id = (uint32_t)ev->loss.count;
		return true;
	default:
		return false;
	}
}

/* Read PATH: the ids in file order (process tables as UINT32_MAX), and the end status. */
static size_t read_ids(const char *path, uint32_t *ids, size_t max, enum sr_status *end,
		       bool *intact)
{
	struct sr_error err;
	struct sr_reader *r = sr_reader_open(path, &err);
	struct sr_event ev;
	size_t n = 0;

	*intact = r != NULL;
	*end = SR_IO;
	if (!r) {
		return 0;
	}
	while ((*end = sr_reader_next(r, &ev, &err)) == SR_OK) {
		uint32_t id = UINT32_MAX;

		if (ev.type != SR_EV_PROCINFO && !id_of(&ev, &id)) {
			*intact = false;
		}
		if (n < max) {
			ids[n] = id;
		}
		n++;
	}
	sr_reader_close(r);
	return n;
}

static int cmp_arrive(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->arrive != y->arrive) {
		return x->arrive < y->arrive ? -1 : 1;
	}
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct sr_writer *open_w(const char *path, uint64_t reorder, uint32_t chunk_events,
				uint64_t chunk_ns)
{
	Sysrec__Header h = SYSREC__HEADER__INIT;
	struct sr_writer_opts o = { .chunk_events = chunk_events, .chunk_ns = chunk_ns,
				    .reorder_ns = reorder };
	struct sr_error err;

	h.args_captured = true;
	return sr_writer_open(path, &h, &o, &err);
}

/*
 * N events of every kind, times 1000-2000 ns apart (so that at most 11 fall
 * in a 10 us margin, below the carry bound of 64 / 4), handed over in the
 * order of their arrival: completion (syscalls: entry + DUR) plus a delay,
 * where DUR + delay < MARGIN. Returns the per-run inversions read back.
 */
static size_t late_run(const char *path, size_t n, uint64_t margin, uint64_t reorder,
		       uint64_t *frames, bool *exact)
{
	struct item *it = calloc(n, sizeof(*it));
	uint32_t *ids = calloc(n + 1, sizeof(*ids));
	uint64_t *dur = calloc(n, sizeof(*dur));
	struct sr_writer *w = open_w(path, reorder, 64, 50000);
	uint64_t t = t0;
	size_t inv = 0, got;
	enum sr_status end;
	bool intact, ok = w != NULL;
	struct sr_error err;

	for (size_t i = 0; i < n; i++) {
		uint64_t d;

		t += 1000 + rnd(1000);
		it[i].ts = t;
		it[i].id = i;
		it[i].type = rnd(10) < 6 ? SR_EV_SYSCALL : SR_EV_PROCESS + rnd(4);
		d = it[i].type == SR_EV_SYSCALL ? rnd(margin / 4) : 0;
		/* by id: arrival order changes, the durations stay with their events */
		dur[i] = d;
		it[i].arrive = t + d + rnd(margin - d);
	}
	qsort(it, n, sizeof(*it), cmp_arrive);
	for (size_t i = 0; ok && i < n; i++) {
		ok = put(w, &it[i], dur[it[i].id]) == SR_OK;
		if (ok && i % 97 == 96) {
			ok = sr_writer_flush(w, &err) == SR_OK;
		}
	}
	*frames = sr_writer_frames(w);
	ok = sr_writer_close(w, NULL, &err) == SR_OK && ok;
	got = read_ids(path, ids, n, &end, &intact);
	/* ids were given in time order: read back in time order = ids 0, 1, 2 ... */
	*exact = ok && intact && end == SR_END && got == n;
	for (size_t i = 0; i < got && i < n; i++) {
		if (ids[i] != i) {
			*exact = false;
		}
		if (i && ids[i] < ids[i - 1]) {
			inv++;
		}
	}
	free(it);
	free(ids);
	free(dur);
	return inv;
}

int main(void)
{
	char dir[] = "/tmp/sysrec-order.XXXXXX";
	char path[300];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/t.sysrec", dir);
	t0 = boot_ns() + 3600 * 1000000000ull;

	/* 1. late by less than the margin: exact time order across every cut */
	{
		uint64_t frames0, frames1;
		bool exact0, exact1;
		size_t inv0 = late_run(path, 20000, 10000, 0, &frames0, &exact0);
		size_t inv1 = late_run(path, 20000, 10000, 10000, &frames1, &exact1);

		tap_ok(inv0 > 100 && !exact0,
		       "without a margin, late events cross chunk boundaries (%zu inversions)", inv0);
		tap_ok(frames1 > 300, "with a 10 us margin: many cut points (%llu frames)",
		       (unsigned long long)frames1);
		tap_ok(exact1 && inv1 == 0,
		       "... and all 20000 events of 5 kinds read back intact in exact time order "
		       "(%zu inversions)", inv1);
	}

	/* 2. later than the margin: right after the events already written */
	{
		struct sr_writer *w = open_w(path, 1000, 1000, UINT64_MAX);
		struct item a = { SR_EV_SYSCALL, 0, 0, 0 };
		struct sr_error err;
		uint32_t ids[64];
		enum sr_status end;
		bool intact, ok = w != NULL;
		size_t got;

		/* ids 0..19 at 1000, 2000 ... 20000; the flush writes those before 19000 */
		ok = ok && put_range(w, SR_EV_SYSCALL, 0, 20);
		ok = ok && sr_writer_flush(w, &err) == SR_OK;
		TAP_EQ_U64(sr_writer_pending_events(w), 2, "a flush keeps the 2 events within 1 us of the newest");
		/* id 20 at 5500: 14.5 us late, after ids 0..17 are written */
		a.ts = t0 + 5500;
		a.id = 20;
		ok = ok && put(w, &a, 0) == SR_OK;
		a.ts = t0 + 21000;
		a.id = 21;
		ok = ok && put(w, &a, 0) == SR_OK;
		ok = sr_writer_close(w, NULL, &err) == SR_OK && ok;
		got = read_ids(path, ids, 64, &end, &intact);
		const uint32_t want[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 18, 19, 21 };
		bool same = ok && intact && end == SR_END && got == 22 && !memcmp(ids, want, sizeof(want));

		tap_ok(same, "an event later than the margin comes right after the events already "
			     "written, first of the next chunk");
	}

	/* 3. the carried tail is bounded: chunk_events / 4 */
	{
		struct sr_writer *w = open_w(path, UINT64_MAX, 40, UINT64_MAX);
		struct item a = { SR_EV_HOSTCPU, 0, 0, 0 };
		struct sr_error err;
		uint64_t most = 0;
		bool ok = w != NULL;

		for (uint32_t i = 0; ok && i < 1000; i++) {
			a.ts = 1000 + i;
			a.id = i;
			ok = put(w, &a, 0) == SR_OK;
			if (ok && sr_writer_pending_events(w) > most) {
				most = sr_writer_pending_events(w);
			}
		}
		TAP_EQ_U64(most, 39, "with every event within the margin, a chunk still holds at most chunk_events");
		TAP_EQ_U64(sr_writer_pending_events(w), 10 + (1000 - 40) % 30,
			   "... and each cut carries chunk_events / 4 = 10");
		ok = sr_writer_close(w, NULL, &err) == SR_OK && ok;
		tap_ok(ok, "... and close writes them");
	}

	/* 4. ties are carried together: no split inside one time */
	{
		struct sr_writer *w = open_w(path, UINT64_MAX, 40, UINT64_MAX);
		struct item a = { SR_EV_SAMPLE, 0, 0, 0 };
		struct sr_error err;
		uint32_t ids[64];
		enum sr_status end;
		bool intact, ok = w != NULL;

		/* 25 at time 10, then 15 at time 20: keeping 10 would split time 20 */
		for (uint32_t i = 0; ok && i < 40; i++) {
			a.ts = i < 25 ? 10 : 20;
			a.id = i;
			ok = put(w, &a, 0) == SR_OK;
		}
		TAP_EQ_U64(sr_writer_pending_events(w), 0,
			   "a group of equal times larger than the bound is written whole");
		ok = sr_writer_close(w, NULL, &err) == SR_OK && ok;
		tap_ok(ok && read_ids(path, ids, 64, &end, &intact) == 40 && end == SR_END && intact,
		       "... and reads back");
	}

	/* 5. a process table and close write the tail; an abort loses it like an open chunk */
	{
		struct sr_writer *w = open_w(path, 5000, 1000, UINT64_MAX);
		struct sr_procinfo pi = { .pid = 1, .comm = "init" };
		struct sr_error err;
		uint32_t ids[64];
		enum sr_status end;
		bool intact, ok = w != NULL;
		size_t got;

		ok = ok && put_range(w, SR_EV_PROCESS, 0, 10);
		ok = ok && sr_writer_flush(w, &err) == SR_OK;
		TAP_EQ_U64(sr_writer_pending_events(w), 6, "a flush carries the events within 5 us (6..10 us)");
		ok = ok && sr_writer_process_table(w, &pi, 1, &err) == SR_OK;
		TAP_EQ_U64(sr_writer_pending_events(w), 0, "a process table writes them first");
		ok = ok && put_range(w, SR_EV_PROCESS, 10, 20);
		ok = ok && sr_writer_flush(w, &err) == SR_OK;
		TAP_EQ_U64(sr_writer_pending_events(w), 6, "a carried tail at the end ...");
		ok = sr_writer_close(w, NULL, &err) == SR_OK && ok;
		got = read_ids(path, ids, 64, &end, &intact);
		bool same = ok && intact && end == SR_END && got == 21;

		for (uint32_t i = 0; same && i < 21; i++) {
			same = ids[i] == (i < 10 ? i : i == 10 ? UINT32_MAX : i - 1);
		}
		tap_ok(same, "... is written by close, before the totals: 10 events, the table, 10 events");

		w = open_w(path, 5000, 1000, UINT64_MAX);
		ok = w != NULL;
		ok = ok && put_range(w, SR_EV_PROCESS, 0, 10);
		ok = ok && sr_writer_flush(w, &err) == SR_OK;
		sr_writer_abort(w);
		got = read_ids(path, ids, 64, &end, &intact);
		same = ok && intact && end == SR_TRUNCATED && got == 4;
		for (uint32_t i = 0; same && i < 4; i++) {
			same = ids[i] == i;
		}
		tap_ok(same, "an aborted writer leaves the flushed events (4) and loses the carried tail");
	}

	/* 6. a carried tail of big strings does not make every later event cut */
	{
		struct sr_writer *w = open_w(path, UINT64_MAX, 65536, UINT64_MAX);
		static char big[4001];
		struct sr_syscall sc = { .tid = 1, .tgid = 1, .nr = 2, .has_args = true };
		struct sr_error err;
		uint64_t frames;
		bool ok = w != NULL;

		memset(big, 'p', sizeof(big) - 1);
		sc.str[0] = big;
		for (uint32_t i = 0; ok && i < 5000; i++) {
			sc.ts = 1000 + i;
			sc.ret = i;
			ok = sr_writer_syscall(w, &sc, &err) == SR_OK;
		}
		frames = sr_writer_frames(w);
		ok = sr_writer_close(w, NULL, &err) == SR_OK && ok;
		/* 8 MiB of strings is about 2097 events: two such cuts in 5000 */
		tap_ok(ok && frames == 3, "strings over the chunk byte limit are written whole (%llu frames)",
		       (unsigned long long)frames);
	}

	/* 7. a flush takes the present as an arrival: an idle recorder's tail goes out */
	{
		const uint64_t s = 1000000000ull;
		struct sr_writer *w = open_w(path, 10 * s, 1000, UINT64_MAX);
		struct item a = { SR_EV_SYSCALL, 0, 0, 0 };
		uint64_t now = boot_ns();
		struct sr_error err;
		bool ok = w != NULL;

		/*
		 * 10 s margin; 10 events 13.0 .. 12.1 s ago, 5 events 5.0 .. 4.6 s
		 * ago: all 15 are within 10 s of the newest, but the first 10 are
		 * older than 10 s before the present (unless this test stalls 2 s).
		 */
		for (uint32_t i = 0; ok && i < 15; i++) {
			a.ts = i < 10 ? now - 13 * s + i * s / 10 : now - 5 * s + (i - 10) * s / 10;
			a.id = i;
			ok = put(w, &a, 0) == SR_OK;
		}
		ok = ok && sr_writer_flush(w, &err) == SR_OK;
		TAP_EQ_U64(sr_writer_pending_events(w), 5,
			   "a flush writes the events older than the margin before the present "
			   "(not only before the newest arrival)");
		ok = sr_writer_close(w, NULL, &err) == SR_OK && ok;
		tap_ok(ok, "... and close writes the rest");
	}

	unlink(path);
	rmdir(dir);
	return tap_done();
}
