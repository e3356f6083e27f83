package org.flowmond.daemon.flow;

import java.util.function.Consumer;

/**
 * The biflows of {@link BiflowTable} by key, and in idle order (the flow whose last activity is
 * oldest first), laid out for a million flows: an open-addressing array of the flows themselves
 * (linear probing, at most half full) and the idle order as links inside each flow. At 1,000,000
 * flows that is 8 bytes of links per flow and 4–8 of array, where a {@code LinkedHashMap} spends
 * a 40-byte entry and its own table slot; moving a flow to the young end is two relinks, not a
 * removal and an insertion by hash. The array doubles when it would be more than half full and
 * halves when it falls below an eighth full (a quarter full after halving: between the two a flow
 * count that comes and goes resizes nothing), so the 8 MB array of a million-flow burst is given
 * back once the burst's flows have ended. Single-threaded, like the table.
 */
final class BiflowIndex {
    private static final int MIN_SLOTS = 64;
    /** The largest power of two an array may have (a reservation stops there; growth by add never gets near). */
    private static final int MAX_SLOTS = 1 << 30;
    /** The most keys {@link #getAll} takes at once. */
    static final int BATCH = 256;

    private Biflow[] slots = new Biflow[MIN_SLOTS];
    private int size;
    private Biflow oldest;
    private Biflow youngest;
    /** {@link #getAll}'s scratch: each key's next slot to read, and the keys still probing. */
    private final int[] probeAt = new int[BATCH];
    private final int[] probing = new int[BATCH];

    int size() {
        return size;
    }

    /** The flow of {@code key}, or null. */
    Biflow get(BiflowKey key) {
        int mask = slots.length - 1;
        for (int i = slot(key.hashCode(), mask); ; i = (i + 1) & mask) {
            Biflow b = slots[i];
            if (b == null || b.hasKey(key)) {
                return b;
            }
        }
    }

    /**
     * Looks up {@code n} keys at once: {@code found[i]} becomes the flow of {@code keys[i]}, or null.
     * At 1,000,000 flows each slot read and each flow compared is a cache miss. One after the other,
     * every look-up waits for its misses in turn; here the probes advance in rounds, one slot per
     * key and round, the slots of a round read before its flows are compared, so that the misses of
     * a round overlap in the processor. With the array at most half full, most keys end in the first
     * round (at their home slot); the keys displaced along a probe chain end in the next rounds,
     * still together. {@code n} is at most {@link #BATCH}.
     */
    void getAll(BiflowKey[] keys, Biflow[] found, int n) {
        int mask = slots.length - 1;
        int open = 0;
        for (int i = 0; i < n; i++) {
            probeAt[i] = slot(keys[i].hashCode(), mask);
            probing[open++] = i;
        }
        while (open > 0) {
            for (int j = 0; j < open; j++) {
                int i = probing[j];
                found[i] = slots[probeAt[i]]; // the slots' misses, overlapping
            }
            int still = 0;
            for (int j = 0; j < open; j++) {
                int i = probing[j];
                Biflow b = found[i];
                if (b != null && !b.hasKey(keys[i])) { // the flows' misses, overlapping
                    found[i] = null;
                    probeAt[i] = (probeAt[i] + 1) & mask;
                    probing[still++] = i;
                }
            }
            open = still;
        }
    }

    /** Adds a flow whose key is not in the index yet, at the young end of the idle order. */
    void add(Biflow b) {
        if (2 * (size + 1) > slots.length) {
            resize(slots.length * 2);
        }
        insert(slots, b);
        size++;
        link(b);
    }

    /**
     * Makes room for {@code flows} flows at most half full, at once: a scan that is about to create
     * many flows (a burst) then places each new flow once, where growing by doubling would move
     * every flow already placed at each of up to 15 doublings and read each one's key again (a
     * quarter of a 1,000,000-new-flow merge, bench/RESULTS.md). Never shrinks; {@link #remove}
     * gives back what is not used once fewer than an eighth of the slots hold flows.
     */
    void reserve(int flows) {
        int length = slots.length;
        while (2L * flows > length && length < MAX_SLOTS) {
            length *= 2;
        }
        if (length > slots.length) {
            resize(length);
        }
    }

    /** Removes a flow of the index. */
    void remove(Biflow b) {
        int mask = slots.length - 1;
        int i = slot(b.keyHash(), mask);
        while (slots[i] != b) {
            i = (i + 1) & mask;
        }
        closeGap(i, mask);
        size--;
        unlink(b);
        if (slots.length > MIN_SLOTS && 8 * size < slots.length) {
            resize(slots.length / 2);
        }
    }

    /** The slot array's length (tests). */
    int capacity() {
        return slots.length;
    }

    /** Moves a flow to the young end of the idle order (it has just been active). */
    void touch(Biflow b) {
        if (b != youngest) {
            unlink(b);
            link(b);
        }
    }

    /** The flow whose last activity is the oldest, or null when empty. */
    Biflow oldest() {
        return oldest;
    }

    /** Every flow, oldest-idle first; {@code action} must not add or remove flows. */
    void forEach(Consumer<Biflow> action) {
        for (Biflow b = oldest; b != null; b = b.younger) {
            action.accept(b);
        }
    }

    /** Empties the index and returns what it held, oldest-idle first (their links are cleared). */
    Biflow[] removeAll() {
        Biflow[] all = new Biflow[size];
        int n = 0;
        for (Biflow b = oldest; b != null; ) {
            Biflow next = b.younger;
            b.older = null;
            b.younger = null;
            all[n++] = b;
            b = next;
        }
        slots = new Biflow[MIN_SLOTS];
        size = 0;
        oldest = null;
        youngest = null;
        return all;
    }

    /** Backward-shift deletion: the entries after the gap that probed past it move into it. */
    private void closeGap(int gap, int mask) {
        slots[gap] = null;
        for (int i = (gap + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int home = slot(slots[i].keyHash(), mask);
            // the entry at i may fill the gap unless its home lies cyclically in (gap, i]
            boolean homeBetween = gap <= i ? gap < home && home <= i : gap < home || home <= i;
            if (!homeBetween) {
                slots[gap] = slots[i];
                slots[i] = null;
                gap = i;
            }
        }
    }

    private void resize(int length) {
        Biflow[] resized = new Biflow[length];
        for (Biflow b : slots) {
            if (b != null) {
                insert(resized, b);
            }
        }
        slots = resized;
    }

    private static void insert(Biflow[] table, Biflow b) {
        int mask = table.length - 1;
        int i = slot(b.keyHash(), mask);
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = b;
    }

    /** A key's home slot: its hash spread (murmur3's finaliser) so that sequential ports do not cluster. */
    private static int slot(int hash, int mask) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & mask;
    }

    private void link(Biflow b) {
        b.older = youngest;
        b.younger = null;
        if (youngest == null) {
            oldest = b;
        } else {
            youngest.younger = b;
        }
        youngest = b;
    }

    private void unlink(Biflow b) {
        if (b.older == null) {
            oldest = b.younger;
        } else {
            b.older.younger = b.younger;
        }
        if (b.younger == null) {
            youngest = b.older;
        } else {
            b.younger.older = b.older;
        }
        b.older = null;
        b.younger = null;
    }
}
