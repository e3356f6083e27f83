package org.flowmond.bpf.libbpf;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/** {@code struct bpf_tc_opts} of libbpf 1.1: {@code size_t sz} first; checked against C by {@code StructLayoutTest}. */
final class TcOptsStruct extends Struct {
    /** Replace an existing filter with the same handle and priority (a stale one from a crashed run). */
    static final int BPF_TC_F_REPLACE = 1 << 0;

    final size_t sz = new size_t();                  // 0
    final Signed32 progFd = new Signed32();          // 8: int prog_fd
    final Unsigned32 flags = new Unsigned32();       // 12: __u32 flags
    final Unsigned32 progId = new Unsigned32();      // 16: __u32 prog_id (out)
    final Unsigned32 handle = new Unsigned32();      // 20: __u32 handle
    final Unsigned32 priority = new Unsigned32();    // 24: __u32 priority; size_t :0 pads to 32

    TcOptsStruct(Runtime runtime, int handle, int priority) {
        super(runtime, new Alignment(8));
        sz.set(Struct.size(this));
        this.handle.set(handle);
        this.priority.set(priority);
    }
}
