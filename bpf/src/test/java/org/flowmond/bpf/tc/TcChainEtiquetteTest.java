package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.TcHook;
import org.flowmond.bpf.libbpf.TcxLink;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * flowmond next to other tools' TC filters, on both attach paths (TCX links; classic tc forced on
 * this kernel): it runs first, counts exactly the packets that reached its hook, and changes no
 * verdict — a foreign filter's OK lets pings through, its drop drops them (ping loss), a foreign
 * program after flowmond sees every packet — and stopping flowmond leaves the foreign qdisc,
 * filters and TCX programs exactly as they were. Foreign classic filters are cls_bpf with classic
 * BPF bytecode made by {@code tc} itself; foreign eBPF programs come from foreign_tc.bpf.c.
 */
@RootTest
class TcChainEtiquetteTest {
    private static final String FOREIGN_OBJECT = "/bpf/foreign_tc.bpf.o";
    private static final int PINGS = 5;
    /** Classic BPF programs of one instruction, "ret #k": the verdict k. */
    private static final String RETURN_OK = "1,6 0 0 0,";
    private static final String RETURN_UNSPEC = "1,6 0 0 4294967295,";
    private static final String RETURN_SHOT = "1,6 0 0 2,";

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("tc");
        Privileges.requireTool("ping");
    }

    private static void requireTcxFor(TcAttachMode mode) {
        if (mode == TcAttachMode.TCX) {
            Privileges.require(TcxLink.kernelSupportsTcx(), "the TCX path needs a kernel with TCX (6.6+)");
        }
    }

    /** A foreign filter that ends the chain with OK: flowmond runs before it and the pings pass. */
    @ParameterizedTest
    @EnumSource(names = {"TCX", "TC"})
    void countsEverythingBeforeAForeignOkFilterAndLeavesItAsItWas(TcAttachMode mode) throws Exception {
        requireTcxFor(mode);
        try (VethPair v = VethPair.create("fmce");
             BpfObject foreign = loadForeign()) {
            TcTestNet.staticNeighbours(v);
            foreignFilter(v, 7, RETURN_OK);
            try (AutoCloseable counter = foreignProgram(mode, v, foreign, "foreign_next")) {
                String before = snapshot(v);
                FlowCounters seen;
                int received;
                try (TcFlowMonitor m = monitor(mode, v)) {
                    received = ping(v);
                    seen = echoRequests(m, v);
                    assertFlowmondFirst(mode, v);
                }
                assertEquals(PINGS, received, "the foreign filter's OK stands: every ping answered");
                assertEquals(PINGS, seen.packets(), "flowmond counted every echo request");
                assertEquals(PINGS * 84L, seen.bytes());
                assertEquals(PINGS, foreignSeen(foreign, 0), "the foreign program after flowmond saw every one");
                assertEquals(before, snapshot(v), "nothing of the foreign filters changed");
            }
        }
    }

    /** A foreign "continue" filter, then a foreign drop: flowmond counts, the packets stay dropped. */
    @ParameterizedTest
    @EnumSource(names = {"TCX", "TC"})
    void droppedPacketsStayDroppedAndAreCountedOnce(TcAttachMode mode) throws Exception {
        requireTcxFor(mode);
        try (VethPair v = VethPair.create("fmce");
             BpfObject foreign = loadForeign()) {
            TcTestNet.staticNeighbours(v);
            foreignFilter(v, 7, RETURN_UNSPEC);
            foreignFilter(v, 9, RETURN_SHOT);
            try (AutoCloseable counter = foreignProgram(mode, v, foreign, "foreign_next")) {
                String before = snapshot(v);
                FlowCounters seen;
                int received;
                try (TcFlowMonitor m = monitor(mode, v)) {
                    received = ping(v);
                    seen = echoRequests(m, v);
                }
                assertEquals(0, received, "the foreign drop stands: 100 % ping loss");
                assertEquals(PINGS, seen.packets(), "flowmond counted every echo request that reached it");
                assertEquals(PINGS, foreignSeen(foreign, 0), "the foreign program after flowmond saw every one");
                assertEquals(before, snapshot(v), "nothing of the foreign filters changed");
            }
        }
    }

    /**
     * Classic tc: flowmond made the clsact qdisc, another tool added its filter afterwards; stopping
     * flowmond removes only flowmond's filter, and the other tool's filter goes on deciding.
     */
    @Test
    void aForeignFilterAddedAfterFlowmondSurvivesItsStop() throws Exception {
        try (VethPair v = VethPair.create("fmce")) {
            TcTestNet.staticNeighbours(v);
            try (TcFlowMonitor m = monitor(TcAttachMode.TC, v)) {
                foreignFilter(v, 9, RETURN_SHOT);
                assertEquals(0, ping(v), "the foreign drop decides while flowmond runs");
            }
            String filters = VethPair.exec(v.nsB, "tc", "filter", "show", "dev", v.ifB, "ingress");
            assertTrue(filters.contains("pref 9"), "the foreign filter is still there: " + filters);
            assertTrue(!filters.contains("pref 1 "), "flowmond's own filter is gone: " + filters);
            assertEquals(0, ping(v), "and still drops");
        }
    }

    /** A TCX program that drops, attached before flowmond: flowmond still goes first and sees every packet. */
    @Test
    void tcxLinkGoesBeforeAnEarlierForeignTcxProgram() throws Exception {
        requireTcxFor(TcAttachMode.TCX);
        try (VethPair v = VethPair.create("fmce");
             BpfObject foreign = loadForeign()) {
            TcTestNet.staticNeighbours(v);
            int ifindex = VethPair.ifindex(v.nsB, v.ifB);
            try (TcxLink drop = TcxLink.attachFirst(foreign.program("foreign_drop"), ifindex, true, v.nsB)) {
                int[] foreignOnly = TcxLink.programIds(ifindex, true, v.nsB);
                assertEquals(1, foreignOnly.length);
                FlowCounters seen;
                int received;
                try (TcFlowMonitor m = monitor(TcAttachMode.TCX, v)) {
                    int[] chain = TcxLink.programIds(ifindex, true, v.nsB);
                    assertEquals(2, chain.length);
                    assertEquals(foreignOnly[0], chain[1], "flowmond first, the foreign program after it");
                    received = ping(v);
                    seen = echoRequests(m, v);
                }
                assertEquals(0, received, "the foreign TCX drop stands");
                assertEquals(PINGS, seen.packets());
                assertEquals(PINGS, foreignSeen(foreign, 2));
                assertArrayEquals(foreignOnly, TcxLink.programIds(ifindex, true, v.nsB), "only flowmond's link went");
            }
        }
    }

    private static TcFlowMonitor monitor(TcAttachMode mode, VethPair v) {
        TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(256)
                .withAttach(mode, TcFlowMonitorOptions.DEFAULT_TC_PRIORITY), new KernelClock(), f -> { });
        try {
            assertEquals(mode, m.attachPath());
            m.attach(TcInterface.named(v.ifB, TcHooks.INGRESS).inNamespace(v.nsB));
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static BpfObject loadForeign() {
        BpfObject o = BpfObject.openResource(FOREIGN_OBJECT);
        try {
            o.load();
            return o;
        } catch (RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** A classic cls_bpf filter of another tool on B's ingress (tc makes the clsact qdisc first, if needed). */
    private static void foreignFilter(VethPair v, int pref, String bytecode) {
        Tools.runUnchecked(List.of("ip", "netns", "exec", v.nsB, "tc", "qdisc", "add", "dev", v.ifB, "clsact"));
        VethPair.exec(v.nsB, "tc", "filter", "add", "dev", v.ifB, "ingress", "pref", String.valueOf(pref), "bpf",
                "bytecode", bytecode, "da");
    }

    /**
     * Another tool's eBPF program on B's ingress that counts and says "next": a TCX link on the TCX
     * path, a cls_bpf filter at pref 5 (after flowmond's pref 1, before the pref 7 filter) on the tc path.
     */
    private static AutoCloseable foreignProgram(TcAttachMode mode, VethPair v, BpfObject foreign, String program) {
        int ifindex = VethPair.ifindex(v.nsB, v.ifB);
        if (mode == TcAttachMode.TCX) {
            return TcxLink.attachFirst(foreign.program(program), ifindex, true, v.nsB);
        }
        TcHook hook = TcHook.ingress(ifindex).inNamespace(v.nsB);
        hook.create();
        hook.attach(foreign.program(program), 1, 5);
        return hook;
    }

    /** What another tool would see of B's ingress: qdiscs, classic filters, TCX programs. */
    private static String snapshot(VethPair v) {
        int ifindex = VethPair.ifindex(v.nsB, v.ifB);
        return VethPair.exec(v.nsB, "tc", "qdisc", "show", "dev", v.ifB)
                + VethPair.exec(v.nsB, "tc", "filter", "show", "dev", v.ifB, "ingress")
                + "tcx " + java.util.Arrays.toString(TcxLink.programIds(ifindex, true, v.nsB));
    }

    private static void assertFlowmondFirst(TcAttachMode mode, VethPair v) {
        int ifindex = VethPair.ifindex(v.nsB, v.ifB);
        if (mode == TcAttachMode.TCX) {
            assertEquals(2, TcxLink.programIds(ifindex, true, v.nsB).length, "flowmond's link and the foreign one");
        } else {
            String filters = VethPair.exec(v.nsB, "tc", "filter", "show", "dev", v.ifB, "ingress");
            assertTrue(filters.lines().findFirst().orElse("").contains("pref 1 "), filters);
        }
    }

    /** Pings B from A; returns how many replies came back. */
    private static int ping(VethPair v) {
        Tools.Result r = Tools.runUnchecked(List.of("ip", "netns", "exec", v.nsA, "ping", "-c", String.valueOf(PINGS),
                "-i", "0.2", "-W", "1", v.ipv4B));
        Matcher m = Pattern.compile("(\\d+) received").matcher(r.stdout());
        assertTrue(m.find(), r.toString());
        return Integer.parseInt(m.group(1));
    }

    private static FlowCounters echoRequests(TcFlowMonitor m, VethPair v) throws Exception {
        FlowKey key = new FlowKey(InetAddress.getByName(v.ipv4A), InetAddress.getByName(v.ipv4B), 8, 0, 1, 0x0800,
                VethPair.ifindex(v.nsB, v.ifB), Direction.INGRESS, NetNamespaceInode.of(v.nsB));
        for (UniFlow f : m.scan()) {
            if (f.key().equals(key)) {
                return f.counters();
            }
        }
        return new FlowCounters(0, 0, 0, 0, 0);
    }

    private static long foreignSeen(BpfObject foreign, int slot) {
        byte[] value = new byte[8];
        foreign.map("seen").lookup(org.flowmond.bpf.libbpf.LittleEndian.u32(slot), value);
        return org.flowmond.bpf.libbpf.LittleEndian.getU64(value, 0);
    }
}
