package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;

/**
 * The mutable state of one connection in {@link BiflowTable}. It is queued for its deadline once
 * its first reading is applied (the deadline is known only then), and linked into the table's
 * idle order ({@link BiflowIndex}). Single-threaded.
 *
 * <p>The key ({@link BiflowKey}) is inline, as its numbers: finding a flow by key reads the index
 * slot and the flow, no key object (at 1,000,000 flows each is a cache miss); {@link #key()} makes
 * one. As in BiflowKey, an IPv4 connection keeps its addresses as two ints ({@link V4}), any other
 * as two 16-byte addresses in four longs ({@link V6}): 24 bytes less for each IPv4 flow.
 *
 * <p>Laid out for 1,000,000 flows within 200 bytes each, table included: {@code V4} is 184 bytes
 * (12-byte header, compressed references, 8-byte alignment), the index's slot and the deadline
 * heap's about 13 more. What many flows have in common (namespace, EtherType and protocol, the
 * counting hooks, the hook of the first kernel entry) is one shared {@link Shape}; what only TCP
 * flows with health counters have is one {@link TcpPair}; small states are bits of one byte.
 */
abstract sealed class Biflow extends Expiry.Scheduled permits Biflow.V4, Biflow.V6 {

    /** Namespace, kind and hooks: values few flows differ in, shared (see {@link Shape}). Never null. */
    private Shape shape;
    private final int ports;
    /** Neighbours in the table's idle order (oldest → youngest activity), null at its ends. */
    Biflow older;
    Biflow younger;
    /*
     * The two directions of travel, low → high ("fromLow") and high → low, each: the hook whose
     * counts are taken (fixed once chosen, see BiflowTable; in the shape); packets and bytes counted
     * since the last export (a record carries these, then they start again from 0); the OR of the
     * TCP flags and the first and last packet over the flow's life (MAX_VALUE and 0 while none was
     * counted); the TCP health (in {@link #tcp}, null until a reading of the counting hook carries
     * TCP counters); and whether the scan being merged chose the counting hook from the first reading
     * of an empty direction (a bit of {@link #flags}: while that scan lasts an earlier observation of
     * its own may still replace the choice). Fields of the flow rather than an object per direction,
     * which would cost two headers, two references and their padding (about 40 bytes per flow). The
     * accessors below are the only code that picks one direction's field by its flag.
     */
    private long lowPackets;
    private long highPackets;
    private long lowBytes;
    private long highBytes;
    private short lowTcpFlags; // the 9 bits of struct flow_stats' tcp_flags
    private short highTcpFlags;
    private long lowFirstSeen = Long.MAX_VALUE;
    private long highFirstSeen = Long.MAX_VALUE;
    private long lowLastSeen;
    private long highLastSeen;
    /** The TCP health of the two directions; null while neither has any (every UDP and ICMP flow). */
    private TcpPair tcp;
    /*
     * The kernel map entries of this connection (one per hook that saw one of its directions: usually
     * one or two) with the packets and bytes of their last cumulative reading, so that the next
     * reading adds only the difference. The first is held in fields of the flow (an object of its
     * own would cost 40 bytes per flow; its hook and direction are in the shape), further ones in a
     * list of KernelEntry nodes in the order they came.
     */
    private long firstEntryPackets;
    private long firstEntryBytes;
    private KernelEntry moreEntries;

    private static final InitiatorRule[] RULES = InitiatorRule.values();
    /**
     * Bits 0–1: 1 + the ordinal of the {@link InitiatorRule} that decided {@link #lowIsInitiator}, 0
     * while none did; bits 2 and 3: whether the scan being merged chose the counting hook of the
     * low → high and of the high → low direction. The table clears the scan bits when the scan ends
     * ({@link #scanMerged}), so a choice of an earlier scan never looks current, however many scans
     * later: no scan number is kept, which in fewer bits than an int would wrap onto the current one.
     */
    private byte flags;
    private static final int RULE_BITS = 0b11;
    private static final int LOW_CHOSEN_IN_SCAN = 0b100;
    private static final int HIGH_CHOSEN_IN_SCAN = 0b1000;
    boolean lowIsInitiator = true;
    /** What Owners keeps of the two ends; null until an owner or an unowned local socket of the flow is seen. */
    private EndOwners owners;

    final long createdNanos;
    long lastExportNanos;
    long previousRecordEnd;
    /** Whether a record of this flow was made (exported or filtered): its orientation is kept from then on. */
    boolean recorded;
    long endDetectedNanos = -1;

    /** The flow of {@code key}, made at {@code now}. */
    static Biflow of(BiflowKey key, long now) {
        return key instanceof BiflowKey.V4 ? new V4(key, now) : new V6(key, now);
    }

