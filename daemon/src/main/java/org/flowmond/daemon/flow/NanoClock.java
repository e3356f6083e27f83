package org.flowmond.daemon.flow;

import java.time.Instant;

/**
 * Wall-clock time in nanoseconds since the epoch, the same scale as the timestamps in
 * {@link org.flowmond.bpf.api.FlowCounters} and {@link org.flowmond.bpf.api.SocketEvent}.
 * Injected everywhere time matters so that tests drive expiry by hand.
 */
@FunctionalInterface
public interface NanoClock {

    long nowNanos();

    /** The real wall clock. */
    static NanoClock system() {
        return () -> {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }
}
