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
 * The address lookups run when the entry is made; while an end is still unknown, again for every
 * packet among the entry's first OWNER_EAGER_PACKETS and for every FIN or RST (so a short
 * connection whose first packets came before the far end's socket was known — a SYN before the
 * accept — is stamped by its later packets); and otherwise at most every owner_recheck_ns per
 * entry, so a long flow with a remote end pays them rarely. The socket lookup runs every egress
 * packet, so a socket taken over by another process (the shared-socket rule) is re-stamped at its
 * next packet; by address, within owner_recheck_ns. An end found by address is also written into
 * the reverse flow's entry if that end is unknown there (tc_flow.bpf.c): a request whose only
 * packet left before the server had received it gets the server from the response.
 *
 * A stamp is copied only when the owner's stamp_ns (its version) differs from the entry's. Two
 * CPUs stamping one entry at the same instant with different owners could mix fields of both;
 * that needs two processes sending on one socket on two CPUs within nanoseconds, and the next
 * packet re-stamps whole.
 * Every key carries its socket's network namespace (copies of one private network in several
 * namespaces repeat addresses, endpoints and 5-tuples). An end is looked up in the counting
 * namespace, then in the last two namespaces its address was used in (owner_addr_netns): that is
 * how the host's end of a container's veth, or its bridge, finds the container's sockets. There an
 * end's connection or bound socket must be found in one namespace only (a SYN and a SYN-ACK look
 * for bound ones only: no connection owns them yet), and later in the same namespace, unless that
 * one has only the bound socket (or none) and another the very connection (its 5-tuple); otherwise
 * the end is ambiguous and keeps no owner (end_owner).
 * What an address alone cannot tell: an end whose lookups find only a copy's socket with the very
 * same 5-tuple (its own not known), or only a copy's bound one for all of a short flow (its own
 * receiver never used the address while the flow lasted), or whose namespace was pushed out of
 * owner_addr_netns by two later ones (three or more live namespaces sharing one address), is
 * stamped with that copy's owner.
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

/* Bits returned by stamp_owners: an end that had no owner in the entry and has one now. */
#define OWNER_FOUND_SRC 1
#define OWNER_FOUND_DST 2
/* Bits of flow_stats.owner_misses, for user space to tell why an end of a record has no owner.
 * Set once, never cleared: they matter only for an end that still has no owner when read. */
#define OWNER_MISS_SRC_SOCKET 1 /* a packet left through a local socket the kernel has no owner for */
/* An end found by address in two namespaces (end_owner): it keeps no owner for the entry's life. */
#define OWNER_MISS_SRC_AMBIGUOUS 2
#define OWNER_MISS_DST_AMBIGUOUS 4
/* While an end is unknown, the address lookups run for each of the entry's first this many packets. */
#define OWNER_EAGER_PACKETS 16
#define TCP_FIN_RST 0x05 /* flag bits as tc_parse.bpf.h stores them: FIN 0x01, RST 0x04 */

/* Copies owner into slot if it is a different version; returns found_bit if slot had no owner. */
static __always_inline __u32 stamp(struct sock_owner *slot, const struct sock_owner *owner, __u32 found_bit)
{
	__u32 found;

	if (!owner || slot->stamp_ns == owner->stamp_ns)
		return 0;
	found = slot->stamp_ns ? 0 : found_bit;
	__builtin_memcpy(slot, owner, sizeof(*slot));
	return found;
}

/* The owner of the local end (local address/port) of a connection with remote, in namespace netns. */
static __always_inline struct sock_owner *tuple_owner(__u32 netns, __u8 proto, const __u8 *local, __u16 lport,
						      const __u8 *remote, __u16 rport)
{
	struct owner_tuple t = { .local_port = lport, .remote_port = rport, .proto = proto, .netns_ino = netns };
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
	struct owner_tuple t = { .local_port = k->src_port, .remote_port = k->dst_port, .proto = k->proto,
				 .netns_ino = k->netns_ino }; /* a packet's socket is in the namespace it leaves */

	__builtin_memcpy(t.local_addr, k->src_addr, FLOWMON_ADDR_LEN);
	__builtin_memcpy(t.remote_addr, k->dst_addr, FLOWMON_ADDR_LEN);
	owner_tuple_write(&t, cookie, BPF_ANY);
}

/* One end's owner found in one other namespace, and whether by its connection (the 5-tuple) or
 * only by the bound endpoint. */
struct end_candidate {
	struct sock_owner *owner;
	bool found; /* owner != NULL, kept as a scalar: the verifier refuses an OR of two pointers, which
		     * clang may make of "neither found" */
	bool by_tuple;
};

/* The local end (local, lport) of a connection with (remote, rport) in namespace netns (0: none):
 * its connection's socket, else the socket bound there (a handshake's packet, which no connection
 * owns yet, looks for the bound one only). */
