// SPDX-License-Identifier: MIT
/* n-gram tables, Kneser-Ney values, call sets, model files and merging on tiny sequences. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "ngram.h"
#include "model.h"
#include "model_io.h"

/* One process segment of program PROG making calls NR. */
static void train_seq(struct ng_model *m, const char *prog, const uint32_t *nr, size_t len)
{
	struct cs_open open = { { 0 } };
	struct cs_set set;
	struct ng_seq s = { 0, 0, ng_model_profile(m, prog), &open };

	s.prof->sequences++;
	s.prof->processes++;
	m->sequences++;
	for (size_t i = 0; i < len; i++) {
		ng_train_call(m, &s, nr[i], ng_key_mask(m->n));
	}
	m->calls += len;
	cs_open_get(&open, &set);
	cs_open_clear(&open);
	cs_table_add(&s.prof->sets, &set, 1);
	ng_model_flush(m);
}

/* Set of syscall numbers NR as model ids (every one must be known to M). */
static struct cs_set set_of(const struct ng_model *m, const uint32_t *nr, size_t len)
{
	struct cs_set s = { { 0 } };

	for (size_t i = 0; i < len; i++) {
		cs_set_add(&s, ng_model_lookup(m, nr[i]));
	}
	return s;
}

/* A pointer to the set of the syscall numbers given, for the current block. */
#define SET(m, ...) \
	((struct cs_set[1]){ set_of(m, (uint32_t[]){ __VA_ARGS__ }, \
				    sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t)) })

/* The call sets of profile I of encoded model BUF as text: "size:symbols*count ..." */
static void sets_text(const void *buf, size_t len, size_t i, char *out, size_t n)
{
	Sysrec__Model *pm = NULL;
	size_t pos = 0, o = 0;

	out[0] = 0;
	if (sr_model_decode(buf, len, &pm, NULL) != SR_OK || i >= pm->n_profiles) {
		sr_model_free(pm);
		return;
	}
	const Sysrec__Profile *pp = pm->profiles[i];
	for (size_t k = 0; k < pp->n_set_sizes && o < n; k++) {
		o += snprintf(out + o, n - o, "%s{", k ? " " : "");
		for (uint32_t q = 0; q < pp->set_sizes[k] && o < n; q++) {
			o += snprintf(out + o, n - o, "%s%u", q ? "," : "", pp->set_symbols[pos++]);
		}
		if (o < n && k < pp->n_set_counts) {
			o += snprintf(out + o, n - o, "}x%llu", (unsigned long long)pp->set_counts[k]);
		}
	}
	sr_model_free(pm);
}

