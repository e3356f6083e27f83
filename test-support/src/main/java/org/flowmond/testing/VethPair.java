package org.flowmond.testing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces joined by a veth pair, created for one test and removed by
 * {@link #close()}. Addresses: IPv4 10.X.0.1/24 (side A) and 10.X.0.2/24 (side B), IPv6
 * fd00:X::1/64 and fd00:X::2/64, where X is unique per pair within the JVM. IPv6 duplicate
 * address detection is disabled so addresses are usable at once.
 */
public final class VethPair implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger(1);

    public final String nsA;
    public final String nsB;
    public final String ifA;
    public final String ifB;
    public final String ipv4A;
    public final String ipv4B;
    public final String ipv6A;
    public final String ipv6B;

    private VethPair(int n, String prefix) {
        int salt = (int) (ProcessHandle.current().pid() % 200);
        int x = (salt + n) % 250 + 1;
        nsA = prefix + "a" + x;
        nsB = prefix + "b" + x;
        ifA = "fmA" + x;
        ifB = "fmB" + x;
        ipv4A = "10.99." + x + ".1";
        ipv4B = "10.99." + x + ".2";
        ipv6A = "fd00:99:" + Integer.toHexString(x) + "::1";
        ipv6B = "fd00:99:" + Integer.toHexString(x) + "::2";
    }

    /** Creates both namespaces, the veth pair, addresses, and brings everything up. */
    public static VethPair create(String prefix) {
        VethPair p = new VethPair(NEXT.getAndIncrement(), prefix);
        p.destroyQuietly();
        Tools.run("ip", "netns", "add", p.nsA);
        Tools.run("ip", "netns", "add", p.nsB);
        Tools.run("ip", "link", "add", p.ifA, "netns", p.nsA, "type", "veth", "peer", "name", p.ifB, "netns", p.nsB);
        p.configure(p.nsA, p.ifA, p.ipv4A, p.ipv6A);
        p.configure(p.nsB, p.ifB, p.ipv4B, p.ipv6B);
        return p;
    }

    private void configure(String ns, String dev, String v4, String v6) {
        exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
        exec(ns, "sysctl", "-qw", "net.ipv6.conf." + dev + ".accept_dad=0");
        exec(ns, "ip", "link", "set", "lo", "up");
        exec(ns, "ip", "addr", "add", v4 + "/24", "dev", dev);
        exec(ns, "ip", "-6", "addr", "add", v6 + "/64", "dev", dev, "nodad");
        exec(ns, "ip", "link", "set", dev, "up");
    }

    /** Runs a command inside namespace {@code ns} and returns its output. */
    public static String exec(String ns, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return Tools.run(full);
    }

    /** ifindex of a device inside a namespace. */
    public static int ifindex(String ns, String dev) {
        return Integer.parseInt(exec(ns, "cat", "/sys/class/net/" + dev + "/ifindex").trim());
    }

    private void destroyQuietly() {
        Tools.runUnchecked(java.util.List.of("ip", "netns", "del", nsA));
        Tools.runUnchecked(java.util.List.of("ip", "netns", "del", nsB));
    }

    @Override
    public void close() {
        destroyQuietly();
    }
}
