package org.flowmond.ipfix.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.FieldSpecifier;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.ipfix.message.TemplateRecord;
import org.flowmond.ipfix.message.TemplateSet;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** One message, one datagram; a failed encoding leaves no buffer behind. */
@UnitTest
class DatagramIpfixMessageEncoderTest {
    private static final InetSocketAddress COLLECTOR = new InetSocketAddress("127.0.0.1", 4739);

    @Test
    void encodesOneMessagePerDatagramToTheRecipient() {
        IpfixMessage message = new IpfixMessage(1, 2, 3, List.of(new TemplateSet(List.of(
                new TemplateRecord(256, List.of(new FieldSpecifier(1, 8, 0)))))));
        DatagramPacket packet = DatagramIpfixMessageEncoder.encode(ByteBufAllocator.DEFAULT, 16, message, COLLECTOR);
        ByteBuf expected = Unpooled.buffer();
        IpfixMessageEncoder.INSTANCE.encode(message, expected);
        assertEquals(COLLECTOR, packet.recipient());
        assertArrayEquals(ByteBufUtil.getBytes(expected), ByteBufUtil.getBytes(packet.content()));
        packet.release();
    }

    @Test
    void releasesTheBufferWhenEncodingFails() {
        List<ByteBuf> allocated = new ArrayList<>();
        ByteBufAllocator tracking = new AbstractByteBufAllocator() {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
                allocated.add(b);
                return b;
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return newHeapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        RecordLayout<String> failing = new RecordLayout<>() {
            @Override
            public int templateId() {
                return 256;
            }

            @Override
            public int encodedLength(String record) {
                return 4;
            }

            @Override
            public void encode(String record, ByteBuf out) {
                throw new IllegalStateException("cannot encode " + record);
            }
        };
        IpfixMessage message = new IpfixMessage(0, 0, 0, List.of(new DataSet<>(failing, List.of("x"))));
        assertThrows(IllegalStateException.class,
                () -> DatagramIpfixMessageEncoder.encode(tracking, 16, message, COLLECTOR));
        assertEquals(1, allocated.size());
        assertEquals(0, allocated.get(0).refCnt(), "the buffer of a failed message is released");
    }
}
