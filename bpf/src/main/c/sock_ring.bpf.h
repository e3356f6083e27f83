/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sock_ring.bpf.h — the ring buffer that carries live connect/accept events to Java, and
 * emit_sock_event(), the one place where an event is built and sent.
 */
#ifndef SOCK_RING_BPF_H
#define SOCK_RING_BPF_H

#include "sock_common.bpf.h"

/* Wake the Java reader only when at least this many bytes wait in the ring (set before load;
 * 0 = never). A wake-up per event cost 57 % of the connection rate here (perf-anchors.md),
 * so the reader polls on a short timer and a wake-up only hurries it when the ring fills. */
const volatile __u32 wakeup_bytes = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024); /* Java may resize it before load */
} sock_events SEC(".maps");

static __always_inline __u64 wakeup_flag(void)
{
	if (wakeup_bytes != 0 && bpf_ringbuf_query(&sock_events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* Sends one event for sk, attributed to the current process (call only in its context).
 * ip_version: 4 or 6, which of sk's address fields to read, or SOCK_IP_ANY (see read_sock_tuple). */
static __always_inline void emit_sock_event(struct sock *sk, int ip_version, __u8 kind)
{
	struct skc_head head;
	struct sock_event *ev;
	__u16 sport, dport;

	if (read_skc_head(&head, sk) != 0)
		return;
	sport = SKC_AT(&head, __u16, skc_num);
	dport = bpf_ntohs(SKC_AT(&head, __be16, skc_dport));
	if (sport == 0 || dport == 0) /* not (or no longer) connected: nothing to attribute */
		return;
	if (!ports_allowed(sport, dport)) {
		count(SOCK_CTR_FILTERED);
		return;
	}
	/* Filled in place in the ring: no event on the stack and no copy. */
	ev = bpf_ringbuf_reserve(&sock_events, sizeof(*ev), 0);
	if (!ev) {
		count(SOCK_CTR_RINGBUF_FULL);
		return;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	fill_sock_tuple(ev, &head, ip_version);
	read_current(ev);
	ev->kind = kind;
	ev->timestamp_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(ev, wakeup_flag());
}

#endif /* SOCK_RING_BPF_H */
