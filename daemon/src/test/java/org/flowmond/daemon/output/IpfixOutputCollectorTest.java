package org.flowmond.daemon.output;

import org.flowmond.daemon.stats.StatisticsSnapshot;
import org.flowmond.daemon.container.ContainerIdentity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.config.SettingsLoader;
import org.flowmond.testing.Nfcapd;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.TsharkCapture;
import org.flowmond.daemon.flow.Attribution;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.Endpoint;
import org.flowmond.daemon.flow.InitiatorRule;
import org.flowmond.daemon.flow.ProcessInfo;
import org.flowmond.daemon.flow.SyscallFlowKey;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.flow.SyscallStats;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's records through the real exporter to a real collector (nfcapd), read back by nfdump. */
@RootTest
class IpfixOutputCollectorTest {
    static final long T0 = 1_700_000_000_000_000_000L;

    static BiflowRecord record(int srcPort, long fp, long fb, long rp, long rb, FlowEndReason reason) throws Exception {
        ProcessInfo client = new ProcessInfo(4321, "curl", 1000, "alice", 1, "bash", 7, "", ContainerIdentity.unknown());
        return new BiflowRecord(0x0800, 4, 6, new Endpoint(InetAddress.getByName("10.0.0.2"), srcPort),
                new Endpoint(InetAddress.getByName("10.0.0.1"), 80), InitiatorRule.SYSCALL, fp, fb, 0x1b, rp, rb, 0x1b,
                T0, T0 + 1_500_000_000L, 2, 2, Direction.EGRESS, Direction.INGRESS, reason,
                new Attribution(client, OwnerMethod.CONNECT, new SyscallStats(1, T0, T0)), null);
    }

