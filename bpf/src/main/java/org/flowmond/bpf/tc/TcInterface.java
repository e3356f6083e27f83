package org.flowmond.bpf.tc;

import java.util.Objects;
import org.flowmond.bpf.api.TcHooks;

/**
 * An interface to count on, by name or by index, with the hooks wanted and, optionally, the
 * network namespace it lives in (a name under /var/run/netns or a path; {@code null}: the
 * daemon's own).
 *
 * @param name    interface name, or {@code null} when given by index
 * @param ifindex interface index, or 0 when given by name
 * @param hooks   ingress, egress or both; on loopback BOTH means egress only (every packet crosses
 *                lo's egress and then its ingress: one hook counts it once)
 * @param netns   network namespace, or {@code null}
 */
public record TcInterface(String name, int ifindex, TcHooks hooks, String netns) {
    public TcInterface {
        Objects.requireNonNull(hooks, "hooks");
        if ((name == null) == (ifindex <= 0)) {
            throw new IllegalArgumentException("give an interface name or a positive ifindex, not both");
        }
    }

    public static TcInterface named(String name, TcHooks hooks) {
        return new TcInterface(name, 0, hooks, null);
    }

    public static TcInterface indexed(int ifindex, TcHooks hooks) {
        return new TcInterface(null, ifindex, hooks, null);
    }

    public TcInterface inNamespace(String namespace) {
        return new TcInterface(name, ifindex, hooks, namespace);
    }

    NetDevice resolve() {
        return name != null ? NetDevice.byName(name, netns) : NetDevice.byIndex(ifindex, netns);
    }
}
