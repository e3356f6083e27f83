package org.flowmond.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.daemon.LoggedWarnings;
import org.flowmond.daemon.stats.SyscallCounters;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class SyscallLossWarningsTest {

    @Test
    void lossesAreLoggedAtEachPowerOfTwoWithTheirCounters() {
        SyscallLossWarnings w = new SyscallLossWarnings();
        List<String> warnings = LoggedWarnings.during(SyscallLossWarnings.class, () -> {
            w.check(null); // no probes attached
            w.check(counters(0, 0)); // nothing lost
            w.check(counters(1, 0)); // 1
            w.check(counters(1, 0)); // no new loss
            w.check(counters(1, 1)); // 2
            w.check(counters(2, 1)); // 3: same power of two
            w.check(counters(2, 2)); // 4
        });
        assertEquals(3, warnings.size(), warnings.toString());
        assertEquals("syscall probes: 4 connect/accept events lost so far (dropped.ring-buffer=2, "
                + "dropped.syscall-stash-full=0, dropped.syscall-undecodable=0, dropped.syscall-no-owner=0, "
                + "dropped.syscall-recursion=2)", warnings.get(2));
    }

    private static SyscallCounters counters(long ringBufferFull, long recursionMisses) {
        return new SyscallCounters(ringBufferFull, 0, 0, 0, 0, 0, 0, recursionMisses, HookVariant.SOCKET);
    }
}
