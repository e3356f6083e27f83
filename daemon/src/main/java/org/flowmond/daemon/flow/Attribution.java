package org.flowmond.daemon.flow;

import java.util.Locale;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketOwner;

/**
 * The process that owns one side of a biflow, as the kernel stamped it on the flow's entries,
 * how the kernel learnt it, and the syscall flow behind a connect or accept (its count and MTBS
 * when the owner was first seen on this flow).
 *
 * @param process the process
 * @param method  how the kernel learnt the owner (never null: a side without owner has no Attribution)
 * @param syscall the count/MTBS of the matching syscall flow, or null (no connect/accept seen, or filtered)
 */
public record Attribution(ProcessInfo process, OwnerMethod method, SyscallStats syscall) {

    /** The name of the method in the JSON output and the logs: connect, accept, existing, send, receive, or none. */
    public static String label(Attribution a) {
        return a == null ? "none" : a.method().name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code o} names the same process, found the same way (then nothing is resolved again). */
    boolean sameOwner(SocketOwner o) {
        ProcessInfo p = process;
        return method == o.method() && p.pid() == o.pid() && p.cgroupId() == o.cgroupId() && p.uid() == o.uid()
                && p.parentPid() == o.ppid() && p.name().equals(o.command()) && p.parentName().equals(o.parentCommand());
    }

    Attribution withSyscall(SyscallStats s) {
        return new Attribution(process, method, s);
    }
}
