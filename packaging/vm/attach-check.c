// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * attach-check — proves that a BPF object's programs attach in this kernel and fire.
 *
 *   attach-check OBJECT.bpf.o -- TRAFFIC_COMMAND [ARG...]
 *
 * Opens and loads OBJECT with libbpf (as installed: Debian's libbpf 1.1), attaches every
 * program by its SEC() name (kprobe/, kretprobe/, fexit/, tracepoint/ ...), runs
 * TRAFFIC_COMMAND, then drains the ring buffer "sock_events" if the object has one and prints:
 *
 *   prog kretprobe/tcp_v4_connect attached run_cnt=3
 *   prog fexit/inet_csk_accept FAILED -EPERM
 *   event connect pid=812 comm=bash 127.0.0.1:35020 -> 127.0.0.1:8080
 *   summary programs=5 attached=5 events=6 connect=3 accept=3
 *
 * run_cnt needs `sysctl kernel.bpf_stats_enabled=1`. Exit status 0 when every program
 * attached and TRAFFIC_COMMAND succeeded. Independent of the project's Java loader on
 * purpose: this is the smallest thing that says "this hook works on this kernel".
 * Built on the host by run-attach-matrix.sh with `clang ... -lbpf`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/types.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "flowmon.h"

#define MAX_PROGS 32

static int events, connects, accepts;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, args);
}

static void format_addr(char *out, size_t len, const __u8 *addr, __u16 family)
{
	inet_ntop(family == 2 ? AF_INET : AF_INET6, family == 2 ? addr + 12 : addr, out, len);
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct sock_event *ev = data;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const char *kind = ev->kind == SOCK_EV_CONNECT ? "connect"
			 : ev->kind == SOCK_EV_ACCEPT ? "accept" : "other";

	if (size < sizeof(*ev))
		return 0;
	format_addr(src, sizeof(src), ev->saddr, ev->family);
	format_addr(dst, sizeof(dst), ev->daddr, ev->family);
	printf("event %s pid=%u comm=%.16s %s:%u -> %s:%u\n", kind, ev->pid, ev->comm,
	       src, ev->sport, dst, ev->dport);
	events++;
	connects += ev->kind == SOCK_EV_CONNECT;
	accepts += ev->kind == SOCK_EV_ACCEPT;
	return 0;
}

/*
 * Sets the object's `const volatile` global NAME (a __u32 in .rodata) before load; no-op when
 * the object has no such variable. Found through the object's BTF, as the Java loader does.
 */
static void set_rodata_u32(struct bpf_object *obj, const char *name, __u32 value)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map;
	size_t size;
	char *data;
	int id;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name) != 0)
			continue;
		bpf_object__for_each_map(map, obj) {
			const char *m = bpf_map__name(map);
			size_t len = strlen(m);

			if (len < 7 || strcmp(m + len - 7, ".rodata") != 0)
				continue;
			/* libbpf 1.1 hands out the initial value read-only: copy, change, set. */
			const void *init = bpf_map__initial_value(map, &size);

			if (!init || vs->offset + sizeof(value) > size || !(data = malloc(size)))
				continue;
			memcpy(data, init, size);
			memcpy(data + vs->offset, &value, sizeof(value));
			bpf_map__set_initial_value(map, data, size);
			free(data);
		}
	}
}

/*
 * sock_fentry's accept_ret_slot, chosen as ProbeObjects.acceptReturnSlot() chooses it: 2 where
 * inet_csk_accept takes (sk, struct proto_accept_arg *) (6.10+), else 4. Left at 0 the object
 * falls back to bpf_get_func_ret(), which only 5.17+ has (Debian 11's 5.10 refuses the load).
 */
static void set_accept_ret_slot(struct bpf_object *obj)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();

	if (!vmlinux)
		return;
	set_rodata_u32(obj, "accept_ret_slot",
		       btf__find_by_name_kind(vmlinux, "proto_accept_arg", BTF_KIND_STRUCT) >= 0 ? 2 : 4);
	btf__free(vmlinux);
}

static int run_traffic(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static __u64 run_count(struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.run_cnt;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_PROGS] = {};
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *ring_map;
	struct ring_buffer *ring = NULL;
	int n = 0, attached = 0, traffic, err;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: attach-check OBJECT.bpf.o -- TRAFFIC_COMMAND [ARG...]\n");
		return 2;
	}
	libbpf_set_print(print_libbpf);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		printf("summary open FAILED %d\n", -errno);
		return 1;
	}
	set_accept_ret_slot(obj);
	err = bpf_object__load(obj);
	if (err) {
		printf("summary load FAILED %d (%s)\n", err, strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (n == MAX_PROGS)
			break;
		links[n] = bpf_program__attach(prog);
		if (links[n])
			attached++;
		else
			printf("prog %s FAILED %d (%s)\n", bpf_program__section_name(prog), -errno, strerror(errno));
		n++;
	}
	ring_map = bpf_object__find_map_by_name(obj, "sock_events");
	if (ring_map)
		ring = ring_buffer__new(bpf_map__fd(ring_map), on_event, NULL, NULL);

	fflush(stdout);
	traffic = run_traffic(&argv[3]);

	if (ring)
		ring_buffer__consume(ring);
	n = 0;
	bpf_object__for_each_program(prog, obj) {
		if (n < MAX_PROGS && links[n])
			printf("prog %s attached run_cnt=%llu\n", bpf_program__section_name(prog),
			       (unsigned long long)run_count(prog));
		bpf_link__destroy(links[n++]);
	}
	printf("summary programs=%d attached=%d events=%d connect=%d accept=%d traffic_status=%d\n",
	       n, attached, events, connects, accepts, traffic);
	ring_buffer__free(ring);
	bpf_object__close(obj);
	return attached == n && traffic == 0 ? 0 : 1;
}