static void test_callsets(void)
{
	struct ng_model *m = ng_model_new(2, "x86_64", "comm"), *m2 = ng_model_new(2, "x86_64", "comm");
	const uint32_t s0[] = { 1, 2, 1 }, s1[] = { 2, 1 }, s2[] = { 3 }, s3[] = { 1, 2, 3 }, s4[] = { 0 };
	const uint32_t *seqs[] = { s0, s1, s2, s3, s4 };
	const size_t lens[] = { 3, 2, 1, 3, 1 };
	void *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	char txt[256];

	for (int i = 0; i < 5; i++) {
		train_seq(m, "p", seqs[i], lens[i]);
		train_seq(m2, "p", seqs[4 - i], lens[4 - i]);
	}
	struct ng_profile *p = ng_model_find(m, "p");
	TAP_EQ_U64(p->sets.len, 4, "5 segments, 4 distinct call sets");
	TAP_EQ_U64(cs_table_count(&p->sets, SET(m, 1, 2)), 2, "{1,2} made by 2 segments (1 2 1 and 2 1)");
	TAP_EQ_U64(cs_table_count(&p->sets, SET(m, 1, 2, 3)), 1, "{1,2,3} by 1");
	TAP_EQ_U64(cs_table_count(&p->sets, SET(m, 2)), 0, "{2} by none");
	model_encode(m, &b1, &l1, NULL);
	model_encode(m2, &b2, &l2, NULL);
	sets_text(b1, l1, 0, txt, sizeof(txt));
	TAP_EQ_STR(txt, "{1}x1 {2,3}x2 {2,3,4}x1 {4}x1",
		   "sets in the file: symbols nr+1 ascending, sorted lexicographically, a prefix first");
	tap_ok(l1 == l2 && !memcmp(b1, b2, l1), "training order does not change the bytes (dense ids differ)");

	/* Jaccard distance 1 - max |A&B|/|A|B| over {0}, {1,2}, {1,2,3}, {3} */
	const struct { struct cs_set s; double want; const char *what; } cases[] = {
		{ *SET(m, 1, 2), 0.0, "{1,2}: seen exactly, 0" },
		{ *SET(m, 1), 0.5, "{1}: best {1,2} 1/2, 0.5" },
		{ *SET(m, 0, 3), 0.5, "{0,3}: best {0} or {3} 1/2, 0.5" },
		{ *SET(m, 0, 1, 2, 3), 0.25, "{0,1,2,3}: best {1,2,3} 3/4, 0.25" },
		{ *SET(m, 0, 1), 0.5, "{0,1}: best {0} 1/2 ({1,2} 1/3), 0.5" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double d = cs_table_distance(&p->sets, &cases[i].s);

		tap_ok(fabs(d - cases[i].want) < 1e-12, "distance %s (%.17g)", cases[i].what, d);
	}
	struct cs_set unk = *SET(m, 1, 2);
	cs_set_add(&unk, m->nsyms); /* a syscall the model does not know */
	tap_ok(fabs(cs_table_distance(&p->sets, &unk) - 1.0 / 3) < 1e-12,
	       "{1,2,unknown}: best {1,2} 2/3, 1/3 (the unknown call is an element)");
	struct cs_set unk2 = *SET(m, 0);
	cs_set_add(&unk2, m->nsyms);
	cs_set_add(&unk2, m->nsyms + 1);
	tap_ok(fabs(cs_table_distance(&p->sets, &unk2) - 2.0 / 3) < 1e-12,
	       "{0,unknown,other unknown}: best {0} 1/3, 2/3");
	struct cs_open big = { { 0 } };
	struct cs_set got;
	const uint32_t ids[] = { 3, 127, 128, 700, 1023 };
	for (int i = 0; i < 5; i++) {
		cs_open_add(&big, ids[i]);
	}
	cs_open_get(&big, &got);
	tap_ok(big.more && cs_set_size(&got) == 5 && cs_set_has(&got, 127) && cs_set_has(&got, 128) &&
	       cs_set_has(&got, 1023) && !cs_set_has(&got, 129),
	       "an open set keeps ids below 128 in place, the rest in its bitset: 5 elements");
	cs_open_clear(&big);
	tap_ok(!big.more && !big.w[0] && !big.w[1], "cleared open set is empty");
	struct cs_table none = { 0 };
	tap_ok(cs_table_distance(&none, SET(m, 1)) == 1.0, "no training sets: distance 1");
	free(b2);
	free(b1);
	ng_model_free(m2);
	ng_model_free(m);
}

static ng_key key_of(const struct ng_model *m, const uint32_t *nr, uint32_t n)
{
	ng_key k = 0;

	for (uint32_t i = 0; i < n; i++) {
		k = ng_key_push(k, nr[i] == ~0u ? NG_BOS : ng_model_lookup(m, nr[i]), ng_key_mask(m->n));
	}
	return k;
}

static bool same_bytes(struct ng_model *a, struct ng_model *b)
{
	void *ba = NULL, *bb = NULL;
	size_t la = 0, lb = 0;
	bool eq;

	model_encode(a, &ba, &la, NULL);
	model_encode(b, &bb, &lb, NULL);
	eq = ba && bb && la == lb && !memcmp(ba, bb, la);
	free(ba);
	free(bb);
	return eq;
}

static struct ng_model *shard(const uint32_t *const *seqs, const size_t *lens, const int *which,
			      int k, const char *src)
{
	struct ng_model *m = ng_model_new(3, "x86_64", "comm");

	for (int i = 0; i < k; i++) {
		train_seq(m, which[i] % 2 ? "cat" : "sh", seqs[which[i]], lens[which[i]]);
	}
	m->traces = 1;
	ng_model_add_source(m, src);
	return m;
}

int main(void)
{
	const uint32_t BOS = ~0u;
	const uint32_t seq[] = { 1, 2, 1, 2, 3 };
	struct ng_model *m = ng_model_new(2, "x86_64", "comm");
	struct ng_profile *p;
	struct ng_scorer *sc;
	bool seen;

	train_seq(m, "prog", seq, 5);
	p = ng_model_find(m, "prog");
	TAP_EQ_U64(p->grams.len, 4, "n=2 over 1 2 1 2 3: 4 distinct windows (^1 12 21 23)");
	TAP_EQ_U64(ng_table_get(&p->grams, key_of(m, (uint32_t[]){ 1, 2 }, 2)), 2, "window 1 2 counted twice");
	TAP_EQ_U64(ng_table_get(&p->grams, key_of(m, (uint32_t[]){ BOS, 1 }, 2)), 1, "start window ^ 1 counted once");
	TAP_EQ_U64(ng_table_get(&p->grams, key_of(m, (uint32_t[]){ 3, 1 }, 2)), 0, "window 3 1 never seen");
	TAP_EQ_U64(p->calls, 5, "5 calls");

	sc = ng_scorer_new(m, p);
	tap_ok(fabs(ng_scorer_discount(sc, 1) - 0.5) < 1e-12, "D1 = n1/(n1+2n2) = 2/4");
	tap_ok(fabs(ng_scorer_discount(sc, 2) - 0.6) < 1e-12, "D2 = 3/5");
	double s12 = ng_scorer_window(sc, key_of(m, (uint32_t[]){ 1, 2 }, 2), &seen);
	tap_ok(seen && fabs(s12 - -log2(0.765625)) < 1e-5, "P(2|1) = 0.765625 (hand-computed KN), seen (%g)", s12);
	double s31 = ng_scorer_window(sc, key_of(m, (uint32_t[]){ 3, 1 }, 2), &seen);
	tap_ok(!seen && fabs(s31 - -log2(0.46875)) < 1e-5, "P(1|3) backs off to the unigram 0.46875, unseen (%g)", s31);
	double sunk = ng_scorer_window(sc, ng_key_push(ng_model_lookup(m, 1), NG_UNK, ng_key_mask(2)), &seen);
	tap_ok(!seen && fabs(sunk - -log2(0.6 * 1 * (0.5 * 3 * 0.25 / 4) / 2)) < 1e-5,
	       "unknown syscall after 1: D2*types*P1(unk)/total, P1(unk) = D1*types/total/vocab (%g)", sunk);
	ng_scorer_free(sc);
	test_callsets();

	/* a richer sequence: counts 1, 2, 3, 4+ at every order, so the three
	 * modified Kneser-Ney discounts differ; P(.|h) must still sum to 1 */
	{
		struct ng_model *mm = ng_model_new(3, "x86_64", "comm");
		uint32_t big[400];
		uint64_t x = 12345;

		for (int i = 0; i < 400; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			big[i] = (i % 7 < 4) ? (uint32_t)(i % 7) : (uint32_t)((x >> 33) % 9);
		}
		train_seq(mm, "p", big, 400);
		struct ng_profile *pp = ng_model_find(mm, "p");
		struct ng_scorer *ss = ng_scorer_new(mm, pp);
		const uint32_t ctxs[][2] = { { 0, 1 }, { 3, 8 }, { 8, 8 }, { 5, 2 } };
		bool all_one = true;

		for (int c = 0; c < 4; c++) {
			double sum = 0;

			for (uint32_t id = NG_UNK; id < mm->nsyms; id++) {
				ng_key k = key_of(mm, ctxs[c], 2);
				bool sn;

				k = ng_key_push(k, id, ng_key_mask(3));
				sum += exp2(-ng_scorer_window(ss, k, &sn));
			}
			if (fabs(sum - 1) > 1e-5) {
				all_one = false;
				tap_diag("context %u %u: sum %.9f", ctxs[c][0], ctxs[c][1], sum);
			}
		}
		tap_ok(all_one, "modified Kneser-Ney: P(.|h) sums to 1 over the vocabulary (4 contexts)");
		ng_scorer_free(ss);
		ng_model_free(mm);
	}

	/* model file round trip */
	void *buf = NULL;
	size_t len = 0;
	ng_model_add_source(m, "t.sysrec");
	m->traces = 1;
	enum sr_status est = model_encode(m, &buf, &len, NULL);
	tap_ok(est == SR_OK && len > 32, "model encodes (%zu bytes)", len);
	struct ng_model *r = model_decode(buf, len, NULL);
	tap_ok(r && r->n == 2 && r->nprof == 1 && !strcmp(r->prof[0]->name, "prog") &&
	       r->prof[0]->grams.len == 4 && r->prof[0]->calls == 5 && r->traces == 1 &&
	       r->nsources == 1 && !strcmp(r->abi, "x86_64"), "model decodes to the same counts");
	tap_ok(r && same_bytes(m, r), "encode(decode(x)) == x byte for byte");
	((uint8_t *)buf)[len - 1] ^= 1;
	struct sr_error e;
	tap_ok(!model_decode(buf, len, &e) && e.status == SR_CORRUPT, "flipped payload byte: SR_CORRUPT (%s)", e.msg);
	tap_ok(!model_decode(buf, len - 5, &e) && e.status == SR_TRUNCATED, "cut file: SR_TRUNCATED");
	tap_ok(!model_decode("hello", 5, &e) && e.status == SR_VERSION, "not a model: SR_VERSION");
	free(buf);
	ng_model_free(r);
	ng_model_free(m);

	/* merge equals training on the union, in any order */
	const uint32_t a[] = { 5, 6, 7, 5, 6, 8, 9 }, b[] = { 9, 9, 9, 1 }, c[] = { 300, 5, 6, 7 },
		       d[] = { 2, 4 };
	const uint32_t *seqs[] = { a, b, c, d };
	const size_t lens[] = { 7, 4, 4, 2 };
	struct ng_model *s1 = shard(seqs, lens, (int[]){ 0, 1 }, 2, "one");
	struct ng_model *s2 = shard(seqs, lens, (int[]){ 2, 3 }, 2, "two");
	struct ng_model *all = shard(seqs, lens, (int[]){ 3, 2, 1, 0 }, 4, "one");
	ng_model_add_source(all, "two");
	all->traces = 2;
	struct ng_model *m12 = ng_model_new(3, "x86_64", "comm");
	struct ng_model *m21 = ng_model_new(3, "x86_64", "comm");
	tap_ok(!ng_model_merge(m12, s1) && !ng_model_merge(m12, s2), "merge one+two");
	tap_ok(!ng_model_merge(m21, s2) && !ng_model_merge(m21, s1), "merge two+one");
	tap_ok(same_bytes(m12, all), "merge(one, two) == train(one + two), byte for byte");
	tap_ok(same_bytes(m21, all), "merge(two, one) == train(one + two), byte for byte");
	{
		void *bm = NULL;
		size_t lm = 0;
		char txt[256];

		model_encode(m12, &bm, &lm, NULL);
		sets_text(bm, lm, 0, txt, sizeof(txt));
		TAP_EQ_STR(txt, "{2,10}x1 {3,5}x1", "merged cat sets {1,9} {2,4}, as symbols, in order");
		sets_text(bm, lm, 1, txt, sizeof(txt));
		TAP_EQ_STR(txt, "{6,7,8,9,10}x1 {6,7,8,301}x1", "merged sh sets: 9 < 301 decides");
		free(bm);
	}
	/* a model from before call sets merged in: the result has none */
	s2->callsets = false;
	struct ng_model *mold = ng_model_new(3, "x86_64", "comm");
	tap_ok(!ng_model_merge(mold, s1) && !ng_model_merge(mold, s2) && !mold->callsets,
	       "merge with a model without call sets: no call sets");
	ng_model_free(mold);
	struct ng_model *bad = ng_model_new(4, "x86_64", "comm");
	tap_ok(ng_model_merge(bad, s1) < 0, "merging models of different n fails");

	/* per-program profiles stay apart */
	struct ng_profile *sh = ng_model_find(all, "sh"), *cat = ng_model_find(all, "cat");
	tap_ok(sh && cat && sh->calls == 11 && cat->calls == 6, "profile calls: sh 11, cat 6");
	tap_ok(ng_table_get(&sh->grams, key_of(all, (uint32_t[]){ 5, 6, 7 }, 3)) == 2 &&
	       ng_table_get(&cat->grams, key_of(all, (uint32_t[]){ 5, 6, 7 }, 3)) == 0,
	       "5 6 7 belongs to sh only (2 times)");
	tap_ok(ng_table_get(&cat->grams, key_of(all, (uint32_t[]){ 9, 9, 1 }, 3)) == 1 &&
	       ng_table_get(&sh->grams, key_of(all, (uint32_t[]){ 9, 9, 1 }, 3)) == 0,
	       "9 9 1 belongs to cat only");
	ng_model_free(bad);
	ng_model_free(m21);
	ng_model_free(m12);
	ng_model_free(all);
	ng_model_free(s2);
	ng_model_free(s1);
	return tap_done();
}
