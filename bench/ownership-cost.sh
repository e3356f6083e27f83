#!/usr/bin/env bash
# TC program cost per packet without and with owner stamping, side by side (issue 10): a UDP flood
# (64-byte payloads, one flow, from a socket in namespace B to A over a veth), the counter on B's
# veth (egress: packets with their socket) and A's veth (ingress: no socket, 5-tuple lookups),
# held by OwnershipAttachMain; kernel.bpf_stats_enabled=1; run_time_ns / run_cnt per program.
# Alternates plain (TcFlowMonitor alone) and owners (SocketOwnership shared with it), ROUNDS each.
#
#   bash bench/ownership-cost.sh [ROUNDS] [SECONDS]   (root; build first: mvn -B -ntp -o -pl bpf -am -DskipTests test-compile)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
DURATION=${2:-10}
TRAFFIC=bpf/src/test/resources/org/flowmond/bpf/tc/traffic.py
A=fmowna$$ B=fmownb$$
OLD_STATS=$(sysctl -n kernel.bpf_stats_enabled)
CP_FILE=$(mktemp)
mvn -B -ntp -o -q -pl bpf dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="bpf/target/classes:bpf/target/test-classes:$(cat "$CP_FILE")"
cleanup() {
  sysctl -qw kernel.bpf_stats_enabled="$OLD_STATS"
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ip netns add "$A"; ip netns add "$B"
ip link add vca netns "$A" type veth peer name vcb netns "$B"
ip -n "$A" addr add 10.97.0.1/24 dev vca; ip -n "$B" addr add 10.97.0.2/24 dev vcb
ip -n "$A" link set vca up; ip -n "$B" link set vcb up
ip -n "$B" neigh replace 10.97.0.1 lladdr "$(ip netns exec "$A" cat /sys/class/net/vca/address)" dev vcb nud permanent

tc_ids() { bpftool -j prog show | python3 -c '
import json, sys
print(" ".join(str(p["id"]) for p in json.load(sys.stdin) if p.get("name") in ("tc_egress", "tc_ingress")))'; }

measure() { # $1: plain|owners
  local flag=""; [ "$1" = owners ] && flag=--owners
  local before; before=$(tc_ids)
  coproc HOLD { exec java -cp "$CP" org.flowmond.bpf.owner.OwnershipAttachMain $flag "$B:vcb" "$A:vca" 2>/dev/null; }
  local line pid=$HOLD_PID
  while read -r line <&"${HOLD[0]}"; do [ "$line" = attached ] && break; done
  sysctl -qw kernel.bpf_stats_enabled=1
  ip netns exec "$B" python3 "$TRAFFIC" udp-flood 10.97.0.1 9 "$DURATION" 64 >/dev/null
  sysctl -qw kernel.bpf_stats_enabled=0
  # the holder's programs: the tc_egress/tc_ingress that were not loaded before it started
  bpftool -j prog show | python3 -c '
import json, sys
before = set(sys.argv[1].split())
for p in json.load(sys.stdin):
    if p.get("name") in ("tc_egress", "tc_ingress") and str(p["id"]) not in before and p.get("run_cnt"):
        print("%-7s %-10s run_cnt %9d  %.1f ns per packet" % (sys.argv[2], p["name"], p["run_cnt"],
              p["run_time_ns"] / max(1, p["run_cnt"])))' "$before" "$1"
  eval "exec ${HOLD[1]}>&-"
  wait "$pid" || true
}

for r in $(seq "$ROUNDS"); do
  measure plain
  measure owners
done
