package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The scan's address objects: one per value, always equal to a fresh decode, bounded. */
@UnitTest
class AddressCacheTest {

    private static ByteBuffer le(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b;
    }

    @Test
    void theSameIpv4ValueIsTheSameObjectAndEqualsTheFreshAddress() throws Exception {
        AddressCache cache = new AddressCache();
        byte[] raw = {10, 77, 0, 1};
        ByteBuffer b = le(raw, raw);
        InetAddress first = cache.v4(b, 0);
        assertSame(first, cache.v4(b, 4));
        assertEquals(InetAddress.getByAddress(raw), first);
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void ipv6AndMappedIpv4StayIpv6() throws Exception {
        AddressCache cache = new AddressCache();
        byte[] v6 = InetAddress.getByName("fd00::2").getAddress();
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        ByteBuffer b = le(v6, mapped, v6);
        assertEquals(InetAddress.getByName("fd00::2"), cache.v6(b, 0));
        InetAddress m = cache.v6(b, 16);
        assertInstanceOf(Inet6Address.class, m);
        assertEquals(Inet6Address.getByAddress(null, mapped, -1), m);
        assertSame(cache.v6(b, 0), cache.v6(b, 32));
    }

    /** More distinct values than slots: each answer is still the right address; the cache never grows. */
    @Test
    void valuesSharingASlotAreEachDecodedCorrectly() throws Exception {
        AddressCache cache = new AddressCache();
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        int n = AddressCache.SLOTS * 4;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                byte[] raw = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
                b.put(0, raw);
                assertEquals(InetAddress.getByAddress(raw), cache.v4(b, 0));
            }
        }
        assertEquals(2L * n, cache.hits() + cache.misses());
    }

    @Test
    void decodingAScanKeyThroughTheCacheEqualsThePlainDecode() {
        AddressCache cache = new AddressCache();
        for (byte[] golden : new byte[][] {FlowKeyCodecTest.IPV4_TCP, FlowKeyCodecTest.IPV6_ICMP, FlowKeyCodecTest.ARP}) {
            ByteBuffer le = ByteBuffer.allocate(FlowKeyCodec.SIZE + 8).order(ByteOrder.LITTLE_ENDIAN);
            le.put(8, golden);
            assertEquals(FlowKeyCodec.decode(golden), FlowKeyCodec.decode(le, 8, cache));
        }
    }
}
