package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.libbpf.LibbpfDebugLog;
import org.flowmond.bpf.libbpf.MinCoreBtf;
import org.flowmond.bpf.libbpf.MinCoreBtfEntry;
import org.flowmond.bpf.tc.FlowCapture.Count;
import org.flowmond.bpf.tc.FlowCapture.Key;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TC program relocated against a minimal BTF made by bpftool for this kernel counts exactly what
 * the generators sent, without libbpf parsing vmlinux BTF for it; a corrupt minimal BTF is set aside
 * (removed, vmlinux BTF parsed instead) and the counts are the same.
 */
@RootTest
class TcMinCoreBtfTest {
    private static final KernelClock CLOCK = new KernelClock();
    /** libbpf's debug line when it parses the running kernel's BTF (btf__load_vmlinux_btf). */
    private static final String VMLINUX_PARSE = "loading kernel BTF '/sys/kernel/btf/vmlinux'";
    private static Path traffic;

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        for (String tool : List.of("python3", "ping", "bpftool")) {
            Privileges.requireTool(tool);
        }
        traffic = TcTestNet.script("traffic.py");
    }

    @AfterEach
    void noMinimalBtf() {
        MinCoreBtf.configure(Optional.empty());
    }

    @ParameterizedTest(name = "minimal BTF corrupt: {0}")
    @ValueSource(booleans = {false, true})
    void countsExactlyWithTheMinimalBtfAndWithoutIt(boolean corrupt, @TempDir Path cache) throws Exception {
        MinCoreBtfEntry made = MinCoreBtfEntry.in(cache, MinCoreBtf.SHIPPED_OBJECTS);
        Path btf = made.make();
        if (corrupt) {
            byte[] bytes = Files.readAllBytes(btf);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(btf, bytes);
        }
        MinCoreBtf.configure(Optional.of(cache));
        MinCoreBtf.lookUpConfigured();
        assertEquals(corrupt ? Optional.empty() : Optional.of(btf), MinCoreBtf.inUse());
        assertEquals(!corrupt, Files.exists(btf), "a corrupt file is removed, a whole one kept");

        try (LibbpfDebugLog libbpf = LibbpfDebugLog.capture();
             VethPair v = VethPair.create("fmcb");
             TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(4096), CLOCK, f -> { })) {
            assertEquals(corrupt, libbpf.anyContains(VMLINUX_PARSE), "libbpf parsed vmlinux BTF for the TC object: " + libbpf.lines());
            TcTestNet.staticNeighbours(v);
            NetDevice dev = m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
            TcTestNet.python(v.nsB, traffic, "udp-send", v.ipv4A, "6000", "100", "1200", "40000");
            TcTestNet.python(v.nsA, traffic, "udp-send", v.ipv6B, "6001", "50", "800", "40001");
            VethPair.exec(v.nsB, "ping", "-q", "-c", "3", "-i", "0.2", v.ipv4A);
            Thread.sleep(300);
            Map<Key, Count> tc = counts(m.scan(), dev.ifindex());
            assertEquals(new Count(100, 100 * (1200 + 8 + 20)),
                    tc.get(new Key(ip(v.ipv4B), ip(v.ipv4A), 40000, 6000, 17, 0x0800, Direction.INGRESS)));
            assertEquals(new Count(50, 50 * (800 + 8 + 40)),
                    tc.get(new Key(ip(v.ipv6A), ip(v.ipv6B), 40001, 6001, 17, 0x86DD, Direction.EGRESS)));
            assertEquals(new Count(3, 3 * 84),
                    tc.get(new Key(ip(v.ipv4B), ip(v.ipv4A), 8, 0, 1, 0x0800, Direction.INGRESS)));
            assertEquals(new Count(3, 3 * 84),
                    tc.get(new Key(ip(v.ipv4A), ip(v.ipv4B), 0, 0, 1, 0x0800, Direction.EGRESS)));
            TcStatistics s = m.statistics();
            assertEquals(0, s.insertFailures() + s.overflowLost() + s.truncated(), s.toString());
        }
    }

    private static Map<Key, Count> counts(List<UniFlow> flows, int ifindex) {
        Map<Key, Count> out = new HashMap<>();
        for (UniFlow f : flows) {
            if (f.key().ifindex() == ifindex) {
                out.merge(Key.of(f.key()), new Count(f.counters().packets(), f.counters().bytes()),
                        (a, b) -> a.plus(b.packets(), b.bytes()));
            }
        }
        return out;
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
