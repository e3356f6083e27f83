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
}
