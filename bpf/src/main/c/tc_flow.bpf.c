// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tc_flow.bpf.c — counts packets, IP bytes, first/last time and TCP flags per unidirectional
 * flow at the TC ingress and egress hooks. It observes only and decides nothing: every program
 * returns -1, which is TCX_NEXT on a TCX link and TC_ACT_UNSPEC in a classic cls_bpf filter, so
 * the programs and filters after it see every packet and their verdict stands.
 *
 * Loaded by org.flowmond.bpf.tc.TcFlowMonitor, which sets the size of "flows" before load and
 * picks, per interface, the Ethernet programs (tc_ingress/tc_egress) or, for devices without
 * a link-layer header, the *_l3 ones. Loopback is attached on egress only (see README).
 *
 * Frames without IP addresses (ARP, LLDP, ...) are not flows: they are counted per EtherType in
 * "nonip_frames" (flowmon.h).
 *
 * Nothing is lost silently: a packet whose flow cannot be inserted (map full) goes to the
 * "flow_overflow" ring buffer as a one-packet record and the failure is counted by error code
 * in "tc_counters"; if that ring is full too, the loss is counted.
 */
#include "tc_parse.bpf.h" /* first: it includes vmlinux.h with the renames flowmon.h needs */
#include "tc_owner.bpf.h"
#include "tc_tcp.bpf.h"

/* "No verdict, go on": TC_ACT_UNSPEC for cls_bpf, TCX_NEXT for TCX (both -1). TC_ACT_OK would
 * end a classic filter chain here and hide the packet from every filter after this one. */
#define TC_ACT_UNSPEC (-1)
_Static_assert(TC_ACT_UNSPEC == TCX_NEXT, "one return value serves both attach paths");
#define E2BIG_    7
#define ENOMEM_   12
#define EEXIST_   17

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Inode of the network namespace whose devices this instance of the program is attached to,
 * written into every key. A load-time constant: TcFlowMonitor loads one instance per namespace,
 * all sharing one "flows" map (and the other maps) by descriptor. TC programs cannot ask for
 * their namespace on older kernels (bpf_get_netns_cookie only from 6.x for TC, and reading
 * skb->dev->nd_net needs the kernel sk_buff, which a TC program sees only from 6.3 on through
 * bpf_cast_to_kern_ctx); a constant also costs nothing per packet (bpf/README.md: measured).
 */
const volatile __u32 netns_ino = 0;

/* Preallocated hash: inserts fail visibly when full instead of an LRU evicting unseen flows.
 * max_entries is a default; TcFlowMonitor sets the configured size before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

/* struct flow_overflow_event records; the size is a default TcFlowMonitor may change. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} flow_overflow SEC(".maps");

/* Where a new entry is built before its insert: a struct flow_stats is too large for the stack
 * next to the owner lookups' keys. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flow_stats);
} flow_scratch SEC(".maps");

/* enum flowmon_tc_counter -> per-CPU count; user space sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TC_CTR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tc_counters SEC(".maps");

/* Frames without IP addresses, per EtherType (see flowmon.h). Rarely written: a shared hash
 * with atomic adds is enough. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NONIP_MAX_TYPES + 1); /* + the NONIP_OTHER slot */
	__type(key, __u32);
	__type(value, struct nonip_stats);
} nonip_frames SEC(".maps");

static __always_inline void counter_inc(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&tc_counters, &idx);

	if (c)
		*c += 1; /* per-CPU slot: no other CPU writes it */
}

/*
 * Wire packets and IP bytes that this skb stands for. A GSO/GRO super-packet is one skb at
 * the hook but gso_segs packets on the wire, each repeating the IP and transport headers;
 * flowmond reports the wire view, so counts match a capture taken anywhere on the path.
 */
static __always_inline void wire_size(struct __sk_buff *skb, const struct pkt_info *p,
				      __u64 *packets, __u64 *bytes, __u32 *l4_payload)
{
	/* Context fields read once, up front (see parse_packet). */
	__u32 len = skb->len;
	__u32 gso_size = skb->gso_size;
	__u32 gso_segs = skb->gso_segs;
	__u32 l3_total = len > p->l3_off ? len - p->l3_off : 0;
	__u32 hdr, payload, segs;

	hdr = p->has_l4 ? p->l4_off - p->l3_off + p->l4_hdr_len : 0;
	if (!gso_size) {
		*packets = 1;
		/* The IP length field excludes Ethernet padding; fall back to the skb for non-IP. */
		*bytes = p->ip_len ? p->ip_len : l3_total;
		*l4_payload = *bytes > hdr ? *bytes - hdr : 0;
		return;
	}
	payload = l3_total > hdr ? l3_total - hdr : 0;
	*l4_payload = payload;
	if (hdr > p->jumbo_len)
		hdr -= p->jumbo_len; /* the header each wire segment carries */
	/* gso_segs is 0 on packets from untrusted sources (SKB_GSO_DODGY) until recomputed. */
	segs = gso_segs;
	if (!segs)
		segs = (payload + gso_size - 1) / gso_size;
	if (!segs)
		segs = 1;
	*packets = segs;
	*bytes = (__u64)payload + (__u64)segs * hdr;
}

