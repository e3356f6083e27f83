// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_owner_trace.bpf.c — the tracing programs of socket ownership (sock_owner.bpf.c has the
 * table of every hook): the send/receive tracepoints of Linux 6.4+ and the start-up scan (a
 * task_file iterator). An object of their own, reusing sock_owner.bpf.c's maps by descriptor: a
 * tracing program makes libbpf 1.1 parse vmlinux BTF (5.5 MB) for its attach point, whatever BTF
 * the CO-RE relocations use, so org.flowmond.bpf.owner.SocketOwnership loads this object apart
 * from the cgroup hooks, and the daemon does it on a thread of its own while the TC program loads.
 */
#include "sock_common.bpf.h"
#include "owner_maps.bpf.h"
#include "owner_write.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

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
