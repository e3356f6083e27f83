package org.flowmond.daemon.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flowmond.bpf.api.ConnectOutcome;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.OwnerMethod;
import org.flowmond.bpf.api.OwnerMisses;
import org.flowmond.bpf.api.SocketEvent;
import org.flowmond.bpf.api.SocketEventKind;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.api.TcpCounters;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.daemon.config.FilterSettings;
import org.flowmond.daemon.config.FlowSettings;

/**
 * A flow table with a hand-driven monotonic clock, a wall clock {@link #wallOffset} ahead of it
 * (0 unless a test steps it: the tests' times then read as wall-clock ones in the records), an
 * in-memory "kernel map", a passwd file of its own and a sink that keeps every record: what every
 * flow-table test builds on.
 */
final class FlowFixture {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    static final int TCP = 6;
    static final int UDP = 17;

    long now = T0;
    /** Wall clock minus monotonic clock, as the daemon's KernelClock samples it; a test steps it by hand. */
    long wallOffset;
    final Map<FlowKey, FlowCounters> kernel = new HashMap<>();
    /** The owners the TC program stamped on each kernel entry: {source, destination}, either may be null. */
    final Map<FlowKey, SocketOwner[]> stamps = new HashMap<>();
    /** The TCP counters of each kernel entry that has some. */
    final Map<FlowKey, TcpCounters> tcp = new HashMap<>();
    /** How many times the table read and deleted each kernel entry. */
    final Map<FlowKey, Integer> deletions = new HashMap<>();
    /**
     * Whether the "kernel map" can be read and deleted whole ({@link KernelFlowMap#removeAll}, as with
     * {@code BPF_MAP_LOOKUP_AND_DELETE_BATCH}); off: only entry by entry.
     */
    boolean batchRemoval;
    /** Entries removed by {@link KernelFlowMap#removeAll}. */
    int batchRemoved;
    final List<BiflowRecord> biflows = new ArrayList<>();
    final List<SyscallFlowRecord> syscalls = new ArrayList<>();
    final FlowTable table;
    /** The owner-miss bits the TC program set on each kernel entry (OwnerMisses). */
    private final Map<FlowKey, Integer> ownerMisses = new HashMap<>();

    FlowFixture() {
        this(params(30, 120, 1, 1000, 1000), FilterSettings.NONE);
    }

    FlowFixture(FlowSettings params, FilterSettings filter) {
        Path passwd = tempPasswd();
        ProcessResolver resolver = new ProcessResolver(new UserNames(passwd), passwd.getParent().resolve("noproc"));
        FlowSink sink = new FlowSink() {
            @Override
            public void biflow(BiflowRecord r) {
                biflows.add(r);
            }

            @Override
            public void syscallFlow(SyscallFlowRecord r) {
                syscalls.add(r);
            }
        };
        KernelFlowMap map = new KernelFlowMap() {
            @Override
            public UniFlow lookupAndDelete(FlowKey key) {
                return FlowFixture.this.lookupAndDelete(key);
            }

            @Override
            public boolean removeAll(java.util.function.Consumer<UniFlow> each) {
                return FlowFixture.this.removeAll(each);
            }
        };
        table = new FlowTable(params, filter, () -> now, t -> t + wallOffset, map, resolver, sink);
    }

    private boolean removeAll(java.util.function.Consumer<UniFlow> each) {
        if (!batchRemoval) {
            return false;
        }
        for (FlowKey k : new ArrayList<>(kernel.keySet())) {
            SocketOwner[] o = stamps.getOrDefault(k, new SocketOwner[2]);
            each.accept(new UniFlow(k, kernel.remove(k), o[0], o[1], misses(k), tcpOf(k)));
            batchRemoved++;
        }
        return true;
    }

    private UniFlow lookupAndDelete(FlowKey k) {
        deletions.merge(k, 1, Integer::sum);
        FlowCounters c = kernel.remove(k);
        SocketOwner[] o = stamps.getOrDefault(k, new SocketOwner[2]);
        return c == null ? null : new UniFlow(k, c, o[0], o[1], misses(k), tcpOf(k));
    }

    static FlowSettings params(long idleS, long activeS, long lingerS, int maxFlows, int maxSyscall) {
        return new FlowSettings(maxFlows, maxSyscall, Duration.ofSeconds(idleS), Duration.ofSeconds(activeS),
                Duration.ofSeconds(lingerS));
    }

