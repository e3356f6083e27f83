package org.flowmond.daemon;

import org.flowmond.bpf.libbpf.KernelBtf;
import org.flowmond.bpf.libbpf.MinCoreBtf;

/**
 * Loads jnr-ffi, libbpf and libc on a thread of its own while the main thread sets up logging and
 * reads the configuration: jnr-ffi's start (its native stub unpacked to /tmp, the library path
 * read, a Java proxy class generated for each library) is a tenth of start-up, on the critical
 * path when the first BPF object opens. Nothing is checked here: a failure is ignored, and
 * {@link Preflight} reports a missing libbpf.so.1 on the main thread as before. (A libbpf.so.1
 * lacking one of flowmond's symbols then fails start-up, exit status 1, with the JVM's
 * NoClassDefFoundError naming the class instead of its ExceptionInInitializerError.)
 * Then it looks up this kernel's minimal BTF in the cache ({@link MinCoreBtf}; the directory from
 * {@code FLOWMOND_CACHE_DIR}, systemd's {@code CACHE_DIRECTORY} or /var/cache/flowmond), which spares
 * libbpf a parse of vmlinux BTF for each object that needs it only for CO-RE, and brings the answers
 * to the questions about kernel types that the TC monitor, the syscall probes and the socket ownership
 * ask later on the start-up path. Without it those are answered in one parse of vmlinux BTF
 * (~100 ms); a failure there (no BTF) is ignored too and met again where the answer is needed.
 * {@link #afterStart} makes a missing minimal BTF in the background, for the next start.
 */
final class NativeWarmUp {
    /** The bpf module's holder of the loaded libraries (package-private there: named, not linked). */
    static final String NATIVE = "org.flowmond.bpf.libbpf.Native";

    private NativeWarmUp() {
    }

    static void start() {
        MinCoreBtf.configure(MinCoreBtf.cacheDirectory(System.getenv()));
        MinCoreBtf.holdLines();
        Thread t = new Thread(NativeWarmUp::load, "flowmond-native-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static void load() {
        try {
            Class.forName(NATIVE, true, NativeWarmUp.class.getClassLoader());
            MinCoreBtf.lookUpConfigured();
            KernelBtf.remember(KernelBtf.STARTUP_TYPES);
        } catch (Throwable ignored) { // Preflight says what is missing, in the main thread's words
        }
    }

    /** The configuration passed its checks and the metrics port is bound: what the BTF look-up found may be said. */
    static void configurationAccepted() {
        MinCoreBtf.releaseLines();
    }

    /** Once the probes are attached: a minimal BTF the look-up did not find is made (a background thread). */
    static void afterStart() {
        MinCoreBtf.makeInBackground();
    }
}
