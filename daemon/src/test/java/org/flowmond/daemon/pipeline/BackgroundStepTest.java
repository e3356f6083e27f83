package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class BackgroundStepTest {

    @Test
    void joinGivesTheResultOfTheStepRunOnItsOwnThread() throws Exception {
        BackgroundStep<String> step = BackgroundStep.start("test-step", () -> Thread.currentThread().getName());
        assertEquals("test-step", step.join());
    }

    @Test
    void joinRethrowsTheStepsExceptionAndErrorUnchanged() {
        IOException io = new IOException("no route to collector");
        assertSame(io, assertThrows(IOException.class, () -> BackgroundStep.start("t", () -> {
            throw io;
        }).join()));
        OutOfMemoryError oom = new OutOfMemoryError("test");
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> BackgroundStep.start("t", () -> {
            throw oom;
        }).join()));
    }

    @Test
    void discardClosesWhatTheStepOpenedOrKeepsItsFailureAsSuppressed() {
        List<String> closed = new ArrayList<>();
        Exception cause = new IllegalStateException("the caller's step failed");
        BackgroundStep.start("t", () -> "opened").discard(closed::add, cause);
        assertEquals(List.of("opened"), closed);
        IOException failure = new IOException("its own failure");
        BackgroundStep.<String>start("t", () -> {
            throw failure;
        }).discard(closed::add, cause);
        assertEquals(List.of("opened"), closed);
        assertArrayEquals(new Throwable[] {failure}, cause.getSuppressed());
    }
}
