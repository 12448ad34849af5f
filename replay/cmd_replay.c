// SPDX-License-Identifier: MIT
/*
 * sysrec replay: print, filter, summarize, export, convert or re-stream
 * traces. This file parses the command line and wires the inputs (merge.c),
 * the filters (filter.c) and one output sink together.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "replay.h"

static const char usage_text[] =
	"Usage: sysrec replay FILE... [options]\n"
	"Print, filter, summarize, export, convert or re-stream sysrec traces.\n"
	"Several files are merged in time order; '-' reads standard input.\n"
	"\n"
	"Output:\n"
	"  --format FMT        text (default), json, csv or perfetto\n"
	"  -t                  text: wall-clock time of day, not seconds from the start\n"
	"  -T                  text: show the time spent in each syscall <s.us>\n"
	"  --samples           include /proc samples (csv: the samples table instead)\n"
	"  --summary[=process] strace -c like table of the selected syscalls\n"
	"  --stats             facts of each file: host, span, events, bytes, damage\n"
	"  -w, --write OUT     write the selected events as a new trace ('-' = stdout)\n"
	"  --speed X           re-stream at the recorded pace, X times faster (1 = real)\n"
	"  -o, --output OUT    write the output to OUT instead of standard output\n"
	"\n"
	"Filters (combinable; an event must pass all of them):\n"
	"  --pid LIST          processes (comma-separated ids)\n"
	"  --tid LIST          threads\n"
	"  --comm LIST         command names (as in /proc/PID/comm)\n"
	"  --syscall LIST      syscall names and classes (%file %net %process %memory\n"
	"                      %ipc %signal %desc); a leading '!' selects all others;\n"
	"                      a name selects its 32-bit calls (i386:NAME) too\n"
	"  --since T, --until T  seconds from the trace start (1.5, 200ms) or wall-clock\n"
	"                      local times (2026-11-23T10:00:00, 10:00:00.5; 'Z' for UTC)\n"
	"  --failed            syscalls that returned an error\n"
	"  --min-duration T    syscalls that took at least T (e.g. 1ms)\n"
	"  --syscall, --failed and --min-duration select syscalls; process events and\n"
	"  losses of the selected processes are still shown. --stats ignores filters.\n"
	"\n"
	"Text lines: TIME COMM[PID/TID] name(args) = ret <duration>; process events\n"
	"  \"+++ ... +++\", losses \"!!! ... !!!\", samples \"=== ... ===\".\n"
	"\n"
	"JSON lines (--format json), one object per event; every object has\n"
	"  type, ts (boot-time ns), time (seconds from the trace start), and file\n"
	"  (input index) when several files are given. Per type:\n"
	"  syscall: pid tid comm syscall nr args (decoded strings) raw_args (numbers)\n"
	"           path ret errno (name, on failure) duration_ns unfinished noreturn\n"
	"  fork: pid tid comm parent_pid parent_tid thread clone_flags\n"
	"  exec: pid tid comm filename argv argv_truncated\n"
	"  exit: pid tid comm exit_code signal core_dumped group_dead\n"
	"  comm, cgroup: pid tid comm [cgroup_id cgroup_path]\n"
	"  process (process table entry): pid ppid uid comm exe cmdline nthreads\n"
	"           cgroup_id cgroup_path start_ns label source\n"
	"  sample: pid comm final threads fds utime_ticks stime_ticks rss_kb vm_peak_kb\n"
	"          vm_hwm_kb vm_size_kb minflt majflt syscr syscw rchar wchar read_bytes\n"
	"          write_bytes vol_ctxsw invol_ctxsw\n"
	"  hostcpu: user nice system idle iowait irq softirq steal (ticks)\n"
	"  loss: first_ns last_ns cpu count where\n"
	"\n"
	"CSV (--format csv), one row per syscall:\n"
	"  time,ts_ns,pid,tid,comm,syscall,nr,ret,errno,duration_ns,state,path,args\n"
	"  state is ok, error, unfinished or noreturn; ret and duration_ns are empty\n"
	"  for the last two. A successful execve/execveat (it does not return) has\n"
	"  ret 0, state ok and no duration, as in JSON (ret 0, noreturn true) and\n"
	"  text (= 0). With --samples, one row per /proc sample instead:\n"
	"  time,ts_ns,pid,comm,final,threads,fds,utime_ticks,stime_ticks,rss_kb,\n"
	"  vm_peak_kb,vm_hwm_kb,vm_size_kb,minflt,majflt,syscr,syscw,rchar,wchar,\n"
	"  read_bytes,write_bytes,vol_ctxsw,invol_ctxsw\n"
	"\n"
	"Perfetto (--format perfetto): Chrome trace-event JSON for ui.perfetto.dev and\n"
	"  chrome://tracing: syscalls as slices per thread, process events as instants,\n"
	"  samples as rss_kb and cpu_percent counters, named processes and threads.\n"
	"\n"
	"Damage in a file (a cut or corrupt frame) is reported on standard error with\n"
	"its offset and frame, and reading goes on at the next whole frame.\n"
	"Exit status: 0 success, 1 runtime failure or damage found in a file (after\n"
	"printing everything readable), 2 usage error. Output into a closed pipe\n"
	"stops quietly.\n";

enum {
	OPT_FORMAT = 256,
	OPT_PID,
	OPT_TID,
	OPT_COMM,
	OPT_SYSCALL,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_FAILED,
	OPT_MIN_DURATION,
	OPT_SUMMARY,
	OPT_STATS,
	OPT_SAMPLES,
	OPT_SPEED,
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "syscall", required_argument, NULL, OPT_SYSCALL },
	{ "syscalls", required_argument, NULL, OPT_SYSCALL },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "min-duration", required_argument, NULL, OPT_MIN_DURATION },
	{ "summary", optional_argument, NULL, OPT_SUMMARY },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "samples", no_argument, NULL, OPT_SAMPLES },
	{ "write", required_argument, NULL, 'w' },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

bool rp_emit(struct replay *rp)
{
	if (rp->stop) {
		rp->sb.len = 0;
		return false;
	}
	if (rp->sb.len) {
		if (rp->live) {
			fwrite(rp->sb.b, 1, rp->sb.len, rp->out); /* the flusher thread shares it */
		} else {
			fwrite_unlocked(rp->sb.b, 1, rp->sb.len, rp->out);
		}
		rp->sb.len = 0;
	}
	if (rp->live ? ferror(rp->out) : ferror_unlocked(rp->out)) {
		/* A closed pipe is a quiet stop; other errors are reported at exit. */
		cli_stdout_ok();
		rp->stop = true;
		return false;
	}
	return true;
}

