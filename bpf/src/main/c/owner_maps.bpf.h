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

/* Local address -> the last two network namespaces whose sockets used it (owner_addr_remember).
 * The TC program counting in one namespace looks a flow's ends up in its own namespace first,
 * then in the namespaces its address was used in: a container's, seen from the host's end of its
 * veth or bridge. An end found in both of two namespaces (copies of one private network, both
 * with the socket), or in another one than it was found in before, gets no owner, never a guessed
 * one (tc_owner.bpf.h's end_owner); a namespace whose sockets are gone matches nothing. An LRU: an
 * evicted entry costs a miss until the address's next socket writes it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct owner_addr);
	__type(value, struct owner_addr_netns);
} owner_addr_netns SEC(".maps");

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

/* The owner of the socket bound exactly at (proto, addr, port) in network namespace netns. */
static __always_inline struct sock_owner *endpoint_owner_exact(__u8 proto, const __u8 *addr, __u16 port,
							      __u32 netns)
{
	struct owner_endpoint ep = { .port = port, .proto = proto, .netns_ino = netns };
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

/* The owner of the socket bound at (proto, addr, port) in network namespace netns: the exact
 * address first, then a wildcard bind. */
static __always_inline struct sock_owner *endpoint_owner_of(__u8 proto, const __u8 *addr, __u16 port, __u32 netns)
{
	struct sock_owner *o = endpoint_owner_exact(proto, addr, port, netns);

	return o ? o : endpoint_owner_wildcard(proto, port, netns);
}

/* Whether an address is all zero (a wildcard bind). */
static __always_inline bool addr_is_any(const __u8 *addr)
{
	const __u32 *a = (const __u32 *)addr;

	return !(a[0] | a[1] | a[2] | a[3]);
}

/* Whether an endpoint key is a wildcard bind. */
static __always_inline bool endpoint_is_wildcard(const struct owner_endpoint *ep)
{
	return addr_is_any(ep->addr);
}

/* Whether an address is a loopback one (127.0.0.0/8 mapped, ::1), which every namespace has. */
static __always_inline bool addr_is_loopback(const __u8 *addr)
{
	const __u32 *a = (const __u32 *)addr;

	if (a[0] | a[1])
		return false;
	return (a[2] == bpf_htonl(0xffff) && addr[12] == 127) || (!a[2] && a[3] == bpf_htonl(1));
}

/* Remembers that the local address addr is used in namespace netns (written only when another
 * namespace used it last: a busy address costs one lookup). Loopback and wildcard addresses are
 * every namespace's and are not written. */
static __always_inline void owner_addr_remember(const __u8 *addr, __u32 netns)
{
	struct owner_addr_netns *known, now = { .latest = netns };
	struct owner_addr key;

	if (!netns || addr_is_any(addr) || addr_is_loopback(addr))
		return;
	__builtin_memcpy(key.addr, addr, FLOWMON_ADDR_LEN);
	known = bpf_map_lookup_elem(&owner_addr_netns, &key);
	if (known && known->latest == netns)
		return;
	if (known)
		now.previous = known->latest;
	if (bpf_map_update_elem(&owner_addr_netns, &key, &now, BPF_ANY))
		owner_count(OWNER_CTR_TUPLE_FULL);
}

/* The namespaces other than counting that the local address addr was used in (0: none). */
static __always_inline void owner_addr_other_netns(const __u8 *addr, __u32 counting, __u32 *first, __u32 *second)
{
	struct owner_addr_netns *ns;
	struct owner_addr key;

	*first = *second = 0;
	__builtin_memcpy(key.addr, addr, FLOWMON_ADDR_LEN);
	ns = bpf_map_lookup_elem(&owner_addr_netns, &key);
	if (!ns)
		return;
	if (ns->latest != counting)
		*first = ns->latest;
	if (ns->previous != counting)
		*second = ns->previous;
}

/* Writes the connection t -> cookie (flags: BPF_ANY, or BPF_NOEXIST to keep a live hook's entry)
 * and its local address's namespace; false (counted) if the map refused it. */
static __always_inline bool owner_tuple_write(const struct owner_tuple *t, __u64 cookie, __u64 flags)
{
	long err;

	owner_addr_remember(t->local_addr, t->netns_ino);
	err = bpf_map_update_elem(&owner_tuples, t, &cookie, flags);
	if (err && err != -17 /* EEXIST */) {
		owner_count(OWNER_CTR_TUPLE_FULL);
		return false;
	}
	return !err;
}

#endif /* OWNER_MAPS_BPF_H */
