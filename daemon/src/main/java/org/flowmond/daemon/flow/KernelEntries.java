package org.flowmond.daemon.flow;

import java.util.Arrays;
import org.flowmond.bpf.api.FlowKey;

/**
 * The kernel map entries of one biflow (one per hook that saw one of its directions: usually one
 * or two) with the packets and bytes of their last cumulative reading, so that the next reading
 * adds only the difference. One of these lives in every biflow, so it is kept flat: the first
 * entry in fields, further ones in two small arrays. A {@code HashMap<FlowKey, FlowCounters>}
 * here cost about 215 bytes per flow (map, table, node, boxed counters): 200 MB at 1,000,000
 * flows. This costs about 40 bytes plus the keys. Single-threaded, like the table that owns it.
 */
final class KernelEntries {
    private FlowKey firstKey;
    private long firstPackets;
    private long firstBytes;
    /** Entries after the first: keys, and packets/bytes interleaved (2 longs per entry). */
    private FlowKey[] moreKeys;
    private long[] moreCounts;
    private int more;

    int size() {
        return firstKey == null ? 0 : 1 + more;
    }

    /** The index of {@code key}, or -1 if this biflow has no reading of it yet. */
    int indexOf(FlowKey key) {
        if (firstKey == null) {
            return -1;
        }
        if (firstKey.equals(key)) {
            return 0;
        }
        for (int i = 0; i < more; i++) {
            if (moreKeys[i].equals(key)) {
                return i + 1;
            }
        }
        return -1;
    }

    FlowKey key(int index) {
        return index == 0 ? firstKey : moreKeys[index - 1];
    }

    long packets(int index) {
        return index == 0 ? firstPackets : moreCounts[2 * (index - 1)];
    }

    long bytes(int index) {
        return index == 0 ? firstBytes : moreCounts[2 * (index - 1) + 1];
    }

    /** Records the latest cumulative reading of {@code key}, adding the entry if it is new. */
    void put(FlowKey key, long packets, long bytes) {
        int i = indexOf(key);
        if (i < 0) {
            i = add(key);
        }
        if (i == 0) {
            firstPackets = packets;
            firstBytes = bytes;
        } else {
            moreCounts[2 * (i - 1)] = packets;
            moreCounts[2 * (i - 1) + 1] = bytes;
        }
    }

    private int add(FlowKey key) {
        if (firstKey == null) {
            firstKey = key;
            return 0;
        }
        if (moreKeys == null) {
            moreKeys = new FlowKey[1];
            moreCounts = new long[2];
        } else if (more == moreKeys.length) {
            moreKeys = Arrays.copyOf(moreKeys, more * 2);
            moreCounts = Arrays.copyOf(moreCounts, more * 4);
        }
        moreKeys[more++] = key;
        return more;
    }
}
