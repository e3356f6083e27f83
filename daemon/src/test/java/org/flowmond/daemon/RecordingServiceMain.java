package org.flowmond.daemon;

import java.io.PrintStream;
import java.util.Map;
import org.flowmond.daemon.config.Settings;

/**
 * flowmond's real main path (command line, configuration, preflight, signals, sd_notify, exit
 * status) with a service that prints what it is asked instead of running the flow pipeline, so
 * the lifecycle can be tested as a process independently of the BPF loaders.
 */
public final class RecordingServiceMain {

    private RecordingServiceMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream out = System.out;
        Service.Starter starter = settings -> {
            out.println("start max-flows=" + settings.flows().maxFlows());
            return new Service() {
                @Override
                public void reload(Settings newSettings) {
                    out.println("reload max-flows=" + newSettings.flows().maxFlows());
                }

                @Override
                public void writeTables(PrintStream tables) {
                    tables.println("PID\tCOMM\tIP\tSADDR\tDADDR\tRPORT\tCOUNT\tMTBS(s)");
                }

                @Override
                public Map<String, Long> statistics() {
                    return Map.of("flows.active", 0L);
                }

                @Override
                public void close() {
                    out.println("close");
                    if (System.getenv("RECORDING_SERVICE_CLOSE_HANGS") != null) {
                        hang();
                    }
                }
            };
        };
        System.exit(new Flowmond(out, System.err, System.getenv(), starter).run(args));
    }

    /** A shutdown stuck in the kernel or the network, for the second-signal test. */
    private static void hang() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
