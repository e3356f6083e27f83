package org.flowmond.daemon.flow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.flowmond.bpf.api.FlowKey;

/**
 * The kernel map entries of one biflow after its first (see {@link Biflow#putEntry}): rare, a flow
 * seen by several hooks (loopback, forwarded traffic, both directions on different hooks), so made
 * only when a flow's second entry comes. Each entry is its hook, its direction of travel and the
 * packets and bytes of its last cumulative reading. An entry is named by hook and direction, not by
 * a stored {@link FlowKey}: within one biflow these two determine the kernel key (the addresses,
 * ports, protocols and namespace are the biflow's), and {@link #kernelKey} rebuilds it when the
 * entry is read and deleted. Single-threaded, like the table that owns its biflow.
 */
final class KernelEntries {
    private ObservationPoint[] points = new ObservationPoint[1];
    private boolean[] fromLow = new boolean[1];
    /** Packets and bytes interleaved: 2 longs per entry. */
    private long[] counts = new long[2];
    private int size;

    int size() {
        return size;
    }

    /** The index of the entry of hook {@code point} for direction {@code low}, or -1 if there is none. */
    int indexOf(ObservationPoint point, boolean low) {
        for (int i = 0; i < size; i++) {
            if (fromLow[i] == low && points[i].equals(point)) {
                return i;
            }
        }
        return -1;
    }

    ObservationPoint point(int index) {
        return points[index];
    }

    boolean fromLow(int index) {
        return fromLow[index];
    }

    long packets(int index) {
        return counts[2 * index];
    }

    long bytes(int index) {
        return counts[2 * index + 1];
    }

    /** Records the latest cumulative reading of entry {@code index}. */
    void set(int index, long packets, long bytes) {
        counts[2 * index] = packets;
        counts[2 * index + 1] = bytes;
    }

    /** Adds the entry of hook {@code point} for direction {@code low}, without a reading yet; returns its index. */
    int add(ObservationPoint point, boolean low) {
        if (size == points.length) {
            points = Arrays.copyOf(points, size * 2);
            fromLow = Arrays.copyOf(fromLow, size * 2);
            counts = Arrays.copyOf(counts, size * 4);
        }
        points[size] = point;
        fromLow[size] = low;
        return size++;
    }

    /** The kernel's key of the entry of hook {@code p} for direction {@code low} of {@code biflow}, as the TC loader decodes it. */
    static FlowKey kernelKey(BiflowKey biflow, ObservationPoint p, boolean low) {
        Endpoint src = low ? biflow.low() : biflow.high();
        Endpoint dst = low ? biflow.high() : biflow.low();
        return new FlowKey(kernelForm(src.address(), biflow.ethProto()), kernelForm(dst.address(), biflow.ethProto()),
                src.port(), dst.port(), biflow.protocol(), biflow.ethProto(), p.ifindex(), p.hook(), biflow.netns());
    }

    /**
     * The address as the TC loader decodes it: {@link Endpoint} stores IPv4-mapped IPv6 as IPv4,
     * but a key whose EtherType is not IPv4 carries a 16-byte address.
     */
    static InetAddress kernelForm(InetAddress a, int ethProto) {
        if (ethProto == FlowKey.ETH_P_IP || !(a instanceof Inet4Address)) {
            return a;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
        try {
            return Inet6Address.getByAddress(null, mapped, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes is always a valid address", e);
        }
    }
}
