package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.TCP;
import static org.flowmond.daemon.flow.FlowFixture.UDP;
import static org.flowmond.daemon.flow.FlowFixture.ip;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** A biflow's record of its kernel entries, their last readings, and the kernel keys rebuilt from them. */
@UnitTest
class KernelEntriesTest {
    static final FlowKey A = key("10.0.0.2", 5000, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
    static final FlowKey B = key("10.0.0.1", 53, "10.0.0.2", 5000, UDP, 2, Direction.INGRESS);
    static final FlowKey C = key("10.0.0.2", 5000, "10.0.0.1", 53, UDP, 3, Direction.INGRESS);
    static final FlowKey D = key("10.0.0.1", 53, "10.0.0.2", 5000, UDP, 3, Direction.EGRESS);
    static final BiflowKey BIFLOW = BiflowKey.of(A);

    private static boolean fromLow(FlowKey k) {
        return BIFLOW.low().is(k.srcAddress(), k.srcPort());
    }

    private static void put(Biflow e, FlowKey k, long packets, long bytes) {
        e.putEntry(ObservationPoint.of(k), fromLow(k), packets, bytes);
    }

    private static int indexOf(Biflow e, FlowKey k) {
        return e.entryIndex(ObservationPoint.of(k), fromLow(k));
    }

    @Test
    void theRebuiltKernelKeyNamesTheBiflowsNamespace() {
        FlowKey inNs = A.inNamespace(4026532999L);
        Biflow e = Biflow.of(BiflowKey.of(inNs), 0);
        put(e, inNs, 1, 2);
        assertEquals(inNs, e.entryKey(0));
    }

    @Test
    void emptyKnowsNoEntry() {
        Biflow e = Biflow.of(BIFLOW, 0);
        assertEquals(0, e.entries());
        assertEquals(-1, indexOf(e, A));
    }

    @Test
    void keepsEachEntrysLastReadingAndRebuildsItsKernelKey() {
        Biflow e = Biflow.of(BIFLOW, 0);
        FlowKey[] keys = {A, B, C, D};
        for (int i = 0; i < keys.length; i++) {
            put(e, keys[i], i + 1, 100L * (i + 1));
        }
        assertEquals(4, e.entries());
        for (int i = 0; i < keys.length; i++) {
            assertEquals(i, indexOf(e, keys[i]));
            assertEquals(keys[i], e.entryKey(i));
            assertEquals(i + 1, e.entryPackets(i));
            assertEquals(100L * (i + 1), e.entryBytes(i));
        }
    }

    @Test
    void aNewReadingReplacesTheCounts() {
        Biflow e = Biflow.of(BIFLOW, 0);
        put(e, A, 1, 100);
        put(e, B, 2, 200);
        put(e, B, 7, 700);
        put(e, A, 5, 500);
        assertEquals(2, e.entries());
        assertEquals(7, e.entryPackets(1));
        assertEquals(700, e.entryBytes(1));
        assertEquals(5, e.entryPackets(0));
        assertEquals(500, e.entryBytes(0));
    }

    /** IPv4 in an IPv6 packet: the biflow's endpoints hold IPv4, the kernel key 16-byte addresses. */
    @Test
    void rebuildsIpv4MappedIpv6KeysAsTheLoaderDecodesThem() throws Exception {
        byte[] mapped = ByteBuffer.allocate(16).putShort(10, (short) 0xffff).put(12, ip("192.0.2.7").getAddress()).array();
        byte[] mapped2 = ByteBuffer.allocate(16).putShort(10, (short) 0xffff).put(12, ip("192.0.2.8").getAddress()).array();
        FlowKey k = new FlowKey(Inet6Address.getByAddress(null, mapped, -1), Inet6Address.getByAddress(null, mapped2, -1),
                40000, 443, TCP, FlowKey.ETH_P_IPV6, 4, Direction.EGRESS);
        BiflowKey biflow = BiflowKey.of(k);
        Biflow e = Biflow.of(biflow, 0);
        e.putEntry(ObservationPoint.of(k), biflow.low().is(k.srcAddress(), k.srcPort()), 1, 60);
        assertEquals(k, e.entryKey(0));
        FlowKey native6 = key("fd00::1", 1, "fd00::2", 2, TCP, 4, Direction.INGRESS);
        BiflowKey b6 = BiflowKey.of(native6);
        Biflow e6 = Biflow.of(b6, 0);
        e6.putEntry(ObservationPoint.of(native6), b6.low().is(native6.srcAddress(), native6.srcPort()), 1, 60);
        assertEquals(native6, e6.entryKey(0));
    }
}
