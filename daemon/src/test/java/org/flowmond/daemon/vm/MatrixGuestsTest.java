package org.flowmond.daemon.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

/** How {@link MatrixGuests#plan} deals the kernel x variant cells over its guests. */
@UnitTest
class MatrixGuestsTest {
    private static final List<String> VARIANTS = List.of("kprobe", "fentry", "socket", "raw_tracepoint", "auto");
    private static final Path VM = Path.of("/vm");

    @Test
    void eachKernelsRunnableVariantsAreDealtRoundRobinOverItsGuests() {
        List<MatrixGuests.Guest> guests = MatrixGuests.plan(List.of("5.10", "6.1"), VARIANTS, 2, VM);

        assertEquals(List.of(
                new MatrixGuests.Guest("5.10", List.of("kprobe", "socket"), VM.resolve("e2e-5.10/guest1")),
                new MatrixGuests.Guest("5.10", List.of("fentry", "auto"), VM.resolve("e2e-5.10/guest2")),
                new MatrixGuests.Guest("6.1", List.of("kprobe", "socket", "auto"), VM.resolve("e2e-6.1/guest1")),
                new MatrixGuests.Guest("6.1", List.of("fentry", "raw_tracepoint"), VM.resolve("e2e-6.1/guest2"))),
                guests);
    }

    @Test
    void oneGuestPerKernelRunsAllItsVariantsInOrder() {
        assertEquals(List.of(new MatrixGuests.Guest("6.12", VARIANTS, VM.resolve("e2e-6.12/guest1"))),
                MatrixGuests.plan(List.of("6.12"), VARIANTS, 1, VM));
    }

    @Test
    void noGuestIsLeftWithoutVariants() {
        assertEquals(List.of(new MatrixGuests.Guest("6.1", List.of("auto"), VM.resolve("e2e-6.1/guest1"))),
                MatrixGuests.plan(List.of("6.1"), List.of("auto"), 2, VM));
    }
}
