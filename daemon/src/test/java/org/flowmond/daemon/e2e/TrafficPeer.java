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
 * session NAME HOST PORT STEP...              one connection; steps: sN send N bytes, wMS sleep, fPATH wait
 *                                             until PATH exists; then FIN and read the answer
 * udp-echo NAME HOST PORT COUNT               bound to HOST:PORT, answer COUNT datagrams with twice their size
 * udp-ask NAME HOST PORT COUNT BYTES GAP_MS   one unconnected socket: COUNT requests of BYTES, each answer read
 * fail   NAME HOST PORT COUNT GAP_MS          COUNT blocking connects expected to fail (refused, timed out,
 *                                             unreachable); prints each error; exits 1 if one succeeds
 * </pre>
 * Prints "ready" once listening (serve, udp-echo), "connected" once connected (session), and "done" at the end.
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
            case "session" -> session(a[2], Integer.parseInt(a[3]), java.util.Arrays.copyOfRange(a, 4, a.length));
            case "udp-echo" -> udpEcho(a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            case "udp-ask" -> udpAsk(a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]),
                    Long.parseLong(a[6]));
            case "fail" -> fail(a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Long.parseLong(a[5]));
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

    private static void session(String host, int port, String[] steps) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            System.out.println("connected");
            System.out.flush();
            for (String step : steps) {
                String arg = step.substring(1);
                switch (step.charAt(0)) {
                    case 's' -> {
                        s.getOutputStream().write(new byte[Integer.parseInt(arg)]);
                        s.getOutputStream().flush();
                    }
                    case 'w' -> Thread.sleep(Long.parseLong(arg));
                    case 'f' -> {
                        while (!Files.exists(Path.of(arg))) {
                            Thread.sleep(50); // the test's go-ahead
                        }
                    }
                    default -> throw new IllegalArgumentException(step);
                }
            }
            finish(s);
        }
    }

    private static void udpEcho(String host, int port, int count) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), port))) {
            System.out.println("ready");
            System.out.flush();
            byte[] buf = new byte[65536];
            for (int i = 0; i < count; i++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                s.send(new DatagramPacket(new byte[2 * p.getLength()], 2 * p.getLength(), p.getSocketAddress()));
            }
        }
    }

    private static void udpAsk(String host, int port, int count, int bytes, long gapMs) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            byte[] buf = new byte[65536];
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    Thread.sleep(gapMs);
                }
                s.send(new DatagramPacket(new byte[bytes], bytes, InetAddress.getByName(host), port));
                s.receive(new DatagramPacket(buf, buf.length));
            }
        }
    }

    private static void fail(String host, int port, int count, long gapMs) throws Exception {
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                Thread.sleep(gapMs);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(host), port)); // blocking: the kernel's outcome
                System.out.println("connected, not expected");
                System.exit(1);
            } catch (IOException expected) {
                System.out.println("failed: " + expected.getMessage());
            }
        }
    }
}
