// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_rawtp.bpf.c — syscall probes, raw tracepoint variant (BTF-typed "tp_btf" programs, Linux
 * 5.5+), for kernels without kprobes and fentry. Same hooks and the same events as sock_tp.bpf.c,
 * attached the cheap way:
 *
 * - no perf event: libbpf attaches tp_btf with BPF_RAW_TRACEPOINT_OPEN, so perf_event_paranoid
 *   does not matter and the kernel does not fill a perf trace record before each run;
 * - typed arguments: the socket and the task are read with plain loads, not one
 *   bpf_probe_read_kernel() call per field;
 * - one program on the generic sys_exit tracepoint instead of one per syscall: it runs at every
 *   syscall exit, and returns after one compare unless the syscall is connect, accept or accept4.
 *   Any syscall tracepoint already switches every task to the slow syscall path, so per-syscall
 *   tracepoints save nothing there, and each costs a perf record besides (bench/RESULTS.md).
 *
 * connect: inet_sock_set_state CLOSE->SYN_SENT stashes the socket by thread (the source port is
 * chosen only after that state change); connect()'s exit emits it once the port is known.
 * accept: the returned descriptor leads to the socket, as in sock_tp.bpf.c.
 * Syscalls of 32-bit (ia32) processes are not traced, as with the per-syscall tracepoints, which
 * the kernel does not offer for them either.
 */
#define SOCK_BTF_TASK /* tp_btf: the task is read with plain loads (sock_common.bpf.h) */
#include "sock_exit.bpf.h"

/* arch/x86/entry/syscalls/syscall_64.tbl: the only syscalls this program acts on */
#define NR_CONNECT 42
#define NR_ACCEPT  43
#define NR_ACCEPT4 288
/* arch/x86/include/asm/processor.h: thread_info.status bit of a 32-bit syscall in progress */
#define TS_COMPAT  0x0002

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(rawtp_inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (oldstate != TCP_CLOSE || newstate != TCP_SYN_SENT)
		return 0;
	if (BPF_CORE_READ_BITFIELD(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (current_allowed())
		stash_connecting_sock((struct sock *)sk);
	return 0;
}

/* A 32-bit syscall: its numbers are not the ones above (ia32's 42 is pipe, 43 times). */
static __always_inline bool compat_syscall(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (!bpf_core_field_exists(task->thread_info.status))
		return false;
	return task->thread_info.status & TS_COMPAT;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rawtp_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax;

	if (nr != NR_CONNECT && nr != NR_ACCEPT && nr != NR_ACCEPT4)
		return 0;
	if (compat_syscall())
		return 0;
	if (nr == NR_CONNECT)
		return exit_connect();
	return exit_accept(ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
