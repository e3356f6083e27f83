/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tc_parse.bpf.h — packet parsing for tc_flow.bpf.c: from an skb at a TC hook to a struct
 * flow_key plus the wire packets and IP bytes it stands for.
 *
 * Every read goes through load(): direct packet access when the bytes are in the linear area,
 * else bpf_skb_load_bytes(). Headers need not be linear (trafgen, tunnels and GRO build packets
 * whose headers live in page fragments), and direct access alone would silently miss them; the
 * helper alone costs about 20 ns per call here (bpf/scripts/tc-cost.sh: 205 -> 155 ns per packet).
 */
#ifndef TC_PARSE_BPF_H
#define TC_PARSE_BPF_H

/* vmlinux.h has kernel structs of the same names (flow dissector, flow offload): rename them
 * while it is read so that flowmon.h's flow_key and flow_stats are the ones in scope. */
#define flow_key vmlinux_flow_key
#define flow_stats vmlinux_flow_stats
#include "vmlinux.h"
#undef flow_key
#undef flow_stats
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "flowmon.h"

#define ETH_HLEN        14
#define VLAN_HLEN       4
#define ETH_P_IP        0x0800
#define ETH_P_IPV6      0x86DD
#define ETH_P_8021Q     0x8100
#define ETH_P_8021AD    0x88A8
#define ETH_P_802_3_MIN 0x0600  /* below: an 802.3 length field, not an EtherType */

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_    1
#define IPPROTO_TCP_     6
#define IPPROTO_UDP_     17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAG_    44
#define IPPROTO_AH_      51
#define IPPROTO_ICMPV6_  58
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_SCTP_    132

#define MAX_VLAN_TAGS    2  /* 802.1ad outer + 802.1Q inner (QinQ) */
#define MAX_IPV6_EXT_HDRS 6 /* hop-by-hop, dest opts, routing, fragment, AH, dest opts */

/* What parsing one packet yields. */
struct pkt_info {
	struct flow_key key;
	__u32 l3_off;     /* offset of the IP header from skb->data */
	__u32 l4_off;     /* offset of the transport header (valid when has_l4) */
	__u32 l4_hdr_len; /* transport header length; 0 when unknown */
	__u32 ip_len;     /* IP length field of this (possibly super-) packet, 0 if unknown */
	__u32 tcp_flags;
	__u32 tcp_seq;    /* TCP sequence number, host order */
	__u32 tcp_win;    /* TCP window field (unscaled), host order */
	__u32 jumbo_len;  /* IPv6 BIG TCP: the hop-by-hop jumbo header, not repeated in wire segments */
	bool has_ip;      /* the IPv4/IPv6 header was read: the key has addresses */
	bool has_l4;      /* false for non-first fragments and unknown protocols */
	bool truncated;   /* a header was shorter than its protocol says */
	bool ext_limit;   /* IPv6 extension chain longer than MAX_IPV6_EXT_HDRS */
};

/*
 * Copies len bytes at offset off of the packet: straight from the linear area when they are
 * there (the common case), else through bpf_skb_load_bytes(), which also reads page fragments.
 */
static __always_inline long load(struct __sk_buff *skb, __u32 off, void *to, const __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;

	if (off < 0x1000 && data + off + len <= end) {
		__builtin_memcpy(to, data + off, len);
		return 0;
	}
	return bpf_skb_load_bytes(skb, off, to, len);
}

/* IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d), as flowmon.h requires. */
static __always_inline void map_ipv4(__u8 *dst, __be32 addr)
{
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &addr, 4);
}

/*
 * Ethernet header and up to MAX_VLAN_TAGS 802.1Q/802.1ad tags still in the packet data
 * (the outermost tag is usually already in skb->vlan_tci). Sets the EtherType and l3_off.
 */
