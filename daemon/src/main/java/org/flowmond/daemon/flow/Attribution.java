package org.flowmond.daemon.flow;

/**
 * The process found on one side of a biflow, how it was found, and the syscall flow that
 * produced the connection (its count and MTBS at the moment of this connect/accept).
 *
 * @param process the process
 * @param method  connect, accept or existing (never NONE: absence is a null attribution)
 * @param syscall the count/MTBS of the matching syscall flow, or null for EXISTING
 */
public record Attribution(ProcessInfo process, AttributionMethod method, SyscallStats syscall) {
}
