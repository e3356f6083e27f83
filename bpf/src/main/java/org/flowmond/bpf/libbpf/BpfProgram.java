package org.flowmond.bpf.libbpf;

import java.util.Set;
import java.util.function.Supplier;
import jnr.ffi.Pointer;

/**
 * One program of a {@link BpfObject}. Autoload can change before load; after load it can be
 * attached. Every attach returns a {@link BpfLink} that the object also closes when it is closed.
 */
public final class BpfProgram {
    /** {@code offsetof(struct bpf_prog_info, recursion_misses)} (include/uapi/linux/bpf.h, stable ABI). */
    private static final int RECURSION_MISSES_OFFSET = 208;
    /** The struct up to recursion_misses; the kernel says how much of it it filled (less before 5.12). */
    private static final int PROG_INFO_LENGTH = RECURSION_MISSES_OFFSET + 8;

    /**
     * Program types the kernel runs behind a per-CPU recursion guard (enum bpf_prog_type): kprobe,
     * tracepoint, perf event, raw tracepoint, raw tracepoint writable, tracing (fentry, fexit, tp_btf).
     */
    private static final Set<Integer> RECURSION_GUARDED = Set.of(2, 5, 7, 17, 24, 26);

    private final BpfObject owner;
    private final Pointer prog;
    private final String name;
    private final String sectionName;

    BpfProgram(BpfObject owner, Pointer prog) {
        this.owner = owner;
        this.prog = prog;
        this.name = Native.LIBBPF.bpf_program__name(prog);
        this.sectionName = Native.LIBBPF.bpf_program__section_name(prog);
    }

    /** The C function name, e.g. {@code tc_egress}. */
    public String name() {
        return name;
    }

    /** The ELF section, i.e. the {@code SEC("...")} string, e.g. {@code tc} or {@code tracepoint/sock/inet_sock_set_state}. */
    public String sectionName() {
        return sectionName;
    }

    /** Whether {@link BpfObject#load()} loads this program; turn off the variants not used. */
    public void setAutoload(boolean autoload) {
        owner.requireOpenNotLoaded("set autoload of program " + name);
        Checked.rc(Native.LIBBPF.bpf_program__set_autoload(prog, autoload), "bpf_program__set_autoload", name);
    }

    public boolean autoload() {
        owner.requireOpen("read autoload of program " + name);
        return Native.LIBBPF.bpf_program__autoload(prog);
    }

    public int fd() {
        owner.requireLoaded("use program " + name);
        return Checked.rc(Native.LIBBPF.bpf_program__fd(prog), "bpf_program__fd", name);
    }

    /**
     * How often the kernel skipped this program because it was already running on the same CPU
     * ({@code bpf_prog_info.recursion_misses}, Linux 5.12+): a tracing program (raw or BTF
     * tracepoint, kprobe, fentry) interrupted by a softirq that hits its hook again is not run for
     * the nested hit, and whatever that run would have recorded is lost. Programs of other types
     * (TC, cgroup, sockops) have no such guard: always 0 for them, as on older kernels and for a
     * program not loaded.
     */
    public long recursionMisses() {
        if (!owner.isLoaded() || !autoload() || !RECURSION_GUARDED.contains(Native.LIBBPF.bpf_program__type(prog))) {
            return 0; // no system call for the programs that cannot miss
        }
        byte[] info = new byte[PROG_INFO_LENGTH]; // zeroed: the kernel reads its pointer fields as requests
        int[] length = {PROG_INFO_LENGTH};
        Checked.rc(Native.LIBBPF.bpf_obj_get_info_by_fd(fd(), info, length), "bpf_obj_get_info_by_fd", name);
        return length[0] < RECURSION_MISSES_OFFSET + 8 ? 0 : LittleEndian.getU64(info, RECURSION_MISSES_OFFSET);
    }

    /** Attaches as libbpf's SEC() name says (tracepoint/..., kprobe/..., fentry/..., iter/...). */
    public BpfLink attach() {
        return link("bpf_program__attach", name + ", SEC " + sectionName,
                () -> Native.LIBBPF.bpf_program__attach(prog));
    }

    /** Attaches to the classic tracepoint {@code category:name}, e.g. {@code sock:inet_sock_set_state}. */
    public BpfLink attachTracepoint(String category, String tracepoint) {
        return link("bpf_program__attach_tracepoint", name + ", " + category + ":" + tracepoint,
                () -> Native.LIBBPF.bpf_program__attach_tracepoint(prog, category, tracepoint));
    }

    /** Attaches to a raw tracepoint by name (for {@code raw_tp/} programs). */
    public BpfLink attachRawTracepoint(String tracepoint) {
        return link("bpf_program__attach_raw_tracepoint", name + ", " + tracepoint,
                () -> Native.LIBBPF.bpf_program__attach_raw_tracepoint(prog, tracepoint));
    }

    /** Attaches a kprobe (or kretprobe) on kernel function {@code function}. */
    public BpfLink attachKprobe(String function, boolean retprobe) {
        return link("bpf_program__attach_kprobe", name + ", " + (retprobe ? "kretprobe " : "kprobe ") + function,
                () -> Native.LIBBPF.bpf_program__attach_kprobe(prog, retprobe, function));
    }

    /** Attaches an fentry/fexit/tp_btf program to the target named in its section. */
    public BpfLink attachTrace() {
        return link("bpf_program__attach_trace", name + ", SEC " + sectionName,
                () -> Native.LIBBPF.bpf_program__attach_trace(prog));
    }

    /**
     * Attaches a {@code cgroup/...} program (cgroup_sock, cgroup_sock_addr, cgroup_skb) to the cgroup
     * open as {@code cgroupFd} through a BPF link (BPF_LINK_CREATE, multi-attach: other programs on the
     * cgroup stay). The link, not a pin, keeps it attached: it goes when the link is closed or the
     * process dies. The descriptor may be closed after this returns.
     */
    public BpfLink attachCgroup(int cgroupFd) {
        return link("bpf_program__attach_cgroup", name + ", SEC " + sectionName + ", cgroup fd " + cgroupFd,
                () -> Native.LIBBPF.bpf_program__attach_cgroup(prog, cgroupFd));
    }

    /** Attaches an {@code iter/...} program; read it with {@link BpfLink#readIter()}. */
    public BpfLink attachIter() {
        return link("bpf_program__attach_iter", name + ", SEC " + sectionName,
                () -> Native.LIBBPF.bpf_program__attach_iter(prog, null));
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + ", SEC " + sectionName + "]";
    }

    private BpfLink link(String call, String what, Supplier<Pointer> attach) {
        owner.requireLoaded("attach program " + name);
        BpfLink link = new BpfLink(owner, Checked.ptr(attach.get(), call, what), what);
        owner.addDependent(link);
        return link;
    }
}
