// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * drop_once.bpf.c — an impairment for the TCP health tests: on a sender's egress, drops the
 * drop_nth-th IPv4 TCP segment with payload sent to dst_port, once, and lets everything else pass
 * ("next"). The segment is then missing at the receiver (a hole) and resent by the sender.
 * Needs one wire segment per skb (TSO/GSO off on the device).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define IPPROTO_TCP_ 6
#define VERDICT_NEXT (-1) /* TCX_NEXT / TC_ACT_UNSPEC */
#define VERDICT_DROP 2    /* TCX_DROP / TC_ACT_SHOT */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 dst_port = 0;
const volatile __u32 drop_nth = 1;

__u32 data_segments = 0; /* seen so far */
__u32 dropped = 0;

SEC("tc")
int drop_once(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + ETH_HLEN;
	struct tcphdr *tcp = data + ETH_HLEN + sizeof(*ip);

	if ((void *)(tcp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5
	    || ip->protocol != IPPROTO_TCP_ || tcp->dest != bpf_htons(dst_port))
		return VERDICT_NEXT;
	if (bpf_ntohs(ip->tot_len) <= sizeof(*ip) + tcp->doff * 4)
		return VERDICT_NEXT; /* no payload */
	data_segments += 1;
	if (data_segments != drop_nth || dropped)
		return VERDICT_NEXT;
	dropped = 1;
	return VERDICT_DROP;
}
