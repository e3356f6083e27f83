package org.flowmond.bpf.tc;

import org.flowmond.bpf.api.KernelClock;

/**
 * A loader process for {@link TcRestartTest}: attaches the TC flow counter to one interface in a
 * namespace, prints "attached", and waits to be killed (SIGKILL leaves its filters behind).
 *
 * <p>Arguments: NETNS IFNAME
 */
public final class TcAttachMain {
    private TcAttachMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        TcFlowMonitor monitor = TcFlowMonitor.open(TcFlowMonitorOptions.withMaxFlows(1024), new KernelClock(), f -> { });
        monitor.attach(TcInterface.named(args[1], TcHooks.BOTH).inNamespace(args[0]));
        System.out.println("attached");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
