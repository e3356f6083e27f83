package org.flowmond.ipfix.transport;

import io.netty.buffer.ByteBuf;
import org.flowmond.ipfix.message.RecordLayout;

/** A test record layout (template 256): each record is its int, padded with zeros to {@code length} octets. */
record IntLayout(int length) implements RecordLayout<Integer> {

    @Override
    public int templateId() {
        return 256;
    }

    @Override
    public int encodedLength(Integer record) {
        return length;
    }

    @Override
    public void encode(Integer record, ByteBuf out) {
        out.writeInt(record);
        out.writeZero(length - 4);
    }
}
