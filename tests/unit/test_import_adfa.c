// SPDX-License-Identifier: MIT
/*
 * ADFA-LD import: the whole data set imports into one trace with exactly
 * 833 / 4,372 / 746 traces and 308,077 / 2,122,085 / 317,388 calls for
 * training / validation / attack, each trace its own process with its label
 * and source file; plus a small hand-made tree for labels, bad tokens and
 * --label. The data set is looked for in $SYSREC_ADFA_DIR, then
 * /work/shared/datasets/adfa-ld and ../shared/datasets/adfa-ld.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "cli.h"
#include "import.h"

static char tmpdir[] = "/tmp/sysrec-test-imp-adfa.XXXXXX";

#define MAXP 8192

struct info {
	char label[64];
	char source[160];
	uint64_t calls;
	uint64_t first_ts, last_ts;
};

static struct info procs[MAXP];

static const char *find_dataset(void)
{
	static const char *const cands[] = { "/work/shared/datasets/adfa-ld",
					     "../shared/datasets/adfa-ld",
					     "../../shared/datasets/adfa-ld" };
	const char *env = getenv("SYSREC_ADFA_DIR");
	struct stat sb;

	if (env && *env) {
		return stat(env, &sb) == 0 ? env : NULL;
	}
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		if (stat(cands[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			return cands[i];
		}
	}
	return NULL;
}

/* Read OUT back: per-process calls and labels. Returns the number of processes. */
static int read_back(const char *out, uint64_t *total, bool *ordered, char *abi, size_t abisz,
		     bool *synthetic, char *exit_group_name, size_t egsz)
{
	struct sr_error e = { 0 };
	struct sr_reader *r = sr_reader_open(out, &e);
	struct sr_event ev;
	enum sr_status st;
	int n = 0;
	uint64_t last = 0;

	memset(procs, 0, sizeof(procs));
	*total = 0;
	*ordered = true;
	if (!r) {
		tap_diag("open %s: %s", out, e.msg);
		return -1;
	}
	const Sysrec__Header *h = sr_reader_header(r);
	snprintf(abi, abisz, "%s", h ? h->abi : "");
	*synthetic = h && h->times_synthetic;
	snprintf(exit_group_name, egsz, "%s",
		 sr_reader_syscall_name(r, 252) ? sr_reader_syscall_name(r, 252) : "");
	while ((st = sr_reader_next(r, &ev, &e)) != SR_END) {
		if (st != SR_OK) {
			tap_diag("read %s: %s", out, e.msg);
			sr_reader_close(r);
			return -1;
		}
		if (ev.type == SR_EV_PROCINFO) {
			int i = ev.info.pid - 1000;
			if (i >= 0 && i < MAXP) {
				snprintf(procs[i].label, sizeof(procs[i].label), "%s",
					 ev.info.label ? ev.info.label : "");
				snprintf(procs[i].source, sizeof(procs[i].source), "%s",
					 ev.info.source ? ev.info.source : "");
				if (i + 1 > n) {
					n = i + 1;
				}
			}
		} else if (ev.type == SR_EV_SYSCALL) {
			int i = (int)ev.sc.tgid - 1000;
			(*total)++;
			if (ev.sc.ts < last || ev.sc.tid != ev.sc.tgid) {
				*ordered = false;
			}
			last = ev.sc.ts;
			if (i >= 0 && i < MAXP) {
				if (!procs[i].calls) {
					procs[i].first_ts = ev.sc.ts;
				}
				procs[i].calls++;
				procs[i].last_ts = ev.sc.ts;
			}
		}
	}
	sr_reader_close(r);
	return n;
}

