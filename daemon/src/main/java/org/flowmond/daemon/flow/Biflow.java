package org.flowmond.daemon.flow;

import org.flowmond.bpf.api.FlowCounters;
import org.flowmond.bpf.api.FlowKey;

/**
 * The mutable state of one connection in {@link BiflowTable}. It is queued for its deadline once
 * its first reading is applied (the deadline is known only then), and linked into the table's
 * idle order ({@link BiflowIndex}). Single-threaded.
 */
final class Biflow extends Expiry.Scheduled {

    /** One direction of travel (low → high or high → low) and what has been counted of it. */
    static final class Travel {
        /** The hook whose counts are taken for this direction; fixed once chosen (see BiflowTable). */
        ObservationPoint counting;
        /** Counted since the last export (a record carries these, then they start again from 0). */
        long packets;
        long bytes;
        /** OR of the TCP flags over the flow's life. */
        int tcpFlags;
        /** First and last packet over the flow's life; MAX_VALUE and 0 while none was counted. */
        long firstSeen = Long.MAX_VALUE;
        long lastSeen;
        /** TCP health of this direction; null until a reading of the counting hook carries TCP counters. */
        TcpTrack tcp;
        /**
         * The number of the scan that chose {@link #counting} from the first reading of an empty
         * direction; while that scan lasts an earlier observation of its own may still replace
         * the choice (see BiflowTable). 0: not chosen by a scan. (Fits the object's padding.)
         */
        int chosenInScan;

        /** Forgets what was counted (a direction whose counting hook a scan replaced; nothing was exported of it). */
        void reset() {
            packets = 0;
            bytes = 0;
            tcpFlags = 0;
            firstSeen = Long.MAX_VALUE;
            lastSeen = 0;
            tcp = null;
        }

        void add(long p, long b, FlowCounters c) {
            packets += p;
            bytes += b;
            tcpFlags |= c.tcpFlags();
            if (p > 0 || b > 0) {
                firstSeen = Math.min(firstSeen, c.firstSeenNanos());
                lastSeen = Math.max(lastSeen, c.lastSeenNanos());
            }
        }

        /** Whether a packet of this direction was counted, exported or not. */
        boolean seen() {
            return firstSeen != Long.MAX_VALUE;
        }

        /** Marks what was counted as exported: the next record carries only what follows. */
        void exported() {
            packets = 0;
            bytes = 0;
        }

        boolean synWithoutAck() {
            return (tcpFlags & FlowCounters.SYN) != 0 && (tcpFlags & FlowCounters.ACK) == 0;
        }
    }

    /**
     * The key ({@link BiflowKey}) inline, as its numbers: finding a flow by key reads the index slot
     * and the flow, no key object (at 1,000,000 flows each is a cache miss). {@link #key()} makes one.
     */
    private final long lowAddressHigh;
    private final long lowAddressLow;
    private final long highAddressHigh;
    private final long highAddressLow;
    private final long netns;
    private final int ports;
    private final int kind;
    /** Neighbours in the table's idle order (oldest → youngest activity), null at its ends. */
    Biflow older;
    Biflow younger;
    final Travel lowToHigh = new Travel();
    final Travel highToLow = new Travel();
    /** Last cumulative reading of every kernel entry belonging to this connection, by kernel key. */
    final KernelEntries kernelEntries = new KernelEntries();

    InitiatorRule rule = InitiatorRule.FIRST_PACKET;
    boolean ruleDecided;
    boolean lowIsInitiator = true;
    /** The owner of each end as last stamped by the kernel (see {@link Owners}); null while none is known. */
    Attribution lowProcess;
    Attribution highProcess;
    /** Last-packet time of the kernel entry that named {@link #lowProcess} / {@link #highProcess}. */
    long lowOwnerSeen;
    long highOwnerSeen;
    /** Whether that entry is one on which the side sends (its owner read from its own socket). */
    boolean lowOwnerSends;
    boolean highOwnerSends;
    /** Whether a packet of this end left through a local socket the kernel knew no owner for. */
    boolean lowSocketUnowned;
    boolean highSocketUnowned;

    /** What of this connection's health was added to its client's connect syscall flow (Owners.addToConnect). */
    boolean handshakeAdded;
    long retransmissionsAdded;

    final long createdNanos;
    long lastExportNanos;
    long previousRecordEnd;
    int exports;
    long endDetectedNanos = -1;

    Biflow(BiflowKey key, long now) {
        this.lowAddressHigh = key.addressHigh(true);
        this.lowAddressLow = key.addressLow(true);
        this.highAddressHigh = key.addressHigh(false);
        this.highAddressLow = key.addressLow(false);
        this.netns = key.netns();
        this.ports = key.ports();
        this.kind = key.kind();
        this.createdNanos = now;
        this.lastExportNanos = now;
    }

    /** This flow's key (made on request: the outputs and the owners' look-ups need one, a scan does not). */
    BiflowKey key() {
        return BiflowKey.fromNumbers(kind, ports, netns, lowAddressHigh, lowAddressLow, highAddressHigh, highAddressLow);
    }

    /** Whether this is the flow of {@code k}. */
    boolean hasKey(BiflowKey k) {
        return ports == k.ports() && kind == k.kind() && netns == k.netns()
                && lowAddressLow == k.addressLow(true) && highAddressLow == k.addressLow(false)
                && lowAddressHigh == k.addressHigh(true) && highAddressHigh == k.addressHigh(false);
    }

    /** The hash of this flow's key, as {@link BiflowKey#hashCode()} gives it. */
    int keyHash() {
        return BiflowKey.hash(kind, ports, netns, lowAddressHigh, lowAddressLow, highAddressHigh, highAddressLow);
    }

    /** IP protocol number. */
    int protocol() {
        return kind & 0xFF;
    }

    /** Inode of the network namespace that counted the flow; 0 if unknown. */
    long netns() {
        return netns;
    }

    /** The direction a kernel entry of this flow counts: low → high if its source is the low end. */
    Travel travel(FlowKey k) {
        return (ports >>> 16) == k.srcPort() && BiflowKey.isAddress(k.srcAddress(), lowAddressHigh, lowAddressLow)
                ? lowToHigh : highToLow;
    }

    long lastActivity() {
        long last = Math.max(lowToHigh.lastSeen, highToLow.lastSeen);
        return last == 0 ? createdNanos : last;
    }

    /** FIN seen in both directions, or RST in either. */
    boolean tcpEnded() {
        if (protocol() != 6) {
            return false;
        }
        int l = lowToHigh.tcpFlags;
        int h = highToLow.tcpFlags;
        return ((l | h) & FlowCounters.RST) != 0 || ((l & FlowCounters.FIN) != 0 && (h & FlowCounters.FIN) != 0);
    }

    /** Sets who initiated, unless a stronger rule already decided or the orientation was already exported. */
    void decideInitiator(boolean lowInitiates, InitiatorRule by) {
        if (exports > 0) {
            return; // the orientation was already exported: keep it for the rest of the flow
        }
        if (ruleDecided && (rule.strongerThan(by) || (rule == by && by != InitiatorRule.SYSCALL))) {
            return; // a weaker rule never overrides, and a weak rule does not flip its own decision
        }
        lowIsInitiator = lowInitiates;
        rule = by;
        ruleDecided = true;
    }
}
