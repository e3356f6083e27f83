/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * owner_maps.bpf.h — the socket-ownership maps, defined once for the two objects that use them:
 * sock_owner.bpf.c creates them (org.flowmond.bpf.owner.SocketOwnership), tc_flow.bpf.c reuses
 * them by file descriptor (bpf_map__reuse_fd before load), so definitions must stay identical.
 * Include after vmlinux.h and flowmon.h.
 */
#ifndef OWNER_MAPS_BPF_H
#define OWNER_MAPS_BPF_H

/* Socket cookie -> owner. Preallocated: an insert into a full map fails and is counted
 * (OWNER_CTR_OWNER_FULL); the socket then has no owner, never a wrong one. Written only with
 * bpf_map_update_elem, which swaps in a whole new element: a reader holding the old value sees
 * it complete. SocketOwnership sets the size before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct sock_owner);
} sock_owners SEC(".maps");

/* Bound/listening local endpoint -> cookie of the socket bound there. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct owner_endpoint);
	__type(value, __u64);
} owner_endpoints SEC(".maps");

/* Connection seen from its local end -> cookie of the local socket. An LRU: connected sockets'
 * entries are deleted at release, but an unconnected UDP socket talks to many peers and is
 * released with no list of them; an evicted entry costs at most the owner of the next
 * socket-less packets until the socket's next egress packet writes it again (and a stale one
 * leads to a cookie whose owner was deleted: no owner, never a wrong one). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct owner_tuple);
	__type(value, __u64);
} owner_tuples SEC(".maps");

/* enum flowmon_owner_counter -> per-CPU count. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OWNER_CTR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} owner_counters SEC(".maps");

static __always_inline void owner_count(__u32 which)
{
	__u64 *value = bpf_map_lookup_elem(&owner_counters, &which);

	if (value)
		*value += 1; /* per-CPU slot; BPF programs do not migrate while running */
}

/* The owner of the socket bound exactly at (proto, addr, port). */
static __always_inline struct sock_owner *endpoint_owner_exact(__u8 proto, const __u8 *addr, __u16 port)
{
	struct owner_endpoint ep = { .port = port, .proto = proto };
	__u64 *cookie;

	__builtin_memcpy(ep.addr, addr, FLOWMON_ADDR_LEN);
	cookie = bpf_map_lookup_elem(&owner_endpoints, &ep);
	return cookie ? bpf_map_lookup_elem(&sock_owners, cookie) : NULL;
}

/* The owner of the socket bound to the wildcard address at (proto, port) in network namespace netns. */
static __always_inline struct sock_owner *endpoint_owner_wildcard(__u8 proto, __u16 port, __u32 netns)
{
	struct owner_endpoint ep = { .port = port, .proto = proto, .netns_ino = netns };
	__u64 *cookie = bpf_map_lookup_elem(&owner_endpoints, &ep);

	return cookie ? bpf_map_lookup_elem(&sock_owners, cookie) : NULL;
}

/* The owner of the socket bound at (proto, addr, port): exact address first, then a wildcard
 * bind in the network namespace wildcard_netns (0: none, when the address may belong to another
 * namespace than the one the caller is in). */
static __always_inline struct sock_owner *endpoint_owner_of(__u8 proto, const __u8 *addr, __u16 port,
							   __u32 wildcard_netns)
{
	struct sock_owner *o = endpoint_owner_exact(proto, addr, port);

	if (o || !wildcard_netns)
		return o;
	return endpoint_owner_wildcard(proto, port, wildcard_netns);
}

/* Whether an endpoint key is a wildcard bind (its key then carries the namespace). */
static __always_inline bool endpoint_is_wildcard(const struct owner_endpoint *ep)
{
	const __u32 *a = (const __u32 *)ep->addr;

	return !(a[0] | a[1] | a[2] | a[3]);
}

#endif /* OWNER_MAPS_BPF_H */
