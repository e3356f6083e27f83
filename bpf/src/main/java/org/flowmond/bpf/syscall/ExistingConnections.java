package org.flowmond.bpf.syscall;

import java.util.List;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.libbpf.BpfLink;
import org.flowmond.bpf.libbpf.BpfObject;

/**
 * The TCP connections that exist right now, each attributed to a process that holds its socket
 * open (kind EXISTING), from the {@code iter/task_file} program in sock_iter.bpf.c. Why an
 * iterator and not /proc: it sees every network namespace at once and reads the task and its
 * socket together, instead of joining /proc/net/tcp (one namespace) with /proc/PID/fd links.
 *
 * <p>A socket shared by several processes (inherited across fork) is reported once per process.
 */
final class ExistingConnections {
    private static final String PROGRAM = "iter_existing_tcp";

    private ExistingConnections() {
    }

    static List<SocketEvent> scan(SyscallFilter filter, KernelClock clock) {
        try (BpfObject object = ProbeObjects.openIterator(filter)) {
            object.load();
            BpfLink link = object.program(PROGRAM).attachIter();
            return new SockEventCodec(clock).decodeAll(link.readIter());
        }
    }
}
