package org.flowmond.ipfix.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.flowmond.ipfix.testing.Hex;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class FieldWritersTest {
    private static String write(FieldWriter<String> w, String value) {
        ByteBuf out = Unpooled.buffer();
        w.write(value, out);
        return Hex.of(out);
    }

    @Test
    void fixedStringsArePaddedWithZeroOctets() {
        assertEquals(Hex.of(Hex.parse("6375726c 00000000 00000000 00000000")),
                write(FieldWriters.fixedString(16, s -> s), "curl"));
    }

    @Test
    void fixedStringsAreCutAtACharacterBoundary() {
        // "é" is two octets: a 3-octet field holds "a" + "é", a 2-octet field only "a" and a zero
        assertEquals(Hex.of(Hex.parse("61c3a9")), write(FieldWriters.fixedString(3, s -> s), "aéb"));
        assertEquals(Hex.of(Hex.parse("6100")), write(FieldWriters.fixedString(2, s -> s), "aé"));
        assertEquals(Hex.of(Hex.parse("")), write(FieldWriters.fixedString(0, s -> s), "x"));
    }

    @Test
    void shortVariableStringsHaveAOneOctetLength() {
        FieldWriter.Variable<String> w = FieldWriters.variableString(s -> s);
        assertEquals(Hex.of(Hex.parse("03 616263")), write(w, "abc"));
        assertEquals(4, w.encodedLength("abc"));
        assertEquals(Hex.of(Hex.parse("00")), write(w, ""));
    }

    @Test
    void variableStringsOf255OctetsOrMoreHaveAThreeOctetLength() {
        FieldWriter.Variable<String> w = FieldWriters.variableString(s -> s);
        String s254 = "x".repeat(254);
        String s255 = "x".repeat(255);
        assertEquals(255, w.encodedLength(s254));
        assertEquals(258, w.encodedLength(s255));
        ByteBuf out = Unpooled.buffer();
        w.write(s255, out);
        assertEquals(0xFF, out.getUnsignedByte(0), "255 flags the long form (RFC 7011 section 7)");
        assertEquals(255, out.getUnsignedShort(1));
        assertEquals(258, out.readableBytes());
    }

    @Test
    void unsignedValuesInEveryLengthKeepTheLowOctets() {
        long v = 0x0102030405060708L;
        for (int len = 1; len <= 8; len++) {
            ByteBuf out = Unpooled.buffer();
            FieldWriters.<String>unsigned(len, s -> v).write("", out);
            assertEquals(len, out.readableBytes());
            assertEquals(Hex.of(Hex.parse("0102030405060708".substring(16 - 2 * len))), Hex.of(out));
        }
    }

    @Test
    void unsigned64MaximumIsAllOnes() {
        assertEquals(Hex.of(Hex.parse("ffffffff ffffffff")), write(FieldWriters.unsigned(8, s -> -1L), ""));
        assertEquals("18446744073709551615", Long.toUnsignedString(-1L));
    }
}
