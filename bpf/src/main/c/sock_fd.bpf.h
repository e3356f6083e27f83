/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sock_fd.bpf.h — from a file descriptor of the current process to its TCP socket, for the
 * accept probes that see only accept()'s return value (sock_tp, sock_rawtp).
 */
#ifndef SOCK_FD_BPF_H
#define SOCK_FD_BPF_H

#include "sock_common.bpf.h"

/* struct socket from its first byte through sk, copied in one read (see skc_head). */
#define SOCKET_HEAD_MAX 64
struct socket_head {
	__u8 bytes[SOCKET_HEAD_MAX];
};

#define SOCKET_AT(head, type, field) \
	(*(type *)((head)->bytes + bpf_core_field_offset(struct socket, field)))

/* The file behind descriptor fd of the current process, or NULL. */
static __always_inline struct file *current_fd_file(long fd)
{
	struct file *file = NULL;
#ifdef SOCK_BTF_TASK /* plain loads down to the descriptor array (see read_current) */
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file **fds = fdt->fd;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
#else
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
#endif
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) != 0)
		return NULL;
	return file;
}

/* The TCP socket behind descriptor fd of the current process, or NULL:
 * fd[fd]->private_data (a struct socket) ->sk. */
static __always_inline struct sock *current_fd_tcp_sock(long fd)
{
	struct file *file = current_fd_file(fd);
	struct socket_head head;
	struct socket *sock;
	__u32 len = bpf_core_field_offset(struct socket, sk) + sizeof(struct sock *);
	struct sock *sk;

	if (!file || len > SOCKET_HEAD_MAX)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || bpf_probe_read_kernel(&head, len, sock) != 0)
		return NULL;
	/* Another thread could have replaced the descriptor since accept() returned, and another
	 * kind of file keeps something else in private_data: a socket points back to its file. */
	if (SOCKET_AT(&head, struct file *, file) != file || SOCKET_AT(&head, short, type) != SOCK_STREAM)
		return NULL;
	sk = SOCKET_AT(&head, struct sock *, sk);
	if (!sk || BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != IPPROTO_TCP)
		return NULL;
	return sk;
}

#endif /* SOCK_FD_BPF_H */
