package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.UniFlow;

/**
 * Names the processes on the two sides of a biflow from the owners the kernel stamps on its
 * entries. The TC program writes into each entry the owner of its source end (the local process
 * that sent) and of its destination end (the local process that receives), as of the entry's
 * last packet; every scan brings them again, so the process survives idle gaps, active-timeout
 * slices, reloads and daemon restarts as long as the socket lives.
 *
 * <p><b>Rule.</b> Each side takes its owner from the entries on which it sends, the one with the
 * latest last packet: there the TC program reads the owner from the sending socket itself at every
 * packet, so it is the owner as of that packet. Only a side that never sends through a hook with
 * its socket (a peer across a veth or in another namespace, whose packets arrive without one)
 * takes it from the entries on which it receives, where the owner is looked up by address and may
 * lag by the kernel's recheck interval. A socket shared by several processes (inherited across
 * fork, passed over a Unix socket) is therefore named by the process that used it last, and a
 * record carries the owner at its end. A connect owner makes its side the initiator, an accept
 * owner the other side.
 *
 * <p>Single-threaded: owned by {@link FlowTable}.
 */
final class Owners {
    private final ProcessResolver processes;
    private final SyscallFlowTable syscalls;
    private final FlowStats stats;

    Owners(ProcessResolver processes, SyscallFlowTable syscalls, FlowStats stats) {
        this.processes = processes;
        this.syscalls = syscalls;
        this.stats = stats;
    }

    /** The owners of one reading of one of {@code b}'s entries, which travels low → high if {@code fromLow}. */
    void observe(Biflow b, UniFlow u, boolean fromLow) {
        if (u.sourceSocketUnowned()) { // why the sending side may stay without owner: see OwnerMissReason
            b.ownersToWrite().markSocketUnowned(fromLow);
        }
        if (u.ambiguous(true)) {
            b.ownersToWrite().markAmbiguous(fromLow);
        }
        if (u.ambiguous(false)) {
            b.ownersToWrite().markAmbiguous(!fromLow);
        }
        SocketOwner source = u.sourceOwner();
        SocketOwner destination = u.destinationOwner();
        if (source == null && destination == null) {
            return; // the usual case for traffic with no local end: nothing to compare
        }
        long seen = u.counters().lastSeenNanos();
        if (source != null) {
            side(b, fromLow, source, seen, true);
        }
        if (destination != null) {
            side(b, !fromLow, destination, seen, false);
        }
    }

    private void side(Biflow b, boolean low, SocketOwner o, long seen, boolean sends) {
        EndOwners ends = b.ownersToWrite();
        Attribution current = ends.process(low);
        long currentSeen = ends.seen(low);
        if (current != null) {
            boolean currentSends = ends.sends(low);
            if ((currentSends && !sends) || (currentSends == sends && seen < currentSeen)) {
                return; // a looked-up owner never replaces the sender's own, nor an older packet's a newer one
            }
        }
        ends.namedAt(low, seen, sends);
        if (current != null && current.sameOwner(o)) {
            if (current.syscall() == null && seen > currentSeen) { // its connect/accept event may have come since
                ends.setProcess(low, withSyscall(b, low, current));
            }
            return; // the usual case at every scan: nothing to resolve
        }
        if (current != null) {
            stats.ownerChanges.incrementAndGet();
        }
        ends.setProcess(low, withSyscall(b, low, new Attribution(processes.resolve(o), o.method(), null)));
        switch (o.method()) {
            case CONNECT -> b.decideInitiator(low, InitiatorRule.SYSCALL);
            case ACCEPT -> b.decideInitiator(!low, InitiatorRule.SYSCALL);
            default -> { }
        }
    }

    /** {@link #withSyscall} for both ends of {@code b} (at its export: a connect/accept event may have come late). */
    void withSyscalls(Biflow b) {
        EndOwners ends = b.owners();
        if (ends != null) {
            ends.setProcess(true, withSyscall(b, true, ends.process(true)));
            ends.setProcess(false, withSyscall(b, false, ends.process(false)));
        }
    }

