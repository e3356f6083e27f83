#!/bin/bash
# Shared by the guest scenarios (e2e-scenario.sh, systemd-scenario.sh); source it with $out set.
# A network namespace "fmvm-srv" behind a veth pair (fmvm0 10.203.0.1 here, fmvm1 10.203.0.2
# there; offloads off, so a packet at the TC hook is a wire packet); nfcapd on 127.0.0.1:4739
# with dumpcap recording the IPFIX export (ipfix.pcap) and the veth (traffic.pcap: TCP, or
# $VETH_FILTER when set); and the two kinds of traffic the checks expect (see transfer and
# repeat_connects).
NS=fmvm-srv HERE_IP=10.203.0.1 THERE_IP=10.203.0.2
pids=()
LAUNCHER="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/flowmond"

# flowmond on JAR as installed systems start it: the packaged launcher (packaging/flowmond: its JVM
# options, and its class-data archive in $FLOWMOND_CDS_DIR, which KernelMatrixJarTest dumps once on
# the host for this jar and JVM; unset or empty: no archive). Run it in the background (`&`): it
# execs, so $! is the JVM's PID, as with `java -jar &`.
launch_flowmond() {   # launch_flowmond JAR FLOWMOND_ARG... &
    FLOWMOND_JAR="$1" FLOWMOND_CDS_DIR="${FLOWMOND_CDS_DIR-}" exec "$LAUNCHER" "${@:2}"
}

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
    ip link del fmvm0 2>/dev/null || true
}
trap cleanup EXIT

# veth_namespace NS HERE_IF HERE_IP THERE_IF THERE_IP: namespace NS behind a veth pair, /24
# addresses, offloads off (a packet at the TC hook is a wire packet).
veth_namespace() {
    local ns="$1" here="$2" here_ip="$3" there="$4" there_ip="$5"
    ip netns add "$ns"
    ip link add "$here" type veth peer name "$there"
    ip link set "$there" netns "$ns"
    ip addr add "$here_ip/24" dev "$here"
    ip link set "$here" up
    ip -n "$ns" addr add "$there_ip/24" dev "$there"
    ip -n "$ns" link set "$there" up
    ip -n "$ns" link set lo up
    ethtool -K "$here" tso off gso off gro off >/dev/null
    ip netns exec "$ns" ethtool -K "$there" tso off gso off gro off >/dev/null
}

setup_network() {
    modprobe veth
    veth_namespace "$NS" fmvm0 "$HERE_IP" fmvm1 "$THERE_IP"
}

wait_for() {   # wait_for SECONDS COMMAND...
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || { echo "e2e: timed out waiting for: $*" >&2; return 1; }
        sleep 0.2
    done
}

start_collectors() {
    mkdir -p "$out/nfcapd"
    nfcapd -p 4739 -b 127.0.0.1 -w "$out/nfcapd" -t 3600 >"$out/nfcapd.log" 2>&1 &
    pids+=($!)
    dumpcap -q -i lo -f "udp port 4739" -w "$out/ipfix.pcap" 2>"$out/dumpcap-lo.log" &
    pids+=($!)
    dumpcap -q -i fmvm0 -f "${VETH_FILTER:-tcp}" -w "$out/traffic.pcap" 2>"$out/dumpcap-veth.log" &
    pids+=($!)
    wait_for 30 grep -q "Capturing on 'fmvm0'" "$out/dumpcap-veth.log"
    wait_for 30 grep -q "Capturing on 'Loopback" "$out/dumpcap-lo.log"
}

# ss exits 0 even when nothing matches: look at what it prints.
listening() { ip netns exec "$NS" ss -Hltn "sport = :$1" | grep -q .; }

transfer() {
    ip netns exec "$NS" busybox nc -l -p 5001 >/dev/null &
    local server=$!
    wait_for 10 listening 5001
    # The connecting shell writes the bytes itself (printf is a builtin): a child that writes on
    # the inherited socket becomes its owner where the kernel has send hooks (6.4+), the rule
    # AttributionEndToEndTest checks; this scenario checks connect and accept.
    bash -ec "exec 3<>/dev/tcp/$THERE_IP/5001; printf '%0200000d' 0 >&3; exec 3>&-" &
    local client=$!
    if ! wait "$client"; then
        kill "$server" 2>/dev/null   # it would wait for a connection for ever
        echo "e2e: the transfer's client failed" >&2
        return 1
    fi
    wait "$server"
    echo "TRANSFER_CLIENT_PID=$client TRANSFER_SERVER_PID=$server TRANSFER_BYTES=200000" >>"$out/expected.env"
}

repeat_connects() {
    ip netns exec "$NS" busybox nc -ll -p 5002 -e /bin/true &
    pids+=($!)
    local server=$!
    wait_for 10 listening 5002
    bash -ec "for i in 1 2 3 4 5; do exec 3<>/dev/tcp/$THERE_IP/5002; exec 3>&-; sleep 0.3; done" &
    local client=$!
    wait "$client" || { echo "e2e: the repeated connects failed" >&2; return 1; }
    echo "REPEAT_CLIENT_PID=$client REPEAT_SERVER_PID=$server REPEAT_COUNT=5" >>"$out/expected.env"
}

stop_collectors() {
    sleep 1   # let the last IPFIX datagrams reach the captures
    # SIGTERM, not SIGINT: background jobs of a script start with SIGINT ignored.
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    wait "${pids[@]}" 2>/dev/null || true
    pids=()
}
