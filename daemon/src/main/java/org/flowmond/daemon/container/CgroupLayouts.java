package org.flowmond.daemon.container;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link ContainerIdentity} from a cgroup v2 path, for the layouts the common runtimes
 * make (see README.md in this package). A pure function of the path: nothing is read from disk.
 *
 * <p>The innermost segment that names a container wins, so a process in a sub-cgroup a container
 * made for itself ({@code libpod-<id>.scope/container}, {@code docker-<id>.scope/init.scope})
 * belongs to that container, and a container nested in another belongs to the inner one.
 */
public final class CgroupLayouts {
    private static final String HEX64 = "([0-9a-f]{64})";

    /** Segment patterns that name a container by themselves; group 1 is the id. */
    private static final List<Layout> SEGMENT_LAYOUTS = List.of(
            new Layout(Pattern.compile("docker-" + HEX64 + "\\.scope"), ContainerRuntime.DOCKER),
            new Layout(Pattern.compile("cri-containerd-" + HEX64 + "\\.scope"), ContainerRuntime.CONTAINERD),
            new Layout(Pattern.compile("nerdctl-" + HEX64 + "\\.scope"), ContainerRuntime.CONTAINERD),
            new Layout(Pattern.compile("crio-" + HEX64 + "(?:\\.scope)?"), ContainerRuntime.CRIO),
            new Layout(Pattern.compile("libpod-" + HEX64 + "(?:\\.scope)?"), ContainerRuntime.PODMAN),
            new Layout(Pattern.compile("machine-(.+)\\.scope"), ContainerRuntime.MACHINED),
            new Layout(Pattern.compile("systemd-nspawn@(.+)\\.service"), ContainerRuntime.MACHINED));

    private static final Pattern BARE_ID = Pattern.compile(HEX64);
    /** The kubelet's systemd driver: [prefix-]kubepods[-burstable|-besteffort]-pod&lt;uid with _&gt;.slice */
    private static final Pattern SYSTEMD_POD =
            Pattern.compile("(?:.+-)?kubepods(?:-(burstable|besteffort))?-pod([0-9a-fA-F_]+)\\.slice");
    /** The kubelet's cgroupfs driver: kubepods/[burstable|besteffort/]pod&lt;uid&gt; */
    private static final Pattern CGROUPFS_POD = Pattern.compile("pod([0-9a-fA-F-]+)");

    private CgroupLayouts() {
    }

    private record Layout(Pattern segment, ContainerRuntime runtime) {
    }

    /** The identity of the cgroup at {@code path} ("/" or "/a/b", relative to the cgroup2 mount). */
    public static ContainerIdentity identify(String path) {
        String[] segments = path.split("/");
        String id = "";
        ContainerRuntime runtime = ContainerRuntime.NONE;
        String unit = "";
        String podUid = "";
        QosClass qos = QosClass.NONE;
        for (int i = segments.length - 1; i >= 0; i--) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                continue;
            }
            if (unit.isEmpty() && (segment.endsWith(".service") || segment.endsWith(".scope"))) {
                unit = segment;
            }
            if (id.isEmpty()) {
                Found found = container(segments, i);
                if (found != null) {
                    id = found.id();
                    runtime = found.runtime();
                }
            }
            if (podUid.isEmpty()) {
                Matcher pod = SYSTEMD_POD.matcher(segment);
                if (pod.matches()) {
                    podUid = pod.group(2).replace('_', '-');
                    qos = pod.group(1) == null ? QosClass.GUARANTEED : qosOf(pod.group(1));
                } else if (isCgroupfsPod(segments, i)) {
                    podUid = segment.substring("pod".length());
                    qos = "kubepods".equals(segments[i - 1]) ? QosClass.GUARANTEED : qosOf(segments[i - 1]);
                }
            }
        }
        if (runtime == ContainerRuntime.NONE && !unit.isEmpty()) {
            runtime = ContainerRuntime.SYSTEMD;
        }
        return new ContainerIdentity(id, runtime, unit, podUid, qos, path);
    }

    private record Found(String id, ContainerRuntime runtime) {
    }

    /** The container segments[i] names, or null. */
    private static Found container(String[] segments, int i) {
        String segment = segments[i];
        for (Layout layout : SEGMENT_LAYOUTS) {
            Matcher m = layout.segment().matcher(segment);
            if (m.matches()) {
                String id = layout.runtime() == ContainerRuntime.MACHINED ? unescape(m.group(1)) : m.group(1);
                return new Found(id, layout.runtime());
            }
        }
        if (i > 0 && BARE_ID.matcher(segment).matches()) {
            if ("docker".equals(segments[i - 1])) {
                return new Found(segment, ContainerRuntime.DOCKER);
            }
            if (isCgroupfsPod(segments, i - 1)) {
                return new Found(segment, ContainerRuntime.CRI);
            }
        }
        return null;
    }

    /** segments[i] is pod&lt;uid&gt; under kubepods or under kubepods/burstable|besteffort. */
    private static boolean isCgroupfsPod(String[] segments, int i) {
        if (i < 1 || !CGROUPFS_POD.matcher(segments[i]).matches()) {
            return false;
        }
        String parent = segments[i - 1];
        return "kubepods".equals(parent)
                || (i >= 2 && "kubepods".equals(segments[i - 2])
                        && ("burstable".equals(parent) || "besteffort".equals(parent)));
    }

    private static QosClass qosOf(String name) {
        return "burstable".equals(name) ? QosClass.BURSTABLE : QosClass.BESTEFFORT;
    }

    /** systemd's unit name escaping undone: {@code \x2d} is '-' (systemd-escape(1)); bytes are UTF-8. */
    static String unescape(String escaped) {
        if (escaped.indexOf('\\') < 0) {
            return escaped;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(escaped.length());
        byte[] raw = escaped.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 3 < raw.length && raw[i + 1] == 'x' && isHex(raw[i + 2]) && isHex(raw[i + 3])) {
                out.write(Character.digit(raw[i + 2], 16) << 4 | Character.digit(raw[i + 3], 16));
                i += 3;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(byte b) {
        return Character.digit(b, 16) >= 0;
    }
}
