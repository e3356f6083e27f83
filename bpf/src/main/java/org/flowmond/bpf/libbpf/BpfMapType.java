package org.flowmond.bpf.libbpf;

/** The {@code enum bpf_map_type} values the binding treats specially ({@code linux/bpf.h}). */
final class BpfMapType {
    static final int HASH = 1;
    static final int ARRAY = 2;
    static final int PERCPU_HASH = 5;
    static final int PERCPU_ARRAY = 6;
    static final int LRU_HASH = 9;
    static final int LRU_PERCPU_HASH = 10;
    static final int PERCPU_CGROUP_STORAGE = 21;
    static final int RINGBUF = 27;

    private BpfMapType() {
    }

    static boolean isPerCpu(int type) {
        return type == PERCPU_HASH || type == PERCPU_ARRAY || type == LRU_PERCPU_HASH || type == PERCPU_CGROUP_STORAGE;
    }
}