static __always_inline void local_end_in(struct end_candidate *c, __u32 netns, __u8 proto, const __u8 *local,
					 __u16 lport, const __u8 *remote, __u16 rport, bool handshake)
{
	c->owner = NULL;
	c->found = c->by_tuple = false;
	if (!netns)
		return;
	if (!handshake)
		c->owner = tuple_owner(netns, proto, local, lport, remote, rport);
	c->by_tuple = c->owner != NULL;
	if (!c->owner)
		c->owner = endpoint_owner_of(proto, local, lport, netns);
	c->found = c->owner != NULL;
}

/* Owners of one end found by address: here in the counting namespace; else in the two other
 * namespaces its address was used in last (other[0] the latest, other[1] the one before). */
struct end_found {
	struct sock_owner *here;
	struct end_candidate other[2];
};

/* The local end in the namespaces first and second (other than the counting one) into f->other. */
static __always_inline void other_netns_owners(struct end_found *f, __u32 first, __u32 second, __u8 proto,
					       const __u8 *local, __u16 lport, const __u8 *remote, __u16 rport,
					       bool handshake)
{
	local_end_in(&f->other[0], first, proto, local, lport, remote, rport, handshake);
	local_end_in(&f->other[1], second, proto, local, lport, remote, rport, handshake);
}

#define TCP_SYN 0x02
#define TCP_SYN_ACK_BITS 0x12 /* SYN 0x02, ACK 0x10 */

/* The sender's socket of a packet that carries none, seen from the sender: its connection in the
 * counting namespace, else in the namespaces the source address was used in (a container's,
 * counted on the host's end of its veth). A SYN-ACK's sender is its listener. */
static __always_inline void sender_owner(struct end_found *f, const struct flow_key *k, __u32 tcp_flags)
{
	__u32 first, second;

	__builtin_memset(f->other, 0, sizeof(f->other));
	f->here = tuple_owner(k->netns_ino, k->proto, k->src_addr, k->src_port, k->dst_addr, k->dst_port);
	if (f->here)
		return;
	owner_addr_other_netns(k->src_addr, k->netns_ino, &first, &second);
	other_netns_owners(f, first, second, k->proto, k->src_addr, k->src_port, k->dst_addr, k->dst_port,
			   (tcp_flags & TCP_SYN_ACK_BITS) == TCP_SYN_ACK_BITS);
}

/* The receiver's socket: in the counting namespace its connection, then its bound endpoint (a
 * wildcard bind only if wildcard_here, when the destination is local for sure); else in the
 * namespaces the destination address was used in (there any bind: the address is that
 * namespace's). A SYN's receiver is a listener. */
static __always_inline void receiver_owner(struct end_found *f, const struct flow_key *k, bool wildcard_here,
					   __u32 tcp_flags)
{
	struct sock_owner *o = tuple_owner(k->netns_ino, k->proto, k->dst_addr, k->dst_port, k->src_addr, k->src_port);
	__u32 first, second;

	if (!o)
		o = wildcard_here ? endpoint_owner_of(k->proto, k->dst_addr, k->dst_port, k->netns_ino)
				  : endpoint_owner_exact(k->proto, k->dst_addr, k->dst_port, k->netns_ino);
	f->here = o;
	__builtin_memset(f->other, 0, sizeof(f->other));
	if (o)
		return;
	owner_addr_other_netns(k->dst_addr, k->netns_ino, &first, &second);
	other_netns_owners(f, first, second, k->proto, k->dst_addr, k->dst_port, k->src_addr, k->src_port,
			   (tcp_flags & TCP_SYN_ACK_BITS) == TCP_SYN);
}

/* Of the two other namespaces' candidates, the one found, or of two the one found by its very
 * connection when the other was found only by its bound endpoint; NULL when neither or both alike. */
static __always_inline const struct end_candidate *stronger(const struct end_found *f)
{
	const struct end_candidate *a = &f->other[0], *b = &f->other[1];

	if (!a->found || !b->found)
		return a->found ? a : (b->found ? b : NULL);
	if (a->by_tuple != b->by_tuple)
		return a->by_tuple ? a : b;
	return NULL;
}

/* The candidate in namespace netns, or NULL. */
static __always_inline const struct end_candidate *candidate_in(const struct end_found *f, __u32 netns)
{
	if (f->other[0].found && f->other[0].owner && f->other[0].owner->netns_ino == netns)
		return &f->other[0];
	if (f->other[1].found && f->other[1].owner && f->other[1].owner->netns_ino == netns)
		return &f->other[1];
	return NULL;
}

/* The owner to stamp into slot for an end found by address (NULL: none). Found in the counting
 * namespace: that one. Found only in other namespaces, an address alone cannot tell copies of one
 * private network apart. An end without owner takes the one found if only one namespace has it;
 * found in both, it is ambiguous, even if one has its very connection (its 5-tuple) and the other
 * only the bound endpoint: a copy may have the very same 5-tuple while the end's own receiver has
 * not seen the flow yet. Once it has an owner it keeps that namespace's, unless that namespace has
 * the end only bound (or no more) and another has the connection: a flow's first packet leaves
 * before its own receiver has used the address, and a copy's receiver that already has is the only
 * one found then; the connection later decides. Found later only by endpoint in another namespace
 * than its owner's (its own socket gone, a copy's alive), it is ambiguous too: its owner is cleared,
 * the entry's ambiguous bit keeps it so, and the lookup is counted (OWNER_CTR_AMBIGUOUS, once per
 * entry and end). No owner rather than possibly another copy's. */
