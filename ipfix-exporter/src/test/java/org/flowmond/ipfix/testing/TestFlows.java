package org.flowmond.ipfix.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.flowmond.ipfix.BiflowDirection;
import org.flowmond.ipfix.ConnectHealth;
import org.flowmond.ipfix.ContainerInfo;
import org.flowmond.ipfix.FlowDirection;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.ProcessInfo;
import org.flowmond.ipfix.SyscallFlowRecord;
import org.flowmond.ipfix.SyscallKind;
import org.flowmond.ipfix.TcpHealth;

/** Reproducible flows with every field set to something distinct, including edge values. */
public final class TestFlows {
    private static final String[] NAMES = {"curl", "nginx", "sshd", "postgres", "a-very-long-command-name",
            "naïve-ütf8-prozess", "java", "python3"};
    private static final long BASE_MILLIS = 1_700_000_000_000L;

    private TestFlows() {
    }

    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code count} flows; every third is IPv6 unless {@code ipVersion} forces 4 or 6. */
    public static List<FlowRecord> flows(int count, long seed, int ipVersion) {
        return flows(count, seed, ipVersion, false);
    }

    /**
     * The same flows as {@link #flows}, where two TCP flows in three carry a {@link TcpHealth}
     * (the third keeps the lean template, as with TCP health disabled).
     */
    public static List<FlowRecord> flowsWithTcpHealth(int count, long seed, int ipVersion) {
        return flows(count, seed, ipVersion, true);
    }

    private static List<FlowRecord> flows(int count, long seed, int ipVersion, boolean health) {
        Random rnd = new Random(seed);
        List<FlowRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean v6 = ipVersion == 6 || (ipVersion == 0 && i % 3 == 2);
            out.add(flow(rnd, i, v6, health));
        }
        return out;
    }

    public static FlowRecord flow(Random rnd, int i, boolean v6) {
        return flow(rnd, i, v6, false);
    }

    private static FlowRecord flow(Random rnd, int i, boolean v6, boolean health) {
        InetAddress src = v6 ? address("2001:db8::" + Integer.toHexString(i + 1)) : address("10.0." + (i % 250) + ".1");
        InetAddress dst = v6 ? address("2001:db8:ffff::" + Integer.toHexString(i % 4000 + 2))
                : address("192.0.2." + (i % 250 + 1));
        long start = BASE_MILLIS + i * 1000L + rnd.nextInt(1000);
        boolean icmp = i % 11 == 10;
        int protocol = icmp ? (v6 ? 58 : 1) : (i % 5 == 4 ? 17 : 6);
        int flagMask = protocol == 6 ? 0x1FF : 0; // only TCP has flags; NS (0x100) is not exported
        return FlowRecord.builder()
                .source(src, icmp ? 0 : 1024 + rnd.nextInt(60000))
                .destination(dst, icmp ? 0 : (i % 2 == 0 ? 443 : 5432))
                .protocol(protocol)
                .icmpTypeCode(icmp ? 0x0800 : 0)
                .interfaces(1 + rnd.nextInt(5), 1 + rnd.nextInt(5))
                .direction(i % 2 == 0 ? FlowDirection.EGRESS : FlowDirection.INGRESS)
                .forward(1 + rnd.nextInt(100_000), 64 + rnd.nextInt(Integer.MAX_VALUE), rnd.nextInt(0x200) & flagMask, start,
                        start + rnd.nextInt(60_000))
                .reverse(i % 7 == 6 ? 0 : 1 + rnd.nextInt(100_000), i % 7 == 6 ? 0 : 64 + rnd.nextInt(1 << 30),
                        rnd.nextInt(0x200) & flagMask, start + 1, start + 1 + rnd.nextInt(60_000))
                .flowId(i == 0 ? -1L : rnd.nextLong() >>> 1)
                .endReason(FlowEndReason.values()[i % FlowEndReason.values().length])
                .biflowDirection(BiflowDirection.INITIATOR)
                .sourceProcess(new ProcessInfo(1000 + i, NAMES[i % NAMES.length], 1000, "user" + (i % 3),
                        1, "systemd", 0x1000 + i))
                .destinationProcess(i % 4 == 3 ? ProcessInfo.UNKNOWN
                        : new ProcessInfo(0xFFFF_FFFFL - i, NAMES[(i + 3) % NAMES.length], 0, "root", 1, "init",
                        Long.MIN_VALUE + i))
                .attribution(SyscallKind.values()[i % 3], i % 4 == 3 ? null : SyscallKind.ACCEPT)
                .syscalls(1 + rnd.nextInt(1000), rnd.nextInt(5_000_000))
                .observationNetns(i % 5 == 4 ? 0 : 0xF000_0000L + i) // the initial namespace is 4026531840
                .sourceContainer(CONTAINERS[i % CONTAINERS.length])
                .destinationContainer(CONTAINERS[(i + 1) % CONTAINERS.length])
                .tcpHealth(health && protocol == 6 && i % 3 != 1 ? tcpHealth(i) : null)
                .build();
    }

    /**
     * Distinct values from {@code i} alone (the flows' random sequence stays as without health),
     * with the edges: handshakes around the whole-millisecond rounding of nProbe's half
     * intervals (999 us -> 0 ms, 1000 -> 1, 20999 -> 10, 21000 -> 11), 0 = not measured, and
     * counts beyond 4 octets (sent as 2^32-1 in ntop's elements) and 2^63-1 resets.
     */
    public static TcpHealth tcpHealth(int i) {
        long[] handshakes = {0, 999, 1000, 20_999, 21_000, 83_123};
        if (i == 0) {
            return new TcpHealth(5_000_000_000L, 4_294_967_295L, 1, 2, 5_000_000_000L, 4_294_967_296L,
                    Long.MAX_VALUE, 0, 1, 7_000_000_000L, 2, Long.MAX_VALUE, 1L << 40, 4_294_967_297L, 3);
        }
        return new TcpHealth(handshakes[i % handshakes.length], handshakes[(i + 2) % handshakes.length],
                100 + i, 200 + i, 300 + i, i % 4, (i % 4) * 1448L, i % 5, (i % 5) * 1200L, i % 6, i % 7,
                i % 2, i % 3, i % 8, i % 9);
    }

    /**
     * A Podman container, a CRI-O container in a pod, a machine (its UTF-8 name cut at 16 octets), a
     * unit, none; each socket's namespace (0xFFFFFFFF: the largest unsigned32).
     */
    private static final ContainerInfo[] CONTAINERS = {
        new ContainerInfo("21a3d01cea81d3327da41e1cf92fa3a1f14ecbd75e4f1a74bf616b63d3138a8c", "podman", "", "",
                4026532438L),
        new ContainerInfo("9d3e0a7c41f2", "cri-o", "crio-9d3e0a7c41f2.scope", "1d0d9c5e-8a7b-4c3d-9e2f-0a1b2c3d4e5f",
                0xFFFF_FFFFL),
        new ContainerInfo("café-bookworm-äöü", "machined", "machine-caf\\xc3\\xa9.scope", "", 4026532306L),
        new ContainerInfo("", "systemd", "ssh.service", "", 4026531840L),
        ContainerInfo.NONE};

    /** A flow whose counters are 2^64-1: unsigned values beyond Java's signed range. */
    public static FlowRecord hugeCounters() {
        return FlowRecord.builder()
                .source(address("198.51.100.1"), 65535)
                .destination(address("198.51.100.2"), 1)
                .protocol(6)
                .direction(FlowDirection.EGRESS)
                .forward(-1L, -1L, 0x1FF, BASE_MILLIS, BASE_MILLIS + 1)
                .reverse(Long.MIN_VALUE, Long.MIN_VALUE, 0, BASE_MILLIS, BASE_MILLIS + 2)
                .flowId(-2L) // unsigned 2^64-2; flow 0 of flows() has 2^64-1
                .endReason(FlowEndReason.FORCED_END)
                .interfaces(0xFFFF_FFFFL, 0)
                .syscalls(-1L, -1L)
                .build();
    }

    public static List<SyscallFlowRecord> syscallFlows(int count) {
        return syscallFlows(count, false);
    }

    /** The same syscall flows, every other one with a {@link ConnectHealth} (one beyond 4 octets). */
    public static List<SyscallFlowRecord> syscallFlowsWithConnectHealth(int count) {
        return syscallFlows(count, true);
    }

    private static List<SyscallFlowRecord> syscallFlows(int count, boolean health) {
        List<SyscallFlowRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean v6 = i % 2 == 1;
            out.add(SyscallFlowRecord.builder()
                    .process(4000 + i, NAMES[i % NAMES.length])
                    .kind(i % 3 == 0 ? SyscallKind.ACCEPT : SyscallKind.CONNECT)
                    .source(v6 ? address("2001:db8::10") : address("10.0.0.10"))
                    .destination(v6 ? address("2001:db8::20") : address("10.0.0.20"))
                    .port(8000 + i)
                    .calls(10 + i, 2500 + i)
                    .times(BASE_MILLIS + i, BASE_MILLIS + 5000 + i)
                    .connectHealth(!health || i % 2 == 1 ? null
                            : i == 0 ? new ConnectHealth(1L << 33, 4_294_967_295L, 5_000_000_000L)
                            : new ConnectHealth(20_000L + i, 15_000L + i, i))
                    .build());
        }
        return out;
    }
}
