// syscall_tax: how fast syscalls run, to compare with and without BPF hooks attached.
//   syscall_tax getppid SECONDS   -> getppid() calls per second (no socket: an unrelated syscall)
//   syscall_tax pipe SECONDS      -> 64-byte write+read round trips through a pipe per second
//   syscall_tax connect SECONDS   -> TCP connect+accept+close on 127.0.0.1 per second (both ends
//                                    closed with RST, as in connect_loop.c: no TIME_WAIT pile-up)
//   syscall_tax udp SECONDS       -> 64-byte UDP request/responses per second between two
//                                    unconnected sockets on 127.0.0.1: sendto, recvfrom (with the
//                                    sender's address), sendto back, recvfrom
// One thread does everything (loopback delivers within the sending call), so the loop measures
// the syscall path of one core. One line on stdout: "<mode> <operations per second> <operations>".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1000 /* operations between clock reads */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	perror(what);
	return -1;
}

/* A socket bound to 127.0.0.1 on a port the kernel picks; its address in *addr. */
static int loopback_socket(int type, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, type, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) != 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &len) != 0)
		return fail("socket/bind");
	return fd;
}

static int getppid_batch(void)
{
	for (int i = 0; i < BATCH; i++)
		syscall(SYS_getppid); /* not the libc wrapper: it is always a real syscall */
	return 0;
}

static int pipe_fds[2];

static int pipe_batch(void)
{
	char buf[64] = { 'x' };

	for (int i = 0; i < BATCH; i++) {
		if (write(pipe_fds[1], buf, sizeof(buf)) != sizeof(buf) ||
		    read(pipe_fds[0], buf, sizeof(buf)) != sizeof(buf))
			return fail("pipe");
	}
	return 0;
}

static int listener = -1;
static struct sockaddr_in listen_addr;

static int connect_batch(void)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };

	for (int i = 0; i < BATCH; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), a;

		if (c < 0)
			return fail("socket");
		setsockopt(c, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		if (connect(c, (struct sockaddr *)&listen_addr, sizeof(listen_addr)) != 0)
			return fail("connect");
		a = accept(listener, NULL, NULL);
		if (a < 0)
			return fail("accept");
		close(a);
		close(c);
	}
	return 0;
}

static int udp_client = -1, udp_server = -1;
static struct sockaddr_in client_addr, server_addr;

static int udp_batch(void)
{
	char buf[64] = { 'u' };
	struct sockaddr_in from;
	socklen_t len;

	for (int i = 0; i < BATCH; i++) {
		if (sendto(udp_client, buf, sizeof(buf), 0, (struct sockaddr *)&server_addr, sizeof(server_addr)) != sizeof(buf))
			return fail("sendto request");
		len = sizeof(from);
		if (recvfrom(udp_server, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) != sizeof(buf))
			return fail("recvfrom request");
		if (sendto(udp_server, buf, sizeof(buf), 0, (struct sockaddr *)&from, len) != sizeof(buf))
			return fail("sendto response");
		len = sizeof(from);
		if (recvfrom(udp_client, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) != sizeof(buf))
			return fail("recvfrom response");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "getppid";
	double seconds = argc > 2 ? atof(argv[2]) : 5;
	int (*batch)(void);
	long ops = 0;
	double start, end;

	if (strcmp(mode, "getppid") == 0) {
		batch = getppid_batch;
	} else if (strcmp(mode, "pipe") == 0) {
		if (pipe(pipe_fds) != 0) {
			perror("pipe");
			return 1;
		}
		batch = pipe_batch;
	} else if (strcmp(mode, "connect") == 0) {
		int one = 1;

		listener = loopback_socket(SOCK_STREAM, &listen_addr);
		if (listener < 0)
			return 1;
		setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (listen(listener, 1024) != 0) {
			perror("listen");
			return 1;
		}
		batch = connect_batch;
	} else if (strcmp(mode, "udp") == 0) {
		udp_client = loopback_socket(SOCK_DGRAM, &client_addr);
		udp_server = loopback_socket(SOCK_DGRAM, &server_addr);
		if (udp_client < 0 || udp_server < 0)
			return 1;
		batch = udp_batch;
	} else {
		fprintf(stderr, "usage: %s getppid|pipe|connect|udp SECONDS\n", argv[0]);
		return 2;
	}
	start = now();
	end = start + seconds;
	do {
		if (batch() != 0)
			return 1;
		ops += BATCH;
	} while (now() < end);
	printf("%s %.0f %ld\n", mode, ops / (now() - start), ops);
	return 0;
}
