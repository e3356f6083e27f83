package org.flowmond.daemon.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run inside a guest where systemd is PID 1 ({@code SystemdScopesJarTest}): for each
 * {@code LABEL:PID} argument, the process's cgroup id (its cgroup directory's inode), resolved by
 * a walk of the tree and through /proc; prints one tab-separated line per process:
 * label, whether both ways agree, id, runtime, unit, pod UID, QoS class, path.
 */
public final class ScopeCheck {
    private ScopeCheck() {
    }

    public static void main(String[] args) throws IOException {
        CgroupTree tree = CgroupTree.system();
        for (String arg : args) {
            String label = arg.substring(0, arg.indexOf(':'));
            int pid = Integer.parseInt(arg.substring(arg.indexOf(':') + 1));
            String path = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "cgroup")).stream()
                    .filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
            long id = tree.idOf(path);
            ContainerIdentity walked = resolver(tree).resolve(id);
            ContainerIdentity hinted = resolver(tree).resolve(id, pid);
            System.out.println(String.join("\t", label, Boolean.toString(walked.equals(hinted)), walked.id(),
                    walked.runtime().name(), walked.unit(), walked.podUid(), walked.qos().name(), walked.cgroupPath()));
        }
    }

    private static ContainerResolver resolver(CgroupTree tree) {
        return new ContainerResolver(tree, 64, 100_000, Duration.ofSeconds(1), System::nanoTime);
    }
}
