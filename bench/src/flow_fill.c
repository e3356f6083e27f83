/* flow_fill: sends one small UDP datagram for each of N distinct flows (5-tuples), ROUNDS times,
 * so a flow table fills to N flows with real packets. Flow i (0 <= i < N) goes from SRC_IP port
 * 1024 + i % 60000 to DST_IP port DST_PORT_BASE + i / 60000; with N = 1,000,000 that is 60,000
 * source ports x 17 destination ports. The packets are built here (raw IPv4 socket, IP_HDRINCL:
 * the kernel fills in the IP checksum and routes them through the veth like any other packet;
 * UDP checksum 0 = none, allowed for IPv4), sent with sendmmsg in batches.
 * Prints "<datagrams sent> <seconds>" on stdout.
 * usage: flow_fill SRC_IP DST_IP DST_PORT_BASE FLOWS [ROUNDS] [PPS_LIMIT] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256
#define PAYLOAD 18
#define PORTS_PER_DST 60000
#define PKT_LEN (sizeof(struct iphdr) + sizeof(struct udphdr) + PAYLOAD)

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void build(unsigned char *pkt, in_addr_t src, in_addr_t dst, unsigned long i, unsigned dst_base) {
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(pkt + sizeof(*ip));
	memset(pkt, 0, PKT_LEN);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(PKT_LEN); /* the kernel rewrites it and the checksum anyway */
	ip->saddr = src;
	ip->daddr = dst;
	udp->source = htons(1024 + i % PORTS_PER_DST);
	udp->dest = htons(dst_base + i / PORTS_PER_DST);
	udp->len = htons(sizeof(*udp) + PAYLOAD);
	udp->check = 0;
}

int main(int argc, char **argv) {
	if (argc < 5) {
		fprintf(stderr, "usage: %s SRC_IP DST_IP DST_PORT_BASE FLOWS [ROUNDS] [PPS_LIMIT]\n", argv[0]);
		return 2;
	}
	in_addr_t src = inet_addr(argv[1]), dst = inet_addr(argv[2]);
	unsigned dst_base = atoi(argv[3]);
	unsigned long flows = strtoul(argv[4], NULL, 10);
	int rounds = argc > 5 ? atoi(argv[5]) : 1;
	double pps = argc > 6 ? atof(argv[6]) : 0;
	if (dst_base + flows / PORTS_PER_DST > 65535) {
		fprintf(stderr, "too many flows for destination ports from %u\n", dst_base);
		return 2;
	}
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW); /* IPPROTO_RAW implies IP_HDRINCL */
	if (fd < 0) { perror("socket"); return 1; }
	int sndbuf = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = dst };

	static unsigned char pkts[BATCH][PKT_LEN];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	memset(msgs, 0, sizeof(msgs));
	for (int b = 0; b < BATCH; b++) {
		iov[b].iov_base = pkts[b];
		iov[b].iov_len = PKT_LEN;
		msgs[b].msg_hdr.msg_iov = &iov[b];
		msgs[b].msg_hdr.msg_iovlen = 1;
		msgs[b].msg_hdr.msg_name = &to;
		msgs[b].msg_hdr.msg_namelen = sizeof(to);
	}
	unsigned long long sent = 0;
	double start = now();
	for (int r = 0; r < rounds; r++) {
		for (unsigned long i = 0; i < flows;) {
			int n = 0;
			for (; n < BATCH && i + n < flows; n++)
				build(pkts[n], src, dst, i + n, dst_base);
			int off = 0;
			while (off < n) {
				int k = sendmmsg(fd, msgs + off, n - off, 0);
				if (k < 0) {
					if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) { usleep(100); continue; }
					perror("sendmmsg");
					return 1;
				}
				off += k;
			}
			i += n;
			sent += n;
			if (pps > 0) { /* pace: never ahead of the requested rate */
				double ahead = sent / pps - (now() - start);
				if (ahead > 0) usleep(ahead * 1e6);
			}
		}
	}
	printf("%llu %.3f\n", sent, now() - start);
	return 0;
}
