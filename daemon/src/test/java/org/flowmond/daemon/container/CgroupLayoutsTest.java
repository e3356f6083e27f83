package org.flowmond.daemon.container;

import static org.flowmond.daemon.container.ContainerRuntime.CONTAINERD;
import static org.flowmond.daemon.container.ContainerRuntime.CRI;
import static org.flowmond.daemon.container.ContainerRuntime.CRIO;
import static org.flowmond.daemon.container.ContainerRuntime.DOCKER;
import static org.flowmond.daemon.container.ContainerRuntime.MACHINED;
import static org.flowmond.daemon.container.ContainerRuntime.NONE;
import static org.flowmond.daemon.container.ContainerRuntime.PODMAN;
import static org.flowmond.daemon.container.ContainerRuntime.SYSTEMD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.flowmond.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layouts runtimes really make: paths as they appear in /proc/PID/cgroup ("0::" line) on
 * cgroup v2 hosts (systemd cgroup driver unless said otherwise), ids as the runtimes print them.
 */
@UnitTest
class CgroupLayoutsTest {
    private static final String A = "4f1b7c3e9a2d5b6c8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";
    private static final String B = "9d3e0a7c41f25b8e6d0c9a1b2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5";
    private static final String POD = "1d0d9c5e-8a7b-4c3d-9e2f-0a1b2c3d4e5f";
    private static final String POD_ = POD.replace('-', '_');
    /** Static (mirror) pods have a hash as UID, with no dashes. */
    private static final String STATIC_POD = "6ae1b5ba8c7e3cf0c7f8b3e1d2a4f5c6";

