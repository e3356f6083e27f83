package org.flowmond.ipfix.message;

import java.util.List;
import java.util.Objects;

/**
 * A Data Set (RFC 7011 section 3.3.1): records of one template; the set id is the template id.
 * flowmond never pads sets (padding is optional, section 3.3.1).
 */
public record DataSet<R>(RecordLayout<R> layout, List<R> records) implements IpfixSet {

    /**
     * {@code records} is not copied: the packer hands over read-only views of records it never
     * touches again (copying would double the packer's allocation). Index it: it is RandomAccess.
     */
    public DataSet {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(records, "records");
    }

    @Override
    public int setId() {
        return layout.templateId();
    }

    @Override
    public int encodedLength() {
        int length = HEADER_LENGTH;
        for (int i = 0; i < records.size(); i++) {
            length += layout.encodedLength(records.get(i));
        }
        return length;
    }

    @Override
    public int dataRecordCount() {
        return records.size();
    }
}
