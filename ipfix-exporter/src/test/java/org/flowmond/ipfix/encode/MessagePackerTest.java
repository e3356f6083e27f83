package org.flowmond.ipfix.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.OptionsTemplateRecord;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.ipfix.message.TemplateRecord;
import org.flowmond.ipfix.message.TemplateSet;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class MessagePackerTest {
    /** Records of {@code length} octets, each filled with its own value. */
    private record Fixed(int templateId, int length) implements RecordLayout<Integer> {
        @Override
        public int encodedLength(Integer record) {
            return length;
        }

        @Override
        public void encode(Integer record, ByteBuf out) {
            for (int i = 0; i < length; i++) {
                out.writeByte(record);
            }
        }
    }

    private final List<IpfixMessage> sent = new ArrayList<>();

    private MessagePacker packer(int max) {
        return new MessagePacker(max, 7, () -> 1234, sent::add);
    }

    @Test
    void fillsMessagesUpToTheLimitAndNeverSplitsARecord() {
        Fixed layout = new Fixed(256, 100);
        MessagePacker packer = packer(16 + 4 + 3 * 100 + 99); // room for 3 records, not 4
        for (int i = 0; i < 10; i++) {
            packer.addRecord(layout, i);
        }
        packer.flush();
        assertEquals(List.of(3, 3, 3, 1), sent.stream().map(IpfixMessage::dataRecordCount).toList());
        for (IpfixMessage m : sent) {
            assertTrue(m.encodedLength() <= packer.maxMessageLength());
            assertEquals(1, m.sets().size(), "consecutive records of one template share a set");
            assertEquals(7, m.observationDomainId());
            assertEquals(1234, m.exportTime());
        }
    }

    @Test
    void encodedLengthIsExactlyWhatTheEncoderWrites() {
        Fixed a = new Fixed(256, 10);
        Fixed b = new Fixed(257, 33);
        MessagePacker packer = packer(1400);
        packer.addTemplate(new TemplateRecord(256, List.of(new FieldSpecifier(1, 10, 0))));
        for (int i = 0; i < 50; i++) {
            packer.addRecord(i % 7 == 0 ? b : a, i);
        }
        packer.flush();
        for (IpfixMessage m : sent) {
            ByteBuf out = Unpooled.buffer();
            IpfixMessageEncoder.INSTANCE.encode(m, out);
            assertEquals(m.encodedLength(), out.readableBytes());
            assertEquals(m.encodedLength(), out.getUnsignedShort(2), "header length field");
            assertTrue(out.readableBytes() <= 1400);
        }
    }

    @Test
    void aChangeOfTemplateOpensANewSet() {
        Fixed a = new Fixed(256, 10);
        Fixed b = new Fixed(257, 10);
        MessagePacker packer = packer(1400);
        packer.addRecord(a, 1);
        packer.addRecord(a, 2);
        packer.addRecord(b, 3);
        packer.addRecord(a, 4);
        packer.flush();
        IpfixMessage m = sent.get(0);
        assertEquals(List.of(256, 257, 256), m.sets().stream().map(s -> s.setId()).toList());
        assertEquals(List.of(1, 2), ((DataSet<?>) m.sets().get(0)).records());
    }

    @Test
    void templatesAndRecordsShareAMessage() {
        MessagePacker packer = packer(1400);
        packer.addTemplate(new TemplateRecord(256, List.of(new FieldSpecifier(1, 10, 0))));
        packer.addRecord(new Fixed(256, 10), 1);
        packer.flush();
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).sets().get(0) instanceof TemplateSet);
        assertEquals(1, sent.get(0).dataRecordCount(), "templates are not data records");
    }

    @Test
    void eachOptionsTemplateGetsItsOwnSetAndTemplatesShareOne() {
        MessagePacker packer = packer(1400);
        List<FieldSpecifier> fields = List.of(new FieldSpecifier(149, 4, 0), new FieldSpecifier(41, 8, 0));
        packer.addOptionsTemplate(new OptionsTemplateRecord(300, 1, fields));
        packer.addOptionsTemplate(new OptionsTemplateRecord(301, 1, fields));
        packer.addTemplate(new TemplateRecord(302, fields));
        packer.addTemplate(new TemplateRecord(303, fields));
        packer.flush();
        // pmacct 1.7 misreads a second options template in the same set
        assertEquals(List.of(3, 3, 2), sent.get(0).sets().stream().map(s -> s.setId()).toList());
        assertEquals(2, ((TemplateSet) sent.get(0).sets().get(2)).records().size());
    }

    @Test
    void flushWithNothingPendingSendsNothing() {
        MessagePacker packer = packer(1400);
        assertFalse(packer.hasPending());
        packer.flush();
        assertTrue(sent.isEmpty());
    }

    @Test
    void aRecordTooLargeForAnyMessageIsRefused() {
        MessagePacker packer = packer(100);
        assertThrows(IllegalArgumentException.class, () -> packer.addRecord(new Fixed(256, 81), 1));
        packer.addRecord(new Fixed(256, 80), 1); // 16 + 4 + 80 = 100 fits exactly
        packer.flush();
        assertEquals(100, sent.get(0).encodedLength());
    }
}
