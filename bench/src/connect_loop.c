/* connect_loop: a tight TCP connect + accept + close loop on one address for a fixed time,
 * in one process (client and server share a thread, as a busy service would); prints
 * connections completed. usage: connect_loop IP PORT SECONDS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: %s IP PORT SECONDS\n", argv[0]);
		return 2;
	}
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
	inet_pton(AF_INET, argv[1], &addr.sin_addr);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0) { perror("bind"); return 1; }
	listen(ls, 1024);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 }; /* RST on close: no TIME_WAIT pile-up */
	unsigned long long n = 0;
	double end = now() + atof(argv[3]);
	while (now() < end) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		if (connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0) { perror("connect"); return 1; }
		int a = accept(ls, NULL, NULL);
		if (a < 0) { perror("accept"); return 1; }
		close(a);
		close(c);
		n++;
	}
	printf("%llu\n", n);
	return 0;
}
