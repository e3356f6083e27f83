package org.flowmond.ipfix;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One bidirectional flow to export: the 5-tuple, the counters of each direction, and the
 * processes at both ends. "Forward" is source to destination; "reverse" is destination to source.
 * Source should be the client (the side that called connect), as ntop's SRC_PROC elements assume.
 * Immutable; build with {@link #builder()}.
 *
 * <p>Counters are unsigned64 held in a {@code long}: values above {@link Long#MAX_VALUE} are
 * negative in Java and go on the wire as the unsigned value. Times are milliseconds since the epoch.
 */
public final class FlowRecord {
    final byte[] sourceAddress;
    final byte[] destinationAddress;
    final int sourcePort;
    final int destinationPort;
    final int protocol;
    final int icmpTypeCode;
    final long ingressInterface;
    final long egressInterface;
    final FlowDirection direction;
    final long packets;
    final long octets;
    final int tcpFlags;
    final long startMillis;
    final long endMillis;
    final long reversePackets;
    final long reverseOctets;
    final int reverseTcpFlags;
    final long reverseStartMillis;
    final long reverseEndMillis;
    final long flowId;
    final FlowEndReason endReason;
    final BiflowDirection biflowDirection;
    final ProcessInfo sourceProcess;
    final ProcessInfo destinationProcess;
    final ContainerInfo sourceContainer;
    final ContainerInfo destinationContainer;
    /** The network namespace (nsfs inode) whose hooks counted the flow; 0 if not known. */
    final long observationNetns;
    /** How each side's process was found; null when it was not. */
    final SyscallKind sourceAttribution;
    final SyscallKind destinationAttribution;
    final long syscallCount;
    final long meanTimeBetweenSyscallsMicros;
    /** TCP only; null when the record carries none (then it uses the lean template). */
    final TcpHealth tcpHealth;

    private FlowRecord(Builder b) {
        Addresses.checkPair(b.sourceAddress, b.destinationAddress);
        Addresses.checkRange("source port", b.sourcePort, 0xFFFF);
        Addresses.checkRange("destination port", b.destinationPort, 0xFFFF);
        Addresses.checkRange("protocol", b.protocol, 0xFF);
        Addresses.checkRange("ICMP type and code", b.icmpTypeCode, 0xFFFF);
        Addresses.checkRange("ingress interface", b.ingressInterface, 0xFFFF_FFFFL);
        Addresses.checkRange("egress interface", b.egressInterface, 0xFFFF_FFFFL);
        // the nine TCP flag bits, as the kernel side records them (FIN 0x01 ... NS 0x100)
        Addresses.checkRange("TCP flags", b.tcpFlags, 0x1FF);
        Addresses.checkRange("reverse TCP flags", b.reverseTcpFlags, 0x1FF);
        Addresses.checkRange("start time", b.startMillis, Long.MAX_VALUE);
        Addresses.checkRange("end time", b.endMillis, Long.MAX_VALUE);
        Addresses.checkRange("reverse start time", b.reverseStartMillis, Long.MAX_VALUE);
        Addresses.checkRange("reverse end time", b.reverseEndMillis, Long.MAX_VALUE);
        this.sourceAddress = b.sourceAddress;
        this.destinationAddress = b.destinationAddress;
        this.sourcePort = b.sourcePort;
        this.destinationPort = b.destinationPort;
        this.protocol = b.protocol;
        this.icmpTypeCode = b.icmpTypeCode;
        this.ingressInterface = b.ingressInterface;
        this.egressInterface = b.egressInterface;
        this.direction = Objects.requireNonNull(b.direction, "flow direction is required");
        this.packets = b.packets;
        this.octets = b.octets;
        this.tcpFlags = b.tcpFlags;
        this.startMillis = b.startMillis;
        this.endMillis = b.endMillis;
        this.reversePackets = b.reversePackets;
        this.reverseOctets = b.reverseOctets;
        this.reverseTcpFlags = b.reverseTcpFlags;
        this.reverseStartMillis = b.reverseStartMillis;
        this.reverseEndMillis = b.reverseEndMillis;
        this.flowId = b.flowId;
        this.endReason = Objects.requireNonNull(b.endReason, "flow end reason is required");
        this.biflowDirection = Objects.requireNonNull(b.biflowDirection, "biflowDirection");
        this.sourceProcess = Objects.requireNonNull(b.sourceProcess, "sourceProcess");
        this.destinationProcess = Objects.requireNonNull(b.destinationProcess, "destinationProcess");
        this.sourceContainer = Objects.requireNonNull(b.sourceContainer, "sourceContainer");
        this.destinationContainer = Objects.requireNonNull(b.destinationContainer, "destinationContainer");
        if (b.observationNetns < 0 || b.observationNetns > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("netns inode out of unsigned32 range: " + b.observationNetns);
        }
        this.observationNetns = b.observationNetns;
        this.sourceAttribution = b.sourceAttribution;
        this.destinationAttribution = b.destinationAttribution;
        this.syscallCount = b.syscallCount;
        this.meanTimeBetweenSyscallsMicros = b.meanTimeBetweenSyscallsMicros;
        if (b.tcpHealth != null && b.protocol != TCP) {
            throw new IllegalArgumentException("TCP health on a flow of protocol " + b.protocol);
        }
        this.tcpHealth = b.tcpHealth;
    }

    private static final int TCP = 6;

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The same flow seen from the other end: addresses, ports, counters, interfaces and processes
     * swapped. {@link BiflowMode#UNIFLOWS} sends this as the second record.
     */
    public FlowRecord reversed() {
        return new FlowRecord(this);
    }

    /** The swapped copy: no validation needed, and the (never written) address arrays are shared. */
    private FlowRecord(FlowRecord f) {
        this.sourceAddress = f.destinationAddress;
        this.destinationAddress = f.sourceAddress;
        this.sourcePort = f.destinationPort;
        this.destinationPort = f.sourcePort;
        this.protocol = f.protocol;
        this.icmpTypeCode = f.icmpTypeCode;
        this.ingressInterface = f.egressInterface;
        this.egressInterface = f.ingressInterface;
        this.direction = f.direction.opposite();
        this.packets = f.reversePackets;
        this.octets = f.reverseOctets;
        this.tcpFlags = f.reverseTcpFlags;
        this.startMillis = f.reverseStartMillis;
        this.endMillis = f.reverseEndMillis;
        this.reversePackets = f.packets;
        this.reverseOctets = f.octets;
        this.reverseTcpFlags = f.tcpFlags;
        this.reverseStartMillis = f.startMillis;
        this.reverseEndMillis = f.endMillis;
        this.flowId = f.flowId;
        this.endReason = f.endReason;
        this.biflowDirection = f.biflowDirection.swapped();
        this.sourceProcess = f.destinationProcess;
        this.destinationProcess = f.sourceProcess;
        this.sourceContainer = f.destinationContainer;
        this.destinationContainer = f.sourceContainer;
        this.observationNetns = f.observationNetns;
        this.sourceAttribution = f.destinationAttribution;
        this.destinationAttribution = f.sourceAttribution;
        this.syscallCount = f.syscallCount;
        this.meanTimeBetweenSyscallsMicros = f.meanTimeBetweenSyscallsMicros;
        this.tcpHealth = f.tcpHealth == null ? null : f.tcpHealth.reversed();
    }

    /** 4 or 6. */
    public int ipVersion() {
        return sourceAddress.length == 4 ? 4 : 6;
    }

    public boolean hasForwardTraffic() {
        return packets != 0 || octets != 0;
    }

    public boolean hasReverseTraffic() {
        return reversePackets != 0 || reverseOctets != 0;
    }

    /** False when both directions have zero packets and zero octets: such a record is never sent. */
    public boolean hasTraffic() {
        return hasForwardTraffic() || hasReverseTraffic();
    }

    /** Start of the biflow: the earlier start of the directions that carried traffic. */
    public long biflowStartMillis() {
        if (hasForwardTraffic() && hasReverseTraffic()) {
            return Math.min(startMillis, reverseStartMillis);
        }
        return hasReverseTraffic() ? reverseStartMillis : startMillis;
    }

    /** End of the biflow: the later end of the directions that carried traffic. */
    public long biflowEndMillis() {
        if (hasForwardTraffic() && hasReverseTraffic()) {
            return Math.max(endMillis, reverseEndMillis);
        }
        return hasReverseTraffic() ? reverseEndMillis : endMillis;
    }

    public InetAddress sourceAddress() {
        return Addresses.toInet(sourceAddress);
    }

    public InetAddress destinationAddress() {
        return Addresses.toInet(destinationAddress);
    }

    public int sourcePort() {
        return sourcePort;
    }

    public int destinationPort() {
        return destinationPort;
    }

    public int protocol() {
        return protocol;
    }

    public int icmpTypeCode() {
        return icmpTypeCode;
    }

    public long ingressInterface() {
        return ingressInterface;
    }

    public long egressInterface() {
        return egressInterface;
    }

    public FlowDirection direction() {
        return direction;
    }

    public long packets() {
        return packets;
    }

    public long octets() {
        return octets;
    }

    public int tcpFlags() {
        return tcpFlags;
    }

    public long startMillis() {
        return startMillis;
    }

    public long endMillis() {
        return endMillis;
    }

    public long reversePackets() {
        return reversePackets;
    }

    public long reverseOctets() {
        return reverseOctets;
    }

    public int reverseTcpFlags() {
        return reverseTcpFlags;
    }

    public long reverseStartMillis() {
        return reverseStartMillis;
    }

    public long reverseEndMillis() {
        return reverseEndMillis;
    }

    public long flowId() {
        return flowId;
    }

    public FlowEndReason endReason() {
        return endReason;
    }

    public BiflowDirection biflowDirection() {
        return biflowDirection;
    }

    public ProcessInfo sourceProcess() {
        return sourceProcess;
    }

    public ProcessInfo destinationProcess() {
        return destinationProcess;
    }

    /** The container (or systemd unit) of the source's process; {@link ContainerInfo#NONE} if none. */
    public ContainerInfo sourceContainer() {
        return sourceContainer;
    }

    public ContainerInfo destinationContainer() {
        return destinationContainer;
    }

    /** The network namespace (nsfs inode) in which the flow was counted; 0 if not known. */
    public long observationNetns() {
        return observationNetns;
    }

    /** How the client process was found (connect, accept, scan); empty if it was not. */
    public Optional<SyscallKind> sourceAttribution() {
        return Optional.ofNullable(sourceAttribution);
    }

    /** How the server process was found; empty if it was not. */
    public Optional<SyscallKind> destinationAttribution() {
        return Optional.ofNullable(destinationAttribution);
    }

    public long syscallCount() {
        return syscallCount;
    }

    public long meanTimeBetweenSyscallsMicros() {
        return meanTimeBetweenSyscallsMicros;
    }

    /** The TCP health of this record; empty for non-TCP flows and when TCP health is not measured. */
    public Optional<TcpHealth> tcpHealth() {
        return Optional.ofNullable(tcpHealth);
    }

    @Override
    public String toString() {
        return "FlowRecord[" + sourceAddress().getHostAddress() + ":" + sourcePort + " -> "
                + destinationAddress().getHostAddress() + ":" + destinationPort + " proto " + protocol
                + ", " + packets + "/" + octets + " <- " + reversePackets + "/" + reverseOctets + ", id " + flowId + "]";
    }

    /** Builds a {@link FlowRecord}. Addresses, flow direction and end reason are required. */
    public static final class Builder {
        private byte[] sourceAddress;
        private byte[] destinationAddress;
        private int sourcePort;
        private int destinationPort;
        private int protocol;
        private int icmpTypeCode;
        private long ingressInterface;
        private long egressInterface;
        private FlowDirection direction;
        private long packets;
        private long octets;
        private int tcpFlags;
        private long startMillis;
        private long endMillis;
        private long reversePackets;
        private long reverseOctets;
        private int reverseTcpFlags;
        private long reverseStartMillis;
        private long reverseEndMillis;
        private long flowId;
        private FlowEndReason endReason;
        private BiflowDirection biflowDirection = BiflowDirection.ARBITRARY;
        private ProcessInfo sourceProcess = ProcessInfo.UNKNOWN;
        private ProcessInfo destinationProcess = ProcessInfo.UNKNOWN;
        private ContainerInfo sourceContainer = ContainerInfo.NONE;
        private ContainerInfo destinationContainer = ContainerInfo.NONE;
        private long observationNetns;
        private SyscallKind sourceAttribution;
        private SyscallKind destinationAttribution;
        private long syscallCount;
        private long meanTimeBetweenSyscallsMicros;
        private TcpHealth tcpHealth;

        private Builder() {
        }

        public Builder source(InetAddress address, int port) {
            return source(address.getAddress(), port);
        }

        /** A 4-octet IPv4, 16-octet IPv6 or IPv4-mapped IPv6 address (taken as IPv4). */
        public Builder source(byte[] address, int port) {
            this.sourceAddress = Addresses.copyOf(address);
            this.sourcePort = port;
            return this;
        }

        public Builder destination(InetAddress address, int port) {
            return destination(address.getAddress(), port);
        }

        public Builder destination(byte[] address, int port) {
            this.destinationAddress = Addresses.copyOf(address);
            this.destinationPort = port;
            return this;
        }

        public Builder protocol(int protocol) {
            this.protocol = protocol;
            return this;
        }

        /** ICMP type * 256 + code, for ICMP and ICMPv6 flows. */
        public Builder icmpTypeCode(int icmpTypeCode) {
            this.icmpTypeCode = icmpTypeCode;
            return this;
        }

        /** ifIndex values of the forward direction. */
        public Builder interfaces(long ingress, long egress) {
            this.ingressInterface = ingress;
            this.egressInterface = egress;
            return this;
        }

        /** Whether the forward direction entered (ingress) or left (egress) the host. */
        public Builder direction(FlowDirection direction) {
            this.direction = direction;
            return this;
        }

        /**
         * Counters and first/last packet times of the forward direction (source to destination).
         * {@code tcpFlags} is the OR of the nine TCP flag bits (FIN 0x01 ... CWR 0x80, NS 0x100).
         * tcpControlBits goes on the wire in one octet (pmacct reads no other length, nProbe
         * sends one), so NS, the ECN-nonce bit that RFC 8311 retired, is not exported.
         */
        public Builder forward(long packets, long octets, int tcpFlags, long startMillis, long endMillis) {
            this.packets = packets;
            this.octets = octets;
            this.tcpFlags = tcpFlags;
            this.startMillis = startMillis;
            this.endMillis = endMillis;
            return this;
        }

        /** Counters and first/last packet times of the reverse direction (destination to source). */
        public Builder reverse(long packets, long octets, int tcpFlags, long startMillis, long endMillis) {
            this.reversePackets = packets;
            this.reverseOctets = octets;
            this.reverseTcpFlags = tcpFlags;
            this.reverseStartMillis = startMillis;
            this.reverseEndMillis = endMillis;
            return this;
        }

        public Builder flowId(long flowId) {
            this.flowId = flowId;
            return this;
        }

        public Builder endReason(FlowEndReason endReason) {
            this.endReason = endReason;
            return this;
        }

        public Builder biflowDirection(BiflowDirection biflowDirection) {
            this.biflowDirection = biflowDirection;
            return this;
        }

        /** The network namespace (nsfs inode, unsigned 32 bits) whose hooks counted the flow. */
        public Builder observationNetns(long inode) {
            this.observationNetns = inode;
            return this;
        }

        public Builder sourceContainer(ContainerInfo container) {
            this.sourceContainer = container;
            return this;
        }

        public Builder destinationContainer(ContainerInfo container) {
            this.destinationContainer = container;
            return this;
        }

        /** The client process (ntop's SRC_PROC_*). */
        public Builder sourceProcess(ProcessInfo process) {
            this.sourceProcess = process;
            return this;
        }

        /** The server process (ntop's DST_PROC_*). */
        public Builder destinationProcess(ProcessInfo process) {
            this.destinationProcess = process;
            return this;
        }

        /**
         * How each side's process was found: the call that revealed it (connect for the client,
         * accept for the server, or a scan of existing sockets); null for a side not attributed.
         */
        public Builder attribution(SyscallKind source, SyscallKind destination) {
            this.sourceAttribution = source;
            this.destinationAttribution = destination;
            return this;
        }

        /** connect/accept calls seen for the flow and their mean time between calls (MTBS), in microseconds. */
        public Builder syscalls(long count, long meanTimeBetweenMicros) {
            this.syscallCount = count;
            this.meanTimeBetweenSyscallsMicros = meanTimeBetweenMicros;
            return this;
        }

        /**
         * The TCP health of this record (protocol 6 only), oriented like the record; null = none,
         * the default. A record with health uses the TCP template (today's elements and the health
         * elements); one without keeps the lean template.
         */
        public Builder tcpHealth(TcpHealth health) {
            this.tcpHealth = health;
            return this;
        }

        public FlowRecord build() {
            return new FlowRecord(this);
        }
    }
}
