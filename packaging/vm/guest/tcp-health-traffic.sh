#!/bin/bash
# The TCP health traffic of e2e-scenario.sh (issue 13), sourced after scenario-lib.sh. A second
# namespace "fmvm-lat" behind veth fmvm2 (10.204.0.1 here) / fmvm3 (10.204.0.2 there), impaired
# with netem, which Debian's kernels ship as a module (this machine's kernel has none):
#   delay  everything the server sends is held HEALTH_DELAY_MS, so the handshake seen here is
#          SYN → SYN-ACK ≈ HEALTH_DELAY_MS (nProbe's SERVER_NW_LATENCY_MS: half of it), exactly
#          what a capture of fmvm2 (health.pcap) shows;
#   loss   HEALTH_LOSS_PCT % of what the client sends here is dropped by the root qdisc, after
#          flowmond's egress hook, so the client retransmits.
# A bash here uploads HEALTH_BYTES to `busybox nc -l` there (port 5006). The root namespace holds
# no other busy TCP connection meanwhile: its RetransSegs delta is this connection's.
LAT_NS=fmvm-lat LAT_HERE_IP=10.204.0.1 LAT_THERE_IP=10.204.0.2
HEALTH_PORT=5006 HEALTH_DELAY_MS=20 HEALTH_LOSS_PCT=2 HEALTH_BYTES=1000000

setup_latency_network() {
    veth_namespace "$LAT_NS" fmvm2 "$LAT_HERE_IP" fmvm3 "$LAT_THERE_IP"
    tc qdisc add dev fmvm2 root netem loss "$HEALTH_LOSS_PCT%"
    ip netns exec "$LAT_NS" tc qdisc add dev fmvm3 root netem delay "${HEALTH_DELAY_MS}ms"
}

cleanup_latency_network() {
    ip netns del "$LAT_NS" 2>/dev/null || true
    ip link del fmvm2 2>/dev/null || true
}

# This namespace's TCP RetransSegs (/proc/net/snmp: a header line, then the values).
retrans_segs() {
    awk '/^Tcp:/ { if (!col) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") col = i } else print $col }' \
        /proc/net/snmp
}

# TcpExt TCPSynRetrans (/proc/net/netstat): the loss may take the SYN itself.
syn_retrans() {
    awk '/^TcpExt:/ { if (!col) { for (i = 1; i <= NF; i++) if ($i == "TCPSynRetrans") col = i } else print $col }' \
        /proc/net/netstat
}

listening_lat() { ip netns exec "$LAT_NS" ss -Hltn "sport = :$1" | grep -q .; }

health_transfer() {
    ip netns exec "$LAT_NS" busybox nc -l -p "$HEALTH_PORT" >/dev/null &
    local server=$! before after
    wait_for 10 listening_lat "$HEALTH_PORT"
    # The handshake as the veth saw it: the ground truth for flowmond's (netem's delay plus the
    # guest's own time to answer, which under emulation is not negligible).
    dumpcap -q -i fmvm2 -f "tcp port $HEALTH_PORT" -w "$out/health.pcap" 2>"$out/dumpcap-health.log" &
    pids+=($!)
    wait_for 30 grep -q "Capturing on 'fmvm2'" "$out/dumpcap-health.log"
    before="$(retrans_segs)" syn_before="$(syn_retrans)"
    bash -ec "exec 3<>/dev/tcp/$LAT_THERE_IP/$HEALTH_PORT; printf '%0${HEALTH_BYTES}d' 0 >&3; exec 3>&-" &
    local client=$!
    wait "$client" || { kill "$server" 2>/dev/null; echo "e2e: the impaired upload failed" >&2; return 1; }
    # The client's close returns with data still queued: the server exits once all of it and the
    # FIN arrived, retransmissions included.
    wait "$server"
    sleep 0.5   # the last ACKs
    after="$(retrans_segs)"
    echo "HEALTH_CLIENT_PID=$client HEALTH_RETRANS=$((after - before)) HEALTH_DELAY_MS=$HEALTH_DELAY_MS" \
        "HEALTH_PORT=$HEALTH_PORT HEALTH_SYN_RETRANS=$(( $(syn_retrans) - syn_before ))" >>"$out/expected.env"
}
