// SPDX-License-Identifier: MIT
/*
 * Event filters of `sysrec replay`: --pid --tid --comm --syscall --since
 * --until --failed --min-duration, all combinable (an event must pass each).
 * --syscall, --failed and --min-duration select syscalls only: process
 * events, losses and samples of the selected processes still pass, as
 * strace keeps "+++ exited +++" lines under -e trace=.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "replay.h"

bool rp_is_error_ret(int64_t ret)
{
	return ret < 0 && ret >= -4095;
}

/* Digits into *v; returns the first character after them (or NULL if none). */
static const char *parse_uint(const char *s, int maxdig, long *v)
{
	long x = 0;
	int n = 0;

	while (isdigit((unsigned char)*s) && n < maxdig) {
		x = x * 10 + (*s - '0');
		s++;
		n++;
	}
	if (!n) {
		return NULL;
	}
	*v = x;
	return s;
}

/* "HH:MM[:SS[.frac]]" -> ns since midnight; returns the rest or NULL. */
static const char *parse_tod(const char *s, int64_t *ns)
{
	long h, m, sec = 0;
	int64_t frac = 0;

	s = parse_uint(s, 2, &h);
	if (!s || *s != ':') {
		return NULL;
	}
	s = parse_uint(s + 1, 2, &m);
	if (!s) {
		return NULL;
	}
	if (*s == ':') {
		s = parse_uint(s + 1, 2, &sec);
		if (!s) {
			return NULL;
		}
		if (*s == '.' || *s == ',') {
			int64_t scale = 100000000;
			s++;
			if (!isdigit((unsigned char)*s)) {
				return NULL;
			}
			while (isdigit((unsigned char)*s)) {
				frac += (*s - '0') * scale;
				scale /= 10;
				s++;
			}
		}
	}
	if (h > 23 || m > 59 || sec > 60) {
		return NULL;
	}
	*ns = ((int64_t)h * 3600 + m * 60 + sec) * 1000000000ll + frac;
	return s;
}

bool rp_parse_time_arg(const char *s, struct rp_time_arg *t)
{
	uint64_t rel;
	int64_t tod;

	memset(t, 0, sizeof(*t));
	if (cli_parse_duration(s, &rel)) {
		t->set = true;
		t->ns = (int64_t)rel;
		return true;
	}
	/* YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z] */
	long y, mo, d;
	const char *p = parse_uint(s, 4, &y);
	if (p && *p == '-' && p - s == 4) {
		p = parse_uint(p + 1, 2, &mo);
		if (!p || *p != '-') {
			return false;
		}
		p = parse_uint(p + 1, 2, &d);
		if (!p || (*p != 'T' && *p != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31) {
			return false;
		}
		p = parse_tod(p + 1, &tod);
		if (!p) {
			return false;
		}
		bool utc = false;
		if (*p == 'Z') {
			utc = true;
			p++;
		}
		if (*p) {
			return false;
		}
		struct tm tm = { 0 };
		tm.tm_year = (int)y - 1900;
		tm.tm_mon = (int)mo - 1;
		tm.tm_mday = (int)d;
		tm.tm_isdst = -1;
		time_t midnight = utc ? timegm(&tm) : mktime(&tm);
		if (midnight == (time_t)-1) {
			return false;
		}
		t->set = true;
		t->wall = true;
		t->ns = (int64_t)midnight * 1000000000ll + tod;
		return true;
	}
	p = parse_tod(s, &tod);
	if (p && !*p) {
		t->set = true;
		t->wall = true;
		t->time_only = true;
		t->ns = tod;
		return true;
	}
	return false;
}

/* Merge key of a --since/--until value; false when it needs a wall clock the trace lacks. */
static bool time_key(struct replay *rp, const struct rp_time_arg *t, int64_t *key)
{
	if (!t->wall) {
		*key = rp->start + t->ns;
		return true;
	}
	if (!rp->has_wall) {
		return false;
	}
	int64_t wall = t->ns;
	if (t->time_only) {
		int64_t start_wall = rp->start + rp->wall_off;
		time_t sec = (time_t)(start_wall / 1000000000ll);
		struct tm tm;
		localtime_r(&sec, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		time_t midnight = mktime(&tm);
		wall = (int64_t)midnight * 1000000000ll + t->ns;
	}
	*key = wall - rp->wall_off;
	return true;
}

static bool name_listed(char **list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i][0] != '%' && !strcmp(list[i], name)) {
			return true;
		}
	}
	return false;
}

/* Is NAME a syscall on any ABI we know, or in the table of one of the inputs? */
static bool syscall_known(struct replay *rp, const char *name)
{
	static const enum sr_abi abis[] = { SR_ABI_X86_64, SR_ABI_AARCH64, SR_ABI_I386 };

	for (size_t i = 0; i < sizeof(abis) / sizeof(abis[0]); i++) {
		if (sr_syscall_by_name(abis[i], name)) {
			return true;
		}
	}
	for (unsigned f = 0; f < rp->nin; f++) {
		struct rp_input *in = &rp->in[f];
		for (uint32_t nr = 0; nr < in->ntab; nr++) {
			if (in->names[nr] && !strcmp(in->names[nr], name)) {
				return true;
			}
		}
	}
	return false;
}

