package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.owner.OwnershipStatistics;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.daemon.flow.ProcessResolver;
import org.flowmond.daemon.flow.UserNames;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's wiring with in-memory sources: events → table → JSON and tables, and shutdown. */
@UnitTest
class PipelineTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long S = 1_000_000_000L;

    long now = T0;

    private Settings settings(Path json, String extra) throws Exception {
        return new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                "flowmon.export.collectors = []\nflowmon.outputs.json-file = \"" + json + "\"\n" + extra));
    }

    private Pipeline start(Settings s, FakeSources src, Path dir) throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "alice:x:1000:1000::/home/alice:/bin/sh\n");
        return Pipeline.start(s, src, () -> now, new ProcessResolver(new UserNames(passwd), dir.resolve("proc")), false);
    }

    private static SocketEvent connect(long t, int pid, int lport) throws Exception {
        return connect(t, pid, lport, ConnectOutcome.ESTABLISHED);
    }

    private static SocketEvent connect(long t, int pid, int lport, ConnectOutcome outcome) throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.2");
        InetAddress b = InetAddress.getByName("10.0.0.1");
        return new SocketEvent(SocketEventKind.CONNECT, t, pid, pid, 1000, 1000, 1, "curl", "bash", 1, 1, 4, a, lport, b, 80,
                outcome);
    }

    @Test
    void eventsAndScansBecomeRecordsAndShutdownFlushesEverything(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("flows.json");
        FakeSources src = new FakeSources();
        Pipeline p = start(settings(json, ""), src, dir);
        src.consumer.accept(connect(T0, 4321, 40000));
        src.consumer.accept(connect(T0 + 2 * S, 4321, 40001));
        src.consumer.accept(connect(T0 + 2 * S, 4321, 40002, ConnectOutcome.REFUSED));
        FlowKey out = new FlowKey(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1"), 40001, 80, 6,
                FlowKey.ETH_P_IP, 2, Direction.EGRESS);
        src.tcMap.put(out, new FlowCounters(3, 180, T0 + 2 * S, T0 + 2 * S, FlowCounters.SYN));
        src.owners.put(out, new SocketOwner[] {new SocketOwner(4321, 1000, 1, 1, "curl", "bash", OwnerMethod.CONNECT), null});
        now = T0 + 3 * S;
        p.runCycle();
        assertEquals(1L, p.statistics().get("flows.active"));
        assertEquals(1L, p.statistics().get("probe.variant.tracepoint"));
        src.ownershipStatistics = new OwnershipStatistics(1, 2, 3, 4, 5, 6, List.of("cgroup/connect4"));
        assertEquals(1L, p.statistics().get("dropped.owner-map-full"));
        assertEquals(3L, p.statistics().get("dropped.owner-tuple-map-full"));
        assertEquals(5L, p.statistics().get("ownership.no-owner-for-address"));
        assertEquals(6L, p.statistics().get("ownership.seeded"));
        p.close();
        assertTrue(src.tcMap.isEmpty(), "kernel entries read and deleted at shutdown");
        assertEquals(3, src.closed, "ownership and both sources detached");
        assertEquals(1, src.seeded, "sockets open before start-up seeded once");

        List<String> lines = Files.readAllLines(json, StandardCharsets.UTF_8);
        assertEquals(3, lines.size(), String.join("\n", lines));
        String biflow = lines.stream().filter(l -> l.startsWith("{\"FLOWMON_RECORD\":\"biflow\"")).findFirst().orElseThrow();
        assertTrue(biflow.contains("\"IPV4_SRC_ADDR\":\"10.0.0.2\""), biflow);
        assertTrue(biflow.contains("\"L4_SRC_PORT\":40001"), biflow);
        assertTrue(biflow.contains("\"IN_PKTS\":3,\"IN_BYTES\":180,\"OUT_PKTS\":0,\"OUT_BYTES\":0"), biflow);
        assertTrue(biflow.contains("\"FLOW_END_REASON\":4"), biflow);
        assertTrue(biflow.contains("\"SRC_PROC_PID\":4321,\"SRC_PROC_NAME\":\"curl\""), biflow);
        assertTrue(biflow.contains("\"SRC_PROC_USER_NAME\":\"alice\""), biflow);
        assertTrue(biflow.contains("\"FLOWMON_SRC_SYSCALL_COUNT\":2,\"FLOWMON_SRC_SYSCALL_MTBS_US\":2000000"), biflow);
        assertTrue(biflow.contains("\"FLOWMON_SRC_PROC_ATTRIBUTION\":\"connect\""), biflow);
        String syscall = lines.stream().filter(l -> l.startsWith("{\"FLOWMON_RECORD\":\"syscall\"")
                && l.contains("\"FLOWMON_CONNECT_OUTCOME\":\"established\"")).findFirst().orElseThrow();
        assertTrue(syscall.contains("\"FLOWMON_SYSCALL_COUNT\":2,\"FLOWMON_SYSCALL_MTBS_US\":2000000"), syscall);
        String refused = lines.stream().filter(l -> l.contains("\"FLOWMON_CONNECT_OUTCOME\":\"refused\"")).findFirst()
                .orElseThrow();
        assertTrue(refused.contains("\"FLOWMON_SYSCALL\":\"connect\""), refused);
        assertTrue(refused.contains("\"FLOWMON_SYSCALL_COUNT\":1,"), refused);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.writeTables(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("""
                PID\tCOMM\tIP\tSADDR\tDADDR\tRPORT\tCOUNT\tMTBS(s)\tOUTCOME
                4321\tcurl\t4\t10.0.0.2\t10.0.0.1\t80\t2\t2.000000\testablished
                4321\tcurl\t4\t10.0.0.2\t10.0.0.1\t80\t1\t-\trefused

                PID\tCOMM\tIP\tSADDR\tDADDR\tLPORT\tCOUNT\tMTBS(s)
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    /** A burst three times the queue's size: the reader waits for the flow thread, nothing is dropped. */
    @Test
    void aBurstLargerThanTheEventQueueWaitsInsteadOfDropping(@TempDir Path dir) throws Exception {
        FakeSources src = new FakeSources();
        Pipeline p = Pipeline.start(settings(dir.resolve("j"), "flowmon.probes.ring-poll-interval = 10ms"), src, () -> now,
                new ProcessResolver(new UserNames(dir.resolve("passwd")), dir.resolve("proc")), true);
        int burst = 3 * Pipeline.EVENT_QUEUE;
        SocketEvent e = connect(T0, 4321, 40000);
        for (int i = 0; i < burst; i++) {
            src.consumer.accept(e); // the reader thread's call: returns once the event is queued
        }
        p.close();
        assertEquals(0L, p.statistics().get("dropped.event-queue"));
        assertEquals((long) burst, p.statistics().get("syscall.events"));
    }

    @Test
    void tablesIncludeFlowsNotYetExported(@TempDir Path dir) throws Exception {
        FakeSources src = new FakeSources();
        Pipeline p = start(settings(dir.resolve("j"), ""), src, dir);
        src.consumer.accept(connect(T0, 7, 40000));
        p.runCycle();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.writeTables(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("7\tcurl\t4\t10.0.0.2\t10.0.0.1\t80\t1\t-\testablished\n"));
        p.close();
    }

    @Test
    void reloadAppliesTimeoutsAndReopensOnlyWhatChanged(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("flows.json");
        FakeSources src = new FakeSources();
        Pipeline p = start(settings(json, ""), src, dir);
        p.reload(settings(json, "flowmon.flows.idle-timeout = 5s"));
        assertEquals(1, src.tcOpened);
        assertEquals(1, src.syscallOpened);
        p.reload(settings(json, "flowmon.filter.pids = [1]"));
        assertEquals(1, src.tcOpened);
        assertEquals(2, src.syscallOpened, "kernel filters need a reload of the probes");
        p.reload(settings(json, "flowmon.filter.pids = [1]\nflowmon.interfaces = [lo]"));
        assertEquals(2, src.tcOpened);
        assertEquals(1, src.ownershipOpened, "socket ownership outlives every reload");
        p.close();
    }

    /** Fake sources whose TC program and, if asked, whose IPFIX output fail to open; the rest as {@code fake}. */
    private static Sources failingTc(FakeSources fake, boolean exportFails) {
        return new DelegatingSources(fake) {
            @Override
            public UniFlowSource openTc(Settings settings, java.util.function.Predicate<org.flowmond.bpf.api.UniFlow> o) {
                throw new IllegalArgumentException("no network interface 'nosuch0'");
            }

            @Override
            public org.flowmond.daemon.output.ExportOutput openExport(Settings settings) {
                fake.openExport(settings);
                if (exportFails) {
                    throw new IllegalArgumentException("bad collector");
                }
                return null;
            }
        };
    }

    private Pipeline startWith(Sources sources, Path dir) throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "alice:x:1000:1000::/home/alice:/bin/sh\n");
        return Pipeline.start(settings(dir.resolve("flows.json"), ""), sources, () -> now,
                new ProcessResolver(new UserNames(passwd), dir.resolve("proc")), false);
    }

    @Test
    void aProbeThatFailsClosesWhatTheOtherThreadsOpenedAndIsTheFailureReported(@TempDir Path dir) throws Exception {
        FakeSources src = new FakeSources();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> startWith(failingTc(src, false), dir));
        assertEquals("no network interface 'nosuch0'", e.getMessage());
        assertEquals(1, src.syscallOpened);
        assertEquals(1, src.exportOpened);
        assertEquals(2, src.closed, "the syscall source and the socket ownership");
    }

    @Test
    void whenTheOutputsFailTooTheirFailureIsReportedAsWhenTheyOpenedFirst(@TempDir Path dir) throws Exception {
        FakeSources src = new FakeSources();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> startWith(failingTc(src, true), dir));
        assertEquals("bad collector", e.getMessage());
        assertEquals("no network interface 'nosuch0'", e.getSuppressed()[0].getMessage());
        assertEquals(2, src.closed);
    }
}
