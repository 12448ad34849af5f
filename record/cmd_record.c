// SPDX-License-Identifier: MIT
/* `sysrec record`: options, checks that can fail early, then rec_run(). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "cli.h"
#include "procfs.h"
#include "rec.h"

#define DEFAULT_BUFFER (16ull << 20)
#define DEFAULT_SAMPLE_NS (100ull * 1000 * 1000)
#define SYSCALLS_WHAT "syscall names or classes %file %net %process %memory %ipc %signal"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sysrec record [-o FILE|-] [options] -- CMD [ARGS...]\n"
		"       sysrec record [-o FILE|-] [options] -p PID[,PID...]\n"
		"       sysrec record [-o FILE|-] [options] -a\n"
		"       sysrec record [-o FILE|-] [options] --cgroup PATH\n"
		"\n"
		"Records syscalls (entry and exit joined in the kernel), process events\n"
		"(fork, exec, exit, comm, cgroup) and /proc samples into a trace, with eBPF.\n"
		"Needs root (CAP_BPF and CAP_PERFMON) and a kernel with BTF.\n"
		"\n"
		"Targets (exactly one):\n"
		"  -- CMD [ARGS...]        launch CMD and follow it, its threads and all its\n"
		"                          descendants; recording ends when CMD exits (see\n"
		"                          --wait-descendants) and the exit status is CMD's\n"
		"                          (128+N when killed by signal N)\n"
		"  -p, --pid PID[,PID...]  attach to running processes: all their threads and\n"
		"                          the children they create from now on; recording\n"
		"                          ends when all of them have exited\n"
		"  -a, --all               the whole host, except the recorder itself\n"
		"      --cgroup PATH       every process of one cgroup v2 (a container, a\n"
		"                          systemd unit): a directory under the cgroup2 mount\n"
		"                          or a path relative to it, as in /proc/PID/cgroup\n"
		"\n"
		"Options:\n"
		"  -o, --output FILE       trace file (created 0600); '-' writes to stdout;\n"
		"                          default sysrec-YYYYmmdd-HHMMSS.trace\n"
		"  -d, --duration T        stop after T (e.g. 10s, 1.5m); default: until CMD\n"
		"                          exits or SIGINT/SIGTERM\n"
		"  -e, --syscalls LIST     record only these syscalls: comma-separated names\n"
		"                          and classes %%file %%net %%process %%memory %%ipc %%signal\n"
		"                          (process events are always recorded)\n"
		"      --no-args           leave out the six raw arguments and path strings\n"
		"      --sample-interval T /proc samples of every followed process and host\n"
		"                          CPU every T (default 100ms; 0 turns them off)\n"
		"      --buffer-size SIZE  kernel ring buffer (default 16M; rounded up to a\n"
		"                          power of two)\n"
		"      --max-size SIZE     stop when the trace reaches SIZE, or with --rotate\n"
		"                          start a new file\n"
		"      --rotate N          keep a ring of N files: FILE, FILE.1 ... FILE.N-1\n"
		"                          (newest first), each readable on its own\n"
		"      --compression-level N  zstd level (1-19, default 3)\n"
		"  -u, --user USER         run CMD as USER (under sudo: the invoking user by\n"
		"                          default)\n"
		"      --wait-descendants  with -- CMD: when CMD exits, go on recording until\n"
		"                          every descendant it left running has exited too\n"
		"                          (as strace -f does)\n"
		"  -q, --quiet             no summary at the end\n"
		"  -v, --verbose           more messages (-vv: libbpf and verifier output)\n"
		"  -h, --help              this help\n"
		"\n"
		"SIGINT or SIGTERM stop the recording cleanly (a launched CMD gets the\n"
		"signal too). Lost events are counted in the kernel, recorded in the trace\n"
		"and reported at the end. 32-bit syscalls (32-bit programs, int 0x80) are\n"
		"recorded under their i386 names, as i386:NAME. Exit status: CMD's, else\n"
		"0; 1 on failure; 2 on a usage error.\n");
}

enum {
	OPT_CGROUP = 256,
	OPT_NO_ARGS,
	OPT_SAMPLE,
	OPT_BUFFER,
	OPT_MAX_SIZE,
	OPT_ROTATE,
	OPT_LEVEL,
	OPT_WAIT_DESC,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "pid", required_argument, NULL, 'p' },
	{ "all", no_argument, NULL, 'a' },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "duration", required_argument, NULL, 'd' },
	{ "syscalls", required_argument, NULL, 'e' },
	{ "no-args", no_argument, NULL, OPT_NO_ARGS },
	{ "sample-interval", required_argument, NULL, OPT_SAMPLE },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "rotate", required_argument, NULL, OPT_ROTATE },
	{ "compression-level", required_argument, NULL, OPT_LEVEL },
	{ "user", required_argument, NULL, 'u' },
	{ "wait-descendants", no_argument, NULL, OPT_WAIT_DESC },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Syscalls the kernel side treats specially, by name (in every ABI). */
