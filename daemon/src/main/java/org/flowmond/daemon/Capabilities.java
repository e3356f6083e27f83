package org.flowmond.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The effective capability set of this process, from {@code /proc/self/status}. */
record Capabilities(long effective, int lastCap) {

    static final int CAP_DAC_READ_SEARCH = 2;
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_PTRACE = 19;
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;

    static Capabilities ofThisProcess() throws IOException {
        int lastCap = Integer.parseInt(firstLine(Path.of("/proc/sys/kernel/cap_last_cap")).trim());
        return new Capabilities(parseCapEff(String.join("\n", Files.readAllLines(Path.of("/proc/self/status")))), lastCap);
    }

    /**
     * One read of a whole line: Files.readString returned "4" for "40\n" from this sysctl file
     * (it reads /proc files, whose size is 0, in a way that loses the rest).
     */
    private static String firstLine(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line = reader.readLine();
            if (line == null) {
                throw new IOException(file + " is empty");
            }
            return line;
        }
    }

    /** The CapEff line's hexadecimal mask. */
    static long parseCapEff(String status) throws IOException {
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            }
        }
        throw new IOException("no CapEff line in /proc/self/status");
    }

    boolean has(int capability) {
        return (effective & (1L << capability)) != 0;
    }

    /**
     * Capabilities missing to load and attach the BPF programs: CAP_BPF and CAP_PERFMON (or, on
     * kernels before 5.8 that have neither, CAP_SYS_ADMIN), and CAP_NET_ADMIN for the TC hooks.
     */
    List<String> missingForBpf() {
        List<String> missing = new ArrayList<>();
        boolean splitCaps = lastCap >= CAP_BPF;
        if (splitCaps) {
            if (!has(CAP_BPF) && !has(CAP_SYS_ADMIN)) {
                missing.add("CAP_BPF");
            }
            if (!has(CAP_PERFMON) && !has(CAP_SYS_ADMIN)) {
                missing.add("CAP_PERFMON");
            }
        } else if (!has(CAP_SYS_ADMIN)) {
            missing.add("CAP_SYS_ADMIN");
        }
        if (!has(CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        return missing;
    }
}
