package org.flowmond.bpf.tc;

/**
 * Settings of a {@link TcFlowMonitor}, passed in by the daemon (which reads the configuration).
 *
 * @param maxFlows          size of the preallocated flow map (entries); memory ≈ 150 bytes each
 * @param overflowRingBytes size of the overflow ring buffer: a power of 2, a multiple of the page size
 * @param overflowPollMillis how often the overflow reader wakes up when the kernel does not wake it
 * @param attachMode        TCX links, classic tc filters, or whichever the kernel has (TCX first)
 * @param tcPriority        priority (pref) of the classic tc filters, 1–65535: lower runs earlier;
 *                          1 (the default) runs before every filter with a higher number
 */
public record TcFlowMonitorOptions(int maxFlows, int overflowRingBytes, int overflowPollMillis,
                                   TcAttachMode attachMode, int tcPriority) {
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

    public static TcFlowMonitorOptions withMaxFlows(int maxFlows) {
        return new TcFlowMonitorOptions(maxFlows, 1 << 20, 100, TcAttachMode.AUTO, DEFAULT_TC_PRIORITY);
    }

    /** These options with another attach mode and classic tc priority. */
    public TcFlowMonitorOptions withAttach(TcAttachMode mode, int priority) {
        return new TcFlowMonitorOptions(maxFlows, overflowRingBytes, overflowPollMillis, mode, priority);
    }
}
