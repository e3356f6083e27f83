package org.flowmond.bpf.libbpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal BTF of the running kernel for flowmond's BPF objects: only the vmlinux types their CO-RE
 * relocations need ({@code bpftool gen min_core_btf}), a few kilobytes. An object opened with it
 * ({@code btf_custom_path} in {@code bpf_object_open_opts}) is relocated against that file instead of
 * vmlinux BTF (5.5 MB on 6.x, 50–100 ms of fresh memory per parse here; libbpf 1.1 parses it once per
 * object and cannot share a parse between objects). libbpf 1.1 still parses vmlinux for an object with
 * an autoloaded tracing program (fentry/fexit, tp_btf, iter: their attach point's type id) or a typed
 * ksym; for the others (tc, cgroup, kprobe, tracepoint) the minimal BTF replaces the parse. With a
 * target BTF given, libbpf looks for relocation candidates in that file only, never in module BTFs.
 *
 * <p>This class is the process's side: which cache directory it uses ({@link #cacheDirectory}, default
 * {@value #DEFAULT_CACHE}), the look-up of this kernel's entry at start-up (a {@link MinCoreBtfEntry}:
 * the file, its manifest and how they are keyed and made), and which file objects open with. An object
 * is opened with the file only when its bytes are one of the objects the file was made from (size and
 * CRC-32), so a test object or a replaced jar never meets a BTF made without it.
 *
 * <p>Missing (a new kernel or jar) or corrupt (the hash or libbpf's parse fails: removed, one warning):
 * the objects load against vmlinux BTF as without a cache; nothing is lost, start-up is slower.
 * {@link #makeInBackground} then makes it after start-up, for the next start. Without bpftool there is
 * no cache (one info line). {@code java -cp flowmond.jar org.flowmond.bpf.libbpf.MinCoreBtf [DIR]}
 * makes it at once.
 */
public final class MinCoreBtf {
    /** Every BPF object of the bpf module that the daemon may open (MinCoreBtfTest checks the list). */
    public static final List<String> SHIPPED_OBJECTS = List.of(
            "/bpf/tc_flow.bpf.o", "/bpf/tc_flow_noatomics.bpf.o", "/bpf/sock_owner.bpf.o",
            "/bpf/sock_fentry.bpf.o", "/bpf/sock_kprobe.bpf.o", "/bpf/sock_rawtp.bpf.o",
            "/bpf/sock_state.bpf.o", "/bpf/sock_tp.bpf.o", "/bpf/sock_iter.bpf.o");
    static final String DEFAULT_CACHE = "/var/cache/flowmond";
    /** The cache directory; empty turns the cache off. */
    public static final String CACHE_ENV = "FLOWMOND_CACHE_DIR";
    /** Set by systemd for a unit with {@code CacheDirectory=}. */
    static final String SYSTEMD_CACHE_ENV = "CACHE_DIRECTORY";

    /**
     * The logger, made at the first message: {@link #configure} runs on the main thread before logging
     * is set up, and must not set it up there (the warm-up thread would start later).
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(MinCoreBtf.class);
    }


    private static Path configuredDir;
    private static boolean lookedUp;
    private static MinCoreBtfEntry configured;
    /** In use: the file and the objects it was made from. */
    private static volatile Active active;
    private static boolean toMake;
    private static boolean linesHeld;
    private static final List<Runnable> heldLines = new ArrayList<>();

    private record Active(String path, Set<MinCoreBtfEntry.ObjectId> objects) {
    }

    /**
     * The cache directory: {@value #CACHE_ENV} (empty: no cache), else systemd's {@code CACHE_DIRECTORY},
     * else {@value #DEFAULT_CACHE}; empty for no cache.
     */
    public static Optional<Path> cacheDirectory(Map<String, String> env) {
        String dir = env.get(CACHE_ENV);
        if (dir == null) {
            dir = env.getOrDefault(SYSTEMD_CACHE_ENV, DEFAULT_CACHE).split(":")[0];
        }
        return dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /**
     * Sets the cache of this process for {@link #SHIPPED_OBJECTS} (empty: none, and none in use); it is
     * looked up by {@link #lookUpConfigured} or, at the latest, when the first BPF object opens.
     */
    public static synchronized void configure(Optional<Path> dir) {
        configuredDir = dir.orElse(null);
        lookedUp = false;
        configured = null;
        active = null;
        toMake = false;
        linesHeld = false;
        heldLines.clear();
    }

    /** Looks the configured cache up once, logging what start-up uses; later calls do nothing. */
    public static synchronized void lookUpConfigured() {
        if (lookedUp || configuredDir == null) {
            return;
        }
        lookedUp = true;
        try {
            configured = MinCoreBtfEntry.in(configuredDir, SHIPPED_OBJECTS);
        } catch (IOException | RuntimeException e) {
            say(() -> Log.LOG.info("BTF: no minimal BTF ({}): the BPF objects load against vmlinux BTF", e.toString()));
            return;
        }
        Optional<Path> found = configured.lookUp();
        if (found.isPresent()) {
            activate(configured);
            Path btf = found.get();
            say(() -> Log.LOG.info("BTF: CO-RE relocations against {}, the minimal BTF of this kernel for flowmond's"
                    + " objects (vmlinux BTF is parsed only for tracing programs' attach points)", btf));
        } else if (MinCoreBtfEntry.findBpftool().isEmpty()) {
            Path dir = configuredDir;
            say(() -> Log.LOG.info("BTF: no bpftool: the BPF objects load against vmlinux BTF, one parse each (slower"
                    + " start-up; with bpftool a minimal BTF per kernel is made once in {})", dir));
        } else {
            toMake = true;
            Path dir = configuredDir;
            say(() -> Log.LOG.info("BTF: no minimal BTF for this kernel in {} yet: the BPF objects load against vmlinux"
                    + " BTF; it is made after start-up, for the next start", dir));
        }
    }

    /**
     * Holds the look-up's lines (see {@link #say}) until {@link #releaseLines}: a start-up that stops on its
     * configuration or a busy port says so in its one line, with nothing of the cache before it.
     */
    public static synchronized void holdLines() {
        linesHeld = true;
    }

    /** Logs the held lines, and every later one at once. */
    public static synchronized void releaseLines() {
        linesHeld = false;
        heldLines.forEach(Runnable::run);
        heldLines.clear();
    }

    /** Logs {@code line} now, or when released while lines are held. */
    static synchronized void say(Runnable line) {
        if (linesHeld) {
            heldLines.add(line);
        } else {
            line.run();
        }
    }

    private static void activate(MinCoreBtfEntry cache) {
        active = new Active(cache.file().toString(), cache.objectIds());
    }

    /** The minimal BTF in use, if any. */
    public static Optional<Path> inUse() {
        Active a = active;
        return a == null ? Optional.empty() : Optional.of(Path.of(a.path()));
    }

    /** The minimal BTF to open {@code elf} with, or null: none in use, or it was not made with this object. */
    static String customPathFor(byte[] elf) {
        lookUpConfigured();
        Active a = active;
        return a != null && a.objects().contains(MinCoreBtfEntry.idOf(elf)) ? a.path() : null;
    }

    /**
     * Makes the configured cache's minimal BTF on a background thread when the look-up found none (and
     * bpftool is there), and uses it for the objects opened after that; otherwise does nothing.
     */
    public static synchronized void makeInBackground() {
        if (!toMake) {
            return;
        }
        toMake = false;
        MinCoreBtfEntry cache = configured;
        Thread t = new Thread(() -> makeAndUse(cache), "flowmond-min-core-btf");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void makeAndUse(MinCoreBtfEntry cache) {
        long t0 = System.nanoTime();
        try {
            Path made = cache.make();
            synchronized (MinCoreBtf.class) {
                if (configured == cache) {
                    activate(cache);
                }
            }
            Log.LOG.info("BTF: made {} ({} bytes) in {} ms: BPF objects opened from now on, and the next start,"
                    + " relocate against it instead of parsing vmlinux BTF", made, Files.size(made),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (IOException | RuntimeException e) {
            Log.LOG.info("BTF: the minimal BTF was not made ({}): start-up keeps parsing vmlinux BTF", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A key of the running kernel as the cache's entries are keyed (release, version string, build id
     * or vmlinux BTF's time, its size), hashed to 16 hex digits; for other remembered facts of a kernel.
     */
    public static String kernelKey() throws IOException {
        return MinCoreBtfEntry.kernelKey();
    }

    /** The cache directory this process was configured with ({@link #configure}), if any. */
    public static synchronized Optional<Path> configuredDirectory() {
        return Optional.ofNullable(configuredDir);
    }

    /** Makes the minimal BTF now: {@code java -cp flowmond.jar org.flowmond.bpf.libbpf.MinCoreBtf [DIR]}. */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0])
                : cacheDirectory(System.getenv()).orElseThrow(() -> new IllegalArgumentException(CACHE_ENV + " is empty"));
        MinCoreBtfEntry cache = MinCoreBtfEntry.in(dir, SHIPPED_OBJECTS);
        System.out.println(cache.lookUp().isPresent() ? cache.file() + " (there already)" : cache.make());
    }
}
