#!/bin/bash
# The daemon's end-to-end scenario, run inside a guest (run-e2e-matrix.sh starts it):
#   e2e-scenario.sh VARIANT JAR OUT_DIR
# VARIANT is flowmon.probes.syscall-hook (kprobe | fentry | tracepoint | auto).
#
# A network namespace "fmvm-srv" behind a veth pair (fmvm0 10.203.0.1 here, fmvm1 10.203.0.2
# there; offloads off, so a packet at the TC hook is a wire packet), flowmond counting fmvm0
# and exporting IPFIX to nfcapd on 127.0.0.1:4739, and:
#   transfer  a bash process here sends 200000 bytes to `busybox nc -l` there (port 5001);
#   repeat    another bash process connects 5 times, 0.3 s apart, to a server there (port 5002).
# Everything the checker needs lands in OUT_DIR: expected.env (PIDs and names), daemon.log,
# tables.txt (the seed tables: COUNT and MTBS), ipfix.pcap (the export as sent, for tshark),
# traffic.pcap (the veth as captured: the ground truth for counts), nfcapd/ (nfdump's files).
# check-e2e.sh on the host decodes and compares them; this script only fails when a step fails.
set -euo pipefail
variant="$1" jar="$2" out="$3"
. "$(dirname "$0")/scenario-lib.sh"

start_daemon() {
    cat > "$out/flowmon.conf" <<CONF
flowmon.probes.syscall-hook = $variant
flowmon.interfaces = ["fmvm0"]
flowmon.export.collectors = [{ host = "127.0.0.1", port = 4739 }]
flowmon.export.biflow = uniflow
flowmon.outputs.table-file = "$out/tables.txt"
flowmon.outputs.json-file = "$out/flows.json"
CONF
    java -jar "$jar" --config "$out/flowmon.conf" >"$out/daemon.log" 2>&1 &
    daemon=$!
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

step() { echo "e2e [$variant] $(date +%T): $*" >&2; }
step "network"; setup_network
step "collectors"; start_collectors
step "flowmond"; start_daemon
step "transfer"; transfer
step "repeated connects"; repeat_connects
step "stop"
sleep 2                      # let the last FIN/ACKs reach the counters
kill -TERM "$daemon"
wait "$daemon" && echo "DAEMON_EXIT=0" >>"$out/expected.env" || echo "DAEMON_EXIT=$?" >>"$out/expected.env"
stop_collectors
echo "KERNEL=$(uname -r) VARIANT=$variant" >>"$out/expected.env"
