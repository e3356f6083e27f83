package org.flowmond.ipfix.message;

import java.util.List;

/** A Template Set (RFC 7011 section 3.3.1, set id 2). */
public record TemplateSet(List<TemplateRecord> records) implements IpfixSet {
    public static final int SET_ID = 2;

    public TemplateSet {
        records = List.copyOf(records);
    }

    @Override
    public int setId() {
        return SET_ID;
    }

    @Override
    public int encodedLength() {
        int length = HEADER_LENGTH;
        for (TemplateRecord r : records) {
            length += r.encodedLength();
        }
        return length;
    }

    @Override
    public int dataRecordCount() {
        return 0;
    }
}