    static Stream<Arguments> paths() {
        return Stream.of(
                // Docker, systemd driver (the default on systemd hosts) and cgroupfs driver
                row("/system.slice/docker-" + A + ".scope", A, DOCKER, "docker-" + A + ".scope", "", QosClass.NONE),
                row("/docker/" + A, A, DOCKER, "", "", QosClass.NONE),
                // docker in docker: the inner container
                row("/docker/" + A + "/docker/" + B, B, DOCKER, "", "", QosClass.NONE),
                // the Docker daemon itself is a plain service
                row("/system.slice/docker.service", "", SYSTEMD, "docker.service", "", QosClass.NONE),
                // containerd without Kubernetes (nerdctl)
                row("/system.slice/nerdctl-" + A + ".scope", A, CONTAINERD, "nerdctl-" + A + ".scope", "", QosClass.NONE),
                // Kubernetes, kubelet systemd driver: QoS slices, pod UID with underscores
                row("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD_ + ".slice/cri-containerd-"
                        + A + ".scope", A, CONTAINERD, "cri-containerd-" + A + ".scope", POD, QosClass.BURSTABLE),
                row("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + POD_ + ".slice/crio-"
                        + B + ".scope", B, CRIO, "crio-" + B + ".scope", POD, QosClass.BESTEFFORT),
                row("/kubepods.slice/kubepods-pod" + POD_ + ".slice/cri-containerd-" + A + ".scope", A, CONTAINERD,
                        "cri-containerd-" + A + ".scope", POD, QosClass.GUARANTEED),
                row("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD_ + ".slice/docker-"
                        + A + ".scope", A, DOCKER, "docker-" + A + ".scope", POD, QosClass.BURSTABLE),
                // CRI-O's conmon sits beside the container, in the pod but not in the container
                row("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD_ + ".slice/crio-conmon-"
                        + B + ".scope", "", SYSTEMD, "crio-conmon-" + B + ".scope", POD, QosClass.BURSTABLE),
                row("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + STATIC_POD
                        + ".slice/cri-containerd-" + A + ".scope", A, CONTAINERD, "cri-containerd-" + A + ".scope",
                        STATIC_POD, QosClass.BURSTABLE),
                // kind and others run the kubelet with --cgroup-root, which prefixes every name
                row("/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
                        + "kubelet-kubepods-besteffort-pod" + POD_ + ".slice/cri-containerd-" + A + ".scope", A,
                        CONTAINERD, "cri-containerd-" + A + ".scope", POD, QosClass.BESTEFFORT),
                // the pod's slice itself (no container)
                row("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + POD_ + ".slice", "", NONE, "",
                        POD, QosClass.BESTEFFORT),
                // Kubernetes, kubelet cgroupfs driver: the runtime is not in the path
                row("/kubepods/burstable/pod" + POD + "/" + A, A, CRI, "", POD, QosClass.BURSTABLE),
                row("/kubepods/besteffort/pod" + POD + "/" + B, B, CRI, "", POD, QosClass.BESTEFFORT),
                row("/kubepods/pod" + POD + "/" + A, A, CRI, "", POD, QosClass.GUARANTEED),
                row("/kubepods/burstable/pod" + POD + "/crio-" + B, B, CRIO, "", POD, QosClass.BURSTABLE),
                // Podman: systemd driver (root and rootless, split cgroups), cgroupfs driver, conmon
                row("/machine.slice/libpod-" + A + ".scope", A, PODMAN, "libpod-" + A + ".scope", "", QosClass.NONE),
                row("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + B + ".scope/container", B,
                        PODMAN, "libpod-" + B + ".scope", "", QosClass.NONE),
                row("/libpod_parent/libpod-" + A, A, PODMAN, "", "", QosClass.NONE),
                row("/machine.slice/libpod-conmon-" + A + ".scope", "", SYSTEMD, "libpod-conmon-" + A + ".scope", "",
                        QosClass.NONE),
                // systemd-machined: nspawn run directly (systemd >= 250 splits payload and supervisor),
                // nspawn as a service, a libvirt VM; names unescaped
                row("/machine.slice/machine-debian\\x2dbookworm.scope/payload", "debian-bookworm", MACHINED,
                        "machine-debian\\x2dbookworm.scope", "", QosClass.NONE),
                row("/machine.slice/systemd-nspawn@web1.service/payload/system.slice/nginx.service", "web1", MACHINED,
                        "nginx.service", "", QosClass.NONE),
                row("/machine.slice/machine-qemu\\x2d1\\x2dwin10.scope/libvirt/emulator", "qemu-1-win10", MACHINED,
                        "machine-qemu\\x2d1\\x2dwin10.scope", "", QosClass.NONE),
                // plain units and nothing at all
                row("/system.slice/ssh.service", "", SYSTEMD, "ssh.service", "", QosClass.NONE),
                row("/system.slice/system-getty.slice/getty@tty1.service", "", SYSTEMD, "getty@tty1.service", "",
                        QosClass.NONE),
                row("/user.slice/user-1000.slice/session-3.scope", "", SYSTEMD, "session-3.scope", "", QosClass.NONE),
                row("/init.scope", "", SYSTEMD, "init.scope", "", QosClass.NONE),
                row("/user.slice", "", NONE, "", "", QosClass.NONE),
                row("/", "", NONE, "", "", QosClass.NONE),
                // a 64-hex name alone is no container (only under docker/ or a cgroupfs pod)
                row("/custom/" + A, "", NONE, "", "", QosClass.NONE),
                // cgroupfs form under another --cgroup-root
                row("/system.slice/kubepods/pod" + POD + "/" + A, A, CRI, "", POD, QosClass.GUARANTEED));
    }

    private static Arguments row(String path, String id, ContainerRuntime runtime, String unit, String podUid,
                                 QosClass qos) {
        return Arguments.of(path, new ContainerIdentity(id, runtime, unit, podUid, qos, path));
    }

    @ParameterizedTest
    @MethodSource("paths")
    void identifiesTheLayout(String path, ContainerIdentity expected) {
        assertEquals(expected, CgroupLayouts.identify(path));
    }

    @Test
    void unescapesSystemdNamesAsUtf8() {
        assertEquals("café-1", CgroupLayouts.unescape("caf\\xc3\\xa9\\x2d1"));
        assertEquals("a\\x2", CgroupLayouts.unescape("a\\x2"));       // cut short: kept as it is
        assertEquals("a\\xzz", CgroupLayouts.unescape("a\\xzz"));     // not hex: kept
    }
}
