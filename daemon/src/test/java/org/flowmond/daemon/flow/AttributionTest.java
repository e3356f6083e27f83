package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.MS;
import static org.flowmond.daemon.flow.FlowFixture.S;
import static org.flowmond.daemon.flow.FlowFixture.T0;
import static org.flowmond.daemon.flow.FlowFixture.TCP;
import static org.flowmond.daemon.flow.FlowFixture.UDP;
import static org.flowmond.daemon.flow.FlowFixture.event;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.flowmond.daemon.flow.FlowFixture.owner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.daemon.config.PortRange;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** Process attribution from the owners the kernel stamps on flow entries: which side, how, and for how long. */
@UnitTest
class AttributionTest {
    static final int ACK = FlowCounters.ACK;
    static final FlowKey OUT = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS);
    static final FlowKey IN = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 2, Direction.INGRESS);
    static final SocketOwner CURL = owner(4321, "curl", OwnerMethod.CONNECT);
    static final SocketOwner NGINX = owner(555, "nginx", OwnerMethod.ACCEPT);
    /** Loopback 127.0.0.1:50000 → :8080, both ends on this host: egress and ingress entries per direction. */
    static final FlowKey LO_UP_OUT = key("127.0.0.1", 50000, "127.0.0.1", 8080, TCP, 1, Direction.EGRESS);
    static final FlowKey LO_UP_IN = key("127.0.0.1", 50000, "127.0.0.1", 8080, TCP, 1, Direction.INGRESS);
    static final FlowKey LO_DOWN_OUT = key("127.0.0.1", 8080, "127.0.0.1", 50000, TCP, 1, Direction.EGRESS);
    static final FlowKey LO_DOWN_IN = key("127.0.0.1", 8080, "127.0.0.1", 50000, TCP, 1, Direction.INGRESS);

    private static int pid(Attribution a) {
        return a == null ? 0 : a.process().pid();
    }

    @Test
    void aConnectOwnerNamesTheClientWithEveryProcessFieldAndMakesItTheInitiator() {
        FlowFixture f = new FlowFixture();
        // the server's packet carries the earlier timestamp: only the owner's connect tells who started
        f.put(OUT, 5, 500, T0 + 2 * MS, T0 + 3 * MS, ACK, CURL, null);
        f.put(IN, 4, 900, T0 + MS, T0 + 3 * MS, ACK, null, CURL);
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(InitiatorRule.SYSCALL, r.initiatorRule());
        assertEquals(40000, r.src().port());
        assertEquals("connect", Attribution.label(r.srcProcess()));
        assertEquals("none", Attribution.label(r.dstProcess()));
        ProcessInfo p = r.srcProcess().process();
        assertEquals(new ProcessInfo(4321, "curl", 1000, "alice", 1, "systemd", 4242L, "", org.flowmond.daemon.container.ContainerIdentity.unknown()), p);
        assertNull(r.srcProcess().syscall(), "no connect event seen: no syscall count");
        assertEquals(1L, f.table.statistics().get("attribution.records-one-side"));
    }

    @Test
    void anAcceptOwnerNamesTheServerAndMakesThePeerTheInitiator() {
        FlowFixture f = new FlowFixture();
        FlowKey in = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.INGRESS);
        FlowKey out = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 2, Direction.EGRESS);
        f.put(in, 3, 180, T0 + 5 * MS, T0 + 9 * MS, ACK, null, NGINX);
        f.put(out, 2, 120, T0 + MS, T0 + 8 * MS, ACK, NGINX, null);
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(40000, r.src().port());
        assertEquals(InitiatorRule.SYSCALL, r.initiatorRule());
        assertNull(r.srcProcess());
        assertEquals(555, pid(r.dstProcess()));
        assertEquals("accept", Attribution.label(r.dstProcess()));
        assertEquals(3, r.fwdPackets());
        assertEquals(2, r.revPackets());
    }

    /** Loopback: the egress entry of each direction names its sender, the ingress entry its receiver. */
    @Test
    void onLoopbackBothSidesComeFromTheEntriesOfEitherHook() {
        FlowFixture f = new FlowFixture();
        SocketOwner client = owner(100, "client", OwnerMethod.CONNECT);
        SocketOwner server = owner(200, "server", OwnerMethod.ACCEPT);
        f.put(LO_UP_OUT, 5, 300, T0, T0 + MS, ACK, client, null);
        f.put(LO_UP_IN, 5, 300, T0 + 1, T0 + MS + 1, ACK, null, server);
        f.put(LO_DOWN_OUT, 4, 4000, T0 + 2, T0 + MS, ACK, server, null);
        f.put(LO_DOWN_IN, 4, 4000, T0 + 3, T0 + MS + 1, ACK, null, client);
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(50000, r.src().port());
        assertEquals(100, pid(r.srcProcess()));
        assertEquals("connect", Attribution.label(r.srcProcess()));
        assertEquals(200, pid(r.dstProcess()));
        assertEquals("accept", Attribution.label(r.dstProcess()));
        assertEquals(5, r.fwdPackets(), "counted once: the egress hook");
        assertEquals(4, r.revPackets());
        assertEquals(1L, f.table.statistics().get("attribution.records-both-sides"));
    }

    /** The first case: quiet past the idle timeout, then talking again — every record names both. */
    @Test
    void aConnectionIdlePastTheIdleTimeoutKeepsBothProcessesWhenItResumes() {
        FlowFixture f = new FlowFixture(); // idle 30 s
        SocketOwner client = owner(100, "client", OwnerMethod.CONNECT);
        SocketOwner server = owner(200, "server", OwnerMethod.ACCEPT);
        f.put(LO_UP_OUT, 3, 300, T0, T0 + MS, FlowCounters.SYN | ACK, client, null);
        f.put(LO_DOWN_IN, 2, 200, T0 + MS, T0 + MS, FlowCounters.SYN | ACK, null, client);
        f.put(LO_DOWN_OUT, 2, 200, T0 + MS, T0 + MS, FlowCounters.SYN | ACK, server, null);
        f.scan();
        f.at(T0 + 31 * S); // idle: exported, entries read and deleted
        assertEquals(1, f.biflows.size());
        assertEquals(0, f.kernel.size());
        // 40 s later the same connection talks again: the TC program stamps the socket's owners again
        long t = T0 + 71 * S;
        f.put(LO_DOWN_OUT, 1, 100, t, t, ACK, server, null);
        f.put(LO_DOWN_IN, 1, 100, t, t, ACK, null, client);
        f.put(LO_UP_OUT, 1, 52, t + MS, t + MS, ACK, client, null);
        f.now = t + S;
        f.scan();
        f.at(t + 40 * S);
        assertEquals(2, f.biflows.size());
        for (BiflowRecord r : f.biflows) {
            assertEquals(50000, r.src().port(), "the connect orients the resumed flow too: " + r);
            assertEquals(100, pid(r.srcProcess()));
            assertEquals(200, pid(r.dstProcess()));
            assertEquals(InitiatorRule.SYSCALL, r.initiatorRule());
        }
        assertEquals(FlowEndReason.IDLE_TIMEOUT, f.biflows.get(1).reason());
        assertEquals(1, f.biflows.get(1).fwdPackets());
        assertEquals(1, f.biflows.get(1).revPackets());
    }

    /** The second case: a socket older than flowmond, seeded by the start-up scan, silent, then active. */
    @Test
    void aSocketFoundAtStartUpIsNamedInEveryRecordEvenAfterAnIdleGap() {
        FlowFixture f = new FlowFixture();
        SocketOwner sshd = owner(10, "sshd", OwnerMethod.EXISTING);
        FlowKey in = key("10.0.0.2", 40000, "10.0.0.1", 22, TCP, 2, Direction.INGRESS);
        FlowKey out = key("10.0.0.1", 22, "10.0.0.2", 40000, TCP, 2, Direction.EGRESS);
        f.table.onSocketEvent(event(SocketEventKind.EXISTING, T0, 10, "sshd", 0, "10.0.0.1", 22, "10.0.0.2", 40000));
        f.at(T0 + 60 * S); // silent past the idle timeout: no flow yet
        long t = T0 + 60 * S;
        f.put(in, 2, 120, t, t + MS, ACK, null, sshd);
        f.put(out, 1, 60, t + 2 * MS, t + 2 * MS, ACK, sshd, null);
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(40000, r.src().port(), "no connect or accept: the first packet decides");
        assertNull(r.srcProcess());
        assertEquals(10, pid(r.dstProcess()));
        assertEquals("existing", Attribution.label(r.dstProcess()));
        assertEquals(0, f.syscalls.size(), "a socket found at start-up is no syscall");
        assertEquals(1L, f.table.statistics().get("syscall.events"));
    }

    @Test
    void activeTimeoutRecordsAllCarryTheOwner() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 10, 1, 100, 100), FilterSettings.NONE);
        for (int i = 0; i < 4; i++) {
            long t = T0 + i * 10 * S;
            f.put(OUT, 10 * (i + 1), 1000 * (i + 1), T0, t, ACK, CURL, null);
            f.now = t + 1;
            f.scan();
            f.at(t + 1); // from the second round on, the active timeout exports the delta
        }
        f.flushAll();
        assertEquals(3, f.biflows.size(), f.biflows.toString());
        for (BiflowRecord r : f.biflows) {
            assertEquals(FlowEndReason.ACTIVE_TIMEOUT, r.reason());
            assertEquals(4321, pid(r.srcProcess()), r.toString());
        }
    }

    /**
     * A socket shared by two processes (inherited across fork): a record names the process whose
     * packet was the latest at the record's end; the previous record keeps the earlier owner.
     */
    @Test
    void aSharedSocketIsNamedByItsLastUserAtTheRecordsEnd() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 10, 1, 100, 100), FilterSettings.NONE);
        SocketOwner child = owner(4322, "curl-child", OwnerMethod.SEND);
        f.put(OUT, 3, 300, T0, T0 + MS, ACK, CURL, null);
        f.put(IN, 2, 200, T0 + MS, T0 + 2 * MS, ACK, null, CURL);
        f.now = T0 + S;
        f.scan();
        f.at(T0 + 11 * S); // active timeout: record 1, curl's
        // the child sends next; the reply's entry still carries the parent from its older packets
        f.put(OUT, 5, 500, T0, T0 + 12 * S, ACK, child, null);
        f.now = T0 + 12 * S + 1;
        f.scan();
        f.at(T0 + 21 * S); // record 2, the child's
        // the parent sends again: its own socket names it
        f.put(OUT, 6, 600, T0, T0 + 22 * S, ACK, CURL, null);
        f.now = T0 + 22 * S + 1;
        f.scan();
        f.flushAll(); // record 3
        assertEquals(3, f.biflows.size(), f.biflows.toString());
        assertEquals(4321, pid(f.biflows.get(0).srcProcess()));
        assertEquals(4322, pid(f.biflows.get(1).srcProcess()), "the latest packet's owner, not the older entry's");
        assertEquals("send", Attribution.label(f.biflows.get(1).srcProcess()));
        assertEquals(4321, pid(f.biflows.get(2).srcProcess()));
        assertEquals("connect", Attribution.label(f.biflows.get(2).srcProcess()));
        assertEquals(2L, f.table.statistics().get("attribution.owner-changes"));
    }

    /** Packets between the last scan and the removal count, and so does the owner they were stamped with. */
    @Test
    void theFinalReadingAtRemovalBringsItsOwnerToo() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 1, 100, T0, T0, ACK, CURL, null);
        f.scan();
        f.put(OUT, 2, 200, T0, T0 + 5 * MS, ACK, owner(4322, "curl-child", OwnerMethod.SEND), null);
        f.flushAll();
        assertEquals(2, f.biflows.get(0).fwdPackets());
        assertEquals(4322, pid(f.biflows.get(0).srcProcess()));
    }

    /**
     * The owner read from the side's own sending socket beats one looked up by address for a packet
     * it received, even a later one: the look-up may be up to the kernel's recheck interval old.
     */
    @Test
    void aSidesOwnStampBeatsALookedUpOneEvenFromALaterPacket() {
        FlowFixture f = new FlowFixture();
        SocketOwner child = owner(4322, "curl-child", OwnerMethod.SEND);
        f.put(OUT, 5, 500, T0, T0 + 10 * MS, ACK, child, null);
        f.put(IN, 4, 400, T0 + MS, T0 + 11 * MS, ACK, null, CURL); // the parent, looked up before the child wrote
        f.scan();
        f.flushAll();
        assertEquals(4322, pid(f.biflows.get(0).srcProcess()));
    }

    /** A peer whose packets arrive without their socket (another namespace) is named by the look-up. */
    @Test
    void aSideThatOnlyReceivesHereIsNamedByTheLookUp() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 5, 500, T0, T0 + 10 * MS, ACK, CURL, NGINX);
        f.put(IN, 4, 400, T0 + MS, T0 + 11 * MS, ACK, null, CURL); // arrived from the veth: no socket, no source owner
        f.scan();
        f.flushAll();
        assertEquals(4321, pid(f.biflows.get(0).srcProcess()));
        assertEquals(555, pid(f.biflows.get(0).dstProcess()));
        assertEquals("accept", Attribution.label(f.biflows.get(0).dstProcess()));
    }

    @Test
    void onATieTheEntryOnWhichTheSideSendsWins() {
        FlowFixture f = new FlowFixture();
        SocketOwner other = owner(9, "other", OwnerMethod.RECEIVE);
        f.put(IN, 1, 100, T0, T0 + MS, ACK, null, other);
        f.put(OUT, 1, 100, T0, T0 + MS, ACK, CURL, null);
        f.scan();
        f.flushAll();
        assertEquals(4321, pid(f.biflows.get(0).srcProcess()));
    }

    /** UDP between two local processes: the sender and the receiver, without any syscall event. */
    @Test
    void udpRequestAndResponseNameBothProcesses() {
        FlowFixture f = new FlowFixture();
        SocketOwner dig = owner(300, "dig", OwnerMethod.SEND);
        SocketOwner named = owner(53, "named", OwnerMethod.RECEIVE);
        FlowKey query = key("127.0.0.1", 45000, "127.0.0.53", 53, UDP, 1, Direction.EGRESS);
        FlowKey answer = key("127.0.0.53", 53, "127.0.0.1", 45000, UDP, 1, Direction.EGRESS);
        f.put(query, 1, 60, T0, T0, 0, dig, named);
        f.put(answer, 1, 120, T0 + MS, T0 + MS, 0, named, dig);
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(45000, r.src().port(), "first packet: the query");
        assertEquals(300, pid(r.srcProcess()));
        assertEquals("send", Attribution.label(r.srcProcess()));
        assertEquals(53, pid(r.dstProcess()));
        assertEquals("receive", Attribution.label(r.dstProcess()));
        assertEquals(InitiatorRule.FIRST_PACKET, r.initiatorRule());
    }

    /** IPv4-mapped IPv6: the connect event of an IPv6 socket and the IPv4 flow are the same connection. */
    @Test
    void aConnectEventGivesTheOwnedSideItsSyscallCountAlsoThroughAnIpv4MappedSocket() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 4321, "curl", 1000, "::ffff:10.0.0.2", 40000,
                "::ffff:10.0.0.1", 80));
        f.put(OUT, 1, 60, T0, T0, FlowCounters.SYN, CURL, null);
        f.scan();
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(4321, pid(r.srcProcess()));
        assertEquals(1, r.srcProcess().syscall().count());
        assertEquals(4, f.syscalls.get(0).key().ipVersion());
    }

    @Test
    void aConnectEventThatArrivesAfterTheScanStillGivesItsCountAtExport() {
        FlowFixture f = new FlowFixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 - S, 4321, "curl", 1000, "10.0.0.2", 39999, "10.0.0.1", 80));
        f.put(OUT, 1, 60, T0, T0, FlowCounters.SYN, CURL, null);
        f.scan(); // the owner is stamped before this connection's own connect event is in
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 4321, "curl", 1000, "10.0.0.2", 40000, "10.0.0.1", 80));
        f.flushAll();
        BiflowRecord r = f.biflows.get(0);
        assertEquals(2, r.srcProcess().syscall().count(), "the count as of its own call, not the previous one's");
        assertEquals(1_000_000L, r.srcProcess().syscall().mtbsMicros().getAsLong());
    }

    /** Each connection gets the count as of its own connect, even when later connects came before its scan. */
    @Test
    void eachConnectionCarriesTheCountOfItsOwnCall() {
        FlowFixture f = new FlowFixture();
        for (int i = 0; i < 3; i++) {
            f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0 + i * S, 4321, "curl", 1000, "10.0.0.2", 40000 + i,
                    "10.0.0.1", 80));
        }
        f.put(key("10.0.0.2", 40001, "10.0.0.1", 80, TCP, 2, Direction.EGRESS), 1, 60, T0 + S, T0 + S, FlowCounters.SYN,
                CURL, null);
        f.scan();
        f.flushAll();
        SyscallStats s = f.biflows.get(0).srcProcess().syscall();
        assertEquals(2, s.count());
        assertEquals(1_000_000L, s.mtbsMicros().getAsLong());
    }

    /** Forwarded traffic, or a remote peer: no owner on either end; counted, never guessed. */
    @Test
    void recordsAreCountedByHowManySidesHaveAnOwner() {
        FlowFixture f = new FlowFixture();
        f.put(key("192.168.1.5", 1000, "8.8.8.8", 53, UDP, 3, Direction.INGRESS), 1, 60, T0, T0, 0);
        f.put(OUT, 1, 60, T0, T0, ACK, CURL, null);
        f.put(LO_UP_OUT, 1, 60, T0, T0, ACK, owner(1, "a", OwnerMethod.CONNECT), owner(2, "b", OwnerMethod.ACCEPT));
        f.scan();
        f.flushAll();
        assertEquals(3, f.biflows.size());
        assertEquals(1L, f.table.statistics().get("attribution.records-no-side"));
        assertEquals(1L, f.table.statistics().get("attribution.records-one-side"));
        assertEquals(1L, f.table.statistics().get("attribution.records-both-sides"));
        BiflowRecord forwarded = f.biflows.stream().filter(r -> r.protocol() == UDP).findFirst().orElseThrow();
        assertNull(forwarded.srcProcess());
        assertNull(forwarded.dstProcess());
    }

    /** Why an end has no owner: a local socket the kernel knew no owner for, a remote host, or not TCP/UDP. */
    @Test
    void endsWithoutOwnerAreCountedByReason() {
        FlowFixture f = new FlowFixture();
        FlowKey unowned = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS);
        f.put(unowned, 1, 60, T0, T0, FlowCounters.SYN);
        f.markSocketUnowned(unowned);
        f.put(key("192.168.1.5", 1000, "8.8.8.8", 53, UDP, 3, Direction.INGRESS), 1, 60, T0, T0, 0);
        f.put(key("10.0.0.2", 8, "10.0.0.9", 0, 1, 2, Direction.EGRESS), 1, 84, T0, T0, 0); // an ICMP echo request
        f.scan();
        f.flushAll();
        assertEquals(3, f.biflows.size());
        Map<String, Long> s = f.table.statistics();
        assertEquals(1L, s.get("attribution.no-owner.socket-without-owner"), "the client's unowned socket");
        assertEquals(3L, s.get("attribution.no-owner.no-socket-seen"), "the server at 10.0.0.1 and both forwarded ends");
        assertEquals(2L, s.get("attribution.no-owner.no-socket-protocol"), "both ends of the echo request");
    }

    /** An end whose address the kernel found in two namespaces is counted as ambiguous, not as a remote host. */
    @Test
    void anAmbiguousEndIsCountedByItsOwnReason() {
        FlowFixture f = new FlowFixture();
        FlowKey request = key("10.0.0.2", 40000, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
        f.put(request, 1, 60, T0, T0, 0);
        f.markAmbiguous(request, false); // the server's address: in two copies of the network
        FlowKey answer = key("10.0.0.1", 53, "10.0.0.2", 40000, UDP, 2, Direction.INGRESS);
        f.put(answer, 1, 80, T0 + 1_000, T0 + 1_000, 0);
        f.markAmbiguous(answer, true); // the same end, as the sender of the answer
        f.scan();
        f.flushAll();
        assertEquals(1, f.biflows.size());
        Map<String, Long> s = f.table.statistics();
        assertEquals(1L, s.get("attribution.no-owner.ambiguous-address"), "the server, once");
        assertEquals(1L, s.get("attribution.no-owner.no-socket-seen"), "the client: nothing marked it");
        assertEquals(0L, s.get("attribution.no-owner.socket-without-owner"));
    }

    @Test
    void pidFilterKeepsOnlyFlowsOfThatProcess() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 100, 100), new FilterSettings(Set.of(4321), Set.of(), Optional.empty()));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 4321, "curl", 0, "10.0.0.2", 40000, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 999, "other", 0, "10.0.0.2", 40001, "10.0.0.1", 80));
        f.put(OUT, 1, 60, T0, T0, ACK, CURL, null);
        f.put(key("10.0.0.2", 40001, "10.0.0.1", 80, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK,
                owner(999, "other", OwnerMethod.CONNECT), null);
        f.put(key("10.0.0.2", 5353, "10.0.0.1", 5353, UDP, 2, Direction.EGRESS), 1, 60, T0, T0, 0);
        f.scan();
        f.flushAll();
        assertEquals(1, f.biflows.size());
        assertEquals(4321, pid(f.biflows.get(0).srcProcess()));
        assertEquals(1, f.syscalls.size());
        assertEquals(4321, f.syscalls.get(0).key().pid());
        assertEquals(2L, f.table.statistics().get("flows.records-filtered"));
        assertEquals(1L, f.table.statistics().get("syscall.events-filtered"));
    }

    @Test
    void portListAndRangeFilterBiflowsAndSyscalls() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 100, 100),
                new FilterSettings(Set.of(), Set.of(22), Optional.of(new PortRange(8000, 8080))));
        f.put(key("10.0.0.2", 40000, "10.0.0.1", 22, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK);
        f.put(key("10.0.0.2", 40001, "10.0.0.1", 8080, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK);
        f.put(key("10.0.0.2", 40002, "10.0.0.1", 443, TCP, 2, Direction.EGRESS), 1, 60, T0, T0, ACK);
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 1, "a", 0, "10.0.0.2", 40003, "10.0.0.1", 8000));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 1, "a", 0, "10.0.0.2", 40004, "10.0.0.1", 443));
        f.scan();
        f.flushAll();
        assertEquals(Set.of(22, 8080), Set.of(f.biflows.get(0).dst().port(), f.biflows.get(1).dst().port()));
        assertEquals(2, f.biflows.size());
        assertEquals(1, f.syscalls.size());
        assertEquals(8000, f.syscalls.get(0).key().port());
        assertEquals(List.of(), f.biflows.stream().filter(r -> r.srcProcess() != null).toList());
    }
}
