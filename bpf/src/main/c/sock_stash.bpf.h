/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sock_stash.bpf.h — the socket a thread is connecting, kept from the hook that sees it
 * (kprobe on tcp_v*_connect, or the CLOSE->SYN_SENT state change) until the hook that knows
 * whether the connect worked (kretprobe, or the connect syscall's exit). Keyed by thread id,
 * because both hooks run in the connecting thread.
 */
#ifndef SOCK_STASH_BPF_H
#define SOCK_STASH_BPF_H

#include "sock_common.bpf.h"

/* Connects in flight at once, host-wide; Java may resize it before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);              /* thread id */
	__type(value, struct sock *);
} connect_stash SEC(".maps");

static __always_inline void stash_connecting_sock(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (bpf_map_update_elem(&connect_stash, &tid, &sk, BPF_ANY) != 0)
		count(SOCK_CTR_STASH_FULL);
}

/* The socket this thread stashed, removed from the stash; NULL if none. */
static __always_inline struct sock *take_connecting_sock(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **stashed = bpf_map_lookup_elem(&connect_stash, &tid);
	struct sock *sk;

	if (!stashed)
		return NULL;
	sk = *stashed;
	bpf_map_delete_elem(&connect_stash, &tid);
	return sk;
}

#endif /* SOCK_STASH_BPF_H */
