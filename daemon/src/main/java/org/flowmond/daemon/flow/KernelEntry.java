package org.flowmond.daemon.flow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.flowmond.bpf.api.FlowKey;

/**
 * One kernel map entry of a biflow after its first (see {@link Biflow#putEntry}), and the next: its
 * hook, its direction of travel and the packets and bytes of its last cumulative reading. A biflow
 * has one entry per hook that saw one of its directions, so a connection counted both ways has two,
 * and loopback or traffic forwarded between two monitored interfaces four; a node per further entry
 * is 40 bytes, where arrays of them cost about 100 for the first. An entry is named by hook and
 * direction, not by a stored {@link FlowKey}: within one biflow these two determine the kernel key
 * (the addresses, ports, protocols and namespace are the biflow's), and {@link #kernelKey} rebuilds
 * it when the entry is read and deleted. Single-threaded, like the table that owns its biflow.
 */
final class KernelEntry {
    final ObservationPoint point;
    final boolean fromLow;
    long packets;
    long bytes;
    /** The entry that came after this one; null for the last. */
    KernelEntry next;

    KernelEntry(ObservationPoint point, boolean fromLow) {
        this.point = point;
        this.fromLow = fromLow;
    }

    /** Whether this is the entry of hook {@code p} for direction {@code low}. */
    boolean is(ObservationPoint p, boolean low) {
        return fromLow == low && point.equals(p);
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
