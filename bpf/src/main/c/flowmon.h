/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * flowmon.h — every struct and enum that crosses between the BPF programs and Java.
 *
 * Must match byte-by-byte with the Java decoders in org.flowmond.bpf
 * (tc.FlowKeyCodec / tc.FlowStatsCodec for the TC flow map, syscall.SockEventCodec for
 * the syscall ring buffer). Change a field here, change the decoder and its golden-byte test.
 *
 * Conventions: only __u8..__u64; no implicit padding (explicit _pad fields); addresses are
 * 16 bytes, IPv4 written as IPv4-mapped IPv6 (::ffff:a.b.c.d); ports in host byte order.
 */
#ifndef FLOWMON_H
#define FLOWMON_H

#define FLOWMON_ADDR_LEN 16
#define FLOWMON_COMM_LEN 16

/* ---------------------------------------------------------------- socket owners (TC and ownership) */

/* How the owner of a socket was learnt (org.flowmond.bpf.api.OwnerMethod). */
enum owner_method {
	OWNER_CONNECT = 1,         /* cgroup connect4/6: the process called connect() */
	OWNER_ACCEPT = 2,          /* accepted from a listener: the listener's owner, then its first user */
	OWNER_EXISTING = 3,        /* the start-up scan found the socket open in this process */
	OWNER_SEND = 4,            /* the process that last sent on it (sendmsg4/6, sock_send_length) */
	OWNER_RECEIVE = 5,         /* the process that last received on it, or bound it (recvmsg4/6,
	                            * sock_recv_length, post_bind4/6) */
};

/* The process that owns a socket, kept per socket cookie in "sock_owners" and copied by the TC
 * program into the flow entries of the socket's packets. 80 bytes. */
struct sock_owner {
	__u64 stamp_ns;                    /*  0: bpf_ktime_get_ns() when written: the owner's version;
	                                    *     0 = no owner (an unstamped flow) */
	__u64 cgroup_id;                   /*  8: cgroup v2 id */
	__u32 pid;                         /* 16: tgid */
	__u32 tid;                         /* 20: the thread that connected/sent/received */
	__u32 uid;                         /* 24: real uid */
	__u32 gid;                         /* 28 */
	__u32 ppid;                        /* 32: real parent's tgid */
	__u8  method;                      /* 36: enum owner_method */
	__u8  tuple_known;                 /* 37: the socket's 5-tuple is in "owner_tuples" (set in place
	                                    *     by sock_owner.bpf.c; not part of the owner) */
	__u8  forget_at_close;             /* 38: the sockops state callback forgets this TCP socket when
	                                    *     it reaches CLOSE, after its FIN exchange (not part of the
	                                    *     owner, like tuple_known) */
	__u8  _pad;                        /* 39 */
	char  comm[FLOWMON_COMM_LEN];      /* 40: the process's (thread group leader's) name */
	char  parent_comm[FLOWMON_COMM_LEN]; /* 56 */
	__u32 netns_ino;                   /* 72: the network namespace the socket lives in */
	__u32 _pad2;                       /* 76 */
};

/* ---------------------------------------------------------------- TC flow counting */

enum flowmon_direction {
	FLOWMON_INGRESS = 0,
	FLOWMON_EGRESS = 1,
};

/* Key of one unidirectional flow as seen by one hook. 48 bytes.
 * netns_ino names the network namespace of the hooked device (ifindexes and addresses repeat
 * across namespaces): a load-time constant of the program instance attached there, see
 * tc_flow.bpf.c. */
struct flow_key {
	__u8  src_addr[FLOWMON_ADDR_LEN];  /*  0 */
	__u8  dst_addr[FLOWMON_ADDR_LEN];  /* 16 */
	__u32 ifindex;                     /* 32 */
	__u16 src_port;                    /* 36: ICMP/ICMPv6: type */
	__u16 dst_port;                    /* 38: ICMP/ICMPv6: code */
	__u16 eth_proto;                   /* 40: host order, 0x0800 / 0x86DD */
	__u8  proto;                       /* 42: IP protocol number */
	__u8  direction;                   /* 43: enum flowmon_direction */
	__u32 netns_ino;                   /* 44: inode of the counting network namespace */
};

