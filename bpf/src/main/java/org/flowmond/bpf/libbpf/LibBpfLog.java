package org.flowmond.bpf.libbpf;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes libbpf's print callback to SLF4J (logger {@code libbpf}): WARN → warn, INFO → info,
 * DEBUG → debug. Installed by the first {@link BpfObject#open}; the callback is a static field, so
 * it stays reachable for as long as libbpf may call it, and it never throws into C.
 *
 * <p>libbpf hands over a printf format and a {@code va_list}; libc's {@code vsnprintf} formats it.
 * On x86_64 a {@code va_list} argument is a pointer to a 24-byte {@code __va_list_tag}, which
 * {@code vsnprintf} advances; formatting works on a copy (what {@code va_copy} does there), so a
 * message longer than the first buffer can be formatted again from the original into a larger one.
 *
 * <p>The WARN lines of the current thread are also kept while {@link #captureWarnings()} is active,
 * so a failed load can carry the verifier's log in its exception.
 */
public final class LibBpfLog {
    private static final Logger LOG = LoggerFactory.getLogger("libbpf");
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    private static final int VA_LIST_SIZE = 24;
    private static final int FIRST_BUFFER = 1024;
    private static final boolean X86_64 = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    /** Strong reference for the life of the JVM: libbpf keeps only the function pointer. */
    private static final LibBpfNative.PrintFn CALLBACK = LibBpfLog::print;
    private static final ThreadLocal<StringBuilder> CAPTURE = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> DEMOTED = new ThreadLocal<>();
    private static boolean installed;

    private LibBpfLog() {
    }

    /** Installs the callback once; later calls do nothing. */
    public static synchronized void install() {
        if (!installed) {
            Native.LIBBPF.libbpf_set_print(CALLBACK);
            installed = true;
        }
    }

    /** Starts keeping this thread's libbpf warnings; {@link Capture#close()} ends it and returns them. */
    public static Capture captureWarnings() {
        StringBuilder sb = new StringBuilder();
        CAPTURE.set(sb);
        return new Capture(sb);
    }

    /**
     * Until the returned handle is closed, this thread's libbpf warnings are logged at DEBUG (and
     * still captured): for attempts whose failure the caller reports itself, such as AUTO trying a
     * hook variant the kernel refuses (fentry here: four WARN lines, one suggesting 'ulimit -l').
     */
    public static AutoCloseableNoThrow demoteWarnings() {
        DEMOTED.set(Boolean.TRUE);
        return DEMOTED::remove;
    }

    /** An AutoCloseable whose close throws nothing. */
    public interface AutoCloseableNoThrow extends AutoCloseable {
        @Override
        void close();
    }

    /** The warnings logged by libbpf on one thread between {@link #captureWarnings()} and {@link #close()}. */
    public static final class Capture implements AutoCloseable {
        private final StringBuilder text;

        private Capture(StringBuilder text) {
            this.text = text;
        }

        public String text() {
            return text.toString();
        }

        @Override
        public void close() {
            CAPTURE.remove();
        }
    }

    private static int print(int level, Pointer format, Pointer vaList) {
        try {
            StringBuilder capture = CAPTURE.get();
            boolean wanted = level == LIBBPF_WARN ? LOG.isWarnEnabled() || capture != null || LOG.isDebugEnabled()
                    : level == LIBBPF_INFO ? LOG.isInfoEnabled() : LOG.isDebugEnabled();
            if (!wanted) {
                return 0;
            }
            String message = format(format, vaList).stripTrailing();
            if (level == LIBBPF_WARN) {
                if (DEMOTED.get() != null) {
                    LOG.debug(message);
                } else {
                    LOG.warn(message);
                }
                if (capture != null) {
                    capture.append(message).append('\n');
                }
            } else if (level == LIBBPF_INFO) {
                LOG.info(message);
            } else {
                LOG.debug(message);
            }
        } catch (Throwable ignored) { // nothing may be thrown into C; a lost log line is the lesser harm
        }
        return 0;
    }

    static String format(Pointer format, Pointer vaList) {
        if (!X86_64) {
            return format.getString(0); // va_list layout differs; give at least the format
        }
        byte[] original = new byte[VA_LIST_SIZE];
        vaList.get(0, original, 0, VA_LIST_SIZE);
        int size = FIRST_BUFFER;
        while (true) {
            Pointer copy = Memory.allocateDirect(Native.RUNTIME, VA_LIST_SIZE);
            copy.put(0, original, 0, VA_LIST_SIZE);
            Pointer buf = Memory.allocateDirect(Native.RUNTIME, size);
            int n = Native.LIBC.vsnprintf(buf, size, format, copy);
            if (n < 0) {
                return format.getString(0);
            }
            if (n < size) {
                byte[] bytes = new byte[n];
                buf.get(0, bytes, 0, n);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            size = n + 1;
        }
    }
}