/*
 * Adds TCP flag bits to an entry. Atomic where the kernel has BPF atomics beyond add (5.12+);
 * before that any such instruction fails the whole load, so the Makefile also builds this file
 * with FLOWMON_NO_BPF_ATOMICS (tc_flow_noatomics.bpf.o, chosen by TcFlowMonitor from a kernel
 * probe), where a plain OR is used: two CPUs adding different new flags to one entry in the same
 * instant could lose one, while a direction's packets on one hook are normally on one CPU.
 */
static __always_inline void flags_or(__u32 *flags, __u32 bits)
{
#ifdef FLOWMON_NO_BPF_ATOMICS
	*flags |= bits;
#else
	__sync_fetch_and_or(flags, bits);
#endif
}

static __always_inline void stats_add(struct flow_stats *st, __u64 packets, __u64 bytes,
				      __u32 tcp_flags, __u64 now)
{
	/* Atomic adds: several CPUs may count the same flow at once (RSS, both directions of lo). */
	__sync_fetch_and_add(&st->packets, packets);
	__sync_fetch_and_add(&st->bytes, bytes);
	/* Skip the locked OR when every flag is already recorded (almost every TCP segment). */
	if ((st->tcp_flags & tcp_flags) != tcp_flags)
		flags_or(&st->tcp_flags, tcp_flags);
	/* A plain store: racing CPUs write times nanoseconds apart, any of them is right. */
	st->last_seen_ns = now;
}

/* Sends a packet that has no place in the flow map to user space, and counts why. */
static __always_inline void overflow(const struct flow_key *key, const struct flow_stats *one, long err)
{
	struct flow_overflow_event *ev;
	__u64 flags;

	if (err == -E2BIG_)
		counter_inc(TC_CTR_MAP_FULL);
	else if (err == -ENOMEM_)
		counter_inc(TC_CTR_MAP_NOMEM);
	else
		counter_inc(TC_CTR_MAP_OTHER);

	ev = bpf_ringbuf_reserve(&flow_overflow, sizeof(*ev), 0);
	if (!ev) {
		counter_inc(TC_CTR_OVERFLOW_LOST);
		return;
	}
	ev->key = *key;
	ev->error = -err;
	ev->_pad = 0;
	ev->stats = *one;
	/* The reader polls on a timer; wake it early only when the ring is a quarter full. */
	flags = bpf_ringbuf_query(&flow_overflow, BPF_RB_AVAIL_DATA) >
			bpf_ringbuf_query(&flow_overflow, BPF_RB_RING_SIZE) / 4
		? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(ev, flags);
}

/* An end found for this entry (found: OWNER_FOUND_* bits) is the same process at the other side
 * of the reverse flow (same interface; the other direction, or egress again on loopback): written
 * there where that end is still unknown and not ambiguous. Runs only when an end was found, a few
 * times per flow. */
static __always_inline void stamp_reverse(const struct flow_key *k, const struct flow_stats *st, __u32 found)
{
	struct flow_key r = *k;
	struct flow_stats *rs;

	__builtin_memcpy(r.src_addr, k->dst_addr, FLOWMON_ADDR_LEN);
	__builtin_memcpy(r.dst_addr, k->src_addr, FLOWMON_ADDR_LEN);
	r.src_port = k->dst_port;
	r.dst_port = k->src_port;
	if (k->ifindex != LOOPBACK_IFINDEX)
		r.direction = k->direction == FLOWMON_EGRESS ? FLOWMON_INGRESS : FLOWMON_EGRESS;
	rs = bpf_map_lookup_elem(&flows, &r);
	if (!rs)
		return;
	if ((found & OWNER_FOUND_SRC) && !rs->dst_owner.stamp_ns && !(rs->owner_misses & OWNER_MISS_DST_AMBIGUOUS))
		__builtin_memcpy(&rs->dst_owner, &st->src_owner, sizeof(rs->dst_owner));
	if ((found & OWNER_FOUND_DST) && !rs->src_owner.stamp_ns && !(rs->owner_misses & OWNER_MISS_SRC_AMBIGUOUS))
		__builtin_memcpy(&rs->src_owner, &st->dst_owner, sizeof(rs->src_owner));
}

/* A new entry (or one the daemon removed at export), built in the per-CPU scratch slot: its owners
 * are looked up afresh. */
