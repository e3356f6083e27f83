# Shared helpers for the benchmark scripts (sourced, not run).
# Traffic runs only between two network namespaces created here: fmbench-tx --veth-- fmbench-rx.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
OUT_DIR=${OUT_DIR:-$BENCH_DIR/out}
BIN_DIR=$OUT_DIR/bin
NS_TX=fmbench-tx
NS_RX=fmbench-rx
IF_TX=fmb-tx
IF_RX=fmb-rx
IP_TX=10.77.0.1
IP_RX=10.77.0.2

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

build_tools() {
	mkdir -p "$BIN_DIR"
	for t in udp_flood udp_sink connect_loop; do
		gcc -O2 -Wall -o "$BIN_DIR/$t" "$BENCH_DIR/src/$t.c"
	done
}

ns_up() {
	ns_down
	ip netns add $NS_TX
	ip netns add $NS_RX
	ip link add $IF_TX netns $NS_TX type veth peer name $IF_RX netns $NS_RX
	ip -n $NS_TX addr add $IP_TX/24 dev $IF_TX
	ip -n $NS_RX addr add $IP_RX/24 dev $IF_RX
	for ns in $NS_TX $NS_RX; do ip -n $ns link set lo up; done
	ip -n $NS_TX link set $IF_TX up
	ip -n $NS_RX link set $IF_RX up
}

ns_down() {
	ip netns del $NS_TX 2>/dev/null || true
	ip netns del $NS_RX 2>/dev/null || true
}

# Total softirq jiffies (all CPUs) from /proc/stat: column 8 of the "cpu" line.
softirq_ticks() { awk '/^cpu /{print $8}' /proc/stat; }
# utime+stime jiffies of a process and its threads.
proc_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
clk_tck() { getconf CLK_TCK; }
# Waits until a process (not necessarily our child: counters run in subshells) has exited.
wait_gone() { while [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; done; }
# Switches segmentation/receive offloads of both veth ends on or off.
set_offloads() { # on|off
	ip netns exec $NS_TX ethtool -K $IF_TX tso "$1" gso "$1" gro "$1" >/dev/null 2>&1 || true
	ip netns exec $NS_RX ethtool -K $IF_RX tso "$1" gso "$1" gro "$1" >/dev/null 2>&1 || true
}

# median and spread ((max-min)/median) of numbers on stdin
median_spread() {
	sort -g | awk '{v[NR]=$1} END {
		if (NR==0) {print "n/a n/a"; exit}
		m = (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
		s = (m>0) ? (v[NR]-v[1])/m : 0;
		printf "%.6g %.3f\n", m, s }'
}
