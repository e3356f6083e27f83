package org.flowmond.daemon.flow;

import org.flowmond.ipfix.FlowEndReason;

/**
 * One exported syscall flow: the calls since its previous export (or its start). The table's form,
 * for every output (times on the wall clock, nanoseconds since the epoch; the kernel's kind and
 * connect outcome, the whole process); IpfixOutput turns it into the exporter's
 * {@link org.flowmond.ipfix.SyscallFlowRecord} (milliseconds, one {@code SyscallKind}), as it turns a
 * {@link BiflowRecord} into a {@code FlowRecord}.
 *
 * @param key     the flow
 * @param process the process (details as of its latest call)
 * @param stats   count, first and last call of this record; MTBS derives from them
 * @param reason  why it was exported
 * @param health  for connects: the handshake and retransmissions of the connections these calls
 *                opened, as far as their biflows were exported; null when none is known
 */
public record SyscallFlowRecord(SyscallFlowKey key, ProcessInfo process, SyscallStats stats, FlowEndReason reason,
                                HandshakeStats health) {

    /** A record without connection health (accepts, or none measured). */
    public SyscallFlowRecord(SyscallFlowKey key, ProcessInfo process, SyscallStats stats, FlowEndReason reason) {
        this(key, process, stats, reason, null);
    }
}
