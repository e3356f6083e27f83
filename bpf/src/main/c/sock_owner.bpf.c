// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_owner.bpf.c — which process owns each TCP and UDP socket (IPv4, IPv6, IPv4-mapped), kept
 * in the kernel per socket cookie for the socket's whole life, for tc_flow.bpf.c to stamp into
 * the flow entries of the socket's packets. Loaded once by org.flowmond.bpf.owner.SocketOwnership.
 *
 * Every owner is written in the context of the process that connects, binds, sends or receives
 * (or from the task the start-up iterator hands over), never from softirq context, and no
 * syscall is traced: the cgroup programs are attached at the cgroup v2 root, where they see
 * every process, and run only inside socket calls. They all return 1 (allow).
 *
 * | program                      | kernel | what it records                                         |
 * |------------------------------|--------|---------------------------------------------------------|
 * | cgroup/connect4, connect6    | 4.17   | CONNECT: connect() on TCP and UDP sockets               |
 * | cgroup/sendmsg4, sendmsg6    | 4.18   | SEND: unconnected UDP sends (sendto with an address)    |
 * | cgroup/recvmsg4, recvmsg6    | 5.2    | RECEIVE: UDP receives that ask for the sender's address |
 * |                              |        | (before 6.4 only: the kernel locks the socket around    |
 * |                              |        | them for every datagram; sock_recv_length replaces them)|
 * | cgroup/post_bind4, post_bind6| 4.17   | bind(): the socket's owner (TCP: ACCEPT, for what the   |
 * |                              |        | listener accepts; UDP: RECEIVE) and its local endpoint  |
 * | cgroup/sock_release          | 5.9    | forgets the socket: its owner and endpoint (a TCP       |
 * |                              |        | connection still open: when it reaches CLOSE, below)    |
 * | sockops (passive established)| 4.13   | an accepted TCP socket: its listener's owner (ACCEPT)   |
 * |                              |        | and its 5-tuple, when the handshake completes           |
 * | sockops (state callback)     | 4.16   | forgets a TCP connection when it reaches CLOSE, so the  |
 * |                              |        | FIN and ACKs sent after close() still find the owner    |
 * | cgroup_skb/egress            | 4.10   | a socket's first packet: its 5-tuple (the port is known |
 * |                              |        | by then), for packets that lose their socket on the way |
 * | tp_btf/sock_send_length,     | 6.4    | every send/receive on a TCP/UDP socket: the process     |
 * | tp_btf/sock_recv_length      |        | that last sent/received (shared sockets; the real user  |
 * |                              |        | of an accepted socket); writes only when it changed     |
 * | iter/task_file               | 5.12   | EXISTING: sockets open at start-up (every namespace)    |
 *
 * Where a hook is missing (SocketOwnership checks the kernel's BTF before load and logs what it
 * leaves out): without sock_send_length/sock_recv_length (< 6.4: Debian 11's 5.10, 6.1) an
 * accepted TCP socket keeps its listener's owner (the TC program falls back to the local
 * endpoint), connected sockets keep their connect()er and a fork-inherited socket is not
 * re-attributed to its new user; without sock_release (< 5.9) nothing would free the owner map,
 * so SocketOwnership refuses to load there.
 *
 * The shared-socket rule: a socket used by several processes (inherited across fork, passed over
 * a Unix socket) belongs to the process that last sent or received on it; the hooks compare the
 * recorded pid first and write only on a change, so a busy socket costs one lookup per call.
 */
#include "sock_common.bpf.h"
#include "owner_maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* include/net/tcp_states.h */
#define TCP_CLOSE  7
#define TCP_LISTEN 10

static __always_inline bool tcp_or_udp(__u32 protocol)
{
	return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP;
}

/* The network namespace of the current task: the socket's, in the hooks that run inside a socket
 * call (a socket made in one namespace and passed to a process in another is the exception). */
static __always_inline __u32 current_netns(void)
{
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), nsproxy, net_ns, ns.inum);
}

