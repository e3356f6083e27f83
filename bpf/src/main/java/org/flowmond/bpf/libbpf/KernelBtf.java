package org.flowmond.bpf.libbpf;

import jnr.ffi.Pointer;

/**
 * The running kernel's own type information (vmlinux BTF, {@code /sys/kernel/btf/vmlinux}),
 * parsed by libbpf: which structs this kernel has, decided in Java before a BPF object is loaded.
 * Needed where CO-RE cannot ask safely: with libbpf 1.1 a relocation against a type absent from
 * vmlinux makes the load search the module BTFs, which needs CAP_SYS_ADMIN, and fails the load
 * without it. Reading the file needs no capability. Looks at vmlinux only, never modules.
 */
public final class KernelBtf implements AutoCloseable {
    /** BTF_KIND_STRUCT in {@code linux/btf.h}. */
    public static final int KIND_STRUCT = 4;
    /** BTF_KIND_UNION in {@code linux/btf.h}. */
    public static final int KIND_UNION = 5;
    /** BTF_KIND_TYPEDEF in {@code linux/btf.h}: a tracepoint {@code tp} has {@code typedef btf_trace_<tp>}. */
    public static final int KIND_TYPEDEF = 8;

    private Pointer btf;

    private KernelBtf(Pointer btf) {
        this.btf = btf;
    }

    /**
     * Parses the kernel's vmlinux BTF (libbpf looks at {@code /sys/kernel/btf/vmlinux}, then at
     * vmlinux images under {@code /boot} and {@code /lib/modules}).
     *
     * @throws LibBpfException {@code btf__load_vmlinux_btf(vmlinux)} with the errno, e.g. ESRCH when the kernel has no BTF
     */
    public static KernelBtf load() {
        return new KernelBtf(Checked.ptr(Native.LIBBPF.btf__load_vmlinux_btf(), "btf__load_vmlinux_btf", "vmlinux"));
    }

    /** Whether this kernel has {@code struct name}: one-shot {@link #load()}, look up, close. */
    public static boolean kernelHasStruct(String name) {
        try (KernelBtf kernel = load()) {
            return kernel.hasStruct(name);
        }
    }

    /** Whether vmlinux has a {@code struct name} (not a union or typedef of that name). */
    public boolean hasStruct(String name) {
        return typeId(name, KIND_STRUCT) > 0;
    }

    /**
     * The BTF type id of the type {@code name} of {@code kind} (a {@code BTF_KIND_*}), 0 when this
     * kernel has none.
     *
     * @throws LibBpfException the lookup failed otherwise than "not found"
     */
    public int typeId(String name, int kind) {
        if (btf == null) {
            throw new IllegalStateException("KernelBtf is closed: cannot look up " + name);
        }
        int id = Native.LIBBPF.btf__find_by_name_kind(btf, name, kind);
        if (id == -Errno.ENOENT) {
            return 0;
        }
        return Checked.rc(id, "btf__find_by_name_kind", "vmlinux, " + name + ", kind " + kind);
    }

    /** Frees libbpf's copy; idempotent. */
    @Override
    public void close() {
        if (btf != null) {
            Native.LIBBPF.btf__free(btf);
            btf = null;
        }
    }
}
