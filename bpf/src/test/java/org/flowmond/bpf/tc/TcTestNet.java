package org.flowmond.bpf.tc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.flowmond.testing.Tools;
import org.flowmond.testing.VethPair;

/** Test plumbing around a {@link VethPair}: the Python scripts, static neighbours, offloads, processes. */
final class TcTestNet {
    private TcTestNet() {
    }

    /** A script of this package's test resources, copied to a temporary file. */
    static Path script(String name) {
        try (InputStream in = TcTestNet.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            Path p = Files.createTempFile("flowmond-" + name.replace(".py", ""), ".py");
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Permanent neighbour entries on both sides, so no ARP or neighbour discovery runs during a
     * test: every packet between the test addresses is then one the test sent.
     */
    static void staticNeighbours(VethPair v) {
        String macA = VethPair.exec(v.nsA, "cat", "/sys/class/net/" + v.ifA + "/address").trim();
        String macB = VethPair.exec(v.nsB, "cat", "/sys/class/net/" + v.ifB + "/address").trim();
        for (String[] n : new String[][] {
                {v.nsA, v.ifA, v.ipv4B, macB}, {v.nsA, v.ifA, v.ipv6B, macB},
                {v.nsB, v.ifB, v.ipv4A, macA}, {v.nsB, v.ifB, v.ipv6A, macA}}) {
            Tools.run("ip", "-n", n[0], "neigh", "replace", n[2], "lladdr", n[3], "dev", n[1], "nud", "permanent");
        }
    }

    /** Offload settings of a test run, on both ends of the veth pair. */
    enum Offloads {
        /** TSO and GSO on, GRO off: the sender's hooks see GSO super-packets, and so does the peer. */
        SEGMENTATION("on", "off"),
        /** TSO and GSO off, GRO on: wire-size packets leave, the receiver merges them before its hooks. */
        GRO("off", "on"),
        /** Everything off: every skb is one wire packet. */
        NONE("off", "off");

        private final String segmentation;
        private final String gro;

        Offloads(String segmentation, String gro) {
            this.segmentation = segmentation;
            this.gro = gro;
        }
    }

    /** Applies {@code o} to both ends (ethtool -K tso/gso/gro). */
    static void offloads(VethPair v, Offloads o) {
        VethPair.exec(v.nsA, "ethtool", "-K", v.ifA, "tso", o.segmentation, "gso", o.segmentation, "gro", o.gro);
        VethPair.exec(v.nsB, "ethtool", "-K", v.ifB, "tso", o.segmentation, "gso", o.segmentation, "gro", o.gro);
    }

    /** Runs {@code python3 script args} in {@code ns} to completion; returns stdout. */
    static String python(String ns, Path script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", script.toString()));
        cmd.addAll(List.of(args));
        return Tools.run(cmd);
    }

    /** A process started in {@code ns} whose first output line is awaited (e.g. "ready"). */
    static Process startAndAwait(String ns, String expectedLine, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!expectedLine.equals(line)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " said '" + line + "', expected '" + expectedLine + "'");
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
