// SPDX-License-Identifier: MIT
/*
 * Round trips through the trace library: random events of every kind are
 * written and read back field by field, in the order the format promises
 * (time order within a chunk, chunks in file order); write -> read -> write
 * is byte-exact; and a trace streams through a pipe.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysrec.h"
#include "tap.h"
#include "trace_gen.h"

/* Read everything from R and compare with the expected order of G. */
static bool read_matches(struct sr_reader *r, const struct gen *g, char *why, size_t n)
{
	struct sr_event ev;
	struct sr_error err;
	size_t i = 0;
	enum sr_status st;

	while ((st = sr_reader_next(r, &ev, &err)) == SR_OK) {
		if (i >= g->nexp) {
			snprintf(why, n, "more events than written (%zu)", g->nexp);
			return false;
		}
		if (!gen_event_eq(g->exp[i], &ev, g->args, why, n - 40)) {
			size_t l = strlen(why);

			snprintf(why + l, n - l, " at event %zu", i);
			return false;
		}
		i++;
	}
	if (st != SR_END) {
		snprintf(why, n, "read ended with %s: %s", sr_status_str(st), err.msg);
		return false;
	}
	if (i != g->nexp) {
		snprintf(why, n, "read %zu events, wrote %zu", i, g->nexp);
		return false;
	}
	return true;
}

static int64_t load_file(const char *path, uint8_t **out)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f) {
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*out = malloc(n ? n : 1);
	if (fread(*out, 1, n, f) != (size_t)n) {
		n = -1;
	}
	fclose(f);
	return n;
}

static bool rewrite(const char *in, const char *out, const struct sr_writer_opts *o, char *why,
		    size_t n)
{
	struct sr_error err;
	struct sr_reader *r = sr_reader_open(in, &err);
	struct sr_writer *w;
	struct sr_event ev;
	enum sr_status st;

	if (!r) {
		snprintf(why, n, "open: %s", err.msg);
		return false;
	}
	w = sr_writer_open(out, sr_reader_header(r), o, &err);
	if (!w) {
		snprintf(why, n, "create: %s", err.msg);
		sr_reader_close(r);
		return false;
	}
	while ((st = sr_reader_next(r, &ev, &err)) == SR_OK) {
		if (sr_writer_event(w, &ev, &err) != SR_OK) {
			break;
		}
	}
	if (st != SR_END) {
		snprintf(why, n, "rewrite: %s", err.msg);
		sr_writer_abort(w);
		sr_reader_close(r);
		return false;
	}
	st = sr_writer_close(w, sr_reader_totals(r), &err);
	sr_reader_close(r);
	if (st != SR_OK) {
		snprintf(why, n, "close: %s", err.msg);
		return false;
	}
	return true;
}

