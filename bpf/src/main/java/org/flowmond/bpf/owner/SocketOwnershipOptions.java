package org.flowmond.bpf.owner;

/**
 * Settings of {@link SocketOwnership}, passed in by the daemon.
 *
 * @param maxSockets size of the preallocated owner map (sockets with a known owner at once; about
 *                   100 bytes each). A socket that finds the map full gets no owner: counted in
 *                   {@link OwnershipStatistics#ownerMapFull()}, never a wrong one. The local-endpoint
 *                   map gets a quarter of this (at least 1024), the 5-tuple map as many entries.
 */
public record SocketOwnershipOptions(int maxSockets) {
    public static final int DEFAULT_MAX_SOCKETS = 65536;
    static final int MIN_ENDPOINTS = 1024;

    public SocketOwnershipOptions {
        if (maxSockets <= 0) {
            throw new IllegalArgumentException("maxSockets must be positive: " + maxSockets);
        }
    }

    public static SocketOwnershipOptions defaults() {
        return new SocketOwnershipOptions(DEFAULT_MAX_SOCKETS);
    }

    int maxEndpoints() {
        return Math.max(MIN_ENDPOINTS, maxSockets / 4);
    }
}
