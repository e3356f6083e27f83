package org.flowmond.daemon.container;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.flowmond.bpf.libbpf.RateLimitedLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup id → {@link ContainerIdentity}, resolved in user space once per cgroup and cached, never
 * per packet. A cgroup id is never reused while the system runs (kernfs ids only grow), so an
 * identity stays true for as long as it is cached; the cache is bounded (least recently used
 * entries go first, counted as evictions).
 *
 * <p>On a miss the path comes from, in this order: /proc/PID/cgroup of the process that was seen
 * in the cgroup (one file read and one stat, checked by inode); the last walk of the cgroup tree;
 * a new walk, at most once per {@code rescanInterval} — or once a second when a process was seen
 * in the cgroup but has exited since: a short-lived container's process (a server that exits
 * right after its one connection) is often gone before its event is handled, while its cgroup
 * is still there for a moment, and may be newer than the last walk. A cgroup none of them finds
 * (a process that exited and whose cgroup is gone, or a cgroup newer than the last walk) resolves
 * to {@link ContainerIdentity#unknown()}, counted; that answer is cached for one interval at most
 * (until the next walk, if one comes sooner), then the cgroup is looked up again.
 */
public final class ContainerResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerResolver.class);
    private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final ContainerIdentity UNKNOWN = ContainerIdentity.unknown();
    /** Least time between two walks for cgroups whose process was seen and is gone. */
    private static final long GONE_PROCESS_REWALK_NANOS = Duration.ofSeconds(1).toNanos();

    private final CgroupTree tree;
    private final int capacity;
    private final int scanLimit;
    private final long rescanNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<Long, Entry> cache;

    private CgroupTree.Scan lastScan = CgroupTree.Scan.empty();
    private long lastScanAt;
    private boolean scanned;
    private long lastUnresolvedLog;
    private long unresolvedSinceLog;
    /** Failed and truncated walks: the first logged at once, then at most one line a minute. */
    private final RateLimitedLogger walkProblems;

    private long hits;
    private long misses;
    private long evictions;
    private long scans;
    private long truncatedScans;
    private long failedScans;
    private long unresolved;

    private record Entry(ContainerIdentity identity, long resolvedAt) {
    }

    /**
     * @param capacity       cgroups kept in the cache
     * @param scanLimit      most cgroups one walk records
     * @param rescanInterval least time between two walks
     * @param nanoClock      monotonic nanoseconds ({@code System::nanoTime}; tests inject their own)
     */
    public ContainerResolver(CgroupTree tree, int capacity, int scanLimit, Duration rescanInterval,
                             LongSupplier nanoClock) {
        if (capacity < 1 || scanLimit < 1 || rescanInterval.isNegative()) {
            throw new IllegalArgumentException("capacity and scan limit must be positive, the interval not negative");
        }
        this.tree = tree;
        this.capacity = capacity;
        this.scanLimit = scanLimit;
        this.rescanNanos = rescanInterval.toNanos();
        this.nanoClock = nanoClock;
        this.cache = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
                if (size() > ContainerResolver.this.capacity) {
                    evictions++;
                    return true;
                }
                return false;
            }
        };
        this.lastUnresolvedLog = nanoClock.getAsLong() - LOG_EVERY_NANOS;
        this.walkProblems = new RateLimitedLogger(LOG, LOG_EVERY_NANOS, TimeUnit.NANOSECONDS, nanoClock);
    }

    /** The identity of cgroup {@code cgroupId}, with no process to ask. */
    public ContainerIdentity resolve(long cgroupId) {
        return resolve(cgroupId, 0);
    }

    /** The identity of cgroup {@code cgroupId}, in which process {@code pid} (0: none known) was seen. */
    public synchronized ContainerIdentity resolve(long cgroupId, int pid) {
        long now = nanoClock.getAsLong();
        Entry entry = cache.get(cgroupId);
        if (entry != null && (entry.identity() != UNKNOWN || stillUnknown(entry, now))) {
            hits++;
            return entry.identity();
        }
        misses++;
        Optional<String> path = pid > 0 ? tree.pathOfProcess(pid, cgroupId) : Optional.empty();
        if (path.isEmpty()) {
            path = lastScan.pathOf(cgroupId);
        }
        if (path.isEmpty() && walkDue(pid > 0, now)) {
            rescan(now);
            path = lastScan.pathOf(cgroupId);
        }
        ContainerIdentity identity = path.map(CgroupLayouts::identify).orElse(UNKNOWN);
        if (identity == UNKNOWN) {
            countUnresolved(cgroupId, now);
        }
        cache.put(cgroupId, new Entry(identity, now));
        return identity;
    }

    /** An "unknown" answer stands for one interval, unless a walk was made since (it may know the cgroup now). */
    private boolean stillUnknown(Entry entry, long now) {
        return now - entry.resolvedAt() < rescanNanos && lastScanAt - entry.resolvedAt() <= 0;
    }

    /** Whether a miss may walk the tree now; sooner when a process was seen in the cgroup (it exited since). */
    private boolean walkDue(boolean processSeen, long now) {
        long since = now - lastScanAt;
        return !scanned || since >= rescanNanos
                || (processSeen && since >= Math.min(rescanNanos, GONE_PROCESS_REWALK_NANOS));
    }

    private void rescan(long now) {
        lastScanAt = now;
        scanned = true;
        scans++;
        try {
            lastScan = tree.scan(scanLimit);
        } catch (UncheckedIOException e) {
            failedScans++;
            walkProblems.warn("cannot walk the cgroup tree under " + tree.mount() + " (" + e.getCause()
                    + "): cgroups not seen before are not resolved to containers until a walk succeeds", null);
            return;
        }
        if (lastScan.truncated()) {
            truncatedScans++;
            walkProblems.warn("the cgroup tree under " + tree.mount() + " has more than " + scanLimit
                    + " cgroups: the walk stopped there, cgroups past it are not resolved to containers (counted as "
                    + "unresolved)", null);
        }
    }

    private void countUnresolved(long cgroupId, long now) {
        unresolved++;
        unresolvedSinceLog++;
        if (now - lastUnresolvedLog >= LOG_EVERY_NANOS) {
            LOG.info("{} cgroup(s) not found under {} (gone before they were looked up, or newer than the last walk), "
                    + "e.g. id {}: their flows carry no container", unresolvedSinceLog, tree.mount(), cgroupId);
            lastUnresolvedLog = now;
            unresolvedSinceLog = 0;
        }
    }

    public synchronized ResolverStatistics statistics() {
        return new ResolverStatistics(hits, misses, evictions, scans, truncatedScans, failedScans, unresolved,
                cache.size());
    }
}
