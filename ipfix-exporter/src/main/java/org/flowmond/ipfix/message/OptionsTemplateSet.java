package org.flowmond.ipfix.message;

import java.util.List;

/** An Options Template Set (RFC 7011 section 3.3.1, set id 3). */
public record OptionsTemplateSet(List<OptionsTemplateRecord> records) implements IpfixSet {
    public static final int SET_ID = 3;

    public OptionsTemplateSet {
        records = List.copyOf(records);
    }

    @Override
    public int setId() {
        return SET_ID;
    }

    @Override
    public int encodedLength() {
        int length = HEADER_LENGTH;
        for (OptionsTemplateRecord r : records) {
            length += r.encodedLength();
        }
        return length;
    }

    @Override
    public int dataRecordCount() {
        return 0;
    }
}
