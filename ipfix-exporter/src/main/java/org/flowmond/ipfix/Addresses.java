package org.flowmond.ipfix;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address checks shared by the record builders. */
final class Addresses {
    private Addresses() {
    }

    /**
     * A copy of a 4- or 16-octet address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, how the
     * kernel side stores IPv4) becomes the 4-octet IPv4 address, so it goes in an IPv4 template.
     */
    static byte[] copyOf(byte[] address) {
        if (address == null || (address.length != 4 && address.length != 16)) {
            throw new IllegalArgumentException("an address has 4 (IPv4) or 16 (IPv6) octets");
        }
        if (address.length == 16 && isIpv4Mapped(address)) {
            return new byte[] {address[12], address[13], address[14], address[15]};
        }
        return address.clone();
    }

    private static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    static InetAddress toInet(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4- or 16-octet address rejected", e);
        }
    }

    static void checkPair(byte[] source, byte[] destination) {
        if (source == null || destination == null) {
            throw new IllegalArgumentException("source and destination addresses are required");
        }
        if (source.length != destination.length) {
            throw new IllegalArgumentException("source and destination must both be IPv4 or both IPv6");
        }
    }

    static void checkRange(String what, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " must be 0.." + max + ": " + value);
        }
    }
}
