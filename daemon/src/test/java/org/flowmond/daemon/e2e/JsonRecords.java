package org.flowmond.daemon.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's JSON lines output (nProbe's field names) read back as maps of field → value text:
 * strings without their quotes, numbers as written. Enough for the flat records flowmond writes.
 */
public final class JsonRecords {
    private static final Pattern FIELD = Pattern.compile("\"([A-Z0-9_]+)\":(\"[^\"]*\"|-?[0-9]+(?:\\.[0-9]+)?)");

    private JsonRecords() {
    }

    /** One record per line of {@code file}. */
    public static List<Map<String, String>> read(Path file) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(fields(line));
        }
        return out;
    }

    /** The fields of one record. */
    public static Map<String, String> fields(String line) {
        Map<String, String> m = new HashMap<>();
        Matcher x = FIELD.matcher(line);
        while (x.find()) {
            String v = x.group(2);
            m.put(x.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return m;
    }
}
