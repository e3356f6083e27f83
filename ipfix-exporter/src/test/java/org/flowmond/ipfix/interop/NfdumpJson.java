package org.flowmond.ipfix.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code nfdump -o json}: a list of flat objects, one "key" : value per line. */
final class NfdumpJson {
    private NfdumpJson() {
    }

    static List<Map<String, String>> parse(String json) {
        List<Map<String, String>> records = new ArrayList<>();
        Map<String, String> current = null;
        for (String raw : json.split("\n")) {
            String line = raw.trim();
            if (line.startsWith("{")) {
                current = new LinkedHashMap<>();
            } else if (line.startsWith("}")) {
                records.add(current);
                current = null;
            } else if (current != null && line.startsWith("\"")) {
                int sep = line.indexOf("\" : ");
                String key = line.substring(1, sep);
                String value = line.substring(sep + 4);
                if (value.endsWith(",")) {
                    value = value.substring(0, value.length() - 1);
                }
                if (value.startsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                current.put(key, value);
            }
        }
        return records;
    }
}
