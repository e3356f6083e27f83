#!/usr/bin/env bash
# Where flowmond's CPU goes per connection: one run of the connect+accept+close loop (as in
# syscall.sh) against a running flowmond, with the CPU ticks of each daemon thread (by name,
# from /proc/PID/task/*/stat) over the loop, and the BPF programs' run time per connection when
# kernel.bpf_stats_enabled=1. Complements syscall.sh, whose rate ratio is noisy on a shared machine.
#
# usage: bench/syscall-cpu.sh [SECONDS]     env: FLOWMOND_JAR, JAVA_OPTS (e.g. a JFR recording)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SECS=${1:-20}
FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}

thread_ticks() { # "name|ticks" per thread name, summed
	for t in /proc/"$1"/task/*; do
		echo "$(cat "$t/comm")|$(awk '{print $14+$15}' "$t/stat")"
	done 2>/dev/null | awk -F'|' '{a[$1]+=$2} END {for (k in a) print k "|" a[k]}' | sort
}

bpf_ns() { bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
print(sum(p.get("run_time_ns", 0) for p in json.load(sys.stdin) if p.get("name", "").startswith(("tp_", "rawtp_"))))' || echo 0; }

main() {
	mkdir -p "$OUT_DIR"
	build_tools
	trap ns_down EXIT
	ns_up
	cat > "$OUT_DIR/syscall-cpu.conf" <<CONF
flowmon.interfaces = ["$IF_RX"]
flowmon.export.collectors = [{ host = "127.0.0.1", port = 9 }]
flowmon.stats.interval = 1s
CONF
	# shellcheck disable=SC2086
	ip netns exec $NS_RX java ${JAVA_OPTS:-} -jar "$FLOWMOND_JAR" --config "$OUT_DIR/syscall-cpu.conf" \
		> "$OUT_DIR/flowmond-syscall-cpu.log" 2>&1 &
	local pid=$!
	await_daemon "$OUT_DIR/flowmond-syscall-cpu.log" $pid || { cat "$OUT_DIR/flowmond-syscall-cpu.log" >&2; return 1; }
	sleep 1
	thread_ticks $pid > "$OUT_DIR/ticks.0"
	local b0 n b1
	b0=$(bpf_ns)
	n=$(ip netns exec $NS_RX "$BIN_DIR/connect_loop" 127.0.0.1 7000 "$SECS")
	b1=$(bpf_ns)
	thread_ticks $pid > "$OUT_DIR/ticks.1"
	sleep 1.5
	kill -TERM $pid
	wait $pid || true
	local hz
	hz=$(clk_tck)
	echo "connections: $n in ${SECS}s ($((n / SECS))/s); BPF (tp_*, rawtp_*): $(( (b1 - b0) / (n > 0 ? n : 1) )) ns per connection"
	join -t'|' "$OUT_DIR/ticks.0" "$OUT_DIR/ticks.1" | awk -F'|' -v n="$n" -v hz="$hz" \
		'$3 > $2 { d = $3 - $2; printf "  %-18s %5d ticks  %6.2f us per connection\n", $1, d, d / hz * 1e6 / n }'
	grep -o 'dropped\.[a-z-]*=[0-9]*' "$OUT_DIR/flowmond-syscall-cpu.log" | tail -8 | sort -u | tr '\n' ' '
	echo
}

main "$@"
