package org.flowmond.ipfix.encode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.IpfixSet;
import org.flowmond.ipfix.message.OptionsTemplateRecord;
import org.flowmond.ipfix.message.OptionsTemplateSet;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.ipfix.message.TemplateRecord;
import org.flowmond.ipfix.message.TemplateSet;

/**
 * Packs templates and records into messages no longer than a limit (the path MTU minus the
 * IP and UDP headers). Consecutive records of one template share a data set; a record never
 * straddles two messages. Full messages go to the sink; {@link #flush()} sends the partial one.
 * Not thread-safe: one packer per export thread. Sequence numbers are 0 here: each session
 * stamps its own.
 */
public final class MessagePacker {
    private final int maxMessageLength;
    private final long observationDomainId;
    private final LongSupplier exportTimeSeconds;
    private final Consumer<IpfixMessage> sink;

    private final List<IpfixSet> sets = new ArrayList<>();
    private int messageLength = IpfixMessage.HEADER_LENGTH;
    /** The records of the message being filled, set after set; a new array for each message. */
    private Object[] records = new Object[INITIAL_RECORDS];
    private int recordCount;
    /** The set being filled, of one of three kinds; null when the next record starts a new set. */
    private Object openLayout;
    private int openFrom;

    private static final int INITIAL_RECORDS = 16;

    public MessagePacker(int maxMessageLength, long observationDomainId, LongSupplier exportTimeSeconds,
                         Consumer<IpfixMessage> sink) {
        if (maxMessageLength < IpfixMessage.HEADER_LENGTH + IpfixSet.HEADER_LENGTH + 4
                || maxMessageLength > IpfixMessage.MAX_LENGTH) {
            throw new IllegalArgumentException("message length limit out of range: " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
        this.observationDomainId = observationDomainId;
        this.exportTimeSeconds = exportTimeSeconds;
        this.sink = sink;
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    public void addTemplate(TemplateRecord template) {
        add(TemplateSet.class, template, template.encodedLength());
    }

    /**
     * Each options template gets a set of its own: pmacct 1.7 misreads the second options
     * template of a set (it lands 4 octets too far). One per set is equally valid IPFIX.
     */
    public void addOptionsTemplate(OptionsTemplateRecord template) {
        closeOpenSet();
        add(OptionsTemplateSet.class, template, template.encodedLength());
        closeOpenSet();
    }

    /** Adds one data record; throws if even an empty message could not hold it. */
    public <R> void addRecord(RecordLayout<R> layout, R record) {
        add(layout, record, layout.encodedLength(record));
    }

    /** Whether records or templates are waiting for {@link #flush()}. */
    public boolean hasPending() {
        return openLayout != null || !sets.isEmpty();
    }

    /** Sends the partial message, if any. */
    public void flush() {
        closeOpenSet();
        if (sets.isEmpty()) {
            return;
        }
        IpfixMessage message = new IpfixMessage(exportTimeSeconds.getAsLong(), 0, observationDomainId, sets);
        sets.clear();
        messageLength = IpfixMessage.HEADER_LENGTH;
        records = new Object[INITIAL_RECORDS]; // the slices of the sent message keep the old one
        recordCount = 0;
        sink.accept(message);
    }

    private void add(Object layout, Object record, int recordLength) {
        boolean sameSet = layout == openLayout;
        int needed = sameSet ? recordLength : IpfixSet.HEADER_LENGTH + recordLength;
        if (messageLength + needed > maxMessageLength) {
            if (IpfixMessage.HEADER_LENGTH + IpfixSet.HEADER_LENGTH + recordLength > maxMessageLength) {
                throw new IllegalArgumentException("a record of " + recordLength
                        + " octets does not fit a message of at most " + maxMessageLength);
            }
            flush();
            sameSet = false;
            needed = IpfixSet.HEADER_LENGTH + recordLength;
        }
        if (!sameSet) {
            closeOpenSet();
            openLayout = layout;
            openFrom = recordCount;
        }
        if (recordCount == records.length) {
            records = Arrays.copyOf(records, records.length * 2);
        }
        records[recordCount++] = record;
        messageLength += needed;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void closeOpenSet() {
        if (openLayout == null) {
            return;
        }
        List slice = new RecordSlice<>(records, openFrom, recordCount);
        if (openLayout == TemplateSet.class) {
            sets.add(new TemplateSet(slice));
        } else if (openLayout == OptionsTemplateSet.class) {
            sets.add(new OptionsTemplateSet(slice));
        } else {
            sets.add(new DataSet((RecordLayout) openLayout, slice));
        }
        openLayout = null;
    }
}