    private Biflow(BiflowKey key, long now) {
        this.shape = Shape.of(key.netns(), key.kind(), null, null, null, false);
        this.ports = key.ports();
        this.createdNanos = now;
        this.lastExportNanos = now;
    }

    /** This flow's key (made on request: the outputs and the owners' look-ups need one, a scan does not). */
    BiflowKey key() {
        return BiflowKey.fromNumbers(shape.kind, ports, shape.netns, addressHigh(true), addressLow(true), addressHigh(false),
                addressLow(false));
    }

    /** Whether this is the flow of {@code k}. */
    boolean hasKey(BiflowKey k) {
        Shape s = shape;
        return ports == k.ports() && s.kind == k.kind() && s.netns == k.netns()
                && addressLow(true) == k.addressLow(true) && addressLow(false) == k.addressLow(false)
                && addressHigh(true) == k.addressHigh(true) && addressHigh(false) == k.addressHigh(false);
    }

    /** The hash of this flow's key, as {@link BiflowKey#hashCode()} gives it. */
    int keyHash() {
        return BiflowKey.hash(shape.kind, ports, shape.netns, addressHigh(true), addressLow(true), addressHigh(false), addressLow(false));
    }

    /** The first 8 bytes of the low or the high address in its 16-byte form, as {@link BiflowKey#addressHigh} gives them. */
    abstract long addressHigh(boolean low);

    /** The last 8 bytes of the low or the high address in its 16-byte form (IPv4: {@code ::ffff:a.b.c.d}). */
    abstract long addressLow(boolean low);

    /** IP protocol number. */
    int protocol() {
        return shape.kind & 0xFF;
    }

    /** Inode of the network namespace that counted the flow; 0 if unknown. */
    long netns() {
        return shape.netns;
    }

    /** The direction a kernel entry of this flow counts: low → high (true) if its source is the low end. */
    boolean fromLow(FlowKey k) {
        return (ports >>> 16) == k.srcPort() && k.srcLow() == addressLow(true) && k.srcHigh() == addressHigh(true);
    }

    /** The hook whose counts are taken for direction {@code fromLow}; null while none was chosen. */
    ObservationPoint counting(boolean fromLow) {
        return fromLow ? shape.lowCounting : shape.highCounting;
    }

    /** Whether the scan being merged chose the counting hook of direction {@code fromLow}. */
    boolean chosenInThisScan(boolean fromLow) {
        return (flags & scanBit(fromLow)) != 0;
    }

    /** Counts direction {@code fromLow} at hook {@code p} from now on, chosen by the scan being merged or not. */
    void chooseCounting(boolean fromLow, ObservationPoint p, boolean inThisScan) {
        shape = shape.withCounting(fromLow, p);
        flags = (byte) (inThisScan ? flags | scanBit(fromLow) : flags & ~scanBit(fromLow));
    }

    /** The scan that chose a counting hook ended: no choice of it may be replaced any more. */
    void scanMerged() {
        flags = (byte) (flags & RULE_BITS);
    }

    private static int scanBit(boolean fromLow) {
        return fromLow ? LOW_CHOSEN_IN_SCAN : HIGH_CHOSEN_IN_SCAN;
    }

    /** Packets of direction {@code fromLow} counted since the last export. */
    long packets(boolean fromLow) {
        return fromLow ? lowPackets : highPackets;
    }

    /** Bytes of direction {@code fromLow} counted since the last export. */
    long bytes(boolean fromLow) {
        return fromLow ? lowBytes : highBytes;
    }

    private void setCounts(boolean fromLow, long packets, long bytes) {
        if (fromLow) {
            lowPackets = packets;
            lowBytes = bytes;
        } else {
            highPackets = packets;
            highBytes = bytes;
        }
    }

    /** OR of the TCP flags of direction {@code fromLow} over the flow's life. */
    int tcpFlags(boolean fromLow) {
        return (fromLow ? lowTcpFlags : highTcpFlags) & 0xFFFF;
    }

    private void setTcpFlags(boolean fromLow, int flags) {
        if (fromLow) {
            lowTcpFlags = (short) flags;
        } else {
            highTcpFlags = (short) flags;
        }
    }

    /** First packet of direction {@code fromLow}; MAX_VALUE while none was counted. */
    long firstSeen(boolean fromLow) {
        return fromLow ? lowFirstSeen : highFirstSeen;
    }

    /** Last packet of direction {@code fromLow}; 0 while none was counted. */
    long lastSeen(boolean fromLow) {
        return fromLow ? lowLastSeen : highLastSeen;
    }

