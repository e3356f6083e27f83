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

import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.TcpCounters;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.ipfix.TcpHealth;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** The TCP health of biflow records and connect syscall records, from the kernel entries' TCP counters. */
@UnitTest
class TcpHealthTest {
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int RST = 0x04;
    /** Kernel monotonic times of the handshake (only their differences matter). */
    private static final long K_SYN = 5_000_000_000L;
    private static final long K_SYNACK = K_SYN + 300_000; // 300 µs later
    private static final long K_ACK = K_SYNACK + 50_000; // 50 µs later

    private static final FlowKey OUT = key("10.0.0.1", 40000, "10.0.0.2", 443, TCP, 2, Direction.EGRESS);
    private static final FlowKey IN = key("10.0.0.2", 443, "10.0.0.1", 40000, TCP, 2, Direction.INGRESS);
    private static final SocketOwner CURL = owner(4321, "curl", OwnerMethod.CONNECT);

    private static TcpCounters tcp(long syn, long synAck, long ack, long retrans, long retransBytes, long ooo, long rst,
                                   long zwin, long rttMin, long rttMax, long rttSum, long rttN) {
        return new TcpCounters(syn, synAck, ack, retrans, retransBytes, ooo, rst, zwin, rttMin, rttMax, rttSum, rttN);
    }

    /** A client connection: curl's SYN and ACK out, the server's SYN-ACK in. */
    private static FlowFixture connection() {
        return connection(new FlowFixture());
    }

    private static FlowFixture connection(FlowFixture f) {
        f.put(OUT, 10, 5000, T0, T0 + 5 * MS, SYN | ACK, CURL, null);
        f.putTcp(OUT, tcp(K_SYN, 0, K_ACK, 3, 4344, 0, 0, 0, 200, 900, 2000, 4));
        f.put(IN, 8, 800, T0 + MS, T0 + 5 * MS, SYN | ACK, null, CURL);
        f.putTcp(IN, tcp(0, K_SYNACK, K_SYNACK, 0, 0, 1, 0, 2, 0, 0, 0, 0));
        return f;
    }

    @Test
    void aRecordCarriesTheHandshakeTheRttAndEachDirectionsCounts() {
        FlowFixture f = connection();
        f.scan();
        f.flushAll();
        TcpHealth h = f.biflows.get(0).tcp();
        assertEquals(new TcpHealth(50, 300, 200, 500, 900, 3, 4344, 0, 0, 0, 1, 0, 0, 0, 2), h);
    }

    @Test
    void laterRecordsCarryOnlyWhatIsNewButTheResetTotalAndTheHandshake() {
        // idle timeout 300 s, active 120 s: the first record at the active timeout, the flow goes on
        FlowFixture f = connection(new FlowFixture(FlowFixture.params(300, 120, 1, 1000, 1000),
                org.flowmond.daemon.config.FilterSettings.NONE));
        f.scan();
        f.at(T0 + 121 * S);
        f.put(OUT, 20, 9000, T0, T0 + 122 * S, SYN | ACK | RST, CURL, null);
        f.putTcp(OUT, tcp(K_SYN, 0, K_ACK, 5, 7240, 0, 1, 0, 100, 900, 2000 + 3000, 4 + 10));
        f.scan();
        f.flushAll();
        assertEquals(2, f.biflows.size());
        TcpHealth second = f.biflows.get(1).tcp();
        assertEquals(2, second.retransmittedPackets());
        assertEquals(2896, second.retransmittedBytes());
        assertEquals(0, second.reverseOutOfOrderPackets());
        assertEquals(1, second.resets());
        assertEquals(300, second.rttMeanMicros()); // 3000 µs over this record's 10 samples
        assertEquals(100, second.rttMinMicros());
        assertEquals(300, second.serverHandshakeMicros());
    }

    @Test
    void anEntryRecreatedByTheKernelAddsItsWholeValue() {
        FlowFixture f = connection();
        f.scan();
        f.put(OUT, 2, 500, T0 + 2 * S, T0 + 2 * S, ACK, CURL, null); // fewer packets: deleted and made anew
        f.putTcp(OUT, tcp(0, 0, K_ACK + S, 1, 1448, 0, 0, 0, 0, 0, 0, 0));
        f.scan();
        f.flushAll();
        TcpHealth h = f.biflows.get(0).tcp();
        assertEquals(4, h.retransmittedPackets());
        assertEquals(50, h.clientHandshakeMicros()); // the first ACK of the flow, not the new entry's
    }

