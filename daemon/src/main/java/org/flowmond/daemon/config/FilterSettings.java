package org.flowmond.daemon.config;

import java.util.Optional;
import java.util.Set;

/**
 * {@code flowmon.filter.*}: the seed tool's filters, applied to syscall flows and biflows by the flow
 * table (and, when they fit its arrays, by the kernel as {@code org.flowmond.bpf.syscall.SyscallFilter}).
 * An empty set / absent range means "no filter" on that dimension.
 *
 * @param pids      {@code pids} (-p): only these processes
 * @param ports     {@code ports} (-P): only flows with a local or remote port in this set
 * @param portRange {@code port-range} (-R): only flows with a local or remote port in this range
 */
public record FilterSettings(Set<Integer> pids, Set<Integer> ports, Optional<PortRange> portRange) {

    /** No filter on any dimension. */
    public static final FilterSettings NONE = new FilterSettings(Set.of(), Set.of(), Optional.empty());

    public FilterSettings {
        pids = Set.copyOf(pids);
        ports = Set.copyOf(ports);
    }

    /** Whether a flow of process {@code pid} passes; flows without a known process pass only when no PID filter is set. */
    public boolean acceptsPid(int pid) {
        return pids.isEmpty() || pids.contains(pid);
    }

    /** Whether a port passes: no port filter, or in the list, or in the range (either suffices). */
    public boolean acceptsPort(int port) {
        if (ports.isEmpty() && portRange.isEmpty()) {
            return true;
        }
        return ports.contains(port) || portRange.map(r -> r.contains(port)).orElse(false);
    }

    /** Whether a flow with these two ports passes the port filter (either port may match). */
    public boolean acceptsPorts(int localPort, int remotePort) {
        return acceptsPort(localPort) || acceptsPort(remotePort);
    }

    /** True when no PID filter is set (flows without a process are kept). */
    public boolean hasPidFilter() {
        return !pids.isEmpty();
    }
}