    private void setSeen(boolean fromLow, long first, long last) {
        if (fromLow) {
            lowFirstSeen = first;
            lowLastSeen = last;
        } else {
            highFirstSeen = first;
            highLastSeen = last;
        }
    }

    /** The TCP health of direction {@code fromLow}; null while its counting hook brought no TCP counters. */
    TcpTrack tcp(boolean fromLow) {
        TcpPair p = tcp;
        return p == null ? null : fromLow ? p.low : p.high;
    }

    void setTcp(boolean fromLow, TcpTrack t) {
        if (tcp == null) {
            if (t == null) {
                return;
            }
            tcp = new TcpPair();
        }
        if (fromLow) {
            tcp.low = t;
        } else {
            tcp.high = t;
        }
        if (tcp.low == null && tcp.high == null) {
            tcp = null;
        }
    }

    /** Adds a reading's difference to direction {@code fromLow}. */
    void add(boolean fromLow, long p, long b, FlowCounters c) {
        setCounts(fromLow, packets(fromLow) + p, bytes(fromLow) + b);
        setTcpFlags(fromLow, tcpFlags(fromLow) | c.tcpFlags());
        if (p > 0 || b > 0) {
            setSeen(fromLow, Math.min(firstSeen(fromLow), c.firstSeenNanos()),
                    Math.max(lastSeen(fromLow), c.lastSeenNanos()));
        }
    }

    /** Forgets what was counted in a direction (its counting hook a scan replaced; nothing was exported of it). */
    void reset(boolean fromLow) {
        setCounts(fromLow, 0, 0);
        setTcpFlags(fromLow, 0);
        setSeen(fromLow, Long.MAX_VALUE, 0);
        setTcp(fromLow, null);
    }

    /** Whether a packet of direction {@code fromLow} was counted, exported or not. */
    boolean seen(boolean fromLow) {
        return firstSeen(fromLow) != Long.MAX_VALUE;
    }

    /** Marks what was counted of direction {@code fromLow} as exported: the next record carries only what follows. */
    void exported(boolean fromLow) {
        setCounts(fromLow, 0, 0);
    }

    boolean synWithoutAck(boolean fromLow) {
        int flags = tcpFlags(fromLow);
        return (flags & FlowCounters.SYN) != 0 && (flags & FlowCounters.ACK) == 0;
    }

    long lastActivity() {
        long last = Math.max(lowLastSeen, highLastSeen);
        return last == 0 ? createdNanos : last;
    }

    /** FIN seen in both directions, or RST in either. */
    boolean tcpEnded() {
        if (protocol() != 6) {
            return false;
        }
        int l = lowTcpFlags;
        int h = highTcpFlags;
        return ((l | h) & FlowCounters.RST) != 0 || ((l & FlowCounters.FIN) != 0 && (h & FlowCounters.FIN) != 0);
    }

    /** The owner of the low ({@code low}) or high end as last stamped by the kernel; null while none is known. */
    Attribution process(boolean low) {
        return owners == null ? null : owners.process(low);
    }

    /** Whether a packet of the low ({@code low}) or high end left through a local socket the kernel knew no owner for. */
    boolean socketUnowned(boolean low) {
        return owners != null && owners.socketUnowned(low);
    }

    /** Whether the kernel found end {@code low}'s address in two namespaces and named no owner for it. */
    boolean ambiguous(boolean low) {
        return owners != null && owners.ambiguous(low);
    }

    /** What Owners keeps of the ends; null while nothing was seen of them. */
    EndOwners owners() {
        return owners;
    }

    /** What Owners keeps of the ends, made if needed. */
    EndOwners ownersToWrite() {
        if (owners == null) {
            owners = new EndOwners();
        }
        return owners;
    }

    /** The number of this flow's kernel entries; entry 0 is the first that came. */
    int entries() {
        int n = shape.firstEntry == null ? 0 : 1;
        for (KernelEntry e = moreEntries; e != null; e = e.next) {
            n++;
        }
        return n;
    }

    /** The index of the entry of hook {@code point} for direction {@code fromLow}, or -1 if there is none yet. */
    int entryIndex(ObservationPoint point, boolean fromLow) {
        Shape s = shape;
        if (s.firstEntry == null) {
            return -1;
        }
        if (s.firstEntryFromLow == fromLow && s.firstEntry.equals(point)) {
            return 0;
        }
        int i = 1;
        for (KernelEntry e = moreEntries; e != null; e = e.next, i++) {
            if (e.is(point, fromLow)) {
                return i;
            }
        }
        return -1;
    }

