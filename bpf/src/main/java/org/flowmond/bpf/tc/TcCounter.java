package org.flowmond.bpf.tc;

/**
 * {@code enum flowmon_tc_counter} of flowmon.h: each constant carries its kernel value, the index
 * into "tc_counters" (read by index, never by position).
 */
enum TcCounter {
    MAP_FULL(0),
    MAP_NOMEM(1),
    MAP_OTHER(2),
    OVERFLOW_LOST(3),
    TRUNCATED(4),
    NON_IP(5),
    EXT_HDR_LIMIT(6),
    NON_IP_LOST(7),
    INSERTED(8);

    final int index;

    TcCounter(int index) {
        this.index = index;
    }
}
