package org.flowmond.daemon.flow;

import java.time.Duration;

/**
 * The flow table's own parameters, so it can be built and tested without the configuration.
 *
 * @param idleTimeout     export and forget a flow with no packets (or calls) for this long
 * @param activeTimeout   export a still-active flow's delta counters this long after its previous export
 * @param finLinger       wait after FIN both ways or RST before exporting, so the last ACKs count
 * @param maxFlows        most biflows at once; beyond, the oldest-idle is exported (lack of resources)
 * @param maxSyscallFlows most syscall flows at once; same policy
 */
public record FlowTableParams(Duration idleTimeout, Duration activeTimeout, Duration finLinger,
                              int maxFlows, int maxSyscallFlows) {

    public FlowTableParams {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || activeTimeout.isNegative() || activeTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (finLinger.isNegative()) {
            throw new IllegalArgumentException("fin-linger must not be negative");
        }
        if (maxFlows < 1 || maxSyscallFlows < 1) {
            throw new IllegalArgumentException("table sizes must be at least 1");
        }
    }

    long idleNanos() {
        return idleTimeout.toNanos();
    }

    long activeNanos() {
        return activeTimeout.toNanos();
    }

    long lingerNanos() {
        return finLinger.toNanos();
    }
}
