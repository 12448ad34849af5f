// SPDX-License-Identifier: MIT
/*
 * net_ops [N]: known network syscalls over loopback, for %net filters and
 * per-syscall counts. Raw syscalls. Once: socket(AF_INET, SOCK_STREAM) for
 * a listener, bind to 127.0.0.1:0, listen, getsockname. Then N times
 * (default 5): socket, connect, accept4, sendto 10 bytes, recvfrom 10 bytes
 * on the other end, close both. Then socketpair(AF_UNIX) with one sendmsg
 * and one recvmsg, and a connect to a closed port that fails ECONNREFUSED.
 * Totals: socket N+2, bind 1, listen 1, getsockname 1, connect N+1 (1 fails),
 * accept4 N, sendto N, recvfrom N, socketpair 1, sendmsg 1, recvmsg 1,
 * close 2N+4. Exits 0 when every result was the expected one. The dynamic
 * loader makes its own calls (close x2 among them) before main().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;

static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);

	return r == -1 ? -errno : r;
}

static long check(long got, long want, const char *what)
{
	if ((want >= 0 && got < 0) || (want < 0 && got != want)) {
		fprintf(stderr, "net_ops: %s: got %ld, expected %s%ld\n", what, got,
			want >= 0 ? ">= " : "", want);
		failures++;
	}
	return got;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	char buf[10];
	long l, c, a, sp[2];

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(buf, 'n', sizeof(buf));
	l = check(sys(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0), 0, "socket");
	check(sys(SYS_bind, l, (long)&addr, sizeof(addr), 0, 0, 0), 0, "bind");
	check(sys(SYS_listen, l, 16, 0, 0, 0, 0), 0, "listen");
	check(sys(SYS_getsockname, l, (long)&addr, (long)&alen, 0, 0, 0), 0, "getsockname");
	for (int i = 0; i < n; i++) {
		c = check(sys(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0), 0, "socket");
		check(sys(SYS_connect, c, (long)&addr, sizeof(addr), 0, 0, 0), 0, "connect");
		a = check(sys(SYS_accept4, l, 0, 0, 0, 0, 0), 0, "accept4");
		check(sys(SYS_sendto, c, (long)buf, sizeof(buf), 0, 0, 0), 10, "sendto");
		check(sys(SYS_recvfrom, a, (long)buf, sizeof(buf), MSG_WAITALL, 0, 0), 10, "recvfrom");
		check(sys(SYS_close, c, 0, 0, 0, 0, 0), 0, "close");
		check(sys(SYS_close, a, 0, 0, 0, 0, 0), 0, "close");
	}
	/* A port nobody listens on any more: our own listener's, once closed. */
	check(sys(SYS_close, l, 0, 0, 0, 0, 0), 0, "close");
	c = check(sys(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0), 0, "socket");
	check(sys(SYS_connect, c, (long)&addr, sizeof(addr), 0, 0, 0), -ECONNREFUSED, "connect");
	check(sys(SYS_close, c, 0, 0, 0, 0, 0), 0, "close");

	int fds[2];

	check(sys(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, (long)fds, 0, 0), 0, "socketpair");
	sp[0] = fds[0];
	sp[1] = fds[1];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	check(sys(SYS_sendmsg, sp[0], (long)&msg, 0, 0, 0, 0), 10, "sendmsg");
	check(sys(SYS_recvmsg, sp[1], (long)&msg, 0, 0, 0, 0), 10, "recvmsg");
	check(sys(SYS_close, sp[0], 0, 0, 0, 0, 0), 0, "close");
	check(sys(SYS_close, sp[1], 0, 0, 0, 0, 0), 0, "close");
	return failures ? 1 : 0;
}
