package org.flowmond.ipfix.encode;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The records of one data set: a read-only view of a run of the packer's per-message record
 * array, which the packer never writes again once the run is closed. One array per message
 * instead of one list per set keeps packing to a few small objects per message.
 */
final class RecordSlice<R> extends AbstractList<R> implements RandomAccess {
    private final Object[] records;
    private final int from;
    private final int size;

    RecordSlice(Object[] records, int from, int to) {
        this.records = records;
        this.from = from;
        this.size = to - from;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return (R) records[from + index];
    }

    @Override
    public int size() {
        return size;
    }
}
