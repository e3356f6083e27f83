package org.flowmond.bpf.tc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.api.UniFlow;
import org.flowmond.bpf.libbpf.BpfMap;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.KernelFeatures;
import org.flowmond.bpf.libbpf.LittleEndian;
import org.flowmond.bpf.libbpf.MapEntries;
import org.flowmond.bpf.libbpf.RingBuffer;
import org.flowmond.bpf.libbpf.TcHook;
import org.flowmond.bpf.libbpf.TcxLink;
import org.flowmond.bpf.owner.SocketOwnership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code tc_flow.bpf.o}, attaches it to interfaces' ingress and egress, and reads per-flow
 * counters out of the kernel as {@link UniFlow}s.
 *
 * <p>Life: {@link #open} (sizes the flow map, loads, chooses the attach path, starts the overflow
 * reader) → {@link #attach} per interface → periodic {@link #scan(Consumer)} and {@link #remove} of expired
 * flows → {@link #close}.
 *
 * <p>Attach paths ({@link TcAttachMode}): on kernels with TCX (6.6+) a TCX link at the head of the
 * chain, which the kernel removes when the process ends, however it ends. Otherwise a classic
 * cls_bpf filter in the clsact qdisc (created only if absent) with a fixed handle
 * ({@link #FILTER_HANDLE}) at the configured priority (default 1, first), attached with replace
 * semantics so a restart after a crash replaces the stale filter instead of adding a second one.
 * Either way the program returns "no verdict" (-1), so whatever runs after it sees every packet.
 * {@link #close} removes only this monitor's links or filters, and the clsact qdisc only where this
 * monitor created it. Packets whose flow found no room in the map arrive at the overflow callback,
 * one flow per packet (skb), on the reader thread "flowmond-tc-overflow".
 */
public final class TcFlowMonitor implements AutoCloseable {
    /** The object inside the jar, built from src/main/c/tc_flow.bpf.c. */
    public static final String OBJECT_RESOURCE = "/bpf/tc_flow.bpf.o";
    /** The same program without BPF atomics beyond add, for kernels before 5.12 (tc_flow.bpf.c: flags_or). */
    public static final String NO_ATOMICS_RESOURCE = "/bpf/tc_flow_noatomics.bpf.o";
    /** tc filter handle of every flowmond filter ("fe" for flowmond's counter). */
    public static final int FILTER_HANDLE = 0xFE;
    /** EtherTypes counted one by one in "nonip_frames" ({@code NONIP_MAX_TYPES} of flowmon.h). */
    public static final int NONIP_MAX_TYPES = 64;
    /** The programs of the object: for devices with an Ethernet header, and ({@link #L3_SUFFIX}) without. */
    static final List<String> PROGRAMS = List.of("tc_ingress", "tc_egress", "tc_ingress_l3", "tc_egress_l3");
    static final String L3_SUFFIX = "_l3";

    private static final Logger LOG = LoggerFactory.getLogger(TcFlowMonitor.class);
    private static final long LOSS_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final BpfObject object;
    private final BpfMap flows;
    private final BpfMap counters;
    private final BpfMap nonIpFrames;
    private final KernelClock clock;
    private final RingBuffer overflowRing;
    private final Thread overflowReader;
    private final int pollMillis;
    private final AtomicLong overflowDelivered = new AtomicLong();
    /**
     * The kernel's count of flow-map inserts read just before a scan that found the map empty, or
     * -1. While the count stays there the map is still empty and a scan reads nothing: iterating an
     * empty hash map walks all its buckets (65,536 by default), the largest cost of an idle cycle.
     * The kernel counts an insert after making it, so a count that includes it means a read sees it.
     * Scanning thread only.
     */
    private long insertedWhenFoundEmpty = -1;
    /** The kernel's count of flow-map inserts read at the start of the last scan (scanning thread only). */
    private long insertedAtLastScan;
    /** That count as {@link #insertedSinceLastScan()} read it for the scan that follows, or -1 (scanning thread only). */
    private long insertedReadAhead = -1;
    private long skippedEmptyReads;
    private final TcAttachMode attachPath;
    private final int tcPriority;
    /** Attachments per network namespace inode, in attach order. */
    private final Map<Long, List<AutoCloseable>> attachments = new LinkedHashMap<>();
    /**
     * The program instances besides {@link #object} (the Ethernet programs of the daemon's own
     * namespace): one per namespace and header variant, loaded when first needed.
     */
    private final Map<InstanceKey, BpfObject> instances = new HashMap<>();
    private final long ownNetns;
    private final boolean ownersEnabled;
    private final boolean tcpHealth;
    private final LossLog lossLog = new LossLog();
    private volatile boolean closing;

    private TcFlowMonitor(BpfObject object, TcFlowMonitorOptions options, KernelClock clock,
                          Consumer<UniFlow> overflowSink, long ownNetns, boolean ownersEnabled) {
        this.object = object;
        this.ownNetns = ownNetns;
        this.ownersEnabled = ownersEnabled;
        this.flows = object.map("flows");
        this.counters = object.map("tc_counters");
        this.nonIpFrames = object.map("nonip_frames");
        this.clock = clock;
        this.pollMillis = options.overflowPollMillis();
        this.attachPath = attachPath(options.attachMode());
        this.tcPriority = options.tcPriority();
        this.tcpHealth = options.tcpHealth();
        this.overflowRing = RingBuffer.open(object.map("flow_overflow"), sample -> deliver(sample, overflowSink));
        this.overflowReader = new Thread(this::readOverflow, "flowmond-tc-overflow");
        this.overflowReader.setDaemon(true);
    }

    /**
     * Loads the TC program with a flow map of {@code options.maxFlows()} entries and starts the
     * overflow reader. Nothing is attached yet.
     *
     * @param overflowSink receives each packet that the flow map had no room for, as a flow of that
     *                     packet alone; called on the reader thread; an exception is counted and logged
     */
    public static TcFlowMonitor open(TcFlowMonitorOptions options, KernelClock clock, Consumer<UniFlow> overflowSink) {
        return open(options, clock, overflowSink, null);
    }

    /**
     * As {@link #open(TcFlowMonitorOptions, KernelClock, Consumer)}, stamping the owners that
     * {@code ownership} keeps into every TCP/UDP flow entry (its maps are shared with the TC
     * program: open {@code ownership} first and close it after this monitor). Null: no owners.
     */
    public static TcFlowMonitor open(TcFlowMonitorOptions options, KernelClock clock, Consumer<UniFlow> overflowSink,
                                     SocketOwnership ownership) {
        BpfObject object = BpfObject.openResource(objectResource());
        try {
            loadOnly(object, false);
            long ownNetns = NetNamespaceInode.own();
            if (ownership != null) {
                ownership.shareMapsWith(object);
                object.setGlobalBool("owners_enabled", true);
            } else {
                for (String name : SocketOwnership.SHARED_HASH_MAPS) {
                    object.map(name).setMaxEntries(1); // unused: nothing fills them
                }
            }
            object.setGlobalU32("netns_ino", (int) ownNetns);
            object.setGlobalBool("tcp_health_enabled", options.tcpHealth());
            object.map("flows").setMaxEntries(options.maxFlows());
            object.map("flow_overflow").setMaxEntries(options.overflowRingBytes());
            object.load();
            // The slot for EtherTypes beyond NONIP_MAX_TYPES: the program cannot make it once the map is full.
            object.map("nonip_frames").update(LittleEndian.u32(TcStatistics.OTHER_ETHERTYPES),
                    new byte[object.map("nonip_frames").valueSize()], BpfMap.BPF_NOEXIST);
            TcFlowMonitor monitor = new TcFlowMonitor(object, options, clock, overflowSink, ownNetns, ownership != null);
            monitor.overflowReader.start();
            LOG.info("TC flow counter loaded: flow map of {} entries, overflow ring of {} bytes; attaching through {}",
                    options.maxFlows(), options.overflowRingBytes(), monitor.attachPath == TcAttachMode.TCX
                            ? "TCX links, first in the chain" : "classic tc filters at priority " + options.tcPriority());
            return monitor;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** The TC object this kernel can load: with BPF atomics where it has them (5.12+). */
    static String objectResource() {
        if (KernelFeatures.atomicOr()) {
            return OBJECT_RESOURCE;
        }
        LOG.info("this kernel has no BPF atomics beyond add (before 5.12): TCP flags are recorded with a plain OR");
        return NO_ATOMICS_RESOURCE;
    }

    /**
     * Attaches the counter to {@code iface}'s hooks: TCX links, or classic filters (creating the
     * clsact qdisc if there is none, replacing a stale flowmond filter if one is there).
     *
     * @return the interface as resolved (index, type)
     */
    public synchronized NetDevice attach(TcInterface iface) {
        requireOpen();
        long netns = iface.netns() == null ? ownNetns : NetNamespaceInode.of(iface.netns());
        NetDevice dev = iface.resolve();
        BpfObject instance = instanceFor(netns, iface.netns(), !dev.hasEthernetHeader());
        // lo shows each packet on egress, then again on ingress: count it on egress only.
        boolean ingress = iface.hooks().ingress() && !(dev.isLoopback() && iface.hooks() == TcHooks.BOTH);
        boolean egress = iface.hooks().egress();
        String variant = dev.hasEthernetHeader() ? "" : L3_SUFFIX;
        List<AutoCloseable> made = new ArrayList<>();
        try {
            if (ingress) {
                made.add(attachOne(instance, dev, iface.netns(), true, "tc_ingress" + variant));
            }
            if (egress) {
                made.add(attachOne(instance, dev, iface.netns(), false, "tc_egress" + variant));
            }
        } catch (RuntimeException e) {
            closeQuietly(made);
            throw e;
        }
        attachments.computeIfAbsent(netns, n -> new ArrayList<>()).addAll(made);
        LOG.info("TC flow counter attached to {} (ifindex {}, {}{}){}: {} via {}", dev.name(), dev.ifindex(),
                dev.hasEthernetHeader() ? "Ethernet" : "no link-layer header, ARPHRD " + dev.arpType(),
                dev.isLoopback() ? ", loopback" : "", iface.netns() == null ? "" : " in netns " + iface.netns()
                        + " (inode " + netns + ")",
                ingress && egress ? "ingress+egress" : ingress ? "ingress" : "egress",
                attachPath == TcAttachMode.TCX ? "TCX" : "tc filter pref " + tcPriority);
        return dev;
    }

    /** Inode of the daemon's own network namespace: the namespace of interfaces attached without one. */
    public long ownNetns() {
        return ownNetns;
    }

    /**
     * Removes every attachment made in the namespace with inode {@code netns} and unloads that
     * namespace's program instance (a namespace that is gone: its devices went with it). The flows
     * it counted stay in the map until read and removed. Returns how many hooks were detached.
     */
    public synchronized int detachNamespace(long netns) {
        requireOpen();
        List<AutoCloseable> made = attachments.remove(netns);
        int n = made == null ? 0 : made.size();
        if (made != null) {
            List<AutoCloseable> reversed = new ArrayList<>(made);
            java.util.Collections.reverse(reversed);
            closeQuietly(reversed);
        }
        instances.entrySet().removeIf(e -> {
            if (e.getKey().netns() != netns) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        LOG.info("TC flow counter detached from network namespace {} ({} hooks)", netns, n);
        return n;
    }

    /** Inodes of the namespaces with at least one attachment. */
    public synchronized java.util.Set<Long> attachedNamespaces() {
        return java.util.Set.copyOf(attachments.keySet());
    }

    /**
     * The program instance that counts in namespace {@code netns} for devices with ({@code l3}
     * false) or without an Ethernet header: the first object for the daemon's own namespace and
     * Ethernet, else one loaded for it with its inode as {@code netns_ino}, only that variant's
     * programs, and every map of the first object shared by descriptor, so all instances count
     * into one flow map. Loading only what is attached keeps the verifier's time (about 75 ms a
     * program) out of the start when no device needs the other variant.
     */
    private BpfObject instanceFor(long netns, String where, boolean l3) {
        if (netns == ownNetns && !l3) {
            return object;
        }
        InstanceKey key = new InstanceKey(netns, l3);
        BpfObject existing = instances.get(key);
        if (existing != null) {
            return existing;
        }
        BpfObject instance = BpfObject.openResource(objectResource());
        try {
            loadOnly(instance, l3);
            for (BpfMap m : object.maps()) {
                if (!m.isInternal()) {
                    instance.map(m.name()).reuseFd(m.fd());
                }
            }
            instance.setGlobalBool("owners_enabled", ownersEnabled);
            instance.setGlobalU32("netns_ino", (int) netns);
            instance.setGlobalBool("tcp_health_enabled", tcpHealth);
            instance.load();
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
        instances.put(key, instance);
        LOG.info("TC flow counter loaded for {} in network namespace {} (inode {})",
                l3 ? "devices without a link-layer header" : "Ethernet devices", where == null ? "(own)" : where, netns);
        return instance;
    }

    /** Turns autoload off for the programs of the other variant than {@code l3} (before load). */
    static void loadOnly(BpfObject object, boolean l3) {
        for (String program : PROGRAMS) {
            object.program(program).setAutoload(program.endsWith(L3_SUFFIX) == l3);
        }
    }

    /** One program instance besides the first: a namespace and a header variant. */
    private record InstanceKey(long netns, boolean l3) { }

    /** The path {@link #attach} uses: {@link TcAttachMode#TCX} or {@link TcAttachMode#TC}, never AUTO. */
    public TcAttachMode attachPath() {
        return attachPath;
    }

    /** Attaches to every interface of the list (see {@link #attach(TcInterface)}). */
    public List<NetDevice> attachAll(List<TcInterface> interfaces) {
        List<NetDevice> devices = new ArrayList<>();
        for (TcInterface iface : interfaces) {
            devices.add(attach(iface));
        }
        return devices;
    }

    /**
     * Hands every flow in the kernel map now to {@code sink}, with counters since it was inserted,
     * chunk by chunk as the map is read (in batches of 256 where the kernel supports it), and
     * returns how many. Flows keep counting while this runs: a snapshot, not a cut.
     *
     * <p>Only the chunk being decoded is held (about 90 kB); each entry becomes a {@link UniFlow}
     * just before {@code sink} takes it. Holding a whole read of a 1,000,000-entry map at once
     * (344 bytes per entry) cost 344 MB until the merge of it was done: with -Xmx512m an
     * OutOfMemoryError at about 640,000 flows. Call on one thread (the decoder shares address
     * objects through a cache of its own); an exception of {@code sink} ends the scan. A map found
     * empty is not read again until the kernel has inserted a flow ({@code TC_CTR_INSERTED}).
     */
    public int scan(Consumer<UniFlow> sink) {
        requireOpen();
        long inserted = insertedReadAhead >= 0 ? insertedReadAhead : counter(TcCounter.INSERTED);
        insertedReadAhead = -1;
        insertedAtLastScan = inserted;
        if (inserted == insertedWhenFoundEmpty) {
            skippedEmptyReads++;
            return 0; // empty at the last read, and nothing inserted since
        }
        ChunkDecoder decoder = new ChunkDecoder(clock, sink);
        flows.forEachChunk(decoder);
        insertedWhenFoundEmpty = decoder.entries() == 0 ? inserted : -1;
        return decoder.entries();
    }

    /**
     * Entries the kernel inserted into the flow map since the last {@link #scan(Consumer)} began (since
     * the load before the first): an upper bound of the entries the next scan finds that the last one
     * did not. One read of the per-CPU counter, which the next scan uses as its own (read before
     * it, as the scan's own read would be), so a cycle that asks and then scans reads it once: an
     * idle daemon makes no more system calls for it. Call on the scanning thread, right before the
     * scan (a scan that finds the count unchanged since a read that found the map empty skips the read).
     */
    public long insertedSinceLastScan() {
        requireOpen();
        insertedReadAhead = counter(TcCounter.INSERTED);
        return insertedReadAhead - insertedAtLastScan;
    }

    /** Scans that read nothing because the map was empty at the last read and nothing was inserted since. */
    long skippedEmptyReads() {
        return skippedEmptyReads;
    }

    /**
     * Removes every flow from the kernel map, handing each to {@code sink} as it was when removed
     * (its final counters and owners), chunk by chunk as in {@link #scan(Consumer)}: one syscall per
     * 256 entries instead of one per flow ({@code BPF_MAP_LOOKUP_AND_DELETE_BATCH}; each entry read and
     * deleted in one step, so no increment between the two is lost). Returns false, having removed
     * nothing, where the kernel lacks the batch operation (before Linux 5.6): then {@link #removeFlow}
     * one by one. For shutdown, when every flow ends at once. Call on the scanning thread.
     */
    public boolean removeAll(Consumer<UniFlow> sink) {
        requireOpen();
        return flows.removeEachChunk(new ChunkDecoder(clock, sink));
    }

    /** Every flow in the kernel map now, as one list: for small maps (tests, tools); see {@link #scan(Consumer)}. */
    public List<UniFlow> scan() {
        List<UniFlow> all = new ArrayList<>();
        scan(all::add);
        return all;
    }

    /** Decodes each chunk of one read of the flow map into {@link UniFlow}s, entry by entry, as it arrives. */
    static final class ChunkDecoder implements Consumer<MapEntries> {
        private final KernelClock clock;
        private final Consumer<UniFlow> sink;
        private int entries;

        ChunkDecoder(KernelClock clock, Consumer<UniFlow> sink) {
            this.clock = clock;
            this.sink = sink;
        }

        @Override
        public void accept(MapEntries chunk) {
            ByteBuffer keys = chunk.keys();
            ByteBuffer values = chunk.values();
            for (int i = 0; i < chunk.count(); i++) {
                FlowKey key = FlowKeyCodec.decodeLittleEndian(keys, i * chunk.keySize());
                sink.accept(FlowStatsCodec.decodeFlow(key, values, i * chunk.valueSize(), clock));
                entries++;
            }
        }

        /** Entries decoded and handed over so far. */
        int entries() {
            return entries;
        }
    }

    /**
     * Removes a flow and returns its final counters, read and deleted in one kernel operation
     * ({@code BPF_MAP_LOOKUP_AND_DELETE_ELEM}), so no packet counted between a read and a delete
     * is lost (on 5.14+; older kernels read, then delete: see {@link BpfMap#lookupAndDelete}).
     * Empty if the flow is not in the map.
     */
    public Optional<FlowCounters> remove(FlowKey key) {
        requireOpen();
        byte[] value = new byte[flows.valueSize()];
        if (!flows.lookupAndDelete(FlowKeyCodec.encode(key), value)) {
            return Optional.empty();
        }
        return Optional.of(FlowStatsCodec.decode(value, clock));
    }

    /** As {@link #remove(FlowKey)}, returning the whole flow: final counters and the owners stamped in it. */
    public Optional<UniFlow> removeFlow(FlowKey key) {
        requireOpen();
        byte[] value = new byte[flows.valueSize()];
        if (!flows.lookupAndDelete(FlowKeyCodec.encode(key), value)) {
            return Optional.empty();
        }
        return Optional.of(FlowStatsCodec.decodeFlow(key, ByteBuffer.wrap(value), 0, clock));
    }

    /**
     * Wakes the overflow reader if records wait in the ring (read from its mapped positions: no
     * system call when it is empty); returns whether it did. For a thread that wakes regularly
     * anyway, so the reader can wait with a long {@link TcFlowMonitorOptions#overflowPollMillis()}.
     */
    public boolean wakeOverflowReaderIfPending() {
        return overflowRing.wakeUpIfPending();
    }

    /** Hands over, on the calling thread, every overflow record waiting in the ring; returns how many. */
    public int drainOverflow() {
        requireOpen();
        return overflowRing.consume();
    }

    /** The kernel's drop counters (summed over CPUs) and the overflow reader's. */
    public TcStatistics statistics() {
        requireOpen();
        TcStatistics s = new TcStatistics(
                counter(TcCounter.MAP_FULL), counter(TcCounter.MAP_NOMEM), counter(TcCounter.MAP_OTHER),
                counter(TcCounter.OVERFLOW_LOST), counter(TcCounter.TRUNCATED), counter(TcCounter.NON_IP),
                counter(TcCounter.EXT_HDR_LIMIT), overflowDelivered.get(), overflowRing.handlerFailures(),
                counter(TcCounter.NON_IP_LOST), nonIpFrames());
        // whoever reads the counters (the daemon's statistics snapshot) gives the loss log its numbers
        lossLog.maybeLog(new Losses(s.mapFull(), s.mapNoMem(), s.mapOtherError(), s.overflowLost(), s.nonIpLost()),
                maxFlows());
        return s;
    }

    /** The loss counters alone: five look-ups, not the statistics' eleven and the per-EtherType map. */
    private Losses losses() {
        return new Losses(counter(TcCounter.MAP_FULL), counter(TcCounter.MAP_NOMEM), counter(TcCounter.MAP_OTHER),
                counter(TcCounter.OVERFLOW_LOST), counter(TcCounter.NON_IP_LOST));
    }

    /** "nonip_frames" by EtherType; the {@link TcStatistics#OTHER_ETHERTYPES} slot only once it counted something. */
    private Map<Integer, TcStatistics.NonIpCount> nonIpFrames() {
        MapEntries all = nonIpFrames.readAll();
        Map<Integer, TcStatistics.NonIpCount> m = new TreeMap<>();
        for (int i = 0; i < all.count(); i++) {
            byte[] value = all.value(i);
            long packets = LittleEndian.getU64(value, 0);
            if (packets > 0) {
                m.put(LittleEndian.getU32(all.key(i), 0), new TcStatistics.NonIpCount(packets, LittleEndian.getU64(value, 8)));
            }
        }
        return m;
    }

    /** Size of the flow map, as loaded. */
    public int maxFlows() {
        return flows.maxEntries();
    }

    /** Detaches this monitor's filters, removes the qdiscs it created, stops the reader, unloads. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        List<AutoCloseable> reversed = new ArrayList<>();
        attachments.values().forEach(reversed::addAll);
        java.util.Collections.reverse(reversed); // creator of a qdisc last: the others detach first
        closeQuietly(reversed);
        attachments.clear();
        instances.values().forEach(BpfObject::close);
        instances.clear();
        overflowReader.interrupt();
        overflowRing.wakeUp(); // its poll may wait long (the daemon's 30 s): an interrupt does not end epoll_wait
        try {
            overflowReader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        overflowRing.close();
        object.close();
    }

    private static TcAttachMode attachPath(TcAttachMode requested) {
        boolean tcx = TcxLink.kernelSupportsTcx();
        switch (requested) {
            case TCX:
                if (!tcx) {
                    throw new IllegalStateException("TCX attach requested, but this kernel has no TCX"
                            + " (struct tcx_entry is not in its BTF; TCX needs Linux 6.6+): use tc or auto");
                }
                return TcAttachMode.TCX;
            case TC:
                return TcAttachMode.TC;
            default:
                LOG.info("TC attach path (auto): {}", tcx ? "TCX (the kernel has tcx_entry)" : "classic tc (no TCX in this kernel)");
                return tcx ? TcAttachMode.TCX : TcAttachMode.TC;
        }
    }

    private AutoCloseable attachOne(BpfObject instance, NetDevice dev, String netns, boolean ingress, String program) {
        if (attachPath == TcAttachMode.TCX) {
            return TcxLink.attachFirst(instance.program(program), dev.ifindex(), ingress, netns);
        }
        TcHook hook = ingress ? TcHook.ingress(dev.ifindex()) : TcHook.egress(dev.ifindex());
        if (netns != null) {
            hook.inNamespace(netns);
        }
        try {
            hook.create();
            hook.attach(instance.program(program), FILTER_HANDLE, tcPriority);
            return hook;
        } catch (RuntimeException e) {
            hook.close();
            throw new IllegalStateException("cannot attach the TC flow counter to " + dev.name() + " "
                    + (ingress ? "ingress" : "egress") + " as tc filter pref " + tcPriority + " (the kernel refuses it if"
                    + " another tool has a filter of another kind at that priority: then choose another priority): "
                    + e.getMessage(), e);
        }
    }

    /**
     * The overflow reader. It reads the loss counters only after it handed over records: a failed
     * insert and a full ring both leave records in the ring, so a quiet ring means no new map-full
     * or ring-full loss, and an idle daemon reads no counter here. Losses that leave no record (a
     * frame without IP that found no per-EtherType slot) are logged from the next {@link #statistics()}.
     */
    private void readOverflow() {
        while (!closing) {
            try {
                int records = overflowRing.poll(pollMillis); // returns early only if the kernel woke us (ring filling up)
                records += overflowRing.consume();          // records submitted without a wake-up
                if (lossLog.shouldRead(records > 0) && !closing) {
                    lossLog.maybeLog(losses(), maxFlows());
                }
            } catch (RuntimeException e) {
                if (!closing) {
                    LOG.error("TC overflow reader failed; overflow records are no longer read", e);
                }
                return;
            }
        }
    }

    private void deliver(ByteBuffer sample, Consumer<UniFlow> sink) {
        UniFlow flow = FlowOverflowCodec.decode(sample, clock);
        overflowDelivered.incrementAndGet();
        sink.accept(flow);
    }

    private long counter(TcCounter c) {
        return counters.sumPerCpuU64(c.index);
    }

    private void requireOpen() {
        if (closing) {
            throw new IllegalStateException("TC flow monitor is closed");
        }
    }

    private static void closeQuietly(List<AutoCloseable> list) {
        for (AutoCloseable a : list) {
            try {
                a.close();
            } catch (Exception e) {
                LOG.warn("cannot remove TC attachment {}: {}", a, e.getMessage());
            }
        }
    }

    /** The counters the loss log watches. */
    private record Losses(long mapFull, long mapNoMem, long mapOtherError, long overflowLost, long nonIpLost) {
        long insertFailures() {
            return mapFull + mapNoMem + mapOtherError;
        }
    }

    /**
     * Logs growth of the loss counters, at most once per interval: counted always, logged rarely.
     * Fed by the overflow reader after it handed over records and by every {@link #statistics()}.
     */
    private static final class LossLog {
        private long lastLogNanos = System.nanoTime() - LOSS_LOG_INTERVAL_NANOS;
        private long loggedFailures;
        private long loggedLost;
        private long loggedNonIpLost;
        /** Records were handed over since the counters were last looked at. */
        private boolean recordsSinceRead;

        /** Whether the reader should read the counters now: records came, and a line could be logged. */
        synchronized boolean shouldRead(boolean records) {
            recordsSinceRead |= records;
            return recordsSinceRead && System.nanoTime() - lastLogNanos >= LOSS_LOG_INTERVAL_NANOS;
        }

        synchronized void maybeLog(Losses s, int maxFlows) {
            long now = System.nanoTime();
            if (now - lastLogNanos < LOSS_LOG_INTERVAL_NANOS) {
                return;
            }
            recordsSinceRead = false;
            if (s.insertFailures() > loggedFailures) {
                LOG.warn("TC flow map could not take {} more packets' flows (full: {}, ENOMEM: {}, other: {} so far;"
                        + " map size {}): they went through the overflow ring", s.insertFailures() - loggedFailures,
                        s.mapFull(), s.mapNoMem(), s.mapOtherError(), maxFlows);
                loggedFailures = s.insertFailures();
                lastLogNanos = now;
            }
            if (s.overflowLost() > loggedLost) {
                LOG.warn("TC overflow ring full: {} packets not accounted ({} so far)", s.overflowLost() - loggedLost,
                        s.overflowLost());
                loggedLost = s.overflowLost();
                lastLogNanos = now;
            }
            if (s.nonIpLost() > loggedNonIpLost) {
                LOG.warn("TC: {} frames without IP addresses found no slot in the per-EtherType map ({} so far)",
                        s.nonIpLost() - loggedNonIpLost, s.nonIpLost());
                loggedNonIpLost = s.nonIpLost();
                lastLogNanos = now;
            }
        }
    }
}
