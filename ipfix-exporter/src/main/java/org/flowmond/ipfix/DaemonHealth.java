package org.flowmond.ipfix;

import java.util.Objects;

/**
 * The daemon's health as the exporter sends it in options records (flowmond elements 110–116,
 * scope exportingProcessId, observation domain 0). Counters are totals since the daemon started.
 *
 * @param flowsActive       biflows in the flow table now
 * @param flowsExported     biflow records exported
 * @param droppedMapFull    packets the kernel could not count (flow map full)
 * @param droppedRingBuffer kernel events lost to a full ring buffer
 * @param droppedSendQueue  records dropped by a full IPFIX send queue
 * @param droppedEventQueue socket events dropped by the daemon's full event queue
 * @param probeVariant      the syscall probes in use
 */
public record DaemonHealth(long flowsActive, long flowsExported, long droppedMapFull, long droppedRingBuffer,
                           long droppedSendQueue, long droppedEventQueue, ProbeVariant probeVariant) {

    public DaemonHealth {
        Objects.requireNonNull(probeVariant, "probeVariant");
    }
}