    /**
     * Adds the count and MTBS of the syscall flow behind a connect or accept owner of a TCP flow as
     * of this connection's own call (found by the client's port among the flow's latest calls), once
     * that call is known: its event may arrive after the scan that stamped the owner, so later scans
     * with new packets and the export try again.
     */
    Attribution withSyscall(Biflow b, boolean low, Attribution a) {
        if (a == null || a.syscall() != null || b.protocol() != 6
                || (a.method() != OwnerMethod.CONNECT && a.method() != OwnerMethod.ACCEPT)) {
            return a;
        }
        BiflowKey flow = b.key();
        Endpoint local = low ? flow.low() : flow.high();
        Endpoint remote = low ? flow.high() : flow.low();
        ProcessInfo p = a.process();
        SyscallStats s;
        if (a.method() == OwnerMethod.CONNECT) {
            s = syscalls.statsAtCall(new SyscallFlowKey(SocketEventKind.CONNECT, p.pid(), p.name(), 0,
                    local.address(), remote.address(), remote.port(), ConnectOutcome.ESTABLISHED), local.port());
            if (s == null) { // a probe variant that reports the SYN, not the handshake's end
                s = syscalls.statsAtCall(new SyscallFlowKey(SocketEventKind.CONNECT, p.pid(), p.name(), 0,
                        local.address(), remote.address(), remote.port(), ConnectOutcome.NONE), local.port());
            }
        } else {
            s = syscalls.statsAtCall(new SyscallFlowKey(SocketEventKind.ACCEPT, p.pid(), p.name(), 0,
                    remote.address(), local.address(), local.port(), ConnectOutcome.NONE), remote.port());
        }
        return s == null ? a : a.withSyscall(s);
    }

    /**
     * Adds what is new of a connection's health to the syscall flow of its client's connect: the
     * handshake (the server's part) once, as soon as it is measured and the client is known, and the
     * retransmissions of both directions as they are counted. So a process's connect record holds
     * its connections' health up to the record's export, long connections included. Runs after each
     * reading of a TCP flow; retransmissions after the syscall flow ended are not added anywhere.
     */
    void addToConnect(Biflow b) {
        TcpTrack fwd = b.tcp(b.lowIsInitiator);
        TcpTrack rev = b.tcp(!b.lowIsInitiator);
        Attribution client = b.process(b.lowIsInitiator);
        if ((fwd == null && rev == null) || !countsForConnect(b, client)) {
            return;
        }
        EndOwners ends = b.owners(); // not null: the client has an owner
        long server = ends.handshakeAdded || fwd == null || rev == null ? 0
                : TcpHealthRecords.interval(fwd.synNanos, rev.synAckNanos);
        long retransmitted = (fwd == null ? 0 : fwd.retransmittedPackets)
                + (rev == null ? 0 : rev.retransmittedPackets);
        long newRetransmissions = retransmitted - ends.retransmissionsAdded;
        if ((server > 0 || newRetransmissions > 0)
                && addConnectHealth(b, b.lowIsInitiator, client, server, newRetransmissions)) {
            ends.handshakeAdded |= server > 0;
            ends.retransmissionsAdded = retransmitted;
        }
    }

    /**
     * Whether {@code b}'s health belongs to its client's connect: the client connected, and the flow
     * was counted in the client socket's own namespace. A connection counted in several namespaces
     * (flowmon.namespaces) is one connection: the client's view is the one a process record takes.
     */
    static boolean countsForConnect(Biflow b, Attribution client) {
        if (client == null || client.method() != OwnerMethod.CONNECT) {
            return false;
        }
        long socketNetns = client.process().netns();
        return socketNetns == 0 || b.netns() == 0 || socketNetns == b.netns();
    }

    /**
     * Adds a connection's handshake and retransmissions to the syscall flow of the connect that opened
     * it ({@code low}: whether the client is the flow's low end), while that flow is still counted.
     */
    boolean addConnectHealth(Biflow b, boolean low, Attribution client, long handshakeMicros, long retransmitted) {
        BiflowKey flow = b.key();
        Endpoint local = low ? flow.low() : flow.high();
        Endpoint remote = low ? flow.high() : flow.low();
        ProcessInfo p = client.process();
        for (ConnectOutcome outcome : new ConnectOutcome[] {ConnectOutcome.ESTABLISHED, ConnectOutcome.NONE}) {
            SyscallFlowKey key = new SyscallFlowKey(SocketEventKind.CONNECT, p.pid(), p.name(), 0,
                    local.address(), remote.address(), remote.port(), outcome);
            if (syscalls.addConnectHealth(key, handshakeMicros, retransmitted)) {
                return true;
            }
        }
        return false;
    }
}
