package org.flowmond.bpf.owner;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.flowmond.bpf.api.SocketOwner;
import org.flowmond.bpf.libbpf.BpfLink;
import org.flowmond.bpf.libbpf.BpfMap;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.BpfProgram;
import org.flowmond.bpf.libbpf.CgroupRoot;
import org.flowmond.bpf.libbpf.KernelBtf;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.bpf.libbpf.LibBpfLog;
import org.flowmond.bpf.libbpf.LittleEndian;
import org.flowmond.bpf.libbpf.MapEntries;
import org.flowmond.bpf.libbpf.SocketCookies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which process owns each TCP and UDP socket, kept in the kernel by {@code sock_owner.bpf.o}
 * (see its header comment for the hooks and what each kernel version has): owners per socket
 * cookie, bound endpoints and connection 5-tuples, in maps that the TC flow counter reuses
 * ({@link #shareMapsWith}) to stamp owners into flow entries.
 *
 * <p>Life: {@link #open} (load, attach at the cgroup v2 root and the send/receive tracepoints) →
 * {@link #seedExisting()} (sockets open before) → open the TC monitor with this → {@link #close()}.
 * Attachments are BPF links held by this process: a SIGKILL leaves nothing attached.
 */
public final class SocketOwnership implements AutoCloseable {
    public static final String OBJECT_RESOURCE = "/bpf/sock_owner.bpf.o";
    /** The maps the TC object shares by descriptor (same names and definitions, owner_maps.bpf.h). */
    public static final List<String> SHARED_MAPS = List.of("sock_owners", "owner_endpoints", "owner_tuples", "owner_addr_netns",
            "owner_counters");
    /** The shared maps sized by entries (a TC object without ownership shrinks them to one). */
    public static final List<String> SHARED_HASH_MAPS = List.of("sock_owners", "owner_endpoints", "owner_tuples", "owner_addr_netns");
    /** Tracepoints of Linux 6.4+ (every send/receive, process context). */
    static final List<String> SEND_RECV_PROGRAMS = List.of("owner_send_length", "owner_recv_length");
    /**
     * The cgroup hooks of UDP receives that ask for the sender's address, only for kernels without
     * those tracepoints: the kernel takes the socket's lock around them for every datagram, and on
     * 6.4+ sock_recv_length names the receiver. (The sendmsg hooks stay: they name an unconnected
     * socket's sender before its datagram leaves, which the tracepoint, run when the call returns,
     * cannot.)
     */
    static final List<String> UDP_RECEIVE_PROGRAMS = List.of("owner_recvmsg4", "owner_recvmsg6");
    private static final String SEED_PROGRAM = "owner_seed";
    private static final int SEED_MISS_SIZE = 8;
    private static final Logger LOG = LoggerFactory.getLogger(SocketOwnership.class);

    private final BpfObject object;
    private final List<String> hooks;
    private final boolean canSeed;

    private SocketOwnership(BpfObject object, List<String> hooks, boolean canSeed) {
        this.object = object;
        this.hooks = List.copyOf(hooks);
        this.canSeed = canSeed;
    }

    /**
     * Loads the ownership object and attaches its hooks; logs which hooks were chosen and why.
     *
     * @throws org.flowmond.bpf.libbpf.LibBpfException a program does not load or attach here (e.g.
     *         cgroup/sock_release before Linux 5.9), naming call, program and errno
     * @throws IllegalStateException                     no cgroup v2 file system is mounted
     */
    public static SocketOwnership open(SocketOwnershipOptions options) {
        // libbpf's warnings about a refused load go to DEBUG: the exception carries libbpf's log tail,
        // and a refused iterator is an expected degradation, logged below in one line
        try (LibBpfLog.AutoCloseableNoThrow quiet = LibBpfLog.demoteWarnings()) {
            return open(options, true);
        } catch (LibBpfException e) {
            if (!e.getMessage().contains("'" + SEED_PROGRAM + "'")) {
                throw e;
            }
            // the iterator needs bpf_sock_from_file (5.11) and task_file iterators; the hooks may still load
            LOG.info("socket ownership: the start-up scan (a socket iterator: Linux 5.11+) does not load on this kernel"
                    + " (libbpf: {}); sockets open before the start stay without owner (unless a later hook sees them:"
                    + " sendto, recvfrom, send/receive on 6.4+)", seedFailure(e.getMessage()));
            return open(options, false);
        }
    }

    /** libbpf's line about the iterator program, the most telling of its log tail. */
    private static String seedFailure(String message) {
        return message.lines().filter(l -> l.contains(SEED_PROGRAM)).map(String::strip).findFirst()
                .orElse(message.lines().findFirst().orElse(""));
    }

    private static SocketOwnership open(SocketOwnershipOptions options, boolean seed) {
        BpfObject object = BpfObject.openResource(OBJECT_RESOURCE);
        try {
            object.map("sock_owners").setMaxEntries(options.maxSockets());
            object.map("owner_tuples").setMaxEntries(options.maxSockets());
            object.map("owner_endpoints").setMaxEntries(options.maxEndpoints());
            object.map("bound_endpoints").setMaxEntries(options.maxEndpoints());
            boolean sendRecv = kernelHasSendRecvTracepoints();
            for (String name : SEND_RECV_PROGRAMS) {
                object.program(name).setAutoload(sendRecv);
            }
            for (String name : UDP_RECEIVE_PROGRAMS) {
                object.program(name).setAutoload(!sendRecv);
            }
            object.program(SEED_PROGRAM).setAutoload(seed);
            object.load();
            List<String> hooks = attach(object);
            if (!sendRecv) {
                LOG.info("socket ownership: no sock:sock_send_length/sock_recv_length tracepoints (Linux < 6.4):"
                        + " accepted TCP sockets keep their listener's owner and a socket shared by several"
                        + " processes keeps the one that connected or bound it");
            }
            LOG.info("socket ownership: {} sockets at most, hooks {}", options.maxSockets(), hooks);
            return new SocketOwnership(object, hooks, seed);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    private static boolean kernelHasSendRecvTracepoints() {
        return KernelBtf.rememberedTypeId("btf_trace_sock_send_length", KernelBtf.KIND_TYPEDEF) > 0
                && KernelBtf.rememberedTypeId("btf_trace_sock_recv_length", KernelBtf.KIND_TYPEDEF) > 0;
    }

    /** cgroup programs at the cgroup v2 root, tp_btf programs at their tracepoints; the iterator runs on demand. */
    private static List<String> attach(BpfObject object) {
        List<String> hooks = new ArrayList<>();
        try (CgroupRoot root = CgroupRoot.open()) {
            for (BpfProgram program : object.programs()) {
                String section = program.sectionName();
                if (!program.autoload() || program.name().equals(SEED_PROGRAM)) {
                    continue;
                }
                if (section.startsWith("cgroup") || section.equals("sockops")) { // cgroup/..., cgroup_skb/...
                    program.attachCgroup(root.fd());
                } else {
                    program.attachTrace();
                }
                hooks.add(section);
            }
            LOG.debug("socket ownership: cgroup programs attached at {}", root.path());
        }
        return hooks;
    }

    /** Whether this kernel runs the start-up scan ({@link #seedExisting()}; the socket iterator, 5.11+). */
    public boolean canSeedExisting() {
        return canSeed;
    }

    /**
     * Writes the owners of the TCP and UDP sockets open now (every process, every network namespace;
     * method EXISTING unless a hook already recorded one), their endpoints and 5-tuples. Run after
     * {@link #open} so that no socket falls between the scan and the hooks.
     *
     * @return sockets the scan could not record: closed in between, or no cookie could be made
     */
    public int seedExisting() {
        if (!canSeed) {
            return 0; // logged at open: this kernel cannot run the scan
        }
        List<int[]> misses = runSeed();
        if (misses.isEmpty()) {
            return 0;
        }
        for (int[] miss : misses) { // sockets nobody asked a cookie of yet: have the kernel make one
            OptionalLong cookie = SocketCookies.cookieOf(miss[0], miss[1]);
            LOG.trace("socket ownership: cookie of pid {} fd {}: {}", miss[0], miss[1], cookie);
        }
        List<int[]> left = runSeed();
        if (!left.isEmpty()) {
            LOG.info("socket ownership: {} sockets of the start-up scan have no cookie (closed during the scan?)", left.size());
        }
        return left.size();
    }

    private List<int[]> runSeed() {
        byte[] out;
        try (BpfLink link = object.program(SEED_PROGRAM).attachIter()) {
            out = link.readIter();
        }
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> misses = new ArrayList<>();
        for (int at = 0; at + SEED_MISS_SIZE <= out.length; at += SEED_MISS_SIZE) {
            misses.add(new int[] {b.getInt(at), b.getInt(at + 4)});
        }
        return misses;
    }

    /** Every socket's owner now, by socket cookie (diagnostics and tests). */
    public Map<Long, SocketOwner> owners() {
        MapEntries all = object.map("sock_owners").readAll();
        Map<Long, SocketOwner> owners = new HashMap<>();
        for (int i = 0; i < all.count(); i++) {
            owners.put(LittleEndian.getU64(all.key(i), 0), SocketOwnerCodec.decode(all.value(i)));
        }
        return owners;
    }

    /** The owner recorded for the socket with this cookie, or null. */
    public SocketOwner ownerOf(long cookie) {
        byte[] value = new byte[SocketOwnerCodec.SIZE];
        return object.map("sock_owners").lookup(LittleEndian.u64(cookie), value) ? SocketOwnerCodec.decode(value) : null;
    }

    /**
     * Before {@code other} is loaded: its maps named in {@link #SHARED_MAPS} become these maps
     * (bpf_map__reuse_fd), so its programs read and write the same owners.
     */
    public void shareMapsWith(BpfObject other) {
        for (String name : SHARED_MAPS) {
            other.map(name).reuseFd(object.map(name).fd());
        }
    }

    /** Kernel counters summed over CPUs, and the hooks attached. */
    public OwnershipStatistics statistics() {
        BpfMap counters = object.map("owner_counters");
        return new OwnershipStatistics(
                counters.sumPerCpuU64(OwnerCounter.OWNER_FULL.index),
                counters.sumPerCpuU64(OwnerCounter.ENDPOINT_FULL.index),
                counters.sumPerCpuU64(OwnerCounter.TUPLE_FULL.index),
                counters.sumPerCpuU64(OwnerCounter.NO_OWNER_SOCKET.index),
                counters.sumPerCpuU64(OwnerCounter.NO_OWNER_ADDR.index),
                counters.sumPerCpuU64(OwnerCounter.SEEDED.index),
                counters.sumPerCpuU64(OwnerCounter.AMBIGUOUS.index),
                object.recursionMisses(),
                hooks);
    }

    /** The hooks attached, as their section names (e.g. {@code cgroup/connect4}). */
    public List<String> hooks() {
        return hooks;
    }

    /** Detaches every hook and frees the maps (a TC object sharing them keeps its own references). */
    @Override
    public void close() {
        object.close();
    }

    /** {@code enum flowmon_owner_counter} in flowmon.h. */
    private enum OwnerCounter {
        OWNER_FULL(0),
        ENDPOINT_FULL(1),
        TUPLE_FULL(2),
        NO_OWNER_SOCKET(3),
        NO_OWNER_ADDR(4),
        SEEDED(5),
        AMBIGUOUS(6);

        final int index;

        OwnerCounter(int index) {
            this.index = index;
        }
    }
}