int rp_filter_times(struct replay *rp)
{
	struct rp_opts *o = rp->o;

	if (o->since.set) {
		if (!time_key(rp, &o->since, &rp->since_key)) {
			cli_err("--since: the trace has no wall-clock pairing; give seconds from its start");
			return 1;
		}
		rp->has_since = true;
	}
	if (o->until.set) {
		if (!time_key(rp, &o->until, &rp->until_key)) {
			cli_err("--until: the trace has no wall-clock pairing; give seconds from its start");
			return 1;
		}
		rp->has_until = true;
	}
	return 0;
}

int rp_filter_prepare(struct replay *rp)
{
	struct rp_opts *o = rp->o;
	uint32_t classes = 0;

	if (!o->nsyscalls) {
		return 0;
	}
	for (size_t i = 0; i < o->nsyscalls; i++) {
		const char *s = o->syscalls[i];
		if (s[0] == '%') {
			uint32_t c = sr_class_from_name(s);
			if (!c) {
				return cli_bad_arg("--syscall", s,
						   "a class: %file %net %process %memory %ipc %signal %desc");
			}
			classes |= c;
		} else if (!syscall_known(rp, s)) {
			return cli_bad_arg("--syscall", s, "syscall names or classes like %file");
		}
	}
	for (unsigned f = 0; f < rp->nin; f++) {
		struct rp_input *in = &rp->in[f];
		in->keep = calloc(in->ntab ? in->ntab : 1, 1);
		if (!in->keep) {
			cli_err("out of memory");
			return 1;
		}
		for (uint32_t nr = 0; nr < in->ntab; nr++) {
			bool match = false;
			if (in->names[nr]) {
				const char *n = in->names[nr];

				/* "open" selects 32-bit "i386:open" too, as strace's
				 * filters apply to every personality; "i386:open"
				 * selects only those */
				match = name_listed(o->syscalls, o->nsyscalls, n) ||
					(sr_compat_name(n) &&
					 name_listed(o->syscalls, o->nsyscalls, sr_compat_name(n)));
			}
			if (!match && classes && in->info[nr]) {
				match = (in->info[nr]->classes & classes) != 0;
			}
			in->keep[nr] = match != o->syscalls_negate;
		}
		in->keep_unknown = o->syscalls_negate;
	}
	return 0;
}

static bool id_listed(const int32_t *v, size_t n, int32_t x)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i] == x) {
			return true;
		}
	}
	return false;
}

static bool comm_listed(struct replay *rp, int32_t tid, int32_t pid)
{
	const char *c = rp_procs_comm(&rp->procs, tid, pid);

	if (!c) {
		return false;
	}
	for (size_t i = 0; i < rp->o->ncomms; i++) {
		if (!strcmp(rp->o->comms[i], c)) {
			return true;
		}
	}
	return false;
}

/* pid/tid/comm selection for an event of thread TID in process PID. */
static bool who_ok(struct replay *rp, int32_t tid, int32_t pid)
{
	const struct rp_opts *o = rp->o;

	if (o->npids && !id_listed(o->pids, o->npids, pid)) {
		return false;
	}
	if (o->ntids && !id_listed(o->tids, o->ntids, tid)) {
		return false;
	}
	if (o->ncomms && !comm_listed(rp, tid, pid)) {
		return false;
	}
	return true;
}

bool rp_filter_event(struct replay *rp, struct rp_input *in, const struct sr_event *ev,
		     int64_t key)
{
	const struct rp_opts *o = rp->o;

	if (ev->type != SR_EV_PROCINFO) {
		if (rp->has_since && key < rp->since_key) {
			return false;
		}
		if (rp->has_until && key > rp->until_key) {
			return false;
		}
	}
	switch (ev->type) {
	case SR_EV_SYSCALL: {
		const struct sr_syscall *sc = &ev->sc;
		if (in->keep && !(sc->nr < in->ntab ? in->keep[sc->nr] : in->keep_unknown)) {
			return false;
		}
		if (o->failed &&
		    ((sc->flags & (SR_SC_UNFINISHED | SR_SC_NORETURN)) || !rp_is_error_ret(sc->ret))) {
			return false;
		}
		if (o->has_min_duration &&
		    (sc->duration < o->min_duration || (sc->flags & SR_SC_UNFINISHED))) {
			return false;
		}
		return who_ok(rp, (int32_t)sc->tid, (int32_t)sc->tgid);
	}
	case SR_EV_PROCESS:
		if (who_ok(rp, ev->proc.tid, ev->proc.pid)) {
			return true;
		}
		/* A fork shows under its parent as well as under the child. */
		return ev->proc.kind == SR_PROC_FORK &&
		       who_ok(rp, ev->proc.parent_tid, ev->proc.parent_pid);
	case SR_EV_SAMPLE:
		return who_ok(rp, ev->sample.pid, ev->sample.pid);
	case SR_EV_PROCINFO:
		return who_ok(rp, ev->info.pid, ev->info.pid);
	case SR_EV_HOSTCPU:
	case SR_EV_LOSS:
		/* Not about one process: context for whatever is selected. */
		return true;
	}
	return true;
}