static __always_inline void parse_ethernet(struct __sk_buff *skb, __u16 skb_proto, struct pkt_info *p)
{
	__be16 proto;
	__u32 off = ETH_HLEN;

	if (load(skb, 12, &proto, sizeof(proto))) {
		p->truncated = true;
		p->key.eth_proto = skb_proto;
		p->l3_off = 0;
		return;
	}
#pragma unroll
	for (int i = 0; i < MAX_VLAN_TAGS; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		/* A tag is 2 bytes TCI then the encapsulated EtherType. */
		if (load(skb, off + 2, &proto, sizeof(proto))) {
			p->truncated = true;
			break;
		}
		off += VLAN_HLEN;
	}
	p->l3_off = off;
	/* 802.3 frames carry a length here; the kernel's skb->protocol names them (802.2 LLC...). */
	p->key.eth_proto = bpf_ntohs(proto) >= ETH_P_802_3_MIN ? bpf_ntohs(proto) : skb_proto;
}

/* IPv4 header with options: addresses, protocol, total length, transport offset. */
static __always_inline void parse_ipv4(struct __sk_buff *skb, struct pkt_info *p)
{
	struct iphdr iph;

	if (load(skb, p->l3_off, &iph, sizeof(iph)) || iph.ihl < 5) {
		p->truncated = true;
		return;
	}
	p->has_ip = true;
	map_ipv4(p->key.src_addr, iph.saddr);
	map_ipv4(p->key.dst_addr, iph.daddr);
	p->key.proto = iph.protocol;
	p->ip_len = bpf_ntohs(iph.tot_len);
	p->l4_off = p->l3_off + iph.ihl * 4;
	/* Only the first fragment (offset 0) carries the transport header. */
	p->has_l4 = (iph.frag_off & bpf_htons(0x1fff)) == 0;
}

/*
 * Follows the IPv6 extension header chain (bounded). Leaves key.proto at the first header
 * that is not an extension header, l4_off at its offset.
 */
static __always_inline void skip_ipv6_ext(struct __sk_buff *skb, struct pkt_info *p)
{
	__u8 nexthdr = p->key.proto;
	__u32 off = p->l4_off;
	__u8 hdr[2]; /* every extension header starts with: next header, length */
	__be16 frag_off;

#pragma unroll
	for (int i = 0; i < MAX_IPV6_EXT_HDRS; i++) {
		switch (nexthdr) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_AH_:
		case IPPROTO_FRAG_:
			break;
		default:
			goto done;
		}
		if (load(skb, off, hdr, sizeof(hdr))) {
			p->truncated = true;
			p->has_l4 = false;
			goto done;
		}
		if (nexthdr == IPPROTO_FRAG_) {
			/* Fragment header: 8 bytes; a non-zero offset means no transport header here. */
			if (load(skb, off + 2, &frag_off, sizeof(frag_off))) {
				p->truncated = true;
				p->has_l4 = false;
				goto done;
			}
			if (frag_off & bpf_htons(0xfff8))
				p->has_l4 = false;
			off += 8;
		} else if (nexthdr == IPPROTO_AH_) {
			off += (hdr[1] + 2) * 4; /* AH length is in 4-byte units, minus 2 */
		} else {
			off += (hdr[1] + 1) * 8; /* others: 8-byte units, minus 1 */
		}
		nexthdr = hdr[0];
	}
	/* Still an extension header after the bound: give up on the transport header. */
	switch (nexthdr) {
	case IPPROTO_HOPOPTS_:
	case IPPROTO_ROUTING_:
	case IPPROTO_DSTOPTS_:
	case IPPROTO_AH_:
	case IPPROTO_FRAG_:
		p->ext_limit = true;
		p->has_l4 = false;
	}
done:
	p->key.proto = nexthdr;
	p->l4_off = off;
}

