package org.flowmond.bpf.libbpf;

import jnr.ffi.Pointer;

/**
 * One map of a {@link BpfObject}. Before load only its definition can change
 * ({@link #setMaxEntries}); after load, element operations go through the map's file descriptor
 * (the bpf() syscall wrappers), so a use after the object is closed fails cleanly instead of
 * touching freed libbpf memory.
 *
 * <p>Keys and values are byte arrays in host byte order ({@link LittleEndian}). Their lengths are
 * checked against the map: {@link #keySize()}, and {@link #valueBufferSize()} for values, which for
 * per-CPU maps is {@code roundup(valueSize, 8) × possibleCpus()}.
 */
public final class BpfMap {
    /** Update flags of {@code bpf_map_update_elem}. */
    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    public static final long BPF_EXIST = 2;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BpfMap.class);
    private static final int POSSIBLE_CPUS = Checked.rc(Native.LIBBPF.libbpf_num_possible_cpus(),
            "libbpf_num_possible_cpus", "system");
    /** The kernel refused lookup-and-delete on this map once: read and delete separately from then on. */
    private volatile boolean separateLookupAndDelete;

    private final BpfObject owner;
    private final Pointer map;
    private final String name;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final boolean internal;
    /** The batch reads' native buffers, kept between reads; null while a read holds them (or before the first). */
    private final java.util.concurrent.atomic.AtomicReference<ChunkBuffers> spareChunkBuffers =
            new java.util.concurrent.atomic.AtomicReference<>();

    BpfMap(BpfObject owner, Pointer map) {
        this.owner = owner;
        this.map = map;
        this.name = Native.LIBBPF.bpf_map__name(map);
        this.type = Native.LIBBPF.bpf_map__type(map);
        this.keySize = Native.LIBBPF.bpf_map__key_size(map);
        this.valueSize = Native.LIBBPF.bpf_map__value_size(map);
        this.internal = Native.LIBBPF.bpf_map__is_internal(map);
    }

    /** Number of possible CPUs: the length of every per-CPU value array. */
    public static int possibleCpus() {
        return POSSIBLE_CPUS;
    }

    public String name() {
        return name;
    }

    /** {@code enum bpf_map_type}, e.g. 1 = hash, 27 = ring buffer. */
    public int type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public boolean isPerCpu() {
        return BpfMapType.isPerCpu(type);
    }

    /** Bytes of one value as user space reads it: per-CPU maps hold one 8-byte-aligned slot per possible CPU. */
    public int valueBufferSize() {
        return isPerCpu() ? ((valueSize + 7) & ~7) * POSSIBLE_CPUS : valueSize;
    }

    public boolean isInternal() {
        return internal;
    }

    public int maxEntries() {
        owner.requireOpen("read max_entries of map " + name);
        return Native.LIBBPF.bpf_map__max_entries(map);
    }

    /** Sizes the map before load, e.g. the flow table from configuration. */
    public void setMaxEntries(int maxEntries) {
        owner.requireOpenNotLoaded("set max_entries of map " + name);
        Checked.rc(Native.LIBBPF.bpf_map__set_max_entries(map, maxEntries), "bpf_map__set_max_entries",
                name + ", " + maxEntries);
    }

    /**
     * Before load: makes this map the kernel map behind {@code fd} (another object's), so both
     * objects' programs share it. Type, key, value size and max_entries must match the definition,
     * or the load fails; libbpf dups the descriptor, the caller keeps its own.
     */
    public void reuseFd(int fd) {
        owner.requireOpenNotLoaded("reuse a descriptor for map " + name);
        Checked.rc(Native.LIBBPF.bpf_map__reuse_fd(map, fd), "bpf_map__reuse_fd", name + ", fd " + fd);
    }

    public int fd() {
        owner.requireLoaded("use map " + name);
        return Checked.rc(Native.LIBBPF.bpf_map__fd(map), "bpf_map__fd", name);
    }

    /** Copies the value of {@code key} into {@code value}; false if the key is absent. */
    public boolean lookup(byte[] key, byte[] value) {
        checkSizes(key, value);
        return found(Native.LIBBPF.bpf_map_lookup_elem(fd(), key, value), "bpf_map_lookup_elem");
    }

    /**
     * Reads and removes {@code key} atomically, so no increment between read and delete is lost.
     * Hash maps have the combined operation since Linux 5.14 ("bpf: Add lookup_and_delete_elem
     * support to hashtab"); where the kernel refuses it (ENOTSUPP, e.g. Debian 11's 5.10) the value
     * is read, then deleted, and an increment made between the two is lost — said once in the log.
     */
    public boolean lookupAndDelete(byte[] key, byte[] value) {
        checkSizes(key, value);
        if (!separateLookupAndDelete) {
            int rc = Native.LIBBPF.bpf_map_lookup_and_delete_elem(fd(), key, value);
            if (rc != -Errno.ENOTSUPP && rc != -Errno.EOPNOTSUPP) {
                return found(rc, "bpf_map_lookup_and_delete_elem");
            }
            separateLookupAndDelete = true;
            LOG.info("map {}: this kernel has no lookup-and-delete for it (hash maps: Linux 5.14+); values are read,"
                    + " then deleted, and an update between the two is not seen", name);
        }
        if (!lookup(key, value)) {
            return false;
        }
        delete(key);
        return true;
    }

    /** Removes {@code key}; false if it was absent. */
    public boolean delete(byte[] key) {
        checkKey(key);
        return found(Native.LIBBPF.bpf_map_delete_elem(fd(), key), "bpf_map_delete_elem");
    }

    /** Writes {@code key → value}; {@code flags} is {@link #BPF_ANY}, {@link #BPF_NOEXIST} or {@link #BPF_EXIST}. */
    public void update(byte[] key, byte[] value, long flags) {
        checkSizes(key, value);
        Checked.rc(Native.LIBBPF.bpf_map_update_elem(fd(), key, value, flags), "bpf_map_update_elem", name);
    }

    /** The key after {@code key} ({@code null}: the first key) into {@code next}; false at the end. */
    public boolean nextKey(byte[] key, byte[] next) {
        if (key != null) {
            checkKey(key);
        }
        checkKey(next);
        return found(Native.LIBBPF.bpf_map_get_next_key(fd(), key, next), "bpf_map_get_next_key");
    }

    /** Per-CPU u64 counter at array {@code index}, one element per possible CPU. */
    public long[] lookupPerCpuU64(int index) {
        if (!isPerCpu() || valueSize != 8) {
            throw new IllegalStateException("map " + name + " is not a per-CPU map of u64 (type " + type
                    + ", value size " + valueSize + ")");
        }
        byte[] raw = new byte[valueBufferSize()];
        long[] perCpu = new long[POSSIBLE_CPUS];
        if (lookup(LittleEndian.u32(index), raw)) {
            for (int cpu = 0; cpu < POSSIBLE_CPUS; cpu++) {
                perCpu[cpu] = LittleEndian.getU64(raw, cpu * 8);
            }
        }
        return perCpu;
    }

    /** Sum over CPUs of the per-CPU u64 counter at {@code index}. */
    public long sumPerCpuU64(int index) {
        long sum = 0;
        for (long v : lookupPerCpuU64(index)) {
            sum += v;
        }
        return sum;
    }

    /** Pins the loaded map at {@code path} on a bpffs (see {@link BpfFs}), so it outlives this process. */
    public void pin(String path) {
        owner.requireLoaded("pin map " + name);
        Checked.rc(Native.LIBBPF.bpf_map__pin(map, path), "bpf_map__pin", name + " at " + path);
    }

    /** Removes the pin at {@code path}. */
    public void unpin(String path) {
        owner.requireLoaded("unpin map " + name);
        Checked.rc(Native.LIBBPF.bpf_map__unpin(map, path), "bpf_map__unpin", name + " at " + path);
    }

    /**
     * Reads every entry, with {@code bpf_map_lookup_batch} where the kernel supports it for this map
     * type, else with get_next_key + lookup. A snapshot: entries changing meanwhile may be missed or,
     * in the fallback, seen twice.
     */
    public MapEntries readAll() {
        return MapBatchReader.readAll(this, false);
    }

    /** As {@link #readAll()} but never batched: the fallback path, public so it can be compared. */
    public MapEntries readAllOneByOne() {
        return MapBatchReader.readAll(this, true);
    }

    /**
     * As {@link #readAll()}, but hands the entries over in chunks (up to 256 entries each) as they
     * are read, so a large map is not held in memory at once. A chunk is valid only until {@code sink}
     * returns (see {@link MapEntries}). Returns whether the batch syscall was used.
     */
    public boolean forEachChunk(java.util.function.Consumer<MapEntries> sink) {
        return MapBatchReader.forEachChunk(this, false, sink);
    }

    /**
     * Removes every entry, handing them over in chunks (up to 256 entries each) as they were when
     * removed ({@code bpf_map_lookup_and_delete_batch}: each entry read and deleted in one step, so no
     * increment between the two is lost). Returns false, having removed nothing, where the kernel
     * has no batch operations for this map type (before Linux 5.6). An entry inserted meanwhile
     * into a part of the map already passed stays in the map. A chunk is valid only until {@code sink}
     * returns (see {@link MapEntries}).
     */
    public boolean removeEachChunk(java.util.function.Consumer<MapEntries> sink) {
        return MapBatchReader.removeEachChunk(this, sink);
    }

    /** The buffers a batch read works in: this map's spare ones, or new ones while another read holds those. */
    ChunkBuffers takeChunkBuffers() {
        ChunkBuffers b = spareChunkBuffers.getAndSet(null);
        return b != null ? b : new ChunkBuffers(MapBatchReader.CHUNK, keySize(), valueBufferSize());
    }

    /** Keeps {@code b} for the next batch read. */
    void returnChunkBuffers(ChunkBuffers b) {
        spareChunkBuffers.set(b);
    }

    @Override
    public String toString() {
        return "BpfMap[" + name + ", type " + type + ", key " + keySize + ", value " + valueSize + "]";
    }

    Pointer pointer() {
        owner.requireOpen("use map " + name);
        return map;
    }

    BpfObject owner() {
        return owner;
    }

    private boolean found(int rc, String call) {
        if (rc == -Errno.ENOENT) {
            return false;
        }
        Checked.rc(rc, call, name);
        return true;
    }

    private void checkKey(byte[] key) {
        if (key.length != keySize) {
            throw new IllegalArgumentException("map " + name + " has " + keySize + "-byte keys, not " + key.length);
        }
    }

    private void checkSizes(byte[] key, byte[] value) {
        checkKey(key);
        if (value.length != valueBufferSize()) {
            throw new IllegalArgumentException("map " + name + " needs a " + valueBufferSize() + "-byte value buffer"
                    + (isPerCpu() ? " (per-CPU: " + POSSIBLE_CPUS + " CPUs)" : "") + ", not " + value.length);
        }
    }
}
