package org.flowmond.bpf.syscall;

import java.util.Arrays;
import java.util.Set;

/**
 * The seed tool's filters, applied in the kernel before an event is sent (so filtered events
 * cost no ring-buffer space): {@code -p} process ids, {@code -P} port list, {@code -R} port range.
 * A connection passes when its process is listed (or no pid is given) and its local or remote
 * port is in the list or in the range (or neither is given).
 *
 * @param pids          process ids (tgid), at most {@value #MAX_PIDS}; empty = every process
 * @param ports         ports 1..65535, at most {@value #MAX_PORTS}; empty and no range = every port
 * @param portRangeLow  first port of the range, or 0 together with {@code portRangeHigh} 0 for none
 * @param portRangeHigh last port of the range (inclusive)
 */
public record SyscallFilter(Set<Integer> pids, Set<Integer> ports, int portRangeLow, int portRangeHigh) {
    /** Sizes of the kernel's filter arrays: FLOWMON_MAX_FILTER_PIDS / _PORTS in flowmon.h. */
    public static final int MAX_PIDS = 16;
    public static final int MAX_PORTS = 16;

    public SyscallFilter {
        pids = Set.copyOf(pids);
        ports = Set.copyOf(ports);
        if (pids.size() > MAX_PIDS) {
            throw new IllegalArgumentException("at most " + MAX_PIDS + " pids can be filtered in the kernel, got " + pids.size());
        }
        if (ports.size() > MAX_PORTS) {
            throw new IllegalArgumentException("at most " + MAX_PORTS + " ports can be filtered in the kernel, got " + ports.size());
        }
        for (int pid : pids) {
            if (pid <= 0) {
                throw new IllegalArgumentException("pid must be positive, got " + pid);
            }
        }
        for (int port : ports) {
            requirePort(port);
        }
        boolean noRange = portRangeLow == 0 && portRangeHigh == 0;
        if (!noRange) {
            requirePort(portRangeLow);
            requirePort(portRangeHigh);
            if (portRangeLow > portRangeHigh) {
                throw new IllegalArgumentException("port range " + portRangeLow + "-" + portRangeHigh + " is empty");
            }
        }
    }

    /** No filter: every TCP connect and accept. */
    public static SyscallFilter none() {
        return new SyscallFilter(Set.of(), Set.of(), 0, 0);
    }

    public SyscallFilter withPids(Integer... pids) {
        return new SyscallFilter(Set.of(pids), ports, portRangeLow, portRangeHigh);
    }

    public SyscallFilter withPorts(Integer... ports) {
        return new SyscallFilter(pids, Set.of(ports), portRangeLow, portRangeHigh);
    }

    public SyscallFilter withPortRange(int low, int high) {
        return new SyscallFilter(pids, ports, low, high);
    }

    public boolean hasPortRange() {
        return portRangeHigh != 0;
    }

    /** The pids as the kernel's {@code __u32 filter_pids[16]}, unused slots 0. */
    int[] pidArray() {
        return Arrays.copyOf(pids.stream().mapToInt(Integer::intValue).sorted().toArray(), MAX_PIDS);
    }

    /** The ports as the kernel's {@code __u16 filter_ports[16]}, unused slots 0. */
    int[] portArray() {
        return Arrays.copyOf(ports.stream().mapToInt(Integer::intValue).sorted().toArray(), MAX_PORTS);
    }

    private static void requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }
}
