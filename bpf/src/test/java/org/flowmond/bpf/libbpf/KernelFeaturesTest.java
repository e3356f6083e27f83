package org.flowmond.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.flowmond.bpf.tc.TcFlowMonitor;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.junit.jupiter.api.Test;

/**
 * The atomics probe against the running kernel, and both builds of the TC program loading here.
 * Older kernels (Debian 11's 5.10, which refuses atomic OR) are covered by the qemu kernel matrix
 * (KernelMatrixJarTest), where the daemon must load the build without atomics.
 */
@RootTest
class KernelFeaturesTest {

    @Test
    void atomicOrIsSeenExactlyWhenTheKernelIsFiveTwelveOrNewer() {
        Privileges.requireRoot();
        String[] release = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(release[0]);
        int minor = Integer.parseInt(release[1]);
        boolean expected = major > 5 || (major == 5 && minor >= 12);
        assertEquals(expected, KernelFeatures.atomicOr(), "kernel " + System.getProperty("os.version"));
        assertEquals(expected, KernelFeatures.atomicOr(), "the second answer is the cached first one");
    }

    @Test
    void bothBuildsOfTheTcProgramLoadOnThisKernel() {
        Privileges.requireRoot();
        for (String resource : new String[] {TcFlowMonitor.OBJECT_RESOURCE, TcFlowMonitor.NO_ATOMICS_RESOURCE}) {
            try (BpfObject object = BpfObject.openResource(resource)) {
                object.load();
            }
        }
    }
}
