package org.flowmond.bpf.tc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LastError;
import jnr.ffi.Runtime;
import org.flowmond.bpf.libbpf.NetNamespace;

/**
 * A network interface as the TC loader needs it: index, name and hardware type, resolved in a
 * given network namespace (ifindexes and names are per namespace; {@code /sys/class/net} shows
 * only the namespace it was mounted in, so this asks the kernel through a socket instead).
 *
 * @param name    interface name
 * @param ifindex index in its namespace
 * @param arpType ARPHRD_* type: 1 Ethernet (veth, bridges, VLANs, Wi-Fi), 772 loopback, ...
 */
public record NetDevice(String name, int ifindex, int arpType) {
    public static final int ARPHRD_ETHER = 1;
    public static final int ARPHRD_LOOPBACK = 772;
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    private static final long SIOCGIFHWADDR = 0x8927;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final int IFF_UP = 0x1;
    /** sizeof(struct if_nameindex) on LP64: u32 index, 4 bytes padding, char *name. */
    private static final int NAMEINDEX_SIZE = 16;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM_CLOEXEC = 2 | 0x80000;

    /** Ethernet-framed at the TC hook (Ethernet and loopback): the IP header follows a 14-byte header. */
    public boolean hasEthernetHeader() {
        return arpType == ARPHRD_ETHER || arpType == ARPHRD_LOOPBACK;
    }

    public boolean isLoopback() {
        return arpType == ARPHRD_LOOPBACK;
    }

    /** Resolves {@code name} in namespace {@code netns} ({@code null}: the caller's). */
    public static NetDevice byName(String name, String netns) {
        return NetNamespace.call(netns, () -> {
            int index = NetDeviceLibC.INSTANCE.if_nametoindex(name);
            if (index == 0) {
                throw new IllegalArgumentException("no network interface '" + name + "'" + where(netns) + ": "
                        + errnoName());
            }
            return new NetDevice(name, index, arpType(name, netns));
        });
    }

    /** Resolves {@code ifindex} in namespace {@code netns} ({@code null}: the caller's). */
    public static NetDevice byIndex(int ifindex, String netns) {
        return NetNamespace.call(netns, () -> {
            byte[] buf = new byte[IFNAMSIZ];
            if (NetDeviceLibC.INSTANCE.if_indextoname(ifindex, buf) == null) {
                throw new IllegalArgumentException("no network interface with index " + ifindex + where(netns) + ": "
                        + errnoName());
            }
            String name = cString(buf);
            return new NetDevice(name, ifindex, arpType(name, netns));
        });
    }

    /**
     * The interfaces of namespace {@code netns} ({@code null}: the caller's) that are
     * administratively up, by index, asked through netlink from inside the namespace.
     */
    public static java.util.List<NetDevice> upDevices(String netns) {
        return NetNamespace.call(netns, () -> {
            NetDeviceLibC c = NetDeviceLibC.INSTANCE;
            jnr.ffi.Pointer list = c.if_nameindex();
            if (list == null) {
                throw new IllegalStateException("if_nameindex()" + where(netns) + ": " + errnoName());
            }
            java.util.List<NetDevice> devices = new java.util.ArrayList<>();
            try {
                for (long at = 0; list.getInt(at) != 0; at += NAMEINDEX_SIZE) {
                    String name = list.getPointer(at + 8).getString(0);
                    try {
                        if (isUp(name, netns)) {
                            devices.add(new NetDevice(name, list.getInt(at), arpType(name, netns)));
                        }
                    } catch (IllegalStateException gone) {
                        // removed while we listed
                    }
                }
            } finally {
                c.if_freenameindex(list);
            }
            return devices;
        });
    }

    private static boolean isUp(String name, String netns) {
        return (Short.toUnsignedInt(ifreq(name, netns, SIOCGIFFLAGS, "SIOCGIFFLAGS")) & IFF_UP) != 0;
    }

    private static int arpType(String name, String netns) {
        return Short.toUnsignedInt(ifreq(name, netns, SIOCGIFHWADDR, "SIOCGIFHWADDR"));
    }

    /** The 16-bit field after the name in a {@code struct ifreq} filled by {@code request}. */
    private static short ifreq(String name, String netns, long request, String requestName) {
        NetDeviceLibC c = NetDeviceLibC.INSTANCE;
        int fd = c.socket(AF_INET, SOCK_DGRAM_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket(AF_INET, SOCK_DGRAM)" + where(netns) + ": " + errnoName());
        }
        try {
            byte[] ifreq = new byte[IFREQ_SIZE]; // struct ifreq: char ifr_name[16]; struct sockaddr ifr_hwaddr
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, ifreq, 0, Math.min(n.length, IFNAMSIZ - 1));
            if (c.ioctl(fd, request, ifreq) < 0) {
                throw new IllegalStateException("ioctl(" + requestName + ", " + name + ")" + where(netns) + ": " + errnoName());
            }
            return ByteBuffer.wrap(ifreq).order(ByteOrder.nativeOrder()).getShort(IFNAMSIZ);
        } finally {
            c.close(fd);
        }
    }

    private static String cString(byte[] buf) {
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, StandardCharsets.US_ASCII);
    }

    private static String where(String netns) {
        return netns == null ? "" : " in network namespace " + netns;
    }

    private static String errnoName() {
        int errno = LastError.getLastError(Runtime.getRuntime(NetDeviceLibC.INSTANCE));
        return org.flowmond.bpf.libbpf.Errno.describe(errno);
    }
}
