package org.flowmond.bpf.libbpf;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;

/**
 * Loads libbpf and libc once, eagerly ({@code LoadNow}), so a missing library or symbol fails at
 * start-up rather than at first use (as jnr-posix's {@code POSIXFactory} does).
 *
 * <p>libbpf is loaded as {@code libbpf.so.1}: plain {@code libbpf.so} exists only with the
 * {@code -dev} package, and a machine running flowmond has only the runtime package {@code libbpf1}.
 */
final class Native {
    static final LibBpfNative LIBBPF = load(LibBpfNative.class, "libbpf.so.1",
            "libbpf 1.x (Debian/Ubuntu package libbpf1) is needed");
    static final LibC LIBC = load(LibC.class, "c", "the C library");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBBPF);

    private Native() {
    }

    private static <T> T load(Class<T> api, String library, String hint) {
        try {
            return LibraryLoader.create(api)
                    .option(LibraryOption.LoadNow, true)
                    .option(LibraryOption.SaveError, true)
                    .failImmediately()
                    .load(library);
        } catch (LinkageError e) {
            throw new IllegalStateException("cannot load " + library + " or one of its symbols: " + hint, e);
        }
    }

    /** errno saved by jnr-ffi after the last native call on this thread. */
    static int errno() {
        return LastError.getLastError(RUNTIME);
    }
}
