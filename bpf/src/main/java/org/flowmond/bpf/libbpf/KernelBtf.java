package org.flowmond.bpf.libbpf;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.Pointer;

/**
 * The running kernel's own type information (vmlinux BTF, {@code /sys/kernel/btf/vmlinux}),
 * parsed by libbpf: which structs this kernel has, decided in Java before a BPF object is loaded.
 * Needed where CO-RE cannot ask safely: with libbpf 1.1 a relocation against a type absent from
 * vmlinux makes the load search the module BTFs, which needs CAP_SYS_ADMIN, and fails the load
 * without it. Reading the file needs no capability. Looks at vmlinux only, never modules.
 *
 * <p>A parse costs about 100 ms of fresh memory (5.5 MB of BTF on 6.x): the static lookups
 * ({@link #kernelHasStruct}, {@link #rememberedTypeId}) remember every answer for the life of the
 * process (vmlinux does not change under it), and {@link #remember} answers several types in one
 * parse, e.g. {@link #STARTUP_TYPES} on a thread of its own while the daemon starts. A minimal
 * BTF found in the cache ({@link MinCoreBtf}) brings the answers to {@link #STARTUP_TYPES} with it.
 */
public final class KernelBtf implements AutoCloseable {
    /** BTF_KIND_STRUCT in {@code linux/btf.h}. */
    public static final int KIND_STRUCT = 4;
    /** BTF_KIND_UNION in {@code linux/btf.h}. */
    public static final int KIND_UNION = 5;
    /** BTF_KIND_TYPEDEF in {@code linux/btf.h}: a tracepoint {@code tp} has {@code typedef btf_trace_<tp>}. */
    public static final int KIND_TYPEDEF = 8;

    /** A type asked for by name and kind (a {@code BTF_KIND_*}). */
    public record Type(String name, int kind) { }

    /**
     * The types start-up asks about: TCX ({@code TcxLink}), the accept return slot of the fentry
     * probes ({@code ProbeObjects}), the send/receive tracepoints of socket ownership.
     */
    public static final List<Type> STARTUP_TYPES = List.of(
            new Type("tcx_entry", KIND_STRUCT),
            new Type("proto_accept_arg", KIND_STRUCT),
            new Type("btf_trace_sock_send_length", KIND_TYPEDEF),
            new Type("btf_trace_sock_recv_length", KIND_TYPEDEF));

    /** Type ids (0: absent) of the types asked about so far. */
    private static final Map<Type, Integer> REMEMBERED = new ConcurrentHashMap<>();

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

    /** Whether this kernel has {@code struct name} (see {@link #rememberedTypeId}). */
    public static boolean kernelHasStruct(String name) {
        return rememberedTypeId(name, KIND_STRUCT) > 0;
    }

    /**
     * The type id of {@code name} of {@code kind} in vmlinux, 0 when absent: remembered, or one
     * parse that remembers it. A caller arriving while {@link #remember} parses waits for its answer
     * instead of parsing a second time.
     *
     * @throws LibBpfException the kernel has no BTF, or the lookup failed otherwise than "not found"
     */
    public static int rememberedTypeId(String name, int kind) {
        Type type = new Type(name, kind);
        Integer id = REMEMBERED.get(type);
        if (id != null) {
            return id;
        }
        remember(List.of(type));
        return REMEMBERED.get(type);
    }

    /** Looks up every type of {@code types} not yet remembered, in one parse, and remembers the answers. */
    public static synchronized void remember(Collection<Type> types) {
        List<Type> unknown = types.stream().filter(t -> !REMEMBERED.containsKey(t)).toList();
        if (unknown.isEmpty()) {
            return;
        }
        try (KernelBtf kernel = load()) {
            for (Type t : unknown) {
                REMEMBERED.put(t, kernel.typeId(t.name(), t.kind()));
            }
        }
    }

    /** Takes answers found by an earlier parse of this same kernel (the minimal BTF's manifest, {@link MinCoreBtf}). */
    static void rememberAnswers(Map<Type, Integer> answers) {
        REMEMBERED.putAll(answers);
    }

    /** The answers about {@code types}, each looked up (one parse for those not yet remembered). */
    static Map<Type, Integer> answers(Collection<Type> types) {
        remember(types);
        Map<Type, Integer> answers = new java.util.LinkedHashMap<>();
        for (Type t : types) {
            answers.put(t, REMEMBERED.get(t));
        }
        return answers;
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