static __always_inline struct sock_owner *end_owner(struct flow_stats *st, struct sock_owner *slot,
						    const struct end_found *f, __u32 ambiguous_bit)
{
	const struct end_candidate *best, *same;

	if (f->here)
		return f->here;
	if ((st->owner_misses & ambiguous_bit) || (!f->other[0].found && !f->other[1].found))
		return NULL;
	if (!slot->stamp_ns) {
		if (!f->other[0].found || !f->other[1].found)
			return f->other[0].found ? f->other[0].owner : f->other[1].owner;
	} else {
		same = candidate_in(f, slot->netns_ino);
		best = stronger(f);
		if (best && best != same && best->by_tuple && !(same && same->by_tuple))
			return best->owner;
		if (same)
			return same->owner;
	}
	st->owner_misses |= ambiguous_bit;
	__builtin_memset(slot, 0, sizeof(*slot));
	owner_count(OWNER_CTR_AMBIGUOUS);
	return NULL;
}

/* Egress with a socket: that socket's owner is the source. */
static __always_inline __u32 stamp_socket_source(struct __sk_buff *skb, const struct flow_key *k,
						 struct flow_stats *st)
{
	__u64 cookie = bpf_get_socket_cookie(skb);
	struct sock_owner *o = bpf_map_lookup_elem(&sock_owners, &cookie);
	__u32 found;

	if (o) {
		if (st->src_owner.stamp_ns == o->stamp_ns)
			return 0;
		found = stamp(&st->src_owner, o, OWNER_FOUND_SRC);
		remember_egress_tuple(k, cookie); /* on a change or a new entry only */
		return found;
	}
	o = endpoint_owner_of(k->proto, k->src_addr, k->src_port, k->netns_ino); /* the socket is in this namespace */
	if (!o) {
		owner_count(OWNER_CTR_NO_OWNER_SOCKET);
		if (!(st->owner_misses & OWNER_MISS_SRC_SOCKET)) /* a store once, not a dirty line per packet */
			st->owner_misses |= OWNER_MISS_SRC_SOCKET;
	}
	return stamp(&st->src_owner, o, OWNER_FOUND_SRC);
}

/* The lookups by address, for the ends the packet's socket (if any) does not tell. The bound
 * endpoint of the destination in the counting namespace: any bind on ingress and on loopback
 * (every destination is local); on other egress only an exact address, since a wildcard bind
 * there would also match remote hosts. */
static __always_inline __u32 stamp_by_address(const struct flow_key *k, struct flow_stats *st,
					      bool egress, bool has_sk, bool loopback, __u32 tcp_flags)
{
	struct end_found f;
	struct sock_owner *o;
	__u32 found = 0;

	if (!has_sk) {
		sender_owner(&f, k, tcp_flags);
		o = end_owner(st, &st->src_owner, &f, OWNER_MISS_SRC_AMBIGUOUS);
		found |= stamp(&st->src_owner, o, OWNER_FOUND_SRC);
		if (!o && egress)
			owner_count(OWNER_CTR_NO_OWNER_ADDR);
	}
	receiver_owner(&f, k, !egress || loopback, tcp_flags);
	o = end_owner(st, &st->dst_owner, &f, OWNER_MISS_DST_AMBIGUOUS);
	found |= stamp(&st->dst_owner, o, OWNER_FOUND_DST);
	if (!o && !egress)
		owner_count(OWNER_CTR_NO_OWNER_ADDR);
	return found;
}

/* Stamps the owners of a TCP or UDP flow's ends into st (a new entry: fresh is true); returns the
 * OWNER_FOUND_* bits of the ends found now. st->packets already counts this packet. */
static __always_inline __u32 stamp_owners(struct __sk_buff *skb, const struct flow_key *k,
					  struct flow_stats *st, __u64 now, bool fresh, __u32 tcp_flags)
{
	bool egress = k->direction == FLOWMON_EGRESS;
	bool has_sk = egress && skb->sk;
	bool unknown;
	__u32 found = 0;

	if (!owners_enabled || (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP))
		return 0;
	if (has_sk)
		found = stamp_socket_source(skb, k, st);
	unknown = !st->src_owner.stamp_ns || !st->dst_owner.stamp_ns;
	if (!fresh && now - st->owner_check_ns < owner_recheck_ns &&
	    !(unknown && (st->packets <= OWNER_EAGER_PACKETS || (tcp_flags & TCP_FIN_RST))))
		return found;
	st->owner_check_ns = now;
	return found | stamp_by_address(k, st, egress, has_sk, k->ifindex == LOOPBACK_IFINDEX, tcp_flags);
}

#endif /* TC_OWNER_BPF_H */
