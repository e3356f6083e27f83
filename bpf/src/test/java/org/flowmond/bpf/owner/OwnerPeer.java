package org.flowmond.bpf.owner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A python process ({@code owner_peer.py}) in a network namespace whose sockets a test inspects:
 * one command per line, one answer line back. {@code ip netns exec} execs python, so {@link #pid()}
 * is the process that owns the sockets.
 */
final class OwnerPeer implements AutoCloseable {
    private static Path script;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final int pid;
    private final String ns;

    private OwnerPeer(String ns, String name) {
        this.ns = ns;
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", script().toString()));
        try {
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String ready = readLine();
        if (!ready.startsWith("ready ")) {
            throw new IllegalStateException("owner_peer.py said " + ready);
        }
        pid = Integer.parseInt(ready.substring(6).trim());
        ok("name " + name);
    }

    /** A peer in {@code ns} whose process name is {@code name}. */
    static OwnerPeer start(String ns, String name) {
        return new OwnerPeer(ns, name);
    }

    int pid() {
        return pid;
    }

    /** Inode of the network namespace the peer runs in (its sockets' namespace). */
    long netns() {
        return org.flowmond.bpf.tc.NetNamespaceInode.of(ns);
    }

    /** Sends a command and returns the answer's fields after "ok"; fails on an error answer. */
    String[] ok(String command) {
        String answer = ask(command);
        if (!answer.startsWith("ok")) {
            throw new IllegalStateException(command + " -> " + answer);
        }
        String rest = answer.substring(2).trim();
        return rest.isEmpty() ? new String[0] : rest.split(" ");
    }

    /** Sends a command and returns the whole answer line. */
    String ask(String command) {
        try {
            in.write(command + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("peer " + pid + " gone", e);
        }
        return readLine();
    }

    private String readLine() {
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("owner_peer.py exited");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path script() {
        if (script == null) {
            try (InputStream s = OwnerPeer.class.getResourceAsStream("owner_peer.py")) {
                Path p = Files.createTempFile("flowmond-owner-peer", ".py");
                Files.write(p, s.readAllBytes());
                p.toFile().deleteOnExit();
                script = p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return script;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
