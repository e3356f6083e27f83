package org.flowmond.daemon.flow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.flowmond.bpf.api.FlowKey;

/**
 * The kernel map entries of one biflow (one per hook that saw one of its directions: usually one
 * or two) with the packets and bytes of their last cumulative reading, so that the next reading
 * adds only the difference.
 *
 * <p>One of these lives in every biflow, so it is kept small. An entry is named by its hook and
 * its direction of travel, not by a stored {@link FlowKey}: within one biflow these two determine
 * the kernel key (the addresses, ports, protocols and namespace are the biflow's), and {@link #key} rebuilds
 * it when the entry is read and deleted. The first entry is held in fields, further ones in small
 * arrays. The {@code HashMap<FlowKey, FlowCounters>} this replaces cost about 260 bytes per flow
 * (map, table, node, key, boxed counters): 260 MB at 1,000,000 flows; this costs 40.
 * Single-threaded, like the table that owns it.
 */
final class KernelEntries {
    private ObservationPoint firstPoint;
    private boolean firstFromLow;
    private long firstPackets;
    private long firstBytes;
    /** Entries after the first, rare (a flow seen by several hooks): null until needed, 16 bytes less per flow. */
    private More rest;

    /** Entries after the first: hook, direction, and packets/bytes interleaved (2 longs per entry). */
    private static final class More {
        ObservationPoint[] points = new ObservationPoint[1];
        boolean[] fromLow = new boolean[1];
        long[] counts = new long[2];
        int size;
    }

    int size() {
        return firstPoint == null ? 0 : 1 + (rest == null ? 0 : rest.size);
    }

    /** The index of the entry of hook {@code point} for direction {@code fromLow}, or -1 if there is none yet. */
    int indexOf(ObservationPoint point, boolean fromLow) {
        if (firstPoint == null) {
            return -1;
        }
        if (firstFromLow == fromLow && firstPoint.equals(point)) {
            return 0;
        }
        for (int i = 0; rest != null && i < rest.size; i++) {
            if (rest.fromLow[i] == fromLow && rest.points[i].equals(point)) {
                return i + 1;
            }
        }
        return -1;
    }

    long packets(int index) {
        return index == 0 ? firstPackets : rest.counts[2 * (index - 1)];
    }

    long bytes(int index) {
        return index == 0 ? firstBytes : rest.counts[2 * (index - 1) + 1];
    }

    /** The kernel's key of entry {@code index} of the biflow {@code biflow}, exactly as the TC loader decodes it. */
    FlowKey key(int index, BiflowKey biflow) {
        boolean fromLow = index == 0 ? firstFromLow : rest.fromLow[index - 1];
        ObservationPoint p = index == 0 ? firstPoint : rest.points[index - 1];
        Endpoint src = fromLow ? biflow.low() : biflow.high();
        Endpoint dst = fromLow ? biflow.high() : biflow.low();
        return new FlowKey(kernelForm(src.address(), biflow.ethProto()), kernelForm(dst.address(), biflow.ethProto()),
                src.port(), dst.port(), biflow.protocol(), biflow.ethProto(), p.ifindex(), p.hook(), biflow.netns());
    }

    /** Records the latest cumulative reading of an entry, adding it if it is new. */
    void put(ObservationPoint point, boolean fromLow, long packets, long bytes) {
        int i = indexOf(point, fromLow);
        if (i < 0) {
            i = add(point, fromLow);
        }
        if (i == 0) {
            firstPackets = packets;
            firstBytes = bytes;
        } else {
            rest.counts[2 * (i - 1)] = packets;
            rest.counts[2 * (i - 1) + 1] = bytes;
        }
    }

    private int add(ObservationPoint point, boolean fromLow) {
        if (firstPoint == null) {
            firstPoint = point;
            firstFromLow = fromLow;
            return 0;
        }
        if (rest == null) {
            rest = new More();
        } else if (rest.size == rest.points.length) {
            rest.points = Arrays.copyOf(rest.points, rest.size * 2);
            rest.fromLow = Arrays.copyOf(rest.fromLow, rest.size * 2);
            rest.counts = Arrays.copyOf(rest.counts, rest.size * 4);
        }
        rest.points[rest.size] = point;
        rest.fromLow[rest.size] = fromLow;
        rest.size++;
        return rest.size;
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
