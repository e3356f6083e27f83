package org.flowmond.bpf.libbpf;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A TCX link (kernel 6.6+): a TC program attached to an interface's ingress or egress through a
 * BPF link file descriptor, created with {@code bpf_link_create} (libbpf 1.1 has no TCX API of
 * its own). The link lives as long as its descriptor: {@link #close()} detaches it, and so does
 * the end of the process, even by SIGKILL. Other TC programs are never touched: TCX keeps its
 * programs in a list where each attacher adds or removes only its own, and classic tc filters
 * on the same hook run after every TCX program.
 */
public final class TcxLink implements AutoCloseable {
    /** {@code BPF_TCX_INGRESS} of {@code enum bpf_attach_type}. */
    public static final int BPF_TCX_INGRESS = 46;
    /** {@code BPF_TCX_EGRESS} of {@code enum bpf_attach_type}. */
    public static final int BPF_TCX_EGRESS = 47;
    private static final int MAX_PROGRAMS = 64; // BPF_MPROG_MAX

    private final int fd;
    private final String description;
    private boolean closed;

    private TcxLink(int fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    /** Whether the running kernel has TCX ({@code struct tcx_entry} in its BTF; Linux 6.6+). */
    public static boolean kernelSupportsTcx() {
        return KernelBtf.kernelHasStruct("tcx_entry");
    }

    /**
     * Attaches {@code program} to interface {@code ifindex} (as numbered in namespace {@code netns},
     * null for the caller's) at the head of its TCX chain ({@code BPF_F_BEFORE}, no relative program),
     * so it runs before every TCX program already there and every one attached later without "before".
     *
     * @throws LibBpfException {@code bpf_link_create} with the errno, e.g. EINVAL on a kernel without TCX
     */
    public static TcxLink attachFirst(BpfProgram program, int ifindex, boolean ingress, String netns) {
        String what = program.name() + ", " + describe(ifindex, ingress, netns);
        LinkCreateOpts opts = new LinkCreateOpts(Native.RUNTIME, LinkCreateOpts.BPF_F_BEFORE);
        int fd = NetNamespace.call(netns, () -> Native.LIBBPF.bpf_link_create(program.fd(), ifindex,
                attachType(ingress), opts));
        return new TcxLink(Checked.rc(fd, "bpf_link_create(BPF_TCX_" + (ingress ? "INGRESS" : "EGRESS") + ")", what),
                what);
    }

    /**
     * Ids of the programs on interface {@code ifindex}'s TCX ingress or egress, in the order they
     * run (links and programs attached without a link alike); empty if there are none.
     */
    public static int[] programIds(int ifindex, boolean ingress, String netns) {
        Pointer ids = Memory.allocateDirect(Native.RUNTIME, 4 * MAX_PROGRAMS);
        ProgQueryOpts opts = new ProgQueryOpts(Native.RUNTIME);
        opts.progIds.set(ids);
        opts.progCnt.set(MAX_PROGRAMS);
        int rc = NetNamespace.call(netns, () -> Native.LIBBPF.bpf_prog_query_opts(ifindex, attachType(ingress), opts));
        Checked.rc(rc, "bpf_prog_query_opts", describe(ifindex, ingress, netns));
        int[] out = new int[(int) opts.progCnt.get()];
        ids.get(0, out, 0, out.length);
        return out;
    }

    public int fd() {
        return fd;
    }

    /** Detaches the program (closes the link's descriptor). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Native.LIBC.close(fd) != 0) {
            throw new LibBpfException("close", "TCX link " + description, Native.errno());
        }
    }

    @Override
    public String toString() {
        return "TcxLink[" + description + (closed ? ", closed" : "") + "]";
    }

    private static int attachType(boolean ingress) {
        return ingress ? BPF_TCX_INGRESS : BPF_TCX_EGRESS;
    }

    private static String describe(int ifindex, boolean ingress, String netns) {
        return "ifindex=" + ifindex + " " + (ingress ? "ingress" : "egress") + (netns == null ? "" : ", netns " + netns);
    }
}
