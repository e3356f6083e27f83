package org.flowmond.ipfix.encode;

import io.netty.buffer.ByteBuf;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.IpfixSet;
import java.util.List;
import org.flowmond.ipfix.message.OptionsTemplateRecord;
import org.flowmond.ipfix.message.OptionsTemplateSet;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.ipfix.message.TemplateRecord;
import org.flowmond.ipfix.message.TemplateSet;

/**
 * Encodes an {@link IpfixMessage} into a buffer (RFC 7011 section 3). Pure and stateless: no
 * transport, no clock, no sequence bookkeeping; one shared {@link #INSTANCE} serves every channel.
 */
public final class IpfixMessageEncoder {
    public static final IpfixMessageEncoder INSTANCE = new IpfixMessageEncoder();

    private IpfixMessageEncoder() {
    }

    /** Writes the whole message at the writer index of {@code out}. */
    public void encode(IpfixMessage message, ByteBuf out) {
        int start = out.writerIndex();
        out.writeShort(IpfixWire.VERSION);
        out.writeShort(0); // length, patched below
        out.writeInt((int) message.exportTime());
        out.writeInt((int) message.sequenceNumber());
        out.writeInt((int) message.observationDomainId());
        List<IpfixSet> sets = message.sets();
        for (int i = 0; i < sets.size(); i++) {
            encodeSet(sets.get(i), out);
        }
        int length = out.writerIndex() - start;
        if (length > IpfixMessage.MAX_LENGTH) {
            throw new IllegalArgumentException("IPFIX message of " + length + " octets exceeds 65535");
        }
        out.setShort(start + 2, length);
    }

    private void encodeSet(IpfixSet set, ByteBuf out) {
        int start = out.writerIndex();
        out.writeShort(set.setId());
        out.writeShort(0); // length, patched below
        if (set instanceof TemplateSet t) {
            for (TemplateRecord r : t.records()) {
                encodeTemplate(r, out);
            }
        } else if (set instanceof OptionsTemplateSet o) {
            for (OptionsTemplateRecord r : o.records()) {
                encodeOptionsTemplate(r, out);
            }
        } else {
            encodeData((DataSet<?>) set, out);
        }
        out.setShort(start + 2, out.writerIndex() - start);
    }

    /** RFC 7011 section 3.4.1. */
    static void encodeTemplate(TemplateRecord record, ByteBuf out) {
        out.writeShort(record.templateId());
        out.writeShort(record.fields().size());
        for (FieldSpecifier f : record.fields()) {
            encodeFieldSpecifier(f, out);
        }
    }

    /** RFC 7011 section 3.4.2.2. */
    static void encodeOptionsTemplate(OptionsTemplateRecord record, ByteBuf out) {
        out.writeShort(record.templateId());
        out.writeShort(record.fields().size());
        out.writeShort(record.scopeFieldCount());
        for (FieldSpecifier f : record.fields()) {
            encodeFieldSpecifier(f, out);
        }
    }

    /** RFC 7011 section 3.2. */
    static void encodeFieldSpecifier(FieldSpecifier field, ByteBuf out) {
        if (field.isEnterprise()) {
            out.writeShort(IpfixWire.ENTERPRISE_BIT | field.elementId());
            out.writeShort(field.length());
            out.writeInt((int) field.enterpriseNumber());
        } else {
            out.writeShort(field.elementId());
            out.writeShort(field.length());
        }
    }

    /** RFC 7011 section 3.4.3: records back to back, no padding. Indexed: no iterator per set. */
    private static <R> void encodeData(DataSet<R> set, ByteBuf out) {
        List<R> records = set.records();
        RecordLayout<R> layout = set.layout();
        for (int i = 0; i < records.size(); i++) {
            layout.encode(records.get(i), out);
        }
    }
}
