package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tc clsact hooks on a veth pair in two test namespaces: attach counts real ping traffic, the
 * filter is replaced (not duplicated) on re-attach, and close removes only what the hook made.
 */
@RootTest
class TcHookTest {
    private static final int HANDLE = 1;
    private static final int PRIORITY = 1;
    private static final int PINGS = 3;
    /** IPv4 header 20 + ICMP header 8 + ping's default 56 data bytes. */
    private static final int ICMP_IP_BYTES = 84;

    @BeforeEach
    void needsRootAndTools() {
        Privileges.requireRoot();
        Privileges.requireTool("ip");
        Privileges.requireTool("ping");
        Privileges.requireTool("tc");
    }

    @Test
    void ingressProgramCountsExactlyTheEchoRequestsAndCloseRemovesQdisc() {
        try (VethPair veth = VethPair.create("fmtc");
                BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            int ifindex = VethPair.ifindex(veth.nsB, veth.ifB);
            TcHook hook = TcHook.ingress(ifindex).inNamespace(veth.nsB);
            assertTrue(hook.create(), "a fresh veth has no clsact qdisc");
            hook.attach(obj.program("tc_count_icmp"), HANDLE, PRIORITY);
            assertNotEquals(0, hook.queryProgramId(HANDLE, PRIORITY));

            VethPair.exec(veth.nsA, "ping", "-c", String.valueOf(PINGS), "-i", "0.2", "-W", "2", veth.ipv4B);

            BpfMap counters = obj.map("counters");
            assertEquals(PINGS, counters.sumPerCpuU64(1), "echo requests seen on B's ingress");
            assertEquals((long) PINGS * ICMP_IP_BYTES, counters.sumPerCpuU64(2));

            hook.close();
            assertFalse(tcFilters(veth, "ingress").contains("tc_count_icmp"));
            assertFalse(qdiscs(veth).contains("clsact"), "the hook created the qdisc, so it removed it");
            hook.close(); // idempotent
        }
    }

    @Test
    void reattachReplacesTheFilterAndAForeignQdiscIsKept() {
        try (VethPair veth = VethPair.create("fmtc");
                BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            VethPair.exec(veth.nsB, "tc", "qdisc", "add", "dev", veth.ifB, "clsact");
            int ifindex = VethPair.ifindex(veth.nsB, veth.ifB);

            try (TcHook first = TcHook.egress(ifindex).inNamespace(veth.nsB)) {
                assertFalse(first.create(), "EEXIST: the qdisc was there before");
                first.attach(obj.program("tc_count_icmp"), HANDLE, PRIORITY);
                // A second loader (e.g. after a crash of the first) attaches with the same handle/priority.
                TcHook second = TcHook.egress(ifindex).inNamespace(veth.nsB);
                second.attach(obj.program("tc_count_icmp"), HANDLE, PRIORITY);
                assertEquals(1, countLines(tcFilters(veth, "egress"), "tc_count_icmp"), tcFilters(veth, "egress"));
                second.close();
                assertEquals(0, first.queryProgramId(HANDLE, PRIORITY), "second's close detached the shared filter");
                LibBpfException e = assertThrows(LibBpfException.class, () -> first.detach(HANDLE, PRIORITY));
                assertEquals(Errno.ENOENT, e.errno());
                assertEquals("bpf_tc_detach", e.call());
                assertTrue(e.object().contains("ifindex=" + ifindex + " egress"), e.object());
            }
            assertTrue(qdiscs(veth).contains("clsact"), "a qdisc the hook did not create stays");
        }
    }

    @Test
    void attachToAMissingInterfaceNamesTheCallAndTheProgram() {
        try (BpfObject obj = BpfObject.openResource(TestObjects.BINDING_TEST)) {
            obj.program("iter_tasks").setAutoload(false);
            obj.load();
            TcHook hook = TcHook.ingress(999_999);
            LibBpfException e = assertThrows(LibBpfException.class,
                    () -> hook.attach(obj.program("tc_count_icmp"), HANDLE, PRIORITY));
            assertEquals("bpf_tc_attach", e.call());
            assertEquals("tc_count_icmp, ifindex=999999 ingress", e.object());
            assertEquals(Errno.ENODEV, e.errno(), e.getMessage());
            assertTrue(e.getMessage().startsWith("bpf_tc_attach(tc_count_icmp, ifindex=999999 ingress): ENODEV ("),
                    e.getMessage());
        }
    }

    private static String tcFilters(VethPair veth, String direction) {
        return VethPair.exec(veth.nsB, "tc", "filter", "show", "dev", veth.ifB, direction);
    }

    private static String qdiscs(VethPair veth) {
        return VethPair.exec(veth.nsB, "tc", "qdisc", "show", "dev", veth.ifB);
    }

    private static int countLines(String text, String needle) {
        return (int) text.lines().filter(l -> l.contains(needle)).count();
    }
}
