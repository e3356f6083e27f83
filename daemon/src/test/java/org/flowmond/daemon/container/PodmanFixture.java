package org.flowmond.daemon.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.flowmond.testing.Privileges;
import org.flowmond.testing.Tools;

/**
 * Real Podman containers for tests, with no registry: an image imported from a root file system
 * made of busybox-static and a few applet links, run with runc and explicit limits ({@code crun}
 * refuses a hybrid cgroup layout, and Podman's default limits exceed the hard ones on some hosts).
 * {@link #close()} removes every container it started and the image.
 */
final class PodmanFixture implements AutoCloseable {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final AtomicInteger IMAGES = new AtomicInteger();
    private static final List<String> APPLETS = List.of("sh", "sleep", "cat", "nc", "ip", "ifconfig", "nslookup");

    /** podman run options that give a container the host's /usr read-only (python3 in a container). */
    static final List<String> HOST_USR = List.of("-v", "/usr:/usr:ro");

    /** A running container: its full ID and its main process as the host sees it. */
    record Container(String name, String id, int pid) {
    }

    private final Path dir;
    private final String image;
    private final List<String> started = new ArrayList<>();

    private PodmanFixture(Path dir, String image) {
        this.dir = dir;
        this.image = image;
    }

    /** Imports the image; skips (locally) or fails (CI) with the reason if Podman cannot run here. */
    static PodmanFixture start() throws IOException {
        Privileges.requireRoot();
        Privileges.requireTool("podman");
        Privileges.requireTool("runc");
        Privileges.require(Files.isExecutable(BUSYBOX), "this test needs " + BUSYBOX + " (apt busybox-static)");
        Path dir = Files.createTempDirectory("flowmond-podman");
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(BUSYBOX, rootfs.resolve("busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(rootfs.resolve(applet), Path.of("busybox"));
        }
        // merged-/usr links, so that a container given the host's /usr (HOST_USR) runs its programs
        Files.createSymbolicLink(dir.resolve("rootfs/lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(dir.resolve("rootfs/lib64"), Path.of("usr/lib64"));
        Tools.run("tar", "-C", dir.resolve("rootfs").toString(), "-cf", dir.resolve("rootfs.tar").toString(), ".");
        // one image per fixture: a test class removing its image never takes another's
        String image = "localhost/flowmond-test-" + ProcessHandle.current().pid() + "-" + IMAGES.incrementAndGet()
                + ":latest";
        Tools.Result imported = Tools.runUnchecked(List.of("podman", "import", dir.resolve("rootfs.tar").toString(), image));
        Privileges.require(imported.exitCode() == 0, "podman import failed: " + imported.stderr().strip());
        return new PodmanFixture(dir, image);
    }

    /** Runs {@code command} detached in a new container; {@code network} as podman's --network takes it. */
    Container run(String name, String network, List<String> extraOptions, String... command) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc", "run", "-d", "--name", name,
                "--network", network, "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"));
        cmd.addAll(extraOptions);
        cmd.add(image);
        cmd.addAll(List.of(command));
        Tools.Result r = Tools.runUnchecked(cmd);
        if (r.exitCode() == 0) {
            started.add(name);
        }
        Privileges.require(r.exitCode() == 0, "podman cannot run a container here: " + String.join(" ", cmd)
                + " exited " + r.exitCode() + ": " + r.stderr().strip());
        String[] inspect = Tools.run("podman", "inspect", "--format", "{{.Id}} {{.State.Pid}}", name).strip().split(" ");
        return new Container(name, inspect[0], Integer.parseInt(inspect[1]));
    }

    /** The container's IPv4 address on Podman's default network. */
    static String address(Container c) {
        return Tools.run("podman", "inspect", "--format", "{{.NetworkSettings.IPAddress}}", c.name()).strip();
    }

    @Override
    public void close() throws IOException {
        for (String name : started) {
            Tools.runUnchecked(List.of("podman", "rm", "-f", "-t", "0", name));
        }
        Tools.runUnchecked(List.of("podman", "rmi", "-f", image));
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
