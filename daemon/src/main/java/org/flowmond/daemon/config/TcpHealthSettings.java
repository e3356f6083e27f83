package org.flowmond.daemon.config;

/**
 * {@code flowmon.tcp-health.*}: TCP health per flow (handshake, RTT, retransmissions, out-of-order,
 * resets, zero windows), counted by the TC program.
 *
 * @param enabled {@code enabled}: false loads the TC program with the TCP block pruned by the
 *                verifier (nothing of it runs per packet) and exports TCP flows in the lean templates
 */
public record TcpHealthSettings(boolean enabled) {
}