    private static Path tempPasswd() {
        try {
            Path dir = Files.createTempDirectory("flowfixture");
            Path p = dir.resolve("passwd");
            Files.writeString(p, "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n");
            p.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static FlowKey key(String src, int sport, String dst, int dport, int proto, int ifindex, Direction dir) {
        InetAddress s = ip(src);
        int eth = s.getAddress().length == 4 ? FlowKey.ETH_P_IP : FlowKey.ETH_P_IPV6;
        return new FlowKey(s, ip(dst), sport, dport, proto, eth, ifindex, dir);
    }

    static FlowCounters counters(long packets, long bytes, long first, long last, int flags) {
        return new FlowCounters(packets, bytes, first, last, flags);
    }

    /** Sets the kernel map entry (cumulative), without owners, and returns it as a scan entry. */
    UniFlow put(FlowKey k, long packets, long bytes, long first, long last, int flags) {
        return put(k, packets, bytes, first, last, flags, null, null);
    }

    /** Sets the kernel map entry (cumulative) with the owners stamped on it, and returns it as a scan entry. */
    UniFlow put(FlowKey k, long packets, long bytes, long first, long last, int flags, SocketOwner source,
                SocketOwner destination) {
        FlowCounters c = counters(packets, bytes, first, last, flags);
        kernel.put(k, c);
        stamps.put(k, new SocketOwner[] {source, destination});
        return new UniFlow(k, c, source, destination, misses(k), tcpOf(k));
    }

    /** Sets the TCP counters of the kernel entry {@code k} (cumulative, as the TC program keeps them). */
    void putTcp(FlowKey k, TcpCounters c) {
        tcp.put(k, c);
    }

    private TcpCounters tcpOf(FlowKey k) {
        return tcp.getOrDefault(k, TcpCounters.NONE);
    }

    /** Marks the entry as the TC program does when its packet left through a local socket without owner. */
    void markSocketUnowned(FlowKey k) {
        ownerMisses.merge(k, OwnerMisses.SOURCE_SOCKET_UNOWNED, (a, b) -> a | b);
    }

    /** Marks an end of the entry as the TC program does when it found its address in two namespaces. */
    void markAmbiguous(FlowKey k, boolean source) {
        ownerMisses.merge(k, source ? OwnerMisses.SOURCE_AMBIGUOUS : OwnerMisses.DESTINATION_AMBIGUOUS, (a, b) -> a | b);
    }

    private int misses(FlowKey k) {
        return ownerMisses.getOrDefault(k, 0);
    }

    /** Shutdown as the flow loop does it, without a last scan before the removal (where the kernel cannot remove the map whole). */
    void flushAll() {
        table.flushAll(() -> { });
    }

    /** A scan of the whole kernel map, as the TC loader delivers it. */
    void scan() {
        List<UniFlow> all = new ArrayList<>();
        kernel.forEach((k, c) -> {
            SocketOwner[] o = stamps.getOrDefault(k, new SocketOwner[2]);
            all.add(new UniFlow(k, c, o[0], o[1], misses(k), tcpOf(k)));
        });
        scan(all);
    }

    /**
     * A scan that reads these entries in this order, merged one by one as the pipeline merges them,
     * with the kernel's bound on new entries as large as the scan (any of them may be new).
     */
    void scan(List<UniFlow> entries) {
        try (ScanMerge merge = table.beginScan(entries.size())) {
            entries.forEach(merge);
        }
    }

    /** An owner as the kernel stamps it: uid 1000, parent 1 "systemd", cgroup 4242. */
    static SocketOwner owner(int pid, String command, OwnerMethod method) {
        return new SocketOwner(pid, 1000, 1, 4242L, command, "systemd", method);
    }

    void at(long t) {
        now = t;
        table.expire();
    }

    static SocketEvent event(SocketEventKind kind, long t, int pid, String comm, int uid, String local, int lport,
                             String remote, int rport) {
        return event(kind, t, pid, comm, uid, local, lport, remote, rport, ConnectOutcome.NONE);
    }

    static SocketEvent event(SocketEventKind kind, long t, int pid, String comm, int uid, String local, int lport,
                             String remote, int rport, ConnectOutcome outcome) {
        InetAddress l = ip(local);
        return new SocketEvent(kind, t, pid, pid, uid, uid, 1, comm, "systemd", 4242L, 4026531840L,
                l.getAddress().length == 4 ? 4 : 6, l, lport, ip(remote), rport, outcome);
    }
}
