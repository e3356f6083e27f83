package org.flowmond.ipfix;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A syscall flow: the connect (or accept) calls one process made between two addresses to one
 * service port, with their count and mean time between calls (MTBS). Source is the client and
 * destination the server for both kinds; {@code port} is the server's port. Immutable.
 */
public final class SyscallFlowRecord {
    final long processId;
    final String processName;
    final SyscallKind kind;
    final byte[] sourceAddress;
    final byte[] destinationAddress;
    final int port;
    final long count;
    final long meanTimeBetweenSyscallsMicros;
    final long firstMillis;
    final long lastMillis;
    /** null when the record carries none (then it uses the lean template). */
    final ConnectHealth connectHealth;

    private SyscallFlowRecord(Builder b) {
        Addresses.checkPair(b.sourceAddress, b.destinationAddress);
        Addresses.checkRange("process id", b.processId, 0xFFFF_FFFFL);
        Addresses.checkRange("port", b.port, 0xFFFF);
        Addresses.checkRange("first time", b.firstMillis, Long.MAX_VALUE);
        Addresses.checkRange("last time", b.lastMillis, Long.MAX_VALUE);
        this.processId = b.processId;
        this.processName = Objects.requireNonNull(b.processName, "process name is required");
        this.kind = Objects.requireNonNull(b.kind, "syscall kind is required");
        this.sourceAddress = b.sourceAddress;
        this.destinationAddress = b.destinationAddress;
        this.port = b.port;
        this.count = b.count;
        this.meanTimeBetweenSyscallsMicros = b.meanTimeBetweenSyscallsMicros;
        this.firstMillis = b.firstMillis;
        this.lastMillis = b.lastMillis;
        this.connectHealth = b.connectHealth;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int ipVersion() {
        return sourceAddress.length == 4 ? 4 : 6;
    }

    public long processId() {
        return processId;
    }

    public String processName() {
        return processName;
    }

    public SyscallKind kind() {
        return kind;
    }

    public InetAddress sourceAddress() {
        return Addresses.toInet(sourceAddress);
    }

    public InetAddress destinationAddress() {
        return Addresses.toInet(destinationAddress);
    }

    public int port() {
        return port;
    }

    public long count() {
        return count;
    }

    public long meanTimeBetweenSyscallsMicros() {
        return meanTimeBetweenSyscallsMicros;
    }

    public long firstMillis() {
        return firstMillis;
    }

    public long lastMillis() {
        return lastMillis;
    }

    /** The health of the connections behind these calls; empty when none was measured. */
    public Optional<ConnectHealth> connectHealth() {
        return Optional.ofNullable(connectHealth);
    }

    /** Builds a {@link SyscallFlowRecord}; process name, kind and both addresses are required. */
    public static final class Builder {
        private long processId;
        private String processName;
        private SyscallKind kind;
        private byte[] sourceAddress;
        private byte[] destinationAddress;
        private int port;
        private long count;
        private long meanTimeBetweenSyscallsMicros;
        private long firstMillis;
        private long lastMillis;
        private ConnectHealth connectHealth;

        private Builder() {
        }

        public Builder process(long pid, String name) {
            this.processId = pid;
            this.processName = name;
            return this;
        }

        public Builder kind(SyscallKind kind) {
            this.kind = kind;
            return this;
        }

        /** The client address (IPv4-mapped IPv6 is taken as IPv4). */
        public Builder source(byte[] address) {
            this.sourceAddress = Addresses.copyOf(address);
            return this;
        }

        public Builder source(InetAddress address) {
            return source(address.getAddress());
        }

        /** The server address. */
        public Builder destination(byte[] address) {
            this.destinationAddress = Addresses.copyOf(address);
            return this;
        }

        public Builder destination(InetAddress address) {
            return destination(address.getAddress());
        }

        /** The server port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder calls(long count, long meanTimeBetweenMicros) {
            this.count = count;
            this.meanTimeBetweenSyscallsMicros = meanTimeBetweenMicros;
            return this;
        }

        public Builder times(long firstMillis, long lastMillis) {
            this.firstMillis = firstMillis;
            this.lastMillis = lastMillis;
            return this;
        }

        /**
         * Worst and mean handshake and retransmissions of the connections behind these calls;
         * null = none, the default. A record with it uses the syscall-flow template with the three
         * connect-health elements.
         */
        public Builder connectHealth(ConnectHealth health) {
            this.connectHealth = health;
            return this;
        }

        public SyscallFlowRecord build() {
            return new SyscallFlowRecord(this);
        }
    }
}
