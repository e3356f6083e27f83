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
    static final LibBpfNative LIBBPF = LibraryLoader.create(LibBpfNative.class)
            .option(LibraryOption.LoadNow, true)
            .option(LibraryOption.SaveError, true)
            .failImmediately()
            .load("libbpf.so.1");
    static final LibC LIBC = LibraryLoader.create(LibC.class)
            .option(LibraryOption.LoadNow, true)
            .option(LibraryOption.SaveError, true)
            .failImmediately()
            .load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBBPF);

    private Native() {
    }

    /** errno saved by jnr-ffi after the last native call on this thread. */
    static int errno() {
        return LastError.getLastError(RUNTIME);
    }
}
