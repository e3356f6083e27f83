// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_state.bpf.c — syscall probes, SOCKET variant: connect and accept events without tracing
 * any syscall. One program on raw_tp/inet_sock_set_state (a raw tracepoint: Linux 4.17+) reads the
 * process from the ownership maps of sock_owner.bpf.c (reused by descriptor), which its cgroup
 * hooks fill in the process's context:
 *
 * - connect: SYN_SENT -> ESTABLISHED (outcome ESTABLISHED) or SYN_SENT -> CLOSE (refused,
 *   timed out, unreachable: sk_err, set before the state change), owner = the socket's owner,
 *   written by cgroup/connect4/6 when the process called connect();
 * - accept: SYN_RECV -> ESTABLISHED of the new socket, owner = its listener's (the process that
 *   bound the listening endpoint), as the ownership maps attribute accepted sockets.
 *
 * So an event is sent when the handshake ends (not when the SYN leaves), and connects that fail
 * are reported too. Both transitions run in softirq context: no process field is read from
 * "current" here, only from the owner record.
 *
 * A raw tracepoint, not tp_btf: its arguments are plain numbers, so every field of the socket is
 * read with bpf_probe_read_kernel (CO-RE), and the socket's cookie is read from the socket
 * (bpf_get_socket_cookie is for tracing programs only). Reading it cannot miss an owner: an owner
 * is only ever written under the cookie the socket has (made by the hook that wrote it), so a
 * socket without a cookie (0) has none, as bpf_get_socket_cookie's fresh cookie would have found.
 * libbpf needs no attach type id from vmlinux BTF for it: the object relocates against the minimal
 * BTF alone (MinCoreBtf), without libbpf's parse of vmlinux BTF that a tracing program costs.
 */
#include "sock_ring.bpf.h"
#include "owner_maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* include/net/tcp_states.h */
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT    2
#define TCP_SYN_RECV    3
#define TCP_CLOSE       7
/* include/uapi/asm-generic/errno.h */
#define ENETUNREACH_  101
#define ETIMEDOUT_    110
#define ECONNREFUSED_ 111
#define EHOSTUNREACH_ 113

static __always_inline __u8 failed_outcome(int err)
{
	switch (err) {
	case ECONNREFUSED_:
		return CONNECT_REFUSED;
	case ETIMEDOUT_:
		return CONNECT_TIMED_OUT;
	case EHOSTUNREACH_:
	case ENETUNREACH_:
		return CONNECT_UNREACHABLE;
	default:
		return CONNECT_OTHER; /* 0: closed by the process before the handshake ended */
	}
}

/* One event for sk, attributed to owner o. A failed connect's state change runs after the
 * kernel released its local port (skc_num is 0 by then): the port is taken from inet_sport,
 * which keeps it, and is 0 only if that was cleared too. */
static __always_inline void emit_owned(struct sock *sk, struct skc_head *head, const struct sock_owner *o,
				       __u8 kind, __u8 outcome)
{
	struct sock_event *ev;
	__u16 sport = SKC_AT(head, __u16, skc_num);
	__u16 dport = bpf_ntohs(SKC_AT(head, __be16, skc_dport));

	if (sport == 0 && outcome != CONNECT_NONE && outcome != CONNECT_ESTABLISHED)
		sport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	if (dport == 0 || (sport == 0 && (outcome == CONNECT_NONE || outcome == CONNECT_ESTABLISHED)))
		return;
	if (!pid_allowed(o->pid) || !ports_allowed(sport, dport)) {
		count(SOCK_CTR_FILTERED);
		return;
	}
	ev = bpf_ringbuf_reserve(&sock_events, sizeof(*ev), 0);
	if (!ev) {
		count(SOCK_CTR_RINGBUF_FULL);
		return;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	fill_sock_tuple(ev, head, SOCK_IP_ANY);
	ev->sport = sport;
	ev->pid = o->pid;
	ev->tid = o->tid;
	ev->uid = o->uid;
	ev->gid = o->gid;
	ev->ppid = o->ppid;
	ev->cgroup_id = o->cgroup_id;
	__builtin_memcpy(ev->comm, o->comm, FLOWMON_COMM_LEN);
	__builtin_memcpy(ev->parent_comm, o->parent_comm, FLOWMON_COMM_LEN);
	ev->kind = kind;
	ev->outcome = outcome;
	ev->timestamp_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(ev, wakeup_flag());
}

/* The listener's owner of an accepted socket: its local endpoint, exact address then wildcard. */
static __always_inline struct sock_owner *listener_owner(struct sock *sk, struct skc_head *head)
{
	__u8 addr[FLOWMON_ADDR_LEN];

	if (head_ip_version(head) == 6)
		__builtin_memcpy(addr, &SKC_AT(head, struct in6_addr, skc_v6_rcv_saddr), FLOWMON_ADDR_LEN);
	else
		map_v4(addr, SKC_AT(head, __be32, skc_rcv_saddr));
	return endpoint_owner_of(IPPROTO_TCP, addr, SKC_AT(head, __u16, skc_num),
				 BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum));
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(state_connect_accept, struct sock *sk, const int oldstate, const int newstate)
{
	struct sock_owner *o;
	struct skc_head head;
	bool connect = oldstate == TCP_SYN_SENT && (newstate == TCP_ESTABLISHED || newstate == TCP_CLOSE);
	bool accept = oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED;
	__u64 cookie;

	if (!connect && !accept)
		return 0;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP || read_skc_head(&head, sk) != 0)
		return 0;
	if (connect) {
		cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
		o = bpf_map_lookup_elem(&sock_owners, &cookie);
	} else {
		o = listener_owner(sk, &head);
	}
	if (!o) {
		count(SOCK_CTR_NO_OWNER);
		return 0;
	}
	if (accept)
		emit_owned(sk, &head, o, SOCK_EV_ACCEPT, CONNECT_NONE);
	else
		emit_owned(sk, &head, o, SOCK_EV_CONNECT,
			   newstate == TCP_ESTABLISHED ? CONNECT_ESTABLISHED : failed_outcome(BPF_CORE_READ(sk, sk_err)));
	return 0;
}
