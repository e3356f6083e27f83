package org.flowmond.bpf.syscall;

import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.libbpf.BpfObject;
import org.flowmond.bpf.libbpf.KernelBtf;
import org.flowmond.bpf.libbpf.LittleEndian;

/**
 * The BPF objects of the syscall probes (jar resources built from src/main/c/sock_*.bpf.c) and
 * their set-up between open and load: filters into {@code .rodata}, ring-buffer size.
 */
final class ProbeObjects {
    static final String EVENTS_MAP = "sock_events";
    static final String COUNTERS_MAP = "sock_counters";
    private static final String ITERATOR = "/bpf/sock_iter.bpf.o";
    /** sock_fentry.bpf.c: where fexit/inet_csk_accept finds the return value, ctx[2] or ctx[4]. */
    static final String ACCEPT_RET_SLOT = "accept_ret_slot";
    /** Linux 6.10 (commit 92ef0fd55ac8) passes accept's arguments in this struct; its return value moved to ctx[2]. */
    static final String ACCEPT_ARG_STRUCT = "proto_accept_arg";

    private ProbeObjects() {
    }

    /** Resource of one concrete variant (not AUTO). */
    static String resource(HookVariant variant) {
        return switch (variant) {
            case FENTRY -> "/bpf/sock_fentry.bpf.o";
            case KPROBE -> "/bpf/sock_kprobe.bpf.o";
            case SOCKET -> "/bpf/sock_state.bpf.o";
            case RAW_TRACEPOINT -> "/bpf/sock_rawtp.bpf.o";
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
            if (variant == HookVariant.FENTRY) {
                object.setGlobalU32(ACCEPT_RET_SLOT, acceptReturnSlot());
            }
            if (variant == HookVariant.SOCKET) {
                if (options.ownership() == null) {
                    throw new IllegalStateException("the SOCKET hook variant reads the socket owners: open a"
                            + " SocketOwnership and pass it in SyscallProbeOptions.withOwnership");
                }
                options.ownership().shareMapsWith(object);
            }
            return object;
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /**
     * The fexit context slot of inet_csk_accept's return value on this kernel: 2 when vmlinux BTF
     * has {@code struct proto_accept_arg} (inet_csk_accept(sk, arg), Linux 6.10+), else 4
     * (inet_csk_accept(sk, flags, err, kern)). Decided here, not by CO-RE: libbpf 1.1 would look for
     * the missing type in module BTFs, which fails the load without CAP_SYS_ADMIN.
     *
     * @throws org.flowmond.bpf.libbpf.LibBpfException the kernel has no BTF (then fentry cannot work either)
     */
    static int acceptReturnSlot() {
        return KernelBtf.kernelHasStruct(ACCEPT_ARG_STRUCT) ? 2 : 4;
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
