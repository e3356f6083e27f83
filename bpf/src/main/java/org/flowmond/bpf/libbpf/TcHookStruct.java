package org.flowmond.bpf.libbpf;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/** {@code struct bpf_tc_hook} of libbpf 1.1: {@code size_t sz} first; checked against C by {@code StructLayoutTest}. */
final class TcHookStruct extends Struct {
    /** enum bpf_tc_attach_point */
    static final int BPF_TC_INGRESS = 1 << 0;
    static final int BPF_TC_EGRESS = 1 << 1;

    final size_t sz = new size_t();                  // 0
    final Signed32 ifindex = new Signed32();         // 8: int ifindex
    final Signed32 attachPoint = new Signed32();     // 12: enum bpf_tc_attach_point
    final Unsigned32 parent = new Unsigned32();      // 16: __u32 parent; size_t :0 pads to 24

    TcHookStruct(Runtime runtime, int ifindex, int attachPoint) {
        super(runtime, new Alignment(8));
        sz.set(Struct.size(this));
        this.ifindex.set(ifindex);
        this.attachPoint.set(attachPoint);
    }
}
