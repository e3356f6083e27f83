package org.flowmond.bpf.tc;

/**
 * Settings of a {@link TcFlowMonitor}, passed in by the daemon (which reads the configuration).
 *
 * @param maxFlows          size of the preallocated flow map (entries); memory ≈ 150 bytes each
 * @param overflowRingBytes size of the overflow ring buffer: a power of 2, a multiple of the page size
 * @param overflowPollMillis how often the overflow reader wakes up when the kernel does not wake it;
 *                          1 s by default: the kernel wakes the reader once the ring is a quarter full,
 *                          so a longer wait loses nothing, and the daemon takes the records once per
 *                          scan (1 s) anyway. Waking every 100 ms cost an idle daemon 80–90 ms of CPU
 *                          in 30 s, now 10 ms (per-thread CPU of an idle daemon, bench/idle.sh). A
 *                          caller that calls {@link TcFlowMonitor#wakeOverflowReaderIfPending()}
 *                          regularly can make it long ({@link #withOverflowPollMillis})
 * @param attachMode        TCX links, classic tc filters, or whichever the kernel has (TCX first)
 * @param tcPriority        priority (pref) of the classic tc filters, 1–65535: lower runs earlier;
 *                          1 (the default) runs before every filter with a higher number
 * @param tcpHealth         whether the TC program keeps the TCP health counters ({@code UniFlow.tcp()});
 *                          false loads it with {@code tcp_health_enabled} false, so the verifier drops
 *                          that code and the counters stay zero
 */
public record TcFlowMonitorOptions(int maxFlows, int overflowRingBytes, int overflowPollMillis,
                                   TcAttachMode attachMode, int tcPriority, boolean tcpHealth) {
    /** The classic tc filters' default priority: first. */
    public static final int DEFAULT_TC_PRIORITY = 1;

    public TcFlowMonitorOptions {
        if (maxFlows <= 0) {
            throw new IllegalArgumentException("maxFlows must be positive: " + maxFlows);
        }
        if (overflowRingBytes < 4096 || Integer.bitCount(overflowRingBytes) != 1) {
            throw new IllegalArgumentException("overflowRingBytes must be a power of 2 of at least 4096: "
                    + overflowRingBytes);
        }
        if (overflowPollMillis <= 0) {
            throw new IllegalArgumentException("overflowPollMillis must be positive: " + overflowPollMillis);
        }
        if (attachMode == null) {
            throw new IllegalArgumentException("attachMode is required");
        }
        if (tcPriority < 1 || tcPriority > 0xFFFF) {
            throw new IllegalArgumentException("tcPriority must be 1-65535: " + tcPriority);
        }
    }

    /** Options with TCP health on (the default). */
    public TcFlowMonitorOptions(int maxFlows, int overflowRingBytes, int overflowPollMillis,
                                TcAttachMode attachMode, int tcPriority) {
        this(maxFlows, overflowRingBytes, overflowPollMillis, attachMode, tcPriority, true);
    }

    public static TcFlowMonitorOptions withMaxFlows(int maxFlows) {
        return new TcFlowMonitorOptions(maxFlows, 1 << 20, 1000, TcAttachMode.AUTO, DEFAULT_TC_PRIORITY);
    }

    /** These options with another attach mode and classic tc priority. */
    public TcFlowMonitorOptions withAttach(TcAttachMode mode, int priority) {
        return new TcFlowMonitorOptions(maxFlows, overflowRingBytes, overflowPollMillis, mode, priority, tcpHealth);
    }

    /** These options with another overflow poll interval. */
    public TcFlowMonitorOptions withOverflowPollMillis(int millis) {
        return new TcFlowMonitorOptions(maxFlows, overflowRingBytes, millis, attachMode, tcPriority, tcpHealth);
    }

    /** These options with TCP health on or off. */
    public TcFlowMonitorOptions withTcpHealth(boolean on) {
        return new TcFlowMonitorOptions(maxFlows, overflowRingBytes, overflowPollMillis, attachMode, tcPriority, on);
    }
}
