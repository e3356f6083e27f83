// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
// map_read's iterator: per map entry, the 48-byte key and the first 48 bytes of the value.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct record {
	__u8 key[48];
	__u8 counters[48];
};

SEC("iter/bpf_map_elem")
int dump(struct bpf_iter__bpf_map_elem *ctx)
{
	struct record r;

	if (!ctx->key || !ctx->value)
		return 0;
	__builtin_memcpy(r.key, ctx->key, sizeof(r.key));
	__builtin_memcpy(r.counters, ctx->value, sizeof(r.counters));
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
