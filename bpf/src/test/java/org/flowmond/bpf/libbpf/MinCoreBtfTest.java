package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The minimal BTF's cache without loading anything: directory, key, look-up of a missing or altered entry. */
@UnitTest
class MinCoreBtfTest {
    @Test
    void theShippedListNamesEveryObjectOfTheModule() throws IOException {
        Path dir = Path.of("target/classes/bpf");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> built = files.map(p -> "/bpf/" + p.getFileName()).filter(n -> n.endsWith(".bpf.o")).sorted().toList();
            assertEquals(built, MinCoreBtf.SHIPPED_OBJECTS.stream().sorted().toList());
        }
    }

    /** A start-up that stops on its configuration says so alone: the look-up's line waits for the release. */
    @Test
    void theLookUpsLineWaitsUntilReleased(@TempDir Path cache) {
        Logger logger = (Logger) LoggerFactory.getLogger(MinCoreBtf.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            MinCoreBtf.configure(Optional.of(cache));
            MinCoreBtf.holdLines();
            MinCoreBtf.lookUpConfigured(); // an empty cache: "no minimal BTF ... yet", or no bpftool / no vmlinux BTF
            assertEquals(List.of(), lines.list, "held");
            MinCoreBtf.releaseLines();
            assertEquals(1, lines.list.size(), lines.list.toString());
            assertTrue(lines.list.get(0).getFormattedMessage().startsWith("BTF: "), lines.list.toString());
            MinCoreBtf.configure(Optional.of(cache));
            MinCoreBtf.lookUpConfigured();
            assertEquals(2, lines.list.size(), "once released, a look-up says what it found at once");
        } finally {
            logger.detachAppender(lines);
            MinCoreBtf.configure(Optional.empty());
        }
    }

    @Test
    void cacheDirectoryFromTheEnvironment() {
        assertEquals(Optional.of(Path.of("/var/cache/flowmond")), MinCoreBtf.cacheDirectory(Map.of()));
        assertEquals(Optional.of(Path.of("/var/cache/flowmond")),
                MinCoreBtf.cacheDirectory(Map.of("CACHE_DIRECTORY", "/var/cache/flowmond")));
        assertEquals(Optional.of(Path.of("/srv/c")), MinCoreBtf.cacheDirectory(Map.of("FLOWMOND_CACHE_DIR", "/srv/c",
                "CACHE_DIRECTORY", "/var/cache/flowmond")));
        assertEquals(Optional.empty(), MinCoreBtf.cacheDirectory(Map.of("FLOWMOND_CACHE_DIR", "")));
    }

    @Test
    void theKeyNamesKernelAndObjects(@TempDir Path dir) throws IOException {
        MinCoreBtfEntry shipped = MinCoreBtfEntry.in(dir, MinCoreBtf.SHIPPED_OBJECTS);
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        String name = shipped.file().getFileName().toString();
        assertTrue(name.matches("vmlinux-\\Q" + release + "\\E-[0-9a-f]{16}\\.btf"), name);
        assertEquals(shipped.file(), MinCoreBtfEntry.in(dir, MinCoreBtf.SHIPPED_OBJECTS).file(), "the same inputs, the same key");
        assertNotEquals(shipped.file(), MinCoreBtfEntry.in(dir, List.of("/bpf/tc_flow.bpf.o")).file(), "other objects, another key");
    }

    @Test
    void aMissingEntryIsNoneAndAnAlteredOneIsRemoved(@TempDir Path dir) throws IOException {
        MinCoreBtfEntry cache = MinCoreBtfEntry.in(dir, MinCoreBtf.SHIPPED_OBJECTS);
        assertEquals(Optional.empty(), cache.lookUp());
        Files.write(cache.file(), new byte[] {1, 2, 3});
        Files.writeString(cache.manifest(), "btf.sha256=" + MinCoreBtfEntry.sha256(new byte[] {1, 2, 4}) + "\n");
        assertEquals(Optional.empty(), cache.lookUp());
        assertFalse(Files.exists(cache.file()) || Files.exists(cache.manifest()), "both files removed");
    }

    @Test
    void anObjectIsKnownBySizeAndCrc() throws IOException {
        byte[] elf;
        try (var in = MinCoreBtfTest.class.getResourceAsStream("/bpf/tc_flow.bpf.o")) {
            elf = in.readAllBytes();
        }
        assertEquals(MinCoreBtfEntry.idOf("/bpf/tc_flow.bpf.o"), MinCoreBtfEntry.idOf(elf));
        elf[elf.length - 1] ^= 1;
        assertNotEquals(MinCoreBtfEntry.idOf("/bpf/tc_flow.bpf.o"), MinCoreBtfEntry.idOf(elf));
    }
}