/*
 * Live input (`sysrec record -o - | sysrec replay -`): events arrive in bursts
 * and the reader then blocks in read(), so output sitting in the big buffer
 * would wait for the next burst. A thread flushes it every 100 ms instead.
 */
static struct {
	pthread_t th;
	bool started;
	atomic_bool stop;
} flusher;

static void *flush_loop(void *arg)
{
	FILE *out = arg;
	struct timespec ts = { 0, 100000000 };

	while (!atomic_load(&flusher.stop)) {
		nanosleep(&ts, NULL);
		fflush(out);
	}
	return NULL;
}

static bool input_is_live(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-")) {
		return fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode);
	}
	return stat(path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

static void flusher_start(struct replay *rp, char **paths, int n)
{
	bool live = false;

	for (int i = 0; i < n; i++) {
		live = live || input_is_live(paths[i]);
	}
	if (!live || rp->o->write_path || rp->o->summary || rp->o->stats) {
		return;
	}
	rp->live = true;
	atomic_store(&flusher.stop, false);
	flusher.started = pthread_create(&flusher.th, NULL, flush_loop, rp->out) == 0;
}

static void flusher_stop(void)
{
	if (flusher.started) {
		atomic_store(&flusher.stop, true);
		pthread_join(flusher.th, NULL);
		flusher.started = false;
	}
}

static void none_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev,
		       int64_t key)
{
}

