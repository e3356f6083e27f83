package org.flowmond.ipfix.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.flowmond.ipfix.message.DataSet;
import org.flowmond.ipfix.message.IpfixMessage;
import org.flowmond.ipfix.message.RecordLayout;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class UdpCollectorSessionTest {
    private static final RecordLayout<Integer> LAYOUT = new IntLayout(100);

    /**
     * A channel standing for the socket: it sends what is flushed unless told the socket's send
     * buffer is full (then datagrams stay in the outbound buffer), or refuses the next send with
     * the ICMP error of an earlier datagram, as a connected UDP socket does.
     */
    private static final class Socket extends EmbeddedChannel {
        boolean full;
        boolean refuseNext;
        int datagrams;
        int sendCalls;

        Socket() {
            config().setWriteBufferWaterMark(new WriteBufferWaterMark(300, 600));
        }

        @Override
        protected void doWrite(ChannelOutboundBuffer in) {
            sendCalls++;
            Object msg;
            while (!full && (msg = in.current()) != null) {
                if (refuseNext) {
                    refuseNext = false;
                    in.remove(new PortUnreachableException("ICMP port unreachable"));
                    continue;
                }
                assertTrue(msg instanceof DatagramPacket);
                datagrams++;
                in.remove();
            }
        }
    }

    private static IpfixMessage data(int records) {
        return new IpfixMessage(0, 0, 1, List.of(new DataSet<>(LAYOUT, Collections.nCopies(records, 1))));
    }

    private static UdpCollectorSession session(Socket socket) {
        UdpCollectorSession s = new UdpCollectorSession("127.0.0.1", 4739, new InetSocketAddress("127.0.0.1", 4739),
                socket.eventLoop(), new TemplateRefresh(Duration.ofMinutes(10), 0));
        s.useChannel(socket);
        return s;
    }

    @Test
    void datagramsLeaveAtTheFlushAndAreCountedWhenTheyLeave() {
        Socket socket = new Socket();
        socket.config().setWriteBufferWaterMark(WriteBufferWaterMark.DEFAULT);
        UdpCollectorSession s = session(socket);
        for (int i = 0; i < 5; i++) {
            s.sendData(data(2), 2);
        }
        assertEquals(0, socket.datagrams, "written, not flushed");
        assertEquals(0, s.messagesSent());
        s.flushWrites();
        assertEquals(5, socket.datagrams);
        assertEquals(1, socket.sendCalls, "one flush for the five");
        assertEquals(5, s.messagesSent());
        assertEquals(10, s.flowRecordsSent());
        assertEquals(0, s.notSentFlowRecords());
        assertEquals(10, s.sequenceNumber(1));
    }

    @Test
    void aFullOutboundBufferIsFlushedBeforeAnythingIsDropped() {
        Socket socket = new Socket(); // about five 116-octet datagrams fill it
        UdpCollectorSession s = session(socket);
        for (int i = 0; i < 20; i++) {
            s.sendData(data(1), 1);
        }
        assertEquals(0, s.droppedMessages());
        assertEquals(0, s.notSentFlowRecords());
        s.flushWrites();
        assertEquals(20, socket.datagrams);
        assertEquals(20, s.messagesSent());
        assertTrue(socket.sendCalls > 1, "flushed when full, before the turn's flush");
    }

    @Test
    void aMessageThatFindsTheSocketFullAfterTheFlushIsDroppedAndCounted() {
        Socket socket = new Socket();
        socket.full = true;
        UdpCollectorSession s = session(socket);
        for (int i = 0; i < 10; i++) {
            s.sendData(data(3), 3);
        }
        long dropped = s.droppedMessages();
        assertTrue(dropped > 0);
        assertEquals(3 * dropped, s.notSentFlowRecords());
        socket.full = false;
        s.flushWrites();
        assertEquals(10 - dropped, s.messagesSent());
        assertEquals(30, s.flowRecordsSent() + s.notSentFlowRecords(), "every record sent or counted");
        assertEquals(3 * (10 - dropped), s.sequenceNumber(1), "a dropped message takes no sequence number");
    }

    @Test
    void aSendRefusedForAnEarlierIcmpErrorGoesAgainAfterTheRestOfItsTurn() {
        Socket socket = new Socket();
        socket.config().setWriteBufferWaterMark(WriteBufferWaterMark.DEFAULT);
        UdpCollectorSession s = session(socket);
        s.sendData(data(1), 1);
        s.flushWrites();
        socket.refuseNext = true;
        for (int i = 0; i < 3; i++) {
            s.sendData(data(1), 1);
        }
        s.flushWrites();
        socket.runPendingTasks();
        assertEquals(4, socket.datagrams, "the refused datagram went again");
        assertEquals(4, s.messagesSent());
        assertEquals(1, s.icmpErrors());
        // the error is charged to the datagram sent before it, not to the one sent again
        assertEquals(1, s.refusedFlowRecords());
        assertEquals(1, s.notSentFlowRecords());
    }

    @Test
    void closeSendsWhatWasWrittenFirst() throws Exception {
        Socket socket = new Socket();
        socket.config().setWriteBufferWaterMark(WriteBufferWaterMark.DEFAULT);
        UdpCollectorSession s = session(socket);
        s.sendData(data(2), 2);
        var closed = s.close();
        socket.runPendingTasks();
        closed.get();
        assertEquals(1, socket.datagrams);
        assertEquals(1, s.messagesSent());
        assertFalse(socket.isOpen());
        Object leftover;
        while ((leftover = socket.readOutbound()) != null) {
            ReferenceCountUtil.release(leftover);
        }
    }

    @Test
    void kernelReportsOfAnUnreachableCollectorAreCountedAsUnreachable() {
        assertTrue(UdpCollectorSession.isUnreachable(new PortUnreachableException()));
        assertTrue(UdpCollectorSession.isUnreachable(new NoRouteToHostException("No route to host")));
        assertTrue(UdpCollectorSession.isUnreachable(new SocketException("Network is unreachable")));
        assertFalse(UdpCollectorSession.isUnreachable(new SocketException("Message too long")));
        assertFalse(UdpCollectorSession.isUnreachable(new IOException("disk full")));
    }
}
