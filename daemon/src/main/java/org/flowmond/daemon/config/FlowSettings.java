package org.flowmond.daemon.config;

import java.time.Duration;

/**
 * {@code flowmon.flows.*}: flow table sizes and expiry. The flow table takes this record itself, so
 * it is built and tested without the rest of the configuration.
 *
 * @param maxFlows        {@code max-flows}: most biflows kept at once; beyond, the oldest-idle is
 *                        exported (lack of resources)
 * @param maxSyscallFlows {@code max-syscall-flows}: most syscall flows kept at once; same policy
 * @param idleTimeout     {@code idle-timeout}: export and forget a flow with no packets (or calls) for this long
 * @param activeTimeout   {@code active-timeout} (>= idleTimeout): export a still-active flow's delta
 *                        counters this long after its previous export
 * @param finLinger       {@code fin-linger}: wait after FIN both ways or RST before export, so the last ACKs count
 */
public record FlowSettings(int maxFlows, int maxSyscallFlows, Duration idleTimeout,
                           Duration activeTimeout, Duration finLinger) {

    public FlowSettings {
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

    public long idleNanos() {
        return idleTimeout.toNanos();
    }

    public long activeNanos() {
        return activeTimeout.toNanos();
    }

    public long lingerNanos() {
        return finLinger.toNanos();
    }
}