static void test_full(void)
{
	const char *ds = find_dataset();
	char out[256], abi[16], eg[32];
	struct imp_opts o = { .quiet = true };
	struct imp_stats st = { 0 };
	struct timespec t0, t1;
	uint64_t total, tr = 0, va = 0, at = 0, trc = 0, vac = 0, atc = 0, other = 0;
	bool ordered, synthetic, hydra = false, disjoint = true;
	int n, kinds = 0;
	char seen[16][64];

	if (!ds) {
		tap_skip("ADFA-LD not found (set SYSREC_ADFA_DIR, or put it at "
			 "/work/shared/datasets/adfa-ld)");
		return;
	}
	snprintf(out, sizeof(out), "%s/adfa.sr", tmpdir);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tap_ok(imp_adfa(&ds, 1, out, &o, &st) == 0, "import of the whole data set returns 0");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	struct stat sb;
	stat(out, &sb);
	tap_diag("imported %llu calls in %.2f s: %.2f M calls/s, %lld bytes (%.2f bytes/call)",
		 (unsigned long long)st.syscalls, secs, (double)st.syscalls / secs / 1e6,
		 (long long)sb.st_size, (double)sb.st_size / (double)st.syscalls);
	TAP_EQ_U64(st.bad_lines, 0, "no bad tokens");
	n = read_back(out, &total, &ordered, abi, sizeof(abi), &synthetic, eg, sizeof(eg));
	TAP_EQ_U64(n, 5951, "5951 processes (one per trace file)");
	TAP_EQ_U64(total, 2747550, "2,747,550 calls read back");
	for (int i = 0; i < n && i < MAXP; i++) {
		const char *l = procs[i].label;
		if (!strcmp(l, "training")) {
			tr++;
			trc += procs[i].calls;
		} else if (!strcmp(l, "validation")) {
			va++;
			vac += procs[i].calls;
		} else if (!strncmp(l, "attack:", 7)) {
			at++;
			atc += procs[i].calls;
			int k;
			for (k = 0; k < kinds; k++) {
				if (!strcmp(seen[k], l)) {
					break;
				}
			}
			if (k == kinds && kinds < 16) {
				snprintf(seen[kinds++], sizeof(seen[0]), "%.63s", l);
			}
			if (!strcmp(l, "attack:Hydra_FTP")) {
				hydra = true;
			}
		} else {
			other++;
		}
		if (i > 0 && procs[i].calls && procs[i - 1].calls &&
		    procs[i].first_ts <= procs[i - 1].last_ts) {
			disjoint = false;
		}
	}
	TAP_EQ_U64(tr, 833, "training traces");
	TAP_EQ_U64(va, 4372, "validation traces");
	TAP_EQ_U64(at, 746, "attack traces");
	TAP_EQ_U64(other, 0, "every trace labelled");
	TAP_EQ_U64(trc, 308077, "training calls");
	TAP_EQ_U64(vac, 2122085, "validation calls");
	TAP_EQ_U64(atc, 317388, "attack calls");
	TAP_EQ_U64(kinds, 6, "six attack types");
	tap_ok(hydra, "label attack:Hydra_FTP (folder name without its _N suffix)");
	tap_ok(!strcmp(procs[0].source, "Attack_Data_Master/Adduser_1/UAD-Adduser-1-1371.txt"),
	       "sources relative to the input, sorted path order (first: %s)", procs[0].source);
	tap_ok(!strcmp(abi, "i386") && !strcmp(eg, "exit_group"),
	       "header abi i386 with the i386 table (252 = %s)", eg);
	tap_ok(synthetic, "header.times_synthetic");
	tap_ok(ordered, "calls in time order, tid = tgid = pid");
	tap_ok(disjoint, "each trace starts after the previous one ends");
}

static void mkfile(const char *rel, const char *text)
{
	char path[512], dir[1200];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	snprintf(dir, sizeof(dir), "mkdir -p \"$(dirname '%s')\"", path);
	if (system(dir) != 0) {
		return;
	}
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_small(void)
{
	char in[256], out[256], abi[16], eg[32], file[256];
	const char *inp[1] = { in };
	struct imp_opts o = { .quiet = true };
	struct imp_stats st = { 0 };
	uint64_t total;
	bool ordered, synth;
	int n;

	mkfile("small/Attack_Data_Master/Web_Shell_3/UAD-WS-1.txt", "3 4 5 xyz 6\n");
	mkfile("small/Attack_Data_Master/Web_Shell_3/UAD-WS-2.txt", "11 252\n");
	mkfile("small/Training_Data_Master/UTD-0001.txt", "1 2\n3\n");
	mkfile("small/Training_Data_Master/.hidden", "1 2 3\n");
	snprintf(in, sizeof(in), "%s/small", tmpdir);
	snprintf(out, sizeof(out), "%s/small.sr", tmpdir);
	tap_ok(imp_adfa(inp, 1, out, &o, &st) == 0, "small tree imports (bad token is not fatal)");
	TAP_EQ_U64(st.bad_lines, 1, "bad token 'xyz' counted");
	n = read_back(out, &total, &ordered, abi, sizeof(abi), &synth, eg, sizeof(eg));
	TAP_EQ_U64(n, 3, "3 traces (dot files skipped)");
	TAP_EQ_U64(total, 9, "9 calls");
	tap_ok(!strcmp(procs[0].label, "attack:Web_Shell") && procs[0].calls == 4,
	       "first trace attack:Web_Shell with 4 calls (%s, %llu)", procs[0].label,
	       (unsigned long long)procs[0].calls);
	tap_ok(!strcmp(procs[2].label, "training") &&
		       !strcmp(procs[2].source, "Training_Data_Master/UTD-0001.txt"),
	       "training trace, source relative to the input (%s)", procs[2].source);

	/* one file as input, label override */
	snprintf(file, sizeof(file), "%s/small/Training_Data_Master/UTD-0001.txt", tmpdir);
	inp[0] = file;
	o.label = "normal";
	memset(&st, 0, sizeof(st));
	tap_ok(imp_adfa(inp, 1, out, &o, &st) == 0, "a single file imports");
	n = read_back(out, &total, &ordered, abi, sizeof(abi), &synth, eg, sizeof(eg));
	tap_ok(n == 1 && total == 3 && !strcmp(procs[0].label, "normal") &&
		       !strcmp(procs[0].source, "UTD-0001.txt"),
	       "--label overrides the derived label; source is the file name");

	/* unreadable input */
	snprintf(file, sizeof(file), "%s/does-not-exist", tmpdir);
	o.label = NULL;
	tap_ok(imp_adfa(inp, 1, out, &o, &st) == 1, "a missing input fails with 1");
}

int main(void)
{
	char cmd[300];

	cli_cmd = "import";
	if (!mkdtemp(tmpdir)) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	test_small();
	test_full();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0) {
		tap_diag("could not remove %s", tmpdir);
	}
	return tap_done();
}
