/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tc_tcp.bpf.h — TCP health of a flow entry (struct tcp_health, flowmon.h), updated per segment by
 * tc_flow.bpf.c: handshake times, retransmissions, holes, resets, zero windows and, on egress from a
 * local socket, that socket's smoothed RTT.
 *
 * What each counter equals in the kernel's own accounting (bpf/README.md):
 *   retrans_pkts at the sender's egress = TcpRetransSegs (tcp_skb_pcount per retransmitted skb,
 *     SYN and FIN included), retrans_bytes = tcp_info bytes_retrans (skb->len: payload only); on
 *     egress from a local socket the socket's snd_nxt tells a retransmission from a first
 *     transmission that the sender's own qdisc dropped and TCP sent again (kernel_retransmits);
 *   ooo_pkts at the receiver's ingress = TcpExtTCPOFOQueue (once per skb) when each hole is
 *     followed by one skb before it is filled: only the skb that opens a hole is counted here;
 *   rst_pkts at the sender's egress = TcpOutRsts for a flow that sends one RST.
 * Plain stores throughout: a direction's segments pass one hook on one CPU at a time (see flowmon.h).
 */
#ifndef TC_TCP_BPF_H
#define TC_TCP_BPF_H

#include "tc_parse.bpf.h"

/* Off switch, set before load (TcFlowMonitorOptions.tcpHealth): false makes the verifier drop
 * every instruction below, and the tcp_health bytes of every entry stay zero. */
#ifndef FLOWMON_TCP_HEALTH_DEFAULT /* -DFLOWMON_TCP_HEALTH_DEFAULT=0: an "off" object for bpftool benches */
#define FLOWMON_TCP_HEALTH_DEFAULT 1
#endif
const volatile bool tcp_health_enabled = FLOWMON_TCP_HEALTH_DEFAULT;

#define TCPF_FIN_ 0x01
#define TCPF_SYN_ 0x02
#define TCPF_RST_ 0x04
#define TCPF_ACK_ 0x10
#define TCPF_URG_ 0x20
/* The flags that tell handshake segments apart: ntop's TCP_3WH_MASK (ECE and CWR out) without PSH
 * (and NS) either, so a TCP Fast Open ACK with data counts as the handshake's ACK. */
#define TCP_3WH_BITS (TCPF_FIN_ | TCPF_SYN_ | TCPF_RST_ | TCPF_ACK_ | TCPF_URG_)
#define SRTT_SAMPLE_NS 1000000ULL /* at most one srtt sample per millisecond per entry */

/* One skb's TCP segment as the health counters need it. */
struct tcp_seg {
	__u32 seq;
	__u32 payload; /* TCP payload bytes of the skb (all its wire segments) */
	__u32 segs;    /* wire segments: max(1, gso_segs) */
	__u32 flags;
	__u32 win;
};

/* First SYN, first SYN+ACK, first ACK of this entry. Once the ACK is seen nothing here changes. */
static __always_inline void tcp_handshake(struct tcp_health *th, __u32 flags, __u64 now)
{
	__u32 f = flags & TCP_3WH_BITS;

	if (th->ack_ns)
		return;
	if (f == TCPF_SYN_) {
		if (!th->syn_ns) /* a retransmitted SYN does not move it */
			th->syn_ns = now;
	} else if (f == (TCPF_SYN_ | TCPF_ACK_)) {
		if (!th->synack_ns)
			th->synack_ns = now;
	} else if (f == TCPF_ACK_) {
		th->ack_ns = now;
	}
}

/* The TCP socket that sends this egress skb, or NULL (forwarded, request or time-wait socket).
 * bpf_sk_fullsock + bpf_tcp_sock: portable to 5.10, no BTF, no CAP_PERFMON. */
static __always_inline struct bpf_tcp_sock *local_tcp_sock(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return NULL;
	sk = bpf_sk_fullsock(sk);
	return sk ? bpf_tcp_sock(sk) : NULL;
}

/*
 * Whether a segment from before seq_next is the kernel's retransmission. On egress from a local
 * socket, the socket says: the kernel advances snd_nxt only once a first transmission left the
 * stack, so a segment that the sender's own qdisc dropped (tbf, fq limits: reported to TCP at once)
 * is sent again as new data from seq == snd_nxt, which TcpRetransSegs does not count either. Only
 * segments starting before snd_nxt are retransmissions. Asked only for segments below seq_next.
 */
static __always_inline bool kernel_retransmits(struct __sk_buff *skb, __u8 direction, __u32 seq)
{
	struct bpf_tcp_sock *tp;

	if (direction != FLOWMON_EGRESS)
		return true;
	tp = local_tcp_sock(skb);
	return !tp || (__s32)(seq - tp->snd_nxt) < 0;
}

/* Retransmissions (before seq_next) and holes (after it), in serial-number order (RFC 1982). */
static __always_inline void tcp_sequence(struct __sk_buff *skb, struct tcp_health *th, const struct tcp_seg *s,
					 __u8 direction)
{
	__u32 syn_fin = s->flags & (TCPF_SYN_ | TCPF_FIN_);
	__u32 len = s->payload + !!(s->flags & TCPF_SYN_) + !!(s->flags & TCPF_FIN_);
	__u32 end = s->seq + len;
	__s32 d = (__s32)(s->seq - th->seq_next);

	if (!th->seq_init) {
		th->seq_init = 1;
		th->seq_next = end;
		return;
	}
	if (!len) /* pure ACK or RST: no sequence space, nothing to repeat or skip */
		return;
	if (d < 0) {
		/* ntop's keep-alive exception: one garbage byte just below the edge */
		if ((d != -1 || s->payload > 1 || syn_fin) && kernel_retransmits(skb, direction, s->seq)) {
			th->retrans_pkts += s->segs;
			th->retrans_bytes += s->payload;
		}
	} else if (d > 0) {
		th->ooo_pkts += 1; /* per skb, like TcpExtTCPOFOQueue */
	}
	if ((__s32)(end - th->seq_next) > 0)
		th->seq_next = end;
}

/* The local socket's smoothed RTT, on egress. */
static __always_inline void tcp_srtt(struct __sk_buff *skb, struct tcp_health *th, __u64 now)
{
	struct bpf_tcp_sock *tp;
	__u32 srtt;

	if (now - th->srtt_last_ns < SRTT_SAMPLE_NS)
		return;
	tp = local_tcp_sock(skb);
	if (!tp)
		return;
	srtt = tp->srtt_us >> 3; /* the kernel keeps it << 3 */
	if (!srtt) /* no RTT sample yet */
		return;
	th->srtt_last_ns = now;
	if (!th->srtt_samples || srtt < th->srtt_min_us)
		th->srtt_min_us = srtt;
	if (srtt > th->srtt_max_us)
		th->srtt_max_us = srtt;
	th->srtt_sum_us += srtt;
	th->srtt_samples += 1;
}

static __always_inline void tcp_health_update(struct __sk_buff *skb, struct tcp_health *th,
					      const struct tcp_seg *s, __u8 direction, __u64 now)
{
	tcp_handshake(th, s->flags, now);
	tcp_sequence(skb, th, s, direction);
	if (s->flags & TCPF_RST_)
		th->rst_pkts += 1;
	else if (!s->win && !(s->flags & TCPF_SYN_))
		th->zero_win_pkts += 1;
	if (direction == FLOWMON_EGRESS)
		tcp_srtt(skb, th, now);
}

#endif /* TC_TCP_BPF_H */