/* A task's identity, read the same way for the current task and for the iterator's. */
static __always_inline void owner_from_task(struct sock_owner *o, struct task_struct *task, __u8 method)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	o->stamp_ns = bpf_ktime_get_ns();
	o->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	o->pid = BPF_CORE_READ(task, tgid);
	o->tid = BPF_CORE_READ(task, pid);
	o->uid = BPF_CORE_READ(task, cred, uid.val);
	o->gid = BPF_CORE_READ(task, cred, gid.val);
	o->ppid = BPF_CORE_READ(parent, tgid);
	o->netns_ino = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum); /* the socket's, but for a passed one */
	o->method = method;
	BPF_CORE_READ_INTO(&o->comm, task, group_leader, comm);
	BPF_CORE_READ_INTO(&o->parent_comm, parent, group_leader, comm);
}

static __always_inline void owner_write(__u64 cookie, struct sock_owner *o, __u64 flags)
{
	long err = bpf_map_update_elem(&sock_owners, &cookie, o, flags);

	if (err && err != -17 /* EEXIST: BPF_NOEXIST found a newer owner */)
		owner_count(OWNER_CTR_OWNER_FULL);
}

/* Records the current process as the owner of the socket, whoever owned it before (old, if
 * known: its forget_at_close carries over); returns the network namespace it recorded. */
static __always_inline __u32 owner_set_current(__u64 cookie, __u8 method, const struct sock_owner *old)
{
	struct sock_owner o = {};

	owner_from_task(&o, (struct task_struct *)bpf_get_current_task(), method);
	if (old)
		o.forget_at_close = old->forget_at_close;
	owner_write(cookie, &o, BPF_ANY);
	return o.netns_ino;
}

/* The shared-socket rule: the current process becomes the owner unless it already is. Returns
 * the owner record when it is unchanged (for its tuple_known flag), NULL when it wrote. A socket
 * no one recorded gets no_owner_method. */
static __always_inline struct sock_owner *owner_touch_current(__u64 cookie, __u8 method, __u8 no_owner_method)
{
	struct sock_owner *old = bpf_map_lookup_elem(&sock_owners, &cookie);

	if (old && old->pid == (__u32)(bpf_get_current_pid_tgid() >> 32))
		return old;
	owner_set_current(cookie, old ? method : no_owner_method, old);
	return NULL;
}

/* ---------------------------------------------------------------- connect, sendmsg, recvmsg */

static __always_inline int on_connect(struct bpf_sock_addr *ctx)
{
	if (tcp_or_udp(ctx->protocol))
		owner_set_current(bpf_get_socket_cookie(ctx), OWNER_CONNECT, NULL);
	return 1;
}

SEC("cgroup/connect4")
int owner_connect4(struct bpf_sock_addr *ctx) { return on_connect(ctx); }

SEC("cgroup/connect6")
int owner_connect6(struct bpf_sock_addr *ctx) { return on_connect(ctx); }

/* The peer of an unconnected UDP message as a 5-tuple seen from the socket: the local address is
 * the bound one (all zero for a wildcard bind: the TC program then looks the tuple up with a
 * zero local address too). False while the socket has no port yet (a first sendto binds after
 * this hook). family is a constant per program. */
static __always_inline bool message_tuple(struct bpf_sock_addr *ctx, int family, struct owner_tuple *t)
{
	struct bpf_sock *sk = ctx->sk;
	__u32 *local = (__u32 *)t->local_addr, *remote = (__u32 *)t->remote_addr;

	if (!sk || !sk->src_port)
		return false;
	t->local_port = sk->src_port;
	t->remote_port = bpf_ntohs((__u16)ctx->user_port);
	t->proto = IPPROTO_UDP;
	if (family == AF_INET) {
		if (sk->src_ip4)
			map_v4(t->local_addr, sk->src_ip4);
		map_v4(t->remote_addr, ctx->user_ip4);
		return true;
	}
	local[0] = sk->src_ip6[0];
	local[1] = sk->src_ip6[1];
	local[2] = sk->src_ip6[2];
	local[3] = sk->src_ip6[3];
	if (is_v4_mapped(local) && local[3] == 0)
		local[2] = 0;
	remote[0] = ctx->user_ip6[0];
	remote[1] = ctx->user_ip6[1];
	remote[2] = ctx->user_ip6[2];
	remote[3] = ctx->user_ip6[3];
	return true;
}

