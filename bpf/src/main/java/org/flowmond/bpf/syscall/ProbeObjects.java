package org.flowmond.bpf.syscall;

import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.LittleEndian;

/**
 * The BPF objects of the syscall probes (jar resources built from src/main/c/sock_*.bpf.c) and
 * their set-up between open and load: filters into {@code .rodata}, ring-buffer size.
 */
final class ProbeObjects {
    static final String EVENTS_MAP = "sock_events";
    static final String COUNTERS_MAP = "sock_counters";
    private static final String ITERATOR = "/bpf/sock_iter.bpf.o";

    private ProbeObjects() {
    }

    /** Resource of one concrete variant (not AUTO). */
    static String resource(HookVariant variant) {
        return switch (variant) {
            case FENTRY -> "/bpf/sock_fentry.bpf.o";
            case KPROBE -> "/bpf/sock_kprobe.bpf.o";
            case TRACEPOINT -> "/bpf/sock_tp.bpf.o";
            case AUTO -> throw new IllegalArgumentException("AUTO is not one object; pick a variant first");
        };
    }

    /** Opens a variant's object with filters, ring size and wake-up threshold set; not loaded yet. */
    static BpfObject openVariant(HookVariant variant, SyscallProbeOptions options) {
        BpfObject object = BpfObject.openResource(resource(variant));
        try {
            setFilters(object, options.filter());
            object.setGlobalU32("wakeup_bytes", options.wakeupBytes());
            object.map(EVENTS_MAP).setMaxEntries(options.ringBufferBytes());
            return object;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** Opens the start-up iterator object with the filters set; not loaded yet. */
    static BpfObject openIterator(SyscallFilter filter) {
        BpfObject object = BpfObject.openResource(ITERATOR);
        try {
            setFilters(object, filter);
            return object;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    private static void setFilters(BpfObject object, SyscallFilter filter) {
        byte[] pids = new byte[SyscallFilter.MAX_PIDS * Integer.BYTES];
        int[] pidArray = filter.pidArray();
        for (int i = 0; i < pidArray.length; i++) {
            System.arraycopy(LittleEndian.u32(pidArray[i]), 0, pids, i * Integer.BYTES, Integer.BYTES);
        }
        object.setGlobal("filter_pids", pids);
        object.setGlobalU32("filter_pid_count", filter.pids().size());
        object.setGlobalU16Array("filter_ports", filter.portArray());
        object.setGlobalU32("filter_port_count", filter.ports().size());
        object.setGlobalU32("filter_port_min", filter.portRangeLow());
        object.setGlobalU32("filter_port_max", filter.portRangeHigh());
    }
}
