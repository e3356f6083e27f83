package org.flowmond.ipfix;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The example of the module README, kept compiling: {@code ReadmeExample PORT} sends one flow. */
public final class ReadmeExample {
    private ReadmeExample() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ExporterSettings settings = new ExporterSettings(
                List.of(Collector.parse("127.0.0.1:" + port)), 1, 1500,
                Duration.ofSeconds(60), 100, Duration.ofSeconds(60),
                32473, BiflowMode.NPROBE, 65536, Optional.empty());
        try (IpfixExporter exporter = IpfixExporter.start(settings)) {
            exporter.export(FlowRecord.builder()
                    .source(InetAddress.getByName("10.0.0.5"), 51234)
                    .destination(InetAddress.getByName("93.184.216.34"), 443)
                    .protocol(6)
                    .direction(FlowDirection.EGRESS)
                    .forward(12, 1840, 0x1b, 1_700_000_000_000L, 1_700_000_000_420L)
                    .reverse(10, 9600, 0x1b, 1_700_000_000_010L, 1_700_000_000_415L)
                    .biflowDirection(BiflowDirection.INITIATOR)
                    .endReason(FlowEndReason.END_OF_FLOW)
                    .sourceProcess(new ProcessInfo(4242, "curl", 1000, "alice", 1200, "bash", 7))
                    .attribution(SyscallKind.CONNECT, null)
                    .syscalls(1, 0)
                    .build());
            exporter.updateDaemonHealth(new DaemonHealth(1, 0, 0, 0, 0, 0, ProbeVariant.TRACEPOINT));
        }
    }
}
