#!/usr/bin/env bash
# Measures what tc_flow.bpf.o costs per packet: a UDP flood (64-byte payloads, one flow) from
# namespace B to namespace A over a veth pair, the program on A's ingress and B's egress, with
# kernel.bpf_stats_enabled=1; prints run_time_ns / run_cnt per hook (bpftool prog show), and the
# flood's packet rate with and without the program attached.
#
#   bash bpf/scripts/tc-cost.sh [SECONDS] [OBJECT]    (root; defaults: 10, bpf/target/classes/bpf/tc_flow.bpf.o)
#   env FLOOD_BIN=bench/out/bin/udp_flood: use that sender (bench/datapath.sh does)
#   env PROTO=tcp: a TCP sender instead of the UDP flood (see flood below)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
OBJ=${2:-bpf/target/classes/bpf/tc_flow.bpf.o}
TRAFFIC=bpf/src/test/resources/org/flowmond/bpf/tc/traffic.py
A=fmcosta$$ B=fmcostb$$ PIN=/sys/fs/bpf/flowmond-tc-cost-$$
OLD_STATS=$(sysctl -n kernel.bpf_stats_enabled)

cleanup() {
  sysctl -qw kernel.bpf_stats_enabled="$OLD_STATS"
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$PIN"
}
trap cleanup EXIT

mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
ip netns add "$A"; ip netns add "$B"
ip link add vca netns "$A" type veth peer name vcb netns "$B"
ip -n "$A" addr add 10.98.0.1/24 dev vca; ip -n "$B" addr add 10.98.0.2/24 dev vcb
ip -n "$A" link set vca up; ip -n "$B" link set vcb up
ip -n "$B" neigh replace 10.98.0.1 lladdr "$(ip netns exec "$A" cat /sys/class/net/vca/address)" dev vcb nud permanent

# FLOOD_BIN=bench's udp_flood (sendmmsg, 22-byte payload = 64-byte frames) when given: a far higher
# rate than the Python flood, so the per-packet cost is measured where it matters
# PROTO=tcp: one TCP connection sending 1 KiB writes with TCP_NODELAY for SECONDS instead (data and
# ACK segments through both hooks; prints the bytes sent): the TCP health block's path, srtt included
if [ "${PROTO:-udp}" = tcp ]; then
  flood() {
    ip netns exec "$A" python3 -c 'import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("10.98.0.1", 9)); s.listen(1)
c, _ = s.accept()
while c.recv(1 << 16): pass' &
    local sink=$!
    sleep 0.3
    ip netns exec "$B" python3 -c 'import socket, sys, time
c = socket.create_connection(("10.98.0.1", 9)); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
b, n, end = b"t" * 1024, 0, time.monotonic() + float(sys.argv[1])
while time.monotonic() < end: n += c.send(b)
c.close(); print(n)' "$DURATION"
    wait "$sink"
  }
elif [ -n "${FLOOD_BIN:-}" ]; then
  flood() { ip netns exec "$B" "$FLOOD_BIN" 10.98.0.1 9 22 "$DURATION"; }
else
  flood() { ip netns exec "$B" python3 "$TRAFFIC" udp-flood 10.98.0.1 9 "$DURATION" 64; }
fi

base=$(flood)
mkdir -p "$PIN"
bpftool prog loadall "$OBJ" "$PIN" type classifier pinmaps "$PIN"
nsenter --net=/var/run/netns/"$A" tc qdisc add dev vca clsact
nsenter --net=/var/run/netns/"$A" tc filter add dev vca ingress bpf da object-pinned "$PIN/tc_ingress"
nsenter --net=/var/run/netns/"$B" tc qdisc add dev vcb clsact
nsenter --net=/var/run/netns/"$B" tc filter add dev vcb egress bpf da object-pinned "$PIN/tc_egress"
sysctl -qw kernel.bpf_stats_enabled=1
with=$(flood)
sysctl -qw kernel.bpf_stats_enabled=0

for prog in tc_egress tc_ingress; do
  bpftool -j prog show pinned "$PIN/$prog" | python3 -c '
import json, sys
p = json.load(sys.stdin)
print("%-10s run_cnt %10d  run_time_ns %12d  => %.1f ns per packet" % (sys.argv[1], p["run_cnt"], p["run_time_ns"],
      p["run_time_ns"] / max(1, p["run_cnt"])))' "$prog"
done
echo "${PROTO:-udp} sender, $DURATION s: $base $([ "${PROTO:-udp}" = tcp ] && echo bytes || echo datagrams) without the program, $with with it (ratio $(python3 -c "print(round($with/$base, 3))"))"
