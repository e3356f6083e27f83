package org.flowmond.bpf.libbpf;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * {@code struct bpf_prog_query_opts} of libbpf 1.1 ({@code /usr/include/bpf/bpf.h}); checked
 * against C by {@code StructLayoutTest}. {@code prog_ids} receives the attached programs' ids in
 * the order they run; {@code prog_cnt} is the array's length in, the number attached out.
 */
final class ProgQueryOpts extends Struct {
    final size_t sz = new size_t();                     // 0
    final Unsigned32 queryFlags = new Unsigned32();     // 8: __u32 query_flags
    final Unsigned32 attachFlags = new Unsigned32();    // 12: __u32 attach_flags (out)
    final Pointer progIds = new Pointer();              // 16: __u32 *prog_ids
    final Unsigned32 progCnt = new Unsigned32();        // 24: __u32 prog_cnt (in/out)
    final Pointer progAttachFlags = new Pointer();      // 32: __u32 *prog_attach_flags

    ProgQueryOpts(Runtime runtime) {
        super(runtime, new Alignment(8));
        sz.set(Struct.size(this));
    }
}
