package org.flowmond.daemon.output;

import org.flowmond.daemon.stats.Snapshots;
import org.flowmond.daemon.stats.StatisticKeys;
import org.flowmond.daemon.stats.StatisticsSnapshot;
import java.util.EnumSet;
import java.util.Set;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.daemon.container.CgroupLayouts;
import org.flowmond.daemon.container.ContainerIdentity;
import org.flowmond.ipfix.ContainerInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.daemon.flow.Attribution;
import org.flowmond.daemon.flow.BiflowRecord;
import org.flowmond.daemon.flow.Endpoint;
import org.flowmond.daemon.flow.InitiatorRule;
import org.flowmond.daemon.flow.ProcessInfo;
import org.flowmond.daemon.flow.SyscallFlowKey;
import org.flowmond.daemon.flow.SyscallFlowRecord;
import org.flowmond.daemon.flow.SyscallStats;
import org.flowmond.ipfix.DaemonHealth;
import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.ipfix.FlowRecord;
import org.flowmond.ipfix.ProbeVariant;
import org.flowmond.ipfix.SyscallKind;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** How a daemon biflow maps onto the exporter's record, without a collector. */
@UnitTest
class IpfixOutputMappingTest {
    static final long T0 = IpfixOutputCollectorTest.T0;

    static BiflowRecord loopbackFlow(Attribution client, Attribution server) throws Exception {
        return new BiflowRecord(0x0800, 4, 6, new Endpoint(InetAddress.getByName("127.0.0.1"), 40000),
                new Endpoint(InetAddress.getByName("127.0.0.1"), 80), InitiatorRule.SYSCALL, 5, 400, 0x1b, 4, 300, 0x1b,
                T0, T0 + 1_000_000L, 1, 1, Direction.EGRESS, Direction.EGRESS, FlowEndReason.END_OF_FLOW, client, server);
    }

    static Attribution attribution(int pid, String name, OwnerMethod how) {
        return new Attribution(new ProcessInfo(pid, name, 0, "root", 1, "init", 7, "", ContainerIdentity.unknown()), how,
                how == OwnerMethod.EXISTING ? null : new SyscallStats(1, T0, T0));
    }

    @Test
    void bothSidesCarryHowTheyWereAttributed() throws Exception {
        FlowRecord r = IpfixOutput.toIpfix(loopbackFlow(attribution(10, "curl", OwnerMethod.CONNECT),
                attribution(20, "nginx", OwnerMethod.ACCEPT)), 1);
        assertEquals(Optional.of(SyscallKind.CONNECT), r.sourceAttribution());
        assertEquals(Optional.of(SyscallKind.ACCEPT), r.destinationAttribution());
    }

    @Test
    void unattributedSideHasNoAttributionAndExistingIsKept() throws Exception {
        FlowRecord r = IpfixOutput.toIpfix(loopbackFlow(null, attribution(20, "sshd", OwnerMethod.EXISTING)), 2);
        assertEquals(Optional.empty(), r.sourceAttribution());
        assertEquals(Optional.of(SyscallKind.EXISTING), r.destinationAttribution());
    }

    @Test
    void sendAndReceiveOwnersAreExportedAsSuch() throws Exception {
        FlowRecord r = IpfixOutput.toIpfix(loopbackFlow(attribution(10, "dig", OwnerMethod.SEND),
                attribution(20, "named", OwnerMethod.RECEIVE)), 3);
        assertEquals(Optional.of(SyscallKind.SEND), r.sourceAttribution());
        assertEquals(Optional.of(SyscallKind.RECEIVE), r.destinationAttribution());
        assertEquals(10L, r.sourceProcess().pid());
        assertEquals(20L, r.destinationProcess().pid());
    }

    @Test
    void aSyscallRecordsKindSaysHowItsConnectsEnded() throws Exception {
        Map<ConnectOutcome, SyscallKind> expected = new java.util.EnumMap<>(ConnectOutcome.class);
        expected.put(ConnectOutcome.NONE, SyscallKind.CONNECT);
        expected.put(ConnectOutcome.ESTABLISHED, SyscallKind.CONNECT);
        expected.put(ConnectOutcome.REFUSED, SyscallKind.CONNECT_REFUSED);
        expected.put(ConnectOutcome.TIMED_OUT, SyscallKind.CONNECT_TIMED_OUT);
        expected.put(ConnectOutcome.UNREACHABLE, SyscallKind.CONNECT_UNREACHABLE);
        expected.put(ConnectOutcome.OTHER, SyscallKind.CONNECT_FAILED);
        for (ConnectOutcome o : ConnectOutcome.values()) {
            assertEquals(expected.get(o), IpfixOutput.toIpfix(syscall(SocketEventKind.CONNECT, o)).kind(), o.name());
        }
        assertEquals(SyscallKind.ACCEPT, IpfixOutput.toIpfix(syscall(SocketEventKind.ACCEPT, ConnectOutcome.NONE)).kind());
    }

