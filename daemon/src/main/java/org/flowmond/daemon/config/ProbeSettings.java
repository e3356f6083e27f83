package org.flowmond.daemon.config;

import java.time.Duration;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.tc.TcAttachMode;

/**
 * {@code flowmon.probes.*}: how the BPF programs are loaded and read.
 *
 * @param syscallHook       {@code syscall-hook}: kernel hook family for connect/accept probes
 * @param ringBufferBytes   {@code ring-buffer-size}: ring buffer size in bytes (power of two, page multiple)
 * @param ringPollInterval  {@code ring-poll-interval}: longest wait of one ring-buffer poll
 * @param tcMapEntries      {@code tc-map-entries}: max entries of the kernel TC flow map
 * @param tcScanInterval    {@code tc-scan-interval}: how often the TC map is read and expiry checked
 * @param tcAttach          {@code tc-attach}: TCX links, classic tc filters, or auto (TCX where the kernel has it)
 * @param tcPriority        {@code tc-priority}: priority (pref) of the classic tc filters, 1 = first
 * @param ownerMapEntries   {@code owner-map-entries}: sockets whose owner the kernel can hold at once
 */
public record ProbeSettings(HookVariant syscallHook, int ringBufferBytes, Duration ringPollInterval,
                            int tcMapEntries, Duration tcScanInterval, TcAttachMode tcAttach, int tcPriority,
                            int ownerMapEntries) {
}
