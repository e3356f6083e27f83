package org.flowmond.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;

@UnitTest
class CapabilitiesTest {

    private static long mask(int... caps) {
        long m = 0;
        for (int c : caps) {
            m |= 1L << c;
        }
        return m;
    }

    @Test
    void parsesCapEff() throws IOException {
        assertEquals(0x1fffeffffffL, Capabilities.parseCapEff("Name:\tjava\nCapPrm:\t0\nCapEff:\t000001fffeffffff\nCapBnd:\t0\n"));
    }

    @Test
    void bpfAndPerfmonAndNetAdminSuffice() {
        assertEquals(List.of(), new Capabilities(mask(39, 38, 12), 40).missingForBpf());
    }

    @Test
    void sysAdminStandsInForBpfAndPerfmon() {
        assertEquals(List.of(), new Capabilities(mask(21, 12), 40).missingForBpf());
    }

    @Test
    void namesWhatIsMissing() {
        assertEquals(List.of("CAP_BPF", "CAP_PERFMON", "CAP_NET_ADMIN"), new Capabilities(0, 40).missingForBpf());
        assertEquals(List.of("CAP_PERFMON"), new Capabilities(mask(39, 12), 40).missingForBpf());
    }

    @Test
    void kernelsBefore58NeedSysAdmin() {
        assertEquals(List.of("CAP_SYS_ADMIN"), new Capabilities(mask(12), 37).missingForBpf());
    }
}
