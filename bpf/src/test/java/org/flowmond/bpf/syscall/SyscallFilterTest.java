package org.flowmond.bpf.syscall;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class SyscallFilterTest {

    @Test
    void fillsTheKernelArraysSortedWithZeroesAfter() {
        SyscallFilter f = SyscallFilter.none().withPids(300, 7).withPorts(443, 80);

        assertArrayEquals(new int[] {7, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, f.pidArray());
        assertArrayEquals(new int[] {80, 443, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, f.portArray());
    }

    @Test
    void aRangeIsOptional() {
        assertFalse(SyscallFilter.none().hasPortRange());
        assertTrue(SyscallFilter.none().withPortRange(8000, 8080).hasPortRange());
        assertTrue(SyscallFilter.none().withPortRange(22, 22).hasPortRange());
    }

    @Test
    void rejectsWhatTheKernelCannotHold() {
        Set<Integer> seventeen = IntStream.rangeClosed(1, 17).boxed().collect(Collectors.toSet());
        assertThrows(IllegalArgumentException.class, () -> new SyscallFilter(seventeen, Set.of(), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyscallFilter(Set.of(), seventeen, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SyscallFilter.none().withPids(0));
        assertThrows(IllegalArgumentException.class, () -> SyscallFilter.none().withPorts(65536));
        assertThrows(IllegalArgumentException.class, () -> SyscallFilter.none().withPortRange(9000, 8000));
        assertThrows(IllegalArgumentException.class, () -> SyscallFilter.none().withPortRange(0, 80));
    }
}
