package org.flowmond.ipfix.message;

/** A Set (RFC 7011 section 3.3): a set header (id, length) followed by records of one kind. */
public sealed interface IpfixSet permits TemplateSet, OptionsTemplateSet, DataSet {
    /** Set header size: set id and length, two octets each (RFC 7011 section 3.3.2). */
    int HEADER_LENGTH = 4;

    /** 2 for templates, 3 for options templates, the template id (256 and above) for data. */
    int setId();

    /** Octets on the wire, set header included. */
    int encodedLength();

    /** Data records in this set: what the message sequence number counts (RFC 7011 section 3.1). */
    int dataRecordCount();
}
