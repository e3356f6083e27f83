package org.flowmond.daemon.config;

import java.time.Duration;

/**
 * {@code flowmon.flows.*}: flow table sizes and expiry.
 *
 * @param maxFlows        {@code max-flows}: most biflows kept at once
 * @param maxSyscallFlows {@code max-syscall-flows}: most syscall flows kept at once
 * @param idleTimeout     {@code idle-timeout}
 * @param activeTimeout   {@code active-timeout} (>= idleTimeout)
 * @param finLinger       {@code fin-linger}: wait after FIN/RST before export
 */
public record FlowSettings(int maxFlows, int maxSyscallFlows, Duration idleTimeout,
                           Duration activeTimeout, Duration finLinger) {
}