/*
 * TCP health of one unidirectional flow (tc_tcp.bpf.h), zero for other protocols and when the
 * program was loaded with tcp_health_enabled = false. 88 bytes.
 * Plain stores, no atomics: the segments of one direction of a connection pass one hook on one CPU
 * at a time (the socket lock on transmit, RSS/RPS steering by the 4-tuple on receive).
 */
struct tcp_health {
	__u64 syn_ns;                      /*  0: bpf_ktime_get_ns() of the first SYN without ACK; 0 = none */
	__u64 synack_ns;                   /*  8: ... of the first SYN+ACK */
	__u64 ack_ns;                      /* 16: ... of the first segment with ACK and without SYN (FIN, RST,
	                                    *      URG excluded; ECE, CWR, PSH, NS ignored) */
	__u64 retrans_pkts;                /* 24: wire segments (max(1, gso_segs)) carrying payload, SYN or FIN
	                                    *      whose seq is before seq_next: TcpRetransSegs' unit */
	__u64 retrans_bytes;               /* 32: their TCP payload bytes: tcp_info bytes_retrans' unit */
	__u64 srtt_sum_us;                 /* 40: sum of the local socket's srtt samples (egress only) */
	__u64 srtt_last_ns;                /* 48: when the last srtt sample was taken */
	__u32 seq_next;                    /* 56: highest seq + payload (+1 per SYN, FIN) seen, serial order */
	__u32 ooo_pkts;                    /* 60: skbs with sequence space whose seq is after seq_next: a hole */
	__u32 rst_pkts;                    /* 64: segments with RST */
	__u32 zero_win_pkts;               /* 68: segments with window 0, neither SYN nor RST */
	__u32 srtt_min_us;                 /* 72: smallest srtt sample (tcp_sock srtt_us >> 3) */
	__u32 srtt_max_us;                 /* 76 */
	__u32 srtt_samples;                /* 80: at most one per millisecond per entry */
	__u8  seq_init;                    /* 84: seq_next holds a value */
	__u8  _pad[3];                     /* 85 */
};

/* Counters of one unidirectional flow and the processes at its ends. 296 bytes.
 * A "packet" is a wire packet: a GSO/GRO super-packet counts as skb->gso_segs packets, and
 * "bytes" is the IP bytes those wire packets carry (the L3+L4 headers repeated per segment). */
struct flow_stats {
	__u64 packets;                     /*   0 */
	__u64 bytes;                       /*   8: IP length (L3 header + payload) */
	__u64 first_seen_ns;               /*  16: bpf_ktime_get_ns(), CLOCK_MONOTONIC */
	__u64 last_seen_ns;                /*  24 */
	__u32 tcp_flags;                   /*  32: OR of the 9 TCP flag bits (FIN=0x01 ... NS=0x100);
	                                    *      32 bits because BPF atomics (fetch-and-or) are 32/64-bit */
	__u32 owner_misses;                /*  36: OWNER_MISS_* bits: why an end has no owner */
	__u64 owner_check_ns;              /*  40: when the address lookups for the owners last ran */
	struct sock_owner src_owner;       /*  48: the local process that sent, stamp_ns 0 if none */
	struct sock_owner dst_owner;       /* 128: the local process that receives, stamp_ns 0 if none */
	struct tcp_health tcp;             /* 208 */
};

/* A packet that could not be counted in the flow map (map full, ...): sent to user space
 * through the overflow ring buffer so it is still accounted. 352 bytes. */
struct flow_overflow_event {
	struct flow_key   key;             /*  0 */
	__u32             error;           /* 48: -errno of the failed map update, positive */
	__u32             _pad;            /* 52 */
	struct flow_stats stats;           /* 56: this skb alone (gso_segs wire packets if GSO) */
};