static __always_inline void flow_insert(struct __sk_buff *skb, const struct flow_key *key, __u64 packets,
					__u64 bytes, __u32 tcp_flags, const struct tcp_seg *tcp, __u64 now)
{
	__u32 zero = 0;
	struct flow_stats *fresh = bpf_map_lookup_elem(&flow_scratch, &zero);
	struct flow_stats *st;
	long err;
	__u32 found;

	if (!fresh) { /* an array's slot 0 always exists: never taken */
		counter_inc(TC_CTR_MAP_OTHER);
		return;
	}
	__builtin_memset(fresh, 0, sizeof(*fresh));
	fresh->packets = packets;
	fresh->bytes = bytes;
	fresh->first_seen_ns = now;
	fresh->last_seen_ns = now;
	fresh->tcp_flags = tcp_flags;
	if (tcp_health_enabled && tcp)
		tcp_health_update(skb, &fresh->tcp, tcp, key->direction, now);
	found = stamp_owners(skb, key, fresh, now, true, tcp_flags);
	if (found)
		stamp_reverse(key, fresh, found);
	err = bpf_map_update_elem(&flows, key, fresh, BPF_NOEXIST);
	if (!err) {
		counter_inc(TC_CTR_INSERTED); /* after the insert: a read that sees this count sees the entry */
		return;
	}
	if (err == -EEXIST_) {
		/* Another CPU inserted this flow between our lookup and update: add to its entry (TCP
		 * health lost for this one skb: a direction's segments are on one CPU, see flowmon.h). */
		st = bpf_map_lookup_elem(&flows, key);
		if (st) {
			stats_add(st, packets, bytes, tcp_flags, now);
			return;
		}
	}
	overflow(key, fresh, err);
}

static __always_inline void flow_add(struct __sk_buff *skb, const struct flow_key *key, __u64 packets,
				     __u64 bytes, __u32 tcp_flags, const struct tcp_seg *tcp)
{
	__u64 now = bpf_ktime_get_ns();
	struct flow_stats *st;
	__u32 found;

	st = bpf_map_lookup_elem(&flows, key);
	if (!st) {
		flow_insert(skb, key, packets, bytes, tcp_flags, tcp, now);
		return;
	}
	stats_add(st, packets, bytes, tcp_flags, now);
	if (tcp_health_enabled && tcp)
		tcp_health_update(skb, &st->tcp, tcp, key->direction, now);
	found = stamp_owners(skb, key, st, now, false, tcp_flags);
	if (found)
		stamp_reverse(key, st, found);
}

static __always_inline void nonip_add(__u32 eth_proto, __u64 bytes)
{
	struct nonip_stats fresh = { .packets = 1, .bytes = bytes };
	struct nonip_stats *st = bpf_map_lookup_elem(&nonip_frames, &eth_proto);
	__u32 other = NONIP_OTHER;

	if (!st) {
		if (!bpf_map_update_elem(&nonip_frames, &eth_proto, &fresh, BPF_NOEXIST))
			return;
		/* Lost a race to another CPU (EEXIST) or the map holds NONIP_MAX_TYPES types (E2BIG). */
		st = bpf_map_lookup_elem(&nonip_frames, &eth_proto);
		if (!st)
			st = bpf_map_lookup_elem(&nonip_frames, &other);
		if (!st) {
			counter_inc(TC_CTR_NON_IP_LOST);
			return;
		}
	}
	__sync_fetch_and_add(&st->packets, 1);
	__sync_fetch_and_add(&st->bytes, bytes);
}

static __always_inline int count_packet(struct __sk_buff *skb, __u8 direction, bool has_eth)
{
	struct pkt_info p = {};
	struct tcp_seg seg;
	__u64 packets, bytes;
	__u32 l4_payload;

	parse_packet(skb, has_eth, &p);
	p.key.ifindex = skb->ifindex;
	p.key.direction = direction;
	p.key.netns_ino = netns_ino;
	if (p.key.eth_proto != ETH_P_IP && p.key.eth_proto != ETH_P_IPV6)
		counter_inc(TC_CTR_NON_IP);
	if (p.truncated)
		counter_inc(TC_CTR_TRUNCATED);
	if (p.ext_limit)
		counter_inc(TC_CTR_EXT_HDR_LIMIT);
	wire_size(skb, &p, &packets, &bytes, &l4_payload);
	seg.seq = p.tcp_seq;
	seg.payload = l4_payload;
	seg.segs = packets;
	seg.flags = p.tcp_flags;
	seg.win = p.tcp_win;
	/* l4_hdr_len is set once a TCP header was read (not for later fragments or truncated ones) */
	if (p.has_ip)
		flow_add(skb, &p.key, packets, bytes, p.tcp_flags,
			 p.key.proto == IPPROTO_TCP_ && p.l4_hdr_len ? &seg : NULL);
	else
		nonip_add(p.key.eth_proto, bytes);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tc_ingress(struct __sk_buff *skb) { return count_packet(skb, FLOWMON_INGRESS, true); }

SEC("tc")
int tc_egress(struct __sk_buff *skb) { return count_packet(skb, FLOWMON_EGRESS, true); }

SEC("tc")
int tc_ingress_l3(struct __sk_buff *skb) { return count_packet(skb, FLOWMON_INGRESS, false); }

SEC("tc")
int tc_egress_l3(struct __sk_buff *skb) { return count_packet(skb, FLOWMON_EGRESS, false); }
