package org.flowmond.bpf.syscall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny TCP client or server run as a separate process by the syscall-probe tests (so the events
 * have a process of known pid and name to be attributed to). Started with {@code ip netns exec};
 * talks to the test over stdin/stdout, one line per step. No dependencies, no nested classes:
 * the test copies this one class file to a world-readable directory.
 *
 * <pre>
 * serve   NAME BIND_ADDRESS PORT[,PORT...]       prints "ready", then "accepted LOCAL_PORT REMOTE_PORT" per
 *                                               connection (accept() runs in a thread per port, not in
 *                                               main); exits when stdin closes
 * connect NAME HOST PORT COUNT close|hold       prints "ready", waits for a line on stdin, connects COUNT
 *                                               times printing "local LOCAL_PORT" each, then "done"; with
 *                                               hold keeps the connections open until stdin closes
 * </pre>
 * NAME becomes the process's command name (its main thread's comm, what ps shows).
 */
public final class TcpPeer {
    private static final PrintStream OUT = System.out;

    private TcpPeer() {
    }

    public static void main(String[] args) throws Exception {
        setProcessName(args[1]);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("serve")) {
            serve(InetAddress.getByName(args[2]), args[3].split(","), stdin);
        } else {
            connect(InetAddress.getByName(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    args[5].equals("hold"), stdin);
        }
        System.exit(0);
    }

    /** The thread group leader's comm is the process name; any thread of the group may write it. */
    private static void setProcessName(String name) throws IOException {
        long pid = ProcessHandle.current().pid();
        Files.writeString(Path.of("/proc/self/task/" + pid + "/comm"), name);
    }

    private static void serve(InetAddress bind, String[] ports, BufferedReader stdin) throws Exception {
        for (String port : ports) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(bind, Integer.parseInt(port)), 128);
            Thread acceptor = new Thread(() -> acceptForever(server), "acceptor-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        }
        say("ready");
        while (stdin.readLine() != null) {
            // until the test closes stdin
        }
    }

    private static void acceptForever(ServerSocket server) {
        try {
            while (true) {
                Socket s = server.accept();
                say("accepted " + s.getLocalPort() + " " + s.getPort());
                Thread reader = new Thread(() -> drainAndClose(s));
                reader.setDaemon(true);
                reader.start();
            }
        } catch (IOException e) {
            say("error " + e);
        }
    }

    private static void drainAndClose(Socket s) {
        try (s; InputStream in = s.getInputStream()) {
            while (in.read() >= 0) {
                // until the client closes
            }
        } catch (IOException ignored) {
            // the peer reset: nothing to do
        }
    }

    private static void connect(InetAddress host, int port, int count, boolean hold, BufferedReader stdin) throws Exception {
        say("ready");
        stdin.readLine();
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket s = new Socket(host, port);
            say("local " + s.getLocalPort());
            if (hold) {
                open.add(s);
            } else {
                s.close();
            }
        }
        say("done");
        if (hold) {
            while (stdin.readLine() != null) {
                // keep the connections until the test closes stdin
            }
            for (Socket s : open) {
                s.close();
            }
        }
    }

    private static synchronized void say(String line) {
        OUT.println(line);
        OUT.flush();
    }
}
