package org.flowmond.daemon.flow;

import java.util.Arrays;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;

/**
 * The syscall flows of recent events, found from a socket event's own fields: no
 * {@link SyscallFlowKey} is built, no address canonicalised, for a process that connects or
 * accepts again as it did before (the usual case: a busy client, a server's clients).
 * Direct-mapped: each event has one slot, and a new flow in an occupied slot replaces the old one.
 * A hit compares every field of the key, so it is exact; a miss (or an IPv4-mapped IPv6 address,
 * which the key stores as IPv4) goes to the table's map. Single-threaded, like its table.
 */
final class EventMemo {
    /** A power of two: enough for the flows of the processes calling at a time. */
    private static final int SLOTS = 1024;

    private final SyscallFlowTable.Entry[] slots = new SyscallFlowTable.Entry[SLOTS];

    /** The live entry of {@code e}'s flow, if its slot holds it. */
    SyscallFlowTable.Entry find(SocketEvent e) {
        SyscallFlowTable.Entry entry = slots[slot(e)];
        return entry != null && !entry.gone && matches(entry.key, e) ? entry : null;
    }

    /** Keeps {@code entry} as the flow of events like {@code e}. */
    void remember(SocketEvent e, SyscallFlowTable.Entry entry) {
        slots[slot(e)] = entry;
    }

    void clear() {
        Arrays.fill(slots, null);
    }

    /** Whether {@code e} is a call of flow {@code k} ({@link SyscallFlowKey#of}, field by field). */
    private static boolean matches(SyscallFlowKey k, SocketEvent e) {
        boolean connect = e.kind() == SocketEventKind.CONNECT;
        return k.kind() == e.kind() && k.pid() == e.pid()
                && k.port() == (connect ? e.remotePort() : e.localPort())
                && k.outcome() == (connect ? e.outcome() : ConnectOutcome.NONE)
                && same(k.srcAddress(), connect ? e.localAddress() : e.remoteAddress())
                && same(k.dstAddress(), connect ? e.remoteAddress() : e.localAddress())
                && same(k.comm(), e.comm());
    }

    private static boolean same(Object keyField, Object eventField) {
        return keyField == eventField || keyField != null && keyField.equals(eventField);
    }

    private static int slot(SocketEvent e) {
        boolean connect = e.kind() == SocketEventKind.CONNECT;
        int port = connect ? e.remotePort() : e.localPort();
        int h = e.pid() * 0x9E3779B1 + port * 31 + e.remoteAddress().hashCode() + e.kind().ordinal() * 7 + e.outcome().ordinal();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
