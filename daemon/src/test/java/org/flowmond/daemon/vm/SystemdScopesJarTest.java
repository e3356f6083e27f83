package org.flowmond.daemon.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.flowmond.bpf.libbpf.RateLimitedLogger;
import org.flowmond.daemon.container.ContainerResolver;
import org.flowmond.daemon.container.ScopeCheck;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.VmTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The systemd and kubelet cgroup layouts as systemd itself makes them: in a qemu guest with
 * systemd as PID 1 (pure cgroup v2), {@code systemd-run} starts a transient service, a scope, an
 * nspawn-style machine scope and scopes in kubelet-named slices ({@code --slice=kubepods-burstable-pod<uid>.slice},
 * the kubelet's systemd driver's naming, all three QoS classes); {@link ScopeCheck} resolves each
 * process's cgroup id in the guest, by a walk and through /proc, and the identities must be exact.
 *
 * <p>Opt-in like the other systemd guest test: {@code -Dflowmond.vm.systemd-kernel=6.1} (skipped
 * without it, failed with CI=true).
 */
@VmTest
class SystemdScopesJarTest {
    private static final int GUEST_TIMEOUT_SECONDS = 600;
    private static final String ID = "3b1f0c9a8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c";
    private static final String ID2 = "7e2d1c0b9a8f7e6d5c4b3a291807f6e5d4c3b2a1908f7e6d5c4b3a2918070f6e";
    private static final String POD = "8f14e45f-ceea-467a-9575-2b2f5a3e6c1d";
    private static final String POD2 = "0b6f1b7a-3c2d-4e5f-8a9b-1c2d3e4f5a6b";
    private static final String POD3 = "c4ca4238-a0b9-4382-8dcc-509a6f75849b";

    /** The guest's job: start the units, wait until each process is in its cgroup, run ScopeCheck. */
    private static String script(String classpath) {
        return String.join("\n",
                "set -euo pipefail",
                "scope() { local label=$1; shift; systemd-run --quiet --scope \"$@\" sleep 600 & pids+=(\"$label:$!\"); }",
                "pids=()",
                "systemd-run --quiet --unit=fm-probe sleep 600",
                "scope scope --unit=fm-scope",
                "scope machine --slice=machine.slice '--unit=machine-fm\\x2dguest'",
                "scope burstable --slice=kubepods-burstable-pod" + POD.replace('-', '_') + ".slice --unit=cri-containerd-" + ID,
                "scope guaranteed --slice=kubepods-pod" + POD2.replace('-', '_') + ".slice --unit=crio-" + ID2,
                "scope besteffort --slice=kubepods-besteffort-pod" + POD3.replace('-', '_') + ".slice --unit=docker-" + ID,
                "for i in $(seq 100); do [ \"$(systemctl show -p MainPID --value fm-probe)\" != 0 ] && break; sleep 0.1; done",
                "pids+=(\"service:$(systemctl show -p MainPID --value fm-probe)\")",
                "for p in \"${pids[@]}\"; do",
                "  for i in $(seq 100); do grep -q '^0::/.*\\.s' /proc/${p#*:}/cgroup && break; sleep 0.1; done",
                "done",
                "java -cp '" + classpath + "' " + ScopeCheck.class.getName() + " \"${pids[@]}\" >\"$FLOWMOND_VM_OUT/scopes.tsv\"",
                "cat \"$FLOWMOND_VM_OUT/scopes.tsv\"");
    }

    /** The classes ScopeCheck needs, where they are on the host (the guest's root is the host's). */
    private static String classpath() {
        return Stream.of(ScopeCheck.class, ContainerResolver.class, RateLimitedLogger.class, LoggerFactory.class)
                .map(c -> Path.of(toUri(c)).toString()).distinct().collect(Collectors.joining(":"));
    }

    private static java.net.URI toUri(Class<?> c) {
        try {
            return c.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void systemdRunScopesResolveExactly() throws IOException, InterruptedException {
        Privileges.requireSystemProperty("flowmond.vm.systemd-kernel", "6.1");
        Privileges.requireRoot();
        Privileges.requireTool("qemu-system-x86_64");
        Path repo = KernelMatrixJarTest.repo();
        Path out = repo.resolve("daemon/target/vm/systemd-scopes");
        GuestRun run = GuestRun.run(repo, out, System.getProperty("flowmond.vm.systemd-kernel"), true,
                GUEST_TIMEOUT_SECONDS, List.of("bash", "-c", script(classpath())));
        assertEquals(0, run.exitStatus(), "the guest job failed:\n" + run.tail(60));

        Map<String, String> got = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("scopes.tsv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            got.put(f[0], String.join("|", List.of(f).subList(1, f.length)));
        }
        String kube = "/kubepods.slice/";
        Map<String, String> want = new LinkedHashMap<>();
        want.put("scope", "true||SYSTEMD|fm-scope.scope||NONE|/system.slice/fm-scope.scope");
        want.put("machine", "true|fm-guest|MACHINED|machine-fm\\x2dguest.scope||NONE|/machine.slice/machine-fm\\x2dguest.scope");
        want.put("burstable", "true|" + ID + "|CONTAINERD|cri-containerd-" + ID + ".scope|" + POD + "|BURSTABLE|" + kube
                + "kubepods-burstable.slice/kubepods-burstable-pod" + POD.replace('-', '_') + ".slice/cri-containerd-"
                + ID + ".scope");
        want.put("guaranteed", "true|" + ID2 + "|CRIO|crio-" + ID2 + ".scope|" + POD2 + "|GUARANTEED|" + kube
                + "kubepods-pod" + POD2.replace('-', '_') + ".slice/crio-" + ID2 + ".scope");
        want.put("besteffort", "true|" + ID + "|DOCKER|docker-" + ID + ".scope|" + POD3 + "|BESTEFFORT|" + kube
                + "kubepods-besteffort.slice/kubepods-besteffort-pod" + POD3.replace('-', '_') + ".slice/docker-" + ID
                + ".scope");
        want.put("service", "true||SYSTEMD|fm-probe.service||NONE|/system.slice/fm-probe.service");
        assertEquals(want, got, run.tail(40));
    }
}
