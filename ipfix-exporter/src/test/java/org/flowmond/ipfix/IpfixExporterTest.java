package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.flowmond.ipfix.ie.InformationElements;
import org.flowmond.ipfix.testing.ExpectedValues;
import org.flowmond.ipfix.testing.FreePorts;
import org.flowmond.ipfix.testing.IpfixDecoder;
import org.flowmond.ipfix.testing.Settings;
import org.flowmond.ipfix.testing.TestFlows;
import org.flowmond.ipfix.testing.UdpReceiver;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole exporter over real loopback sockets, received by a plain Java socket and the test decoder. */
@UnitTest
class IpfixExporterTest {
    private static final InformationElements MODEL = InformationElements.withFlowmondEnterprise(32473);

    private static List<IpfixDecoder.Message> decode(List<byte[]> datagrams) {
        IpfixDecoder decoder = new IpfixDecoder(MODEL);
        return datagrams.stream().map(decoder::decode).toList();
    }

    private static List<IpfixDecoder.DataRecord> records(List<IpfixDecoder.Message> messages,
                                                         Predicate<IpfixDecoder.DataRecord> which) {
        List<IpfixDecoder.DataRecord> out = new ArrayList<>();
        for (IpfixDecoder.Message m : messages) {
            m.records().stream().filter(which).forEach(out::add);
        }
        return out;
    }

    private static boolean isFlow(IpfixDecoder.DataRecord r) {
        return r.values().containsKey("octetDeltaCount");
    }

    private static boolean isHealth(IpfixDecoder.DataRecord r) {
        return r.values().containsKey("flowsActive");
    }

    private static boolean isStatistics(IpfixDecoder.DataRecord r) {
        return r.values().containsKey("exportedMessageTotalCount");
    }

    /**
     * Sequence numbers count the data records of earlier messages of the same observation domain,
     * from 0, mod 2^32; flows are in domain 7, the exporter's options in domain 0.
     */
    private static void assertContiguousSequence(List<IpfixDecoder.Message> messages) {
        Map<Long, Long> expected = new java.util.HashMap<>();
        for (IpfixDecoder.Message m : messages) {
            long domain = m.observationDomainId();
            assertTrue(domain == 7 || domain == 0, "domain " + domain);
            assertEquals(expected.getOrDefault(domain, 0L), m.sequenceNumber(), "domain " + domain);
            expected.put(domain, (expected.getOrDefault(domain, 0L) + m.records().size()) & 0xFFFF_FFFFL);
        }
        for (IpfixDecoder.Message m : messages) {
            if (m.observationDomainId() == 0) {
                assertTrue(m.records().stream().noneMatch(IpfixExporterTest::isFlow), "no flow in the options domain");
            } else {
                assertTrue(m.records().stream().allMatch(r -> isFlow(r) || r.values().containsKey("syscallKind")),
                        "only flows in the flows' domain");
            }
        }
    }

