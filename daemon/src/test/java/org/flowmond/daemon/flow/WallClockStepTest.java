package org.flowmond.daemon.flow;

import static org.flowmond.daemon.flow.FlowFixture.MS;
import static org.flowmond.daemon.flow.FlowFixture.S;
import static org.flowmond.daemon.flow.FlowFixture.TCP;
import static org.flowmond.daemon.flow.FlowFixture.UDP;
import static org.flowmond.daemon.flow.FlowFixture.event;
import static org.flowmond.daemon.flow.FlowFixture.key;
import static org.flowmond.daemon.flow.FlowFixture.owner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flow table's deadlines are on the monotonic clock (as the kernel's timestamps), the records'
 * times on the wall clock: the wall clock steps by an hour, forward or back, in the middle of a
 * flow's life, and every deadline (idle, active, linger of biflows; idle and active of syscall
 * flows) still falls on the same monotonic instant, while each record's times are its monotonic
 * times plus the wall clock's offset at the record's export.
 */
@UnitTest
class WallClockStepTest {
    /** About three hours after boot: monotonic times are small, nothing like wall-clock ones. */
    static final long M0 = 10_000 * S;
    /** The wall clock at M0 before the step. */
    static final long WALL0 = 1_700_000_000 * S;
    static final long HOUR = 3600 * S;
    static final FlowKey OUT = key("10.0.0.2", 40000, "10.0.0.1", 80, TCP, 2, Direction.EGRESS);
    static final FlowKey IN = key("10.0.0.1", 80, "10.0.0.2", 40000, TCP, 2, Direction.INGRESS);
    static final FlowKey DNS = key("10.0.0.2", 5353, "10.0.0.1", 53, UDP, 2, Direction.EGRESS);
    static final SocketOwner CURL = owner(4321, "curl", OwnerMethod.CONNECT);
    static final int SYN = FlowCounters.SYN;
    static final int ACK = FlowCounters.ACK;
    static final int FIN = FlowCounters.FIN;

    /** Idle 30 s, active 120 s, linger 1 s; the monotonic clock at M0, the wall clock at WALL0. */
    private static FlowFixture fixture() {
        FlowFixture f = new FlowFixture(FlowFixture.params(30, 120, 1, 1000, 1000), FilterSettings.NONE);
        f.now = M0;
        f.wallOffset = WALL0 - M0;
        return f;
    }

    @ParameterizedTest
    @ValueSource(longs = {HOUR, -HOUR})
    void aStepMovesNoIdleDeadlineAndTheRecordFollowsTheWallClock(long step) {
        FlowFixture f = fixture();
        f.put(DNS, 3, 300, M0, M0 + S, 0);
        f.now = M0 + 2 * S;
        f.scan();
        f.wallOffset += step;
        f.at(M0 + S + 30 * S - 1);
        assertTrue(f.biflows.isEmpty(), "not idle yet, whichever way the wall clock went");
        f.at(M0 + S + 30 * S);
        assertEquals(1, f.biflows.size());
        BiflowRecord r = f.biflows.get(0);
        assertEquals(FlowEndReason.IDLE_TIMEOUT, r.reason());
        assertEquals(WALL0 + step, r.startNanos());
        assertEquals(WALL0 + step + S, r.endNanos());
    }