const struct rp_sink rp_sink_none = {
	.event = none_event,
};

/* "1,2,3" -> ids; false on anything that is not a positive id. */
static bool parse_ids(const char *arg, int32_t **out, size_t *n)
{
	char *copy = strdup(arg);
	char *parts[4096];
	int k;

	if (!copy) {
		return false;
	}
	k = cli_split_list(copy, parts, 4096);
	int32_t *v = realloc(*out, (*n + k) * sizeof(*v));
	if (!v || k == 0) {
		free(copy);
		if (v) {
			*out = v;
		}
		return false;
	}
	*out = v;
	for (int i = 0; i < k; i++) {
		uint64_t x;
		if (!cli_parse_u64(parts[i], &x) || x == 0 || x > INT32_MAX) {
			free(copy);
			return false;
		}
		v[(*n)++] = (int32_t)x;
	}
	free(copy);
	return true;
}

/* "a,b" -> strings (the copy of ARG is kept in O: the list points into it). */
static bool parse_names(struct rp_opts *o, const char *arg, char ***out, size_t *n)
{
	char *copy = strdup(arg);
	char *parts[4096];
	int k;

	if (!copy) {
		return false;
	}
	char **c = realloc(o->copies, (o->ncopies + 1) * sizeof(*c));
	if (!c) {
		free(copy);
		return false;
	}
	o->copies = c;
	c[o->ncopies++] = copy;
	k = cli_split_list(copy, parts, 4096);
	char **v = realloc(*out, (*n + k + 1) * sizeof(*v));
	if (!v || k == 0) {
		if (v) {
			*out = v;
		}
		return false;
	}
	*out = v;
	for (int i = 0; i < k; i++) {
		v[(*n)++] = parts[i];
	}
	return true;
}