/* Index into the TC program's per-CPU counter array "tc_counters". */
enum flowmon_tc_counter {
	TC_CTR_MAP_FULL = 0,       /* flow map update failed with E2BIG: record sent to overflow ring */
	TC_CTR_MAP_NOMEM,          /* ... with ENOMEM */
	TC_CTR_MAP_OTHER,          /* ... with any other error */
	TC_CTR_OVERFLOW_LOST,      /* overflow ring full too: packet not accounted anywhere */
	TC_CTR_TRUNCATED,          /* headers shorter than their protocol says: counted with ports 0 */
	TC_CTR_NON_IP,             /* not IPv4/IPv6: counted in "nonip_frames" under its EtherType */
	TC_CTR_EXT_HDR_LIMIT,      /* IPv6 extension header chain longer than the parser follows:
	                            * counted with proto = the last header reached, ports 0 */
	TC_CTR_NON_IP_LOST,        /* frame without IP addresses not counted in "nonip_frames":
	                            * its EtherType found no room and the NONIP_OTHER slot is missing */
	TC_CTR_INSERTED,           /* new entries in the flow map: while it has not moved since a read
	                            * found the map empty, user space need not read it again (walking
	                            * an empty hash map visits every bucket) */
	TC_CTR_MAX,
};

/*
 * Frames without IP addresses (not IPv4/IPv6, or an IP header too short to read) never enter
 * the flow map: "nonip_frames" counts them per EtherType (key: the EtherType, host order, as in
 * flow_key.eth_proto). Once NONIP_MAX_TYPES EtherTypes are in the map, further ones are added to
 * the NONIP_OTHER slot, which user space inserts before attaching.
 */
#define NONIP_MAX_TYPES 64
#define NONIP_OTHER     0x10000    /* above every 16-bit EtherType */

/* Value of "nonip_frames". 16 bytes. */
struct nonip_stats {
	__u64 packets;                     /*  0 */
	__u64 bytes;                       /*  8: frame length after the link-layer header and tags */
};

/* ---------------------------------------------------------------- syscall probes */

/* Sizes of the in-kernel filter arrays (const volatile globals of the sock_*.bpf.c objects). */
#define FLOWMON_MAX_FILTER_PIDS  16
#define FLOWMON_MAX_FILTER_PORTS 16

enum sock_event_kind {
	SOCK_EV_CONNECT = 1,       /* this process called connect(); the SYN was sent */
	SOCK_EV_ACCEPT = 2,        /* this process accepted the connection */
	SOCK_EV_EXISTING = 3,      /* found at start-up: the socket already existed */
};

/* How a connect ended: the socket-level hooks see the handshake's end (tp_btf inet_sock_set_state
 * SYN_SENT -> ESTABLISHED or -> CLOSE with sk_err); the other variants report the SYN (NONE). */
enum connect_outcome {
	CONNECT_NONE = 0,
	CONNECT_ESTABLISHED = 1,
	CONNECT_REFUSED = 2,       /* sk_err ECONNREFUSED: the peer reset the SYN */
	CONNECT_TIMED_OUT = 3,     /* ETIMEDOUT: SYN retries ran out */
	CONNECT_UNREACHABLE = 4,   /* EHOSTUNREACH / ENETUNREACH: an ICMP error */
	CONNECT_OTHER = 5,         /* any other error, or closed before the handshake ended */
};

/* One TCP connect or accept, in the context of the calling process. 112 bytes.
 * The same record carries EXISTING sockets out of the start-up iterator (sock_iter.bpf.c). */
struct sock_event {
	__u64 timestamp_ns;                /*   0: bpf_ktime_get_ns() */
	__u64 cgroup_id;                   /*   8: cgroup v2 id, as bpf_get_current_cgroup_id() */
	__u32 pid;                         /*  16: tgid, the process */
	__u32 tid;                         /*  20: the thread */
	__u32 uid;                         /*  24: real uid, as bpf_get_current_uid_gid() */
	__u32 gid;                         /*  28 */
	__u32 ppid;                        /*  32: real parent's tgid */
	__u32 netns_ino;                   /*  36: inode number of the socket's network namespace */
	__u8  saddr[FLOWMON_ADDR_LEN];     /*  40: local address */
	__u8  daddr[FLOWMON_ADDR_LEN];     /*  56: remote address */
	__u16 sport;                       /*  72: local port */
	__u16 dport;                       /*  74: remote port */
	__u16 family;                      /*  76: AF_INET (2) or AF_INET6 (10) of the packets: an
	                                    *      AF_INET6 socket talking to a v4-mapped peer is AF_INET */
	__u8  kind;                        /*  78: enum sock_event_kind */
	__u8  outcome;                     /*  79: enum connect_outcome (CONNECT events of the socket-level
	                                    *      hooks), 0 otherwise */
	char  comm[FLOWMON_COMM_LEN];      /*  80: the process's (thread group leader's) name; NUL-terminated unless 16 chars long */
	char  parent_comm[FLOWMON_COMM_LEN]; /* 96 */
};