/* Unconnected UDP only: the kernel runs these hooks for sends with an address and for receives
 * that ask for one. Besides the owner, the peer goes into the 5-tuple map (compared first), so
 * the peer's packets find this socket where they carry none (ingress, another namespace). */
static __always_inline int on_udp_message(struct bpf_sock_addr *ctx, __u8 method, int family)
{
	__u64 cookie = bpf_get_socket_cookie(ctx);
	struct owner_tuple t = {};
	struct sock_owner *same;
	__u64 *known;

	same = owner_touch_current(cookie, method, method);
	if (!message_tuple(ctx, family, &t))
		return 1;
	/* the namespace as the owner record keeps it: reading the task's costs three probe reads per datagram */
	t.netns_ino = same ? same->netns_ino : current_netns();
	known = bpf_map_lookup_elem(&owner_tuples, &t);
	if (!known || *known != cookie)
		owner_tuple_write(&t, cookie, BPF_ANY);
	return 1;
}

SEC("cgroup/sendmsg4")
int owner_sendmsg4(struct bpf_sock_addr *ctx) { return on_udp_message(ctx, OWNER_SEND, AF_INET); }

SEC("cgroup/sendmsg6")
int owner_sendmsg6(struct bpf_sock_addr *ctx) { return on_udp_message(ctx, OWNER_SEND, AF_INET6); }

SEC("cgroup/recvmsg4")
int owner_recvmsg4(struct bpf_sock_addr *ctx) { return on_udp_message(ctx, OWNER_RECEIVE, AF_INET); }

SEC("cgroup/recvmsg6")
int owner_recvmsg6(struct bpf_sock_addr *ctx) { return on_udp_message(ctx, OWNER_RECEIVE, AF_INET6); }

/* ---------------------------------------------------------------- bind, release */

/* A release hook sees only the socket's family, type and protocol (not its addresses), so
 * post_bind keeps each bound socket's endpoint here for it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct owner_endpoint);
} bound_endpoints SEC(".maps");

/* The local address of a struct bpf_sock as flowmond writes addresses; all zero for a wildcard.
 * family is a constant per program: post_bind4 may not even read the IPv6 fields. */
static __always_inline void bpf_sock_local(struct bpf_sock *ctx, int family, __u8 *addr)
{
	__u32 *w = (__u32 *)addr;

	if (family == AF_INET) {
		__u32 v4 = ctx->src_ip4;

		if (v4)
			map_v4(addr, v4);
		else
			__builtin_memset(addr, 0, FLOWMON_ADDR_LEN);
		return;
	}
	w[0] = ctx->src_ip6[0];
	w[1] = ctx->src_ip6[1];
	w[2] = ctx->src_ip6[2];
	w[3] = ctx->src_ip6[3];
	if (is_v4_mapped(w) && w[3] == 0)
		w[2] = 0; /* ::ffff:0.0.0.0 is a wildcard too */
}

static __always_inline int on_post_bind(struct bpf_sock *ctx, int family)
{
	struct owner_endpoint ep = {};
	__u64 cookie;

	if (!tcp_or_udp(ctx->protocol))
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	ep.netns_ino = owner_set_current(cookie, ctx->protocol == IPPROTO_TCP ? OWNER_ACCEPT : OWNER_RECEIVE, NULL);
	bpf_sock_local(ctx, family, ep.addr);
	ep.port = ctx->src_port;
	ep.proto = ctx->protocol;
	owner_addr_remember(ep.addr, ep.netns_ino);
	if (bpf_map_update_elem(&owner_endpoints, &ep, &cookie, BPF_ANY) ||
	    bpf_map_update_elem(&bound_endpoints, &cookie, &ep, BPF_ANY))
		owner_count(OWNER_CTR_ENDPOINT_FULL);
	return 1;
}

