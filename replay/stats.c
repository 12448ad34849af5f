// SPDX-License-Identifier: MIT
/*
 * --stats: the facts of each file (header, time span, events by kind,
 * processes, frames, bytes, losses, damage). It describes whole files, so it
 * counts every event read, before any filter.
 */
#include <string.h>
#include <time.h>

#include "replay.h"

void rp_stats_count(struct rp_input *in, const struct sr_event *ev)
{
	struct rp_file_stats *st = &in->st;

	st->events++;
	switch (ev->type) {
	case SR_EV_SYSCALL:
		st->syscalls++;
		if (ev->sc.flags & SR_SC_UNFINISHED) {
			st->unfinished++;
		} else if (ev->sc.flags & SR_SC_NORETURN) {
			st->noreturn++;
		} else if (rp_is_error_ret(ev->sc.ret)) {
			st->failed++;
		}
		rp_procs_add(&st->pids, (int32_t)ev->sc.tgid, (int32_t)ev->sc.tgid);
		rp_procs_add(&st->tids, (int32_t)ev->sc.tid, (int32_t)ev->sc.tgid);
		break;
	case SR_EV_PROCESS:
		if ((unsigned)ev->proc.kind < 6) {
			st->proc[ev->proc.kind]++;
		} else {
			st->proc[0]++;
		}
		rp_procs_add(&st->pids, ev->proc.pid, ev->proc.pid);
		rp_procs_add(&st->tids, ev->proc.tid, ev->proc.pid);
		break;
	case SR_EV_SAMPLE:
		st->samples++;
		break;
	case SR_EV_HOSTCPU:
		st->hostcpu++;
		break;
	case SR_EV_LOSS:
		st->losses++;
		st->lost += ev->loss.count;
		break;
	case SR_EV_PROCINFO:
		st->procinfo++;
		rp_procs_add(&st->pids, ev->info.pid, ev->info.pid);
		rp_procs_add(&st->tids, ev->info.pid, ev->info.pid);
		return; /* table entries carry no event time */
	}
	if (!st->any_time || ev->ts < st->first_ns) {
		st->first_ns = ev->ts;
	}
	uint64_t end = ev->ts;
	if (ev->type == SR_EV_SYSCALL) {
		end += ev->sc.duration;
	} else if (ev->type == SR_EV_LOSS && ev->loss.last_ns > end) {
		end = ev->loss.last_ns;
	}
	if (!st->any_time || end > st->last_ns) {
		st->last_ns = end;
	}
	st->any_time = true;
}

static void line(struct sbuf *s, const char *k, const char *v)
{
	sb_printf(s, "%-16s %s\n", k, v && *v ? v : "-");
}

static void put_wall(struct sbuf *s, int64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];

	localtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	sb_printf(s, "%s.%06lld %s", buf, (long long)(ns % 1000000000 / 1000),
		  tm.tm_zone ? tm.tm_zone : "");
}

