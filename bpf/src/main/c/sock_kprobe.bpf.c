// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_kprobe.bpf.c — syscall probes, kprobe/kretprobe variant (what bcc's tcpconnect and
 * tcpaccept do). tcp_v{4,6}_connect: stash the socket by thread on entry, emit on return when
 * the call succeeded (the SYN was sent). inet_csk_accept: emit the returned socket.
 * All of these run in the calling process (connect()/accept() syscalls), never in softirq.
 */
#include "sock_ring.bpf.h"
#include "sock_stash.bpf.h"

static __always_inline int enter_connect(struct sock *sk)
{
	if (current_allowed())
		stash_connecting_sock(sk);
	return 0;
}

static __always_inline int exit_connect(int ret, int ip_version)
{
	struct sock *sk = take_connecting_sock();

	if (!sk || ret != 0)
		return 0;
	/* tcp_v6_connect to a v4-mapped address calls tcp_v4_connect, whose return already
	 * emitted and took the stash; nothing is left here for the outer return. */
	emit_sock_event(sk, ip_version, SOCK_EV_CONNECT);
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kprobe_tcp_v4_connect, struct sock *sk)
{
	/* An AF_INET6 socket here is tcp_v6_connect calling tcp_v4_connect for a v4-mapped
	 * address: its own entry already stashed (or filtered and counted) this connect. */
	if (BPF_CORE_READ(sk, __sk_common.skc_family) == AF_INET6)
		return 0;
	return enter_connect(sk);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(kretprobe_tcp_v4_connect, int ret)
{
	return exit_connect(ret, 4);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(kprobe_tcp_v6_connect, struct sock *sk)
{
	return enter_connect(sk);
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(kretprobe_tcp_v6_connect, int ret)
{
	return exit_connect(ret, 6);
}

/* Only the return value is read, so the Linux 6.10 change of inet_csk_accept's arguments
 * (see sock_fentry.bpf.c) does not matter here: it still returns the new socket or NULL. */
SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(kretprobe_inet_csk_accept, struct sock *newsk)
{
	if (!newsk || !is_tcp_stream(newsk) || !current_allowed())
		return 0;
	emit_sock_event(newsk, SOCK_IP_ANY, SOCK_EV_ACCEPT);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
