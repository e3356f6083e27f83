/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tc_owner.bpf.h — stamps the owners of a TCP/UDP flow's two ends into its flow entry, from the
 * ownership maps that sock_owner.bpf.c fills (reused by descriptor: owner_maps.bpf.h).
 *
 * Source end (the sender, a local process when the packet leaves through egress with a socket):
 *   egress with skb->sk: the socket cookie's owner, every packet (a cookie lookup, one compare);
 *     if the socket has none yet, the local endpoint's (an accepted socket before its first
 *     send/receive, or on kernels without sock_send_length: its listener's owner);
 *   otherwise (forwarded, or scrubbed crossing a veth from another namespace): the 5-tuple.
 * Destination end (a local receiver: ingress, or loopback/veth to a local namespace on egress):
 *   the 5-tuple seen from the receiver, then (ingress, and egress on loopback only, where every
 *   destination is local) the bound endpoint of the destination address and port.
 * The address lookups run when the entry is made and then at most every owner_recheck_ns per
 * entry, so a busy flow pays them rarely; the socket lookup runs every egress packet, so a
 * socket taken over by another process (the shared-socket rule) is re-stamped at its next packet.
 *
 * A stamp is copied only when the owner's stamp_ns (its version) differs from the entry's. Two
 * CPUs stamping one entry at the same instant with different owners could mix fields of both;
 * that needs two processes sending on one socket on two CPUs within nanoseconds, and the next
 * packet re-stamps whole.
 * Wildcard endpoints match any destination address: on a host that forwards traffic, a forwarded
 * packet to a port that a local process listens on with a wildcard bind is stamped with that
 * process as destination (a router's own listening ports are the limit of this lookup).
 */
#ifndef TC_OWNER_BPF_H
#define TC_OWNER_BPF_H

#include "owner_maps.bpf.h"

#define LOOPBACK_IFINDEX 1 /* lo is always ifindex 1 in its namespace */

/* How often the address lookups run per flow entry; set before load (TcFlowMonitor). */
const volatile __u64 owner_recheck_ns = 100000000ULL;
/* False when no SocketOwnership shares its maps: the program then stamps nothing. */
const volatile bool owners_enabled = false;

static __always_inline void stamp(struct sock_owner *slot, const struct sock_owner *owner)
{
	if (owner && slot->stamp_ns != owner->stamp_ns)
		__builtin_memcpy(slot, owner, sizeof(*slot));
}

/* The owner of the local end (local address/port) of a connection with remote. */
static __always_inline struct sock_owner *tuple_owner(__u8 proto, const __u8 *local, __u16 lport,
						      const __u8 *remote, __u16 rport)
{
	struct owner_tuple t = { .local_port = lport, .remote_port = rport, .proto = proto };
	__u64 *cookie;

	__builtin_memcpy(t.local_addr, local, FLOWMON_ADDR_LEN);
	__builtin_memcpy(t.remote_addr, remote, FLOWMON_ADDR_LEN);
	cookie = bpf_map_lookup_elem(&owner_tuples, &t);
	if (!cookie && proto == IPPROTO_UDP) {
		/* an unconnected UDP socket bound to a wildcard address, as its send/receive hooks wrote it */
		__builtin_memset(t.local_addr, 0, FLOWMON_ADDR_LEN);
		cookie = bpf_map_lookup_elem(&owner_tuples, &t);
	}
	return cookie ? bpf_map_lookup_elem(&sock_owners, cookie) : NULL;
}

/* Remembers that the local end (src) of this egress flow is the socket with this cookie. */
static __always_inline void remember_egress_tuple(const struct flow_key *k, __u64 cookie)
{
	struct owner_tuple t = { .local_port = k->src_port, .remote_port = k->dst_port, .proto = k->proto };

	__builtin_memcpy(t.local_addr, k->src_addr, FLOWMON_ADDR_LEN);
	__builtin_memcpy(t.remote_addr, k->dst_addr, FLOWMON_ADDR_LEN);
	if (bpf_map_update_elem(&owner_tuples, &t, &cookie, BPF_ANY))
		owner_count(OWNER_CTR_TUPLE_FULL);
}

/* Egress with a socket: that socket's owner is the source. */
static __always_inline void stamp_socket_source(struct __sk_buff *skb, const struct flow_key *k,
						struct flow_stats *st)
{
	__u64 cookie = bpf_get_socket_cookie(skb);
	struct sock_owner *o = bpf_map_lookup_elem(&sock_owners, &cookie);

	if (o) {
		if (st->src_owner.stamp_ns != o->stamp_ns) {
			__builtin_memcpy(&st->src_owner, o, sizeof(*o));
			remember_egress_tuple(k, cookie); /* on a change or a new entry only */
		}
		return;
	}
	o = endpoint_owner(k->proto, k->src_addr, k->src_port);
	if (o)
		stamp(&st->src_owner, o);
	else
		owner_count(OWNER_CTR_NO_OWNER_SOCKET);
}

/* The lookups by address, for the ends the packet's socket (if any) does not tell. */
static __always_inline void stamp_by_address(const struct flow_key *k, struct flow_stats *st,
					     bool egress, bool has_sk, bool loopback)
{
	struct sock_owner *o;

	if (!has_sk) { /* the sender's socket, seen from the sender: local = src */
		o = tuple_owner(k->proto, k->src_addr, k->src_port, k->dst_addr, k->dst_port);
		stamp(&st->src_owner, o);
		if (!o && egress)
			owner_count(OWNER_CTR_NO_OWNER_ADDR);
	}
	o = tuple_owner(k->proto, k->dst_addr, k->dst_port, k->src_addr, k->src_port);
	if (!o && (!egress || loopback))
		o = endpoint_owner(k->proto, k->dst_addr, k->dst_port);
	stamp(&st->dst_owner, o);
	if (!o && !egress)
		owner_count(OWNER_CTR_NO_OWNER_ADDR);
}

/* Stamps the owners of a TCP or UDP flow's ends into st (a new entry: fresh is true). */
static __always_inline void stamp_owners(struct __sk_buff *skb, const struct flow_key *k,
					 struct flow_stats *st, __u64 now, bool fresh)
{
	bool egress = k->direction == FLOWMON_EGRESS;
	bool has_sk = egress && skb->sk;

	if (!owners_enabled || (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP))
		return;
	if (has_sk)
		stamp_socket_source(skb, k, st);
	if (!fresh && now - st->owner_check_ns < owner_recheck_ns)
		return;
	st->owner_check_ns = now;
	stamp_by_address(k, st, egress, has_sk, k->ifindex == LOOPBACK_IFINDEX);
}

#endif /* TC_OWNER_BPF_H */
