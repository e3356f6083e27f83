package org.flowmond.ipfix.message;

import io.netty.buffer.ByteBuf;

/**
 * How records of type {@code R} are laid out as Data Records (RFC 7011 section 3.4.3) of one
 * template: the field values, in template order, without padding between them.
 */
public interface RecordLayout<R> {
    /** The template id the data set carries as its set id. */
    int templateId();

    /** Octets {@code record} takes on the wire. */
    int encodedLength(R record);

    /** Writes {@code record}'s field values; writes exactly {@link #encodedLength} octets. */
    void encode(R record, ByteBuf out);
}