    @Test
    void biflowsArriveAtNfcapdWithExactCounters(@TempDir Path dir) throws Exception {
        Privileges.requireTool("nfcapd");
        Privileges.requireTool("nfdump");
        try (Nfcapd nfcapd = Nfcapd.start(dir)) {
            Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                    "flowmon.export.collectors = [{ host = \"127.0.0.1\", port = " + nfcapd.port + " }]\n"
                            + "flowmon.export.biflow = ntop\n"));
            IpfixOutput out = IpfixOutput.open(s);
            FlowEndReason[] reasons = FlowEndReason.values();
            for (int i = 0; i < reasons.length; i++) {
                out.biflow(record(40000 + i, 10 + i, 1000 + i, 8, 6000, reasons[i]));
            }
            out.syscallFlow(new SyscallFlowRecord(new SyscallFlowKey(SocketEventKind.CONNECT, 4321, "curl", 4,
                    InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1"), 80, ConnectOutcome.ESTABLISHED),
                    null, new SyscallStats(3, T0, T0 + 2_000_000_000L), FlowEndReason.IDLE_TIMEOUT));
            out.close();
            String log = nfcapd.stop();
            assertTrue(log.contains("Sequence Errors: 0"), log);
            List<Map<String, String>> flows = nfcapd.flows();
            assertEquals(reasons.length, flows.stream().filter(f -> "80".equals(f.get("dp"))
                    && f.get("sp").startsWith("4000")).count(), flows.toString());
            for (int i = 0; i < reasons.length; i++) {
                String sp = Integer.toString(40000 + i);
                Map<String, String> f = flows.stream().filter(r -> sp.equals(r.get("sp"))).findFirst().orElseThrow();
                assertEquals("10.0.0.2", f.get("sa"));
                assertEquals("10.0.0.1", f.get("da"));
                assertEquals("TCP", f.get("pr"));
                assertEquals(Long.toString(10 + i), f.get("ipkt"), f.toString());
                assertEquals(Long.toString(1000 + i), f.get("ibyt"), f.toString());
                assertEquals("8", f.get("opkt"), f.toString());
                assertEquals("6000", f.get("obyt"), f.toString());
            }
        }
    }

    @Test
    void wiresharkDecodesEndReasonsAndTheProcessElements(@TempDir Path dir) throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("tshark");
        int port;
        try (java.net.DatagramSocket sink = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = sink.getLocalPort(); // bound so that no ICMP unreachable comes back
            try (TsharkCapture cap = TsharkCapture.ipfix(dir, null, "lo", port)) {
                Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                        "flowmon.export.collectors = [{ host = \"127.0.0.1\", port = " + port + " }]\n"
                                + "flowmon.export.biflow = ntop\n"));
                IpfixOutput out = IpfixOutput.open(s);
                FlowEndReason[] reasons = FlowEndReason.values();
                for (int i = 0; i < reasons.length; i++) {
                    out.biflow(record(40000 + i, 10 + i, 1000 + i, 8, 6000, reasons[i]));
                }
                out.close();
                cap.stop();
                List<Map<String, String>> recs = cap.ipfixRecords("cflow.srcport", "cflow.packets", "cflow.octets",
                        "cflow.flow_end_reason", "cflow.pie.ntop.src_proc_id", "cflow.pie.ntop.src_proc_name",
                        "cflow.pie.ntop.src_proc_user_name", "cflow.pie.ntop.dst_proc_pid");
                for (int i = 0; i < reasons.length; i++) {
                    String sp = Integer.toString(40000 + i);
                    Map<String, String> r = recs.stream().filter(m -> sp.equals(m.get("cflow.srcport"))).findFirst()
                            .orElseThrow(() -> new AssertionError(sp + " not in " + recs + "\n" + cap.lastOutput() + "\n" + logOf(cap)));
                    assertEquals(Long.toString(10 + i), r.get("cflow.packets"), r.toString());
                    assertEquals(Long.toString(1000 + i), r.get("cflow.octets"), r.toString());
                    assertEquals(Integer.toString(reasons[i].code()), r.get("cflow.flow_end_reason"), r.toString());
                    assertEquals("4321", r.get("cflow.pie.ntop.src_proc_id"), r.toString());
                    assertEquals("curl", r.get("cflow.pie.ntop.src_proc_name"), r.toString());
                    assertEquals("alice", r.get("cflow.pie.ntop.src_proc_user_name"), r.toString());
                    assertEquals("0", r.get("cflow.pie.ntop.dst_proc_pid"), r.toString());
                }
            }
        }
    }

    @Test
    void wiresharkDecodesTheDaemonHealthOptionsRecord(@TempDir Path dir) throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("tshark");
        int port;
        try (java.net.DatagramSocket sink = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = sink.getLocalPort(); // bound so that no ICMP unreachable comes back
            try (TsharkCapture cap = TsharkCapture.ipfix(dir, null, "lo", port)) {
                Settings s = new SettingsLoader().load(Optional.empty(), ConfigFactory.parseString(
                        "flowmon.export.collectors = [{ host = \"127.0.0.1\", port = " + port + " }]\n"
                                + "flowmon.export.enterprise-id = 32473\n"));
                IpfixOutput out = IpfixOutput.open(s);
                // flows.created (99) is not in the health record
                StatisticsSnapshot statistics = org.flowmond.daemon.stats.Snapshots.health(42, 1234, 5, 6, 7, 8,
                        org.flowmond.bpf.api.HookVariant.TRACEPOINT);
                out.exportStatistics(statistics);
                out.close(); // sends the last statistics and health records
                cap.stop();
                List<Map<String, String>> health = cap.recordsWithEnterpriseElement(110);
                assertEquals(1, health.size(), health + "\n" + logOf(cap));
                Map<String, String> h = health.get(0);
                assertEquals(Long.toString(ProcessHandle.current().pid()), h.get(EXPORTING_PROCESS_ID), h.toString());
                assertEquals("42", h.get("enterprise.110"), "flowsActive");
                assertEquals("1234", h.get("enterprise.111"), "flowsExported");
                assertEquals("5", h.get("enterprise.112"), "droppedMapFull");
                assertEquals("6", h.get("enterprise.113"), "droppedRingBuffer");
                assertEquals("7", h.get("enterprise.114"), "droppedSendQueue");
                assertEquals("8", h.get("enterprise.115"), "droppedEventQueue");
                assertEquals("3", h.get("enterprise.116"), "probeVariant tracepoint");
            }
        }
    }

    /** Wireshark 4.0 calls exportingProcessId (IE 144), the health record's scope, FlowExporter. */
    static final String EXPORTING_PROCESS_ID = "cflow.flow_exporter";

    private static String logOf(TsharkCapture cap) {
        try {
            return cap.log();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
