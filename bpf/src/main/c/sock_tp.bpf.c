// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_tp.bpf.c — syscall probes, tracepoint variant, for kernels with neither kprobes nor
 * fentry. Classic tracepoints only (stable ABI, no BTF-typed program types needed).
 *
 * connect: sock:inet_sock_set_state CLOSE->SYN_SENT runs inside tcp_v{4,6}_connect in the
 * connecting thread, but before the source port is chosen (inet_hash_connect comes after the
 * state change). So the socket is stashed by thread there, and the event is emitted at the
 * connect() syscall's exit, in the same thread, when the port is known. A connect that failed
 * inside the kernel has its ports cleared again by then and is not reported.
 *
 * accept: syscalls:sys_exit_accept4 and sys_exit_accept (some runtimes still call accept);
 * the returned descriptor leads to the socket: current->files->fdt->fd[ret]->private_data
 * (a struct socket) ->sk.
 */
#include "sock_ring.bpf.h"
#include "sock_stash.bpf.h"

/* include/net/tcp_states.h */
#define TCP_SYN_SENT 2
#define TCP_CLOSE    7

SEC("tracepoint/sock/inet_sock_set_state")
int tp_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP || ctx->oldstate != TCP_CLOSE || ctx->newstate != TCP_SYN_SENT)
		return 0;
	if (current_allowed())
		stash_connecting_sock((struct sock *)ctx->skaddr);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int tp_sys_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct sock *sk = take_connecting_sock();

	if (!sk)
		return 0;
	/* ret is 0, -EINPROGRESS (non-blocking) or -EINTR (continues in the background) when the
	 * SYN left; a failure inside tcp_v*_connect or a refused blocking connect() has reset the
	 * remote port (tcp_disconnect) by now. */
	if (BPF_CORE_READ(sk, __sk_common.skc_dport) == 0 || BPF_CORE_READ(sk, __sk_common.skc_num) == 0)
		return 0;
	emit_sock_event(sk, sock_ip_version(sk), SOCK_EV_CONNECT);
	return 0;
}

/* The socket behind file descriptor fd of the current process, or NULL if fd is not a socket. */
static __always_inline struct sock *current_fd_sock(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	struct socket *sock;
	umode_t mode;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) != 0 || !file)
		return NULL;
	/* Another thread could have replaced the descriptor since accept() returned: make sure it
	 * is still a socket before taking private_data as a struct socket. */
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return BPF_CORE_READ(sock, sk);
}

static __always_inline int exit_accept(long ret)
{
	struct sock *sk;

	if (ret < 0)
		return 0;
	sk = current_fd_sock(ret);
	/* pid filter last, so that "filtered" counts only TCP accepts, not every accept() */
	if (!sk || !is_tcp_stream(sk) || !current_allowed())
		return 0;
	emit_sock_event(sk, sock_ip_version(sk), SOCK_EV_ACCEPT);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int tp_sys_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int tp_sys_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
