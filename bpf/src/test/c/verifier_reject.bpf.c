// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * verifier_reject.bpf.c — compiles, but the kernel verifier must reject it (packet read without a
 * bounds check). Proves that a failed load names the object and carries the verifier's log.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int reads_unchecked_packet(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;

	return data[20]; /* no "data + 21 <= data_end" check: invalid access to packet */
}
