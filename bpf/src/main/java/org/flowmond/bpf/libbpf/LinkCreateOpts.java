package org.flowmond.bpf.libbpf;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * {@code struct bpf_link_create_opts} of libbpf 1.1 ({@code /usr/include/bpf/bpf.h}); checked
 * against C by {@code StructLayoutTest}. libbpf 1.1 predates TCX: for an attach type it does not
 * know it copies {@code flags} into the kernel's {@code link_create.flags} and leaves the rest of
 * the attribute zero, i.e. TCX's {@code relative_fd} and {@code expected_revision} are 0.
 */
final class LinkCreateOpts extends Struct {
    /** Attach before the relative program; with no relative (0) that is the head of the chain. */
    static final int BPF_F_BEFORE = 1 << 3;

    final size_t sz = new size_t();                     // 0
    final Unsigned32 flags = new Unsigned32();          // 8: __u32 flags
    final Pointer iterInfo = new Pointer();             // 16: union bpf_iter_link_info *iter_info
    final Unsigned32 iterInfoLen = new Unsigned32();    // 24: __u32 iter_info_len
    final Unsigned32 targetBtfId = new Unsigned32();    // 28: __u32 target_btf_id
    final Unsigned64[] attachTypeUnion = array(new Unsigned64[4]); // 32: perf_event / kprobe_multi / tracing (32 bytes)

    LinkCreateOpts(Runtime runtime, int flags) {
        super(runtime, new Alignment(8));
        sz.set(Struct.size(this));
        this.flags.set(flags);
    }
}
