package org.flowmond.ipfix.ie;

import static org.flowmond.ipfix.ie.DataType.UNSIGNED32;

import java.util.List;

/**
 * ntop's TCP health elements under PEN 35632, with nProbe's 4-octet lengths (nProbe
 * {@code doc/src/cli_options.rst}; names, ids and FT_UINT32 as {@code tshark -G values} and
 * {@code tshark -G fields} of Wireshark 4.0 print them; NetFlow v9 id = 57472 + id).
 *
 * <p>"IN" is source to destination (initiator to responder) and "OUT" the reverse, as nProbe's
 * current help and ntopng read them; Wireshark 4.0 labels the OOORDER pair the other way round.
 * The latencies are nProbe's "3WH RTT/2": half of each handshake interval, in whole milliseconds.
 * Never ids 82-87: older nProbes used them for latencies, Wireshark and nfdump still decode them
 * as other things.
 */
public final class NtopTcpElements {
    private NtopTcpElements() {
    }

    private static InformationElement ntop(String name, int id, Semantics semantics, Units units, String description) {
        return new InformationElement(name, NtopElements.PEN, id, UNSIGNED32, semantics, units, 4, description);
    }

    public static final List<InformationElement> ALL = List.of(
            ntop("RETRANSMITTED_IN_PKTS", 109, Semantics.DELTA_COUNTER, Units.PACKETS,
                    "retransmitted TCP segments, source to destination"),
            ntop("RETRANSMITTED_OUT_PKTS", 110, Semantics.DELTA_COUNTER, Units.PACKETS,
                    "retransmitted TCP segments, destination to source"),
            ntop("OOORDER_IN_PKTS", 111, Semantics.DELTA_COUNTER, Units.PACKETS,
                    "out-of-order TCP segments, source to destination"),
            ntop("OOORDER_OUT_PKTS", 112, Semantics.DELTA_COUNTER, Units.PACKETS,
                    "out-of-order TCP segments, destination to source"),
            ntop("CLIENT_NW_LATENCY_MS", 123, Semantics.QUANTITY, Units.MILLISECONDS,
                    "half the client-side handshake interval (SYN-ACK to ACK), rounded to whole ms"),
            ntop("SERVER_NW_LATENCY_MS", 124, Semantics.QUANTITY, Units.MILLISECONDS,
                    "half the server-side handshake interval (SYN to SYN-ACK), rounded to whole ms"),
            ntop("RETRANSMITTED_IN_BYTES", 127, Semantics.DELTA_COUNTER, Units.OCTETS,
                    "retransmitted TCP octets, source to destination"),
            ntop("RETRANSMITTED_OUT_BYTES", 128, Semantics.DELTA_COUNTER, Units.OCTETS,
                    "retransmitted TCP octets, destination to source"));
}
