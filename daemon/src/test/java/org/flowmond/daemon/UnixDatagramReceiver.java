package org.flowmond.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * A real AF_UNIX datagram socket bound by a test, playing systemd's side of sd_notify. Reads never
 * block (MSG_DONTWAIT): sendto on a Unix datagram socket queues the message before returning, so
 * what was sent is already there, and "nothing there" is an immediate failure, not a wait.
 */
final class UnixDatagramReceiver implements AutoCloseable {

    public interface Lib {
        // C: int socket(int domain, int type, int protocol);
        int socket(int domain, int type, int protocol);

        // C: int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
        int bind(int fd, @In byte[] addr, int addrLen);

        // C: ssize_t recv(int sockfd, void *buf, size_t len, int flags);
        @ssize_t long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

        // C: int close(int fd);
        int close(int fd);
    }

    private static final Lib C = LibraryLoader.create(Lib.class).option(LibraryOption.SaveError, true).load("c");
    private static final int MSG_DONTWAIT = 0x40;

    private final int fd;

    UnixDatagramReceiver(String socketName) throws IOException {
        fd = C.socket(NotifyLibC.AF_UNIX, NotifyLibC.SOCK_DGRAM | NotifyLibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket failed, errno " + LastError.getLastError(Runtime.getRuntime(C)));
        }
        byte[] address = SdNotify.sockaddrUn(socketName);
        if (C.bind(fd, address, address.length) < 0) {
            throw new IOException("bind " + socketName + " failed, errno " + LastError.getLastError(Runtime.getRuntime(C)));
        }
    }

    /** The next queued datagram, or null when none is queued. */
    String poll() {
        byte[] buffer = new byte[4096];
        long n = C.recv(fd, buffer, buffer.length, MSG_DONTWAIT);
        return n < 0 ? null : new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
    }

    /**
     * The next datagram, waiting for a process that is still starting (JVM start, preflight).
     * The bound only keeps a broken run from hanging the build; no assertion is about time.
     */
    String take() throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            String message = poll();
            if (message != null) {
                return message;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no datagram within 60 s");
    }

    @Override
    public void close() {
        C.close(fd);
    }
}
