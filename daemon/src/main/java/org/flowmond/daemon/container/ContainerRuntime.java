package org.flowmond.daemon.container;

/**
 * What made the cgroup a process runs in, as far as its path tells. {@link #label()} is the name
 * flowmond exports (a short, stable, lower-case word).
 */
public enum ContainerRuntime {
    /** Not in a container or unit flowmond recognizes (e.g. the root cgroup, a user's session slice). */
    NONE(""),
    /** Docker: {@code docker-<id>.scope} (systemd cgroup driver) or {@code /docker/<id>} (cgroupfs). */
    DOCKER("docker"),
    /** containerd: {@code cri-containerd-<id>.scope} (CRI plugin) or {@code nerdctl-<id>.scope}. */
    CONTAINERD("containerd"),
    /** CRI-O: {@code crio-<id>.scope}. */
    CRIO("cri-o"),
    /** Podman: {@code libpod-<id>.scope} (systemd) or {@code /libpod_parent/libpod-<id>} (cgroupfs). */
    PODMAN("podman"),
    /**
     * A Kubernetes container under the kubelet's cgroupfs driver ({@code /kubepods/.../pod<uid>/<id>}):
     * some CRI runtime, the path does not say which.
     */
    CRI("cri"),
    /**
     * A machine registered with systemd-machined: {@code machine-<name>.scope} (systemd-nspawn run
     * directly, or a libvirt VM) or {@code systemd-nspawn@<name>.service}. The id is the machine name.
     */
    MACHINED("machined"),
    /** A plain systemd unit (service or scope), no container: the unit name says which. */
    SYSTEMD("systemd");

    private final String label;

    ContainerRuntime(String label) {
        this.label = label;
    }

    /** The exported name: "docker", "containerd", "cri-o", "podman", "cri", "machined", "systemd", or "". */
    public String label() {
        return label;
    }
}
