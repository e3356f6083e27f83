package org.flowmond.daemon.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.owner.SocketOwnership;
import org.flowmond.bpf.tc.NetDevice;
import org.flowmond.bpf.tc.TcAttachMode;
import org.flowmond.bpf.tc.NetNamespaceInode;
import org.flowmond.bpf.tc.TcFlowMonitor;
import org.flowmond.bpf.tc.TcFlowMonitorOptions;
import org.flowmond.bpf.tc.TcInterface;
import org.flowmond.bpf.tc.TcStatistics;
import org.flowmond.daemon.config.InterfaceSelection;
import org.flowmond.daemon.config.NamespaceSelection;
import org.flowmond.daemon.config.Settings;
import org.flowmond.daemon.stats.TcCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link UniFlowSource} over the TC flow counter of module bpf/. Overflow records (packets the
 * full kernel map could not take) arrive on the monitor's reader thread and go to the flow thread's
 * inbox ({@link FlowLoop}); one the inbox drops is counted in {@code dropped.map-full}.
 * With {@code interfaces = ["all"]}, {@link #refreshInterfaces()} attaches every interface of
 * /sys/class/net that is not down and not attached yet (a new veth, say). With
 * {@code flowmon.namespaces}, it also attaches the selected interfaces of every selected namespace
 * that appeared (a container started) and detaches from namespaces that are gone.
 */
final class TcFlowSource implements UniFlowSource {
    private static final Logger LOG = LoggerFactory.getLogger(TcFlowSource.class);
    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    private final TcFlowMonitor monitor;
    private final TcHooks hooks;
    private final AtomicLong overflowQueueDrops = new AtomicLong();
    private final Set<Integer> attached = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> failed = new HashSet<>();
    private final InterfaceSelection interfaces;
    /** Null when only the daemon's own namespace is counted. */
    private final NamespaceFinder namespaces;
    /** Other namespaces by inode: the ifindexes attached there and the interface names that failed. */
    private final Map<Long, Set<Integer>> nsAttached = new HashMap<>();
    private final Map<Long, Set<String>> nsFailed = new HashMap<>();

    private TcFlowSource(TcFlowMonitor monitor, TcHooks hooks, InterfaceSelection interfaces,
                         NamespaceFinder namespaces) {
        this.monitor = monitor;
        this.hooks = hooks;
        this.interfaces = interfaces;
        this.namespaces = namespaces;
    }

    /** What {@link #open} reads: a reload reopens the TC program (ending every active flow) when this changed. */
    record Slice(InterfaceSelection interfaces, NamespaceSelection namespaces, TcHooks directions, int mapEntries,
                 TcAttachMode attach, int priority, boolean tcpHealth) {
    }

    static Slice slice(Settings s) {
        return new Slice(s.interfaces(), s.namespaces(), s.directions(), s.probes().tcMapEntries(), s.probes().tcAttach(),
                s.probes().tcPriority(), s.tcpHealth().enabled());
    }

    /**
     * Loads the TC program, stamping the owners {@code ownership} keeps into every flow entry, and
     * attaches it to the configured interfaces; fails if a named one cannot be attached. Overflow
     * records go to {@code overflow}, which returns false for one it dropped.
     */
    static TcFlowSource open(Settings s, KernelClock clock, SocketOwnership ownership, Predicate<UniFlow> overflow) {
        TcHooks hooks = s.directions();
        TcFlowSource[] self = new TcFlowSource[1];
        TcFlowMonitor monitor = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(s.probes().tcMapEntries())
                        .withAttach(s.probes().tcAttach(), s.probes().tcPriority())
                        .withTcpHealth(s.tcpHealth().enabled())
                        .withOverflowPollMillis((int) FlowLoop.READERS_QUIET_WAIT.toMillis()), clock,
                u -> self[0].offerOverflow(u, overflow), ownership);
        NamespaceFinder finder = s.namespaces().others()
                ? NamespaceFinder.system(s.namespaces(), monitor.ownNetns()) : null;
        TcFlowSource source = new TcFlowSource(monitor, hooks, s.interfaces(), finder);
        self[0] = source;
        try {
            if (s.interfaces().all()) {
                source.refreshInterfaces();
            } else {
                for (String name : s.interfaces().names()) {
                    NetDevice dev = monitor.attach(TcInterface.named(name, hooks));
                    source.attached.add(dev.ifindex());
                }
            }
            if (finder != null) {
                source.refreshNamespaces();
            }
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
        return source;
    }

    private void offerOverflow(UniFlow u, Predicate<UniFlow> overflow) {
        if (!overflow.test(u)) {
            overflowQueueDrops.incrementAndGet();
        }
    }

    @Override
    public int scan(Consumer<UniFlow> sink) {
        return monitor.scan(sink);
    }

    @Override
    public long insertedSinceLastScan() {
        return monitor.insertedSinceLastScan();
    }

    @Override
    public UniFlow lookupAndDelete(FlowKey key) {
        return monitor.removeFlow(key).orElse(null);
    }

    /**
     * The whole map read and deleted in chunks (shutdown, a reload that reopens the program); false
     * where the kernel cannot, or after a failure part way (logged): the flow table then removes
     * what is left entry by entry.
     */
    @Override
    public boolean removeAll(Consumer<UniFlow> sink) {
        try {
            return monitor.removeAll(sink);
        } catch (RuntimeException e) {
            LOG.warn("cannot read and delete the TC flow map in chunks ({}): removing its flows one by one", e.toString());
            return false;
        }
    }

    @Override
    public void wakeReaderIfPending() {
        monitor.wakeOverflowReaderIfPending();
    }

    @Override
    public void drainOverflow() {
        monitor.drainOverflow();
    }

    /**
     * Attaches every interface that is present, not down, and not attached (or failed) before, in
     * the daemon's namespace when {@code interfaces = ["all"]}, and in the selected namespaces.
     */
    @Override
    public void refreshInterfaces() {
        if (interfaces.all()) {
            refreshOwnInterfaces();
        }
        if (namespaces != null) {
            refreshNamespaces();
        }
    }

    /** Detaches from namespaces that are gone; attaches the selected interfaces of the others. */
    private void refreshNamespaces() {
        Map<Long, String> found = namespaces.find();
        for (Long gone : List.copyOf(nsAttached.keySet())) {
            if (!found.containsKey(gone)) {
                monitor.detachNamespace(gone);
                nsAttached.remove(gone);
                nsFailed.remove(gone);
            }
        }
        found.forEach(this::attachIn);
    }

    private void attachIn(long inode, String path) {
        List<NetDevice> devices;
        try {
            if (NetNamespaceInode.of(path) != inode) {
                return; // the process whose namespace this was has ended: found again next time
            }
            devices = NetDevice.upDevices(path);
        } catch (RuntimeException gone) {
            return; // ended while we looked
        }
        Set<Integer> done = nsAttached.computeIfAbsent(inode, n -> new HashSet<>());
        Set<String> failedHere = nsFailed.computeIfAbsent(inode, n -> new HashSet<>());
        for (NetDevice dev : devices) {
            if (!interfaces.includes(dev.name()) || done.contains(dev.ifindex()) || failedHere.contains(dev.name())) {
                continue;
            }
            try {
                monitor.attach(TcInterface.indexed(dev.ifindex(), hooks).inNamespace(path));
                done.add(dev.ifindex());
            } catch (RuntimeException e) {
                failedHere.add(dev.name()); // said once per namespace and interface
                LOG.warn("cannot count traffic on interface {} of network namespace {} ({}): {}", dev.name(), inode,
                        path, e.getMessage());
            }
        }
    }

    private void refreshOwnInterfaces() {
        for (String name : interfaceNames()) {
            if (failed.contains(name) || isDown(name)) {
                continue;
            }
            int ifindex = ifindex(name);
            if (ifindex <= 0 || attached.contains(ifindex)) {
                continue;
            }
            try {
                monitor.attach(TcInterface.indexed(ifindex, hooks));
                attached.add(ifindex);
            } catch (RuntimeException e) {
                failed.add(name); // e.g. a device type tc cannot attach to: said once, not every poll
                LOG.warn("cannot count traffic on interface {}: {}", name, e.getMessage());
            }
        }
    }

    private static List<String> interfaceNames() {
        try (Stream<Path> s = Files.list(SYS_CLASS_NET)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", SYS_CLASS_NET, e.toString());
            return new ArrayList<>();
        }
    }

    private static boolean isDown(String name) {
        return "down".equals(read(SYS_CLASS_NET.resolve(name).resolve("operstate")));
    }

    private static int ifindex(String name) {
        try {
            return Integer.parseInt(read(SYS_CLASS_NET.resolve(name).resolve("ifindex")));
        } catch (NumberFormatException e) {
            return -1; // vanished while we looked
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public TcCounters counters() {
        TcStatistics st = monitor.statistics();
        Map<Integer, Long> nonIp = new LinkedHashMap<>();
        st.nonIpFrames().forEach((type, n) -> nonIp.put(type, n.packets()));
        // packets counted nowhere: overflow ring full, overflow callback failed, dropped by the flow thread's inbox
        return new TcCounters(st.overflowLost() + st.overflowFailures() + overflowQueueDrops.get(), st.insertFailures(),
                st.overflowDelivered(), st.truncated(), st.nonIp(), st.nonIpLost(), nonIp, st.extHeaderLimit(),
                (long) attached.size() + nsAttached.values().stream().mapToInt(Set::size).sum(),
                1L + nsAttached.size(), // the daemon's own and the others attached
                monitor.attachPath());
    }

    @Override
    public void close() {
        monitor.close();
    }
}
