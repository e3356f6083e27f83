package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.TCP;
import static org.flowmond.daemon.flow.FlowFixture.UDP;
import static org.flowmond.daemon.flow.FlowFixture.ip;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The flat biflow key: same value for both directions, endpoints on request, equality as a record's. */
@UnitTest
class BiflowKeyTest {

    @Test
    void bothDirectionsGiveOneKeyWithTheLowerEndpointFirst() {
        FlowKey out = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS);
        FlowKey in = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 7, Direction.INGRESS);
        BiflowKey a = BiflowKey.of(out);
        BiflowKey b = BiflowKey.of(in);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(new Endpoint(ip("10.0.0.1"), 80), a.low());
        assertEquals(new Endpoint(ip("10.0.0.2"), 40000), a.high());
        assertEquals(0x0800, a.ethProto());
        assertEquals(TCP, a.protocol());
        assertTrue(a.fromLow(new Endpoint(ip("10.0.0.1"), 80)));
        assertFalse(a.fromLow(new Endpoint(ip("10.0.0.2"), 40000)));
        assertTrue(a.isLow(ip("10.0.0.1"), 80));
        assertFalse(a.isLow(ip("10.0.0.1"), 81));
        assertEquals("BiflowKey[ethProto=2048, protocol=6, low=10.0.0.1:80, high=10.0.0.2:40000, netns=0]", a.toString());
    }

    @Test
    void protocolPortsAndAddressesEachMakeADifferentKey() {
        BiflowKey k = BiflowKey.of(key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS));
        assertNotEquals(k, BiflowKey.of(key("10.0.0.2", 40000, "10.0.0.1", 80, UDP, 2, Direction.EGRESS)));
        assertNotEquals(k, BiflowKey.of(key("10.0.0.2", 40001, "10.0.0.1", 80, TCP, 2, Direction.EGRESS)));
        assertNotEquals(k, BiflowKey.of(key("10.0.0.2", 40000, "10.0.0.1", 81, TCP, 2, Direction.EGRESS)));
        assertNotEquals(k, BiflowKey.of(key("10.0.0.3", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS)));
        // ports swapped between the same two addresses: another connection
        assertNotEquals(k, BiflowKey.of(key("10.0.0.2", 80, "10.0.0.1", 40000, TCP, 2, Direction.EGRESS)));
    }

    @Test
    void theSameConnectionCountedInTwoNamespacesIsTwoKeys() {
        FlowKey out = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS);
        FlowKey in = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 2, Direction.INGRESS);
        BiflowKey first = BiflowKey.of(out.inNamespace(4026532281L));
        assertEquals(first, BiflowKey.of(in.inNamespace(4026532281L)), "both directions, one namespace: one key");
        assertNotEquals(first, BiflowKey.of(out.inNamespace(4026532282L)));
        assertEquals(4026532281L, first.netns());
    }

    @Test
    void anIpv4MappedSourceIsItsIpv4Endpoint() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        BiflowKey k = BiflowKey.of(key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS));
        assertTrue(k.isLow(Inet6Address.getByAddress(null, mapped, -1), 80));
    }

    /** Random IPv4, IPv6 and mixed ends: the low end is the one Endpoint orders first, addresses come back as given. */
    @Test
    void randomEndsOrderAsEndpointsAndComeBackUnchanged() throws Exception {
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 20_000; i++) {
            Endpoint a = randomEnd(random);
            Endpoint b = randomEnd(random);
            BiflowKey k = BiflowKey.of(0x86DD, TCP, a, b, 7);
            Endpoint low = a.compareTo(b) <= 0 ? a : b;
            Endpoint high = low == a ? b : a;
            assertEquals(low, k.low());
            assertEquals(high, k.high());
            assertEquals(k, BiflowKey.of(0x86DD, TCP, b, a, 7));
            assertEquals(k.hashCode(), BiflowKey.of(0x86DD, TCP, b, a, 7).hashCode());
            assertTrue(k.fromLow(low));
            assertEquals(low.equals(high), k.fromLow(high));
            BiflowKey back = BiflowKey.fromNumbers(k.kind(), k.ports(), k.netns(), k.addressHigh(true), k.addressLow(true),
                    k.addressHigh(false), k.addressLow(false));
            assertEquals(k, back, "the numbers a Biflow keeps give the key back");
            assertEquals(k.getClass(), back.getClass());
            Biflow flow = Biflow.of(k, 0);
            assertTrue(flow.hasKey(k));
            assertEquals(k, flow.key());
            assertEquals(k.hashCode(), flow.keyHash());
            FlowKey fromLow = new FlowKey(low.address(), high.address(), low.port(), high.port(), TCP, 0x86DD, 2,
                    Direction.EGRESS, 7);
            assertTrue(flow.fromLow(fromLow));
            if (!low.equals(high)) {
                FlowKey fromHigh = new FlowKey(high.address(), low.address(), high.port(), low.port(), TCP, 0x86DD, 2,
                        Direction.INGRESS, 7);
                assertFalse(flow.fromLow(fromHigh));
                assertFalse(flow.hasKey(BiflowKey.of(0x86DD, TCP, low, new Endpoint(high.address(), high.port() ^ 1), 7)));
            }
        }
    }

    /** An IPv4 connection seen in an IPv6 packet (IPv4-mapped ends) is the IPv4 connection, apart from its EtherType. */
    @Test
    void ipv4MappedEndsMakeTheIpv4Key() throws Exception {
        byte[] m1 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        byte[] m2 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 2};
        FlowKey mapped = new FlowKey(Inet6Address.getByAddress(null, m2, -1), Inet6Address.getByAddress(null, m1, -1),
                40000, 80, TCP, 0x86DD, 2, Direction.EGRESS, 0);
        BiflowKey k = BiflowKey.of(mapped);
        assertEquals(BiflowKey.of(0x86DD, TCP, new Endpoint(ip("10.0.0.2"), 40000), new Endpoint(ip("10.0.0.1"), 80), 0), k);
        assertEquals(new Endpoint(ip("10.0.0.1"), 80), k.low());
        assertTrue(k.isLow(ip("10.0.0.1"), 80));
        Biflow flow = Biflow.of(k, 0);
        assertFalse(flow.fromLow(mapped), "10.0.0.2:40000 is the high end, as an IPv4-mapped source too");
        assertNotEquals(BiflowKey.of(key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS)), k);
    }

    /** IPv6 ends order as their bytes do in Endpoint (signed), and both directions give one key. */
    @Test
    void ipv6KeysFromKernelFlowsOfBothDirectionsAreOne() {
        FlowKey out = new FlowKey(ip("fe80::1"), ip("2001:db8::2"), 5000, 443, TCP, 0x86DD, 2, Direction.EGRESS, 0);
        FlowKey in = new FlowKey(ip("2001:db8::2"), ip("fe80::1"), 443, 5000, TCP, 0x86DD, 2, Direction.INGRESS, 0);
        BiflowKey k = BiflowKey.of(out);
        assertEquals(k, BiflowKey.of(in));
        Endpoint a = new Endpoint(ip("fe80::1"), 5000);
        Endpoint b = new Endpoint(ip("2001:db8::2"), 443);
        assertEquals(a.compareTo(b) <= 0 ? a : b, k.low());
        assertTrue(k.isLow(k.low().address(), k.low().port()));
        assertFalse(k.isLow(k.high().address(), k.high().port()));
    }

    private static Endpoint randomEnd(java.util.Random random) throws Exception {
        int port = random.nextInt(4) == 0 ? 80 : random.nextInt(65536);
        byte[] raw;
        switch (random.nextInt(4)) {
            case 0 -> raw = new byte[] {10, 0, 0, (byte) random.nextInt(4)}; // few addresses: equal ones happen
            case 1 -> {
                raw = new byte[4];
                random.nextBytes(raw);
            }
            case 2 -> { // an IPv6 address that starts with the four bytes of a case-0 IPv4 one
                raw = new byte[16];
                random.nextBytes(raw);
                raw[0] = 10;
                raw[1] = 0;
                raw[2] = 0;
                raw[3] = (byte) random.nextInt(4);
            }
            default -> {
                raw = new byte[16];
                random.nextBytes(raw);
                raw[0] = (byte) (random.nextBoolean() ? 0x20 : 0xfe); // both signs of the first byte
            }
        }
        return new Endpoint(java.net.InetAddress.getByAddress(raw), port);
    }
}
