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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.owner.SocketOwnership;
import org.flowmond.bpf.tc.NetDevice;
import org.flowmond.bpf.tc.NetNamespaceInode;
import org.flowmond.bpf.tc.TcFlowMonitor;
import org.flowmond.bpf.tc.TcFlowMonitorOptions;
import org.flowmond.bpf.tc.TcInterface;
import org.flowmond.bpf.tc.TcStatistics;
import org.flowmond.daemon.config.InterfaceSelection;
import org.flowmond.daemon.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link UniFlowSource} over the TC flow counter of module bpf/. Overflow records (packets the
 * full kernel map could not take) arrive on the monitor's reader thread and wait in a bounded
 * queue for the flow thread; if that queue is full too they are counted in {@code dropped.map-full}.
 * With {@code interfaces = ["all"]}, {@link #refreshInterfaces()} attaches every interface of
 * /sys/class/net that is not down and not attached yet (a new veth, say). With
 * {@code flowmon.namespaces}, it also attaches the selected interfaces of every selected namespace
 * that appeared (a container started) and detaches from namespaces that are gone.
 */
final class TcFlowSource implements UniFlowSource {
    private static final Logger LOG = LoggerFactory.getLogger(TcFlowSource.class);
    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    private static final int OVERFLOW_QUEUE = 65_536;

    private final TcFlowMonitor monitor;
    private final TcHooks hooks;
    private final BlockingQueue<UniFlow> overflow = new ArrayBlockingQueue<>(OVERFLOW_QUEUE);
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

    /**
     * Loads the TC program, stamping the owners {@code ownership} keeps into every flow entry, and
     * attaches it to the configured interfaces; fails if a named one cannot be attached.
     */
    static TcFlowSource open(Settings s, KernelClock clock, SocketOwnership ownership) {
        TcHooks hooks = s.directions();
        TcFlowSource[] self = new TcFlowSource[1];
        TcFlowMonitor monitor = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(s.probes().tcMapEntries())
                        .withAttach(s.probes().tcAttach(), s.probes().tcPriority()), clock,
                u -> self[0].offerOverflow(u), ownership);
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

    private void offerOverflow(UniFlow u) {
        if (!overflow.offer(u)) {
            overflowQueueDrops.incrementAndGet();
        }
    }

    @Override
    public List<UniFlow> scan() {
        return monitor.scan();
    }

    @Override
    public UniFlow lookupAndDelete(FlowKey key) {
        return monitor.removeFlow(key).orElse(null);
    }

    @Override
    public void drainOverflow(Consumer<UniFlow> consumer) {
        monitor.drainOverflow(); // what waits in the ring now, through the same queue
        UniFlow u;
        while ((u = overflow.poll()) != null) {
            consumer.accept(u);
        }
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
    public Map<String, Long> counters() {
        TcStatistics st = monitor.statistics();
        Map<String, Long> m = new LinkedHashMap<>();
        // packets counted nowhere: overflow ring full, overflow callback failed, daemon overflow queue full
        m.put("dropped.map-full", st.overflowLost() + st.overflowFailures() + overflowQueueDrops.get());
        m.put("tc.map-insert-failures", st.insertFailures());
        m.put("tc.overflow-delivered", st.overflowDelivered());
        m.put("tc.truncated", st.truncated());
        m.put("tc.non-ip", st.nonIp());
        m.put("tc.non-ip.lost", st.nonIpLost());
        // frames without IP addresses (never flows), per EtherType: tc.non-ip.0x0806=12 ... tc.non-ip.other
        st.nonIpFrames().forEach((type, n) -> m.put("tc.non-ip." + (type == TcStatistics.OTHER_ETHERTYPES
                ? "other" : String.format("0x%04x", type)), n.packets()));
        m.put("tc.ipv6-ext-header-limit", st.extHeaderLimit());
        m.put("tc.interfaces", (long) attached.size() + nsAttached.values().stream().mapToInt(Set::size).sum());
        m.put("tc.namespaces", 1L + nsAttached.size()); // the daemon's own and the others attached
        m.put("tc.attach." + monitor.attachPath().name().toLowerCase(java.util.Locale.ROOT), 1L); // tcx or tc
        return m;
    }

    @Override
    public void close() {
        monitor.close();
    }
}
