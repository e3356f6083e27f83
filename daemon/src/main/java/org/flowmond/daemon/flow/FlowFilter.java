package org.flowmond.daemon.flow;

import java.util.Set;

/**
 * The seed tool's filters (-p PIDs, -P ports, -R port range) as the flow table applies them.
 * A flow passes the port filter if any of its ports is in the list or in the range; it passes
 * the PID filter if a process on either side is one of the PIDs (a biflow with no known process
 * never passes a PID filter). An empty dimension filters nothing.
 *
 * @param pids      PIDs, empty = all
 * @param ports     ports, empty = no list
 * @param rangeLow  inclusive range start, or 0 for no range
 * @param rangeHigh inclusive range end, or 0 for no range
 */
public record FlowFilter(Set<Integer> pids, Set<Integer> ports, int rangeLow, int rangeHigh) {

    public static final FlowFilter NONE = new FlowFilter(Set.of(), Set.of(), 0, 0);

    public FlowFilter {
        pids = Set.copyOf(pids);
        ports = Set.copyOf(ports);
    }

    private boolean hasPortFilter() {
        return !ports.isEmpty() || rangeLow != 0;
    }

    boolean acceptsPorts(int a, int b) {
        return !hasPortFilter() || acceptsPort(a) || acceptsPort(b);
    }

    private boolean acceptsPort(int p) {
        return ports.contains(p) || (rangeLow != 0 && p >= rangeLow && p <= rangeHigh);
    }

    boolean acceptsPids(Attribution a, Attribution b) {
        return pids.isEmpty() || matches(a) || matches(b);
    }

    private boolean matches(Attribution a) {
        return a != null && pids.contains(a.process().pid());
    }

    boolean accepts(BiflowRecord r) {
        return acceptsPorts(r.src().port(), r.dst().port()) && acceptsPids(r.srcProcess(), r.dstProcess());
    }

    /** A syscall event: its process and its local and remote ports. */
    boolean acceptsSyscall(int pid, int localPort, int remotePort) {
        return (pids.isEmpty() || pids.contains(pid)) && acceptsPorts(localPort, remotePort);
    }
}
