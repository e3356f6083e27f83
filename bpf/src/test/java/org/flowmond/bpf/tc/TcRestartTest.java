package org.flowmond.bpf.tc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A loader killed with SIGKILL and started again leaves one flowmond filter per hook, and close removes it. */
class TcRestartTest {

    @BeforeAll
    static void privileges() {
        Privileges.requireRoot();
        Privileges.requireTool("tc");
    }

    @Test
    void restartAfterSigkillReplacesTheStaleFilters() throws Exception {
        try (VethPair v = VethPair.create("fmtr")) {
            killed(startLoader(v));
            assertEquals(1, flowmondFilters(v, "ingress"), "after the first SIGKILL");
            assertEquals(1, flowmondFilters(v, "egress"), "after the first SIGKILL");

            killed(startLoader(v));
            assertEquals(1, flowmondFilters(v, "ingress"), "after a restart and a second SIGKILL");
            assertEquals(1, flowmondFilters(v, "egress"), "after a restart and a second SIGKILL");

            try (TcFlowMonitor m = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(64), new KernelClock(), f -> { })) {
                m.attach(TcInterface.named(v.ifA, TcHooks.BOTH).inNamespace(v.nsA));
                assertEquals(1, flowmondFilters(v, "ingress"), "a third start, in this JVM");
                assertEquals(1, flowmondFilters(v, "egress"), "a third start, in this JVM");
            }
            assertEquals(0, flowmondFilters(v, "ingress"), "after a clean close");
            assertEquals(0, flowmondFilters(v, "egress"), "after a clean close");
        }
    }

    private static Process startLoader(VethPair v) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), TcAttachMain.class.getName(),
                v.nsA, v.ifA);
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

    /** Filters on the hook with flowmond's priority, as `tc filter show` lists them. */
    static long flowmondFilters(VethPair v, String hook) {
        String out = Tools.run("ip", "netns", "exec", v.nsA, "tc", "filter", "show", "dev", v.ifA, hook);
        return out.lines().filter(l -> l.contains("pref " + TcFlowMonitor.FILTER_PRIORITY) && l.contains("handle 0x"))
                .count();
    }
}