static void file_stats(struct replay *rp, struct rp_input *in)
{
	struct sbuf *s = &rp->sb;
	const Sysrec__Header *h = in->hdr;
	const struct rp_file_stats *st = &in->st;
	struct sr_reader_stats rs;

	sr_reader_get_stats(in->r, &rs);
	{
		/*
		 * The reader looks for the footer index only when asked to seek;
		 * all events are read by now, so a seek costs nothing but that look.
		 */
		struct sr_reader_stats after;
		struct sr_error err;
		memset(&err, 0, sizeof(err));
		sr_reader_seek_time(in->r, UINT64_MAX, &err);
		sr_reader_get_stats(in->r, &after);
		rs.has_index = after.has_index;
		rs.index_rebuilt = after.index_rebuilt;
	}
	line(s, "file:", in->path);
	if (h) {
		line(s, "host:", h->hostname);
		sb_printf(s, "%-16s %s%s%s\n", "kernel:", h->kernel_release && *h->kernel_release ? h->kernel_release : "-",
			  h->kernel_version && *h->kernel_version ? " " : "",
			  h->kernel_version ? h->kernel_version : "");
		line(s, "arch:", h->arch);
		sb_printf(s, "%-16s %s (%zu syscall names in the trace)\n", "syscall abi:",
			  h->abi && *h->abi ? h->abi : "unknown", h->n_syscall_names);
		line(s, "boot id:", h->boot_id);
		line(s, "recorder:", h->recorder);
		sb_printf(s, "%-16s", "command:");
		for (size_t i = 0; i < h->n_command_line; i++) {
			sb_printf(s, " %s", h->command_line[i]);
		}
		if (!h->n_command_line) {
			SB_LIT(s, " -");
		}
		sb_putc(s, '\n');
		sb_printf(s, "%-16s %s", "target:", h->target && *h->target ? h->target : "-");
		for (size_t i = 0; i < h->n_target_args; i++) {
			sb_printf(s, " %s", h->target_args[i]);
		}
		sb_putc(s, '\n');
		line(s, "backend:", h->backend);
		sb_printf(s, "%-16s v%u.%u%s%s\n", "format:", h->format_version, h->format_minor,
			  h->args_captured ? ", arguments captured" : ", no arguments",
			  h->times_synthetic ? ", synthetic times" : "");
		if (h->sample_interval_ns) {
			sb_printf(s, "%-16s every %.3f s\n", "/proc samples:",
				  h->sample_interval_ns / 1e9);
		}
		for (size_t i = 0; i < h->n_labels; i++) {
			sb_printf(s, "%-16s %s=%s\n", "label:", h->labels[i]->key,
				  h->labels[i]->value);
		}
	}
	if (st->any_time) {
		if (h && h->clock_realtime_ns) {
			sb_printf(s, "%-16s ", "started:");
			put_wall(s, h->clock_realtime_ns + ((int64_t)st->first_ns - (int64_t)h->clock_boot_ns));
			sb_putc(s, '\n');
		}
		sb_printf(s, "%-16s %.6f s\n", "time span:", (st->last_ns - st->first_ns) / 1e9);
	} else {
		line(s, "time span:", "no events");
	}
	sb_printf(s, "%-16s %llu (syscalls %llu, process events %llu, samples %llu, host cpu %llu, "
		     "losses %llu, process table %llu)\n",
		  "events:", (unsigned long long)st->events, (unsigned long long)st->syscalls,
		  (unsigned long long)(st->proc[0] + st->proc[1] + st->proc[2] + st->proc[3] +
				       st->proc[4] + st->proc[5]),
		  (unsigned long long)st->samples, (unsigned long long)st->hostcpu,
		  (unsigned long long)st->losses, (unsigned long long)st->procinfo);
	sb_printf(s, "%-16s fork %llu, exec %llu, exit %llu, comm %llu, cgroup %llu\n",
		  "process events:", (unsigned long long)st->proc[SR_PROC_FORK],
		  (unsigned long long)st->proc[SR_PROC_EXEC], (unsigned long long)st->proc[SR_PROC_EXIT],
		  (unsigned long long)st->proc[SR_PROC_COMM],
		  (unsigned long long)st->proc[SR_PROC_CGROUP]);
	sb_printf(s, "%-16s %llu failed, %llu unfinished, %llu never returned\n", "syscalls:",
		  (unsigned long long)st->failed, (unsigned long long)st->unfinished,
		  (unsigned long long)st->noreturn);
	sb_printf(s, "%-16s %zu (threads %zu)\n", "processes:", st->pids.n, st->tids.n);
	sb_printf(s, "%-16s %llu in %llu loss records\n", "lost events:",
		  (unsigned long long)st->lost, (unsigned long long)st->losses);
	sb_printf(s, "%-16s %llu (index %s)\n", "frames:", (unsigned long long)rs.frames,
		  rs.has_index ? "present" :
		  rs.index_rebuilt ? "missing, rebuilt by scanning" : "not checked: input not seekable");
	sb_printf(s, "%-16s %llu", "bytes:", (unsigned long long)rs.bytes);
	if (st->events) {
		sb_printf(s, " (%.2f bytes/event)", (double)rs.bytes / st->events);
	}
	sb_putc(s, '\n');
	if (rs.damaged || in->damage) {
		uint64_t d = rs.damaged > in->damage ? rs.damaged : in->damage;
		sb_printf(s, "%-16s %llu damaged spot%s, %llu bytes skipped\n", "damage:",
			  (unsigned long long)d, d == 1 ? "" : "s",
			  (unsigned long long)rs.skipped_bytes);
	} else {
		line(s, "damage:", "none");
	}
	if (rs.unknown_frames) {
		sb_printf(s, "%-16s %llu (skipped)\n", "unknown frames:",
			  (unsigned long long)rs.unknown_frames);
	}
	const Sysrec__Totals *t = sr_reader_totals(in->r);
	if (t) {
		sb_printf(s, "%-16s %s", "end:", t->exit_reason && *t->exit_reason ? t->exit_reason : "-");
		if (t->exit_signal) {
			sb_printf(s, ", command killed by signal %d", t->exit_signal);
		} else if (t->exit_code >= 0) {
			sb_printf(s, ", command exit status %d", t->exit_code);
		}
		sb_printf(s, "; totals: %llu syscalls, %llu lost\n", (unsigned long long)t->syscalls,
			  (unsigned long long)t->lost);
	} else {
		line(s, "end:", "no totals frame (recording cut short?)");
	}
}

int rp_stats_print(struct replay *rp)
{
	for (unsigned i = 0; i < rp->nin; i++) {
		if (i) {
			sb_putc(&rp->sb, '\n');
		}
		file_stats(rp, &rp->in[i]);
		rp_emit(rp);
	}
	return 0;
}
