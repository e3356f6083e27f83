package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.flowmond.testing.ChildProcess;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's minimal BTF cache across starts of the jar: the first start finds none, attaches, then
 * makes it in the background; the next start relocates against it; a corrupt file is set aside with
 * one warning, the start attaches all the same and the file is made again.
 */
@RootTest
class MinCoreBtfJarTest {
    private static final String ATTACHED = "syscall probes attached";

    @Test
    void madeAfterTheFirstStartUsedByTheNextRemadeWhenCorrupt(@TempDir Path cache, @TempDir Path logs) throws Exception {
        Privileges.requireRoot();
        Privileges.requireTool("bpftool");
        try (VethPair v = VethPair.create("fmbj")) {
            String first = start(v, cache, logs.resolve("first.log"), "BTF: made ");
            assertTrue(first.contains("BTF: no minimal BTF for this kernel in " + cache + " yet"), first);
            Path btf = onlyBtf(cache);

            String second = start(v, cache, logs.resolve("second.log"), ATTACHED);
            assertTrue(second.contains("BTF: CO-RE relocations against " + btf), second);
            assertEquals(btf, onlyBtf(cache), "kept as it was");

            byte[] bytes = Files.readAllBytes(btf);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(btf, bytes);
            String third = start(v, cache, logs.resolve("third.log"), "BTF: made ");
            assertTrue(third.contains("WARN  MinCoreBtf: BTF: the minimal BTF " + btf + " is unusable"), third);
            assertEquals(1, third.lines().filter(l -> l.contains("WARN  MinCoreBtf")).count(), third);
            assertTrue(third.indexOf("is unusable") < third.indexOf(ATTACHED), third);
            assertEquals(btf, onlyBtf(cache), "made again under the same name");
        }
    }

    /** Starts the jar in the veth's namespace with {@code cache}, waits for {@code until} (after the attach), stops it. */
    private static String start(VethPair v, Path cache, Path log, String until) throws IOException, InterruptedException {
        try (ChildProcess daemon = ChildProcess.command(log, List.of("env", "FLOWMOND_CACHE_DIR=" + cache,
                "ip", "netns", "exec", v.nsA, JarProcess.java(), "-jar", JarProcess.JAR.toString(),
                "-i", v.ifA, "--collector", "127.0.0.1:9"))) {
            daemon.awaitOutput(ATTACHED, Duration.ofSeconds(60));
            daemon.awaitOutput(until, Duration.ofSeconds(60));
            assertEquals(0, daemon.terminate(), daemon.output());
            return daemon.output();
        }
    }

    private static Path onlyBtf(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            List<Path> btf = files.filter(p -> p.toString().endsWith(".btf")).toList();
            assertEquals(1, btf.size(), btf.toString());
            return btf.get(0);
        }
    }
}
