#!/bin/bash
# The daemon's end-to-end scenario, run inside a guest (run-e2e-matrix.sh starts it):
#   e2e-scenario.sh VARIANT JAR OUT_DIR
# VARIANT is flowmon.probes.syscall-hook (kprobe | fentry | tracepoint | auto).
#
# A network namespace "fmvm-srv" behind a veth pair (fmvm0 10.203.0.1 here, fmvm1 10.203.0.2
# there; offloads off, so a packet at the TC hook is a wire packet), flowmond counting fmvm0
# and exporting IPFIX to nfcapd on 127.0.0.1:4739, and:
#   transfer  a bash process here sends 200000 bytes to `busybox nc -l` there (port 5001);
#   repeat    another bash process connects 5 times, 0.3 s apart, to a server there (port 5002);
#   owners    a UDP request/response, a TCP connection quiet for longer than the idle timeout
#             (2 s here) between two talks, and one opened before flowmond starts (owner-traffic.sh);
#   foreign   another tool's tc filters on fmvm0's ingress (OK for IPv4, drop for IPv6) and 5 IPv6
#             pings whose replies they drop (foreign_filters);
#   health    an upload through netem (delay there, loss here) on a second veth, fmvm2
#             (tcp-health-traffic.sh): handshake latency and retransmissions against the kernel.
# Everything the checker needs lands in OUT_DIR: expected.env (PIDs and names), daemon.log,
# tables.txt (the seed tables: COUNT and MTBS), ipfix.pcap (the export as sent, for tshark),
# traffic.pcap (the veth as captured: the ground truth for counts), nfcapd/ (nfdump's files).
# check-e2e.sh on the host decodes and compares them; this script only fails when a step fails.
set -euo pipefail
variant="$1" jar="$2" out="$3"
. "$(dirname "$0")/scenario-lib.sh"
. "$(dirname "$0")/owner-traffic.sh"
. "$(dirname "$0")/tcp-health-traffic.sh"
trap 'cleanup; cleanup_latency_network' EXIT

start_daemon() {
    cat > "$out/flowmon.conf" <<CONF
flowmon.probes.syscall-hook = $variant
flowmon.interfaces = ["fmvm0", "fmvm2"]
flowmon.export.collectors = [{ host = "127.0.0.1", port = 4739 }]
flowmon.export.biflow = uniflow
flowmon.flows.idle-timeout = ${OWNER_IDLE_TIMEOUT_S}s
flowmon.outputs.table-file = "$out/tables.txt"
flowmon.outputs.json-file = "$out/flows.json"
CONF
    launch_flowmond "$jar" --config "$out/flowmon.conf" >"$out/daemon.log" 2>&1 &
    daemon=$!
    pids+=("$daemon")   # a failed step must not leave it running into the next variant's scenario
    # Ready when it logs "running with"; fail at once when it exits instead.
    local deadline=$((SECONDS + 120))
    until grep -q "running with" "$out/daemon.log"; do
        if ! kill -0 "$daemon" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            echo "e2e: flowmond did not start:" >&2
            cat "$out/daemon.log" >&2
            return 1
        fi
        sleep 0.5
    done
}

# Another tool's classic TC filters on the counted hook, there before flowmond starts: on fmvm0's
# ingress, at pref 7 one that ends the chain with OK for IPv4 (the scenario's TCP), at pref 9 one
# that drops every IPv6 packet. Five IPv6 pings then leave (flowmond counts the requests on
# egress) and their replies come back to be dropped (flowmond counts them at its ingress hook, which
# runs first); both filters must be as they were when flowmond stops.
V6_HERE=fd00:203::1 V6_THERE=fd00:203::2 FOREIGN_PINGS=5
foreign_filters() {
    ip -6 addr add "$V6_HERE/64" dev fmvm0 nodad
    ip -n "$NS" -6 addr add "$V6_THERE/64" dev fmvm1 nodad
    # Static neighbours both ways: the drop would also take the neighbour advertisements.
    ip -6 neigh replace "$V6_THERE" dev fmvm0 nud permanent \
        lladdr "$(ip -n "$NS" -br link show fmvm1 | awk '{print $3}')"
    ip -n "$NS" -6 neigh replace "$V6_HERE" dev fmvm1 nud permanent \
        lladdr "$(ip -br link show fmvm0 | awk '{print $3}')"
    tc qdisc add dev fmvm0 clsact
    tc filter add dev fmvm0 ingress protocol ip pref 7 bpf bytecode '1,6 0 0 0,' da
    tc filter add dev fmvm0 ingress protocol ipv6 pref 9 bpf bytecode '1,6 0 0 2,' da
    tc filter show dev fmvm0 ingress >"$out/foreign-before.txt"
}

foreign_pings() {
    local received
    # ping exits 1 when nothing comes back, which is what is expected here.
    received="$( { ping -6 -c "$FOREIGN_PINGS" -i 0.2 -W 1 "$V6_THERE" 2>&1 || true; } \
        | sed -n 's/.* \([0-9]*\) received.*/\1/p')"
    echo "FOREIGN_PINGS_SENT=$FOREIGN_PINGS FOREIGN_PINGS_RECEIVED=${received:-none} FOREIGN_DST=$V6_THERE" >>"$out/expected.env"
}

step() { echo "e2e [$variant] $(date +%T): $*" >&2; }
step "network"; setup_network; setup_latency_network
step "collectors"; start_collectors
step "foreign filters"; foreign_filters
step "a connection before flowmond"; existing_connection
step "flowmond"; start_daemon
step "an idle connection's first talk"; idle_connection
step "transfer"; transfer
step "repeated connects"; repeat_connects
step "UDP request/response"; udp_exchange
step "pings the foreign filter drops"; foreign_pings
step "an upload through netem"; health_transfer
step "both paused connections talk again"; resume_connections
step "stop"
sleep 2                      # let the last FIN/ACKs reach the counters
kill -TERM "$daemon"
wait "$daemon" && echo "DAEMON_EXIT=0" >>"$out/expected.env" || echo "DAEMON_EXIT=$?" >>"$out/expected.env"
tc filter show dev fmvm0 ingress >"$out/foreign-after.txt"
stop_collectors
echo "KERNEL=$(uname -r) VARIANT=$variant" >>"$out/expected.env"
