package org.flowmond.bpf.libbpf;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * {@code struct bpf_object_open_opts} of libbpf 1.1 ({@code /usr/include/bpf/libbpf.h}), field by
 * field; {@code StructLayoutTest} compares every offset and the size with the C compiler's.
 * {@code sz} is filled with this struct's size so libbpf knows which fields exist.
 */
final class ObjectOpenOpts extends Struct {
    final size_t sz = new size_t();                    // 0
    final Pointer objectName = new Pointer();          // 8: const char *object_name
    final Boolean relaxedMaps = new Boolean();         // 16: bool relaxed_maps
    final Pointer pinRootPath = new Pointer();         // 24: const char *pin_root_path
    final Unsigned32 removedAttachProgFd = new Unsigned32(); // 32: __u32 :32 (stub of removed attach_prog_fd)
    final Pointer kconfig = new Pointer();             // 40: const char *kconfig
    final Pointer btfCustomPath = new Pointer();       // 48: const char *btf_custom_path
    final Pointer kernelLogBuf = new Pointer();        // 56: char *kernel_log_buf
    final size_t kernelLogSize = new size_t();         // 64: size_t kernel_log_size
    final Unsigned32 kernelLogLevel = new Unsigned32(); // 72: __u32 kernel_log_level; size_t :0 pads to 80

    ObjectOpenOpts(Runtime runtime) {
        super(runtime, new Alignment(8));
        sz.set(Struct.size(this));
    }
}
