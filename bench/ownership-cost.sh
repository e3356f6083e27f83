#!/usr/bin/env bash
# The TC program's cost per packet without and with owner stamping, side by side (issue 10), and
# the per-packet/per-call cost of the ownership programs on the same traffic: a UDP flood (64-byte
# frames, one flow, bench/src/udp_flood.c from a connected socket in namespace fmown-b) to
# bench/src/udp_sink.c in fmown-a over a veth. flowmond's TC counter is on both veth ends, held by
# OwnershipAttachMain: on vcb's egress the packets carry their socket (the owner by socket
# cookie, every packet), on vca's ingress they carry none (5-tuple and endpoint lookups).
# plain: TcFlowMonitor alone; owners: SocketOwnership shared with it (cgroup_skb/egress runs on
# every packet the flood sends, tp_btf sock_send_length on every datagram sent, sock_recv_length
# on every receive of the sink). kernel.bpf_stats_enabled=1 during every run (this is the
# bpf_stats measurement: its two clock reads per program run are included). ROUNDS rounds,
# plain and owners alternating (order swapped each round), SECONDS each.
# Counts: the holder's flow map after each run (bpftool map dump): packets of the flood's flow
# on each hook against the datagrams sent, and the owners stamped in them against the flood's
# and the sink's PIDs.
# Writes $OUT_DIR/ownership-tc.tsv (per program and run) and $OUT_DIR/ownership-tc-counts.tsv.
#
#   bash bench/ownership-cost.sh [ROUNDS] [SECONDS]   (root; build first: mvn -B -ntp -o -pl bpf -am -DskipTests test-compile)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-3}
DURATION=${2:-10}
A=fmown-a B=fmown-b
IP_A=10.97.0.1 IP_B=10.97.0.2
PORT=9000
PAYLOAD=22 # 64-byte Ethernet frames
TSV=$OUT_DIR/ownership-tc.tsv
COUNTS=$OUT_DIR/ownership-tc-counts.tsv

ns_setup() {
	ns_teardown
	ip netns add $A; ip netns add $B
	ip link add vca netns $A type veth peer name vcb netns $B
	ip -n $A addr add $IP_A/24 dev vca; ip -n $B addr add $IP_B/24 dev vcb
	ip -n $A link set vca up; ip -n $B link set vcb up
	ip -n $B neigh replace $IP_A lladdr "$(ip netns exec $A cat /sys/class/net/vca/address)" dev vcb nud permanent
}

ns_teardown() {
	ip netns del $A 2>/dev/null || true
	ip netns del $B 2>/dev/null || true
}

# The holder's flow map as "direction ifindex packets src_pid dst_pid" for the flood's UDP flow.
flood_entries() { # PID
	local id
	for id in $(grep -h '^map_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u); do
		[ "$(bpftool -j map show id "$id" | jq -r .name)" = flows ] || continue
		bpftool -j map dump id "$id" | jq -r --argjson port $PORT '.[] | .formatted
			| select(.key.proto == 17 and .key.dst_port == $port)
			| "\(.key.direction) \(.key.ifindex) \(.value.packets) \(.value.src_owner.pid) \(.value.dst_owner.pid)"'
	done
}

measure() { # CONFIG ROUND
	local cfg=$1 r=$2 load sent recv sink_pid flood_pid
	# shellcheck disable=SC2046
	hold_start $([ "$cfg" = owners ] && echo --owners) "$B:vcb" "$A:vca" || return 1
	sleep 2
	ip netns exec $A "$BIN_DIR/udp_sink" $PORT 2 > "$OUT_DIR/own-sink.out" &
	sink_pid=$!
	sleep 0.5
	load=$(cut -d' ' -f1 /proc/loadavg)
	prog_snapshot "$HOLD_JVM" > "$OUT_DIR/own-bpf.0"
	ip netns exec $B "$BIN_DIR/udp_flood" $IP_A $PORT $PAYLOAD "$DURATION" > "$OUT_DIR/own-flood.out" &
	flood_pid=$!
	wait $flood_pid
	wait $sink_pid || true
	prog_snapshot "$HOLD_JVM" > "$OUT_DIR/own-bpf.1"
	sent=$(cat "$OUT_DIR/own-flood.out")
	recv=$(awk '{print $1}' "$OUT_DIR/own-sink.out")
	prog_delta "$OUT_DIR/own-bpf.0" "$OUT_DIR/own-bpf.1" |
		awk -F'\t' -v OFS='\t' -v c="$cfg" -v r="$r" -v s="$sent" '$3 > 0 { print c, r, $1, $2, $3, $4, s }' >> "$TSV"
	# direction 0 = ingress, 1 = egress (enum flowmon_direction)
	flood_entries "$HOLD_JVM" | awk -v OFS='\t' -v c="$cfg" -v r="$r" -v s="$sent" -v n="$recv" -v l="$load" \
		-v fp="$flood_pid" -v sp="$sink_pid" '
		$1 == 1 { eg += $3; esrc = $4; edst = $5 } $1 == 0 { in_ += $3; isrc = $4; idst = $5 }
		END { print c, r, s, n, eg + 0, in_ + 0, fp, sp, esrc + 0, edst + 0, isrc + 0, idst + 0, l }' >> "$COUNTS"
	hold_stop
	log "$cfg round $r: sent $sent received $recv; $(tail -1 "$COUNTS" | cut -f5,6 | tr '\t' /) counted egress/ingress;" \
		"$(awk -F'\t' -v c="$cfg" -v r="$r" '$1 == c && $2 == r { printf "%s %.0f ns  ", $3, $6 / $5 }' "$TSV")"
}

main() {
	mkdir -p "$BIN_DIR"
	build_tools
	holder_classpath
	local old_stats
	old_stats=$(sysctl -n kernel.bpf_stats_enabled)
	trap "set +e; hold_stop; sysctl -qw kernel.bpf_stats_enabled=$old_stats; ns_teardown; true" EXIT
	ns_setup
	printf 'config\tround\tprogram\ttype\truns\trun_time_ns\tsent\n' > "$TSV"
	printf 'config\tround\tsent\treceived\tegress_counted\tingress_counted\tflood_pid\tsink_pid\tegress_src_pid\tegress_dst_pid\tingress_src_pid\tingress_dst_pid\tload1\n' > "$COUNTS"
	sysctl -qw kernel.bpf_stats_enabled=1
	local r
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then measure plain "$r"; measure owners "$r"; else measure owners "$r"; measure plain "$r"; fi
	done
}

main "$@"; exit $?   # one line: bash must not read on if this file changes during a run
