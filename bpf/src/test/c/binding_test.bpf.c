// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * binding_test.bpf.c — exercises the Java libbpf binding (org.flowmond.bpf.libbpf tests), not
 * product code. One program per attach type the binding supports, plus maps of each kind.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#define ETH_P_IP 0x0800
#define IPPROTO_ICMP_ 1
#define TC_ACT_OK 0

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Globals set from Java between open and load (BpfObject.setGlobal*). */
const volatile __u32 target_tid = 0;
const volatile __u64 magic = 0;
const volatile bool enabled = false;
const volatile __u16 ports[4] = {};

/* Event sent per getppid() of target_tid. Must match RingBufferTest's decoding. 24 bytes. */
struct test_event {
	__u64 magic;   /*  0 */
	__u32 tid;     /*  8 */
	__u32 seq;     /* 12 */
	__u16 ports_sum; /* 16: sum of ports[], proves a __u16 array global */
	__u8  enabled; /* 18 */
	__u8  _pad[5]; /* 19 */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* A second ring: the tid of every event again (RingBuffer.add with two maps). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events2 SEC(".maps");

/* tid → number of getppid() calls; also used from Java for element operations. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} kv SEC(".maps");

/* [0] getppid calls, [1] ICMP packets seen by tc, [2] their IP bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Per-CPU hash, for batched reads of per-CPU values. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_kv SEC(".maps");

static __always_inline void count(__u32 index, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &index);

	if (v)
		*v += n; /* per-CPU slot: no other CPU writes it */
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 one = 1, *calls;
	struct test_event *e;

	if (!enabled || tid != target_tid)
		return 0;
	count(0, 1);
	calls = bpf_map_lookup_elem(&kv, &tid);
	if (calls)
		__sync_fetch_and_add(calls, 1);
	else
		bpf_map_update_elem(&kv, &tid, &one, BPF_NOEXIST);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->magic = magic;
	e->tid = tid;
	calls = bpf_map_lookup_elem(&kv, &tid);
	e->seq = calls ? (__u32)*calls : 0;
	e->ports_sum = ports[0] + ports[1] + ports[2] + ports[3];
	e->enabled = enabled;
	__builtin_memset(e->_pad, 0, sizeof(e->_pad));
	bpf_ringbuf_submit(e, 0);
	bpf_ringbuf_output(&events2, &tid, sizeof(tid), 0);
	return 0;
}

/* Counts IPv4 ICMP packets and their IP bytes; never changes traffic. */
SEC("tc")
int tc_count_icmp(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_ICMP_)
		return TC_ACT_OK;
	count(1, 1);
	count(2, bpf_ntohs(ip->tot_len));
	return TC_ACT_OK;
}

/* Loads here but cannot attach (no CONFIG_KPROBES): proves the error path. */
SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(kprobe_connect, struct sock *sk)
{
	count(3, 1);
	return 0;
}

/* Writes "tgid\n" for every task: proves iterator links. */
SEC("iter/task")
int iter_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (!task || task->pid != task->tgid)
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%d\n", task->tgid);
	return 0;
}
