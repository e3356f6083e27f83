package org.flowmond.ipfix;

/** How a collector is reached (RFC 7011 section 10). */
public enum Transport {
    /** One message per datagram, MTU-sized; templates re-sent on a timer (section 10.3). */
    UDP,
    /** A stream of messages up to 65535 octets; templates once per connection (section 10.4). */
    TCP,
    /** TCP inside TLS 1.2/1.3 with mutual authentication (section 11). */
    TLS;

    /** Whether messages go over a connection (TCP or TLS) rather than datagrams. */
    public boolean isStream() {
        return this != UDP;
    }
}