static const struct {
	const char *name;
	uint16_t bits;
} special[] = {
	{ "exit", SRB_NI_NORETURN },    { "exit_group", SRB_NI_NORETURN },
	{ "execve", SRB_NI_EXEC },      { "execveat", SRB_NI_EXEC },
	{ "clone", SRB_NI_CLONE },      { "clone3", SRB_NI_CLONE3 },
	{ "fork", SRB_NI_FORK },        { "vfork", SRB_NI_VFORK },
};

/*
 * Fill OUT (SRB_NI_* bits per number of ABI) from the tables and the
 * --syscalls tokens TOK (names, %classes, numbers; NULL: all). Numbers
 * select in the native ABI only. Returns 2 on a usage error.
 */
static int fill_nr_info(enum sr_abi abi, bool native, char **tok, int ntok, bool no_args,
			uint16_t out[SRB_MAX_NR])
{
	uint32_t count = sr_syscall_count(abi);
	bool sel[SRB_MAX_NR];

	memset(sel, !tok, sizeof(sel));
	for (int i = 0; tok && i < ntok; i++) {
		const struct sr_syscall_info *si;

		if (tok[i][0] == '%') {
			uint32_t cls = sr_class_from_name(tok[i]);

			if (!cls) {
				return cli_bad_arg("--syscalls", tok[i], SYSCALLS_WHAT);
			}
			for (uint32_t nr = 0; nr < count && nr < SRB_MAX_NR; nr++) {
				si = sr_syscall_by_nr(abi, nr);
				if (si && (si->classes & cls)) {
					sel[nr] = true;
				}
			}
			continue;
		}
		si = sr_syscall_by_name(abi, tok[i]);
		if (si) {
			if (si->nr < SRB_MAX_NR) {
				sel[si->nr] = true;
			}
			continue;
		}
		char *end;
		unsigned long nr = strtoul(tok[i], &end, 10);

		if (*end || end == tok[i] || nr >= SRB_MAX_NR) {
			/* a name of the other ABI only (e.g. socketcall) is fine */
			if (!native || sr_syscall_by_name(SR_ABI_I386, tok[i])) {
				continue;
			}
			return cli_bad_arg("--syscalls", tok[i], SYSCALLS_WHAT);
		}
		if (native) {
			sel[nr] = true;
		}
	}
	for (uint32_t nr = 0; nr < SRB_MAX_NR; nr++) {
		const struct sr_syscall_info *si = nr < count ? sr_syscall_by_nr(abi, nr) : NULL;
		uint16_t bits = sel[nr] ? SRB_NI_TRACED : 0;

		if (si && !no_args) {
			int npath = 0;

			for (int a = 0; a < 6 && a < si->nargs; a++) {
				if (si->arg[a] == SR_ARG_PATH && npath < SRB_NPATHS) {
					bits |= 1u << a;
					npath++;
				}
			}
		}
		out[nr] = bits;
	}
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		const struct sr_syscall_info *si = sr_syscall_by_name(abi, special[i].name);

		if (si && si->nr < SRB_MAX_NR) {
			out[si->nr] |= special[i].bits;
		}
	}
	return 0;
}

/* Fill nr_info (and nr_info32 on x86_64) from the tables and --syscalls;
 * returns 2 on a usage error. */
static int build_nr_info(struct rec_opts *o, char *list)
{
	char **tok = NULL;
	int n = 0, rc;

	if (list) {
		char *copy = strdup(list), *save = NULL, *t;

		o->syscalls = calloc(strlen(list) / 2 + 2, sizeof(char *));
		if (!copy || !o->syscalls) {
			free(copy);
			cli_err("out of memory");
			return 1;
		}
		for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (*t && !(o->syscalls[n] = strdup(t))) {
				free(copy);
				cli_err("out of memory");
				return 1;
			}
			n += *t != 0;
		}
		o->nsyscalls = n;
		free(copy);
		tok = o->syscalls;
	}
	rc = fill_nr_info(sr_abi_native(), true, tok, n, o->no_args, o->nr_info);
	if (!rc && sr_abi_native() == SR_ABI_X86_64) {
		rc = fill_nr_info(SR_ABI_I386, false, tok, n, o->no_args, o->nr_info32);
	}
	return rc;
}

