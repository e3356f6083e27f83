package org.flowmond.bpf.tc;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/** Tier 1 (public only because jnr-ffi generates its implementation in another class loader): the libc calls that resolve network interfaces in the calling thread's network namespace. */
public interface NetDeviceLibC {
    NetDeviceLibC INSTANCE = LibraryLoader.create(NetDeviceLibC.class)
            .option(LibraryOption.LoadNow, true)
            .load("c");

    // C: unsigned int if_nametoindex(const char *ifname);
    @SaveError
    int if_nametoindex(String name);

    // C: char *if_indextoname(unsigned int ifindex, char *ifname);
    @SaveError
    String if_indextoname(int ifindex, @Out byte[] name);

    // C: int socket(int domain, int type, int protocol);
    @SaveError
    int socket(int domain, int type, int protocol);

    // C: int ioctl(int fd, unsigned long request, struct ifreq *ifr);
    @SaveError
    int ioctl(int fd, long request, byte[] ifreq);

    // C: struct if_nameindex *if_nameindex(void);  (array of {unsigned int if_index; char *if_name;}, ends with 0)
    @SaveError
    jnr.ffi.Pointer if_nameindex();

    // C: void if_freenameindex(struct if_nameindex *ptr);
    void if_freenameindex(jnr.ffi.Pointer ptr);

    // C: int close(int fd);
    int close(int fd);
}
