#!/usr/bin/env bash
# Datapath cost, side by side in one run: 64-byte-frame UDP (sendmmsg sender) and bulk TCP
# (iperf3, offloads on and off) from namespace fmdp-tx to fmdp-rx over a veth pair, with nothing
# attached, flowmond (its TC program), softflowd and pmacctd (libpcap) watching the receiving
# veth. Within each round the configurations alternate (A B C D A B C D ...), RUNS rounds.
# kernel.bpf_stats_enabled stays 0 during these runs (stats add two clock reads to every BPF
# program run). Then one short flowmond run per scenario with bpf_stats on, for the TC
# program's run time per packet, and bpf/scripts/tc-cost.sh (the TC program alone) once.
# Each tool's CPU is counted only once it is idle after its start (wait_idle).
# Writes $OUT_DIR/datapath.tsv (one line per scenario, configuration and round),
# $OUT_DIR/datapath-tc.tsv (the bpf_stats pass) and $OUT_DIR/datapath.md (the section of RESULTS.md).
#
# usage: bench/datapath.sh [RUNS] [SECONDS]
#   env: CONFIGS="none flowmond softflowd pmacctd"  SCENARIOS="udp tcp-on tcp-off"  TC_COST_SECONDS=5 (0 skips it)
#        (more configurations: flowmond_nohealth = tcp-health off; flowmond_base = $FLOWMOND_BASE_JAR)
#        STATS_SECONDS=5 (the bpf_stats pass; 0 skips it)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/tools.sh"
# own namespaces, so a datapath run never collides with another script's
NS_TX=fmdp-tx
NS_RX=fmdp-rx

RUNS=${1:-3}
SECS=${2:-10}
CONFIGS=${CONFIGS:-"none flowmond softflowd pmacctd"}
SCENARIOS=${SCENARIOS:-"udp tcp-on tcp-off"}
TC_COST_SECONDS=${TC_COST_SECONDS:-5}
STATS_SECONDS=${STATS_SECONDS:-5}
PAYLOAD=22    # 22-byte UDP payload = 64-byte Ethernet frame (14+20+8+22)
FRAME=64
UDP_PORT=9000
TCP_PORT=5201
TSV=$OUT_DIR/datapath.tsv
TC_TSV=$OUT_DIR/datapath-tc.tsv
MD=$OUT_DIR/datapath.md
HZ=$(clk_tck)

if_stat() { ip netns exec $NS_RX cat "/sys/class/net/$IF_RX/statistics/$1"; }
veth_pkts() { echo $(( $(if_stat rx_packets) + $(if_stat tx_packets) )); }

