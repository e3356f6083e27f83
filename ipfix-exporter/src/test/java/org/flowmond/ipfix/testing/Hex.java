package org.flowmond.ipfix.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.HexFormat;

/** Hex for golden bytes: whitespace is ignored, and so is everything after '#' on a line. */
public final class Hex {
    private Hex() {
    }

    public static byte[] parse(String annotated) {
        StringBuilder digits = new StringBuilder();
        for (String line : annotated.split("\n")) {
            int hash = line.indexOf('#');
            String code = hash >= 0 ? line.substring(0, hash) : line;
            digits.append(code.replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(digits.toString());
    }

    /** The readable bytes of {@code buf} as spaced hex, for assertion messages. */
    public static String of(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf).replaceAll("(.{8})", "$1 ").trim();
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes).replaceAll("(.{8})", "$1 ").trim();
    }
}
