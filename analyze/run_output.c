// SPDX-License-Identifier: MIT
/* Run facts and summary in JSON and tables (run_output.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "run_output.h"

const char *ro_ns(double ns)
{
	if (isnan(ns)) {
		return "-";
	}
	if (fabs(ns) < 1e3) {
		return tab_fmt("%.0fns", ns);
	}
	if (fabs(ns) < 1e6) {
		return tab_fmt("%.1fus", ns / 1e3);
	}
	if (fabs(ns) < 1e9) {
		return tab_fmt("%.2fms", ns / 1e6);
	}
	return tab_fmt("%.2fs", ns / 1e9);
}

const char *ro_exit_str(const struct rs_run *r)
{
	if (!r->has_totals) {
		return r->exit_reason;
	}
	if (r->exit_signal > 0) {
		const char *s = sr_signal_name(r->exit_signal);
		return s ? tab_fmt("%s (killed by %s)", r->exit_reason, s)
			 : tab_fmt("%s (killed by signal %d)", r->exit_reason, r->exit_signal);
	}
	if (r->exit_code >= 0) {
		return tab_fmt("%s (exit status %d)", r->exit_reason, r->exit_code);
	}
	return r->exit_reason;
}

void ro_json_facts(struct jw *w, const struct rs_run *r)
{
	char wall[64];

	jw_kstr(w, "trace", r->path);
	jw_kstr(w, "command", r->command ? r->command : "");
	jw_kstr(w, "host", r->host ? r->host : "");
	jw_kstr(w, "kernel", r->kernel ? r->kernel : "");
	jw_kstr(w, "arch", r->arch ? r->arch : "");
	jw_kstr(w, "abi", r->abi ? r->abi : "");
	jw_kstr(w, "recorder", r->recorder ? r->recorder : "");
	jw_kstr(w, "backend", r->backend ? r->backend : "");
	jw_kstr(w, "target", r->target ? r->target : "");
	if (r->label) {
		jw_kstr(w, "label", r->label);
	}
	rs_fmt_wallclock(wall, sizeof(wall), r->start_realtime_ns);
	jw_kstr(w, "start", wall[0] ? wall : NULL);
	jw_kdbl(w, "duration_ms", r->runtime_ms);
	jw_kstr(w, "exit_reason", r->exit_reason);
	if (r->has_totals && r->exit_code >= 0) {
		jw_ki64(w, "exit_code", r->exit_code);
	} else {
		jw_knull(w, "exit_code");
	}
	jw_ki64(w, "exit_signal", r->has_totals ? r->exit_signal : 0);
	jw_kbool(w, "complete", r->has_totals && !r->damaged);
	jw_ku64(w, "lost_events", r->lost);
	jw_ku64(w, "loss_records", r->loss_events);
	jw_ku64(w, "damaged_frames", r->damaged);
	jw_ku64(w, "events", r->events);
	jw_kdbl(w, "sample_interval_ms", r->sample_interval_ns / 1e6);
}

void ro_json_summary(struct jw *w, const struct rs_run *r)
{
	jw_kdbl(w, "runtime_ms", r->runtime_ms);
	if (r->has_samples) {
		jw_kdbl(w, "peak_cpu", round(r->peak_cpu * 10) / 10);
		jw_ku64(w, "peak_memory_kb", r->peak_memory_kb);
		jw_ku64(w, "peak_rss_kb", r->peak_rss_kb);
		jw_ku64(w, "page_faults_minor", r->minflt);
		jw_ku64(w, "page_faults_major", r->majflt);
		jw_ku64(w, "read_syscalls", r->syscr);
		jw_ku64(w, "write_syscalls", r->syscw);
		jw_kdbl(w, "cpu_time_ms", r->cpu_time_ms);
		jw_ku64(w, "io_read_bytes", r->rchar);
		jw_ku64(w, "io_write_bytes", r->wchar);
	} else {
		static const char *const k[] = { "peak_cpu", "peak_memory_kb", "peak_rss_kb",
						 "page_faults_minor", "page_faults_major",
						 "read_syscalls", "write_syscalls", "cpu_time_ms",
						 "io_read_bytes", "io_write_bytes" };
		for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
			jw_knull(w, k[i]);
		}
	}
	jw_ku64(w, "blocked_syscalls", r->blocked);
	jw_kdbl(w, "blocked_threshold_ms", r->block_ns / 1e6);
	jw_ku64(w, "unfinished_syscalls", r->unfinished);
	jw_ku64(w, "syscalls", r->calls);
	jw_ku64(w, "errors", r->errors);
	jw_ku64(w, "processes", r->nprocs);
	jw_ku64(w, "threads", r->nthreads);
	jw_kstr(w, "exit_reason", r->exit_reason);
}

void ro_facts_table(struct table *t, const struct rs_run *r)
{
	char wall[64];

	tab_init(t, "fact|value");
	tab_row(t, "trace", r->path);
	tab_row(t, "command", r->command ? r->command : "-");
	tab_row(t, "host", r->host ? r->host : "-");
	tab_row(t, "kernel", tab_fmt("%s (%s)", r->kernel ? r->kernel : "-",
				     r->arch ? r->arch : "-"));
	rs_fmt_wallclock(wall, sizeof(wall), r->start_realtime_ns);
	tab_row(t, "start (UTC)", wall[0] ? wall : "-");
	tab_row(t, "duration", ro_ns(r->runtime_ms * 1e6));
	tab_row(t, "exit", ro_exit_str(r));
	tab_row(t, "recorder", tab_fmt("%s, %s", r->recorder ? r->recorder : "-",
				       r->backend ? r->backend : "-"));
	tab_row(t, "events", tab_fmt("%" PRIu64, r->events));
	tab_row(t, "lost events",
		r->lost ? tab_fmt("%" PRIu64 " (in %" PRIu64 " loss records)", r->lost,
				  r->loss_events)
			: "0");
	tab_row(t, "trace damage",
		r->damaged ? tab_fmt("%" PRIu64 " damaged frames skipped", r->damaged) : "none");
	if (r->label) {
		tab_row(t, "label", r->label);
	}
}

void ro_summary_table(struct table *t, const struct rs_run *r)
{
	tab_init(t, "figure|>value");
	tab_row(t, "runtime_ms", tab_fmt("%.1f", r->runtime_ms));
	if (r->has_samples) {
		tab_row(t, "peak_cpu (%)", tab_fmt("%.1f", r->peak_cpu));
		tab_row(t, "peak_memory_kb (VmPeak)", tab_fmt("%" PRIu64, r->peak_memory_kb));
		tab_row(t, "peak_rss_kb (sum of VmRSS)", tab_fmt("%" PRIu64, r->peak_rss_kb));
		tab_row(t, "page_faults_minor", tab_fmt("%" PRIu64, r->minflt));
		tab_row(t, "page_faults_major", tab_fmt("%" PRIu64, r->majflt));
		tab_row(t, "read_syscalls (syscr)", tab_fmt("%" PRIu64, r->syscr));
		tab_row(t, "write_syscalls (syscw)", tab_fmt("%" PRIu64, r->syscw));
		tab_row(t, "cpu_time_ms", tab_fmt("%.0f", r->cpu_time_ms));
		tab_row(t, "bytes read / written", tab_fmt("%" PRIu64 " / %" PRIu64, r->rchar,
							    r->wchar));
	} else {
		tab_row(t, "resources", "no /proc samples in this trace");
	}
	tab_row(t, tab_fmt("blocked_syscalls (>= %s or unfinished)", ro_ns((double)r->block_ns)),
		tab_fmt("%" PRIu64, r->blocked));
	tab_row(t, "syscalls / errors", tab_fmt("%" PRIu64 " / %" PRIu64, r->calls, r->errors));
	tab_row(t, "processes / threads", tab_fmt("%u / %u", r->nprocs, r->nthreads));
	tab_row(t, "exit_reason", r->exit_reason);
}

FILE *ro_open_out(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_err("cannot write %s: %s", path, strerror(errno));
	}
	return f;
}

int ro_close_out(FILE *f, const char *dir, const char *name)
{
	bool bad = ferror(f);
	int e = errno;

	if (fclose(f) || bad) {
		cli_err("write error on %s/%s: %s", dir, name, strerror(bad ? (e ? e : EIO) : errno));
		return -1;
	}
	return 0;
}
