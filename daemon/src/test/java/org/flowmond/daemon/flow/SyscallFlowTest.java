package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.MS;
import static org.flowmond.daemon.flow.FlowFixture.S;
import static org.flowmond.daemon.flow.FlowFixture.T0;
import static org.flowmond.daemon.flow.FlowFixture.event;
import static org.flowmond.daemon.flow.FlowFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Syscall flows as in the seed report: key, count, MTBS, and their expiry. */
@UnitTest
class SyscallFlowTest {

    private static void connect(FlowFixture f, long t, int localPort) {
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, t, 4429, "transmission-gt", 1000,
                "131.114.119.103", localPort, "2.110.31.100", 51413));
    }

    @Test
    void repeatedConnectsToOneServiceAreOneFlowWithCountAndMtbs() {
        FlowFixture f = new FlowFixture();
        connect(f, T0, 40000);
        connect(f, T0 + 1_535_329 * 1000L, 40001);
        connect(f, T0 + 3_070_658 * 1000L, 40002);
        f.flushAll();
        assertEquals(1, f.syscalls.size());
        SyscallFlowRecord r = f.syscalls.get(0);
        assertEquals(SocketEventKind.CONNECT, r.key().kind());
        assertEquals(4429, r.key().pid());
        assertEquals("transmission-gt", r.key().comm());
        assertEquals(4, r.key().ipVersion());
        assertEquals(ip("131.114.119.103"), r.key().srcAddress());
        assertEquals(ip("2.110.31.100"), r.key().dstAddress());
        assertEquals(51413, r.key().port(), "remote port for connect");
        assertEquals(3, r.stats().count());
        assertEquals(OptionalLong.of(1_535_329_000L), r.stats().mtbsNanos());
        assertEquals(OptionalLong.of(1_535_329L), r.stats().mtbsMicros());
        assertEquals(FlowEndReason.FORCED_END, r.reason());
    }

    @Test
    void oneCallHasNoMtbs() {
        FlowFixture f = new FlowFixture();
        connect(f, T0, 40000);
        f.flushAll();
        assertEquals(1, f.syscalls.get(0).stats().count());
        assertFalse(f.syscalls.get(0).stats().mtbsNanos().isPresent());
    }

    @Test
    void acceptIsKeyedByTheLocalPortWithTheClientAsSource() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.ACCEPT, T0, 4429, "transmission-gt", 0, "131.114.119.103", 51413,
                "95.91.212.71", 33000));
        f.table.onSocketEvent(event(SocketEventKind.ACCEPT, T0 + 2 * S, 4429, "transmission-gt", 0, "131.114.119.103",
                51413, "95.91.212.71", 33001));
        f.flushAll();
        SyscallFlowRecord r = f.syscalls.get(0);
        assertEquals(SocketEventKind.ACCEPT, r.key().kind());
        assertEquals(ip("95.91.212.71"), r.key().srcAddress());
        assertEquals(ip("131.114.119.103"), r.key().dstAddress());
        assertEquals(51413, r.key().port(), "local port for accept");
        assertEquals(2, r.stats().count());
        assertEquals(OptionalLong.of(2 * S), r.stats().mtbsNanos());
    }

    @Test
    void idleSyscallFlowIsExportedAndForgotten() {
        FlowFixture f = new FlowFixture();
        connect(f, T0, 40000);
        connect(f, T0 + S, 40001);
        f.at(T0 + 31 * S - 1);
        assertTrue(f.syscalls.isEmpty());
        f.at(T0 + 31 * S);
        assertEquals(1, f.syscalls.size());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, f.syscalls.get(0).reason());
        assertEquals(2, f.syscalls.get(0).stats().count());
        assertEquals(0, f.table.activeSyscallFlows());
    }

    @Test
    void activeSyscallFlowExportsTheCallsSinceItsLastExport() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 60, 1, 100, 100), FilterSettings.NONE);
        for (int i = 0; i < 7; i++) { // every 10 s from T0 to T0+60s
            f.now = T0 + i * 10 * S;
            connect(f, f.now, 40000 + i);
            f.table.expire();
        }
        assertEquals(1, f.syscalls.size());
        SyscallFlowRecord first = f.syscalls.get(0);
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, first.reason());
        assertEquals(7, first.stats().count(), "the call at the deadline itself came first");
        assertEquals(OptionalLong.of(10 * S), first.stats().mtbsNanos());
        f.now = T0 + 65 * S;
        connect(f, f.now, 41000);
        f.at(T0 + 95 * S);
        SyscallFlowRecord second = f.syscalls.get(1);
        assertEquals(FlowEndReason.IDLE_TIMEOUT, second.reason());
        assertEquals(1, second.stats().count());
    }

    @Test
    void fullSyscallTableExportsTheOldestIdleForLackOfResources() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 100, 2), FilterSettings.NONE);
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 1, "a", 0, "10.0.0.2", 1, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + MS, 2, "b", 0, "10.0.0.2", 2, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + 2 * MS, 1, "a", 0, "10.0.0.2", 3, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + 3 * MS, 3, "c", 0, "10.0.0.2", 4, "10.0.0.1", 80));
        assertEquals(1, f.syscalls.size());
        assertEquals(FlowEndReason.LACK_OF_RESOURCES, f.syscalls.get(0).reason());
        assertEquals(2, f.syscalls.get(0).key().pid());
        assertEquals(2, f.table.activeSyscallFlows());
    }

    @Test
    void repeatedCallsKeepTheirFlowInUseSoTheOtherIsEvicted() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 100, 2), FilterSettings.NONE);
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 1, "a", 0, "10.0.0.2", 1, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.ACCEPT, T0 + MS, 2, "b", 0, "10.0.0.1", 80, "10.0.0.2", 2));
        for (int i = 0; i < 5; i++) { // a's flow again and again, found without a key each time
            f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + (2 + i) * MS, 1, "a", 0, "10.0.0.2", 3 + i,
                    "10.0.0.1", 80));
        }
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + 10 * MS, 3, "c", 0, "10.0.0.2", 9, "10.0.0.1", 80));
        assertEquals(1, f.syscalls.size());
        assertEquals(2, f.syscalls.get(0).key().pid(), "b was called least recently");
        f.flushAll();
        assertEquals(3, f.syscalls.size());
        assertEquals(1, f.syscalls.get(1).key().pid(), "the rest oldest first");
        assertEquals(6, f.syscalls.get(1).stats().count());
        assertEquals(T0 + 6 * MS, f.syscalls.get(1).stats().lastNanos());
        assertEquals(3, f.syscalls.get(2).key().pid());
    }

    @Test
    void aFlowEndedAndCalledAgainStartsAfresh() {
        FlowFixture f = new FlowFixture();
        connect(f, T0, 40000);
        connect(f, T0 + MS, 40001);
        f.now = T0 + 31 * S;
        f.table.expire();
        connect(f, T0 + 32 * S, 40002);
        f.flushAll();
        assertEquals(2, f.syscalls.size());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, f.syscalls.get(0).reason());
        assertEquals(2, f.syscalls.get(0).stats().count());
        assertEquals(1, f.syscalls.get(1).stats().count());
        assertEquals(T0 + 32 * S, f.syscalls.get(1).stats().firstNanos());
        assertEquals(0, f.table.activeSyscallFlows());
    }

    @Test
    void anIpv4MappedAddressCountsInTheIpv4Flow() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 7, "curl", 0, "10.0.0.2", 1, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + MS, 7, "curl", 0, "::ffff:10.0.0.2", 2,
                "::ffff:10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + 2 * MS, 7, "curl", 0, "10.0.0.2", 3, "10.0.0.1", 80));
        f.flushAll();
        assertEquals(1, f.syscalls.size());
        assertEquals(3, f.syscalls.get(0).stats().count());
        assertEquals(4, f.syscalls.get(0).key().ipVersion());
    }

    @Test
    void biflowCarriesTheCountAndMtbsOfTheSyscallFlowThatProducedIt() {
        FlowFixture f = new FlowFixture();
        connect(f, T0, 40000);
        connect(f, T0 + 2 * S, 40001);
        connect(f, T0 + 4 * S, 40002);
        f.put(FlowFixture.key("131.114.119.103", 40002, "2.110.31.100", 51413, 6,
                2, org.flowmond.bpf.api.Direction.EGRESS), 3, 180, T0 + 4 * S, T0 + 4 * S, 2,
                FlowFixture.owner(4429, "transmission-gt", OwnerMethod.CONNECT), null);
        f.now = T0 + 5 * S;
        f.scan();
        f.flushAll();
        SyscallStats s = f.biflows.get(0).srcProcess().syscall();
        assertEquals(3, s.count());
        assertEquals(OptionalLong.of(2 * S), s.mtbsNanos());
    }

    /** A client hammering a dead service: its refused connects are a flow of their own, with count and MTBS. */
    @Test
    void failedConnectsAreFlowsOfTheirOwnPerOutcome() {
        FlowFixture f = new FlowFixture();
        for (int i = 0; i < 4; i++) {
            f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + i * 250 * MS, 77, "client", 0, "10.0.0.2",
                    41000 + i, "10.0.0.1", 9, ConnectOutcome.REFUSED));
        }
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + S, 77, "client", 0, "10.0.0.2", 42000, "10.0.0.1", 9,
                ConnectOutcome.ESTABLISHED));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + S, 77, "client", 0, "10.0.0.2", 42001, "10.0.0.9", 9,
                ConnectOutcome.TIMED_OUT));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + S, 77, "client", 0, "10.0.0.2", 42002, "10.9.9.9", 9,
                ConnectOutcome.UNREACHABLE));
        f.flushAll();
        assertEquals(4, f.syscalls.size());
        SyscallFlowRecord refused = f.syscalls.stream().filter(r -> r.key().outcome() == ConnectOutcome.REFUSED)
                .findFirst().orElseThrow();
        assertEquals(4, refused.stats().count());
        assertEquals(OptionalLong.of(250 * MS), refused.stats().mtbsNanos());
        assertEquals(ip("10.0.0.1"), refused.key().dstAddress());
        assertEquals(9, refused.key().port());
        assertEquals(java.util.Set.of(ConnectOutcome.REFUSED, ConnectOutcome.ESTABLISHED, ConnectOutcome.TIMED_OUT,
                ConnectOutcome.UNREACHABLE), f.syscalls.stream().map(r -> r.key().outcome())
                .collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void anAcceptHasNoOutcome() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.ACCEPT, T0, 1, "srv", 0, "10.0.0.1", 80, "10.0.0.2", 40000,
                ConnectOutcome.ESTABLISHED));
        f.flushAll();
        assertEquals(ConnectOutcome.NONE, f.syscalls.get(0).key().outcome());
    }

    @Test
    void mergingSummariesIsExact() {
        SyscallStats a = new SyscallStats(3, 0, 4 * S);
        SyscallStats b = new SyscallStats(2, 10 * S, 12 * S);
        SyscallStats m = a.merge(b);
        assertEquals(5, m.count());
        assertEquals(OptionalLong.of(3 * S), m.mtbsNanos(), "(12 s - 0) / 4 gaps");
    }
}
