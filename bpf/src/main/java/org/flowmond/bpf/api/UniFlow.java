package org.flowmond.bpf.api;

/** A unidirectional flow read out of the kernel: its key and its counters at read time. */
public record UniFlow(FlowKey key, FlowCounters counters) {
}
