#!/usr/bin/env bash
# Datapath cost, side by side in one run: small-packet UDP and bulk TCP between two network
# namespaces, with nothing attached, flowmond (TC program), softflowd and pmacctd watching the
# receiver's veth. Configurations alternate within each round (ABCD ABCD ...), RUNS rounds.
# Writes raw measurements to $OUT_DIR/datapath.tsv, one line per (scenario, config, round).
#
# usage: bench/datapath.sh [RUNS] [SECONDS]      env: CONFIGS="none flowmond softflowd pmacctd"
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/tools.sh"

RUNS=${1:-3}
SECS=${2:-10}
CONFIGS=${CONFIGS:-"none flowmond softflowd pmacctd"}
PAYLOAD=${PAYLOAD:-22}    # 22-byte UDP payload = 64-byte Ethernet frame (14+20+8+22)
UDP_PORT=9000
TCP_PORT=5201
TSV=$OUT_DIR/datapath.tsv

if_stat() { ip netns exec $NS_RX cat "/sys/class/net/$IF_RX/statistics/$1"; }

measure_udp() { # cfg round
	local cfg=$1 round=$2
	"start_$cfg"
	local rx0; rx0=$(if_stat rx_packets)
	ip netns exec $NS_RX "$BIN_DIR/udp_sink" $UDP_PORT 2 > "$OUT_DIR/sink.out" &
	local sink=$!
	sleep 0.3
	local s0 t0 s1 t1 sent
	s0=$(softirq_ticks); t0=$(proc_ticks "${TOOL_PID:-0}")
	sent=$(ip netns exec $NS_TX "$BIN_DIR/udp_flood" $IP_RX $UDP_PORT "$PAYLOAD" "$SECS")
	s1=$(softirq_ticks); t1=$(proc_ticks "${TOOL_PID:-0}")
	wait $sink
	local recv; recv=$(awk '{print $1}' "$OUT_DIR/sink.out")
	local seen=$(( $(if_stat rx_packets) - rx0 ))
	local counted; counted=$("count_$cfg" $UDP_PORT)
	"stop_$cfg"
	printf 'udp\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cfg" "$round" "$SECS" "$sent" "$recv" \
		$((s1 - s0)) $((t1 - t0)) "$seen" "$counted" >> "$TSV"
	log "udp $cfg round $round: sent $sent received $recv seen $seen counted $counted"
}

measure_tcp() { # cfg round offloads(on|off)
	local cfg=$1 round=$2 offloads=$3
	set_offloads "$offloads"
	"start_$cfg"
	local rx0 tx0; rx0=$(if_stat rx_packets); tx0=$(if_stat tx_packets)
	ip netns exec $NS_RX iperf3 -s -1 -p $TCP_PORT > /dev/null 2>&1 &
	local srv=$!
	sleep 0.5
	local s0 t0 s1 t1
	s0=$(softirq_ticks); t0=$(proc_ticks "${TOOL_PID:-0}")
	ip netns exec $NS_TX iperf3 -c $IP_RX -p $TCP_PORT -t "$SECS" -J > "$OUT_DIR/iperf.json"
	s1=$(softirq_ticks); t1=$(proc_ticks "${TOOL_PID:-0}")
	wait $srv || true
	local bps; bps=$(awk '/"sum_received"/{f=1} f && /"bits_per_second"/{gsub(/[,]/,"",$2); print $2; exit}' "$OUT_DIR/iperf.json")
	local seen=$(( $(if_stat rx_packets) - rx0 + $(if_stat tx_packets) - tx0 ))
	local counted; counted=$("count_$cfg" $TCP_PORT)
	"stop_$cfg"
	set_offloads on
	printf 'tcp-offloads-%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$offloads" "$cfg" "$round" "$SECS" "-" "$bps" \
		$((s1 - s0)) $((t1 - t0)) "$seen" "$counted" >> "$TSV"
	log "tcp (offloads $offloads) $cfg round $round: $bps bit/s seen $seen counted $counted"
}

main() {
	mkdir -p "$OUT_DIR"
	build_tools
	trap ns_down EXIT
	ns_up
	printf 'scenario\tconfig\tround\tseconds\tsent\treceived_or_bps\tsoftirq_ticks\ttool_ticks\tseen_on_veth\ttool_counted\n' > "$TSV"
	for round in $(seq 1 "$RUNS"); do
		for cfg in $CONFIGS; do
			measure_udp "$cfg" "$round"
			measure_tcp "$cfg" "$round" on
			measure_tcp "$cfg" "$round" off
		done
	done
	log "raw results in $TSV"
}

main "$@"
