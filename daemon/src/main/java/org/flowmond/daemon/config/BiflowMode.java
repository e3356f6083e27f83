package org.flowmond.daemon.config;

/** {@code flowmon.export.biflow}: how a bidirectional flow becomes IPFIX records. */
public enum BiflowMode {
    /** One record with RFC 5103 reverse elements. */
    RFC5103,
    /** One record with the reverse counters in elements 23/24, as nProbe does. */
    NTOP,
    /** Two records, one per direction. */
    UNIFLOW
}
