package org.flowmond.daemon.output;

/** A minimal JSON object writer: string escaping and field separators, nothing else. */
final class Json {
    private final StringBuilder sb = new StringBuilder(512).append('{');
    private boolean first = true;

    Json field(String name, long value) {
        name(name);
        sb.append(value);
        return this;
    }

    Json field(String name, String value) {
        name(name);
        quote(value);
        return this;
    }

    private void name(String name) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        quote(name);
        sb.append(':');
    }

    private void quote(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb.toString() + '}';
    }
}
