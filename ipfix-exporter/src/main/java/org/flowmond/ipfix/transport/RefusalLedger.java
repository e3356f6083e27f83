package org.flowmond.ipfix.transport;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * What a UDP collector refused, estimated from the ICMP errors the kernel reports for its
 * connected socket. The kernel says only that an error came back, not for which datagram; the
 * rule: <em>each ICMP error is charged to the oldest message sent to that collector within the
 * last second that has not been charged yet</em>, and that message's flow records count as not
 * delivered. Errors come back in the order the datagrams went, so on a local network the
 * estimate is exact; an error with no such message (sent longer ago) is counted without records.
 * Used on the export thread only.
 */
final class RefusalLedger {
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Messages sent within the window and not charged: send time and flow records, oldest first. */
    private final ArrayDeque<long[]> recent = new ArrayDeque<>();
    /** A message left the window without drawing an error since the last error. */
    private boolean accepted;

    /** A message was handed to the kernel at {@code nowNanos}. */
    void sent(long nowNanos, int flowRecords) {
        expire(nowNanos);
        recent.addLast(new long[] {nowNanos, flowRecords});
    }

    /** An ICMP error came back: the flow records of the message it is charged to (0 if none). */
    int charge(long nowNanos) {
        expire(nowNanos);
        accepted = false;
        long[] oldest = recent.pollFirst();
        return oldest == null ? 0 : (int) oldest[1];
    }

    /** Whether, since the last error, a message stayed a whole window without drawing one: the collector accepts. */
    boolean acceptedSinceLastError(long nowNanos) {
        expire(nowNanos);
        return accepted;
    }

    /**
     * Nanoseconds until {@link #acceptedSinceLastError} may turn true: 0 if it is already, when the
     * oldest uncharged message leaves the window, Long.MAX_VALUE if none is waiting.
     */
    long nanosUntilAcceptedMayChange(long nowNanos) {
        if (accepted) {
            return 0;
        }
        long[] oldest = recent.peekFirst();
        return oldest == null ? Long.MAX_VALUE : WINDOW_NANOS + 1 - (nowNanos - oldest[0]);
    }

    private void expire(long nowNanos) {
        while (!recent.isEmpty() && nowNanos - recent.peekFirst()[0] > WINDOW_NANOS) {
            recent.pollFirst();
            accepted = true;
        }
    }
}