    /** Packets of entry {@code index}'s last reading. */
    long entryPackets(int index) {
        return index == 0 ? firstEntryPackets : further(index).packets;
    }

    /** Bytes of entry {@code index}'s last reading. */
    long entryBytes(int index) {
        return index == 0 ? firstEntryBytes : further(index).bytes;
    }

    /** The kernel's key of entry {@code index}, exactly as the TC loader decodes it. */
    FlowKey entryKey(int index) {
        if (index == 0) {
            return kernelKey(shape.firstEntry, shape.firstEntryFromLow);
        }
        KernelEntry e = further(index);
        return kernelKey(e.point, e.fromLow);
    }

    /** The kernel's key of this flow's entry at hook {@code p} for direction {@code low}: the flow's own numbers, oriented. */
    private FlowKey kernelKey(ObservationPoint p, boolean low) {
        int lowPort = ports >>> 16;
        int highPort = ports & 0xFFFF;
        return new FlowKey(addressHigh(low), addressLow(low), addressHigh(!low), addressLow(!low), low ? lowPort : highPort,
                low ? highPort : lowPort, protocol(), shape.kind >>> 8, p.ifindex(), p.hook(), shape.netns);
    }

    /** Records the latest cumulative reading of the entry of hook {@code point} for direction {@code fromLow}, adding it if it is new. */
    void putEntry(ObservationPoint point, boolean fromLow, long packets, long bytes) {
        int i = entryIndex(point, fromLow);
        if (i == 0 || shape.firstEntry == null) {
            if (i != 0) {
                shape = shape.withFirstEntry(point, fromLow);
            }
            firstEntryPackets = packets;
            firstEntryBytes = bytes;
            return;
        }
        KernelEntry e = i > 0 ? further(i) : addFurther(point, fromLow);
        e.packets = packets;
        e.bytes = bytes;
    }

    /** Entry {@code index} ≥ 1. */
    private KernelEntry further(int index) {
        KernelEntry e = moreEntries;
        for (int i = 1; i < index; i++) {
            e = e.next;
        }
        return e;
    }

    /** A new entry after the last one. */
    private KernelEntry addFurther(ObservationPoint point, boolean fromLow) {
        KernelEntry added = new KernelEntry(point, fromLow);
        if (moreEntries == null) {
            moreEntries = added;
        } else {
            KernelEntry last = moreEntries;
            while (last.next != null) {
                last = last.next;
            }
            last.next = added;
        }
        return added;
    }

    /** Whether a rule decided who initiated. */
    boolean ruleDecided() {
        return (flags & RULE_BITS) != 0;
    }

    /** The rule that decided who initiated; first packet while none did (the low end, until a packet is seen). */
    InitiatorRule rule() {
        int r = flags & RULE_BITS;
        return r == 0 ? InitiatorRule.FIRST_PACKET : RULES[r - 1];
    }

    /** Sets who initiated, unless a stronger rule already decided or the orientation was already exported. */
    void decideInitiator(boolean lowInitiates, InitiatorRule by) {
        if (recorded) {
            return; // the orientation was already exported: keep it for the rest of the flow
        }
        InitiatorRule decided = rule();
        if (ruleDecided() && (decided.strongerThan(by) || (decided == by && by != InitiatorRule.SYSCALL))) {
            return; // a weaker rule never overrides, and a weak rule does not flip its own decision
        }
        lowIsInitiator = lowInitiates;
        flags = (byte) (flags & ~RULE_BITS | (by.ordinal() + 1));
    }

    static {
        if (RULES.length > RULE_BITS) {
            throw new AssertionError("InitiatorRule no longer fits in the rule bits of Biflow.flags");
        }
    }

    /**
     * What a flow has in common with many others: its namespace, its kind (EtherType and protocol),
     * the counting hook of each direction and the hook and direction of its first kernel entry. A
     * host has a few namespaces and hooks, so at 1,000,000 flows a few hundred of these stand for
     * 25 bytes that every flow would otherwise hold (a long, an int, three references and a flag);
     * the flow keeps one reference. Immutable: a flow whose hooks change takes another shape ({@link #withCounting},
     * {@link #withFirstEntry}), at most a few times in its life.
     *
     * <p>Shapes are shared through a bounded, direct-mapped cache (as {@link ObservationPoint} is):
     * a flow always holds a shape equal to its own values, whether or not it is shared; a slot taken
     * by another shape only costs the next flow of this shape an object of its own (40 bytes). Final
     * fields: a racy read of a slot sees a whole shape.
     */
    static final class Shape {
        private static final int CACHE_SLOTS = 4096;
        private static final Shape[] CACHE = new Shape[CACHE_SLOTS];