SEC("cgroup/post_bind4")
int owner_post_bind4(struct bpf_sock *ctx) { return on_post_bind(ctx, AF_INET); }

SEC("cgroup/post_bind6")
int owner_post_bind6(struct bpf_sock *ctx) { return on_post_bind(ctx, AF_INET6); }

/* Forgets a released socket: its owner, and its endpoint unless another socket has bound there
 * since (SO_REUSEPORT). Its 5-tuple entries stay until the LRU evicts them (see owner_maps.bpf.h):
 * they lead to this cookie, which has no owner any more. */
static __always_inline void forget(__u64 cookie)
{
	struct owner_endpoint *ep;
	__u64 *bound;

	bpf_map_delete_elem(&sock_owners, &cookie);
	ep = bpf_map_lookup_elem(&bound_endpoints, &cookie);
	if (!ep)
		return;
	bound = bpf_map_lookup_elem(&owner_endpoints, ep);
	if (bound && *bound == cookie)
		bpf_map_delete_elem(&owner_endpoints, ep);
	bpf_map_delete_elem(&bound_endpoints, &cookie);
}

/* close() of the last descriptor. A TCP connection that is still open sends its FIN (and ACKs,
 * retransmissions) after this: if the state callback is armed for it, that callback forgets it
 * when it reaches CLOSE; any other socket is forgotten now. */
SEC("cgroup/sock_release")
int owner_release(struct bpf_sock *ctx)
{
	struct sock_owner *o;
	__u64 cookie;

	if (!tcp_or_udp(ctx->protocol) || (ctx->family != AF_INET && ctx->family != AF_INET6))
		return 1;
	cookie = bpf_get_socket_cookie(ctx);
	if (ctx->protocol == IPPROTO_TCP && ctx->state != TCP_CLOSE && ctx->state != TCP_LISTEN) {
		o = bpf_map_lookup_elem(&sock_owners, &cookie);
		if (o && o->forget_at_close)
			return 1;
	}
	forget(cookie);
	return 1;
}

/* ---------------------------------------------------------------- accepted TCP sockets, first packets */

/* The 5-tuple of a TCP socket in sock_ops, seen from its local end (ports: local in host order,
 * remote in network order in the upper half on little-endian, hence bpf_ntohl). */
static __always_inline void sockops_tuple(struct bpf_sock_ops *ctx, struct owner_tuple *t)
{
	__u32 *local = (__u32 *)t->local_addr, *remote = (__u32 *)t->remote_addr;

	t->local_port = (__u16)ctx->local_port;
	t->remote_port = (__u16)bpf_ntohl(ctx->remote_port);
	t->proto = IPPROTO_TCP;
	if (ctx->family == AF_INET) {
		map_v4(t->local_addr, ctx->local_ip4);
		map_v4(t->remote_addr, ctx->remote_ip4);
		return;
	}
	local[0] = ctx->local_ip6[0];
	local[1] = ctx->local_ip6[1];
	local[2] = ctx->local_ip6[2];
	local[3] = ctx->local_ip6[3];
	remote[0] = ctx->remote_ip6[0];
	remote[1] = ctx->remote_ip6[1];
	remote[2] = ctx->remote_ip6[2];
	remote[3] = ctx->remote_ip6[3];
}

/* The network namespace of a TCP socket (sock_ops and a TCP packet's socket run in softirq too:
 * not the current task's); 0 if sk is not a TCP socket. */
static __always_inline __u32 tcp_sock_netns(struct bpf_sock *sk)
{
	struct tcp_sock *tp;

	if (!sk)
		return 0;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 0;
	return BPF_CORE_READ(tp, inet_conn.icsk_inet.sk.__sk_common.skc_net.net, ns.inum);
}

