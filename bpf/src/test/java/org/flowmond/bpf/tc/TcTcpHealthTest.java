package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.TcpCounters;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.LittleEndian;
import org.flowmond.bpf.libbpf.TcxLink;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.TsharkCapture;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP health counters against the kernel's own view of the same connection, one connection per
 * pair of namespaces so that the namespace's counters (nstat) are that connection's: B sends to A
 * over a veth pair, flowmond counts both ends (A's and B's hooks, both directions).
 */
@RootTest
class TcTcpHealthTest {
    private static final KernelClock CLOCK = new KernelClock();
    private static Path script;

    @TempDir
    Path tmp;

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        for (String tool : List.of("python3", "ethtool", "tc", "nstat", "tshark")) {
            Privileges.requireTool(tool);
        }
        script = TcTestNet.script("tcphealth.py");
    }

    /** A 6 MB transfer through a tbf queue of 16 KiB at 20 Mbit/s: tail drops (how many varies with the machine) and ms of queueing delay. */
    @Test
    void retransmissionsAndRttEqualTheSendersKernel() throws Exception {
        try (VethPair v = VethPair.create("fmth"); TcFlowMonitor m = monitor(v, true)) {
            VethPair.exec(v.nsB, "tc", "qdisc", "add", "dev", v.ifB, "root", "tbf", "rate", "20mbit", "burst", "16k",
                    "limit", "16k");
            Map<String, Long> before = nstat(v.nsB);
            String info = transfer(v, 5101, "send", String.valueOf(6_000_000));
            Map<String, Long> after = nstat(v.nsB);
            waitUntilQuiet(m);

            long retransSegs = after.get("TcpRetransSegs") - before.get("TcpRetransSegs");
            assertTrue(retransSegs >= 20, "the tbf queue should drop dozens of segments (84 to 400 seen): " + retransSegs);
            assertEquals(retransSegs, jsonLong(info, "total_retrans"), "one connection in the namespace");
            TcpCounters sent = flow(m, v.ipv4B, 5101, Direction.EGRESS).tcp();
            assertEquals(retransSegs, sent.retransmittedPackets(), "sender egress = TcpRetransSegs: " + sent);
            assertEquals(jsonLong(info, "bytes_retrans"), sent.retransmittedBytes(), "= tcp_info bytes_retrans");
            assertEquals(0, sent.outOfOrderPackets());

            assertTrue(sent.hasRtt(), sent.toString());
            double ours = (double) sent.srttSumMicros() / sent.srttSamples();
            double kernels = jsonLongs(info, "rtt_samples_us").stream().mapToLong(Long::longValue).average().orElseThrow();
            assertTrue(kernels > 1000, "tbf queueing should give an RTT of milliseconds: " + kernels + " µs");
            assertTrue(Math.abs(ours - kernels) <= 0.10 * kernels,
                    "srtt mean " + ours + " µs vs tcpi_rtt sampled every 20 ms " + kernels + " µs; " + sent);
            assertTrue(sent.srttMinMicros() <= ours && ours <= sent.srttMaxMicros(), sent.toString());
        }
    }

    /**
     * One data segment dropped once on A's ingress, before flowmond (a TCX link put first): a hole at
     * A, one resend by B. Not on B's egress: a drop there is reported to B's TCP at once, which sends
     * the segment again as new data (no hole, no retransmission), as with the tbf test's tail drops.
     */
    @Test
    void aDroppedSegmentIsAHoleAtTheReceiverAndOneRetransmission() throws Exception {
        try (VethPair v = VethPair.create("fmth"); TcFlowMonitor m = monitor(v, true);
             BpfObject dropper = BpfObject.openResource("/bpf/drop_once.bpf.o")) {
            TcTestNet.offloads(v, TcTestNet.Offloads.NONE);
            // TCP builds GSO skbs even with GSO off (segmented after the hooks): one skb per write
            // needs corking off, and each write one MSS (tcphealth.py pairs)
            VethPair.exec(v.nsB, "sysctl", "-qw", "net.ipv4.tcp_autocorking=0");
            dropper.setGlobalU32("dst_port", 5102);
            dropper.setGlobalU32("drop_nth", 3); // the first segment of the second write
            dropper.load();
            Privileges.require(TcxLink.kernelSupportsTcx(), "TCX (6.6+) to run a dropper before flowmond");
            try (TcxLink first = TcxLink.attachFirst(dropper.program("drop_once"), VethPair.ifindex(v.nsA, v.ifA), true,
                    v.nsA)) {
                Map<String, Long> senderBefore = nstat(v.nsB);
                Map<String, Long> receiverBefore = nstat(v.nsA);
                String info = transfer(v, 5102, "pairs", "4");
                Map<String, Long> senderAfter = nstat(v.nsB);
                Map<String, Long> receiverAfter = nstat(v.nsA);
                waitUntilQuiet(m);

                byte[] bss = new byte[dropper.map("drop_onc.bss").valueSize()];
                assertTrue(dropper.map("drop_onc.bss").lookup(LittleEndian.u32(0), bss));
                assertEquals(1, LittleEndian.getU32(bss, 4), "dropped");
                long ofo = receiverAfter.get("TcpExtTCPOFOQueue") - receiverBefore.get("TcpExtTCPOFOQueue");
                long retrans = senderAfter.get("TcpRetransSegs") - senderBefore.get("TcpRetransSegs");
                assertEquals(1, ofo, "the receiver queued the segment after the hole; receiver ingress "
                        + flow(m, v.ipv4B, 5102, Direction.INGRESS).tcp());
                assertTrue(retrans >= 1, "the sender resent the dropped segment");
                TcpCounters received = flow(m, v.ipv4B, 5102, Direction.INGRESS).tcp();
                TcpCounters sent = flow(m, v.ipv4B, 5102, Direction.EGRESS).tcp();
                assertEquals(ofo, received.outOfOrderPackets(), "receiver ingress = TcpExtTCPOFOQueue: " + received);
                assertEquals(jsonLong(info, "total_retrans"), retrans);
                assertEquals(retrans, sent.retransmittedPackets(), "sender egress = TcpRetransSegs: " + sent);
                assertEquals(jsonLong(info, "bytes_retrans"), sent.retransmittedBytes());
                assertEquals(0, sent.outOfOrderPackets(), "B's egress saw every segment: no hole there");
            }
        }
    }

    @Test
    void anAbortiveCloseIsOneResetAsTcpOutRsts() throws Exception {
        try (VethPair v = VethPair.create("fmth"); TcFlowMonitor m = monitor(v, true)) {
            Map<String, Long> before = nstat(v.nsB);
            transfer(v, 5103, "reset");
            Map<String, Long> after = nstat(v.nsB);
            waitUntilQuiet(m);
            long rsts = after.get("TcpOutRsts") - before.get("TcpOutRsts");
            assertEquals(1, rsts);
            assertEquals(rsts, flow(m, v.ipv4B, 5103, Direction.EGRESS).tcp().resetPackets());
            assertEquals(rsts, flow(m, v.ipv4B, 5103, Direction.INGRESS).tcp().resetPackets(), "and A received it");
            assertEquals(0, flow(m, v.ipv4A, 5103, Direction.EGRESS).tcp().resetPackets());
        }
    }

    /**
     * A receiver that stops reading: every segment it sends with window 0 is counted, as a capture
     * counts them. The kernel counts transitions to a zero window (TcpExtTCPToZeroWindowAdv), not
     * segments: each transition is at least one such segment, the window probes' answers add more.
     */
    @Test
    void zeroWindowSegmentsEqualACapture() throws Exception {
        try (VethPair v = VethPair.create("fmth"); TcFlowMonitor m = monitor(v, true)) {
            int probePort = 9;
            TsharkCapture cap = TsharkCapture.start(tmp, v.nsA, v.ifA, probePort,
                    "tcp port 5104 or udp port " + probePort, v.ipv4B, probePort);
            Map<String, Long> before = nstat(v.nsA);
            transfer(v, 5104, "send", String.valueOf(2_000_000), "3", "4096");
            Map<String, Long> after = nstat(v.nsA);
            waitUntilQuiet(m);
            cap.stop();
            long toZero = after.get("TcpExtTCPToZeroWindowAdv") - before.get("TcpExtTCPToZeroWindowAdv");
            long captured = cap.frames("ip.src==" + v.ipv4A + " && tcp.window_size_value==0"
                    + " && tcp.flags.syn==0 && tcp.flags.reset==0").size();
            TcpCounters receiver = flow(m, v.ipv4A, 5104, Direction.EGRESS).tcp();
            assertTrue(toZero >= 1, "the receiver advertised a zero window");
            assertEquals(captured, receiver.zeroWindowPackets(), "receiver egress = capture: " + receiver);
            assertTrue(receiver.zeroWindowPackets() >= toZero, receiver + " vs TCPToZeroWindowAdv " + toZero);
            assertEquals(0, flow(m, v.ipv4B, 5104, Direction.EGRESS).tcp().zeroWindowPackets());
        }
    }

    /** SYN, SYN-ACK and ACK times on the entries that carry them, in causal order on one clock; off: none. */
    @Test
    void handshakeTimesAreOrderedAndTheSwitchTurnsEverythingOff() throws Exception {
        try (VethPair v = VethPair.create("fmth"); TcFlowMonitor m = monitor(v, true)) {
            transfer(v, 5105, "send", "100000");
            waitUntilQuiet(m);
            TcpCounters clientOut = flow(m, v.ipv4B, 5105, Direction.EGRESS).tcp();   // at B
            TcpCounters serverIn = flow(m, v.ipv4B, 5105, Direction.INGRESS).tcp();   // at A
            TcpCounters serverOut = flow(m, v.ipv4A, 5105, Direction.EGRESS).tcp();   // at A
            TcpCounters clientIn = flow(m, v.ipv4A, 5105, Direction.INGRESS).tcp();   // at B
            long[] order = {clientOut.synNanos(), serverIn.synNanos(), serverOut.synAckNanos(), clientIn.synAckNanos(),
                clientOut.ackNanos(), serverIn.ackNanos()};
            for (int i = 0; i < order.length; i++) {
                assertTrue(order[i] > 0 && (i == 0 || order[i - 1] < order[i]), "handshake order " + java.util.Arrays
                        .toString(order));
            }
            assertEquals(0, clientOut.synAckNanos());
            assertEquals(0, serverOut.synNanos());
            long now = System.nanoTime(); // the same CLOCK_MONOTONIC on Linux
            assertTrue(serverIn.ackNanos() < now && now - clientOut.synNanos() < TimeUnit.MINUTES.toNanos(1),
                    "raw monotonic nanoseconds");
            assertEquals(0, clientOut.retransmittedPackets() + clientOut.outOfOrderPackets() + clientOut.resetPackets());
        }
        try (VethPair v = VethPair.create("fmth"); TcFlowMonitor m = monitor(v, false)) {
            transfer(v, 5106, "reset");
            waitUntilQuiet(m);
            List<UniFlow> tcp = m.scan().stream().filter(f -> f.key().protocol() == 6).toList();
            assertEquals(4, tcp.size(), "both directions at both ends");
            tcp.forEach(f -> assertSame(TcpCounters.NONE, f.tcp(), f.toString()));
        }
    }

    private static TcFlowMonitor monitor(VethPair v, boolean tcpHealth) {
        TcTestNet.staticNeighbours(v);
        TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024).withTcpHealth(tcpHealth), CLOCK,
                f -> { });
        try {
            m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
            m.attach(TcInterface.named(v.ifB, TcHooks.BOTH).inNamespace(v.nsB));
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** A sink in A, the sender in B (mode and arguments as tcphealth.py takes them); the sender's JSON line. */
    private static String transfer(VethPair v, int port, String mode, String... args) throws Exception {
        String[] sinkArgs = mode.equals("send") && args.length > 1
                ? new String[] {"python3", script.toString(), "sink", v.ipv4A, String.valueOf(port), args[1], args[2]}
                : new String[] {"python3", script.toString(), "sink", v.ipv4A, String.valueOf(port)};
        Process sink = TcTestNet.startAndAwait(v.nsA, "listening", sinkArgs);
        try {
            List<String> sender = new java.util.ArrayList<>(List.of(mode, v.ipv4A, String.valueOf(port)));
            if (args.length > 0) {
                sender.add(args[0]);
            }
            String out = TcTestNet.python(v.nsB, script, sender.toArray(String[]::new)).trim();
            assertTrue(sink.waitFor(60, TimeUnit.SECONDS), "sink did not finish");
            return out;
        } finally {
            sink.destroyForcibly();
        }
    }

    /** The namespace's SNMP and netstat counters, absolute (nstat -a), history untouched (-s). */
    private static Map<String, Long> nstat(String ns) {
        Map<String, Long> out = new HashMap<>();
        for (String line : VethPair.exec(ns, "nstat", "-asz").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[1].matches("\\d+")) {
                out.put(f[0], Long.parseLong(f[1]));
            }
        }
        return out;
    }

    private static UniFlow flow(TcFlowMonitor m, String src, int port, Direction d) {
        return m.scan().stream().filter(f -> f.key().protocol() == 6 && f.key().direction() == d
                && f.key().srcAddress().getHostAddress().equals(src)
                && (f.key().dstPort() == port || f.key().srcPort() == port)).findFirst()
                .orElseThrow(() -> new AssertionError("no flow from " + src + " port " + port + " " + d));
    }

    private static long jsonLong(String json, String name) {
        Matcher mt = Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
        assertTrue(mt.find(), name + " in " + json);
        return Long.parseLong(mt.group(1));
    }

    private static List<Long> jsonLongs(String json, String name) {
        Matcher mt = Pattern.compile("\"" + name + "\": \\[([0-9, ]*)\\]").matcher(json);
        assertTrue(mt.find(), name + " in " + json);
        return Pattern.compile(",\\s*").splitAsStream(mt.group(1)).filter(s -> !s.isBlank()).map(Long::parseLong).toList();
    }

    /** Waits until two scans 200 ms apart count the same packets (the last ACKs are in). */
    private static void waitUntilQuiet(TcFlowMonitor m) throws InterruptedException {
        long previous = -1;
        for (int i = 0; i < 100; i++) {
            long now = m.scan().stream().mapToLong(f -> f.counters().packets()).sum();
            if (now == previous) {
                return;
            }
            previous = now;
            Thread.sleep(200); // waiting for the traffic to end, not a timed assertion
        }
        throw new AssertionError("flows still counting after 20 s");
    }
}
