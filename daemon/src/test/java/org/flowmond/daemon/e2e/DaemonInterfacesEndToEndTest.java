package org.flowmond.daemon.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Nfcapd;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.TsharkCapture;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The daemon with {@code interfaces = ["all"]} and a tiny flow table: a veth created after it
 * started is attached and counted, and when the table is full the oldest-idle flows are exported
 * early with flowEndReason 5 (lack of resources) without losing a packet.
 */
@RootTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonInterfacesEndToEndTest {
    private static final int FLOWS = 10;
    private static final int DATAGRAMS = 3;

    private Path dir;
    private VethPair veth;
    private Nfcapd nfcapd;
    private TsharkCapture ipfixCapture;
    private ChildProcess daemon;
    private final List<ChildProcess> children = new ArrayList<>();
    private String newA;
    private String newB;
    private int newIfindex;
    private String newIpA;
    private String newIpB;
    private int daemonExit;
    private List<Map<String, String>> records;

    @BeforeAll
    void run() throws Exception {
        Privileges.requireRoot();
        for (String tool : new String[] {"tshark", "nfcapd"}) {
            Privileges.requireTool(tool);
        }
        dir = Files.createTempDirectory("flowmond-e2e-if");
        veth = VethPair.create("fmi");
        nfcapd = Nfcapd.start(dir, veth.nsA);
        ipfixCapture = TsharkCapture.start(dir, veth.nsA, "lo", nfcapd.port,
                "udp port " + nfcapd.port + " or udp port " + (nfcapd.port + 1), "127.0.0.1", nfcapd.port + 1);
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, """
                flowmon {
                  interfaces = ["all"]
                  flows { max-flows = 4, idle-timeout = 2s, active-timeout = 60s, fin-linger = 1s }
                  probes { tc-scan-interval = 200ms }
                  export { collectors = [{ host = "127.0.0.1", port = %d }], biflow = ntop }
                }
                """.formatted(nfcapd.port));
        daemon = ChildProcess.java(dir.resolve("daemon.log"), veth.nsA, "org.flowmond.daemon.Flowmond", "--config",
                conf.toString());
        daemon.awaitOutput("running with");

        // a new link between the namespaces, after the daemon started
        String suffix = veth.ifA.substring(3);
        newA = "fmNa" + suffix;
        newB = "fmNb" + suffix;
        newIpA = "10.98." + suffix + ".1";
        newIpB = "10.98." + suffix + ".2";
        Tools.run("ip", "-n", veth.nsA, "link", "add", newA, "type", "veth", "peer", "name", newB, "netns", veth.nsB);
        Tools.run("ip", "-n", veth.nsA, "addr", "add", newIpA + "/24", "dev", newA);
        Tools.run("ip", "-n", veth.nsB, "addr", "add", newIpB + "/24", "dev", newB);
        Tools.run("ip", "-n", veth.nsA, "link", "set", newA, "up");
        Tools.run("ip", "-n", veth.nsB, "link", "set", newB, "up");
        newIfindex = VethPair.ifindex(veth.nsA, newA);
        awaitLog("attached to " + newA);

        ChildProcess udp = peer("udp-new", veth.nsA, "udp", "fm-udp-new", newIpB, "7100", "3", "100");
        assertEquals(0, udp.awaitExit(), udp.output());
        for (int i = 0; i < FLOWS; i++) { // ten flows through a table of four
            ChildProcess p = peer("udp-" + i, veth.nsA, "udp", "fm-udp-" + i, veth.ipv4B, Integer.toString(7200 + i),
                    Integer.toString(DATAGRAMS), "50");
            assertEquals(0, p.awaitExit(), p.output());
        }
        TimeUnit.SECONDS.sleep(3); // idle timeout for what is left
        daemonExit = daemon.terminate();
        ipfixCapture.stop();
        nfcapd.stop();
        records = ipfixCapture.ipfixRecords("cflow.srcaddr", "cflow.dstaddr", "cflow.srcport", "cflow.dstport",
                "cflow.packets", "cflow.octets", "cflow.post_packets", "cflow.flow_end_reason", "cflow.inputint",
                "cflow.outputint");
    }

    private void awaitLog(String text) throws Exception {
        for (int i = 0; i < 100 && !daemon.output().contains(text); i++) {
            TimeUnit.MILLISECONDS.sleep(100); // waiting for the daemon's 2 s interface poll, not a timed assertion
        }
        assertTrue(daemon.output().contains(text), daemon.output());
    }

    private ChildProcess peer(String name, String ns, String... args) throws Exception {
        ChildProcess p = ChildProcess.java(dir.resolve(name + ".log"), ns, TrafficPeer.class.getName(), args);
        children.add(p);
        return p;
    }

    @AfterAll
    void cleanUp() throws Exception {
        children.forEach(ChildProcess::close);
        if (daemon != null) {
            daemon.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {ipfixCapture, nfcapd, veth}) {
            if (c != null) {
                c.close();
            }
        }
        if (dir != null && !Privileges.inCi()) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private List<Map<String, String>> udpTo(int port) {
        return records.stream().filter(r -> Integer.toString(port).equals(r.get("cflow.dstport"))
                && r.get("cflow.packets") != null && r.get("cflow.srcport") != null).toList();
    }

    @Test
    void aVethCreatedAfterStartIsCounted() throws Exception {
        assertEquals(0, daemonExit, daemon.output());
        List<Map<String, String>> recs = udpTo(7100);
        assertEquals(1, recs.size(), records.toString());
        Map<String, String> r = recs.get(0);
        assertEquals(newIpA, r.get("cflow.srcaddr"));
        assertEquals(newIpB, r.get("cflow.dstaddr"));
        assertEquals("3", r.get("cflow.packets"));
        assertEquals(Integer.toString(3 * (100 + 8 + 20)), r.get("cflow.octets"));
        assertEquals(Integer.toString(newIfindex), r.get("cflow.outputint"), "counted on the new veth's egress");
    }

    @Test
    void aFullTableExportsForLackOfResourcesWithoutLosingPackets() {
        long evicted = 0;
        for (int i = 0; i < FLOWS; i++) {
            List<Map<String, String>> recs = udpTo(7200 + i);
            assertFalse(recs.isEmpty(), "flow to port " + (7200 + i) + " missing: " + records);
            long packets = recs.stream().mapToLong(r -> Long.parseLong(r.get("cflow.packets"))).sum();
            assertEquals(DATAGRAMS, packets, "every datagram of port " + (7200 + i) + " counted once: " + recs);
            evicted += recs.stream().filter(r -> "5".equals(r.get("cflow.flow_end_reason"))).count();
        }
        assertTrue(evicted > 0, "some flows ended for lack of resources: " + records);
    }
}
