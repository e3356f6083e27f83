package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RootTest
class KprobeSupportTest {
    @TempDir
    Path dir;

    @Test
    void aKprobePmuIsEnough() throws IOException {
        Path pmu = Files.createDirectory(dir.resolve("kprobe"));
        assertTrue(KprobeSupport.possible(pmu, dir.resolve("tracefs"), true));
    }

    @Test
    void legacyKprobeEventsInAMountedTracefsAreEnough() throws IOException {
        Path tracefs = Files.createDirectory(dir.resolve("tracefs"));
        Files.createFile(tracefs.resolve("kprobe_events"));
        assertTrue(KprobeSupport.possible(dir.resolve("no-pmu"), tracefs, true));
    }

    @Test
    void neitherMeansNoKprobes() throws IOException {
        Path tracefs = Files.createDirectory(dir.resolve("tracefs"));
        assertFalse(KprobeSupport.possible(dir.resolve("no-pmu"), tracefs, true));
    }

    @Test
    void anUnmountedTracefsProvesNothing() {
        assertTrue(KprobeSupport.possible(dir.resolve("no-pmu"), dir.resolve("tracefs"), false));
    }

    /** The CI kernel (platform.md): CONFIG_KPROBES unset, so neither exists once tracefs is mounted. */
    @Test
    void thisKernelAgreesWithItsKprobePmu() {
        org.flowmond.testing.Privileges.requireRoot();
        org.flowmond.bpf.libbpf.BpfFs.ensureTracefs();
        assertEquals(Files.exists(KprobeSupport.KPROBE_PMU), KprobeSupport.possible());
    }
}
