// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_iter.bpf.c — TCP connections that already existed when flowmond started (kind
 * EXISTING). A task_file iterator visits every open file of every process (the kernel skips
 * threads that share their leader's file table); each connected TCP socket among them is
 * written to the iterator's output as a struct sock_event, which Java reads as one byte stream.
 *
 * Why an iterator and not /proc/net/tcp{,6} + /proc/<pid>/fd: /proc/net/tcp lists only the
 * reader's network namespace and /proc/<pid>/fd is a readlink per descriptor, racing with
 * processes that come and go; the iterator sees every namespace and reads task and socket in
 * one consistent step, with the same filters and the same record as the live events.
 */
#include "sock_common.bpf.h"

/* include/net/tcp_states.h */
#define TCP_CLOSE  7
#define TCP_LISTEN 10

/* The socket behind file, or NULL if file is not a socket. */
static __always_inline struct sock *file_sock(struct file *file)
{
	umode_t mode = BPF_CORE_READ(file, f_inode, i_mode);
	struct socket *sock;

	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return BPF_CORE_READ(sock, sk);
}

/* A TCP socket with a peer: not listening, not closed. */
static __always_inline bool is_connected_tcp(struct sock *sk)
{
	__u8 state = BPF_CORE_READ(sk, __sk_common.skc_state);

	return is_tcp_stream(sk) && state != TCP_LISTEN && state != TCP_CLOSE;
}

SEC("iter/task_file")
int iter_existing_tcp(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct sock_event ev;
	struct sock *sk;
	int ip_version;

	if (!task || !file)
		return 0;
	sk = file_sock(file);
	if (!sk || !is_connected_tcp(sk))
		return 0;
	ip_version = sock_ip_version(sk);
	if (ip_version == 0)
		return 0;
	__builtin_memset(&ev, 0, sizeof(ev));
	read_sock_tuple(&ev, sk, ip_version);
	read_task(&ev, task);
	if (!pid_allowed(ev.pid) || !ports_allowed(ev.sport, ev.dport)) {
		count(SOCK_CTR_FILTERED);
		return 0;
	}
	ev.kind = SOCK_EV_EXISTING;
	ev.timestamp_ns = bpf_ktime_get_ns();
	bpf_seq_write(ctx->meta->seq, &ev, sizeof(ev));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
