package org.flowmond.ipfix.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** Receives datagrams on a loopback port chosen by the kernel and keeps them, in order. */
public final class UdpReceiver implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<byte[]> datagrams = new ArrayList<>();
    private final Thread thread;

    public UdpReceiver(String loopback) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(loopback), 0));
        socket.setReceiveBufferSize(8 << 20);
        thread = new Thread(this::run, "udp-receiver-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void run() {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                continue;
            }
            synchronized (datagrams) {
                datagrams.add(Arrays.copyOf(p.getData(), p.getLength()));
                datagrams.notifyAll();
            }
        }
    }

    /** A copy of what has arrived so far. */
    public List<byte[]> datagrams() {
        synchronized (datagrams) {
            return List.copyOf(datagrams);
        }
    }

    /** Waits (up to 30 s) until what has arrived satisfies {@code condition}; returns it either way. */
    public List<byte[]> await(Predicate<List<byte[]>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        synchronized (datagrams) {
            while (!condition.test(datagrams) && System.nanoTime() < deadline) {
                datagrams.wait(100);
            }
            return List.copyOf(datagrams);
        }
    }

    public List<byte[]> awaitCount(int count) throws InterruptedException {
        return await(d -> d.size() >= count);
    }

    @Override
    public void close() {
        socket.close();
    }
}
