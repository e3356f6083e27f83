package org.flowmond.bpf.libbpf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A clsact ingress or egress hook on one interface, with libbpf's netlink tc API.
 *
 * <p>Ownership: {@link #create()} remembers whether this hook created the clsact qdisc (EEXIST means
 * it was already there, e.g. made by another tool); {@link #close()} detaches only the filters this
 * hook attached that still run the program it attached (a filter replaced since, e.g. by a newer
 * loader at the same handle and priority, is the newer one's), and destroys the qdisc only if this
 * hook created it and left no replaced filter in it. Filters use a fixed handle and
 * priority with {@code BPF_TC_F_REPLACE}, so after a crash (nobody detached) the next start replaces
 * the stale filter instead of adding a second one.
 *
 * <p>Destroying the clsact qdisc removes both directions' filters, so close the hook that did not
 * create the qdisc first (its detach then still finds its filter), or just close both: a detach
 * from an already removed qdisc is ignored on close.
 */
public final class TcHook implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TcHook.class);
    /** A filter no one uses, asked for only to learn whether the hook still has a filter chain. */
    private static final int PROBE_HANDLE = 0xfffe;
    private static final int PROBE_PRIORITY = 0xffff;

    private final int ifindex;
    private final int attachPoint;
    private String netns;
    private boolean createdQdisc;
    /** {handle, priority, id of the program attached}. */
    private final List<int[]> attached = new ArrayList<>();
    /** A filter of ours was replaced by another program: the qdisc is in use, leave it. */
    private boolean qdiscInUse;
    private boolean closed;

    private TcHook(int ifindex, int attachPoint) {
        this.ifindex = ifindex;
        this.attachPoint = attachPoint;
    }

    public static TcHook ingress(int ifindex) {
        return new TcHook(ifindex, TcHookStruct.BPF_TC_INGRESS);
    }

    public static TcHook egress(int ifindex) {
        return new TcHook(ifindex, TcHookStruct.BPF_TC_EGRESS);
    }

    /** Makes every netlink operation of this hook run in network namespace {@code nameOrPath} (see {@link NetNamespace}). */
    public TcHook inNamespace(String nameOrPath) {
        this.netns = nameOrPath;
        return this;
    }

    public int ifindex() {
        return ifindex;
    }

    public boolean isIngress() {
        return attachPoint == TcHookStruct.BPF_TC_INGRESS;
    }

    /** Creates the clsact qdisc; true if this call created it, false if it already existed (EEXIST). */
    public synchronized boolean create() {
        requireOpen();
        // an existing qdisc is the usual answer (the kernel says "Exclusivity flag on, cannot modify")
        int rc = inNsExpecting(() -> Native.LIBBPF.bpf_tc_hook_create(hookStruct(attachPoint)), Errno.EEXIST);
        if (rc == -Errno.EEXIST) {
            return false;
        }
        Checked.rc(rc, "bpf_tc_hook_create", describe(null));
        createdQdisc = true;
        return true;
    }

    public synchronized boolean createdQdisc() {
        return createdQdisc;
    }

    /** Attaches {@code program} as filter {@code handle}/{@code priority}, replacing one already there. */
    public synchronized void attach(BpfProgram program, int handle, int priority) {
        requireOpen();
        TcOptsStruct opts = new TcOptsStruct(Native.RUNTIME, handle, priority);
        opts.progFd.set(program.fd());
        opts.flags.set(TcOptsStruct.BPF_TC_F_REPLACE);
        Checked.rc(inNs(() -> Native.LIBBPF.bpf_tc_attach(hookStruct(attachPoint), opts)), "bpf_tc_attach",
                describe(program.name()));
        attached.removeIf(a -> a[0] == handle && a[1] == priority);
        attached.add(new int[] {handle, priority, (int) opts.progId.get()}); // prog_id: filled in by bpf_tc_attach
    }

    /** Removes filter {@code handle}/{@code priority} (ENOENT if there is none). */
    public synchronized void detach(int handle, int priority) {
        requireOpen();
        attached.removeIf(a -> a[0] == handle && a[1] == priority);
        TcOptsStruct opts = new TcOptsStruct(Native.RUNTIME, handle, priority);
        Checked.rc(inNs(() -> Native.LIBBPF.bpf_tc_detach(hookStruct(attachPoint), opts)), "bpf_tc_detach",
                describe("handle=" + handle + ", priority=" + priority));
    }

    /** Id of the program attached as {@code handle}/{@code priority}, or 0 if there is none. */
    public synchronized int queryProgramId(int handle, int priority) {
        requireOpen();
        TcOptsStruct opts = new TcOptsStruct(Native.RUNTIME, handle, priority);
        int rc = inNsExpecting(() -> Native.LIBBPF.bpf_tc_query(hookStruct(attachPoint), opts), Errno.ENOENT, Errno.EINVAL);
        // ENOENT: no filter with that priority; EINVAL: the kernel found no filter chain at all
        // (the last filter of the hook is gone), or no clsact qdisc.
        if (rc == -Errno.ENOENT || rc == -Errno.EINVAL) {
            return 0;
        }
        Checked.rc(rc, "bpf_tc_query", describe("handle=" + handle + ", priority=" + priority));
        return (int) opts.progId.get();
    }

    /** Destroys the clsact qdisc (with every filter on it, both directions) if this hook created it. */
    public synchronized void destroyIfCreated() {
        if (!createdQdisc) {
            return;
        }
        createdQdisc = false;
        int both = TcHookStruct.BPF_TC_INGRESS | TcHookStruct.BPF_TC_EGRESS;
        int rc = inNsExpecting(() -> Native.LIBBPF.bpf_tc_hook_destroy(hookStruct(both)), Errno.ENOENT, Errno.EINVAL);
        if (rc != -Errno.ENOENT && rc != -Errno.EINVAL) { // already gone (interface or qdisc removed)
            Checked.rc(rc, "bpf_tc_hook_destroy", describe(null));
        }
    }

    /**
     * Detaches this hook's filters that still run the program this hook attached, then destroys the
     * qdisc if this hook created it and none of its filters was replaced by another program. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        for (int[] a : List.copyOf(attached)) {
            int now;
            try {
                now = queryProgramId(a[0], a[1]);
            } catch (LibBpfException e) {
                if (e.errno() != Errno.ENODEV) {
                    throw e;
                }
                now = 0;
            }
            if (now == 0) {
                continue; // gone with the qdisc or the interface
            }
            if (now != a[2]) {
                qdiscInUse = true; // replaced: the filter is its new owner's
                continue;
            }
            TcOptsStruct opts = new TcOptsStruct(Native.RUNTIME, a[0], a[1]);
            int rc = inNsExpecting(() -> Native.LIBBPF.bpf_tc_detach(hookStruct(attachPoint), opts), Errno.ENOENT, Errno.EINVAL);
            if (rc < 0 && rc != -Errno.ENOENT && rc != -Errno.EINVAL) { // gone with the qdisc or the interface
                Checked.rc(rc, "bpf_tc_detach", describe("handle=" + a[0] + ", priority=" + a[1]));
            }
        }
        attached.clear();
        if (!qdiscInUse && !filtersRemain()) {
            destroyIfCreated();
        }
        closed = true;
    }

    /**
     * Whether any filter is left on this qdisc, in either direction: another tool may have added its
     * own to the clsact qdisc this hook created, and destroying the qdisc would take them with it.
     * libbpf 1.1 cannot list filters, but the kernel answers a query for a filter that is not there
     * with EINVAL when the hook has no filter chain left (no filter of anyone) and with ENOENT when a
     * chain, and so some filter, remains; an interface that is gone (ENODEV) holds nothing.
     */
    private boolean filtersRemain() {
        if (!createdQdisc) {
            return false;
        }
        for (int point : new int[] {TcHookStruct.BPF_TC_INGRESS, TcHookStruct.BPF_TC_EGRESS}) {
            TcOptsStruct opts = new TcOptsStruct(Native.RUNTIME, PROBE_HANDLE, PROBE_PRIORITY);
            int rc = inNsExpecting(() -> Native.LIBBPF.bpf_tc_query(hookStruct(point), opts), Errno.ENOENT, Errno.EINVAL);
            if (rc != -Errno.EINVAL && rc != -Errno.ENODEV) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TcHook[" + describe(null) + "]";
    }

    private TcHookStruct hookStruct(int point) {
        return new TcHookStruct(Native.RUNTIME, ifindex, point);
    }

    private int inNs(Supplier<Integer> call) {
        return NetNamespace.call(netns, call);
    }

    /**
     * A call whose failure with one of {@code expected} (positive errnos) is an answer, not a
     * problem: libbpf's warnings about it go to DEBUG, and are logged as warnings only when the
     * call fails otherwise.
     */
    private int inNsExpecting(Supplier<Integer> call, int... expected) {
        String[] warnings = new String[1];
        int rc = inNs(() -> {
            try (LibBpfLog.AutoCloseableNoThrow quiet = LibBpfLog.demoteWarnings();
                 LibBpfLog.Capture capture = LibBpfLog.captureWarnings()) {
                int r = call.get();
                warnings[0] = capture.text();
                return r;
            }
        });
        if (rc < 0 && Arrays.stream(expected).noneMatch(e -> rc == -e) && !warnings[0].isEmpty()) {
            LOG.warn("{}: {}", describe(null), warnings[0].strip());
        }
        return rc;
    }

    private String describe(String what) {
        return (what == null ? "" : what + ", ") + "ifindex=" + ifindex + " " + (isIngress() ? "ingress" : "egress")
                + (netns == null ? "" : ", netns " + netns);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }
}