static int parse_pids(struct rec_opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int n = 0, cap = 8;

	o->pids = calloc(cap, sizeof(int));
	if (!copy || !o->pids) {
		free(copy);
		return cli_bad_arg("--pid", arg, "PID[,PID...]");
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (!cli_parse_u64(tok, &v) || v == 0 || v > INT32_MAX) {
			free(copy);
			return cli_bad_arg("--pid", arg, "PID[,PID...]");
		}
		if (n == cap) {
			int *np = realloc(o->pids, 2 * cap * sizeof(int));

			if (!np) {
				free(copy);
				return 1;
			}
			o->pids = np;
			cap *= 2;
		}
		o->pids[n++] = (int)v;
	}
	free(copy);
	if (!n) {
		return cli_bad_arg("--pid", arg, "PID[,PID...]");
	}
	o->npids = n;
	return 0;
}

/* Root, or CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN) in the effective set. */
static bool have_bpf_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	uint64_t eff;

	if (geteuid() == 0) {
		return true;
	}
	if (syscall(SYS_capget, &h, d)) {
		return false;
	}
	eff = d[0].effective | ((uint64_t)d[1].effective << 32);
	if (eff & (1ull << CAP_SYS_ADMIN)) {
		return true;
	}
	return (eff & (1ull << 39)) && (eff & (1ull << 38)); /* CAP_BPF, CAP_PERFMON */
}

/* The process (thread group) of PID, or -1 when there is no such task. */
static int tgid_of(int pid)
{
	char path[64], line[256];
	int tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f) {
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Tgid: %d", &tgid) == 1) {
			break;
		}
	}
	fclose(f);
	return tgid;
}

static uint64_t round_pow2(uint64_t v)
{
	uint64_t p = 4096;

	while (p < v && p < (1ull << 40)) {
		p <<= 1;
	}
	return p;
}