        /** Inode of the network namespace that counted the flow; 0 if unknown. */
        final long netns;
        /** EtherType << 8 | IP protocol, as {@link BiflowKey#kind()}. */
        final int kind;
        /** The hook whose counts are taken for each direction; null while none was chosen. */
        final ObservationPoint lowCounting;
        final ObservationPoint highCounting;
        /** The hook and direction of the flow's first kernel entry; null while it has none. */
        final ObservationPoint firstEntry;
        final boolean firstEntryFromLow;

        private Shape(long netns, int kind, ObservationPoint lowCounting, ObservationPoint highCounting,
                ObservationPoint firstEntry, boolean firstEntryFromLow) {
            this.netns = netns;
            this.kind = kind;
            this.lowCounting = lowCounting;
            this.highCounting = highCounting;
            this.firstEntry = firstEntry;
            this.firstEntryFromLow = firstEntryFromLow;
        }

        /** The shape of these values: the cached one if it is equal, else a new one, cached. */
        static Shape of(long netns, int kind, ObservationPoint lowCounting, ObservationPoint highCounting,
                ObservationPoint firstEntry, boolean firstEntryFromLow) {
            int h = Long.hashCode(netns) * 31 + kind;
            h = h * 31 + pointHash(lowCounting);
            h = h * 31 + pointHash(highCounting);
            h = h * 31 + pointHash(firstEntry) * 2 + (firstEntryFromLow ? 1 : 0);
            h *= 0x9E3779B1; // spreads the small numbers above over the slots
            int slot = h >>> (Integer.SIZE - Integer.numberOfTrailingZeros(CACHE_SLOTS));
            Shape c = CACHE[slot];
            if (c != null && c.netns == netns && c.kind == kind && same(c.lowCounting, lowCounting)
                    && same(c.highCounting, highCounting) && same(c.firstEntry, firstEntry)
                    && c.firstEntryFromLow == firstEntryFromLow) {
                return c;
            }
            c = new Shape(netns, kind, lowCounting, highCounting, firstEntry, firstEntryFromLow);
            CACHE[slot] = c;
            return c;
        }

        /** This shape with direction {@code fromLow} counted at {@code p}. */
        Shape withCounting(boolean fromLow, ObservationPoint p) {
            if (same(fromLow ? lowCounting : highCounting, p)) {
                return this;
            }
            return fromLow ? of(netns, kind, p, highCounting, firstEntry, firstEntryFromLow)
                    : of(netns, kind, lowCounting, p, firstEntry, firstEntryFromLow);
        }

        /** This shape with its first kernel entry at hook {@code p} for direction {@code fromLow}. */
        Shape withFirstEntry(ObservationPoint p, boolean fromLow) {
            return of(netns, kind, lowCounting, highCounting, p, fromLow);
        }

        private static int pointHash(ObservationPoint p) {
            return p == null ? 0 : p.ifindex() * 2 + p.hook().ordinal() + 1;
        }

        private static boolean same(ObservationPoint a, ObservationPoint b) {
            return a == b || (a != null && a.equals(b));
        }
    }

    /**
     * The TCP health of both directions, made when the first of them is: one reference in every
     * flow instead of two, and 24 bytes in a TCP flow with health counters, which saves more than
     * that in its biflow.
     */
    private static final class TcpPair {
        TcpTrack low;
        TcpTrack high;
    }

    /** A connection between two IPv4 ends (IPv4-mapped included): the addresses as ints, as {@link BiflowKey.V4} keeps them. */
    static final class V4 extends Biflow {
        private final int lowAddress;
        private final int highAddress;

        private V4(BiflowKey key, long now) {
            super(key, now);
            this.lowAddress = (int) key.addressLow(true);
            this.highAddress = (int) key.addressLow(false);
        }

        @Override
        long addressHigh(boolean low) {
            return 0;
        }

        @Override
        long addressLow(boolean low) {
            return FlowKey.mappedV4(low ? lowAddress : highAddress);
        }
    }

    /** Any other connection: each address in its 16-byte form as two longs. */
    static final class V6 extends Biflow {
        private final long lowHigh;
        private final long lowLow;
        private final long highHigh;
        private final long highLow;

        private V6(BiflowKey key, long now) {
            super(key, now);
            this.lowHigh = key.addressHigh(true);
            this.lowLow = key.addressLow(true);
            this.highHigh = key.addressHigh(false);
            this.highLow = key.addressLow(false);
        }

        @Override
        long addressHigh(boolean low) {
            return low ? lowHigh : highHigh;
        }

        @Override
        long addressLow(boolean low) {
            return low ? lowLow : highLow;
        }
    }
}
