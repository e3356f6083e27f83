package org.flowmond.daemon.flow;

import org.flowmond.ipfix.FlowEndReason;
import org.flowmond.ipfix.TcpHealth;

/**
 * One exported biflow, oriented from the initiator ({@code src}, the client) to the responder
 * ({@code dst}). Counters are deltas since the previous export of the same flow (IPFIX delta
 * counters); never all zero. Its times are on the wall clock, nanoseconds since the epoch (the
 * table's are monotonic: {@link WallClock} converts them as the record is made).
 *
 * @param ethProto       EtherType (0x0800, 0x86DD, or the non-IP type)
 * @param ipVersion      4, 6, or 0 for non-IP
 * @param protocol       IP protocol number
 * @param src            initiator address and port
 * @param dst            responder address and port
 * @param initiatorRule  how the initiator was decided
 * @param fwdPackets     packets src → dst
 * @param fwdBytes       IP bytes src → dst
 * @param fwdTcpFlags    OR of TCP flags src → dst (whole flow so far)
 * @param revPackets     packets dst → src
 * @param revBytes       IP bytes dst → src
 * @param revTcpFlags    OR of TCP flags dst → src
 * @param startNanos     first packet of this record (for a continued flow: the end of the previous record)
 * @param endNanos       last packet of this record
 * @param fwdIfindex     interface whose hook counted src → dst (0 if none seen)
 * @param revIfindex     interface whose hook counted dst → src (0 if none seen)
 * @param fwdHook        the hook (ingress or egress) that counted src → dst, or null if none seen
 * @param revHook        the hook that counted dst → src, or null if none seen
 * @param reason         flowEndReason
 * @param srcProcess     owner of the src side at the record's end, or null when none is known
 * @param dstProcess     owner of the dst side at the record's end, or null when none is known
 * @param netns          inode of the network namespace whose hooks counted the flow; 0 if unknown
 * @param tcp            TCP health of this record (handshake, RTT, retransmissions ...), or null for
 *                       other protocols and when {@code flowmon.tcp-health.enabled} is off
 */
public record BiflowRecord(int ethProto, int ipVersion, int protocol, Endpoint src, Endpoint dst,
                           InitiatorRule initiatorRule,
                           long fwdPackets, long fwdBytes, int fwdTcpFlags,
                           long revPackets, long revBytes, int revTcpFlags,
                           long startNanos, long endNanos, int fwdIfindex, int revIfindex,
                           org.flowmond.bpf.api.Direction fwdHook, org.flowmond.bpf.api.Direction revHook,
                           FlowEndReason reason,
                           Attribution srcProcess, Attribution dstProcess, long netns, TcpHealth tcp) {

    /** A record without TCP health. */
    public BiflowRecord(int ethProto, int ipVersion, int protocol, Endpoint src, Endpoint dst,
                        InitiatorRule initiatorRule,
                        long fwdPackets, long fwdBytes, int fwdTcpFlags,
                        long revPackets, long revBytes, int revTcpFlags,
                        long startNanos, long endNanos, int fwdIfindex, int revIfindex,
                        org.flowmond.bpf.api.Direction fwdHook, org.flowmond.bpf.api.Direction revHook,
                        FlowEndReason reason, Attribution srcProcess, Attribution dstProcess, long netns) {
        this(ethProto, ipVersion, protocol, src, dst, initiatorRule, fwdPackets, fwdBytes, fwdTcpFlags, revPackets,
                revBytes, revTcpFlags, startNanos, endNanos, fwdIfindex, revIfindex, fwdHook, revHook, reason,
                srcProcess, dstProcess, netns, null);
    }

    /** A record counted in an unknown namespace (0). */
    public BiflowRecord(int ethProto, int ipVersion, int protocol, Endpoint src, Endpoint dst,
                        InitiatorRule initiatorRule,
                        long fwdPackets, long fwdBytes, int fwdTcpFlags,
                        long revPackets, long revBytes, int revTcpFlags,
                        long startNanos, long endNanos, int fwdIfindex, int revIfindex,
                        org.flowmond.bpf.api.Direction fwdHook, org.flowmond.bpf.api.Direction revHook,
                        FlowEndReason reason, Attribution srcProcess, Attribution dstProcess) {
        this(ethProto, ipVersion, protocol, src, dst, initiatorRule, fwdPackets, fwdBytes, fwdTcpFlags, revPackets,
                revBytes, revTcpFlags, startNanos, endNanos, fwdIfindex, revIfindex, fwdHook, revHook, reason,
                srcProcess, dstProcess, 0);
    }
}
