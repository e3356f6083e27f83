/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sock_common.bpf.h — what the syscall-probe objects share (sock_kprobe, sock_fentry, sock_tp,
 * sock_iter): the in-kernel filters, the per-CPU counters, and filling a struct sock_event from
 * a socket and a task.
 *
 * Rule kept by every caller: process fields are read only in the context of that process
 * (a syscall, or a kernel function called by one), or from a task pointer the iterator hands us;
 * never from softirq context, where "current" is whoever happened to be interrupted.
 */
#ifndef SOCK_COMMON_BPF_H
#define SOCK_COMMON_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

/* vmlinux.h has a struct flow_stats of its own (openvswitch); flowmon.h's TC struct of that
 * name is not used here, so it is renamed out of the way while the header is read. */
#define flow_stats flowmon_tc_flow_stats
#include "flowmon.h"
#undef flow_stats

/* Not in vmlinux.h (they are #defines in the kernel). */
#define AF_INET      2
#define AF_INET6     10
#define SOCK_STREAM  1
#define S_IFMT       00170000
#define S_IFSOCK     0140000

/* ---------------------------------------------------------------- filters (set before load) */

/* Only these processes (tgid); no pid filter when filter_pid_count is 0. */
const volatile __u32 filter_pids[FLOWMON_MAX_FILTER_PIDS] = {};
const volatile __u32 filter_pid_count = 0;
/* Only connections whose local or remote port is in the list or in [min, max]; no port filter
 * when the list is empty and filter_port_max is 0 (the seed tool's -P and -R). */
const volatile __u16 filter_ports[FLOWMON_MAX_FILTER_PORTS] = {};
const volatile __u32 filter_port_count = 0;
const volatile __u32 filter_port_min = 0;
const volatile __u32 filter_port_max = 0;

/* ---------------------------------------------------------------- counters */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SOCK_CTR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sock_counters SEC(".maps");

static __always_inline void count(enum flowmon_sock_counter which)
{
	__u32 key = which;
	__u64 *value = bpf_map_lookup_elem(&sock_counters, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
}

/* ---------------------------------------------------------------- filter checks */

static __always_inline bool pid_allowed(__u32 tgid)
{
	if (filter_pid_count == 0)
		return true;
	for (int i = 0; i < FLOWMON_MAX_FILTER_PIDS; i++) {
		if (i >= filter_pid_count)
			break;
		if (filter_pids[i] == tgid)
			return true;
	}
	return false;
}

static __always_inline bool port_listed(__u16 port)
{
	for (int i = 0; i < FLOWMON_MAX_FILTER_PORTS; i++) {
		if (i >= filter_port_count)
			break;
		if (filter_ports[i] == port)
			return true;
	}
	return false;
}

static __always_inline bool port_in_range(__u16 port)
{
	return filter_port_max != 0 && port >= filter_port_min && port <= filter_port_max;
}

static __always_inline bool ports_allowed(__u16 sport, __u16 dport)
{
	if (filter_port_count == 0 && filter_port_max == 0)
		return true;
	return port_listed(sport) || port_listed(dport) || port_in_range(sport) || port_in_range(dport);
}

/* The current process passes the pid filter; counts it as filtered when not. */
static __always_inline bool current_allowed(void)
{
	if (pid_allowed(bpf_get_current_pid_tgid() >> 32))
		return true;
	count(SOCK_CTR_FILTERED);
	return false;
}

/* ---------------------------------------------------------------- the socket's side */

/* sk_protocol and sk_type were 8- and 16-bit bitfields until Linux 5.6, commit bf9765145b85
 * ("sock: Make sk_protocol a 16-bit value"); the PROBED bitfield read works on both layouts. */
static __always_inline bool is_tcp_stream(struct sock *sk)
{
	__u16 protocol = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	__u16 type = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type);

	return protocol == IPPROTO_TCP && type == SOCK_STREAM;
}

static __always_inline bool is_v4_mapped(const __u32 *a)
{
	return a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0x0000ffff);
}

/* 4 or 6: the IP version of the packets. An AF_INET6 socket connected to a v4-mapped peer
 * speaks IPv4, and the kernel keeps its IPv4 fields (skc_daddr, skc_rcv_saddr) current. */
static __always_inline int sock_ip_version(struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u32 daddr[4];

	if (family == AF_INET)
		return 4;
	if (family != AF_INET6)
		return 0;
	BPF_CORE_READ_INTO(&daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32);
	return is_v4_mapped(daddr) ? 4 : 6;
}

/* Writes an IPv4 address (network order) as ::ffff:a.b.c.d. */
static __always_inline void map_v4(__u8 *dst, __u32 v4)
{
	__u32 *words = (__u32 *)dst;

	words[0] = 0;
	words[1] = 0;
	words[2] = bpf_htonl(0x0000ffff);
	words[3] = v4;
}

/* The head of a struct sock_common, from its first byte through skc_v6_rcv_saddr: every field
 * an event needs but the network namespace's inode number. Copied with one
 * bpf_probe_read_kernel() instead of one per field (each call costs tens of ns); the fields are
 * then taken from the copy at their CO-RE-relocated offsets, so the layout of the running kernel
 * is used, not this header's. 88 bytes on 6.x; the buffer leaves room for older layouts. */
