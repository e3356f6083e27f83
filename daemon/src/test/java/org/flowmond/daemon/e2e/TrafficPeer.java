package org.flowmond.daemon.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real traffic from a child process of known PID, for the end-to-end tests. It renames itself
 * (the kernel's comm, which the probes report) so the test can check the name too.
 *
 * <pre>
 * serve  NAME PORT COUNT REPLY_BYTES          accept COUNT connections; read to EOF, answer REPLY_BYTES, close
 * tcp    NAME HOST PORT COUNT GAP_MS BYTES fin|rst|hold
 *                                             COUNT connects GAP_MS apart; send BYTES, read the answer;
 *                                             close (FIN), abort (RST), or hold the last one open, sending
 *                                             100 bytes every 500 ms, until killed
 * stream NAME HOST PORT SECONDS               one connection sending 1000 bytes every 100 ms, then FIN
 * udp    NAME HOST PORT COUNT BYTES           COUNT datagrams of BYTES
 * </pre>
 * Prints "ready" once listening (serve) and "done" at the end.
 */
public final class TrafficPeer {
    private TrafficPeer() {
    }

    public static void main(String[] a) throws Exception {
        // the probes report the process's name, i.e. the thread-group leader's comm: rename the process
        Files.writeString(Path.of("/proc/self/comm"), a[1], StandardCharsets.US_ASCII);
        Files.writeString(Path.of("/proc/thread-self/comm"), a[1], StandardCharsets.US_ASCII);
        switch (a[0]) {
            case "serve" -> serve(Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            case "tcp" -> tcp(a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Long.parseLong(a[5]),
                    Integer.parseInt(a[6]), a[7]);
            case "stream" -> stream(a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            case "udp" -> udp(a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
            default -> throw new IllegalArgumentException(a[0]);
        }
        System.out.println("done");
        System.out.flush();
    }

    private static void serve(int port, int count, int replyBytes) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            System.out.println("ready");
            System.out.flush();
            for (int i = 0; i < count; i++) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[65536];
                    try {
                        while (in.read(buf) >= 0) {
                            // read until the client half-closes (or resets)
                        }
                        OutputStream out = s.getOutputStream();
                        out.write(new byte[replyBytes]);
                        out.flush();
                    } catch (IOException reset) {
                        // an aborting client: nothing to answer
                    }
                }
            }
        }
    }

    private static void tcp(String host, int port, int count, long gapMs, int bytes, String end) throws Exception {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                Thread.sleep(gapMs);
            }
            Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            s.getOutputStream().write(new byte[bytes]);
            s.getOutputStream().flush();
            switch (end) {
                case "rst" -> {
                    s.setSoLinger(true, 0); // close() now sends RST
                    s.close();
                }
                case "hold" -> {
                    if (i == count - 1) {
                        System.out.println("holding");
                        System.out.flush();
                        while (true) { // keep the connection busy until killed
                            Thread.sleep(500);
                            s.getOutputStream().write(new byte[100]);
                        }
                    }
                    finish(s);
                }
                default -> finish(s);
            }
        }
    }

    /** Half-close, read the whole answer, close: FIN both ways. */
    private static void finish(Socket s) throws IOException {
        s.shutdownOutput();
        byte[] buf = new byte[65536];
        InputStream in = s.getInputStream();
        while (in.read(buf) >= 0) {
            // the server's answer
        }
        s.close();
    }

    private static void stream(String host, int port, int seconds) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < seconds * 10; i++) {
                out.write(new byte[1000]);
                out.flush();
                Thread.sleep(100);
            }
            finish(s);
        }
    }

    private static void udp(String host, int port, int count, int bytes) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < count; i++) {
                s.send(new DatagramPacket(new byte[bytes], bytes, InetAddress.getByName(host), port));
            }
        }
    }
}
