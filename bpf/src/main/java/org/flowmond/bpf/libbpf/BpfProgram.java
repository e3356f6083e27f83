package org.flowmond.bpf.libbpf;

import java.util.function.Supplier;
import jnr.ffi.Pointer;

/**
 * One program of a {@link BpfObject}. Autoload can change before load; after load it can be
 * attached. Every attach returns a {@link BpfLink} that the object also closes when it is closed.
 */
public final class BpfProgram {
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
