package org.flowmond.bpf.tc;

/** {@code enum flowmon_tc_counter} of flowmon.h, in the same order: the index into "tc_counters". */
enum TcCounter {
    MAP_FULL,
    MAP_NOMEM,
    MAP_OTHER,
    OVERFLOW_LOST,
    TRUNCATED,
    NON_IP,
    EXT_HDR_LIMIT,
    NON_IP_LOST
}
