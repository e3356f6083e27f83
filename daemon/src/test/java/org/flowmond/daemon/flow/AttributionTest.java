package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.MS;
import static org.flowmond.daemon.flow.FlowFixture.S;
import static org.flowmond.daemon.flow.FlowFixture.T0;
import static org.flowmond.daemon.flow.FlowFixture.TCP;
import static org.flowmond.daemon.flow.FlowFixture.event;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.SocketEventKind;
import org.junit.jupiter.api.Test;

/** Process attribution on biflows: which side, how, and what it says about the initiator. */
class AttributionTest {
    static final int ACK = FlowCounters.ACK;
    static final FlowKey OUT = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS);
    static final FlowKey IN = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 2, Direction.INGRESS);

    @Test
    void connectBeforeTheFirstScanNamesTheClientAndMakesItTheInitiator() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 4321, "curl", 1000, "10.0.0.2", 40000, "10.0.0.1", 80));
        // the server's packet carries the earlier timestamp: only the connect tells who started
        f.put(OUT, 5, 500, T0 + 2 * MS, T0 + 3 * MS, ACK);
        f.put(IN, 4, 900, T0 + MS, T0 + 3 * MS, ACK);
        f.now = T0 + S;
        f.scan();
        f.table.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(InitiatorRule.SYSCALL, r.initiatorRule());
        assertEquals(40000, r.src().port());
        assertEquals(AttributionMethod.CONNECT, r.srcMethod());
        assertEquals(AttributionMethod.NONE, r.dstMethod());
        assertNull(r.dstProcess());
        ProcessInfo p = r.srcProcess().process();
        assertEquals(4321, p.pid());
        assertEquals("curl", p.name());
        assertEquals(1000, p.uid());
        assertEquals("alice", p.userName());
        assertEquals(1, p.parentPid());
        assertEquals("systemd", p.parentName());
        assertEquals(4242L, p.cgroupId());
        assertEquals(1, r.srcProcess().syscall().count());
        assertEquals(1L, f.table.statistics().get("attribution.matched"));
    }

    @Test
    void connectAfterTheFlowExistsIsStillAttached() {
        FlowFixture f = new FlowFixture();
        f.put(IN, 1, 60, T0, T0, FlowCounters.SYN | ACK);
        f.scan();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 77, "wget", 0, "10.0.0.2", 40000, "10.0.0.1", 80));
        f.table.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(77, r.srcProcess().process().pid());
        assertEquals("root", r.srcProcess().process().userName());
        assertEquals(40000, r.src().port());
        assertEquals(0, r.fwdPackets());
        assertEquals(1, r.revPackets());
    }

    @Test
    void acceptNamesTheServerAndMakesThePeerTheInitiator() {
        FlowFixture f = new FlowFixture();
        // seen from the server host: the client is remote
        FlowKey in = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.INGRESS);
        FlowKey out = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 2, Direction.EGRESS);
        f.table.onSocketEvent(event(SocketEventKind.ACCEPT, T0, 555, "nginx", 33, "10.0.0.1", 80, "10.0.0.2", 40000));
        f.put(in, 3, 180, T0 + 5 * MS, T0 + 9 * MS, ACK);
        f.put(out, 2, 120, T0 + MS, T0 + 8 * MS, ACK);
        f.scan();
        f.table.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(40000, r.src().port());
        assertEquals(InitiatorRule.SYSCALL, r.initiatorRule());
        assertNull(r.srcProcess());
        assertEquals(555, r.dstProcess().process().pid());
        assertEquals("33", r.dstProcess().process().userName(), "a uid without passwd entry is named by number");
        assertEquals(AttributionMethod.ACCEPT, r.dstMethod());
        assertEquals(3, r.fwdPackets());
        assertEquals(2, r.revPackets());
    }

    @Test
    void onLoopbackBothSidesAreAttributed() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 100, "client", 1000, "127.0.0.1", 50000, "127.0.0.1", 8080));
        f.table.onSocketEvent(event(SocketEventKind.ACCEPT, T0 + MS, 200, "server", 0, "127.0.0.1", 8080, "127.0.0.1", 50000));
        f.put(key("127.0.0.1", 50000, "127.0.0.1", 8080, TCP, 1, Direction.EGRESS), 5, 300, T0, T0 + MS, ACK);
        f.put(key("127.0.0.1", 8080, "127.0.0.1", 50000, TCP, 1, Direction.EGRESS), 4, 4000, T0, T0 + MS, ACK);
        f.scan();
        f.table.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(50000, r.src().port());
        assertEquals(100, r.srcProcess().process().pid());
        assertEquals("client", r.srcProcess().process().name());
        assertEquals(AttributionMethod.CONNECT, r.srcMethod());
        assertEquals(200, r.dstProcess().process().pid());
        assertEquals("server", r.dstProcess().process().name());
        assertEquals(AttributionMethod.ACCEPT, r.dstMethod());
        assertEquals(5, r.fwdPackets());
        assertEquals(4, r.revPackets());
    }

    @Test
    void anIpv6SocketTalkingIpv4MatchesTheIpv4Flow() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 9, "java", 0, "::ffff:10.0.0.2", 40000,
                "::ffff:10.0.0.1", 80));
        f.put(OUT, 1, 60, T0, T0, FlowCounters.SYN);
        f.scan();
        f.table.flushAll();
        assertEquals(9, f.biflows.get(0).srcProcess().process().pid());
        assertEquals(4, f.syscalls.get(0).key().ipVersion());
    }

    @Test
    void existingSocketFoundAtStartUpIsMarkedSoAndDoesNotReplaceASyscall() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.EXISTING, T0, 10, "sshd", 0, "10.0.0.1", 80, "10.0.0.2", 40000));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 11, "ssh", 0, "10.0.0.2", 40000, "10.0.0.1", 80));
        f.put(OUT, 1, 60, T0, T0, ACK);
        f.scan();
        f.table.onSocketEvent(event(SocketEventKind.EXISTING, T0, 12, "other", 0, "10.0.0.2", 40000, "10.0.0.1", 80));
        f.table.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(AttributionMethod.EXISTING, r.dstMethod());
        assertEquals(10, r.dstProcess().process().pid());
        assertNull(r.dstProcess().syscall(), "no syscall behind a socket found at start-up");
        assertEquals(AttributionMethod.CONNECT, r.srcMethod());
        assertEquals(11, r.srcProcess().process().pid());
        assertEquals(1, f.syscalls.size(), "only the connect is a syscall flow");
    }

    @Test
    void anAttributionWhoseFlowNeverAppearsIsCountedAsUnmatched() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 1, "x", 0, "10.0.0.2", 1234, "10.0.0.9", 22));
        f.at(T0 + 29 * S);
        assertEquals(1L, f.table.statistics().get("attribution.pending"));
        f.at(T0 + 30 * S);
        assertEquals(0L, f.table.statistics().get("attribution.pending"));
        assertEquals(1L, f.table.statistics().get("attribution.unmatched"));
    }

    @Test
    void pidFilterKeepsOnlyFlowsOfThatProcess() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 100, 100), new FlowFilter(Set.of(4321), Set.of(), 0, 0));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 4321, "curl", 0, "10.0.0.2", 40000, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 999, "other", 0, "10.0.0.2", 40001, "10.0.0.1", 80));
        f.put(OUT, 1, 60, T0, T0, ACK);
        f.put(key("10.0.0.2", 40001, "10.0.0.1", 80, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK);
        f.put(key("10.0.0.2", 5353, "10.0.0.1", 5353, 17, 2, Direction.EGRESS), 1, 60, T0, T0, 0);
        f.scan();
        f.table.flushAll();
        assertEquals(1, f.biflows.size());
        assertEquals(4321, f.biflows.get(0).srcProcess().process().pid());
        assertEquals(1, f.syscalls.size());
        assertEquals(4321, f.syscalls.get(0).key().pid());
        assertEquals(2L, f.table.statistics().get("flows.records-filtered"));
        assertEquals(1L, f.table.statistics().get("syscall.events-filtered"));
    }

    @Test
    void portListAndRangeFilterBiflowsAndSyscalls() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 100, 100),
                new FlowFilter(Set.of(), Set.of(22), 8000, 8080));
        f.put(key("10.0.0.2", 40000, "10.0.0.1", 22, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK);
        f.put(key("10.0.0.2", 40001, "10.0.0.1", 8080, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK);
        f.put(key("10.0.0.2", 40002, "10.0.0.1", 443, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK);
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 1, "a", 0, "10.0.0.2", 40003, "10.0.0.1", 8000));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 1, "a", 0, "10.0.0.2", 40004, "10.0.0.1", 443));
        f.scan();
        f.table.flushAll();
        assertEquals(Set.of(22, 8080), Set.of(f.biflows.get(0).dst().port(), f.biflows.get(1).dst().port()));
        assertEquals(2, f.biflows.size());
        assertEquals(1, f.syscalls.size());
        assertEquals(8000, f.syscalls.get(0).key().port());
    }
}