static __always_inline __u32 sockops_netns(struct bpf_sock_ops *ctx)
{
	return tcp_sock_netns(ctx->sk);
}

/* An established TCP connection is forgotten when it reaches CLOSE (after its FIN exchange, or a
 * reset), not at close(): the state callback is armed for it and its owner marked so that the
 * release hook leaves it. A socket established before the program was attached (seeded at start)
 * is not armed: it is forgotten at close() as before. */
static __always_inline void arm_close_callback(struct bpf_sock_ops *ctx, __u64 cookie)
{
	struct sock_owner *o;

	if (bpf_sock_ops_cb_flags_set(ctx, ctx->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG))
		return;
	o = bpf_map_lookup_elem(&sock_owners, &cookie);
	if (o)
		o->forget_at_close = 1;
}

/* An accepted TCP socket, when its handshake completes (softirq, in the server's namespace, before
 * accept() returns it): it gets its listener's owner (the endpoint it was accepted on; ACCEPT)
 * and its 5-tuple, so that the connection's packets find the server from the first one after
 * the handshake, wherever the TC program sees them and however short the connection. Its first
 * send or receive (6.4+) then names the process that really uses it. */
static __always_inline void on_accepted(struct bpf_sock_ops *ctx, __u64 cookie)
{
	struct owner_tuple t = {};
	struct sock_owner o, *listener;

	sockops_tuple(ctx, &t);
	t.netns_ino = sockops_netns(ctx);
	listener = endpoint_owner_of(IPPROTO_TCP, t.local_addr, t.local_port, t.netns_ino);
	if (listener) {
		__builtin_memcpy(&o, listener, sizeof(o));
		o.stamp_ns = bpf_ktime_get_ns();
		o.method = OWNER_ACCEPT;
		o.netns_ino = t.netns_ino;
		o.tuple_known = 1;
		o.forget_at_close = 0;
		owner_write(cookie, &o, BPF_NOEXIST);
	}
	owner_tuple_write(&t, cookie, BPF_ANY);
}

SEC("sockops")
int owner_sockops(struct bpf_sock_ops *ctx)
{
	__u64 cookie;

	if (ctx->family != AF_INET && ctx->family != AF_INET6)
		return 1;
	switch (ctx->op) {
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		cookie = bpf_get_socket_cookie(ctx);
		on_accepted(ctx, cookie);
		arm_close_callback(ctx, cookie);
		break;
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		arm_close_callback(ctx, bpf_get_socket_cookie(ctx));
		break;
	case BPF_SOCK_OPS_STATE_CB:
		if (ctx->args[1] == TCP_CLOSE)
			forget(bpf_get_socket_cookie(ctx));
		break;
	}
	return 1;
}

/* The 5-tuple of an outgoing IP packet (cgroup_skb: data starts at the IP header), seen from the
 * sender; false if it is not a TCP/UDP packet whose ports can be read. */
static __always_inline bool packet_tuple(struct __sk_buff *skb, __u8 proto, struct owner_tuple *t)
{
	__u8 ip[40];
	__u16 ports[2];
	__u32 l4;

	if (bpf_skb_load_bytes(skb, 0, ip, 20))
		return false;
	if ((ip[0] >> 4) == 4) {
		if (ip[9] != proto)
			return false;
		map_v4(t->local_addr, *(__u32 *)&ip[12]);
		map_v4(t->remote_addr, *(__u32 *)&ip[16]);
		l4 = (ip[0] & 0x0f) * 4;
	} else if ((ip[0] >> 4) == 6) {
		if (bpf_skb_load_bytes(skb, 0, ip, 40) || ip[6] != proto)
			return false; /* extension headers: left to the send/receive hooks */
		__builtin_memcpy(t->local_addr, &ip[8], FLOWMON_ADDR_LEN);
		__builtin_memcpy(t->remote_addr, &ip[24], FLOWMON_ADDR_LEN);
		l4 = 40;
	} else {
		return false;
	}
	if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return false;
	t->local_port = bpf_ntohs(ports[0]);
	t->remote_port = bpf_ntohs(ports[1]);
	t->proto = proto;
	return true;
}

