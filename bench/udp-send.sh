#!/usr/bin/env bash
# One send() per datagram against sendmmsg() of 32, on loopback in a namespace of its own, as the
# IPFIX export's UDP sessions would send (1,400-byte datagrams, the size an MTU of 1500 allows):
# the sender's CPU per datagram, alternating, ROUNDS times, into a receiver (bench/src/udp_sink.c);
# then to a port nobody listens on, where each datagram draws an ICMP port unreachable: how many
# of those errors each way reports to the sender (the UDP session counts and charges them).
# usage: bench/udp-send.sh [ROUNDS] [COUNT]    (as root; ≈ 10 s a round)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-3}
COUNT=${2:-200000}
NS=fmudpsend
PORT=4798

mkdir -p "$BIN_DIR"
for t in udp_sink udp_send_batch; do gcc -O2 -Wall -o "$BIN_DIR/$t" "$BENCH_DIR/src/$t.c"; done
ip netns del $NS 2>/dev/null || true
ip netns add $NS
trap 'ip netns del $NS 2>/dev/null || true' EXIT
ip -n $NS link set lo up

for r in $(seq 1 "$ROUNDS"); do
	for batch in 1 32; do
		ip netns exec $NS "$BIN_DIR/udp_sink" $PORT 1 > "$OUT_DIR/udp-send-sink.out" &
		sink=$!
		sleep 0.2
		printf 'round %d, received: ' "$r"
		line=$(ip netns exec $NS "$BIN_DIR/udp_send_batch" $PORT "$COUNT" 1400 $batch)
		wait $sink
		printf '%s datagrams; %s\n' "$(cut -d' ' -f1 "$OUT_DIR/udp-send-sink.out")" "$line"
	done
done
for batch in 1 32; do
	printf 'refused (nothing listens): '
	ip netns exec $NS "$BIN_DIR/udp_send_batch" $((PORT + 1)) 20000 1400 $batch
done
