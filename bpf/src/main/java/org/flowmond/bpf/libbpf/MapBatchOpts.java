package org.flowmond.bpf.libbpf;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/** {@code struct bpf_map_batch_opts} of libbpf 1.1 ({@code bpf.h}): {@code size_t sz} first. */
final class MapBatchOpts extends Struct {
    final size_t sz = new size_t();                  // 0
    final Unsigned64 elemFlags = new Unsigned64();   // 8: __u64 elem_flags
    final Unsigned64 flags = new Unsigned64();       // 16: __u64 flags

    MapBatchOpts(Runtime runtime) {
        super(runtime);
        sz.set(Struct.size(this));
    }
}