    private static SyscallFlowRecord syscall(SocketEventKind kind, ConnectOutcome outcome) throws Exception {
        return new SyscallFlowRecord(new SyscallFlowKey(kind, 7, "curl", 4, InetAddress.getByName("10.0.0.2"),
                InetAddress.getByName("10.0.0.1"), 80, outcome), null, new SyscallStats(2, T0, T0 + 1000), FlowEndReason.IDLE_TIMEOUT);
    }

    @Test
    void eachSideCarriesItsContainerAndAHostProcessNone() throws Exception {
        String id = "21a3d01cea81d3327da41e1cf92fa3a1f14ecbd75e4f1a74bf616b63d3138a8c";
        ContainerIdentity podman = CgroupLayouts.identify("/machine.slice/libpod-" + id + ".scope/container");
        Attribution client = new Attribution(new ProcessInfo(10, "curl", 0, "root", 1, "conmon", 7,
                podman.cgroupPath(), podman), OwnerMethod.CONNECT, null);
        FlowRecord r = IpfixOutput.toIpfix(loopbackFlow(client, attribution(20, "sshd", OwnerMethod.ACCEPT)), 3);
        assertEquals(new ContainerInfo(id, "podman", "libpod-" + id + ".scope", "", 0), r.sourceContainer());
        assertEquals(ContainerInfo.NONE, r.destinationContainer());
    }

    @Test
    void healthTakesItsValuesFromThePipelineStatistics() {
        assertEquals(new DaemonHealth(3, 17, 1, 2, 4, 5, ProbeVariant.KPROBE),
                IpfixOutput.health(Snapshots.health(3, 17, 1, 2, 4, 5, HookVariant.KPROBE)));
    }

    @Test
    void withoutSyscallProbesTheVariantIsNoneAndMissingCountersAreZero() {
        assertEquals(new DaemonHealth(0, 0, 0, 0, 0, 0, ProbeVariant.NONE),
                IpfixOutput.health(Snapshots.health(0, 0, 0, 0, 0, 0, null)));
        assertEquals(ProbeVariant.FENTRY, IpfixOutput.probeVariant(HookVariant.FENTRY));
        assertEquals(ProbeVariant.TRACEPOINT, IpfixOutput.probeVariant(HookVariant.TRACEPOINT));
    }

    /** Each health element equals the statistic users see under its name: a renamed key cannot zero one. */
    @Test
    void healthAgreesWithTheNamedStatistics() {
        StatisticsSnapshot s = Snapshots.distinct();
        Map<String, Long> named = StatisticKeys.of(s);
        DaemonHealth h = IpfixOutput.health(s);
        assertEquals(new DaemonHealth(named.get("flows.active"), named.get("flows.records-exported"),
                named.get("dropped.map-full"), named.get("dropped.ring-buffer"), named.get("dropped.send-queue"),
                named.get("dropped.event-queue"), ProbeVariant.FENTRY), h);
        assertEquals(1L, named.get("probe.variant.fentry"));
        for (long v : new long[] {h.flowsActive(), h.flowsExported(), h.droppedMapFull(), h.droppedRingBuffer(),
                h.droppedSendQueue(), h.droppedEventQueue()}) {
            assertTrue(v > 0, h.toString());
        }
    }

    @Test
    void everyAttachableHookVariantHasItsOwnProbeVariant() {
        Set<ProbeVariant> seen = EnumSet.noneOf(ProbeVariant.class);
        for (HookVariant v : HookVariant.values()) {
            ProbeVariant p = IpfixOutput.probeVariant(v);
            assertEquals(v == HookVariant.AUTO ? ProbeVariant.NONE.name() : v.name(), p.name());
            assertTrue(seen.add(p), v.name());
        }
    }
}
