// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * foreign_tc.bpf.c — stands for another tool's TC program in the chain-etiquette tests: each
 * program counts the IPv4 ICMP echo requests it sees, then gives its verdict. The return values
 * mean the same on a TCX link and in a cls_bpf filter in direct-action mode.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define IPPROTO_ICMP_ 1
#define ICMP_ECHO_ 8
#define VERDICT_NEXT (-1) /* TCX_NEXT / TC_ACT_UNSPEC */
#define VERDICT_PASS 0    /* TCX_PASS / TC_ACT_OK */
#define VERDICT_DROP 2    /* TCX_DROP / TC_ACT_SHOT */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* [0] seen by foreign_next, [1] by foreign_pass, [2] by foreign_drop. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline int count_echo(struct __sk_buff *skb, __u32 slot, int verdict)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + ETH_HLEN;
	__u8 *icmp_type = data + ETH_HLEN + sizeof(*ip);
	__u64 *n;

	if ((void *)(icmp_type + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5
	    || ip->protocol != IPPROTO_ICMP_ || *icmp_type != ICMP_ECHO_)
		return verdict;
	n = bpf_map_lookup_elem(&seen, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return verdict;
}

SEC("tc")
int foreign_next(struct __sk_buff *skb) { return count_echo(skb, 0, VERDICT_NEXT); }

SEC("tc")
int foreign_pass(struct __sk_buff *skb) { return count_echo(skb, 1, VERDICT_PASS); }

SEC("tc")
int foreign_drop(struct __sk_buff *skb) { return count_echo(skb, 2, VERDICT_DROP); }
