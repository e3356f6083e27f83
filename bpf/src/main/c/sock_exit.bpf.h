/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sock_exit.bpf.h — the events made at a syscall's exit, for the variants that see connect()
 * and accept() only there (sock_tp, sock_rawtp): connect's socket was stashed by the thread at
 * CLOSE->SYN_SENT; accept's comes from the descriptor it returned.
 */
#ifndef SOCK_EXIT_BPF_H
#define SOCK_EXIT_BPF_H

#include "sock_ring.bpf.h"
#include "sock_stash.bpf.h"
#include "sock_fd.bpf.h"

/* include/net/tcp_states.h */
#define TCP_SYN_SENT 2
#define TCP_CLOSE    7

/* The connect() now returning: ret is 0, -EINPROGRESS (non-blocking) or -EINTR (continues in
 * the background) when the SYN left; a failure inside tcp_v*_connect or a refused blocking
 * connect() has reset the remote port (tcp_disconnect) by now, and emit_sock_event() sends
 * nothing for a socket without both ports. */
static __always_inline int exit_connect(void)
{
	struct sock *sk = take_connecting_sock();

	if (sk)
		emit_sock_event(sk, SOCK_IP_ANY, SOCK_EV_CONNECT);
	return 0;
}

/* The accept() or accept4() now returning ret. */
static __always_inline int exit_accept(long ret)
{
	struct sock *sk;

	if (ret < 0)
		return 0;
	sk = current_fd_tcp_sock(ret);
	/* pid filter last, so that "filtered" counts only TCP accepts, not every accept() */
	if (!sk || !current_allowed())
		return 0;
	emit_sock_event(sk, SOCK_IP_ANY, SOCK_EV_ACCEPT);
	return 0;
}

#endif /* SOCK_EXIT_BPF_H */
