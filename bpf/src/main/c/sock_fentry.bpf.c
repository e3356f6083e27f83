// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sock_fentry.bpf.c — syscall probes, fexit variant: the cheapest hooks (BPF trampolines, no
 * breakpoint, no stash: fexit sees both the arguments and the return value). Runs in the
 * process calling connect()/accept(), never in softirq.
 */
#include "sock_ring.bpf.h"

static __always_inline int exit_connect(struct sock *sk, int ret, int ip_version)
{
	if (ret != 0 || !current_allowed())
		return 0;
	emit_sock_event(sk, ip_version, SOCK_EV_CONNECT);
	return 0;
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(fexit_tcp_v4_connect, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	return exit_connect(sk, ret, 4);
}

SEC("fexit/tcp_v6_connect")
int BPF_PROG(fexit_tcp_v6_connect, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	/* A v4-mapped destination: tcp_v6_connect called tcp_v4_connect, whose fexit emitted. */
	if (sock_ip_version(sk) == 4)
		return 0;
	return exit_connect(sk, ret, 6);
}

/* The fexit context slots are read by constant-offset loads written out in asm: from the
 * if/else below clang could otherwise compute ctx + (cond ? 16 : 32) and load from that, and the
 * verifier refuses a ctx access at a computed offset ("dereference of modified ctx ptr"). */
static __always_inline struct sock *fexit_slot2(__u64 *ctx)
{
	struct sock *v;

	asm volatile("%0 = *(u64 *)(%1 + 16)" : "=r"(v) : "r"(ctx));
	return v;
}

static __always_inline struct sock *fexit_slot4(__u64 *ctx)
{
	struct sock *v;

	asm volatile("%0 = *(u64 *)(%1 + 32)" : "=r"(v) : "r"(ctx));
	return v;
}

/* Linux 6.10, commit 92ef0fd55ac8 ("net: change proto and proto_ops accept type"), replaced
 * inet_csk_accept(sk, flags, int *err, kern) by inet_csk_accept(sk, struct proto_accept_arg *),
 * so the return value, which fexit sees after the arguments, moved from ctx[4] to ctx[2].
 *
 * The loader tells the two apart before load and writes the slot here: 4 (old) or 2 (new), from
 * whether the kernel's vmlinux BTF has struct proto_accept_arg (SyscallProbes looks it up with
 * btf__find_by_name_kind). Not CO-RE (bpf_core_type_exists): for a type absent from vmlinux
 * libbpf 1.1 then searches the module BTFs, BPF_BTF_GET_NEXT_ID needs CAP_SYS_ADMIN, and without
 * it (the systemd unit) 1.1 fails the whole load with EPERM; libbpf >= 1.2 tolerates that.
 * The verifier reads this frozen .rodata value as a constant and never walks the other branches,
 * so on 6.10+ it does not see the ctx[4] read it would refuse ("func doesn't have 5-th argument").
 * 0 (the default, for loaders that do not look, e.g. packaging/vm/attach-check) asks the kernel
 * with bpf_get_func_ret(): Linux 5.17+, while fexit exists since 5.5 (Ubuntu 22.04's 5.15 has
 * fexit and not the helper), hence the explicit slots. */
const volatile __u32 accept_ret_slot = 0;

SEC("fexit/inet_csk_accept")
int fexit_inet_csk_accept(__u64 *ctx)
{
	struct sock *newsk;
	__u64 ret = 0;

	if (accept_ret_slot == 2) {
		newsk = fexit_slot2(ctx);
	} else if (accept_ret_slot == 4) {
		newsk = fexit_slot4(ctx);
	} else {
		bpf_get_func_ret(ctx, &ret);
		newsk = (struct sock *)ret;
	}
	if (!newsk || !is_tcp_stream(newsk) || !current_allowed())
		return 0;
	emit_sock_event(newsk, SOCK_IP_ANY, SOCK_EV_ACCEPT);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
