/* udp_send_batch: what one sendmmsg() of many datagrams saves against one send() each, and what
 * it loses. Sends COUNT datagrams of SIZE bytes to 127.0.0.1:PORT from a connected socket, BATCH at
 * a time (1: send(), more: sendmmsg()), and prints the sender's wall and CPU time per datagram.
 * With a PORT nobody listens on, every datagram draws an ICMP port unreachable, which the kernel
 * reports as ECONNREFUSED on the socket's next send: the line then also says how many of those
 * errors the sender was told of. sendmmsg() reports an error only when it is the batch's first
 * message; one met later ends the batch, is consumed and is not returned (net/socket.c,
 * __sys_sendmmsg: "We only return an error if no datagrams were able to be sent").
 * usage: udp_send_batch PORT COUNT SIZE BATCH */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_BATCH 1024

static double seconds(clockid_t clock) {
	struct timespec t;
	clock_gettime(clock, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: %s PORT COUNT SIZE BATCH\n", argv[0]);
		return 2;
	}
	int port = atoi(argv[1]), count = atoi(argv[2]), size = atoi(argv[3]), batch = atoi(argv[4]);
	if (batch < 1 || batch > MAX_BATCH || size < 1 || size > 65507) {
		fprintf(stderr, "BATCH 1..%d, SIZE 1..65507\n", MAX_BATCH);
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) { perror("connect"); return 1; }
	char *buf = calloc(1, size);
	static struct iovec iov[MAX_BATCH];
	static struct mmsghdr msgs[MAX_BATCH];
	for (int i = 0; i < batch; i++) {
		iov[i].iov_base = buf;
		iov[i].iov_len = size;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	long sent = 0, refused = 0, calls = 0;
	double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
	while (sent < count) {
		int want = count - sent < batch ? count - sent : batch;
		int n = batch == 1 ? (send(fd, buf, size, 0) < 0 ? -1 : 1) : sendmmsg(fd, msgs, want, 0);
		calls++;
		if (n > 0) {
			sent += n;
		} else if (errno == ECONNREFUSED) {
			refused++; /* this datagram was not sent: the next call sends it */
		} else {
			perror("send");
			return 1;
		}
	}
	wall = seconds(CLOCK_MONOTONIC) - wall;
	cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu;
	printf("batch %d: %ld datagrams in %ld calls, %.2f us wall and %.2f us CPU per datagram, "
	       "%ld ECONNREFUSED reported\n", batch, sent, calls, wall / sent * 1e6, cpu / sent * 1e6, refused);
	return 0;
}
