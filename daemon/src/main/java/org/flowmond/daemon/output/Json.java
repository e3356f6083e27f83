package org.flowmond.daemon.output;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal JSON object writer straight into UTF-8 bytes: string escaping and field separators,
 * nothing else. Field names are flowmond's constants (ASCII letters, digits and '_') and are
 * written as they are; values are escaped. Bytes rather than a StringBuilder because the Kafka
 * output sends bytes, hundreds of thousands of records a second.
 */
final class Json {
    private byte[] buf = new byte[1024];
    private int len;
    private boolean first = true;
    private boolean closed;

    Json() {
        buf[len++] = '{';
    }

    Json field(String name, long value) {
        name(name);
        number(value);
        return this;
    }

    /** A decimal with three fraction digits (nProbe's latencies in milliseconds: 0.062). */
    Json millis(String name, long micros) {
        name(name);
        room(24);
        ascii(Long.toString(micros / 1000));
        buf[len++] = '.';
        long frac = micros % 1000;
        buf[len++] = (byte) ('0' + frac / 100);
        buf[len++] = (byte) ('0' + frac / 10 % 10);
        buf[len++] = (byte) ('0' + frac % 10);
        return this;
    }

    Json field(String name, String value) {
        name(name);
        quote(value);
        return this;
    }

    private void name(String name) {
        room(name.length() + 4);
        if (!first) {
            buf[len++] = ',';
        }
        first = false;
        buf[len++] = '"';
        for (int i = 0; i < name.length(); i++) {
            buf[len++] = (byte) name.charAt(i);
        }
        buf[len++] = '"';
        buf[len++] = ':';
    }

    private void number(long v) {
        room(20);
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += digits;
    }

    private void quote(String s) {
        room(s.length() * 6 + 2); // worst case: every char a \\u escape
        buf[len++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[len++] = (byte) c;
                continue;
            }
            switch (c) {
                case '"' -> ascii("\\\"");
                case '\\' -> ascii("\\\\");
                case '\n' -> ascii("\\n");
                case '\r' -> ascii("\\r");
                case '\t' -> ascii("\\t");
                default -> {
                    if (c < 0x20) {
                        ascii(String.format("\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        utf8(s.substring(i, i + 2));
                        i++;
                    } else {
                        utf8(String.valueOf(c));
                    }
                }
            }
        }
        buf[len++] = '"';
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8); // a lone surrogate becomes '?', as String.getBytes does
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void room(int more) {
        if (len + more + 1 > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more + 1));
        }
    }

    private void close() {
        if (!closed) {
            room(1);
            buf[len++] = '}';
            closed = true;
        }
    }

    /** The object as UTF-8, closed. */
    byte[] utf8() {
        close();
        return Arrays.copyOf(buf, len);
    }

    @Override
    public String toString() {
        close();
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }
}
