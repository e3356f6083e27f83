package org.flowmond.ipfix;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The exporter-wide counters: written by callers of export() and by the export thread. */
final class ExporterCounters {
    final LongAdder queued = new LongAdder();
    final LongAdder droppedQueueFull = new LongAdder();
    final LongAdder droppedClosed = new LongAdder();
    /** Flow data records (uniflow records count one each) dropped before encoding: notSentFlowTotalCount. */
    final LongAdder notSentFlowRecords = new LongAdder();
    final AtomicLong skippedEmpty = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong flowRecordsEncoded = new AtomicLong();
    final AtomicLong messagesEncoded = new AtomicLong();
    volatile long ignoredPacketTotal;
    /** The daemon's latest health, sent with the statistics; null until the daemon gives one. */
    volatile DaemonHealth daemonHealth;
}