int cmd_record(int argc, char **argv)
{
	struct rec_opts o = { 0 };
	char *syscalls = NULL, *cgroup_alloc = NULL;
	char defname[64];
	bool have_rotate = false;
	uint64_t v;
	int c, rc = 0;

	o.argc = argc;
	o.argv = argv;
	o.sample_ns = DEFAULT_SAMPLE_NS;
	o.buffer_size = DEFAULT_BUFFER;
	opterr = 0;
	optind = 1;
	/* '+': the first non-option word starts CMD (no "--" needed). */
	while ((c = getopt_long(argc, argv, "+:o:p:ad:e:u:qvh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg) {
				return cli_bad_arg("--output", optarg, "FILE or -");
			}
			o.output = optarg;
			o.output_named = true;
			break;
		case 'p':
			if ((rc = parse_pids(&o, optarg))) {
				return rc;
			}
			break;
		case 'a':
			o.all = true;
			break;
		case OPT_CGROUP:
			if (!*optarg) {
				return cli_bad_arg("--cgroup", optarg, "a cgroup v2 path");
			}
			o.cgroup = optarg;
			break;
		case 'd':
			if (!cli_parse_duration(optarg, &o.duration_ns) || !o.duration_ns) {
				return cli_bad_arg("--duration", optarg, "a time, e.g. 10s or 500ms");
			}
			break;
		case 'e':
			syscalls = optarg;
			break;
		case OPT_NO_ARGS:
			o.no_args = true;
			break;
		case OPT_SAMPLE:
			if (!cli_parse_duration(optarg, &o.sample_ns) ||
			    (o.sample_ns && o.sample_ns < 1000000)) {
				return cli_bad_arg("--sample-interval", optarg,
						   "a time of at least 1ms, e.g. 100ms, or 0");
			}
			break;
		case OPT_BUFFER:
			if (!cli_parse_size(optarg, &v) || v < 4096 || v > (1ull << 30)) {
				return cli_bad_arg("--buffer-size", optarg,
						   "SIZE from 4k to 1G, e.g. 64M");
			}
			o.buffer_size = round_pow2(v);
			break;
		case OPT_MAX_SIZE:
			if (!cli_parse_size(optarg, &o.max_size) || o.max_size < 4096) {
				return cli_bad_arg("--max-size", optarg, "SIZE of at least 4k, e.g. 100M");
			}
			break;
		case OPT_ROTATE:
			if (!cli_parse_u64(optarg, &v) || v < 2 || v > 1000) {
				return cli_bad_arg("--rotate", optarg, "a number of files from 2 to 1000");
			}
			o.rotate = v;
			have_rotate = true;
			break;
		case OPT_LEVEL:
			if (!cli_parse_u64(optarg, &v) || v < 1 || v > 19) {
				return cli_bad_arg("--compression-level", optarg, "a level from 1 to 19");
			}
			o.level = v;
			break;
		case 'u':
			o.user = optarg;
			break;
		case OPT_WAIT_DESC:
			o.wait_descendants = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'v':
			cli_verbose++;
			break;
		case 'h':
			usage(stdout);
			return cli_finish_stdout(0);
		case ':':
			return cli_usage("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt) {
				return cli_usage("unknown option '-%c'", optopt);
			}
			return cli_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		o.cmd = &argv[optind];
	}
	if (!!o.cmd + !!o.pids + o.all + !!o.cgroup != 1) {
		if (!o.cmd && !o.pids && !o.all && !o.cgroup) {
			return cli_usage("nothing to record: give -- CMD, -p PID, -a or --cgroup PATH");
		}
		return cli_usage("give only one target: -- CMD, -p PID, -a or --cgroup PATH");
	}
	if (have_rotate && !o.max_size) {
		return cli_usage("--rotate needs --max-size");
	}
	if (o.user && !o.cmd) {
		return cli_usage("--user applies only to a launched CMD");
	}
	if (o.wait_descendants && !o.cmd) {
		return cli_usage("--wait-descendants applies only to a launched CMD");
	}
	if (!o.output) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(defname, sizeof(defname), "sysrec-%Y%m%d-%H%M%S.trace", &tm);
		o.output = defname;
	}
	if (have_rotate && !strcmp(o.output, "-")) {
		return cli_usage("--rotate needs a file, not '-o -'");
	}
	rc = build_nr_info(&o, syscalls);
	if (rc) {
		goto out;
	}
	if (o.user) {
		char err[256];

		if (rec_launch_check_user(o.user, err, sizeof(err))) {
			rc = cli_bad_arg("--user", o.user, "a user name or uid");
			goto out;
		}
	}

	/* What users hit: say what is wrong and what to do. */
	if (!have_bpf_caps()) {
		cli_err("recording needs root (CAP_BPF and CAP_PERFMON): run it with sudo");
		rc = 1;
		goto out;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		cli_err("this kernel has no BTF (/sys/kernel/btf/vmlinux: %s): a kernel built "
			"with CONFIG_DEBUG_INFO_BTF=y is needed", strerror(errno));
		rc = 1;
		goto out;
	}
	for (int i = 0; i < o.npids; i++) {
		int tgid = tgid_of(o.pids[i]);

		if (tgid < 0) {
			cli_err("no such process: %d", o.pids[i]);
			rc = 1;
			goto out;
		}
		if (tgid != o.pids[i]) {
			/* A thread id: follow the whole process it belongs to. */
			cli_note("%d is a thread of process %d: following the process", o.pids[i], tgid);
			o.pids[i] = tgid;
		}
	}
	if (o.cgroup) {
		const char *mnt = procfs_cgroup2_mount();
		int e;

		if (!mnt) {
			cli_err("--cgroup needs a cgroup v2 hierarchy, and none is mounted");
			rc = 1;
			goto out;
		}
		e = procfs_cgroup_id(o.cgroup, &o.cgroup_id);
		if (e) {
			cli_err("cgroup '%s': %s (give a directory under %s or a path relative to it)",
				o.cgroup, strerror(-e), mnt);
			rc = 1;
			goto out;
		}
		/* Keep the path as /proc/PID/cgroup shows it. */
		size_t ml = strlen(mnt);

		if (!strncmp(o.cgroup, mnt, ml) && (o.cgroup[ml] == '/' || !o.cgroup[ml])) {
			cgroup_alloc = strdup(o.cgroup[ml] ? o.cgroup + ml : "/");
		} else if (o.cgroup[0] == '/') {
			cgroup_alloc = strdup(o.cgroup);
		} else if (asprintf(&cgroup_alloc, "/%s", o.cgroup) < 0) {
			cgroup_alloc = NULL;
		}
		o.cgroup_path = cgroup_alloc;
	}
	rc = rec_run(&o);
out:
	for (int i = 0; i < o.nsyscalls; i++) {
		free(o.syscalls[i]);
	}
	free(o.syscalls);
	free(o.pids);
	free(cgroup_alloc);
	return rc;
}