#define SKC_HEAD_MAX 128
struct skc_head {
	__u8 bytes[SKC_HEAD_MAX];
};

#define SKC_OFF(field) bpf_core_field_offset(struct sock_common, field)
#define SKC_AT(head, type, field) (*(type *)((head)->bytes + SKC_OFF(field)))

static __always_inline int read_skc_head(struct skc_head *head, struct sock *sk)
{
	__u32 len = SKC_OFF(skc_v6_rcv_saddr) + sizeof(struct in6_addr);

	if (len > SKC_HEAD_MAX) /* a constant after relocation: the verifier sees one branch */
		return -1;
	return bpf_probe_read_kernel(head, len, sk);
}

/* The IP version of sk's packets from its copied head (see sock_ip_version). */
static __always_inline int head_ip_version(struct skc_head *head)
{
	__u16 family = SKC_AT(head, __u16, skc_family);

	if (family == AF_INET)
		return 4;
	if (family != AF_INET6)
		return 0;
	return is_v4_mapped((__u32 *)&SKC_AT(head, struct in6_addr, skc_v6_daddr)) ? 4 : 6;
}

/* Addresses, ports, family and network namespace of sk; ip_version says which fields hold
 * the addresses (tcp_v4_connect's return on a v4-mapped AF_INET6 socket: only the IPv4 ones),
 * SOCK_IP_ANY: what the socket says (sock_ip_version). */
#define SOCK_IP_ANY 0
static __always_inline void fill_sock_tuple(struct sock_event *ev, struct skc_head *head, int ip_version)
{
	struct net *net = SKC_AT(head, struct net *, skc_net);

	if (ip_version == SOCK_IP_ANY)
		ip_version = head_ip_version(head);
	ev->sport = SKC_AT(head, __u16, skc_num);
	ev->dport = bpf_ntohs(SKC_AT(head, __be16, skc_dport));
	ev->netns_ino = BPF_CORE_READ(net, ns.inum);
	if (ip_version == 6) {
		ev->family = AF_INET6;
		__builtin_memcpy(ev->saddr, &SKC_AT(head, struct in6_addr, skc_v6_rcv_saddr), FLOWMON_ADDR_LEN);
		__builtin_memcpy(ev->daddr, &SKC_AT(head, struct in6_addr, skc_v6_daddr), FLOWMON_ADDR_LEN);
	} else {
		ev->family = AF_INET;
		map_v4(ev->saddr, SKC_AT(head, __be32, skc_rcv_saddr));
		map_v4(ev->daddr, SKC_AT(head, __be32, skc_daddr));
	}
}

static __always_inline void read_sock_tuple(struct sock_event *ev, struct sock *sk, int ip_version)
{
	struct skc_head head;

	if (read_skc_head(&head, sk) != 0)
		return; /* ports stay 0: the caller's port check rejects the event */
	fill_sock_tuple(ev, &head, ip_version);
}

/* ---------------------------------------------------------------- the process's side */

/* Names are the process's (its thread group leader's comm), not the thread's: threads may
 * rename themselves (a JVM's "main", "ForkJoinPool-1-w..."). */
static __always_inline void read_process_names(struct sock_event *ev, struct task_struct *task)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	BPF_CORE_READ_INTO(&ev->comm, task, group_leader, comm);
	ev->ppid = BPF_CORE_READ(parent, tgid);
	BPF_CORE_READ_INTO(&ev->parent_comm, parent, group_leader, comm);
}

/* The calling process; only in process context. Programs of BTF-aware types (fentry, tp_btf)
 * define SOCK_BTF_TASK before including this header: they read the task_struct with plain loads
 * from bpf_get_current_task_btf() instead of one bpf_probe_read_kernel() per field. */
static __always_inline void read_current(struct sock_event *ev)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	ev->pid = pid_tgid >> 32;
	ev->tid = (__u32)pid_tgid;
	ev->uid = (__u32)uid_gid;
	ev->gid = uid_gid >> 32;
	ev->cgroup_id = bpf_get_current_cgroup_id();
#ifdef SOCK_BTF_TASK
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_struct *parent = task->real_parent;

	__builtin_memcpy(ev->comm, task->group_leader->comm, FLOWMON_COMM_LEN);
	ev->ppid = parent->tgid;
	__builtin_memcpy(ev->parent_comm, parent->group_leader->comm, FLOWMON_COMM_LEN);
#else
	read_process_names(ev, (struct task_struct *)bpf_get_current_task());
#endif
}

/* Any task, read the way the helpers above read the current one (cred->uid is the real uid
 * of the task's subjective credentials; the cgroup id is its default-hierarchy cgroup's kernfs id). */
static __always_inline void read_task(struct sock_event *ev, struct task_struct *task)
{
	ev->pid = BPF_CORE_READ(task, tgid);
	ev->tid = BPF_CORE_READ(task, pid);
	ev->uid = BPF_CORE_READ(task, cred, uid.val);
	ev->gid = BPF_CORE_READ(task, cred, gid.val);
	ev->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	read_process_names(ev, task);
}

#endif /* SOCK_COMMON_BPF_H */