/* The first packet a socket with an owner sends (in the sender's namespace, before any TC hook
 * sees it): its 5-tuple. A connect()ing TCP socket's SYN, a UDP socket's first datagram (whose
 * port the kernel chose after the sendmsg hook ran) — so packets that lose their socket on the
 * way (crossing a veth, forwarded) find the sender from the first one. Later packets cost a
 * cookie and one lookup (tuple_known). Always allows the packet. */
SEC("cgroup_skb/egress")
int owner_egress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct owner_tuple t = {};
	struct sock_owner *o;
	__u64 cookie;
	__u8 proto;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	proto = sk->protocol;
	if (!tcp_or_udp(proto) || (proto == IPPROTO_TCP && sk->state == TCP_LISTEN))
		return 1; /* a SYN-ACK goes out under its listener: the accepted socket is done in sockops */
	cookie = bpf_get_socket_cookie(skb);
	o = bpf_map_lookup_elem(&sock_owners, &cookie);
	if (!o || o->tuple_known)
		return 1;
	if (!packet_tuple(skb, proto, &t))
		return 1;
	/* TCP: the socket's namespace (a SYN can be retransmitted from a timer); UDP: a first datagram
	 * leaves inside the sending call, in the sender's task */
	t.netns_ino = proto == IPPROTO_TCP ? tcp_sock_netns(sk) : current_netns();
	if (!owner_tuple_write(&t, cookie, BPF_ANY))
		return 1;
	o->tuple_known = 1; /* in place: a flag for these programs, not part of the owner */
	return 1;
}

/* ---------------------------------------------------------------- send, receive (6.4+) */

/* The connection of sk seen from its local end, for the 5-tuple map; false if not connected
 * (the local address and port are filled all the same when sk is IPv4 or IPv6). */
static __always_inline bool sock_tuple(struct sock *sk, __u8 proto, struct owner_tuple *t)
{
	struct skc_head head;
	int ip_version;

	if (read_skc_head(&head, sk) != 0)
		return false;
	t->remote_port = bpf_ntohs(SKC_AT(&head, __be16, skc_dport));
	t->local_port = SKC_AT(&head, __u16, skc_num);
	t->proto = proto;
	ip_version = head_ip_version(&head);
	if (ip_version == 6) {
		__builtin_memcpy(t->local_addr, &SKC_AT(&head, struct in6_addr, skc_v6_rcv_saddr), FLOWMON_ADDR_LEN);
		__builtin_memcpy(t->remote_addr, &SKC_AT(&head, struct in6_addr, skc_v6_daddr), FLOWMON_ADDR_LEN);
	} else if (ip_version == 4) {
		map_v4(t->local_addr, SKC_AT(&head, __be32, skc_rcv_saddr));
		map_v4(t->remote_addr, SKC_AT(&head, __be32, skc_daddr));
	} else {
		return false;
	}
	return t->remote_port && t->local_port;
}

/* True when sk is connected and its 5-tuple now leads to cookie. */
static __always_inline bool remember_tuple(struct sock *sk, __u8 proto, __u64 cookie)
{
	struct owner_tuple t = {};

	if (!sock_tuple(sk, proto, &t))
		return false;
	t.netns_ino = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	return owner_tuple_write(&t, cookie, BPF_ANY);
}

