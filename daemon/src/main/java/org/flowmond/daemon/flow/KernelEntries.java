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
 * the kernel key (the addresses, ports and protocols are the biflow's), and {@link #key} rebuilds
 * it when the entry is read and deleted. The first entry is held in fields, further ones in small
 * arrays. The {@code HashMap<FlowKey, FlowCounters>} this replaces cost about 260 bytes per flow
 * (map, table, node, key, boxed counters): 260 MB at 1,000,000 flows; this costs about 40.
 * Single-threaded, like the table that owns it.
 */
final class KernelEntries {
    private ObservationPoint firstPoint;
    private boolean firstFromLow;
    private long firstPackets;
    private long firstBytes;
    /** Entries after the first: hook, direction, and packets/bytes interleaved (2 longs per entry). */
    private ObservationPoint[] morePoints;
    private boolean[] moreFromLow;
    private long[] moreCounts;
    private int more;

    int size() {
        return firstPoint == null ? 0 : 1 + more;
    }

    /** The index of the entry of hook {@code point} for direction {@code fromLow}, or -1 if there is none yet. */
    int indexOf(ObservationPoint point, boolean fromLow) {
        if (firstPoint == null) {
            return -1;
        }
        if (firstFromLow == fromLow && firstPoint.equals(point)) {
            return 0;
        }
        for (int i = 0; i < more; i++) {
            if (moreFromLow[i] == fromLow && morePoints[i].equals(point)) {
                return i + 1;
            }
        }
        return -1;
    }

    long packets(int index) {
        return index == 0 ? firstPackets : moreCounts[2 * (index - 1)];
    }

    long bytes(int index) {
        return index == 0 ? firstBytes : moreCounts[2 * (index - 1) + 1];
    }

    /** The kernel's key of entry {@code index} of the biflow {@code biflow}, exactly as the TC loader decodes it. */
    FlowKey key(int index, BiflowKey biflow) {
        boolean fromLow = index == 0 ? firstFromLow : moreFromLow[index - 1];
        ObservationPoint p = index == 0 ? firstPoint : morePoints[index - 1];
        Endpoint src = fromLow ? biflow.low() : biflow.high();
        Endpoint dst = fromLow ? biflow.high() : biflow.low();
        return new FlowKey(kernelForm(src.address(), biflow.ethProto()), kernelForm(dst.address(), biflow.ethProto()),
                src.port(), dst.port(), biflow.protocol(), biflow.ethProto(), p.ifindex(), p.hook());
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
            moreCounts[2 * (i - 1)] = packets;
            moreCounts[2 * (i - 1) + 1] = bytes;
        }
    }

    private int add(ObservationPoint point, boolean fromLow) {
        if (firstPoint == null) {
            firstPoint = point;
            firstFromLow = fromLow;
            return 0;
        }
        if (morePoints == null) {
            morePoints = new ObservationPoint[1];
            moreFromLow = new boolean[1];
            moreCounts = new long[2];
        } else if (more == morePoints.length) {
            morePoints = Arrays.copyOf(morePoints, more * 2);
            moreFromLow = Arrays.copyOf(moreFromLow, more * 2);
            moreCounts = Arrays.copyOf(moreCounts, more * 4);
        }
        morePoints[more] = point;
        moreFromLow[more] = fromLow;
        more++;
        return more;
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
