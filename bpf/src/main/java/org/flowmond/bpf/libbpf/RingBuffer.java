package org.flowmond.bpf.libbpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libbpf's ring-buffer reader over one or more {@code BPF_MAP_TYPE_RINGBUF} maps, each with its own
 * Java {@link SampleHandler}.
 *
 * <p>The jnr-ffi callbacks are held in a field for the reader's whole life (libbpf keeps only a raw
 * function pointer; a collected callback would crash the JVM). Each sample is copied out of the
 * ring into a reused heap buffer before the handler sees it, so a view kept by mistake shows later
 * data instead of reading unmapped memory. {@link #poll}, {@link #consume} and {@link #close} are
 * serialised: close waits for a running poll before freeing the reader, and ends it at once with
 * {@link #wakeUp()} (an eventfd in the reader's epoll set, {@link WakeUpFd}), again and again until
 * the poller has let go: a polling loop may start its next poll between one wake-up and close's
 * turn on the lock. {@link #wakeUpIfPending} lets a thread that wakes anyway wake the poller only
 * when records wait ({@link RingPositions}).
 */
public final class RingBuffer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingBuffer.class);
    /** How long close waits for the lock before it wakes the poller again. */
    private static final long WAKE_RETRY_MILLIS = 5;

    private final Pointer rb;
    private final String description;
    /** Fair, so a close() waiting behind a polling loop gets the lock at the next poll boundary. */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final List<Callback> callbacks = new ArrayList<>();
    private final List<BpfObject> owners = new ArrayList<>();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    /**
     * Guards {@link #wakeUp} against the eventfd's close (its number could be reused at once) and
     * {@link #wakeUpIfPending} against the positions' unmapping (a read there would crash the JVM).
     */
    private final Object wakeLock = new Object();
    private WakeUpFd wakeUpFd;
    /** One per map, in the order added; guarded by {@link #wakeLock}. */
    private final List<RingPositions> positions = new ArrayList<>();
    private final RateLimitedLogger failureLog = new RateLimitedLogger(LOG, 10, TimeUnit.SECONDS);
    private boolean closed;

    private RingBuffer(Pointer rb, String description) {
        this.rb = rb;
        this.description = description;
    }

    /** A reader for {@code map}; add more maps with {@link #add}. Closed with the map's object at the latest. */
    public static RingBuffer open(BpfMap map, SampleHandler handler) {
        requireRingbuf(map);
        Callback cb = new Callback(map.name(), handler);
        Pointer p = Checked.ptr(Native.LIBBPF.ring_buffer__new(map.fd(), cb, null, null), "ring_buffer__new",
                map.name());
        RingBuffer ring = new RingBuffer(p, map.name());
        cb.ring = ring;
        ring.callbacks.add(cb);
        try {
            ring.wakeUpFd = WakeUpFd.addTo(Native.LIBBPF.ring_buffer__epoll_fd(p), map.name());
            ring.positions.add(RingPositions.map(map.fd(), map.name()));
        } catch (RuntimeException e) {
            Native.LIBBPF.ring_buffer__free(p);
            if (ring.wakeUpFd != null) {
                ring.wakeUpFd.close();
            }
            throw e;
        }
        ring.own(map.owner());
        return ring;
    }

    /** Adds another ring-buffer map with its handler to this reader. */
    public void add(BpfMap map, SampleHandler handler) {
        requireRingbuf(map);
        lock.lock();
        try {
            requireOpen();
            Callback cb = new Callback(map.name(), handler);
            cb.ring = this;
            callbacks.add(cb); // strongly referenced before libbpf can call it
            Checked.rc(Native.LIBBPF.ring_buffer__add(rb, map.fd(), cb, null), "ring_buffer__add", map.name());
            RingPositions added = RingPositions.map(map.fd(), map.name());
            synchronized (wakeLock) {
                positions.add(added);
            }
            own(map.owner());
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeoutMs} for data and handles what is there; returns the number of samples handled. */
    public int poll(int timeoutMs) {
        lock.lock();
        try {
            requireOpen();
            long before = samples.get();
            int rc = Native.LIBBPF.ring_buffer__poll(rb, timeoutMs);
            if (rc != -Errno.EINTR) {
                Checked.rc(rc, "ring_buffer__poll", description);
            }
            return (int) (samples.get() - before);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends a {@link #poll} under way in another thread at once, or the next one if none is (it then
     * returns without waiting); callable from any thread, a no-op once closed.
     */
    public void wakeUp() {
        synchronized (wakeLock) {
            if (wakeUpFd != null) {
                wakeUpFd.signal();
            }
        }
    }

    /**
     * Wakes the poller ({@link #wakeUp}) if any of the rings holds records it has not taken, read
     * from the rings' mapped positions without a system call; returns whether it did. A poller
     * that is woken this way by someone who checks regularly can wait with a long timeout. Callable
     * from any thread; false once closed.
     */
    public boolean wakeUpIfPending() {
        synchronized (wakeLock) {
            if (wakeUpFd == null) {
                return false;
            }
            for (RingPositions p : positions) {
                if (p.pendingBytes() != 0) {
                    wakeUpFd.signal();
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Handles every sample available now without waiting; returns how many. Called from another
     * thread than the poller's, it wakes a poll under way rather than wait for its timeout.
     */
    public int consume() {
        if (!lock.tryLock()) {
            lockWakingThePoller();
        }
        try {
            requireOpen();
            long before = samples.get();
            Checked.rc(Native.LIBBPF.ring_buffer__consume(rb), "ring_buffer__consume", description);
            return (int) (samples.get() - before); // libbpf 1.1's consume returns 0, not a count
        } finally {
            lock.unlock();
        }
    }

    /** An epoll fd that becomes readable when any ring has data (for an external event loop). */
    public int epollFd() {
        lock.lock();
        try {
            requireOpen();
            return Native.LIBBPF.ring_buffer__epoll_fd(rb);
        } finally {
            lock.unlock();
        }
    }

    /** Samples handed to handlers so far. */
    public long samples() {
        return samples.get();
    }

    /** Samples whose handler threw (each counted, logged with a rate limit, not propagated). */
    public long handlerFailures() {
        return handlerFailures.get();
    }

    /** Frees the reader; a poll under way in another thread is woken and waited for, then fails cleanly. */
    @Override
    public void close() {
        lockWakingThePoller();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Native.LIBBPF.ring_buffer__free(rb);
            synchronized (wakeLock) {
                wakeUpFd.close();
                wakeUpFd = null;
                positions.forEach(RingPositions::close);
                positions.clear();
            }
            callbacks.clear(); // only now may the callbacks be collected
        } finally {
            lock.unlock();
        }
        for (BpfObject o : owners) {
            o.removeDependent(this);
        }
    }

    @Override
    public String toString() {
        return "RingBuffer[" + description + "]";
    }

    /** Takes the lock, waking a poller every few milliseconds until it lets go (it may poll again in between). */
    private void lockWakingThePoller() {
        boolean interrupted = false;
        while (true) {
            wakeUp();
            try {
                if (lock.tryLock(WAKE_RETRY_MILLIS, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true; // closing anyway: the flag is restored below
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void own(BpfObject owner) {
        if (!owners.contains(owner)) {
            owner.addDependent(this);
            owners.add(owner);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static void requireRingbuf(BpfMap map) {
        if (map.type() != BpfMapType.RINGBUF) {
            throw new IllegalArgumentException("map " + map.name() + " is not a ring buffer (type " + map.type() + ")");
        }
    }

    /** The native callback of one map: copies the sample, calls the handler, never throws into C. */
    private static final class Callback implements LibBpfNative.RingBufferSampleFn {
        private final String mapName;
        private final SampleHandler handler;
        private RingBuffer ring;
        private byte[] buffer = new byte[256];

        Callback(String mapName, SampleHandler handler) {
            this.mapName = mapName;
            this.handler = handler;
        }

        @Override
        public int onSample(Pointer ctx, Pointer data, long size) {
            try {
                int n = (int) size;
                if (buffer.length < n) {
                    buffer = new byte[Math.max(n, buffer.length * 2)];
                }
                ring.samples.incrementAndGet();
                data.get(0, buffer, 0, n);
                handler.onSample(ByteBuffer.wrap(buffer, 0, n).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
            } catch (Throwable t) {
                ring.handlerFailures.incrementAndGet();
                try {
                    ring.failureLog.warn("ring buffer " + mapName + ": sample handler failed ("
                            + ring.handlerFailures.get() + " failures so far)", t);
                } catch (Throwable ignored) { // logging must not throw into C either
                }
            }
            return 0; // a negative value would stop ring_buffer__poll with that error
        }
    }
}
