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
#include "sock_exit.bpf.h"

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
	return exit_connect();
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
