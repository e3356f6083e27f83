package org.flowmond.bpf.owner;

import java.util.ArrayList;
import java.util.List;
import org.flowmond.bpf.api.HookVariant;
import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;
import org.flowmond.bpf.syscall.SyscallFilter;
import org.flowmond.bpf.syscall.SyscallProbeOptions;
import org.flowmond.bpf.syscall.SyscallProbes;
import org.flowmond.bpf.tc.TcFlowMonitor;
import org.flowmond.bpf.tc.TcFlowMonitorOptions;
import org.flowmond.bpf.tc.TcInterface;

/**
 * Holds flowmond's kernel side attached for benchmarks (bench/ownership-cost.sh,
 * bench/syscall-tax.sh) until stdin closes: {@code [--owners] [--probes] [NS:DEV ...]}.
 * --owners: SocketOwnership (and the TC counter stamps owners); --probes: the syscall probes
 * (AUTO; with --owners that is the SOCKET variant here); NS:DEV: the TC counter on DEV in NS.
 */
public final class OwnershipAttachMain {
    private OwnershipAttachMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean owners = List.of(args).contains("--owners");
        boolean probes = List.of(args).contains("--probes");
        List<AutoCloseable> open = new ArrayList<>();
        SocketOwnership own = null;
        if (owners) {
            own = SocketOwnership.open(SocketOwnershipOptions.defaults());
            open.add(own);
            own.seedExisting();
        }
        if (probes) {
            SyscallProbeOptions o = SyscallProbeOptions.of(HookVariant.AUTO, SyscallFilter.none());
            SyscallProbes p = SyscallProbes.open(own == null ? o : o.withOwnership(own), new KernelClock());
            p.start(e -> { });
            open.add(0, p);
            System.out.println("probes " + p.variantInUse());
        }
        TcFlowMonitor tc = null;
        for (String a : args) {
            if (a.startsWith("--")) {
                continue;
            }
            if (tc == null) {
                tc = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(65536), new KernelClock(), f -> { }, own);
                open.add(0, tc);
            }
            String[] nsDev = a.split(":");
            tc.attach(TcInterface.named(nsDev[1], TcHooks.BOTH).inNamespace(nsDev[0]));
        }
        System.out.println("attached");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold until stdin closes
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }
}
