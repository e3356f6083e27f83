package org.flowmond.daemon.flow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One end of a connection: an address and a port. IPv4-mapped IPv6 addresses are stored as
 * IPv4 so that the kernel's 16-byte form and Java's {@link Inet4Address} compare equal.
 */
public record Endpoint(InetAddress address, int port) implements Comparable<Endpoint> {

    public Endpoint {
        address = canonical(address);
    }

    /** IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) becomes the IPv4 address; everything else is kept. */
    /** Whether this is {@code address:port}, without building an Endpoint (hot path of every scan). */
    boolean is(InetAddress otherAddress, int otherPort) {
        return port == otherPort && address.equals(canonical(otherAddress));
    }

    static InetAddress canonical(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    throw new AssertionError("4 bytes is always a valid address", e);
                }
            }
        }
        return address;
    }

    /** Orders by address bytes (IPv4 before IPv6), then port: used to normalise biflow keys. */
    @Override
    public int compareTo(Endpoint o) {
        int c;
        if (address instanceof Inet4Address && o.address instanceof Inet4Address) {
            // Inet4Address.hashCode() is the address itself: no array copies on the hot path
            c = Integer.compareUnsigned(address.hashCode(), o.address.hashCode());
        } else {
            c = Arrays.compare(address.getAddress(), o.address.getAddress());
        }
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return (address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
                + ":" + port;
    }
}
