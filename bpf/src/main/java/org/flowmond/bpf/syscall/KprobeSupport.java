package org.flowmond.bpf.syscall;

import java.nio.file.Files;
import java.nio.file.Path;
import org.flowmond.bpf.libbpf.BpfFs;

/**
 * Whether this kernel can attach kprobes at all, decided from the file system so that AUTO need
 * not open, load and verify the kprobe object (≈ 0.1 s of start-up) only to have the attach
 * refused with ENOENT. libbpf 1.1 attaches a kprobe through the kprobe PMU, or else through
 * tracefs' {@code kprobe_events}; a kernel built without CONFIG_KPROBES has neither.
 */
final class KprobeSupport {
    static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe");

    private KprobeSupport() {
    }

    /** False only when it is certain: no kprobe PMU and a mounted tracefs without kprobe_events. */
    static boolean possible() {
        return possible(KPROBE_PMU, BpfFs.TRACEFS, BpfFs.isMounted("tracefs", BpfFs.TRACEFS));
    }

    static boolean possible(Path pmu, Path tracefs, boolean tracefsMounted) {
        if (Files.exists(pmu)) {
            return true;
        }
        return !tracefsMounted || Files.exists(tracefs.resolve("kprobe_events"));
    }
}
