// map_read: how long one full read of a BPF hash map takes with bpf_map_lookup_batch (what
// TcFlowMonitor.scan does), by entry count, value size and chunk; with "iter", also with an
// iter/bpf_map_elem program (map_read_iter.bpf.o) that writes a 96-byte record per entry.
// The map is filled with distinct keys by bpf_map_update_batch; each read is timed three times.
// usage: map_read ENTRIES VALUE_SIZE CHUNK [iter]     (as root; bench/map-read.sh runs the set)
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEY_SIZE 48 /* struct flow_key */
#define MAX_ENTRIES (1 << 20)

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int fill(int entries, int value_size)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "flows", KEY_SIZE, value_size, MAX_ENTRIES, NULL);
	char *keys = calloc(entries, KEY_SIZE), *values = calloc(entries, value_size);
	__u32 count = entries;

	for (int i = 0; i < entries; i++)
		memcpy(keys + (size_t)i * KEY_SIZE, &i, sizeof(i));
	if (fd < 0 || bpf_map_update_batch(fd, keys, values, &count, NULL)) {
		perror("fill");
		exit(1);
	}
	free(keys);
	free(values);
	return fd;
}

static void batch_read(int fd, int value_size, int chunk)
{
	char *keys = malloc((size_t)chunk * KEY_SIZE * 4), *values = malloc((size_t)chunk * value_size * 4);
	__u32 in, out;

	for (int round = 0; round < 3; round++) {
		double t0 = now();
		long total = 0;
		void *from = NULL;

		for (;;) {
			__u32 n = chunk;
			int rc = bpf_map_lookup_batch(fd, from, &out, keys, values, &n, NULL);

			total += n;
			if (rc)
				break; /* ENOENT: the end */
			in = out;
			from = &in;
		}
		printf("batch\t%ld\t%d\t%d\t%.3f\n", total, value_size, chunk, now() - t0);
	}
}

static void iter_read(int fd, int value_size)
{
	struct bpf_object *obj = bpf_object__open_file("map_read_iter.bpf.o", NULL);
	union bpf_iter_link_info info = {.map.map_fd = fd};
	LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &info, .link_info_len = sizeof(info));
	static char buf[1 << 20];
	struct bpf_link *link;
	int err = bpf_object__load(obj);

	if (err) {
		printf("iter\tload refused: %s\n", strerror(-err));
		return;
	}
	link = bpf_program__attach_iter(bpf_object__find_program_by_name(obj, "dump"), &opts);
	if (!link) {
		printf("iter\tattach refused: %s\n", strerror(errno));
		return;
	}
	for (int round = 0; round < 3; round++) {
		double t0 = now();
		int it = bpf_iter_create(bpf_link__fd(link));
		long bytes = 0;
		ssize_t n;

		while ((n = read(it, buf, sizeof(buf))) > 0)
			bytes += n;
		close(it);
		printf("iter\t%ld\t%d\t-\t%.3f\n", bytes / 96, value_size, now() - t0);
	}
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: map_read ENTRIES VALUE_SIZE CHUNK [iter]\n");
		return 2;
	}
	fd = fill(atoi(argv[1]), atoi(argv[2]));
	batch_read(fd, atoi(argv[2]), atoi(argv[3]));
	if (argc > 4)
		iter_read(fd, atoi(argv[2]));
	return 0;
}
