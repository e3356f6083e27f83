package org.flowmond.ipfix;

/**
 * What the TCP connections of one syscall flow (a process, a destination, a port) looked like:
 * "this process keeps connecting to a host that answers slowly". Values are unsigned and cover the
 * connections folded into one syscall-flow record. Microsecond values above 2^32-1 are sent as 2^32-1.
 *
 * @param worstHandshakeMicros  the longest handshake of those connections, µs; 0 = none measured
 * @param meanHandshakeMicros   their mean handshake, µs; 0 = none measured
 * @param retransmittedPackets  segments those connections retransmitted (delta for this record)
 */
public record ConnectHealth(long worstHandshakeMicros, long meanHandshakeMicros, long retransmittedPackets) {

    public ConnectHealth {
        if (worstHandshakeMicros < 0 || meanHandshakeMicros < 0 || retransmittedPackets < 0) {
            throw new IllegalArgumentException("connect health values must not be negative: " + worstHandshakeMicros
                    + ", " + meanHandshakeMicros + ", " + retransmittedPackets);
        }
    }
}