int main(void)
{
	char dir[] = "/tmp/sysrec-rt.XXXXXX";
	char pa[300], pb[300], why[300];
	int seeds_ok = 0, exact_ok = 0, timecut_ok = 0, mem_ok = 0, totals_ok = 0;
	const int nseeds = 60;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(pa, sizeof(pa), "%s/a.sysrec", dir);
	snprintf(pb, sizeof(pb), "%s/b.sysrec", dir);

	for (int seed = 1; seed <= nseeds; seed++) {
		struct gen g;
		struct sr_writer_opts o = { 0 };
		struct sr_error err;
		struct sr_reader *r;
		bool ok;

		/* count cuts only: the cut points survive a rewrite */
		o.chunk_events = 1 + seed % 37;
		o.chunk_ns = UINT64_MAX;
		o.level = seed % 5 == 0 ? 1 : 0;
		gen_init(&g, seed, 50 + (seed * 37) % 700, false);
		gen_expect(&g, &o);
		ok = gen_write(&g, pa, -1, &o, why, sizeof(why));
		if (ok) {
			r = sr_reader_open(pa, &err);
			ok = r && read_matches(r, &g, why, sizeof(why));
			if (!r) {
				snprintf(why, sizeof(why), "open: %s", err.msg);
			}
			if (ok) {
				const Sysrec__Totals *t = sr_reader_totals(r);

				if (t && t->syscalls == g.n_sc && t->process_events == g.n_pe &&
				    t->samples == g.n_smp && t->lost == g.n_lost &&
				    t->exit_code == 3 && !strcmp(t->exit_reason, "command exited")) {
					totals_ok++;
				} else {
					tap_diag("seed %d: totals differ", seed);
				}
			}
			sr_reader_close(r);
		}
		if (ok) {
			seeds_ok++;
		} else {
			tap_diag("seed %d: %s", seed, why);
		}
		/* byte-exact rewrite */
		if (ok && rewrite(pa, pb, &o, why, sizeof(why))) {
			uint8_t *a = NULL, *b = NULL;
			int64_t na = load_file(pa, &a), nb = load_file(pb, &b);

			if (na > 0 && na == nb && !memcmp(a, b, na)) {
				exact_ok++;
			} else {
				tap_diag("seed %d: rewrite differs (%" PRId64 " vs %" PRId64 " bytes)",
					 seed, na, nb);
			}
			/* the same bytes through sr_reader_open_mem */
			r = na > 0 ? sr_reader_open_mem(a, na, &err) : NULL;
			if (r && read_matches(r, &g, why, sizeof(why))) {
				mem_ok++;
			} else {
				tap_diag("seed %d: memory read: %s", seed, r ? why : err.msg);
			}
			sr_reader_close(r);
			free(a);
			free(b);
		} else if (ok) {
			tap_diag("seed %d: %s", seed, why);
		}
		gen_free(&g);

		/* time cuts and explicit flushes: events still come back in the promised order */
		memset(&o, 0, sizeof(o));
		o.chunk_events = 5 + seed % 100;
		o.chunk_ns = 2000 + (uint64_t)seed * 3000;
		gen_init(&g, seed + 1000, 50 + (seed * 53) % 900, true);
		gen_expect(&g, &o);
		ok = gen_write(&g, pa, -1, &o, why, sizeof(why));
		if (ok) {
			r = sr_reader_open(pa, &err);
			ok = r && read_matches(r, &g, why, sizeof(why));
			if (!r) {
				snprintf(why, sizeof(why), "open: %s", err.msg);
			}
			sr_reader_close(r);
		}
		if (ok) {
			timecut_ok++;
		} else {
			tap_diag("seed %d (time cuts): %s", seed + 1000, why);
		}
		gen_free(&g);
	}
	tap_ok(seeds_ok == nseeds, "write then read gives the same events (%d/%d seeds)", seeds_ok,
	       nseeds);
	tap_ok(totals_ok == nseeds, "totals count what was written (%d/%d seeds)", totals_ok, nseeds);
	tap_ok(exact_ok == nseeds, "write -> read -> write is byte-exact (%d/%d seeds)", exact_ok,
	       nseeds);
	tap_ok(mem_ok == nseeds, "reading from memory gives the same events (%d/%d seeds)", mem_ok,
	       nseeds);
	tap_ok(timecut_ok == nseeds, "time cuts and flushes keep the order (%d/%d seeds)",
	       timecut_ok, nseeds);

	/* a chunk never spans more than chunk_ns of arrival time, and counts are honoured */
	{
		struct gen g;
		struct sr_writer_opts o = { .chunk_events = 1000, .chunk_ns = 50000 };
		struct sr_error err;
		struct sr_reader *r;
		struct sr_reader_stats st;
		struct sr_event ev;
		size_t n = 0;

		gen_init(&g, 4242, 3000, false);
		gen_expect(&g, &o);
		gen_write(&g, pa, -1, &o, why, sizeof(why));
		r = sr_reader_open(pa, &err);
		while (r && sr_reader_next(r, &ev, &err) == SR_OK) {
			n++;
		}
		sr_reader_get_stats(r, &st);
		tap_ok(r && n == g.nexp && g.nchunks > 3 &&
			       st.frames == (uint64_t)g.nchunks + g.ntables + 3,
		       "frames = header + chunks (%zu) + tables (%zu) + totals + index (%" PRIu64 ")",
		       g.nchunks, g.ntables, r ? st.frames : 0);
		tap_ok(r && st.damaged == 0 && st.skipped_bytes == 0 && st.unknown_frames == 0,
		       "a clean trace reports no damage");
		sr_reader_close(r);
		gen_free(&g);
	}

	/* a pipe: the writer in a child, the reader here */
	{
		int pfd[2];
		struct gen g;
		struct sr_writer_opts o = { .chunk_events = 64, .chunk_ns = UINT64_MAX };
		pid_t pid;
		bool ok = false;
		int status = 0;

		gen_init(&g, 777, 2000, false);
		gen_expect(&g, &o);
		if (pipe(pfd) == 0 && (pid = fork()) >= 0) {
			if (pid == 0) {
				close(pfd[0]);
				_exit(gen_write(&g, NULL, pfd[1], &o, why, sizeof(why)) ? 0 : 1);
			}
			close(pfd[1]);
			struct sr_error err;
			struct sr_reader *r = sr_reader_open_fd(pfd[0], &err);

			ok = r && read_matches(r, &g, why, sizeof(why));
			if (!ok) {
				tap_diag("pipe: %s", r ? why : err.msg);
			}
			tap_ok(r && sr_reader_seek_time(r, 0, &err) == SR_OK,
			       "seek on a pipe is a no-op");
			sr_reader_close(r);
			close(pfd[0]);
			waitpid(pid, &status, 0);
		}
		tap_ok(ok && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "a trace written into a pipe reads back the same events");
		gen_free(&g);
	}

	/* header facts */
	{
		Sysrec__Header h;
		const char *argv[] = { "sysrec", "record", "--", "true" };

		tap_ok(sr_header_init(&h, "x86_64") == SR_OK && h.format_version == SR_FORMAT_VERSION &&
			       h.hostname[0] && h.kernel_release[0] && h.clock_boot_ns &&
			       h.clock_realtime_ns > 0 && h.page_size && h.clock_ticks_per_sec &&
			       h.ncpus && !strcmp(h.abi, "x86_64") && strlen(h.boot_id) == 36,
		       "sr_header_init fills the host facts");
		h.recorder = (char *)"sysrec test"; /* a caller's string: never freed by us */
		sr_header_set_strv(&h.command_line, &h.n_command_line, argv, 4);
		sr_header_set_strv(&h.command_line, &h.n_command_line, argv, 3);
		sr_header_set_label(&h, "dataset", "adfa");
		sr_header_set_label(&h, "split", "training");
		sr_header_set_label(&h, "dataset", "adfa-ld");
		tap_ok(h.n_command_line == 3 && !strcmp(h.command_line[2], "--") && h.n_labels == 2 &&
			       !strcmp(h.labels[0]->value, "adfa-ld"),
		       "sr_header_set_strv and sr_header_set_label");
		sr_header_free(&h);
		sr_header_free(&h);
		tap_ok(h.n_labels == 0 && h.n_command_line == 0, "sr_header_free resets the header");
	}

	snprintf(why, sizeof(why), "rm -rf %s", dir);
	if (system(why) != 0) {
		tap_diag("could not remove %s", dir);
	}
	return tap_done();
}