static __always_inline void on_sock_used(struct sock *sk, int ret, __u8 method)
{
	struct sock_owner *same;
	__u16 family;
	__u8 proto;
	__u64 cookie;

	if (ret <= 0 || !sk)
		return;
	family = sk->__sk_common.skc_family;
	proto = sk->sk_protocol;
	if ((family != AF_INET && family != AF_INET6) || !tcp_or_udp(proto))
		return;
	cookie = bpf_get_socket_cookie(sk);
	/* A TCP socket no hook recorded was accepted (a connect() or the scan would have recorded it). */
	same = owner_touch_current(cookie, method, proto == IPPROTO_TCP ? OWNER_ACCEPT : method);
	if (same && same->tuple_known)
		return;
	/* A new owner record, or the first use of a connected socket after its connect(): its 5-tuple,
	 * for packets that carry no socket. */
	if (remember_tuple(sk, proto, cookie)) {
		same = bpf_map_lookup_elem(&sock_owners, &cookie);
		if (same)
			same->tuple_known = 1; /* in place: a flag for this program, not part of the owner */
	}
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(owner_send_length, struct sock *sk, int ret, int flags)
{
	on_sock_used(sk, ret, OWNER_SEND);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(owner_recv_length, struct sock *sk, int ret, int flags)
{
	on_sock_used(sk, ret, OWNER_RECEIVE);
	return 0;
}

/* ---------------------------------------------------------------- start-up seeding */

/* Every TCP and UDP socket open in a process at start-up (every network namespace): its owner
 * (EXISTING, unless a live hook already wrote a newer one), its endpoint if it listens or is a
 * bound UDP socket, its 5-tuple if connected. */
SEC("iter/task_file")
int owner_seed(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct sock_owner o = {};
	struct owner_endpoint ep = {};
	struct owner_tuple t = {};
	struct socket *sock;
	struct sock *sk;
	__u64 cookie;
	__u32 netns;
	__u16 family;
	__u8 proto, state;

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	sk = sock->sk;
	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	proto = sk->sk_protocol;
	if ((family != AF_INET && family != AF_INET6) || !tcp_or_udp(proto))
		return 0;
	state = sk->__sk_common.skc_state;
	if (proto == IPPROTO_TCP && state == TCP_CLOSE)
		return 0;
	/* The cookie as the kernel keeps it: the iterator's socket pointer is not trusted enough for
	 * bpf_get_socket_cookie(), which would also make one. Sockets nobody asked for a cookie yet
	 * have 0: they are written to the output, user space has the kernel make their cookies
	 * (getsockopt SO_COOKIE on a pidfd_getfd copy) and runs the iterator again. */
	cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	if (!cookie) {
		struct owner_seed_miss miss = { .pid = BPF_CORE_READ(task, tgid), .fd = ctx->fd };

		bpf_seq_write(ctx->meta->seq, &miss, sizeof(miss));
		return 0;
	}
	owner_from_task(&o, task, OWNER_EXISTING);
	netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	o.netns_ino = netns;
	if (bpf_map_update_elem(&sock_owners, &cookie, &o, BPF_NOEXIST) == 0)
		owner_count(OWNER_CTR_SEEDED);
	else if (!bpf_map_lookup_elem(&sock_owners, &cookie))
		owner_count(OWNER_CTR_OWNER_FULL); /* not EEXIST (a hook wrote a newer owner): full */
	if (sock_tuple(sk, proto, &t)) {
		t.netns_ino = netns;
		owner_tuple_write(&t, cookie, BPF_NOEXIST); /* a live hook's entry is newer */
		return 0;
	}
	if (proto == IPPROTO_TCP && state != TCP_LISTEN)
		return 0;
	/* A listener or a bound, unconnected UDP socket: its endpoint. */
	__builtin_memcpy(ep.addr, t.local_addr, FLOWMON_ADDR_LEN);
	ep.port = t.local_port;
	ep.proto = proto;
	if (!ep.port)
		return 0;
	if (is_v4_mapped((__u32 *)ep.addr) && ((__u32 *)ep.addr)[3] == 0)
		__builtin_memset(ep.addr, 0, FLOWMON_ADDR_LEN);
	ep.netns_ino = netns;
	owner_addr_remember(ep.addr, netns);
	if (bpf_map_update_elem(&owner_endpoints, &ep, &cookie, BPF_NOEXIST) == 0)
		bpf_map_update_elem(&bound_endpoints, &cookie, &ep, BPF_ANY);
	return 0;
}
