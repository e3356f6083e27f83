package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.ipfix.testing.IpfixDecoder;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.ipfix.transport.UdpCollectorSession;
import org.flowmond.testing.SlowTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A UDP collector whose port is closed for a while, then opened: the kernel's real ICMP port
 * unreachable errors (loopback, connected socket) are counted, each charged to the message it
 * refused, and every record is either received or counted as not delivered: in the collector's
 * statistics, and in the notSentFlowTotalCount of the statistics record the collector receives.
 * The outage costs one log line when it begins and one when it ends.
 *
 * <p>What Linux does here (kernel 6.18, measured by this test): an ICMP error sets the connected
 * socket's pending error; the next send fails with ECONNREFUSED (that datagram is not sent: the
 * exporter sends it once more) or, if the socket is read first, the read reports it. Each error
 * surfaces once. So every message reaches the closed port and draws its own error.
 */
@SlowTest
class UdpRefusalTest {
    private static final int ROUNDS = 8;
    /** Several messages per round: back to back, some reach the closed port, some meet a pending error. */
    private static final int PER_ROUND = 40;

    @Test
    void everyRecordIsReceivedOrCountedAndTheOutageIsLoggedTwice() throws Exception {
        Logger sessionLog = (Logger) LoggerFactory.getLogger(UdpCollectorSession.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        sessionLog.addAppender(log);
        int port = FreePorts.udp();
        Random rnd = new Random(7);
        // templates by time only (10 min): after an ICMP error they go again before the next data message,
        // so the collector decodes from its first datagram on
        ExporterSettings settings = Settings.to(new Collector("127.0.0.1", port))
                .withRefresh(Duration.ofMinutes(10), 0).withStatistics(Duration.ofMinutes(10)).build();
        try (IpfixExporter exporter = IpfixExporter.start(settings)) {
            exportRounds(exporter, rnd, 0);
            Thread.sleep(1500); // the last error surfaces; the ledger's window passes
            CollectorStatistics closed = exporter.statistics().collectors().get(0);
            int exported = ROUNDS * PER_ROUND;
            assertTrue(closed.icmpErrors() > 0 && closed.refusedFlowRecords() > 0, closed.toString());
            assertEquals(closed.messagesSent(), closed.icmpErrors(), "one ICMP error per message that reached the port");
            assertEquals(closed.flowRecordsSent(), closed.refusedFlowRecords(), "the records in the refused messages");
            assertEquals(exported, closed.notSentFlowRecords(), "refused, or not sent for a pending error: all counted");
            assertEquals(exported, closed.flowRecordsSent(),
                    "every message reached the closed port (a capture there sees it): a refused send goes again at once");

            try (DatagramSocket collector = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    port))) {
                collector.setSoTimeout(200);
                exportRounds(exporter, rnd, ROUNDS);
                Thread.sleep(1500); // a message older than the window drew no error: accepting again
                exporter.flush(Duration.ofSeconds(5));
                List<IpfixDecoder.DataRecord> received = receive(collector);
                CollectorStatistics open = exporter.statistics().collectors().get(0);
                assertEquals(closed.icmpErrors(), open.icmpErrors(), "no error while the port is open");
                assertEquals(exported, open.notSentFlowRecords());
                assertEquals(exported, received.stream().filter(r -> r.values().containsKey("octetDeltaCount")).count(),
                        "every record sent while the port was open arrived");
                exporter.close();
                List<IpfixDecoder.DataRecord> last = receive(collector);
                IpfixDecoder.DataRecord statistics = last.stream()
                        .filter(r -> r.values().containsKey("notSentFlowTotalCount")).reduce((a, b) -> b).orElseThrow();
                assertEquals(exported, statistics.unsigned("notSentFlowTotalCount"));
                assertEquals(closed.icmpErrors(), statistics.unsigned("icmpErrorCount"), "flowmond's own element");
                assertEquals(closed.refusedFlowRecords(), statistics.unsigned("refusedFlowCount"));
            }
        } finally {
            sessionLog.detachAppender(log);
        }
        // every line the session logged at INFO or above, unfiltered: the one at start, then exactly two for the outage
        List<String> lines = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        assertEquals(3, lines.size(), "the start, the outage's beginning and its end, nothing else: " + lines);
        assertTrue(lines.get(0).startsWith("INFO exporting IPFIX to"), lines.get(0));
        assertTrue(lines.get(1).startsWith("WARN") && lines.get(1).contains("refuses IPFIX"), lines.get(1));
        assertTrue(lines.get(2).startsWith("INFO") && lines.get(2).contains("accepts IPFIX again")
                && lines.get(2).contains("records refused"), lines.get(2));
    }

    /** PER_ROUND records, flushed, every 100 ms. */
    private static void exportRounds(IpfixExporter exporter, Random rnd, int first) throws InterruptedException {
        for (int round = first; round < first + ROUNDS; round++) {
            for (int i = 0; i < PER_ROUND; i++) {
                assertTrue(exporter.export(TestFlows.flow(rnd, round * PER_ROUND + i, false)));
            }
            exporter.flush(Duration.ofSeconds(5));
            Thread.sleep(100);
        }
    }

    /** Decodes every datagram waiting in the socket (templates learnt on the way). */
    private final IpfixDecoder decoder = new IpfixDecoder(InformationElements.withFlowmondEnterprise(32473));

    private List<IpfixDecoder.DataRecord> receive(DatagramSocket socket) throws Exception {
        List<IpfixDecoder.DataRecord> records = new ArrayList<>();
        byte[] buffer = new byte[65536];
        while (true) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (java.net.SocketTimeoutException e) {
                return records;
            }
            records.addAll(decoder.decode(Arrays.copyOf(p.getData(), p.getLength())).records());
        }
    }
}