    @Test
    void sendsTemplatesFirstThenEveryRecordInMessagesWithinTheMtu() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            List<FlowRecord> flows = TestFlows.flows(600, 1, 0);
            ExporterStatistics stats;
            try (IpfixExporter exporter = IpfixExporter.start(
                    Settings.to(new Collector("127.0.0.1", collector.port())).withMtu(700).build())) {
                assertEquals(700 - 28, exporter.maxMessageLength());
                flows.forEach(exporter::export);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                stats = exporter.statistics();
            }
            CollectorStatistics c = stats.collectors().get(0);
            List<byte[]> datagrams = collector.awaitCount((int) c.messagesSent() + 1);
            datagrams.forEach(d -> assertTrue(d.length <= 672, "datagram of " + d.length));
            List<IpfixDecoder.Message> messages = decode(datagrams);
            assertFalse(messages.get(0).templates().isEmpty(), "templates come first");
            assertContiguousSequence(messages);
            List<Map<String, Object>> expected = new ArrayList<>();
            flows.forEach(f -> expected.addAll(ExpectedValues.flow(f, BiflowMode.NPROBE)));
            assertEquals(expected, records(messages, IpfixExporterTest::isFlow).stream()
                    .map(IpfixDecoder.DataRecord::values).toList());
            assertEquals(expected.size(), c.flowRecordsSent());
            assertEquals(expected.size(), stats.flowRecordsEncoded());
            assertEquals(600, stats.recordsQueued());
            assertEquals(0, c.notSentFlowRecords() + c.sendErrors() + c.unreachable());
        }
    }

    @Test
    void ipv6AndHostNameCollectorsGetMessagesWithinMtuMinus48() throws Exception {
        try (UdpReceiver v6 = new UdpReceiver("::1"); UdpReceiver named = new UdpReceiver("127.0.0.1")) {
            List<FlowRecord> flows = TestFlows.flows(200, 2, 6);
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("::1", v6.port()),
                    new Collector("localhost", named.port())).withMtu(1280).build())) {
                assertEquals(1280 - 48, exporter.maxMessageLength());
                flows.forEach(exporter::export);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                for (UdpReceiver r : List.of(v6, named)) {
                    int index = r == v6 ? 0 : 1;
                    long sent = exporter.statistics().collectors().get(index).messagesSent();
                    List<IpfixDecoder.Message> messages = decode(r.awaitCount((int) sent));
                    r.datagrams().forEach(d -> assertTrue(d.length <= 1232));
                    assertEquals(200, records(messages, IpfixExporterTest::isFlow).size());
                    assertContiguousSequence(messages);
                }
            }
        }
    }

    /**
     * {@code mtu = auto}: collectors on this host (loopback addresses) get messages of a 9000-byte
     * MTU, and every record still arrives once, in order; any other collector keeps it at 1500.
     */
    @Test
    void anAutomaticMtuIsTheLoopbackOneOnlyWhenEveryCollectorIsOnThisHost() throws Exception {
        try (UdpReceiver v4 = new UdpReceiver("127.0.0.1"); UdpReceiver v6 = new UdpReceiver("::1")) {
            List<FlowRecord> flows = TestFlows.flows(600, 3, 0);
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", v4.port()))
                    .withMtu(ExporterSettings.AUTO_MTU).build())) {
                assertEquals(9000 - 28, exporter.maxMessageLength());
                flows.forEach(exporter::export);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                long sent = exporter.statistics().collectors().get(0).messagesSent();
                List<byte[]> datagrams = v4.awaitCount((int) sent);
                datagrams.forEach(d -> assertTrue(d.length <= 8972, "datagram of " + d.length));
                assertTrue(datagrams.stream().anyMatch(d -> d.length > 1472), "messages beyond 1472 octets");
                List<IpfixDecoder.Message> messages = decode(datagrams);
                assertContiguousSequence(messages);
                List<Map<String, Object>> expected = new ArrayList<>();
                flows.forEach(f -> expected.addAll(ExpectedValues.flow(f, BiflowMode.NPROBE)));
                assertEquals(expected, records(messages, IpfixExporterTest::isFlow).stream()
                        .map(IpfixDecoder.DataRecord::values).toList());
            }
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("::1", v6.port()))
                    .withMtu(ExporterSettings.AUTO_MTU).build())) {
                assertEquals(9000 - 48, exporter.maxMessageLength());
            }
        }
        java.net.InetSocketAddress local = new java.net.InetSocketAddress("127.0.0.1", 9);
        assertEquals(1500 - 28, IpfixExporter.maxMessageLength(ExporterSettings.AUTO_MTU,
                List.of(local, new java.net.InetSocketAddress("192.0.2.1", 9))), "a collector on another host: Ethernet's");
        assertEquals(1500 - 28, IpfixExporter.maxMessageLength(ExporterSettings.AUTO_MTU, List.of()), "files and sinks: as before");
        assertEquals(1500 - 48, IpfixExporter.maxMessageLength(ExporterSettings.AUTO_MTU, java.util.Arrays.asList(local, null)),
                "an unresolved collector may be anywhere");
    }

    @Test
    void anUnreachableCollectorIsCountedAndDoesNotStopTheOthers() throws Exception {
        int closedPort = FreePorts.udp();
        try (UdpReceiver good = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", closedPort),
                    new Collector("127.0.0.1", good.port())).withMtu(600).build())) {
                for (int round = 0; round < 20; round++) {
                    TestFlows.flows(50, round, 4).forEach(exporter::export);
                    assertTrue(exporter.flush(Duration.ofSeconds(10)));
                }
                ExporterStatistics stats = exporter.statistics();
                CollectorStatistics dead = stats.collectors().get(0);
                CollectorStatistics alive = stats.collectors().get(1);
                assertTrue(dead.unreachable() > 0, "ICMP port unreachable counted: " + dead);
                assertEquals(1000, alive.flowRecordsSent());
                assertEquals(0, alive.unreachable() + alive.sendErrors() + alive.notSentFlowRecords());
                List<IpfixDecoder.Message> messages = decode(good.awaitCount((int) alive.messagesSent()));
                assertEquals(1000, records(messages, IpfixExporterTest::isFlow).size());
            }
        }
    }

    @Test
    void aCollectorWhoseNameDoesNotResolveIsCountedAndRetriedWithoutStoppingTheOthers() throws Exception {
        try (UdpReceiver good = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("no-such-host.invalid", 4739),
                    new Collector("127.0.0.1", good.port())).withRefresh(Duration.ofMillis(200), 0).build())) {
                assertEquals(1500 - 48, exporter.maxMessageLength(), "an unresolved collector counts as IPv6");
                TestFlows.flows(10, 6, 4).forEach(exporter::export);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                CollectorStatistics alive = exporter.statistics().collectors().get(1);
                assertEquals(10, alive.flowRecordsSent());
                decode(good.awaitCount((int) alive.messagesSent()));
                // the refresh timer retries the name: each failed attempt is counted
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (exporter.statistics().collectors().get(0).unreachable() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                CollectorStatistics dead = exporter.statistics().collectors().get(0);
                assertFalse(dead.connected());
                assertTrue(dead.unreachable() >= 2, dead.toString());
                assertEquals(10, dead.notSentFlowRecords());
                assertEquals(0, dead.messagesSent());
            }
        }
    }

    /** Holds the export thread until the returned latch is counted down. */
    private static CountDownLatch holdExportThread(IpfixExporter exporter) throws InterruptedException {
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        exporter.runOnExportThread(() -> {
            held.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        return hold;
    }

    @Test
    void aWaitingExportTakesTheRoomTheExportThreadMakesAndLosesNothing() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .withQueue(10).build())) {
                CountDownLatch hold = holdExportThread(exporter);
                List<FlowRecord> flows = TestFlows.flows(15, 3, 4);
                for (FlowRecord f : flows.subList(0, 10)) {
                    assertTrue(exporter.export(f));
                }
                // the queue is full: the 11th producer waits until the export thread runs again
                java.util.concurrent.CompletableFuture<Boolean> waiting = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> exporter.export(flows.get(10), Duration.ofSeconds(30)));
                hold.countDown();
                assertTrue(waiting.get());
                for (FlowRecord f : flows.subList(11, 15)) {
                    assertTrue(exporter.export(f, Duration.ofSeconds(30)));
                }
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                ExporterStatistics stats = exporter.statistics();
                assertEquals(15, stats.recordsQueued());
                assertEquals(0, stats.recordsDroppedQueueFull());
                assertEquals(0, stats.notSentFlowRecords());
                assertEquals(15, stats.collectors().get(0).flowRecordsSent());
            }
        }
    }

    @Test
    void aWaitingExportThatFindsNoRoomInTimeIsDroppedAndCounted() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .withQueue(2).build())) {
                CountDownLatch hold = holdExportThread(exporter);
                List<FlowRecord> flows = TestFlows.flows(3, 3, 4);
                assertTrue(exporter.export(flows.get(0)));
                assertTrue(exporter.export(flows.get(1)));
                assertFalse(exporter.export(flows.get(2), Duration.ofMillis(50)), "the export thread is held");
                hold.countDown();
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                ExporterStatistics stats = exporter.statistics();
                assertEquals(2, stats.recordsQueued());
                assertEquals(1, stats.recordsDroppedQueueFull());
                assertEquals(1, stats.notSentFlowRecords());
                assertEquals(2, stats.collectors().get(0).flowRecordsSent());
            }
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .withQueue(10).withMode(BiflowMode.UNIFLOWS).build())) {
                CountDownLatch hold = holdExportThread(exporter);
                List<FlowRecord> flows = TestFlows.flows(15, 3, 4);
                long droppedUniflows = 0;
                for (FlowRecord f : flows.subList(10, 15)) {
                    droppedUniflows += (f.hasForwardTraffic() ? 1 : 0) + (f.hasReverseTraffic() ? 1 : 0);
                }
                long sentUniflows = 0;
                for (FlowRecord f : flows.subList(0, 10)) {
                    sentUniflows += ExpectedValues.flow(f, BiflowMode.UNIFLOWS).size();
                }
                int accepted = 0;
                for (FlowRecord f : flows) {
                    accepted += exporter.export(f) ? 1 : 0;
                }
                hold.countDown();
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                ExporterStatistics stats = exporter.statistics();
                assertEquals(10, accepted);
                assertEquals(10, stats.recordsQueued());
                assertEquals(5, stats.recordsDroppedQueueFull());
                assertEquals(droppedUniflows, stats.notSentFlowRecords(), "counted in uniflow records");
                assertEquals(sentUniflows, stats.collectors().get(0).flowRecordsSent());
                assertEquals(0, stats.collectors().get(0).notSentFlowRecords(), "the collector itself lost nothing");
            }
        }
    }

    @Test
    void emptyFlowsAreNeverSentAndEmptyUniflowDirectionsAreLeftOut() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .withMode(BiflowMode.UNIFLOWS).build())) {
                FlowRecord empty = FlowRecordTest.base().build();
                FlowRecord forwardOnly = FlowRecordTest.base().forward(3, 180, 2, 1000, 2000).build();
                exporter.export(empty);
                exporter.export(forwardOnly);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                ExporterStatistics stats = exporter.statistics();
                assertEquals(1, stats.recordsSkippedEmpty());
                assertEquals(1, stats.flowRecordsEncoded());
                List<IpfixDecoder.DataRecord> flows = records(decode(collector.awaitCount(
                        (int) stats.collectors().get(0).messagesSent())), IpfixExporterTest::isFlow);
                assertEquals(ExpectedValues.flow(forwardOnly, BiflowMode.UNIFLOWS),
                        flows.stream().map(IpfixDecoder.DataRecord::values).toList());
            }
        }
    }

    @Test
    void anIdleExporterRunsNoTimerTaskAndStillDeliversWhatArrives() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .build())) { // refresh and statistics every 10 min
                TestFlows.flows(10, 6, 4).forEach(exporter::export);
                // no flush(): the records go out by themselves, shortly after they arrive
                List<IpfixDecoder.Message> got = decode(collector.await(
                        d -> records(decode(d), IpfixExporterTest::isFlow).size() >= 10));
                assertEquals(10, records(got, IpfixExporterTest::isFlow).size());
                Thread.sleep(2500); // the fixed timer ran every second here
                assertEquals(0, exporter.timerRuns(), "nothing due: the timer never ran");
                assertEquals(1, exporter.statistics().collectors().get(0).templateRefreshes());
            }
        }
    }

    @Test
    void theTimerRunsOncePerTemplateRefreshAndNoMore() throws Exception {
        long interval = 300_000_000L;
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            long start = System.nanoTime();
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .withRefresh(Duration.ofNanos(interval), 0).build())) {
                Thread.sleep(1400);
                long refreshes = exporter.statistics().collectors().get(0).templateRefreshes();
                long runs = exporter.timerRuns();
                long elapsed = System.nanoTime() - start;
                // the first announcement at the start, then one per interval, each by one timer run
                assertTrue(refreshes >= 4 && refreshes <= elapsed / interval + 1, refreshes + " in " + elapsed + " ns");
                assertEquals(refreshes - 1, runs, "one timer run per refresh");
            }
        }
    }

    @Test
    void templatesAreResentEveryNMessages() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .withRefresh(Duration.ofMinutes(10), 5).build())) {
                for (int i = 0; i < 12; i++) {
                    exporter.export(TestFlows.flows(1, i, 4).get(0));
                    assertTrue(exporter.flush(Duration.ofSeconds(10)));
                }
                List<IpfixDecoder.Message> messages = decode(collector.awaitCount(
                        (int) exporter.statistics().collectors().get(0).messagesSent()));
                StringBuilder pattern = new StringBuilder();
                for (IpfixDecoder.Message m : messages) {
                    pattern.append(records(List.of(m), IpfixExporterTest::isFlow).isEmpty() ? "A" : "D");
                }
                // A: the announcement (templates, then type records), D: a data message
                String announcement = pattern.substring(0, pattern.indexOf("D"));
                String a = announcement;
                assertEquals(a + "DDDDD" + a + "DDDDD" + a + "DD", pattern.toString());
                assertEquals(3, exporter.statistics().collectors().get(0).templateRefreshes());
            }
        }
    }

    @Test
    @SuppressWarnings("try")
    void statisticsRecordsOnTheTimerAndAtCloseCarryTheCollectorsCounts() throws Exception {
        try (UdpReceiver collector = new UdpReceiver("127.0.0.1")) {
            ExporterStatistics last;
            try (IpfixExporter exporter = IpfixExporter.start(Settings.to(new Collector("127.0.0.1", collector.port()))
                    .withStatistics(Duration.ofMillis(200)).build())) {
                exporter.updateIgnoredPacketTotal(77);
                exporter.updateDaemonHealth(new DaemonHealth(1, 2, 3, 4, 5, 6, ProbeVariant.FENTRY));
                TestFlows.flows(40, 4, 0).forEach(exporter::export);
                assertTrue(exporter.flush(Duration.ofSeconds(10)));
                List<IpfixDecoder.Message> timed = decode(collector.await(
                        d -> records(decode(d), IpfixExporterTest::isStatistics).size() >= 1));
                IpfixDecoder.DataRecord s = records(timed, IpfixExporterTest::isStatistics).get(0);
                assertEquals(7, s.unsigned("observationDomainId"));
                assertEquals(77, s.unsigned("ignoredPacketTotalCount"));
                IpfixDecoder.DataRecord h = records(timed, IpfixExporterTest::isHealth).get(0);
                assertEquals(ProcessHandle.current().pid(), h.unsigned("exportingProcessId"));
                assertEquals(1, h.unsigned("flowsActive"));
                assertEquals(6, h.unsigned("droppedEventQueue"));
                exporter.updateDaemonHealth(new DaemonHealth(0, 40, 7, 8, 9, 10, ProbeVariant.TRACEPOINT));
                exporter.close(); // closing sends a last statistics record; the try's close() is then a no-op
                last = exporter.statistics();
            }
            CollectorStatistics c = last.collectors().get(0);
            List<IpfixDecoder.Message> all = decode(collector.awaitCount((int) c.messagesSent()));
            List<IpfixDecoder.DataRecord> stats = records(all, IpfixExporterTest::isStatistics);
            IpfixDecoder.DataRecord fin = stats.get(stats.size() - 1);
            assertEquals(c.messagesSent() - 1, fin.unsigned("exportedMessageTotalCount"), "all but itself");
            assertEquals(40, fin.unsigned("exportedFlowRecordTotalCount"));
            assertEquals(0, fin.unsigned("notSentFlowTotalCount"));
            List<IpfixDecoder.DataRecord> health = records(all, IpfixExporterTest::isHealth);
            assertEquals(stats.size(), health.size(), "a health record with every statistics record");
            Map<String, Object> lastHealth = new java.util.LinkedHashMap<>();
            lastHealth.put("exportingProcessId", ProcessHandle.current().pid());
            lastHealth.put("flowsActive", 0L);
            lastHealth.put("flowsExported", 40L);
            lastHealth.put("droppedMapFull", 7L);
            lastHealth.put("droppedRingBuffer", 8L);
            lastHealth.put("droppedSendQueue", 9L);
            lastHealth.put("droppedEventQueue", 10L);
            lastHealth.put("probeVariant", 3L);
            assertEquals(lastHealth, health.get(health.size() - 1).values(), "the latest value at close");
            assertContiguousSequence(all);
        }
    }

    @Test
    void theFileGetsTheSameRecordsAndItsOwnSequence(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("flows.ipfix");
        List<FlowRecord> flows = TestFlows.flows(500, 5, 0);
        List<SyscallFlowRecord> syscalls = TestFlows.syscallFlows(20);
        try (IpfixExporter exporter = IpfixExporter.start(Settings.toFile(file).withMode(BiflowMode.RFC5103).build())) {
            flows.forEach(exporter::export);
            syscalls.forEach(exporter::export);
        }
        ByteBuf bytes = Unpooled.wrappedBuffer(Files.readAllBytes(file));
        IpfixDecoder decoder = new IpfixDecoder(MODEL);
        List<IpfixDecoder.Message> messages = new ArrayList<>();
        while (bytes.isReadable()) {
            messages.add(decoder.decode(bytes));
        }
        assertContiguousSequence(messages);
        List<Map<String, Object>> expected = new ArrayList<>();
        flows.forEach(f -> expected.addAll(ExpectedValues.flow(f, BiflowMode.RFC5103)));
        assertEquals(expected, records(messages, IpfixExporterTest::isFlow).stream()
                .map(IpfixDecoder.DataRecord::values).toList());
        assertEquals(syscalls.stream().map(ExpectedValues::syscallFlow).toList(),
                records(messages, r -> r.values().containsKey("syscallKind")).stream()
                        .map(IpfixDecoder.DataRecord::values).toList());
    }
}
