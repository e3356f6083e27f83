// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tc-verify — loads a TC object with chosen `const volatile` settings and prints the verifier's
 * statistics per program, so an object can be checked on another kernel (qemu guests) with the
 * settings the Java loader uses, e.g. owners on and TCP health on, which `bpftool prog loadall`
 * (defaults only) cannot set:
 *
 *   tc-verify OBJECT.bpf.o [NAME=VALUE ...]      e.g. owners_enabled=1 tcp_health_enabled=0
 *
 * Exit status 0 when the object loaded. Build: clang -O2 -o tc-verify tc-verify.c -lbpf
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define LOG_SIZE (1 << 20)

/* Writes value into the .rodata variable name (1, 2, 4 or 8 bytes); 0 on success. */
static int set_rodata(struct bpf_object *obj, const char *name, unsigned long long value)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = bpf_object__find_map_by_name(obj, ".rodata");
	int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	const struct btf_type *sec;
	const struct btf_var_secinfo *v;
	size_t size;
	char *data;

	if (!map || id <= 0)
		return -1;
	data = (char *)bpf_map__initial_value(map, &size);
	sec = btf__type_by_id(btf, id);
	v = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name) || v->offset + v->size > size)
			continue;
		memcpy(data + v->offset, &value, v->size); /* little endian */
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	static char logs[16][LOG_SIZE];
	int n = 0, err;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OBJECT [NAME=VALUE ...]\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror("open");
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return 2;
		*eq = 0;
		if (set_rodata(obj, argv[i], strtoull(eq + 1, NULL, 0))) {
			fprintf(stderr, "no .rodata variable %s\n", argv[i]);
			return 2;
		}
	}
	bpf_object__for_each_program(prog, obj) {
		if (n < 16) {
			bpf_program__set_log_buf(prog, logs[n++], LOG_SIZE);
			bpf_program__set_log_level(prog, 4); /* statistics only */
		}
	}
	err = bpf_object__load(obj);
	n = 0;
	bpf_object__for_each_program(prog, obj) {
		char *line = n < 16 ? strstr(logs[n++], "processed") : NULL;

		printf("%-16s %s", bpf_program__name(prog), line ? line : "(no statistics)\n");
	}
	printf("load %s: %s\n", argv[1], err ? strerror(-err) : "ok");
	bpf_object__close(obj);
	return err ? 1 : 0;
}
