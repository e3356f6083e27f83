package org.flowmond.daemon.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import jnr.ffi.LibraryLoader;

/**
 * Makes a service on this namespace's 127.0.0.1 reachable on 127.0.0.1 of another network
 * namespace, at the same port: the Kafka broker (whose advertised address is 127.0.0.1:port,
 * so its clients must find it there) and the IPFIX collector, for daemons in their own "host"
 * namespaces. A socket belongs to the namespace of the thread that creates it, so the relay
 * creates its listening socket after setns(2) into the other namespace and everything else in
 * its own: no addresses besides loopback, no firewall rules. TCP connections are copied byte for
 * byte; UDP datagrams one by one, each kept whole (an IPFIX message per datagram).
 */
public final class NetnsRelay implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;

    /** The two libc calls: open a namespace file, and move this thread into it. */
    public interface LibC {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final LibC C = LibraryLoader.create(LibC.class).load("c");

    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile boolean closed;

    /** TCP: 127.0.0.1:port in {@code netns} → 127.0.0.1:port here. */
    public static NetnsRelay tcp(String netns, int port) throws Exception {
        NetnsRelay r = new NetnsRelay();
        ServerSocketChannel listener = inNamespace(netns, () -> {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return s;
        });
        r.resources.add(listener);
        r.thread("relay-accept-" + port, () -> r.accept(listener, port));
        return r;
    }

    /** UDP: datagrams to 127.0.0.1:port in {@code netns} → 127.0.0.1:targetPort here, from one socket (one exporter). */
    public static NetnsRelay udp(String netns, int port, int targetPort) throws Exception {
        NetnsRelay r = new NetnsRelay();
        DatagramChannel in = inNamespace(netns, () -> DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", port)));
        DatagramChannel out = DatagramChannel.open().connect(new InetSocketAddress("127.0.0.1", targetPort));
        r.resources.add(in);
        r.resources.add(out);
        r.thread("relay-udp-" + port, () -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (!r.closed) {
                buf.clear();
                in.receive(buf);
                buf.flip();
                out.write(buf);
            }
            return null;
        });
        return r;
    }

    private Void accept(ServerSocketChannel listener, int port) throws IOException {
        while (!closed) {
            SocketChannel inner = listener.accept();
            Socket outer;
            try {
                outer = new Socket("127.0.0.1", port); // created on this thread: this namespace
            } catch (IOException refused) {
                inner.close(); // the service is down (a killed broker): the client sees a closed connection
                continue;
            }
            synchronized (resources) {
                resources.add(inner);
                resources.add(outer);
            }
            Socket in = inner.socket();
            thread("relay-up-" + port, () -> copy(in.getInputStream(), outer.getOutputStream(), in, outer));
            thread("relay-down-" + port, () -> copy(outer.getInputStream(), in.getOutputStream(), in, outer));
        }
        return null;
    }

    private static Void copy(InputStream from, OutputStream to, Socket a, Socket b) {
        byte[] buf = new byte[65536];
        try {
            for (int n; (n = from.read(buf)) >= 0; ) {
                to.write(buf, 0, n);
            }
        } catch (IOException e) {
            // one side went away: close both below, so the other side sees it too
        }
        closeQuietly(a);
        closeQuietly(b);
        return null;
    }

    /** Runs {@code open} on this thread inside {@code netns}, then moves the thread back. */
    static <T> T inNamespace(String netns, Callable<T> open) throws Exception {
        int self = C.open("/proc/thread-self/ns/net", 0);
        int target = C.open("/run/netns/" + netns, 0);
        if (self < 0 || target < 0) {
            throw new IOException("cannot open the network namespace files of " + netns);
        }
        try {
            if (C.setns(target, CLONE_NEWNET) != 0) {
                throw new IOException("setns into " + netns + " failed");
            }
            try {
                return open.call();
            } finally {
                if (C.setns(self, CLONE_NEWNET) != 0) {
                    throw new IllegalStateException("cannot return to the test's network namespace");
                }
            }
        } finally {
            C.close(self);
            C.close(target);
        }
    }

    private void thread(String name, Callable<Void> body) {
        Thread t = new Thread(() -> {
            try {
                body.call();
            } catch (Exception e) {
                if (!closed) {
                    System.err.println(name + ": " + e);
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (resources) {
            resources.forEach(NetnsRelay::closeQuietly);
        }
    }
}
