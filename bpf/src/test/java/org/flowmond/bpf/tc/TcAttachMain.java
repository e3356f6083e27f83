package org.flowmond.bpf.tc;

import org.flowmond.bpf.api.KernelClock;
import org.flowmond.bpf.api.TcHooks;

/**
 * A loader process for {@link TcRestartTest}: attaches the TC flow counter to one interface in a
 * namespace, prints "attached", and waits to be killed (SIGKILL leaves classic filters behind, not TCX links).
 *
 * <p>Arguments: NETNS IFNAME MODE (a {@link TcAttachMode})
 */
public final class TcAttachMain {
    private TcAttachMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        TcFlowMonitor monitor = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024)
                .withAttach(TcAttachMode.valueOf(args[2]), TcFlowMonitorOptions.DEFAULT_TC_PRIORITY), new KernelClock(), f -> { });
        monitor.attach(TcInterface.named(args[1], TcHooks.BOTH).inNamespace(args[0]));
        System.out.println("attached");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
