package org.flowmond.daemon.container;

import java.util.Objects;

/**
 * Who a cgroup belongs to, read from its path. Empty strings mean "not known", never null.
 *
 * @param id         the container ID as its runtime reports it (64 hex digits for Docker, containerd,
 *                   CRI-O and Podman), the machine name for {@link ContainerRuntime#MACHINED}, "" otherwise
 * @param runtime    what made the cgroup; {@link ContainerRuntime#SYSTEMD} for a plain unit
 * @param unit       the innermost systemd unit in the path ({@code ssh.service}, {@code docker-<id>.scope}),
 *                   as systemd names it (escapes such as {@code \x2d} kept), or ""
 * @param podUid     the Kubernetes pod UID with its dashes (the kubelet's systemd names replace them
 *                   with underscores), or ""
 * @param qos        the pod's QoS class, {@link QosClass#NONE} outside Kubernetes
 * @param cgroupPath the cgroup v2 path, relative to the cgroup2 mount, starting with "/"
 */
public record ContainerIdentity(String id, ContainerRuntime runtime, String unit, String podUid, QosClass qos,
                                String cgroupPath) {
    public ContainerIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(podUid, "podUid");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(cgroupPath, "cgroupPath");
    }

    /** A cgroup flowmond could not find (gone before it looked): nothing but the fact. */
    public static ContainerIdentity unknown() {
        return new ContainerIdentity("", ContainerRuntime.NONE, "", "", QosClass.NONE, "");
    }

    public boolean isContainer() {
        return !id.isEmpty();
    }
}
