package org.flowmond.ipfix.message;

import java.util.List;

/**
 * An IPFIX Message (RFC 7011 section 3.1): the header fields and the sets. The version (10) and
 * the length are written by the encoder.
 *
 * @param exportTime          seconds since the epoch, unsigned32
 * @param sequenceNumber      data records sent before this message in this session, mod 2^32
 * @param observationDomainId unsigned32
 * @param sets                the sets, in order
 */
public record IpfixMessage(long exportTime, long sequenceNumber, long observationDomainId, List<IpfixSet> sets) {
    /** Message header size (RFC 7011 section 3.1). */
    public static final int HEADER_LENGTH = 16;
    /** The largest message the 16-bit length field allows. */
    public static final int MAX_LENGTH = 0xFFFF;

    public IpfixMessage {
        checkUnsigned32("export time", exportTime);
        checkUnsigned32("sequence number", sequenceNumber);
        checkUnsigned32("observation domain id", observationDomainId);
        sets = List.copyOf(sets);
    }

    private static void checkUnsigned32(String what, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " out of unsigned32 range: " + value);
        }
    }

    /** The same message for another session: its sequence number (taken mod 2^32). */
    public IpfixMessage withSequenceNumber(long sequence) {
        return new IpfixMessage(exportTime, sequence & 0xFFFF_FFFFL, observationDomainId, sets);
    }

    public IpfixMessage withExportTime(long seconds) {
        return new IpfixMessage(seconds, sequenceNumber, observationDomainId, sets);
    }

    /** Octets on the wire, header included. */
    public int encodedLength() {
        int length = HEADER_LENGTH;
        for (int i = 0; i < sets.size(); i++) {
            length += sets.get(i).encodedLength();
        }
        return length;
    }

    /** Data records in the message: how far it moves the session's sequence number. */
    public int dataRecordCount() {
        int count = 0;
        for (int i = 0; i < sets.size(); i++) {
            count += sets.get(i).dataRecordCount();
        }
        return count;
    }
}
