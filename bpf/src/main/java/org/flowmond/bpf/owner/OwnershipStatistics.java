package org.flowmond.bpf.owner;

import java.util.List;

/**
 * What the socket-ownership maps could not hold, and the lookups that found no owner, by reason:
 * the kernel's per-CPU counters ({@code enum flowmon_owner_counter} in flowmon.h, summed over
 * CPUs). Counters only grow while {@link SocketOwnership} is open.
 *
 * @param ownerMapFull       owners not recorded: the owner map was full (the socket stays without owner)
 * @param endpointMapFull    bound/listening endpoints not recorded: the endpoint map was full
 * @param tupleMapFull       5-tuples not recorded (the map is an LRU: an old entry was evicted instead, so
 *                           this counts only failures that evicted nothing)
 * @param noOwnerForSocket   TC lookups of a packet that carried a local socket the maps know no owner of
 *                           (a socket older than flowmond not seen by the scan, a kernel socket, a full map)
 * @param noOwnerForAddress  TC lookups of a packet without a socket (ingress, forwarded, crossing a veth)
 *                           whose 5-tuple and local endpoint are unknown (a remote end, or a local one
 *                           that has not sent yet)
 * @param seeded             owners written by the start-up scan (method EXISTING)
 * @param ambiguousAddress   TC lookups by address that found an end in two network namespaces (at once,
 *                           or another than the one it was found in before: copies of one private
 *                           network repeat addresses); the end gets no owner for the rest of its flow
 *                           entry rather than possibly the wrong namespace's
 * @param recursionMisses    hits of the tracing hooks (the send/receive tracepoints) the kernel did not run
 *                           the program for, because it was already running on that CPU: an owner
 *                           change those runs would have recorded is lost until the socket's next call
 * @param hooks              the kernel hooks attached, e.g. {@code cgroup/connect4}, {@code tp_btf/sock_send_length}
 */
public record OwnershipStatistics(long ownerMapFull, long endpointMapFull, long tupleMapFull, long noOwnerForSocket,
                                  long noOwnerForAddress, long seeded, long ambiguousAddress, long recursionMisses,
                                  List<String> hooks) {
    public OwnershipStatistics {
        hooks = List.copyOf(hooks);
    }

    /** Statistics with no ambiguous lookups and no recursion misses. */
    public OwnershipStatistics(long ownerMapFull, long endpointMapFull, long tupleMapFull, long noOwnerForSocket,
                               long noOwnerForAddress, long seeded, List<String> hooks) {
        this(ownerMapFull, endpointMapFull, tupleMapFull, noOwnerForSocket, noOwnerForAddress, seeded, 0, 0, hooks);
    }

    /** Owners lost because a map was full. */
    public long lost() {
        return ownerMapFull + endpointMapFull + tupleMapFull;
    }
}
