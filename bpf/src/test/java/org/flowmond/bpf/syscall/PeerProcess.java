package org.flowmond.bpf.syscall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TcpPeer} child process inside a network namespace: {@code ip netns exec NS [setpriv
 * ...] java TcpPeer ...}. {@code ip} and {@code setpriv} exec, so the child's pid is the JVM's and
 * its parent is this test JVM. Closing it closes stdin and kills it if it does not exit.
 */
final class PeerProcess implements AutoCloseable {
    /** The user and group the clients run as, to prove uid/gid are the process's own (not root's). */
    static final int NOBODY = 65534;
    private static Path classDir;

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final String description;

    private PeerProcess(List<String> command) {
        this.description = String.join(" ", command);
        try {
            this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + description, e);
        }
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        expect("ready");
    }

    /** A server named {@code name} listening on {@code ports} at {@code bind} in {@code ns}, as root. */
    static PeerProcess serve(String ns, String name, String bind, int... ports) {
        List<String> portList = new ArrayList<>();
        for (int p : ports) {
            portList.add(Integer.toString(p));
        }
        return new PeerProcess(command(ns, false, "serve", name, bind, String.join(",", portList)));
    }

    /** A client named {@code name} in {@code ns}, running as nobody, that connects {@code count} times when told {@link #go()}. */
    static PeerProcess client(String ns, String name, String host, int port, int count, boolean hold) {
        return new PeerProcess(command(ns, true, "connect", name, host, Integer.toString(port),
                Integer.toString(count), hold ? "hold" : "close"));
    }

    private static List<String> command(String ns, boolean asNobody, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (asNobody) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx32m", "-Djava.io.tmpdir=/tmp",
                "-cp", classDir().toString(), TcpPeer.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** TcpPeer.class copied where any user can read it (the checkout may be private to root). */
    private static synchronized Path classDir() {
        if (classDir != null) {
            return classDir;
        }
        try {
            Path dir = Files.createTempDirectory("flowmond-tcppeer");
            Path classFile = dir.resolve(TcpPeer.class.getName().replace('.', '/') + ".class");
            Files.createDirectories(classFile.getParent());
            try (var bytes = TcpPeer.class.getResourceAsStream(TcpPeer.class.getSimpleName() + ".class")) {
                Files.copy(bytes, classFile);
            }
            Deque<Path> chain = new ArrayDeque<>(); // dir, org, org/flowmond, ..., the class file
            for (Path p = classFile; p.startsWith(dir); p = p.getParent()) {
                chain.push(p);
            }
            for (Path p : chain) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(p.equals(classFile) ? "rw-r--r--" : "rwxr-xr-x"));
                p.toFile().deleteOnExit(); // deleted in reverse order of registration: the file first
            }
            classDir = dir;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy TcpPeer.class", e);
        }
    }

    int pid() {
        return (int) process.pid();
    }

    /** Lets a client connect; returns the local port of each connection, in order. */
    List<Integer> go() {
        send("go");
        List<Integer> ports = new ArrayList<>();
        for (String line = readLine(); !line.equals("done"); line = readLine()) {
            ports.add(Integer.parseInt(field(line, "local", 1)));
        }
        return ports;
    }

    /** Waits until a server has accepted {@code count} more connections; returns their remote ports. */
    List<Integer> awaitAccepted(int count) {
        List<Integer> remotePorts = new ArrayList<>();
        while (remotePorts.size() < count) {
            remotePorts.add(Integer.parseInt(field(readLine(), "accepted", 2)));
        }
        return remotePorts;
    }

    private void expect(String line) {
        String got = readLine();
        if (!got.equals(line)) {
            throw new IllegalStateException(description + ": expected '" + line + "', got '" + got + "'");
        }
    }

    private String field(String line, String verb, int index) {
        String[] parts = line.split(" ");
        if (!parts[0].equals(verb) || parts.length <= index) {
            throw new IllegalStateException(description + ": expected '" + verb + " ...', got '" + line + "'");
        }
        return parts[index];
    }

    private String readLine() {
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException(description + " exited early (" + exitStatus() + ")");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(description, e);
        }
    }

    private String exitStatus() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void send(String line) {
        try {
            in.write(line + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(description, e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