/* Index into the syscall programs' per-CPU counter array "sock_counters". */
enum flowmon_sock_counter {
	SOCK_CTR_RINGBUF_FULL = 0, /* bpf_ringbuf_output failed: event lost */
	SOCK_CTR_STASH_FULL,       /* entry/exit stash map full: event lost */
	SOCK_CTR_FILTERED,         /* dropped by a pid/port filter (not an error) */
	SOCK_CTR_NO_OWNER,         /* SOCKET variant: a connect/accept whose socket has no owner in the
	                            * ownership maps (made before the hooks were attached, or map full) */
	SOCK_CTR_MAX,
};

/* ---------------------------------------------------------------- socket ownership */

/* Key of "owner_endpoints": a bound or listening local endpoint -> the binding socket's cookie.
 * Packets without a socket (ingress) find a server's owner here; an accepted TCP socket inherits
 * its listener's owner from here until its first send or receive says which process uses it.
 * 24 bytes. */
struct owner_endpoint {
	__u8  addr[FLOWMON_ADDR_LEN];      /*  0: local address (IPv4 mapped); all zero for a wildcard bind */
	__u16 port;                        /* 16: local port, host order */
	__u8  proto;                       /* 18: IPPROTO_TCP or IPPROTO_UDP */
	__u8  _pad;                        /* 19 */
	__u32 netns_ino;                   /* 20: the socket's network namespace: every container may bind
	                                    *     0.0.0.0:80, or 10.88.0.2:80 in namespaces of their own */
};

/* Key of "owner_tuples": a connection seen from its local end -> the local socket's cookie, for
 * packets that carry no socket (ingress, or scrubbed crossing a veth into another namespace).
 * 44 bytes. */
struct owner_tuple {
	__u8  local_addr[FLOWMON_ADDR_LEN];  /*  0 */
	__u8  remote_addr[FLOWMON_ADDR_LEN]; /* 16 */
	__u16 local_port;                  /* 32: host order */
	__u16 remote_port;                 /* 34 */
	__u8  proto;                       /* 36 */
	__u8  _pad[3];                     /* 37 */
	__u32 netns_ino;                   /* 40: the socket's network namespace (equal 5-tuples repeat
	                                    *     across namespaces with the same private addresses) */
};

/* Key of "owner_addr_netns": a local address, for the lookups of a flow counted in another
 * namespace than its sockets' (the host's end of a container's veth). */
struct owner_addr {
	__u8  addr[FLOWMON_ADDR_LEN];      /* 0: IPv4 mapped */
};

/* Value of "owner_addr_netns": the last two distinct network namespaces whose sockets used the
 * address (copies of one private network repeat addresses). 8 bytes. */
struct owner_addr_netns {
	__u32 latest;                      /* 0 */
	__u32 previous;                    /* 4: 0 if none */
};

/* Output of the seeding iterator: an open socket that has no cookie yet. 8 bytes. */
struct owner_seed_miss {
	__u32 pid;                         /* 0: tgid holding it */
	__u32 fd;                          /* 4: its descriptor there */
};

/* Index into the ownership programs' per-CPU counter array "owner_counters" (shared by the TC
 * program, which reuses the map). */
enum flowmon_owner_counter {
	OWNER_CTR_OWNER_FULL = 0,  /* sock_owners update failed: the socket stays without owner */
	OWNER_CTR_ENDPOINT_FULL,   /* owner_endpoints update failed */
	OWNER_CTR_TUPLE_FULL,      /* owner_tuples (or owner_addr_netns) update failed */
	OWNER_CTR_NO_OWNER_SOCKET, /* TC: the packet's socket has no owner */
	OWNER_CTR_NO_OWNER_ADDR,   /* TC: no socket, and neither 5-tuple nor local endpoint known */
	OWNER_CTR_SEEDED,          /* owners written by the start-up scan */
	OWNER_CTR_AMBIGUOUS,       /* TC: an end found by address in two namespaces (at once, or one after
	                            * the other): it gets no owner for the rest of its flow entry */
	OWNER_CTR_MAX,
};

#endif /* FLOWMON_H */
