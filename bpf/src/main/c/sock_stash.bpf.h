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

#ifdef SOCK_BTF_TASK
/* BTF-typed programs keep the socket in the thread's own task storage (Linux 5.11+): a pointer
 * next to the task instead of a hash-table insert and delete per connect, and nothing to clean
 * up when a thread exits. A cleared slot (NULL) means nothing stashed. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sock *);
} connect_stash SEC(".maps");

static __always_inline void stash_connecting_sock(struct sock *sk)
{
	struct sock **slot = bpf_task_storage_get(&connect_stash, bpf_get_current_task_btf(), 0,
						  BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (slot)
		*slot = sk;
	else
		count(SOCK_CTR_STASH_FULL); /* no memory for this thread's slot */
}

static __always_inline struct sock *take_connecting_sock(void)
{
	struct sock **slot = bpf_task_storage_get(&connect_stash, bpf_get_current_task_btf(), 0, 0);
	struct sock *sk;

	if (!slot)
		return NULL;
	sk = *slot;
	*slot = NULL;
	return sk;
}
#else
/* Connects in flight at once, host-wide. */
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
#endif

#endif /* SOCK_STASH_BPF_H */
