package org.flowmond.daemon.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;

/**
 * Network namespace identity. A namespace is named by the inode of its nsfs file
 * ({@code /proc/PID/ns/net}, "net:[4026531840]"), unique while it exists; the kernel also gives each
 * one a 64-bit cookie ({@code bpf_get_netns_cookie()} in BPF, {@code SO_NETNS_COOKIE} on a socket,
 * Linux 5.14+) that is never reused. {@code ip netns add NAME} bind-mounts a namespace at
 * /run/netns/NAME, which gives it a name for logs and documents.
 */
public final class NetworkNamespaces {
    private final Path procRoot;
    private final Path runNetns;

    public NetworkNamespaces(Path procRoot, Path runNetns) {
        this.procRoot = procRoot;
        this.runNetns = runNetns;
    }

    public static NetworkNamespaces system() {
        return new NetworkNamespaces(Path.of("/proc"), Path.of("/run/netns"));
    }

    /** The inode of process {@code pid}'s network namespace; empty if the process is gone. */
    public Optional<Long> inodeOf(int pid) {
        try {
            return Optional.of(nsInode(procRoot.resolve(Integer.toString(pid)).resolve("ns/net")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The inode of this process's network namespace. */
    public long ownInode() {
        try {
            return nsInode(procRoot.resolve("self/ns/net"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + procRoot.resolve("self/ns/net"), e);
        }
    }

    /**
     * The names under /run/netns of every namespace mounted there, by inode. A file there that is
     * not a namespace (left behind by a failed {@code ip netns add}, or unmounted) is on another
     * device than nsfs and is left out.
     */
    public Map<Long, String> named() {
        Map<Long, String> names = new HashMap<>();
        if (!Files.isDirectory(runNetns)) {
            return names;
        }
        Object nsfs = device(procRoot.resolve("self/ns/net"));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(runNetns)) {
            for (Path entry : entries) {
                if (nsfs != null && nsfs.equals(device(entry))) {
                    try {
                        names.putIfAbsent(nsInode(entry), entry.getFileName().toString());
                    } catch (IOException gone) {
                        // deleted while we listed
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runNetns, e);
        }
        return names;
    }

    /** The /run/netns name of the namespace with {@code inode}, if it has one. */
    public Optional<String> nameOf(long inode) {
        return Optional.ofNullable(named().get(inode));
    }

    /**
     * The cookie of process {@code pid}'s network namespace: a thread of its own enters the
     * namespace ({@code setns}, which needs CAP_SYS_ADMIN), makes a socket there, reads
     * {@code SO_NETNS_COOKIE} and ends (a thread's namespace goes with it; no other thread moves).
     *
     * @throws IOException naming the failed call and errno (no permission, process gone, kernel before 5.14)
     */
    public long cookieOf(int pid) throws IOException {
        String path = procRoot.resolve(Integer.toString(pid)).resolve("ns/net").toString();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(cookieInside(path));
            } catch (IOException | RuntimeException e) {
                result.set(e);
            }
        }, "flowmond-netns-cookie");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading the netns cookie of pid " + pid, e);
        }
        Object r = result.get();
        if (r instanceof Long cookie) {
            return cookie;
        }
        if (r instanceof IOException e) {
            throw e;
        }
        throw (RuntimeException) r;
    }

    /** The cookie of this thread's network namespace. */
    public static long ownCookie() throws IOException {
        NetnsLibC c = Lib.C;
        int fd = c.socket(NetnsLibC.AF_UNIX, NetnsLibC.SOCK_DGRAM | NetnsLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket(AF_UNIX)");
        }
        try {
            byte[] value = new byte[8];
            int[] length = {8};
            if (c.getsockopt(fd, NetnsLibC.SOL_SOCKET, NetnsLibC.SO_NETNS_COOKIE, value, length) != 0) {
                throw failure("getsockopt(SO_NETNS_COOKIE)");
            }
            return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong();
        } finally {
            c.close(fd);
        }
    }

    private static long cookieInside(String nsPath) throws IOException {
        int ns = Lib.C.open(nsPath, NetnsLibC.O_RDONLY | NetnsLibC.O_CLOEXEC);
        if (ns < 0) {
            throw failure("open(" + nsPath + ")");
        }
        try {
            if (Lib.C.setns(ns, NetnsLibC.CLONE_NEWNET) != 0) {
                throw failure("setns(" + nsPath + ", CLONE_NEWNET)");
            }
        } finally {
            Lib.C.close(ns);
        }
        return ownCookie();
    }

    private static final class Lib {
        static final NetnsLibC C = LibraryLoader.create(NetnsLibC.class)
                .option(LibraryOption.LoadNow, true)
                .option(LibraryOption.SaveError, true)
                .failImmediately()
                .load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(C);
    }

    private static IOException failure(String operation) {
        int errno = LastError.getLastError(Lib.RUNTIME);
        return new IOException(operation + " failed: " + Lib.C.strerror(errno) + " (errno " + errno + ")");
    }

    private static long nsInode(Path nsFile) throws IOException {
        return ((Number) Files.getAttribute(nsFile, "unix:ino")).longValue();   // follows the link to nsfs
    }

    private static Object device(Path path) {
        try {
            return Files.getAttribute(path, "unix:dev");
        } catch (IOException e) {
            return null;
        }
    }
}
