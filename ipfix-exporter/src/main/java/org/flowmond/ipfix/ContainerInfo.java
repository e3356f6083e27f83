package org.flowmond.ipfix;

import java.util.Objects;

/**
 * The container and network namespace of one side's process, as flowmond exports it: the
 * container ID in ntop's {@code SRC_PROC_CONTAINER_ID}/{@code DST_PROC_CONTAINER_ID} (its first 16
 * characters, nProbe's length), the rest in flowmond's own elements (119–126). Empty strings and
 * 0 mean "not known".
 *
 * @param containerId the runtime's container ID (or machine name), "" if none
 * @param runtime     "docker", "containerd", "cri-o", "podman", "cri", "machined", "systemd", or ""
 * @param systemdUnit the systemd unit, e.g. "ssh.service", or ""
 * @param podUid      the Kubernetes pod UID, or ""
 * @param netnsInode  the network namespace (nsfs inode) of the process's socket, 0 if not known
 */
public record ContainerInfo(String containerId, String runtime, String systemdUnit, String podUid, long netnsInode) {
    /** Nothing known. */
    public static final ContainerInfo NONE = new ContainerInfo("", "", "", "", 0);

    public ContainerInfo {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(systemdUnit, "systemdUnit");
        Objects.requireNonNull(podUid, "podUid");
        if (netnsInode < 0 || netnsInode > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("netns inode out of unsigned32 range: " + netnsInode);
        }
    }
}
