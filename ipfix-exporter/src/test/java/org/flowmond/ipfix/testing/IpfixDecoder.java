package org.flowmond.ipfix.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.ie.DataType;
import org.flowmond.ipfix.ie.InformationElement;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.message.FieldSpecifier;

/**
 * A small, independent IPFIX collector for tests: parses messages as RFC 7011 describes them,
 * learns templates like a collector does, and turns data records into name-to-value maps using
 * the information model (unknown elements come out as "PEN/id" with raw bytes). Strict: any
 * length mismatch throws.
 */
public final class IpfixDecoder {
    /** A template as received. */
    public record ReceivedTemplate(int templateId, int scopeFieldCount, List<FieldSpecifier> fields) {
    }

    /** A data record: template id and values by element name, in template order. */
    public record DataRecord(int templateId, Map<String, Object> values) {
        public Object get(String name) {
            if (!values.containsKey(name)) {
                throw new AssertionError("record of template " + templateId + " has no " + name + ": " + values);
            }
            return values.get(name);
        }

        public long unsigned(String name) {
            return (Long) get(name);
        }

        public String string(String name) {
            return (String) get(name);
        }

        public InetAddress address(String name) {
            return (InetAddress) get(name);
        }
    }

    /** One message. */
    public record Message(int version, int length, long exportTime, long sequenceNumber, long observationDomainId,
                          List<Integer> setIds, List<ReceivedTemplate> templates, List<DataRecord> records) {
    }

    private final Map<Long, InformationElement> model = new HashMap<>();
    private final Map<Integer, ReceivedTemplate> templates = new HashMap<>();

    public IpfixDecoder(InformationElements model) {
        for (InformationElement ie : model.all()) {
            this.model.put(key(ie.enterpriseNumber(), ie.id()), ie);
        }
    }

    private static long key(long pen, int id) {
        return (pen << 16) | id;
    }

    public Map<Integer, ReceivedTemplate> templates() {
        return templates;
    }

    public Message decode(byte[] bytes) {
        return decode(Unpooled.wrappedBuffer(bytes));
    }

    /** Decodes one message from the reader index; consumes exactly the message's length. */
    public Message decode(ByteBuf in) {
        int start = in.readerIndex();
        int version = in.readUnsignedShort();
        int length = in.readUnsignedShort();
        if (version != 10) {
            throw new IllegalArgumentException("not IPFIX: version " + version);
        }
        if (length > in.readableBytes() + 4) {
            throw new IllegalArgumentException("message length " + length + " beyond the data");
        }
        long exportTime = in.readUnsignedInt();
        long sequence = in.readUnsignedInt();
        long domain = in.readUnsignedInt();
        List<Integer> setIds = new ArrayList<>();
        List<ReceivedTemplate> newTemplates = new ArrayList<>();
        List<DataRecord> records = new ArrayList<>();
        int end = start + length;
        while (in.readerIndex() < end) {
            int setId = in.readUnsignedShort();
            int setLength = in.readUnsignedShort();
            if (setLength < 4 || in.readerIndex() - 4 + setLength > end) {
                throw new IllegalArgumentException("bad set length " + setLength);
            }
            ByteBuf set = in.readSlice(setLength - 4);
            setIds.add(setId);
            if (setId == 2 || setId == 3) {
                while (set.readableBytes() >= 4) {
                    ReceivedTemplate t = readTemplate(set, setId == 3);
                    templates.put(t.templateId(), t);
                    newTemplates.add(t);
                }
            } else if (setId >= 256) {
                ReceivedTemplate t = templates.get(setId);
                if (t == null) {
                    throw new IllegalArgumentException("data set for unknown template " + setId);
                }
                int minimum = minimumLength(t);
                while (set.readableBytes() >= Math.max(1, minimum)) {
                    records.add(readRecord(t, set));
                }
            } else {
                throw new IllegalArgumentException("reserved set id " + setId);
            }
            if (set.isReadable() && set.forEachByte(b -> b == 0) != -1) {
                throw new IllegalArgumentException("non-zero padding in set " + setId);
            }
        }
        if (in.readerIndex() != end) {
            throw new IllegalArgumentException("sets overrun the message length");
        }
        return new Message(version, length, exportTime, sequence, domain, setIds, newTemplates, records);
    }

    private static ReceivedTemplate readTemplate(ByteBuf in, boolean options) {
        int id = in.readUnsignedShort();
        int count = in.readUnsignedShort();
        int scope = options ? in.readUnsignedShort() : 0;
        List<FieldSpecifier> fields = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int rawId = in.readUnsignedShort();
            int length = in.readUnsignedShort();
            long pen = (rawId & 0x8000) != 0 ? in.readUnsignedInt() : 0;
            fields.add(new FieldSpecifier(rawId & 0x7FFF, length, pen));
        }
        return new ReceivedTemplate(id, scope, fields);
    }

    private static int minimumLength(ReceivedTemplate t) {
        int n = 0;
        for (FieldSpecifier f : t.fields()) {
            n += f.length() == DataType.VARIABLE_LENGTH ? 1 : f.length();
        }
        return n;
    }

    private DataRecord readRecord(ReceivedTemplate t, ByteBuf in) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (FieldSpecifier f : t.fields()) {
            int length = f.length();
            if (length == DataType.VARIABLE_LENGTH) {
                length = in.readUnsignedByte();
                if (length == 255) {
                    length = in.readUnsignedShort();
                }
            }
            ByteBuf value = in.readSlice(length);
            InformationElement ie = model.get(key(f.enterpriseNumber(), f.elementId()));
            if (ie == null) {
                byte[] raw = new byte[length];
                value.readBytes(raw);
                values.put(f.enterpriseNumber() + "/" + f.elementId(), raw);
            } else {
                values.put(ie.name(), decodeValue(ie.type(), value));
            }
        }
        return new DataRecord(t.templateId(), values);
    }

    private static Object decodeValue(DataType type, ByteBuf value) {
        return switch (type) {
            case UNSIGNED8, UNSIGNED16, UNSIGNED32, UNSIGNED64, DATE_TIME_SECONDS, DATE_TIME_MILLISECONDS -> {
                long v = 0;
                while (value.isReadable()) {
                    v = (v << 8) | value.readUnsignedByte();
                }
                yield v;
            }
            case IPV4_ADDRESS, IPV6_ADDRESS -> {
                byte[] a = new byte[value.readableBytes()];
                value.readBytes(a);
                try {
                    yield InetAddress.getByAddress(a);
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException(e);
                }
            }
            case STRING -> {
                String s = value.toString(StandardCharsets.UTF_8);
                int nul = s.indexOf('\0');
                yield nul >= 0 ? s.substring(0, nul) : s;
            }
            default -> throw new IllegalArgumentException("test decoder does not decode " + type);
        };
    }
}