# One measurement: start the tool, run the traffic, read CPU and counters, stop the tool, append
# one TSV line:
# scenario config round seconds sent received rate_pps bps softirq_ticks tool_ticks veth_pkts
# expected counted tool_drops tc_ns tc_runs
measure() { # scenario config round [TSV]
	local sc=$1 cfg=$2 round=$3 tsv=${4:-$TSV}
	case $sc in tcp-on) set_offloads on ;; tcp-off) set_offloads off ;; udp) set_offloads on ;; esac
	"start_$cfg"
	wait_idle "${TOOL_PID:-}"
	local v0 g0 s0 t0 b0 s1 t1 b1 g1 v1 sent recv bps
	if [ "$sc" = udp ]; then
		ip netns exec $NS_RX "$BIN_DIR/udp_sink" $UDP_PORT 2 > "$OUT_DIR/sink.out" &
	else
		ip netns exec $NS_RX iperf3 -s -1 -p $TCP_PORT > /dev/null 2>&1 &
	fi
	local srv=$!
	sleep 0.5
	v0=$(veth_pkts); g0=$(( $(tcp_out_segs $NS_RX) + $(tcp_out_segs $NS_TX) ))
	b0=$(tc_prog_stats $NS_RX $IF_RX "${TOOL_PID:-}")
	s0=$(softirq_ticks); t0=$(tree_ticks "${TOOL_PID:-}")
	if [ "$sc" = udp ]; then
		sent=$(ip netns exec $NS_TX "$BIN_DIR/udp_flood" $IP_RX $UDP_PORT $PAYLOAD "$SECS")
	else
		ip netns exec $NS_TX iperf3 -c $IP_RX -p $TCP_PORT -t "$SECS" -J > "$OUT_DIR/iperf.json"
	fi
	s1=$(softirq_ticks); t1=$(tree_ticks "${TOOL_PID:-}")
	b1=$(tc_prog_stats $NS_RX $IF_RX "${TOOL_PID:-}")
	wait $srv || true
	v1=$(veth_pkts); g1=$(( $(tcp_out_segs $NS_RX) + $(tcp_out_segs $NS_TX) ))
	local expected rate
	if [ "$sc" = udp ]; then
		recv=$(awk '{print $1}' "$OUT_DIR/sink.out")
		bps=$(awk -v n="$recv" -v s="$SECS" -v f=$FRAME 'BEGIN { printf "%.0f", n * f * 8 / s }')
		expected=$sent            # every datagram the sender handed to the kernel
		rate=$(awk -v n="$recv" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')
	else
		sent=-
		bps=$(jq -r '.end.sum_received.bits_per_second' "$OUT_DIR/iperf.json" | awk '{printf "%.0f", $1}')
		recv=$(jq -r '.end.sum_received.bytes' "$OUT_DIR/iperf.json")
		expected=$((g1 - g0))     # TCP segments both stacks sent, in wire segments (each crosses the veth once)
		rate=$(awk -v n="$expected" -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')
	fi
	local counted drops
	read -r counted drops < <("count_$cfg" $([ "$sc" = udp ] && echo $UDP_PORT || echo $TCP_PORT))
	"stop_$cfg"
	read -r bn bc <<< "$(echo "$b1 $b0" | awk '{ print $1 - $3, $2 - $4 }')"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sc" "$cfg" "$round" "$SECS" \
		"$sent" "$recv" "$rate" "$bps" $((s1 - s0)) $((t1 - t0)) $((v1 - v0)) "$expected" "$counted" "$drops" "$bn" "$bc" >> "$tsv"
	log "$sc $cfg round $round: sent $sent received $recv ($rate pkt/s, $bps bit/s) expected $expected counted $counted drops $drops tc ${bn}ns/${bc}"
}

# flowmond once more per scenario with kernel.bpf_stats_enabled=1: its TC programs' run time
stats_pass() {
	head -1 "$TSV" > "$TC_TSV"
	[ "$STATS_SECONDS" != 0 ] || return 0
	local old sc
	old=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	for sc in $SCENARIOS; do
		SECS=$STATS_SECONDS measure "$sc" flowmond stats "$TC_TSV" || true
	done
	sysctl -qw kernel.bpf_stats_enabled="$old"
}

# The configurations in round R's order: CONFIGS rotated by R-1, so that no tool always runs at
# the same place (a first full run had every tool at a fixed place after the no-program run,
# and all of them slower than it by more than their own cost; a rotated re-check did not).
rotation() { # ROUND
	local -a c=($CONFIGS)
	local n=${#c[@]} i out=""
	for ((i = 0; i < n; i++)); do out="$out ${c[$(((i + $1 - 1) % n))]}"; done
	echo $out
}

# The TC program alone: its run time per packet under a UDP flood (bpf/scripts/tc-cost.sh).
tc_cost() {
	[ "$TC_COST_SECONDS" != 0 ] || return 0
	log "tc-cost.sh $TC_COST_SECONDS"
	FLOOD_BIN="$BIN_DIR/udp_flood" bash "$ROOT_DIR/bpf/scripts/tc-cost.sh" "$TC_COST_SECONDS" > "$OUT_DIR/tc-cost.txt" 2>&1 \
		|| echo "tc-cost.sh failed (exit $?)" >> "$OUT_DIR/tc-cost.txt"
	cat "$OUT_DIR/tc-cost.txt" >&2
}

main() {
	mkdir -p "$OUT_DIR"
	build_tools
	snapshot_jar
	local bpf_stats; bpf_stats=$(sysctl -n kernel.bpf_stats_enabled)
	trap "set +e; [ -n \"\${TOOL_PID:-}\" ] && kill \$TOOL_PID 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled=$bpf_stats; ns_down; true" EXIT
	ns_up
	printf 'scenario\tconfig\tround\tseconds\tsent\treceived\trate_pps\tbps\tsoftirq_ticks\ttool_ticks\tveth_pkts\texpected\tcounted\ttool_drops\ttc_run_ns\ttc_runs\n' > "$TSV"
	for round in $(seq 1 "$RUNS"); do
		for sc in $SCENARIOS; do
			for cfg in $(rotation "$round"); do
				measure "$sc" "$cfg" "$round"
			done
		done
	done
	stats_pass
	ns_down
	tc_cost
	report
}

report() {
	"${PYTHON:-/usr/bin/python3}" "$BENCH_DIR/render.py" datapath "$TSV" "$TC_TSV" "$OUT_DIR/tc-cost.txt" \
		"RUNS=$RUNS SECONDS_PER_RUN=$SECS bash bench/datapath.sh $RUNS $SECS" > "$MD"
	log "wrote $TSV and $MD"
}

# "--report": only turn an existing $OUT_DIR/datapath.tsv into datapath.md again
if [ "${1:-}" = --report ]; then RUNS=$(tail -n +2 "$TSV" | cut -f3 | sort -u | wc -l); SECS=$(sed -n 2p "$TSV" | cut -f4); report; exit; fi
main "$@"; exit $?   # one line: bash must not read on if this file changes during a run
