package org.flowmond.ipfix.template;

import io.netty.buffer.ByteBuf;

/** Writes one field of a data record: the value of one element, taken from a record of type R. */
@FunctionalInterface
public interface FieldWriter<R> {
    void write(R record, ByteBuf out);

    /**
     * A field of variable length (RFC 7011 section 7): it also says how many octets it will write,
     * length prefix included, so that messages can be sized before encoding.
     */
    interface Variable<R> extends FieldWriter<R> {
        int encodedLength(R record);
    }
}