/* IPv6 fixed header, then its extension headers. */
static __always_inline void parse_ipv6(struct __sk_buff *skb, struct pkt_info *p)
{
	struct ipv6hdr ip6h;

	if (load(skb, p->l3_off, &ip6h, sizeof(ip6h))) {
		p->truncated = true;
		return;
	}
	p->has_ip = true;
	__builtin_memcpy(p->key.src_addr, &ip6h.saddr, FLOWMON_ADDR_LEN);
	__builtin_memcpy(p->key.dst_addr, &ip6h.daddr, FLOWMON_ADDR_LEN);
	p->key.proto = ip6h.nexthdr;
	/* payload_len is 0 for BIG TCP / jumbograms: the caller then uses the skb length. */
	p->ip_len = ip6h.payload_len ? sizeof(ip6h) + bpf_ntohs(ip6h.payload_len) : 0;
	p->l4_off = p->l3_off + sizeof(ip6h);
	p->has_l4 = true;
	/* BIG TCP (payload_len 0) puts an 8-byte hop-by-hop jumbo header in the GSO packet; it is
	 * dropped when the packet is cut into wire segments (ipv6_hopopt_jumbo_remove). */
	if (!ip6h.payload_len && ip6h.nexthdr == IPPROTO_HOPOPTS_)
		p->jumbo_len = 8;
	skip_ipv6_ext(skb, p);
}

/* Transport header: ports (or ICMP type/code), TCP flags, header length. */
static __always_inline void parse_l4(struct __sk_buff *skb, struct pkt_info *p)
{
	__u8 tcp[16]; /* ports, seq, ack, data offset + NS, flags, window */
	__be16 ports[2];
	__u8 icmp[2];

	switch (p->key.proto) {
	case IPPROTO_TCP_:
		if (load(skb, p->l4_off, tcp, sizeof(tcp)))
			goto truncated;
		p->key.src_port = (tcp[0] << 8) | tcp[1];
		p->key.dst_port = (tcp[2] << 8) | tcp[3];
		p->tcp_flags = ((tcp[12] & 0x01) << 8) | tcp[13]; /* NS, then CWR..FIN */
		p->l4_hdr_len = (tcp[12] >> 4) * 4;
		p->tcp_seq = ((__u32)tcp[4] << 24) | ((__u32)tcp[5] << 16) | ((__u32)tcp[6] << 8) | tcp[7];
		p->tcp_win = (tcp[14] << 8) | tcp[15];
		return;
	case IPPROTO_UDP_:
	case IPPROTO_SCTP_:
		if (load(skb, p->l4_off, ports, sizeof(ports)))
			goto truncated;
		p->key.src_port = bpf_ntohs(ports[0]);
		p->key.dst_port = bpf_ntohs(ports[1]);
		p->l4_hdr_len = p->key.proto == IPPROTO_UDP_ ? 8 : 12;
		return;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		if (load(skb, p->l4_off, icmp, sizeof(icmp)))
			goto truncated;
		p->key.src_port = icmp[0]; /* type */
		p->key.dst_port = icmp[1]; /* code */
		p->l4_hdr_len = 8;
		return;
	default:
		return;
	}
truncated:
	p->truncated = true;
}

/*
 * Parses one packet. has_eth: the device puts an Ethernet header before the IP header.
 * skb->protocol is read once, unconditionally: clang may otherwise turn conditional reads of
 * several context fields into "ctx + offset" arithmetic, which the verifier rejects
 * ("dereference of modified ctx ptr").
 */
static __always_inline void parse_packet(struct __sk_buff *skb, bool has_eth, struct pkt_info *p)
{
	__u16 skb_proto = bpf_ntohs(skb->protocol);

	if (has_eth) {
		parse_ethernet(skb, skb_proto, p);
	} else {
		/* Devices without a link-layer header (tun, wireguard, ip tunnels): IP at offset 0. */
		p->key.eth_proto = skb_proto;
		p->l3_off = 0;
	}
	if (p->key.eth_proto == ETH_P_IP)
		parse_ipv4(skb, p);
	else if (p->key.eth_proto == ETH_P_IPV6)
		parse_ipv6(skb, p);
	if (p->has_l4)
		parse_l4(skb, p);
}

#endif /* TC_PARSE_BPF_H */