    @Test
    void aForwardedFlowTakesTheHandshakeAsItsRtt() {
        FlowFixture f = new FlowFixture();
        f.put(OUT, 3, 180, T0, T0 + MS, SYN | ACK);
        f.putTcp(OUT, tcp(K_SYN, 0, K_ACK, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        f.put(IN, 1, 60, T0 + MS, T0 + MS, SYN | ACK);
        f.putTcp(IN, tcp(0, K_SYNACK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        f.scan();
        f.flushAll();
        TcpHealth h = f.biflows.get(0).tcp();
        assertEquals(350, h.rttMinMicros());
        assertEquals(350, h.rttMeanMicros());
        assertEquals(350, h.rttMaxMicros());
    }

    @Test
    void udpAndTcpWithoutCountersCarryNone() {
        FlowFixture f = new FlowFixture();
        f.put(key("10.0.0.1", 5000, "10.0.0.2", 53, UDP, 2, Direction.EGRESS), 1, 60, T0, T0, 0);
        f.put(OUT, 1, 60, T0, T0, SYN); // tcp-health off: the entries have no TCP counters
        f.scan();
        f.flushAll();
        assertEquals(2, f.biflows.size());
        f.biflows.forEach(r -> assertNull(r.tcp(), r.toString()));
    }

    @Test
    void theConnectRecordGetsTheHandshakeOnceAndEveryRetransmission() {
        FlowFixture f = connection();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, T0, 4321, "curl", 1000, "10.0.0.1", 40000, "10.0.0.2",
                443, ConnectOutcome.ESTABLISHED));
        f.scan();
        f.put(OUT, 30, 9000, T0, T0 + 2 * S, SYN | ACK, CURL, null);
        f.putTcp(OUT, tcp(K_SYN, 0, K_ACK, 7, 10136, 0, 0, 0, 200, 900, 2000, 4));
        f.scan();
        f.flushAll();
        SyscallFlowRecord s = f.syscalls.get(0);
        assertEquals(new HandshakeStats(1, 300, 300, 7), s.health());
        assertEquals(FlowEndReason.FORCED_END, s.reason());
    }

    /**
     * A direction's totals add each reading's difference to the one before (kept as numbers, not as
     * the reading): a recreated entry counts in full, a counter that went back started over.
     */
    @Test
    void totalsAddDifferencesAndARecreatedEntryCountsInFull() {
        TcpTrack t = new TcpTrack();
        t.add(new TcpCounters(T0, 0, T0 + MS, 2, 200, 1, 0, 0, 50, 90, 140, 2), false);
        t.add(new TcpCounters(T0, 0, T0 + MS, 5, 500, 1, 1, 2, 40, 90, 240, 4), false);
        assertEquals(5, t.retransmittedPackets);
        assertEquals(500, t.retransmittedBytes);
        assertEquals(1, t.outOfOrderPackets);
        assertEquals(1, t.resetPackets);
        assertEquals(2, t.zeroWindowPackets);
        assertEquals(240, t.srttSumMicros);
        assertEquals(4, t.srttSamples);
        assertEquals(40, t.srttMinMicros);
        t.add(new TcpCounters(T0 + S, 0, 0, 3, 300, 0, 0, 0, 0, 0, 0, 0), true); // recreated: all of it is new
        assertEquals(8, t.retransmittedPackets);
        assertEquals(800, t.retransmittedBytes);
        assertEquals(240, t.srttSumMicros, "a reading without RTT adds none");
        assertEquals(T0, t.synNanos, "the first SYN over the flow's life");
        t.add(new TcpCounters(T0 + S, 0, 0, 4, 400, 0, 0, 0, 30, 30, 30, 1), false);
        assertEquals(9, t.retransmittedPackets, "the difference to the recreated entry's reading");
        assertEquals(270, t.srttSumMicros);
        assertEquals(5, t.srttSamples);
        t.add(new TcpCounters(T0 + S, 0, 0, 1, 100, 0, 0, 0, 30, 30, 30, 1), false); // went back: started over
        assertEquals(10, t.retransmittedPackets);
        assertEquals(1000, t.retransmittedBytes);
    }
}