static int parse_args(struct rp_opts *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":tTw:o:h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "text")) {
				o->format = RP_TEXT;
			} else if (!strcmp(optarg, "json")) {
				o->format = RP_JSON;
			} else if (!strcmp(optarg, "csv")) {
				o->format = RP_CSV;
			} else if (!strcmp(optarg, "perfetto")) {
				o->format = RP_PERFETTO;
			} else {
				return cli_bad_arg("--format", optarg, "text, json, csv or perfetto");
			}
			break;
		case OPT_PID:
			if (!parse_ids(optarg, &o->pids, &o->npids)) {
				return cli_bad_arg("--pid", optarg, "process ids, e.g. 1234,5678");
			}
			break;
		case OPT_TID:
			if (!parse_ids(optarg, &o->tids, &o->ntids)) {
				return cli_bad_arg("--tid", optarg, "thread ids, e.g. 1234,5678");
			}
			break;
		case OPT_COMM:
			if (!parse_names(o, optarg, &o->comms, &o->ncomms)) {
				return cli_bad_arg("--comm", optarg, "command names, e.g. bash,ls");
			}
			break;
		case OPT_SYSCALL: {
			const char *a = optarg;
			if (*a == '!') {
				o->syscalls_negate = true;
				a++;
			}
			if (!parse_names(o, a, &o->syscalls, &o->nsyscalls)) {
				return cli_bad_arg("--syscall", optarg,
						   "syscall names or classes, e.g. openat,%net");
			}
			break;
		}
		case OPT_SINCE:
			if (!rp_parse_time_arg(optarg, &o->since)) {
				return cli_bad_arg("--since", optarg,
						   "seconds from the start like 1.5s, or a time like 10:00:00");
			}
			break;
		case OPT_UNTIL:
			if (!rp_parse_time_arg(optarg, &o->until)) {
				return cli_bad_arg("--until", optarg,
						   "seconds from the start like 1.5s, or a time like 10:00:00");
			}
			break;
		case OPT_FAILED:
			o->failed = true;
			break;
		case OPT_MIN_DURATION:
			if (!cli_parse_duration(optarg, &o->min_duration)) {
				return cli_bad_arg("--min-duration", optarg, "a duration like 1ms or 0.5s");
			}
			o->has_min_duration = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			if (optarg) {
				if (!strcmp(optarg, "process")) {
					o->summary_process = true;
				} else if (strcmp(optarg, "syscall")) {
					return cli_bad_arg("--summary", optarg, "'process' or nothing");
				}
			}
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_SAMPLES:
			o->samples = true;
			break;
		case OPT_SPEED:
			if (!cli_parse_double(optarg, &o->speed) || o->speed <= 0 || o->speed > 1e9) {
				return cli_bad_arg("--speed", optarg, "a positive factor like 1, 10 or 0.5");
			}
			break;
		case 't':
			o->wall_time = true;
			break;
		case 'T':
			o->durations = true;
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case 'o':
			o->out_path = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case ':':
			return cli_usage("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt) {
				return cli_usage("unknown option '-%c'", optopt);
			}
			return cli_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage("no trace file given (use '-' for standard input)");
	}
	if (o->write_path && (o->summary || o->stats || o->format != RP_TEXT)) {
		return cli_usage("-w writes a trace: it cannot be combined with --summary, --stats "
				 "or --format");
	}
	if (o->write_path && o->out_path) {
		return cli_usage("-w and -o both name an output; give one");
	}
	if (o->speed > 0 && (o->summary || o->stats)) {
		return cli_usage("--speed re-streams events: it cannot be combined with --summary "
				 "or --stats");
	}
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	static char outbuf[1 << 20];
	struct rp_opts o = { 0 };
	struct replay rp = { 0 };
	int rc;

	o.argc = argc;
	o.argv = argv;
	rc = parse_args(&o, argc, argv);
	if (rc) {
		if (rc < 0) {
			return cli_finish_stdout(0);
		}
		goto out_opts;
	}
	if (o.out_path && !freopen(o.out_path, "w", stdout)) {
		cli_err("cannot create %s: %s", o.out_path, strerror(errno));
		rc = 1;
		goto out_opts;
	}
	/* One big buffer: the text path writes millions of short lines. */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	rp.o = &o;
	rp.out = stdout;
	if (o.write_path) {
		rp.sink = &rp_sink_write;
	} else if (o.summary) {
		rp.sink = &rp_sink_summary;
	} else if (o.stats) {
		rp.sink = &rp_sink_none;
	} else if (o.format == RP_JSON) {
		rp.sink = &rp_sink_json;
	} else if (o.format == RP_CSV) {
		rp.sink = &rp_sink_csv;
	} else if (o.format == RP_PERFETTO) {
		rp.sink = &rp_sink_perfetto;
	} else {
		rp.sink = &rp_sink_text;
	}
	flusher_start(&rp, argv + optind, argc - optind);
	rc = rp_inputs_open(&rp, argv + optind, (unsigned)(argc - optind));
	if (rc) {
		goto out;
	}
	rc = rp_filter_prepare(&rp);
	if (rc) {
		goto out;
	}
	if (rp.sink->begin) {
		rc = rp.sink->begin(&rp);
		if (rc) {
			goto out;
		}
	}
	rc = rp_run(&rp);
	if (!rc && o.stats) {
		rc = rp_stats_print(&rp);
	}
	if (rp.sink->end) {
		int erc = rp.sink->end(&rp);
		if (!rc) {
			rc = erc;
		}
	}
	rp_emit(&rp);
	if (!rc && (rp.rc || rp.damage)) {
		rc = 1;
	}
out:
	flusher_stop();
	rp_inputs_close(&rp);
	rp_procs_free(&rp.procs);
	sb_free(&rp.sb);
out_opts:
	free(o.pids);
	free(o.tids);
	free(o.comms);
	free(o.syscalls);
	for (size_t i = 0; i < o.ncopies; i++) {
		free(o.copies[i]);
	}
	free(o.copies);
	if (rc == EXIT_USAGE) {
		return rc;
	}
	return cli_finish_stdout(rc);
}
