package org.flowmond.ipfix;

/** How a bidirectional flow goes on the wire. */
public enum BiflowMode {
    /**
     * One record; the reverse direction in RFC 5103 reverse elements (PEN 29305):
     * reverseOctetDeltaCount, reversePacketDeltaCount, reverseTcpControlBits.
     */
    RFC5103,
    /**
     * One record, as nProbe sends it: forward counters in octetDeltaCount/packetDeltaCount (1/2),
     * reverse counters in postOctetDeltaCount/postPacketDeltaCount (23/24), tcpControlBits the
     * union of both directions. What nProbe and ntopng expect.
     */
    NPROBE,
    /** Two uniflow records, the second with source and destination swapped; an empty direction is not sent. */
    UNIFLOWS
}
