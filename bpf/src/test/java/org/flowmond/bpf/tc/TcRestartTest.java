package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.libbpf.TcxLink;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.RootTest;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A loader killed with SIGKILL: with classic tc filters, a restart leaves one flowmond filter per
 * hook and close removes it; with TCX links, the kernel removes them with the process.
 */
@RootTest
class TcRestartTest {

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("tc");
    }

    @Test
    void restartAfterSigkillReplacesTheStaleFilters() throws Exception {
        try (VethPair v = VethPair.create("fmtr")) {
            killed(startLoader(v, TcAttachMode.TC));
            assertEquals(1, flowmondFilters(v, "ingress"), "after the first SIGKILL");
            assertEquals(1, flowmondFilters(v, "egress"), "after the first SIGKILL");

            killed(startLoader(v, TcAttachMode.TC));
            assertEquals(1, flowmondFilters(v, "ingress"), "after a restart and a second SIGKILL");
            assertEquals(1, flowmondFilters(v, "egress"), "after a restart and a second SIGKILL");

            try (TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(64)
                    .withAttach(TcAttachMode.TC, TcFlowMonitorOptions.DEFAULT_TC_PRIORITY), new KernelClock(), f -> { })) {
                m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
                assertEquals(1, flowmondFilters(v, "ingress"), "a third start, in this JVM");
                assertEquals(1, flowmondFilters(v, "egress"), "a third start, in this JVM");
            }
            assertEquals(0, flowmondFilters(v, "ingress"), "after a clean close");
            assertEquals(0, flowmondFilters(v, "egress"), "after a clean close");
        }
    }

    /** A daemon reload opens the new monitor before closing the old: the old one's close leaves the new filter. */
    @Test
    void closeLeavesAFilterThatANewerMonitorReplaced() throws Exception {
        try (VethPair v = VethPair.create("fmtr")) {
            TcFlowMonitorOptions classic = TcFlowMonitorOptions.withMaxFlows(64)
                    .withAttach(TcAttachMode.TC, TcFlowMonitorOptions.DEFAULT_TC_PRIORITY);
            TcFlowMonitor old = TcFlowMonitor.open(classic, new KernelClock(), f -> { });
            old.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA)); // creates the qdisc
            try (TcFlowMonitor newer = TcFlowMonitor.open(classic, new KernelClock(), f -> { })) {
                newer.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
                old.close();
                assertEquals(1, flowmondFilters(v, "ingress"), "the newer monitor's filter stays");
                assertEquals(1, flowmondFilters(v, "egress"), "the newer monitor's filter stays");
                VethPair.exec(v.nsB, "ping", "-c", "2", "-i", "0.2", "-W", "1", v.ipv4A);
                assertEquals(2, newer.scan().stream().filter(f -> f.key().protocol() == 1
                        && f.key().direction() == org.flowmond.bpf.api.Direction.INGRESS)
                        .mapToLong(f -> f.counters().packets()).sum(), "and counts");
            }
            assertEquals(0, flowmondFilters(v, "ingress") + flowmondFilters(v, "egress"), "after the newer one closed");
        }
    }

    @Test
    void sigkillOfATcxLoaderLeavesNothingAttached() throws Exception {
        Privileges.require(TcxLink.kernelSupportsTcx(), "TCX needs a kernel with TCX (6.6+)");
        try (VethPair v = VethPair.create("fmtr")) {
            int ifindex = VethPair.ifindex(v.nsA, v.ifA);
            Process loader = startLoader(v, TcAttachMode.TCX);
            assertEquals(1, TcxLink.programIds(ifindex, true, v.nsA).length, "attached: ingress");
            assertEquals(1, TcxLink.programIds(ifindex, false, v.nsA).length, "attached: egress");
            killed(loader);
            assertEquals(0, TcxLink.programIds(ifindex, true, v.nsA).length, "after SIGKILL: ingress");
            assertEquals(0, TcxLink.programIds(ifindex, false, v.nsA).length, "after SIGKILL: egress");
            assertEquals(0, flowmondFilters(v, "ingress") + flowmondFilters(v, "egress"), "no classic filter either");
            assertFalse(VethPair.exec(v.nsA, "tc", "qdisc", "show", "dev", v.ifA).contains("clsact"),
                    "TCX needs no qdisc: none made");
        }
    }

    private static Process startLoader(VethPair v, TcAttachMode mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), TcAttachMain.class.getName(),
                v.nsA, v.ifA, mode.name());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        String line;
        do { // the loader's log goes to stdout too
            line = out.readLine();
        } while (line != null && !line.equals("attached"));
        if (line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("loader process ended without attaching: exit " + p.waitFor());
        }
        return p;
    }

    private static void killed(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no cleanup
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
    }

    /** Filters on the hook with flowmond's handle and default priority, as `tc filter show` lists them. */
    static long flowmondFilters(VethPair v, String hook) {
        Tools.Result r = Tools.runUnchecked(List.of("ip", "netns", "exec", v.nsA, "tc", "filter", "show", "dev", v.ifA, hook));
        return r.stdout().lines().filter(l -> l.contains("pref " + TcFlowMonitorOptions.DEFAULT_TC_PRIORITY + " ")
                && l.contains("handle 0x" + Integer.toHexString(TcFlowMonitor.FILTER_HANDLE))).count();
    }
}
