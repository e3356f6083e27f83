package org.flowmond.ipfix.template;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Field writers for each kind of value. Length is decided once, when a template is bound, so the
 * per-record work is a single ByteBuf write.
 */
public final class FieldWriters {
    /** A variable-length field shorter than this has a one-octet length prefix (RFC 7011 section 7). */
    static final int SHORT_VARIABLE_LIMIT = 255;

    private FieldWriters() {
    }

    /**
     * An unsigned integer in {@code length} octets, network byte order. Values are taken as unsigned:
     * a {@code long} holds unsigned64 counters up to 2^64-1 (Java's -1), and reduced-size encoding
     * (RFC 7011 section 6.2) keeps the low {@code length} octets.
     */
    public static <R> FieldWriter<R> unsigned(int length, ToLongFunction<R> value) {
        return switch (length) {
            case 1 -> (r, out) -> out.writeByte((int) value.applyAsLong(r));
            case 2 -> (r, out) -> out.writeShort((int) value.applyAsLong(r));
            case 3 -> (r, out) -> out.writeMedium((int) value.applyAsLong(r));
            case 4 -> (r, out) -> out.writeInt((int) value.applyAsLong(r));
            case 8 -> (r, out) -> out.writeLong(value.applyAsLong(r));
            case 5, 6, 7 -> (r, out) -> {
                long v = value.applyAsLong(r);
                for (int shift = (length - 1) * 8; shift >= 0; shift -= 8) {
                    out.writeByte((int) (v >>> shift));
                }
            };
            default -> throw new IllegalArgumentException("unsigned length must be 1..8: " + length);
        };
    }

    /** Raw octets of exactly {@code length} (IPv4 and IPv6 addresses). */
    public static <R> FieldWriter<R> octets(int length, Function<R, byte[]> value) {
        return (r, out) -> {
            byte[] bytes = value.apply(r);
            if (bytes.length != length) {
                throw new IllegalArgumentException("field needs " + length + " octets, got " + bytes.length);
            }
            out.writeBytes(bytes);
        };
    }

    /**
     * A string in a fixed-length field: UTF-8, cut at a character boundary if too long, padded with
     * zero octets (how nProbe sends process names).
     */
    public static <R> FieldWriter<R> fixedString(int length, Function<R, String> value) {
        return (r, out) -> writeFixedString(value.apply(r), length, out);
    }

    /** A string as a variable-length field: a 1- or 3-octet length prefix, then UTF-8. */
    public static <R> FieldWriter.Variable<R> variableString(Function<R, String> value) {
        return new FieldWriter.Variable<>() {
            @Override
            public void write(R record, ByteBuf out) {
                byte[] utf8 = value.apply(record).getBytes(StandardCharsets.UTF_8);
                writeLengthPrefix(utf8.length, out);
                out.writeBytes(utf8);
            }

            @Override
            public int encodedLength(R record) {
                int n = ByteBufUtil.utf8Bytes(value.apply(record));
                return lengthPrefixSize(n) + n;
            }
        };
    }

    static int lengthPrefixSize(int contentLength) {
        return contentLength < SHORT_VARIABLE_LIMIT ? 1 : 3;
    }

    static void writeLengthPrefix(int contentLength, ByteBuf out) {
        if (contentLength > 0xFFFF) {
            throw new IllegalArgumentException("variable-length field too long: " + contentLength);
        }
        if (contentLength < SHORT_VARIABLE_LIMIT) {
            out.writeByte(contentLength);
        } else {
            out.writeByte(SHORT_VARIABLE_LIMIT);
            out.writeShort(contentLength);
        }
    }

    static void writeFixedString(String s, int length, ByteBuf out) {
        int end = s.length();
        if (ByteBufUtil.utf8Bytes(s) > length) {
            end = fittingPrefix(s, length);
        }
        int written = ByteBufUtil.writeUtf8(out, s, 0, end);
        out.writeZero(length - written);
    }

    /** The number of chars of {@code s} whose UTF-8 encoding fits {@code maxOctets}, whole code points only. */
    static int fittingPrefix(String s, int maxOctets) {
        int octets = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (octets + size > maxOctets) {
                break;
            }
            octets += size;
            i += Character.charCount(cp);
        }
        return i;
    }
}
