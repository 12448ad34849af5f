// SPDX-License-Identifier: MIT
/*
 * thread_storm THREADS K [GATE]: THREADS worker threads (even, 2-64) on all
 * CPUs, each making K getpriority(PRIO_PROCESS, WHO) calls (ESRCH) with
 * WHO = 0x40000000 | kind << 26 | thread << 20 | i (kind 1: main loop),
 * and between them, on a fixed
 * schedule: sched_yield, a one-byte pipe ping-pong with its partner thread
 * (thread ^ 1: blocking reads), a futex post/wait handshake with the
 * partner, sched_setaffinity moves between CPUs, 10 us nanosleeps and
 * getpid through int 0x80 (x86_64). A signaller thread sends SIGUSR1
 * (SA_RESTART) and SIGUSR2 (no SA_RESTART: the worker retries on EINTR)
 * to the workers with tgkill; the handler makes getpriority calls of kind 2
 * with i = n (n counts per thread). A churn thread starts short-lived
 * threads one after another while the workers run (at most 4095): short
 * thread s makes 64 getpriority calls of kind 3 with thread 0 and
 * i = s << 8 | call, and exits.
 *
 * With GATE, the threads first run an uncounted warm-up loop (getpriority
 * of kind 4, i = 0, every 200 us) until the process gets SIGHUP; only then
 * the counted run starts (for attaching a recorder with -p first).
 *
 * At the end it prints, for checking a recording exactly:
 *   T thread tid                 each worker (and "T -1 tid" for the signaller)
 *   C tid name calls eintr       syscalls it made by name, and how many
 *                                returned EINTR to it
 *   H tid n                      handler runs in that thread
 *   S count                      short threads started (each 64 calls)
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAXT 64
/* getpriority's WHO: kind, thread, iteration */
#define WHO(kind, t, i) (0x40000000L | (long)(kind) << 26 | (long)(t) << 20 | (i))
#define SHORT_CALLS 64

enum { N_GETPRIO, N_READ, N_WRITE, N_FUTEX, N_YIELD, N_NANOSLEEP, N_SETAFF, N_TGKILL,
       N_I386_GETPID, N_NAMES };
static const char *names[N_NAMES] = { "getpriority", "read", "write", "futex", "sched_yield",
				      "nanosleep", "sched_setaffinity", "tgkill",
				      "i386:getpid" };

struct th {
	pthread_t pt;
	int idx;
	atomic_int tid;
	long calls[N_NAMES], eintr[N_NAMES];
	long hcalls;            /* handler's getpriority calls */
	int in[2];              /* pipe the partner writes into */
	atomic_uint sem;        /* futex word the partner posts to */
};

static struct th th[MAXT + 1]; /* [MAXT] is the signaller */
static int nthreads, ncpu;
static long k;
static atomic_int done_workers, gate_open = 1;
static _Thread_local struct th *self;

/* One counted raw syscall of the current thread. */
static long sc(int name, long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	self->calls[name]++;
	if (r == -1 && errno == EINTR) {
		self->eintr[name]++;
	}
	return r;
}

static void on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	if (self && self->idx < MAXT) {
		syscall(SYS_getpriority, PRIO_PROCESS, WHO(2, self->idx, self->hcalls));
		self->hcalls++;
	}
	errno = saved;
}

static long int80_getpid(void)
{
#ifdef __x86_64__
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	self->calls[N_I386_GETPID]++;
	return r;
#else
	return getpid();
#endif
}

static void pingpong(struct th *me, struct th *peer)
{
	char c = 'x';

	while (sc(N_WRITE, SYS_write, peer->in[1], (long)&c, 1, 0, 0, 0) != 1) {
	}
	while (sc(N_READ, SYS_read, me->in[0], (long)&c, 1, 0, 0, 0) != 1) {
	}
}