    @ParameterizedTest
    @ValueSource(longs = {HOUR, -HOUR})
    void aStepMovesNoActiveDeadlineAndEachRecordTakesTheOffsetOfItsExport(long step) {
        FlowFixture f = fixture();
        f.put(OUT, 1, 100, M0, M0, ACK);
        f.scan(); // created at M0: active exports due at M0 + 120 s and M0 + 240 s
        for (long t = 10 * S; t <= 240 * S; t += 10 * S) { // a packet every 10 s: never idle
            f.put(OUT, 1 + t / S, 100 + t / S * 100, M0, M0 + t - MS, ACK);
            f.now = M0 + t - MS;
            f.scan();
            if (t == 60 * S) {
                f.wallOffset += step;
            }
            f.at(M0 + t - 1);
            assertEquals(t <= 120 * S ? 0 : 1, f.biflows.size(), "just before " + t / S + " s");
            f.at(M0 + t);
            assertEquals(t < 120 * S ? 0 : t < 240 * S ? 1 : 2, f.biflows.size(), "at " + t / S + " s");
        }
        assertEquals(2, f.biflows.size(), "an active export at 120 s and at 240 s after the flow's creation");
        BiflowRecord first = f.biflows.get(0);
        BiflowRecord second = f.biflows.get(1);
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, first.reason());
        assertEquals(WALL0 + step, first.startNanos());
        assertEquals(WALL0 + step + 120 * S - MS, first.endNanos());
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, second.reason());
        assertEquals(first.endNanos(), second.startNanos(), "a continued record starts where the previous ended");
        assertEquals(WALL0 + step + 240 * S - MS, second.endNanos());
    }

    @ParameterizedTest
    @ValueSource(longs = {HOUR, -HOUR})
    void aStepMovesNoLingerDeadline(long step) {
        FlowFixture f = fixture();
        f.put(OUT, 3, 180, M0, M0 + 2 * S, SYN | ACK | FIN);
        f.put(IN, 2, 120, M0 + MS, M0 + 2 * S, SYN | ACK | FIN);
        f.now = M0 + 3 * S; // the end is seen by this scan
        f.scan();
        f.wallOffset += step;
        f.at(M0 + 4 * S - 1);
        assertTrue(f.biflows.isEmpty(), "still lingering");
        f.at(M0 + 4 * S);
        BiflowRecord r = f.biflows.get(0);
        assertEquals(FlowEndReason.END_OF_FLOW, r.reason());
        assertEquals(WALL0 + step, r.startNanos());
        assertEquals(WALL0 + step + 2 * S, r.endNanos());
    }

    @ParameterizedTest
    @ValueSource(longs = {HOUR, -HOUR})
    void aStepMovesNoSyscallFlowDeadlineAndItsRecordFollowsTheWallClock(long step) {
        FlowFixture f = fixture();
        for (int i = 0; i <= 12; i++) { // a connect every 10 s from M0 to M0 + 120 s, the active deadline
            long t = M0 + i * 10 * S;
            f.at(t - 1);
            assertEquals(0, f.syscalls.size(), "before " + i * 10 + " s");
            f.now = t;
            f.table.onSocketEvent(event(SocketEventKind.CONNECT, t, 4321, "curl", 1000, "10.0.0.2", 40000 + i,
                    "10.0.0.1", 80));
            if (i == 6) {
                f.wallOffset += step;
            }
            f.at(t);
        }
        assertEquals(1, f.syscalls.size(), "active timeout 120 s after the first call");
        SyscallFlowRecord active = f.syscalls.get(0);
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, active.reason());
        assertEquals(new SyscallStats(13, WALL0 + step, WALL0 + step + 120 * S), active.stats());
        assertEquals(10_000_000L, active.stats().mtbsMicros().getAsLong());

        f.now = M0 + 130 * S;
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, M0 + 130 * S, 4321, "curl", 1000, "10.0.0.2", 41000,
                "10.0.0.1", 80));
        f.wallOffset -= step; // and back
        f.at(M0 + 160 * S - 1);
        assertEquals(1, f.syscalls.size(), "not idle yet");
        f.at(M0 + 160 * S);
        SyscallFlowRecord idle = f.syscalls.get(1);
        assertEquals(FlowEndReason.IDLE_TIMEOUT, idle.reason());
        assertEquals(new SyscallStats(1, WALL0 + 130 * S, WALL0 + 130 * S), idle.stats());
    }

    /** The syscall count and MTBS a biflow's owner carries are on the wall clock too, like every time in a record. */
    @Test
    void theSyscallFlowBehindAnOwnerIsOnTheWallClockInTheRecord() {
        FlowFixture f = fixture();
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, M0 - S, 4321, "curl", 1000, "10.0.0.2", 39999, "10.0.0.1", 80));
        f.table.onSocketEvent(event(SocketEventKind.CONNECT, M0, 4321, "curl", 1000, "10.0.0.2", 40000, "10.0.0.1", 80));
        f.put(OUT, 1, 60, M0, M0, SYN, CURL, null);
        f.now = M0 + S;
        f.scan();
        f.wallOffset += HOUR;
        f.flushAll();
        SyscallStats s = f.biflows.get(0).srcProcess().syscall();
        assertEquals(new SyscallStats(2, WALL0 + HOUR - S, WALL0 + HOUR), s);
        assertEquals(1_000_000L, s.mtbsMicros().getAsLong());
    }

    /** The seed tables' view of flows not yet exported is a record too: its times are on the wall clock. */
    @Test
    void activeSyscallFlowsAreListedWithWallClockTimes() {
        FlowFixture f = fixture();
        f.table.onSocketEvent(event(SocketEventKind.ACCEPT, M0, 80, "nginx", 0, "10.0.0.1", 80, "10.0.0.2", 40000));
        f.wallOffset -= HOUR;
        java.util.List<SyscallFlowRecord> active = new java.util.ArrayList<>();
        f.table.forEachActiveSyscallFlow((k, r) -> active.add(r));
        assertEquals(new SyscallStats(1, WALL0 - HOUR, WALL0 - HOUR), active.get(0).stats());
    }

    /** The daemon's clock is the kernel's: CLOCK_MONOTONIC, read between two reads of it. */
    @Test
    void theSystemClockIsTheMonotonicOneOfTheKernelTimestamps() {
        long before = KernelClock.monotonicNow();
        long now = NanoClock.system().nowNanos();
        long after = KernelClock.monotonicNow();
        assertTrue(before <= now && now <= after, before + " <= " + now + " <= " + after);
    }
}
