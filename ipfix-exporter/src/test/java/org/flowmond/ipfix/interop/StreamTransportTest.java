package org.flowmond.ipfix.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.flowmond.ipfix.BiflowMode;
import org.flowmond.ipfix.Collector;
import org.flowmond.ipfix.CollectorStatistics;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.IpfixExporter;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.ExpectedValues;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.ipfix.transport.StreamCollectorSession;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.TsharkCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * IPFIX over TCP and TLS (RFC 7011 sections 10.4 and 11) decoded by collectors that are not ours:
 * socat receives the stream (terminating TLS with mutual authentication) into a file that
 * libfixbuf's ipfixDump decodes, and tshark decodes the TCP stream it captured. A collector
 * restarted in the middle of an export gets every record exactly once.
 */
@RootTest
class StreamTransportTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);
    private static final BiflowMode MODE = BiflowMode.NPROBE;
    private static final int BUFFER = 10_000;

    @TempDir
    Path dir;

    @Test
    void ipfixDumpDecodesEveryRecordSentOverTcp() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("ipfixDump");
        int port = FreePorts.tcp();
        List<FlowRecord> flows = TestFlows.flows(3000, 41, 0);
        CollectorStatistics stats;
        try (SocatCollector collector = SocatCollector.tcp(port, dir.resolve("tcp.ipfix"), dir.resolve("socat.log"))) {
            stats = export(Collector.tcp("127.0.0.1", port, BUFFER), flows);
            collector.awaitEnd();
        }
        assertDecoded(flows, List.of(dir.resolve("tcp.ipfix")));
        assertEquals(new Counts(false, 3000, 0, 0, 0, 0, 1), Counts.of(stats));
        String messages = Tools.run("ipfixDump", "--in", dir.resolve("tcp.ipfix").toString(), "--stats");
        assertTrue(largestMessage(dir.resolve("tcp.ipfix")) > 1500,
                "messages are not bound by the MTU over TCP:\n" + messages);
    }

    @Test
    void ipfixDumpDecodesEveryRecordSentOverTlsWithMutualAuthentication() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("openssl");
        Privileges.requireTool("ipfixDump");
        TestCertificates certs = TestCertificates.create(dir, "");
        int port = FreePorts.tcp();
        List<FlowRecord> flows = TestFlows.flows(2000, 43, 0);
        CollectorStatistics stats;
        try (SocatCollector collector = SocatCollector.tls(port, dir.resolve("tls.ipfix"), dir.resolve("socat.log"),
                certs)) {
            stats = export(Collector.tls("127.0.0.1", port, certs.exporterFiles(), BUFFER), flows);
            collector.awaitEnd();
            assertTrue(collector.log().contains("SSL proto version used: TLSv1.3"), collector.log());
        }
        assertDecoded(flows, List.of(dir.resolve("tls.ipfix")));
        assertEquals(new Counts(false, 2000, 0, 0, 0, 0, 1), Counts.of(stats));
    }

    @Test
    void aCollectorThatDoesNotTrustTheExporterGetsNothingAndTheLossIsCounted() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("openssl");
        TestCertificates collectorPki = TestCertificates.create(dir, "a-");
        TestCertificates otherPki = TestCertificates.create(dir, "b-");
        int port = FreePorts.tcp();
        // the exporter trusts the collector, but its own certificate comes from a CA the collector does not know
        var files = new org.flowmond.ipfix.TlsFiles(otherPki.exporterCertificate, otherPki.exporterKey, collectorPki.ca);
        CollectorStatistics stats;
        try (SocatCollector collector = SocatCollector.tls(port, dir.resolve("refused.ipfix"), dir.resolve("socat.log"),
                collectorPki)) {
            stats = export(Collector.tls("127.0.0.1", port, files, BUFFER), TestFlows.flows(10, 1, 4));
        }
        assertFalse(stats.connected());
        assertEquals(0, stats.flowRecordsSent());
        assertEquals(10, stats.notSentFlowRecords(), "counted as not sent when the exporter closed");
        Path file = dir.resolve("refused.ipfix");
        assertTrue(!Files.exists(file) || Files.size(file) == 0, "nothing reached the collector's file");
    }

    /**
     * Certificates renewed in place: the collector restarts with a new CA, the exporter's files are
     * replaced by ones from that CA, and the next connection uses them (no restart of the exporter).
     */
    @Test
    void renewedTlsFilesAreUsedFromTheNextConnection() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("openssl");
        Privileges.requireTool("ipfixDump");
        TestCertificates before = TestCertificates.create(dir, "old-");
        TestCertificates after = TestCertificates.create(dir, "new-");
        Path cert = dir.resolve("flowmond.pem");
        Path key = dir.resolve("flowmond.key");
        Path ca = dir.resolve("ca.pem");
        Files.copy(before.exporterCertificate, cert);
        Files.copy(before.exporterKey, key);
        Files.copy(before.ca, ca);
        int port = FreePorts.tcp();
        List<FlowRecord> flows = TestFlows.flows(200, 59, 0);
        Collector collector = Collector.tls("127.0.0.1", port, new org.flowmond.ipfix.TlsFiles(cert, key, ca), BUFFER);
        CollectorStatistics stats;
        try (IpfixExporter exporter = IpfixExporter.start(settings(collector))) {
            try (SocatCollector old = SocatCollector.tls(port, dir.resolve("old.ipfix"), dir.resolve("old.log"), before)) {
                awaitConnected(exporter);
                flows.subList(0, 100).forEach(exporter::export);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                Thread.sleep(300);
                old.stop();
            }
            Files.copy(after.exporterCertificate, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(after.exporterKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(after.ca, ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (SocatCollector renewed = SocatCollector.tls(port, dir.resolve("new.ipfix"), dir.resolve("new.log"),
                    after)) {
                flows.subList(100, 200).forEach(exporter::export);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                awaitConnected(exporter);
                exporter.close();
                renewed.awaitEnd();
            }
            stats = exporter.statistics().collectors().get(0);
        }
        assertDecoded(flows, List.of(dir.resolve("old.ipfix"), dir.resolve("new.ipfix")));
        assertEquals(1, stats.reconnects());
    }

    @Test
    void tsharkDecodesTheTcpStreamWithoutExpertFindings() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("tshark");
        Privileges.requireRoot();
        int port = FreePorts.tcp();
        List<FlowRecord> flows = TestFlows.flows(1000, 47, 0);
        try (TsharkCapture capture = TsharkCapture.loopback("tcp", port, dir);
             SocatCollector collector = SocatCollector.tcp(port, dir.resolve("t.ipfix"), dir.resolve("socat.log"))) {
            export(Collector.tcp("127.0.0.1", port, BUFFER), flows);
            collector.awaitEnd();
            Thread.sleep(500); // let dumpcap write the last segments
            capture.stop();
            assertEquals("", capture.ipfixProblems(), "no missing template, sequence error or malformed message");
            List<Map<String, Object>> decoded = WiresharkRecords.of(capture, MODEL).stream()
                    .filter(r -> r.values().containsKey("octetDeltaCount")).map(WiresharkRecords.Record::values).toList();
            assertEquals(flows.size(), decoded.size(), "flow records tshark decoded");
        }
    }

    /**
     * The collector stops for three seconds while records are exported, then comes back: every
     * record arrives exactly once (the two connections' files together), each connection's file
     * starts with the templates (ipfixDump decodes each file alone), and nothing is counted lost.
     */
    @Test
    void aRestartedTcpCollectorGetsEveryRecordExactlyOnce() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("ipfixDump");
        int port = FreePorts.tcp();
        assertRestartLosesNothing(Collector.tcp("127.0.0.1", port, BUFFER),
                (file, log) -> SocatCollector.tcp(port, file, log), 53);
    }

    /** The same over TLS: socat terminates it on both connections (a new TLS session each time). */
    @Test
    void aRestartedTlsCollectorGetsEveryRecordExactlyOnce() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("openssl");
        Privileges.requireTool("ipfixDump");
        TestCertificates certs = TestCertificates.create(dir, "");
        int port = FreePorts.tcp();
        assertRestartLosesNothing(Collector.tls("127.0.0.1", port, certs.exporterFiles(), BUFFER),
                (file, log) -> SocatCollector.tls(port, file, log, certs), 61);
    }

    /** Starts a collector writing {@code file} (socat's log to {@code log}). */
    interface CollectorStarter {
        SocatCollector start(Path file, Path log) throws Exception;
    }

    private void assertRestartLosesNothing(Collector target, CollectorStarter starter, long seed) throws Exception {
        List<FlowRecord> flows = TestFlows.flows(3000, seed, 0);
        Path first = dir.resolve("first.ipfix");
        Path second = dir.resolve("second.ipfix");
        CollectorStatistics stats;
        Logger sessionLog = (Logger) LoggerFactory.getLogger(StreamCollectorSession.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        sessionLog.addAppender(log);
        try (IpfixExporter exporter = IpfixExporter.start(settings(target))) {
            try (SocatCollector collector = starter.start(first, dir.resolve("socat-1.log"))) {
                awaitConnected(exporter);
                exportPaced(exporter, flows.subList(0, 1000));
                collector.stop();
            }
            exportPaced(exporter, flows.subList(1000, 2000)); // 2 s with the collector gone
            Thread.sleep(1000);
            try (SocatCollector collector = starter.start(second, dir.resolve("socat-2.log"))) {
                exportPaced(exporter, flows.subList(2000, 3000));
                awaitConnected(exporter);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                exporter.close();
                collector.awaitEnd();
            }
            stats = exporter.statistics().collectors().get(0);
        } finally {
            sessionLog.detachAppender(log);
        }
        // every handshake that was attempted succeeded: a refused connect is not reported as a TLS failure
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.stream().noneMatch(l -> l.contains("handshake")), lines.toString());
        assertDecoded(flows, List.of(first, second));
        assertTrue(Tools.run("ipfixDump", "--in", second.toString(), "--templates").contains("template record"),
                "templates re-sent on the new connection");
        assertEquals(1, stats.reconnects());
        assertEquals(2, stats.templateRefreshes(), "templates once per connection");
        assertEquals(new Counts(false, 3000, 0, 0, 0, 0, 2), Counts.of(stats));
    }

    /**
     * A buffer of two messages and a collector that is down while five messages of ten records
     * are exported: the first two wait, the other three are dropped and counted (30 records not
     * sent); once the collector is up, the two arrive exactly once and nothing else does.
     */
    @Test
    void messagesThatDoNotFitTheBufferAreDroppedAndCountedTheRestArrivesOnce() throws Exception {
        Privileges.requireTool("socat");
        Privileges.requireTool("ipfixDump");
        int port = FreePorts.tcp();
        List<FlowRecord> flows = TestFlows.flows(50, 67, 0);
        Path file = dir.resolve("after.ipfix");
        CollectorStatistics stats;
        try (IpfixExporter exporter = IpfixExporter.start(settings(Collector.tcp("127.0.0.1", port, 2)))) {
            for (int batch = 0; batch < 5; batch++) { // one message per flush
                flows.subList(batch * 10, batch * 10 + 10).forEach(f -> assertTrue(exporter.export(f)));
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
            }
            CollectorStatistics down = exporter.statistics().collectors().get(0);
            assertEquals(new Counts(false, 0, 30, 3, 2, 0, 0), Counts.of(down), "while down");
            try (SocatCollector collector = SocatCollector.tcp(port, file, dir.resolve("socat.log"))) {
                awaitConnected(exporter); // the backoff is at most 2 s after the few attempts so far
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                exporter.close();
                collector.awaitEnd();
            }
            stats = exporter.statistics().collectors().get(0);
        }
        assertDecoded(flows.subList(0, 20), List.of(file));
        assertEquals(new Counts(false, 20, 30, 3, 0, 0, 1), Counts.of(stats));
        assertEquals(0, stats.reconnects(), "the first connection");
    }

    /** The statistics that matter here, compared in one assertion (after close: not connected). */
    record Counts(boolean connected, long flowRecordsSent, long notSent, long dropped, long buffered, long sendErrors,
                  long templateRefreshes) {
        static Counts of(CollectorStatistics s) {
            return new Counts(s.connected(), s.flowRecordsSent(), s.notSentFlowRecords(), s.droppedMessages(),
                    s.bufferedMessages(), s.sendErrors(), s.templateRefreshes());
        }
    }

    private static org.flowmond.ipfix.ExporterSettings settings(Collector collector) {
        return Settings.to(collector).withMode(MODE).withStatistics(Duration.ofMillis(500)).build();
    }

    /** Exports, closes (which waits for the collector's acknowledgements) and returns the collector's statistics. */
    private static CollectorStatistics export(Collector collector, List<FlowRecord> flows) throws Exception {
        IpfixExporter exporter = IpfixExporter.start(settings(collector));
        try {
            flows.forEach(exporter::export);
            exporter.flush(Duration.ofSeconds(10));
        } finally {
            exporter.close();
        }
        return exporter.statistics().collectors().get(0);
    }

    /** 1000 records over 2 seconds, in small batches: records keep coming while the collector goes. */
    private static void exportPaced(IpfixExporter exporter, List<FlowRecord> flows) throws InterruptedException {
        for (int i = 0; i < flows.size(); i++) {
            assertTrue(exporter.export(flows.get(i)));
            if (i % 20 == 19) {
                Thread.sleep(40);
            }
        }
    }

    private static void awaitConnected(IpfixExporter exporter) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!exporter.statistics().collectors().get(0).connected()) {
            assertTrue(System.nanoTime() < deadline, "collector connected within 30 s");
            Thread.sleep(20);
        }
    }

    /** ipfixDump decodes the files; together they hold every flow exactly once, every field as sent. */
    private static void assertDecoded(List<FlowRecord> flows, List<Path> files) {
        List<Map<String, Object>> decoded = new ArrayList<>();
        for (Path f : files) {
            String dump = Tools.run("env", "TZ=UTC", "ipfixDump", "--in", f.toString(), "--rfc5610");
            decoded.addAll(IpfixDumpInteropTest.with(IpfixDumpInteropTest.parse(dump), "octetDeltaCount"));
        }
        List<Map<String, Object>> expected = new ArrayList<>();
        flows.forEach(f -> expected.addAll(ExpectedValues.flow(f, MODE)));
        assertEquals(expected.size(), decoded.size(), "records decoded");
        Comparator<Map<String, Object>> order = Comparator.comparing(Object::toString);
        assertEquals(expected.stream().sorted(order).toList(), decoded.stream().sorted(order).toList(),
                "every record exactly once, every field as sent");
    }

    /** The longest message in an IPFIX file (each message header has its length at octet 2). */
    private static int largestMessage(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int largest = 0;
        for (int at = 0; at + 4 <= b.length; ) {
            int length = ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
            largest = Math.max(largest, length);
            at += Math.max(length, 16);
        }
        return largest;
    }
}