static void handshake(struct th *me, struct th *peer)
{
	unsigned v;

	atomic_fetch_add(&peer->sem, 1);
	sc(N_FUTEX, SYS_futex, (long)&peer->sem, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
	for (;;) {
		v = atomic_load(&me->sem);
		if (v && atomic_compare_exchange_weak(&me->sem, &v, v - 1)) {
			return;
		}
		if (!v) {
			sc(N_FUTEX, SYS_futex, (long)&me->sem, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
		}
	}
}

static void *worker(void *arg)
{
	struct th *me = arg, *peer = &th[me->idx ^ 1];
	struct timespec ts = { 0, 10000 };

	self = me;
	atomic_store(&me->tid, gettid());
	while (!atomic_load(&gate_open)) {
		syscall(SYS_getpriority, PRIO_PROCESS, WHO(4, me->idx, 0));
		usleep(200); /* slow enough for the recorder to keep up */
	}
	for (long i = 0; i < k; i++) {
		sc(N_GETPRIO, SYS_getpriority, PRIO_PROCESS, WHO(1, me->idx, i),
		   0, 0, 0, 0);
		if (i % 4 == 1) {
			sc(N_YIELD, SYS_sched_yield, 0, 0, 0, 0, 0, 0);
		}
		if (i % 8 == 3) {
			pingpong(me, peer);
		}
		if (i % 16 == 5) {
			handshake(me, peer);
		}
		if (i % 16 == 11) {
			int80_getpid();
		}
		if (i % 32 == 9) {
			sc(N_NANOSLEEP, SYS_nanosleep, (long)&ts, 0, 0, 0, 0, 0);
		}
		if (i % 64 == 7 && ncpu > 1) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET((i / 64 + me->idx) % 2, &set);
			sc(N_SETAFF, SYS_sched_setaffinity, 0, sizeof(set), (long)&set, 0, 0, 0);
		}
	}
	atomic_fetch_add(&done_workers, 1);
	return NULL;
}

static void *signaller(void *arg)
{
	struct timespec ts = { 0, 30000 };
	unsigned seed = 12345;
	int pid = getpid();

	self = arg;
	atomic_store(&self->tid, gettid());
	while (!atomic_load(&gate_open)) {
		nanosleep(&ts, NULL);
	}
	for (long n = 0; atomic_load(&done_workers) < nthreads; n++) {
		struct th *t = &th[rand_r(&seed) % nthreads];

		sc(N_TGKILL, SYS_tgkill, pid, atomic_load(&t->tid), n % 2 ? SIGUSR1 : SIGUSR2, 0,
		   0, 0);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *short_thread(void *arg)
{
	long s = (long)arg;

	for (long i = 0; i < SHORT_CALLS; i++) {
		syscall(SYS_getpriority, PRIO_PROCESS, WHO(3, 0, s << 8 | i));
	}
	return NULL;
}

static long nshort;

static void *churn(void *arg)
{
	(void)arg;
	while (!atomic_load(&gate_open)) {
		usleep(100);
	}
	while (atomic_load(&done_workers) < nthreads && nshort < 4095) {
		pthread_t p;

		if (pthread_create(&p, NULL, short_thread, (void *)nshort)) {
			break;
		}
		nshort++;
		pthread_join(p, NULL);
	}
	return NULL;
}

static void on_hup(int sig)
{
	(void)sig;
	atomic_store(&gate_open, 1);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pthread_t sig_pt, churn_pt;

	if (argc < 3 || (nthreads = atoi(argv[1])) < 2 || nthreads > MAXT || nthreads % 2 ||
	    (k = atol(argv[2])) < 1 || k >= 1 << 20) {
		fprintf(stderr, "usage: thread_storm THREADS(2-64, even) K(<2^20) [GATE]\n");
		return 2;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Handlers do not nest: their calls stay numbered in order. */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	if (argc > 3) {
		atomic_store(&gate_open, 0);
		sa.sa_handler = on_hup;
		sigaction(SIGHUP, &sa, NULL);
	}
	for (int t = 0; t < nthreads; t++) {
		th[t].idx = t;
		if (pipe(th[t].in)) {
			perror("pipe");
			return 1;
		}
	}
	th[MAXT].idx = MAXT;
	for (int t = 0; t < nthreads; t++) {
		if (pthread_create(&th[t].pt, NULL, worker, &th[t])) {
			fprintf(stderr, "thread_storm: pthread_create failed\n");
			return 1;
		}
	}
	for (int t = 0; t < nthreads; t++) {
		while (!atomic_load(&th[t].tid)) {
			sched_yield();
		}
	}
	if (pthread_create(&sig_pt, NULL, signaller, &th[MAXT]) ||
	    pthread_create(&churn_pt, NULL, churn, NULL)) {
		fprintf(stderr, "thread_storm: pthread_create failed\n");
		return 1;
	}
	if (argc > 3) {
		printf("R %d\n", getpid());
		fflush(stdout);
	}
	for (int t = 0; t < nthreads; t++) {
		pthread_join(th[t].pt, NULL);
	}
	pthread_join(sig_pt, NULL);
	pthread_join(churn_pt, NULL);
	for (int t = 0; t <= MAXT; t++) {
		if (t >= nthreads && t < MAXT) {
			continue;
		}
		printf("T %d %d\n", t < MAXT ? t : -1, th[t].tid);
		for (int n = 0; n < N_NAMES; n++) {
			if (th[t].calls[n]) {
				printf("C %d %s %ld %ld\n", th[t].tid, names[n], th[t].calls[n],
				       th[t].eintr[n]);
			}
		}
		printf("H %d %ld\n", th[t].tid, th[t].hcalls);
	}
	printf("S %ld\n", nshort);
	return 0;
}
