/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * owner_write.bpf.h — how the socket-ownership programs write an owner, shared by the two objects
 * that write them: sock_owner.bpf.c (cgroup, sockops and cgroup_skb hooks) and
 * sock_owner_trace.bpf.c (the send/receive tracepoints and the start-up scan, reusing the first
 * object's maps by descriptor). Include after sock_common.bpf.h and owner_maps.bpf.h.
 */
#ifndef OWNER_WRITE_BPF_H
#define OWNER_WRITE_BPF_H

/* include/net/tcp_states.h */
#define TCP_CLOSE  7
#define TCP_LISTEN 10

static __always_inline bool tcp_or_udp(__u32 protocol)
{
	return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP;
}

/* The network namespace of the current task: the socket's, in the hooks that run inside a socket
 * call (a socket made in one namespace and passed to a process in another is the exception). */
static __always_inline __u32 current_netns(void)
{
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), nsproxy, net_ns, ns.inum);
}

/* A task's identity, read the same way for the current task and for the iterator's. */
static __always_inline void owner_from_task(struct sock_owner *o, struct task_struct *task, __u8 method)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	o->stamp_ns = bpf_ktime_get_ns();
	o->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	o->pid = BPF_CORE_READ(task, tgid);
	o->tid = BPF_CORE_READ(task, pid);
	o->uid = BPF_CORE_READ(task, cred, uid.val);
	o->gid = BPF_CORE_READ(task, cred, gid.val);
	o->ppid = BPF_CORE_READ(parent, tgid);
	o->netns_ino = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum); /* the socket's, but for a passed one */
	o->method = method;
	BPF_CORE_READ_INTO(&o->comm, task, group_leader, comm);
	BPF_CORE_READ_INTO(&o->parent_comm, parent, group_leader, comm);
}

static __always_inline void owner_write(__u64 cookie, struct sock_owner *o, __u64 flags)
{
	long err = bpf_map_update_elem(&sock_owners, &cookie, o, flags);

	if (err && err != -17 /* EEXIST: BPF_NOEXIST found a newer owner */)
		owner_count(OWNER_CTR_OWNER_FULL);
}

/* Records the current process as the owner of the socket, whoever owned it before (old, if
 * known: its forget_at_close carries over); returns the network namespace it recorded. */
static __always_inline __u32 owner_set_current(__u64 cookie, __u8 method, const struct sock_owner *old)
{
	struct sock_owner o = {};

	owner_from_task(&o, (struct task_struct *)bpf_get_current_task(), method);
	if (old)
		o.forget_at_close = old->forget_at_close;
	owner_write(cookie, &o, BPF_ANY);
	return o.netns_ino;
}

/* The shared-socket rule: the current process becomes the owner unless it already is. Returns
 * the owner record when it is unchanged (for its tuple_known flag), NULL when it wrote. A socket
 * no one recorded gets no_owner_method. */
static __always_inline struct sock_owner *owner_touch_current(__u64 cookie, __u8 method, __u8 no_owner_method)
{
	struct sock_owner *old = bpf_map_lookup_elem(&sock_owners, &cookie);

	if (old && old->pid == (__u32)(bpf_get_current_pid_tgid() >> 32))
		return old;
	owner_set_current(cookie, old ? method : no_owner_method, old);
	return NULL;
}


/* A release hook sees only the socket's family, type and protocol (not its addresses), so
 * post_bind (and the start-up scan) keep each bound socket's endpoint here for it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct owner_endpoint);
} bound_endpoints SEC(".maps");

#endif /* OWNER_WRITE_BPF_H */
