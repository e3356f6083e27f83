package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.flowmond.bpf.libbpf.Errno;
import org.flowmond.bpf.libbpf.LibBpfException;
import org.flowmond.bpf.libbpf.MinCoreBtf;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remembered fentry refusal: written for a refused load only, read back for the same key only. */
@UnitTest
class FentryRefusalTest {
    private static final String LINE = "bpf_object__load(sock_fentry): EPERM (Operation not permitted)";

    @Test
    void onlyARefusedLoadIsARefusal() {
        assertTrue(FentryRefusal.isRefusal(new LibBpfException("bpf_object__load", "sock_fentry", Errno.EPERM)));
        assertTrue(FentryRefusal.isRefusal(new LibBpfException("bpf_object__load", "sock_fentry", FentryRefusal.ENOTSUPP)));
        assertFalse(FentryRefusal.isRefusal(new LibBpfException("bpf_object__load", "sock_fentry", Errno.ENOMEM)));
        assertFalse(FentryRefusal.isRefusal(new LibBpfException("bpf_program__attach", "fexit_tcp_v4_connect", Errno.EPERM)));
    }

    @Test
    void aRememberedRefusalIsReadBackWithItsLine(@TempDir Path cache) throws Exception {
        assertEquals(Optional.empty(), FentryRefusal.rememberedIn(cache));
        Path file = FentryRefusal.rememberIn(cache.resolve("sub"), LINE).orElseThrow();
        assertEquals(cache.resolve("sub").resolve(FentryRefusal.FILE), file);
        assertEquals(Optional.of(LINE), FentryRefusal.rememberedIn(cache.resolve("sub")));
        try (var left = Files.list(cache.resolve("sub"))) {
            assertEquals(1, left.count(), "no temporary file left");
        }
    }

    @Test
    void anotherKernelBootOrCapabilitiesTryFentryAgain(@TempDir Path cache) throws Exception {
        String key = FentryRefusal.key();
        assertTrue(key.startsWith(MinCoreBtf.kernelKey() + " boot "), key);
        Files.writeString(cache.resolve(FentryRefusal.FILE), key.replace(" boot ", " boot 0") + "\n" + LINE + "\n");
        assertEquals(Optional.empty(), FentryRefusal.rememberedIn(cache));
        Files.writeString(cache.resolve(FentryRefusal.FILE), "garbage");
        assertEquals(Optional.empty(), FentryRefusal.rememberedIn(cache));
    }

    @Test
    void nothingIsRememberedWithoutACacheDirectory() {
        MinCoreBtf.configure(Optional.empty());
        assertEquals(Optional.empty(), FentryRefusal.remember(
                new LibBpfException("bpf_object__load", "sock_fentry", Errno.EPERM), LINE));
        assertEquals(Optional.empty(), FentryRefusal.remembered());
    }
}
