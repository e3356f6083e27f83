package org.flowmond.bpf.tc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flowmond.bpf.api.Direction;
import org.flowmond.bpf.api.FlowKey;

/**
 * The reference count: flowcap.py, an AF_PACKET capture on one interface, counting wire packets
 * and IP bytes per flow and direction independently of the BPF program.
 */
final class FlowCapture implements AutoCloseable {

    /** A flow as both sides can name it (the capture knows no ifindex). */
    record Key(InetAddress src, InetAddress dst, int srcPort, int dstPort, int protocol, int ethProto,
               Direction direction) {
        static Key of(FlowKey k) {
            return new Key(k.srcAddress(), k.dstAddress(), k.srcPort(), k.dstPort(), k.protocol(), k.ethProto(),
                    k.direction());
        }
    }

    /** Packets and IP bytes. */
    record Count(long packets, long bytes) {
        Count plus(long p, long b) {
            return new Count(packets + p, bytes + b);
        }
    }

    /** What the capture saw: per flow counts, socket drops, GSO super-packets. */
    record Result(Map<Key, Count> flows, long drops, long gsoPackets) {
    }

    private final Process process;
    private Result result;

    private FlowCapture(Process process) {
        this.process = process;
    }

    /** Starts capturing on {@code iface} in {@code ns}; returns once the socket is bound. */
    static FlowCapture start(String ns, String iface) {
        return new FlowCapture(TcTestNet.startAndAwait(ns, "ready", "python3",
                TcTestNet.script("flowcap.py").toString(), iface));
    }

    /** Stops the capture after it has read everything queued on its socket. */
    Result stop() {
        if (result != null) {
            return result;
        }
        try {
            OutputStream in = process.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Map<Key, Count> flows = new HashMap<>();
            long drops = -1;
            long gso = -1;
            for (String line = out.readLine(); line != null && !line.equals("end"); line = out.readLine()) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "drops" -> drops = Long.parseLong(f[1]);
                    case "gso" -> gso = Long.parseLong(f[1]);
                    case "flow" -> flows.put(new Key(addr(f[1]), addr(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                            Integer.parseInt(f[5]), Integer.parseInt(f[6]), Direction.fromCode(Integer.parseInt(f[7]))),
                            new Count(Long.parseLong(f[8]), Long.parseLong(f[9])));
                    default -> throw new IllegalStateException("flowcap.py said: " + line);
                }
            }
            process.waitFor(10, TimeUnit.SECONDS);
            result = new Result(flows, drops, gso);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress addr(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // a literal: no name lookup
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
