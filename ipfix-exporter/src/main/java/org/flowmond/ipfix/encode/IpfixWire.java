package org.flowmond.ipfix.encode;

/** Constants of the RFC 7011 wire format that only the encoder needs. */
final class IpfixWire {
    /** Version Number of the message header (RFC 7011 section 3.1). */
    static final int VERSION = 10;
    /** The top bit of a field specifier's element id: an enterprise number follows (section 3.2). */
    static final int ENTERPRISE_BIT = 0x8000;

    private IpfixWire() {
    }
}
