package org.flowmond.bpf.tc;

/**
 * Settings of a {@link TcFlowMonitor}, passed in by the daemon (which reads the configuration).
 *
 * @param maxFlows          size of the preallocated flow map (entries); memory ≈ 150 bytes each
 * @param overflowRingBytes size of the overflow ring buffer: a power of 2, a multiple of the page size
 * @param overflowPollMillis how often the overflow reader wakes up when the kernel does not wake it
 */
public record TcFlowMonitorOptions(int maxFlows, int overflowRingBytes, int overflowPollMillis) {
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
    }

    public static TcFlowMonitorOptions withMaxFlows(int maxFlows) {
        return new TcFlowMonitorOptions(maxFlows, 1 << 20, 100);
    }
}
