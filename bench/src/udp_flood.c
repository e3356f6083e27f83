/* udp_flood: sends UDP datagrams of a fixed payload size as fast as the socket path allows,
 * with sendmmsg batches, for a fixed time; prints the number of datagrams sent.
 * Traffic goes through the normal socket path, so TC egress hooks see every packet.
 * usage: udp_flood DST_IP DST_PORT PAYLOAD_BYTES SECONDS [SRC_PORT] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: %s DST_IP DST_PORT PAYLOAD_BYTES SECONDS [SRC_PORT]\n", argv[0]);
		return 2;
	}
	int payload = atoi(argv[3]);
	double seconds = atof(argv[4]);
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", argv[1]);
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (argc > 5) {
		struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[5])) };
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) { perror("bind"); return 1; }
	}
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) { perror("connect"); return 1; }

	char *buf = calloc(1, payload ? payload : 1);
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf;
		iov[i].iov_len = payload;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	unsigned long long sent = 0;
	double end = now() + seconds;
	while (now() < end) {
		int n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
	}
	printf("%llu\n", sent);
	return 0;
}
