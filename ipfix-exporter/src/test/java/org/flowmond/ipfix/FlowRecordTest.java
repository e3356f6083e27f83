package org.flowmond.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class FlowRecordTest {
    static FlowRecord.Builder base() throws Exception {
        return FlowRecord.builder()
                .source(InetAddress.getByName("10.1.2.3"), 40000)
                .destination(InetAddress.getByName("10.9.8.7"), 443)
                .protocol(6)
                .direction(FlowDirection.EGRESS)
                .endReason(FlowEndReason.END_OF_FLOW);
    }

    @Test
    void ipv4MappedIpv6AddressesAreIpv4() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 1;
        FlowRecord r = base().source(mapped, 1).destination(mapped, 2).build();
        assertEquals(4, r.ipVersion());
        assertEquals(InetAddress.getByName("10.0.0.1"), r.sourceAddress());
    }

    @Test
    void mixedFamiliesAndOutOfRangeValuesAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class,
                () -> base().destination(InetAddress.getByName("::1"), 1).build());
        assertThrows(IllegalArgumentException.class, () -> base().protocol(256).build());
        assertThrows(IllegalArgumentException.class, () -> base().forward(1, 1, 0x200, 0, 0).build());
        assertThrows(IllegalArgumentException.class,
                () -> base().source(InetAddress.getByName("10.0.0.1"), 65536).build());
        assertThrows(IllegalArgumentException.class, () -> base().interfaces(1L << 32, 0).build());
        assertThrows(NullPointerException.class, () -> base().endReason(null).build());
        assertThrows(IllegalArgumentException.class, () -> ProcessInfo.of(-1, "x"));
    }

    @Test
    void reversedSwapsEverySidedValue() throws Exception {
        FlowRecord r = base()
                .interfaces(2, 3)
                .forward(10, 1000, 0x12, 100, 200)
                .reverse(20, 2000, 0x18, 150, 250)
                .biflowDirection(BiflowDirection.INITIATOR)
                .sourceProcess(ProcessInfo.of(11, "curl"))
                .destinationProcess(ProcessInfo.of(22, "nginx"))
                .attribution(SyscallKind.CONNECT, null)
                .build();
        FlowRecord b = r.reversed();
        assertEquals(java.util.Optional.empty(), b.sourceAttribution());
        assertEquals(java.util.Optional.of(SyscallKind.CONNECT), b.destinationAttribution());
        assertEquals(r.destinationAddress(), b.sourceAddress());
        assertEquals(443, b.sourcePort());
        assertEquals(40000, b.destinationPort());
        assertEquals(20, b.packets());
        assertEquals(2000, b.octets());
        assertEquals(0x18, b.tcpFlags());
        assertEquals(150, b.startMillis());
        assertEquals(10, b.reversePackets());
        assertEquals(3, b.ingressInterface());
        assertEquals(FlowDirection.INGRESS, b.direction());
        assertEquals(BiflowDirection.REVERSE_INITIATOR, b.biflowDirection());
        assertEquals("nginx", b.sourceProcess().name());
        assertEquals(100, r.biflowStartMillis());
        assertEquals(250, r.biflowEndMillis());
    }

    @Test
    void trafficChecksAndBiflowTimesIgnoreAnEmptyDirection() throws Exception {
        FlowRecord onlyReverse = base().forward(0, 0, 0, 5, 6).reverse(1, 60, 0, 100, 200).build();
        assertTrue(onlyReverse.hasTraffic());
        assertFalse(onlyReverse.hasForwardTraffic());
        assertEquals(100, onlyReverse.biflowStartMillis());
        assertEquals(200, onlyReverse.biflowEndMillis());
        assertFalse(base().build().hasTraffic());
    }
}
