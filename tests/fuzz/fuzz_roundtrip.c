// SPDX-License-Identifier: MIT
/*
 * Fuzz the write-read round trip: the input bytes drive the events (kinds,
 * times, ids, return values, strings, process tables, flushes) and the writer
 * options; the trace is written to a memory file, read back, and every event
 * must come back equal, in the order FORMAT.md promises.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sysrec.h"
#include "../lib/trace_gen.h"

struct bytes {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct bytes *b, int k)
{
	uint64_t v = 0;

	for (int i = 0; i < k && b->n; i++) {
		v |= (uint64_t)*b->p++ << (8 * i);
		b->n--;
	}
	return v;
}

static const char *take_str(struct gen *g, struct bytes *b)
{
	size_t len = take(b, 1) % 24;
	char *s = gen_keep(g, calloc(len + 1, 1));

	for (size_t i = 0; i < len; i++) {
		s[i] = (char)(take(b, 1) | 1); /* no NUL inside */
	}
	return s;
}

static void build(struct gen *g, struct bytes *b)
{
	uint64_t now = take(b, 4);
	size_t cap = b->n / 2 + 1;

	g->args = take(b, 1) & 1;
	sysrec__header__init(&g->hdr);
	g->hdr.args_captured = g->args;
	g->hdr.abi = (char *)"x86_64";
	g->items = gen_keep(g, calloc(cap, sizeof(*g->items)));
	while (b->n && g->nitems < cap) {
		struct gen_item *it = &g->items[g->nitems++];
		struct sr_event *ev = &it->ev;
		unsigned k = take(b, 1);

		now += take(b, 1) << (k >> 5);
		it->kind = GI_EVENT;
		switch (k % 10) {
		case 0: case 1: case 2: case 3: case 4: {
			struct sr_syscall *sc = &ev->sc;

			ev->type = SR_EV_SYSCALL;
			sc->duration = take(b, 1 + k % 3);
			sc->ts = now - (sc->duration < now ? sc->duration : now);
			sc->duration = now - sc->ts;
			sc->tid = take(b, 1);
			sc->tgid = take(b, 1);
			sc->nr = take(b, 2);
			sc->ret = (int64_t)(take(b, k % 4 == 0 ? 8 : 1) - 64);
			sc->flags = k % 7 == 0 ? take(b, 1) % 4 : 0;
			sc->has_args = g->args;
			for (int a = 0; g->args && a < 6; a++) {
				sc->args[a] = take(b, (k + a) % 9);
			}
			if (k % 4 == 1) {
				sc->str[take(b, 1) % 6] = take_str(g, b);
			}
			ev->ts = sc->ts;
			break;
		}
		case 5: {
			struct sr_proc_event *p = &ev->proc;
			const char **argv;

			ev->type = SR_EV_PROCESS;
			p->ts = now - take(b, 1);
			p->kind = 1 + take(b, 1) % 5;
			p->tid = take(b, 2);
			p->pid = take(b, 2);
			p->exit_code = take(b, 1);
			p->comm = take(b, 1) & 1 ? take_str(g, b) : NULL;
			p->argc = take(b, 1) % 4;
			argv = gen_keep(g, calloc(p->argc + 1, sizeof(char *)));
			for (uint32_t i = 0; i < p->argc; i++) {
				argv[i] = take_str(g, b);
			}
			p->argv = argv;
			ev->ts = p->ts;
			break;
		}
		case 6:
			ev->type = SR_EV_SAMPLE;
			ev->sample.ts = now - take(b, 1);
			ev->sample.pid = take(b, 2);
			ev->sample.rss_kb = take(b, 3);
			ev->sample.final = k & 1;
			ev->ts = ev->sample.ts;
			break;
		case 7:
			ev->type = SR_EV_LOSS;
			ev->loss.first_ns = now - take(b, 1);
			ev->loss.last_ns = now;
			ev->loss.count = take(b, 2);
			ev->loss.where = take(b, 1) % 5;
			ev->loss.cpu = (int32_t)take(b, 1) - 1;
			ev->ts = ev->loss.first_ns;
			break;
		case 8: {
			size_t n = take(b, 1) % 3;

			it->kind = GI_TABLE;
			it->ntab = n;
			it->tab = gen_keep(g, calloc(n + 1, sizeof(*it->tab)));
			it->tev = gen_keep(g, calloc(n + 1, sizeof(*it->tev)));
			for (size_t i = 0; i < n; i++) {
				it->tab[i].pid = take(b, 2);
				it->tab[i].start_ns = take(b, 3);
				it->tab[i].label = take(b, 1) & 1 ? take_str(g, b) : NULL;
				it->tev[i].type = SR_EV_PROCINFO;
				it->tev[i].ts = it->tab[i].start_ns;
				it->tev[i].info = it->tab[i];
			}
			break;
		}
		default:
			it->kind = GI_FLUSH;
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bytes b = { data, size };
	struct gen g;
	struct sr_writer_opts o = { 0 };
	char why[256];
	int fd;
	off_t len;
	uint8_t *map;
	struct sr_error err;
	struct sr_reader *r;
	struct sr_event ev;
	size_t i = 0;
	enum sr_status st;

	memset(&g, 0, sizeof(g));
	o.chunk_events = 1 + take(&b, 1) % 40;
	o.chunk_ns = take(&b, 1) & 1 ? UINT64_MAX : 1 + take(&b, 2) * 16;
	o.level = 1 + take(&b, 1) % 3;
	/* half the inputs carry late events across cuts (FORMAT.md 2.3) */
	o.reorder_ns = take(&b, 1) & 1 ? 1 + take(&b, 2) * 16 : 0;
	build(&g, &b);
	gen_expect(&g, &o);
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || !gen_write(&g, NULL, fd, &o, why, sizeof(why))) {
		abort();
	}
	len = lseek(fd, 0, SEEK_END);
	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		abort();
	}
	r = sr_reader_open_mem(map, len, &err);
	if (!r) {
		abort();
	}
	if (o.reorder_ns) {
		/* The exact order depends on what each cut carried: every
		 * event must come back exactly once, and no table before an
		 * event that was handed to the writer before it. */
		bool *used = calloc(g.nexp + 1, 1);

		if (!used) {
			abort();
		}
		while ((st = sr_reader_next(r, &ev, &err)) == SR_OK) {
			size_t j = 0;

			while (j < g.nexp && (used[j] || !gen_event_eq(g.exp[j], &ev, g.args, why,
									  sizeof(why)))) {
				j++;
			}
			if (j == g.nexp) {
				abort();
			}
			used[j] = true;
			for (size_t k = 0; ev.type == SR_EV_PROCINFO && k < j; k++) {
				if (!used[k] && g.exp[k]->type != SR_EV_PROCINFO) {
					abort();
				}
			}
			i++;
		}
		free(used);
	} else {
		while ((st = sr_reader_next(r, &ev, &err)) == SR_OK) {
			if (i >= g.nexp || !gen_event_eq(g.exp[i], &ev, g.args, why, sizeof(why))) {
				abort();
			}
			i++;
		}
	}
	if (st != SR_END || i != g.nexp) {
		abort();
	}
	sr_reader_close(r);
	munmap(map, len);
	close(fd);
	gen_free(&g);
	return 0;
}
