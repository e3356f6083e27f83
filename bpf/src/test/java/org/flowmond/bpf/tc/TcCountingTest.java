package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.tc.FlowCapture.Count;
import org.flowmond.bpf.tc.FlowCapture.Key;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * The TC counts per flow and direction equal, exactly, what an independent capture on the same
 * interface counts (flowcap.py), for TCP, UDP and ICMP echo over IPv4 and IPv6, with GSO
 * super-packets at the hooks, with GRO-merged ones, and with neither; loopback is counted once;
 * a full map loses nothing; two CPUs on one flow lose no increment.
 */
@RootTest
class TcCountingTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static Path traffic;

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        for (String tool : List.of("python3", "ethtool", "tc", "ping", "taskset")) {
            Privileges.requireTool(tool);
        }
        traffic = TcTestNet.script("traffic.py");
    }

    @ParameterizedTest(name = "offloads: {0}")
    @EnumSource(TcTestNet.Offloads.class)
    void countsEqualACaptureOnTheSameVeth(TcTestNet.Offloads offloads) throws Exception {
        List<UniFlow> overflow = Collections.synchronizedList(new ArrayList<>());
        long wallBefore = epochNanosNow();
        try (VethPair v = VethPair.create("fmtc");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, overflow::add)) {
            TcTestNet.staticNeighbours(v);
            TcTestNet.offloads(v, offloads);
            NetDevice dev = m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
            FlowCapture.Result captured;
            try (FlowCapture cap = FlowCapture.start(v.nsA, v.ifA)) {
                tcpTransfer(v.nsA, v.ipv4A, v.nsB, 5001, 1_000_000);   // B -> A, IPv4
                tcpTransfer(v.nsB, v.ipv6B, v.nsA, 5002, 300_000);     // A -> B, IPv6
                TcTestNet.python(v.nsB, traffic, "udp-send", v.ipv4A, "6000", "100", "1200", "40000");
                TcTestNet.python(v.nsA, traffic, "udp-send", v.ipv6B, "6001", "50", "800", "40001");
                VethPair.exec(v.nsB, "ping", "-q", "-c", "3", "-i", "0.2", v.ipv4A);
                VethPair.exec(v.nsB, "ping", "-6", "-q", "-c", "3", "-i", "0.2", v.ipv6A);
                waitUntilQuiet(m);
                captured = cap.stop();
            }
            assertEquals(0, captured.drops(), "the capture socket dropped packets");
            if (offloads == TcTestNet.Offloads.NONE) {
                assertEquals(0, captured.gsoPackets(), "offloads off, yet GSO super-packets were seen");
            } else {
                assertTrue(captured.gsoPackets() > 0, offloads + ", yet no GSO/GRO super-packet was seen");
            }
            Predicate<Key> ours = between(v.ipv4A, v.ipv4B, v.ipv6A, v.ipv6B);
            List<UniFlow> scanned = m.scan();
            Map<Key, Count> tc = counts(scanned, dev.ifindex(), ours);
            assertEquals(only(captured.flows(), ours), tc);

            // What the generators sent, independently of any capture:
            Key udp4 = new Key(ip(v.ipv4B), ip(v.ipv4A), 40000, 6000, 17, 0x0800, Direction.INGRESS);
            assertEquals(new Count(100, 100 * (1200 + 8 + 20)), tc.get(udp4));
            Key udp6 = new Key(ip(v.ipv6A), ip(v.ipv6B), 40001, 6001, 17, 0x86DD, Direction.EGRESS);
            assertEquals(new Count(50, 50 * (800 + 8 + 40)), tc.get(udp6));
            Key echo4 = new Key(ip(v.ipv4B), ip(v.ipv4A), 8, 0, 1, 0x0800, Direction.INGRESS);
            assertEquals(new Count(3, 3 * 84), tc.get(echo4));
            Key reply4 = new Key(ip(v.ipv4A), ip(v.ipv4B), 0, 0, 1, 0x0800, Direction.EGRESS);
            assertEquals(new Count(3, 3 * 84), tc.get(reply4));
            Key echo6 = new Key(ip(v.ipv6B), ip(v.ipv6A), 128, 0, 58, 0x86DD, Direction.INGRESS);
            assertEquals(new Count(3, 3 * 104), tc.get(echo6));

            UniFlow tcp4 = scanned.stream().filter(f -> f.key().protocol() == 6 && f.key().dstPort() == 5001
                    && f.key().direction() == Direction.INGRESS).findFirst().orElseThrow();
            FlowCounters c = tcp4.counters();
            assertEquals(FlowCounters.SYN | FlowCounters.ACK | FlowCounters.FIN,
                    c.tcpFlags() & (FlowCounters.SYN | FlowCounters.ACK | FlowCounters.FIN | FlowCounters.RST));
            long wallAfter = epochNanosNow();
            assertTrue(wallBefore <= c.firstSeenNanos() && c.firstSeenNanos() <= c.lastSeenNanos()
                    && c.lastSeenNanos() <= wallAfter, "timestamps within the test: " + c);

            assertEquals(Optional.of(c), m.remove(tcp4.key()), "remove returns the final counters");
            assertEquals(Optional.empty(), m.remove(tcp4.key()), "and the flow is gone");

            // Shutdown: the rest of the map read and deleted in chunks, each entry as it was at removal.
            List<UniFlow> removed = new ArrayList<>();
            assertTrue(m.removeAll(removed::add), "this kernel has BPF_MAP_LOOKUP_AND_DELETE_BATCH (5.6+)");
            List<UniFlow> rest = new ArrayList<>(scanned);
            rest.remove(tcp4);
            assertEquals(counts(rest, dev.ifindex(), ours), counts(removed, dev.ifindex(), ours));
            assertEquals(Map.of(), counts(m.scan(), dev.ifindex(), ours), "none of them is left in the map");

            TcStatistics s = m.statistics();
            assertEquals(0, s.insertFailures() + s.overflowLost() + s.truncated() + s.extHeaderLimit(), s.toString());
        }
        assertEquals(List.of(), overflow);
    }

    /** A map found empty is not read again until the kernel has inserted a flow; then it is, in full. */
    @Test
    void aMapFoundEmptyIsReadAgainOnlyOnceAFlowIsInserted() throws Exception {
        try (VethPair v = VethPair.create("fmte");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024), CLOCK, f -> { })) {
            m.attach(TcInterface.named("lo", TcHooks.BOTH).inNamespace(v.nsA)); // a new namespace's lo: quiet
            assertEquals(List.of(), m.scan(), "nothing on a quiet loopback");
            long skipped = m.skippedEmptyReads();
            assertEquals(List.of(), m.scan());
            assertEquals(skipped + 1, m.skippedEmptyReads(), "found empty, nothing inserted since: not read");

            tcpTransfer(v.nsA, "127.0.0.1", v.nsA, 5005, 10_000);
            List<UniFlow> flows = m.scan();
            assertEquals(skipped + 1, m.skippedEmptyReads(), "an insert since: read");
            assertEquals(2, flows.stream().filter(f -> f.key().srcPort() == 5005 || f.key().dstPort() == 5005).count(),
                    "the connection's two directions, counted on lo's egress: " + flows);

            assertTrue(m.removeAll(f -> { }));
            assertEquals(List.of(), m.scan(), "emptied by the daemon, not by the kernel: read once more");
            assertEquals(skipped + 1, m.skippedEmptyReads());
            assertEquals(List.of(), m.scan());
            assertEquals(skipped + 2, m.skippedEmptyReads());
        }
    }

    /** The kernel's count of inserts since the last scan is the entries that scan has not seen: exactly. */
    @Test
    void insertsSinceTheLastScanAreTheEntriesItHasNotSeen() throws Exception {
        try (VethPair v = VethPair.create("fmti");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024), CLOCK, f -> { })) {
            m.attach(TcInterface.named("lo", TcHooks.BOTH).inNamespace(v.nsA)); // a new namespace's lo: quiet
            assertEquals(0, m.insertedSinceLastScan(), "nothing on a quiet loopback");

            tcpTransfer(v.nsA, "127.0.0.1", v.nsA, 5006, 10_000);
            assertEquals(2, m.insertedSinceLastScan(), "the connection's two directions, on lo's egress");
            assertEquals(2, m.scan().size());
            assertEquals(0, m.insertedSinceLastScan(), "none since the scan began");

            tcpTransfer(v.nsA, "127.0.0.1", v.nsA, 5007, 10_000);
            assertEquals(2, m.insertedSinceLastScan(), "the second connection only");
            assertEquals(4, m.scan().size(), "the scan after the question, with the count it read");

            assertTrue(m.removeAll(f -> { }));
            assertEquals(0, m.insertedSinceLastScan());
            assertEquals(List.of(), m.scan(), "emptied by the daemon: read once more, found empty");
            long skipped = m.skippedEmptyReads();
            assertEquals(0, m.insertedSinceLastScan());
            assertEquals(List.of(), m.scan());
            assertEquals(skipped + 1, m.skippedEmptyReads(), "found empty, nothing inserted since: not read");
            tcpTransfer(v.nsA, "127.0.0.1", v.nsA, 5008, 10_000);
            assertEquals(2, m.insertedSinceLastScan());
            assertEquals(2, m.scan().size(), "an insert since: read");
        }
    }

    @Test
    void loopbackIsCountedOncePerPacket() throws Exception {
        try (VethPair v = VethPair.create("fmtl");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024), CLOCK, f -> { })) {
            NetDevice lo = m.attach(TcInterface.named("lo", TcHooks.BOTH).inNamespace(v.nsA));
            assertTrue(lo.isLoopback());
            FlowCapture.Result captured;
            try (FlowCapture cap = FlowCapture.start(v.nsA, "lo")) {
                tcpTransfer(v.nsA, "127.0.0.1", v.nsA, 5003, 500_000);
                tcpTransfer(v.nsA, "::1", v.nsA, 5004, 200_000);
                waitUntilQuiet(m);
                captured = cap.stop();
            }
            assertEquals(0, captured.drops());
            Predicate<Key> ours = between("127.0.0.1", "::1");
            Map<Key, Count> sent = only(captured.flows(), ours.and(k -> k.direction() == Direction.EGRESS));
            Map<Key, Count> received = new HashMap<>();
            only(captured.flows(), ours.and(k -> k.direction() == Direction.INGRESS)).forEach((k, n) -> received.put(
                    new Key(k.src(), k.dst(), k.srcPort(), k.dstPort(), k.protocol(), k.ethProto(), Direction.EGRESS), n));
            assertEquals(sent, received, "lo shows every packet twice: once leaving, once arriving");
            assertEquals(4, sent.size(), "two TCP connections, two directions each");
            assertEquals(sent, counts(m.scan(), lo.ifindex(), ours), "counted once, on egress");
        }
    }

    @Test
    void aFullMapAccountsForEveryPacketThroughTheOverflowRing() throws Exception {
        List<UniFlow> overflow = Collections.synchronizedList(new ArrayList<>());
        Logger monitorLog = (Logger) LoggerFactory.getLogger(TcFlowMonitor.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        monitorLog.addAppender(log);
        try (VethPair v = VethPair.create("fmtf");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(64), CLOCK, overflow::add)) {
            TcTestNet.staticNeighbours(v);
            NetDevice dev = m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
            FlowCapture.Result captured;
            try (FlowCapture cap = FlowCapture.start(v.nsA, v.ifA)) {
                TcTestNet.python(v.nsB, traffic, "udp-ports", v.ipv4A, "20000", "1000"); // 1,000 flows
                waitUntilQuiet(m);
                captured = cap.stop();
            }
            // the overflow reader, having handed over records, read the counters and warned (no statistics() yet)
            List<String> warnings = awaitWarning(log, "TC flow map could not take");
            assertTrue(warnings.size() == 1 || warnings.size() == 2, "logged, rate-limited (one line per 10 s): " + warnings);
            m.drainOverflow();
            List<UniFlow> inMap = m.scan();
            assertEquals(64, inMap.size(), "the map is full");

            Predicate<Key> ours = between(v.ipv4A, v.ipv4B);
            Map<Key, Count> total = counts(inMap, dev.ifindex(), ours);
            List<UniFlow> delivered = List.copyOf(overflow);
            counts(delivered, dev.ifindex(), ours).forEach((k, n) -> total.merge(k, n, (a, b) -> a.plus(b.packets(), b.bytes())));
            Map<Key, Count> expected = only(captured.flows(), ours);
            assertTrue(expected.size() >= 1000, "the capture saw the 1,000 flows: " + expected.size());
            assertEquals(expected, total, "map + overflow ring = capture, flow by flow");

            TcStatistics s = settledOverflow(m, overflow);
            assertEquals(overflow.size(), s.mapFull(), "one overflow record per failed insert (E2BIG)");
            assertEquals(overflow.size(), s.overflowDelivered());
            assertEquals(0, s.mapNoMem() + s.mapOtherError() + s.overflowLost() + s.overflowFailures(), s.toString());
            assertTrue(s.mapFull() >= 1000 - 64, "failures counted: " + s);
        } finally {
            monitorLog.detachAppender(log);
        }
    }

    /**
     * An overflow reader that waits 60 s unless woken (the daemon's flow thread wakes it once a
     * scan) leaves records below a quarter of the ring where they are until {@code
     * wakeOverflowReaderIfPending} sees them; then they all arrive, and close ends its wait at once.
     */
    @Test
    void aLongWaitingOverflowReaderIsWokenWhenRecordsWaitAndByClose() throws Exception {
        List<UniFlow> overflow = Collections.synchronizedList(new ArrayList<>());
        try (VethPair v = VethPair.create("fmtw")) {
            TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(64).withOverflowPollMillis(60_000),
                    CLOCK, overflow::add);
            try {
                TcTestNet.staticNeighbours(v);
                m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
                assertFalse(m.wakeOverflowReaderIfPending(), "an empty ring wakes nobody");
                // 300 flows, 64 fit: 236 records stay below a quarter of the 1 MiB ring, where the
                // kernel wakes the reader itself (1,000 would pass it)
                TcTestNet.python(v.nsB, traffic, "udp-ports", v.ipv4A, "20000", "300");
                waitUntilQuiet(m);
                assertEquals(List.of(), overflow, "below a quarter of the ring the kernel does not wake the reader");
                assertTrue(m.wakeOverflowReaderIfPending(), "records wait");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (overflow.size() < 300 - 64 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(overflow.size() >= 300 - 64, overflow.size() + " overflow records after the wake-up");
                // the reader may still be taking the last records (and the veth's own IPv6 packets
                // overflow the full map too): each true wakes it again, until it has taken them all
                boolean waiting = true;
                while (waiting && System.nanoTime() < deadline + 5_000_000_000L) {
                    waiting = m.wakeOverflowReaderIfPending();
                    Thread.sleep(20);
                }
                assertFalse(waiting, "all taken");
            } finally {
                long t0 = System.nanoTime();
                m.close();
                long closeMillis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(closeMillis < 30_000, "close waited for the reader's 60 s poll: " + closeMillis + " ms");
            }
        }
    }

    /** The WARN lines containing {@code text}, once there is one (up to 5 s: the reader polls every second). */
    private static List<String> awaitWarning(ListAppender<ILoggingEvent> log, String text) throws InterruptedException {
        for (int i = 0; ; i++) {
            List<String> lines;
            synchronized (log.list) {
                lines = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
            }
            if (!lines.isEmpty() || i == 50) {
                return lines;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void twoCpusCountingOneFlowLoseNoIncrement() throws Exception {
        try (VethPair v = VethPair.create("fmtp");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024), CLOCK, f -> { })) {
            TcTestNet.staticNeighbours(v);
            NetDevice dev = m.attach(TcInterface.named(v.ifB, TcHooks.EGRESS).inNamespace(v.nsB));
            int perSender = 50_000;
            List<Process> senders = new ArrayList<>();
            for (String cpu : List.of("0", "1")) { // same 5-tuple (SO_REUSEPORT) from two CPUs at once
                senders.add(new ProcessBuilder("ip", "netns", "exec", v.nsB, "taskset", "-c", cpu, "python3",
                        traffic.toString(), "udp-send", v.ipv4A, "7000", String.valueOf(perSender), "64", "41000")
                        .redirectErrorStream(true).start());
            }
            for (Process p : senders) {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
            }
            waitUntilQuiet(m);
            Key flow = new Key(ip(v.ipv4B), ip(v.ipv4A), 41000, 7000, 17, 0x0800, Direction.EGRESS);
            assertEquals(new Count(2L * perSender, 2L * perSender * (64 + 28)),
                    counts(m.scan(), dev.ifindex(), k -> true).get(flow));
        }
    }

    /** A TCP connection from {@code clientNs} to a sink at serverAddr:port in {@code serverNs}, {@code bytes} one way. */
    private static void tcpTransfer(String serverNs, String serverAddr, String clientNs, int port, int bytes)
            throws Exception {
        Process sink = TcTestNet.startAndAwait(serverNs, "listening", "python3", traffic.toString(), "tcp-sink",
                serverAddr, String.valueOf(port));
        try {
            TcTestNet.python(clientNs, traffic, "tcp-send", serverAddr, String.valueOf(port), String.valueOf(bytes));
            assertTrue(sink.waitFor(60, TimeUnit.SECONDS), "sink did not finish");
            String received = new String(sink.getInputStream().readAllBytes()).trim();
            assertEquals(String.valueOf(bytes), received, "bytes the sink received");
        } finally {
            sink.destroyForcibly();
        }
    }

    /** Waits until two scans 200 ms apart count the same packets (the last ACKs are in). */
    /**
     * The statistics once every failed insert's overflow record has been taken from the ring. A
     * stray packet of the veth (IPv6 neighbour discovery, MLD) may still fail an insert after the
     * test's traffic: its record is then in the ring, not yet delivered, when the counters are read.
     */
    private static TcStatistics settledOverflow(TcFlowMonitor m, List<UniFlow> delivered) throws InterruptedException {
        TcStatistics s = m.statistics();
        for (int i = 0; i < 20 && s.mapFull() != delivered.size(); i++) {
            TimeUnit.MILLISECONDS.sleep(100);
            m.drainOverflow();
            s = m.statistics();
        }
        return s;
    }

    private static void waitUntilQuiet(TcFlowMonitor m) throws InterruptedException {
        long previous = -1;
        for (int i = 0; i < 100; i++) {
            long now = m.scan().stream().mapToLong(f -> f.counters().packets()).sum();
            if (now == previous) {
                return;
            }
            previous = now;
            Thread.sleep(200);
        }
        throw new AssertionError("flows still counting after 20 s");
    }

    private static Map<Key, Count> counts(List<UniFlow> flows, int ifindex, Predicate<Key> filter) {
        Map<Key, Count> out = new HashMap<>();
        for (UniFlow f : flows) {
            Key k = Key.of(f.key());
            if (f.key().ifindex() == ifindex && filter.test(k)) {
                out.merge(k, new Count(f.counters().packets(), f.counters().bytes()),
                        (a, b) -> a.plus(b.packets(), b.bytes()));
            }
        }
        return out;
    }

    private static Map<Key, Count> only(Map<Key, Count> flows, Predicate<Key> filter) {
        Map<Key, Count> out = new HashMap<>();
        flows.forEach((k, n) -> {
            if (filter.test(k)) {
                out.put(k, n);
            }
        });
        return out;
    }

    /** Flows whose both addresses are among {@code addresses} (the test's own traffic). */
    private static Predicate<Key> between(String... addresses) {
        Set<InetAddress> set = new java.util.HashSet<>();
        for (String a : addresses) {
            set.add(ip(a));
        }
        return k -> set.contains(k.src()) && set.contains(k.dst());
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static long epochNanosNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
