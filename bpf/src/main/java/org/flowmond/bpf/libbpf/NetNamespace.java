package org.flowmond.bpf.libbpf;

import java.util.function.Supplier;

/**
 * Runs an action with the calling thread inside another network namespace, then moves the thread
 * back. Needed for netlink operations (tc hooks) on interfaces that live in a namespace, such as
 * the veth pairs of tests; BPF objects and file descriptors are not namespaced. {@code setns(2)}
 * moves only the calling thread, so the rest of the JVM is unaffected.
 */
public final class NetNamespace {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    private NetNamespace() {
    }

    /** Path of a named namespace ({@code ip netns add NAME}); an absolute path is taken as is. */
    public static String path(String nameOrPath) {
        return nameOrPath.startsWith("/") ? nameOrPath : "/var/run/netns/" + nameOrPath;
    }

    /** Runs {@code action} in namespace {@code nameOrPath}; {@code null} runs it where the thread is. */
    public static <T> T call(String nameOrPath, Supplier<T> action) {
        if (nameOrPath == null) {
            return action.get();
        }
        int home = open("/proc/thread-self/ns/net");
        try {
            int target = open(path(nameOrPath));
            try {
                setns(target, nameOrPath);
            } finally {
                Native.LIBC.close(target);
            }
            try {
                return action.get();
            } finally {
                setns(home, "the thread's original network namespace");
            }
        } finally {
            Native.LIBC.close(home);
        }
    }

    /** As {@link #call} for an action without result. */
    public static void run(String nameOrPath, Runnable action) {
        call(nameOrPath, () -> {
            action.run();
            return null;
        });
    }

    private static int open(String path) {
        int fd = Native.LIBC.open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new LibBpfException("open", path, Native.errno());
        }
        return fd;
    }

    private static void setns(int fd, String what) {
        if (Native.LIBC.setns(fd, CLONE_NEWNET) < 0) {
            throw new LibBpfException("setns", what, Native.errno());
        }
    }
}
