package org.flowmond.ipfix.template;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.flowmond.ipfix.message.FieldSpecifier;

/**
 * Template ids derived from template content. Collectors (Wireshark among them) keep the first
 * definition they saw for an id, so a changed template must never reuse an id. Deriving the id
 * from a CRC-32 of the field specifiers gives the same id to the same template in every run and a
 * different id to a changed one; within one JVM a collision is resolved by probing, so two
 * different templates never share an id.
 */
public final class TemplateIds {
    private static final int FIRST = 256;
    private static final int COUNT = 0x10000 - FIRST;
    private static final Map<String, Integer> BY_CONTENT = new HashMap<>();
    private static final Map<Integer, String> BY_ID = new HashMap<>();

    private TemplateIds() {
    }

    /** The id of a template with these fields; always the same id for the same content. */
    public static synchronized int idFor(int scopeFieldCount, List<FieldSpecifier> fields) {
        String content = contentKey(scopeFieldCount, fields);
        Integer known = BY_CONTENT.get(content);
        if (known != null) {
            return known;
        }
        int offset = (int) (crc(scopeFieldCount, fields) % COUNT);
        for (int probe = 0; probe < COUNT; probe++) {
            int id = FIRST + (offset + probe) % COUNT;
            if (!BY_ID.containsKey(id)) {
                BY_ID.put(id, content);
                BY_CONTENT.put(content, id);
                return id;
            }
        }
        throw new IllegalStateException("all 65280 template ids are in use");
    }

    private static String contentKey(int scopeFieldCount, List<FieldSpecifier> fields) {
        return scopeFieldCount + ":" + fields;
    }

    private static long crc(int scopeFieldCount, List<FieldSpecifier> fields) {
        ByteBuffer bytes = ByteBuffer.allocate(2 + fields.size() * 8);
        bytes.putShort((short) scopeFieldCount);
        for (FieldSpecifier f : fields) {
            bytes.putShort((short) f.elementId()).putShort((short) f.length()).putInt((int) f.enterpriseNumber());
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.array());
        return crc.getValue();
    }
}
