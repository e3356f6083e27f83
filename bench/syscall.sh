#!/usr/bin/env bash
# Syscall-probe cost: a tight TCP connect+accept+close loop on loopback inside a namespace,
# with nothing attached vs flowmond running (probes on, TC off the loopback), alternating,
# RUNS rounds. Also records flowmond's ring-buffer drop counter from its statistics log.
# Writes $OUT_DIR/syscall.tsv.
#
# usage: bench/syscall.sh [RUNS] [SECONDS]     env: HOOK=auto|tracepoint|kprobe|fentry
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUNS=${1:-3}
SECS=${2:-10}
HOOK=${HOOK:-auto}
FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}
TSV=$OUT_DIR/syscall.tsv
PORT=7000

run_loop() { ip netns exec $NS_RX "$BIN_DIR/connect_loop" 127.0.0.1 $PORT "$SECS"; }

start_flowmond() {
	cat > "$OUT_DIR/syscall-bench.conf" <<CONF
flowmon.interfaces = ["$IF_RX"]
flowmon.probes.syscall-hook = $HOOK
flowmon.export.collectors = [{ host = "127.0.0.1", port = 9 }]
flowmon.stats.interval = 1s
CONF
	ip netns exec $NS_RX java -jar "$FLOWMOND_JAR" --config "$OUT_DIR/syscall-bench.conf" > "$OUT_DIR/flowmond-syscall.log" 2>&1 &
	FM_PID=$!
	for _ in $(seq 1 300); do
		grep -qi "probes attached\|syscall probes.*attached\|variant" "$OUT_DIR/flowmond-syscall.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 1
}

stop_flowmond() {
	kill -TERM "$FM_PID" 2>/dev/null || true
	wait "$FM_PID" 2>/dev/null || true
}

main() {
	mkdir -p "$OUT_DIR"
	build_tools
	trap ns_down EXIT
	ns_up
	printf 'config\tround\tseconds\tconnections\tring_drops\n' > "$TSV"
	for round in $(seq 1 "$RUNS"); do
		n=$(run_loop)
		printf 'none\t%s\t%s\t%s\t-\n' "$round" "$SECS" "$n" >> "$TSV"
		log "none round $round: $n connections"
		start_flowmond
		n=$(run_loop)
		sleep 2
		drops=$(grep -o 'ring[-_ ]buffer[^0-9]*[0-9]*' "$OUT_DIR/flowmond-syscall.log" | tail -1 | grep -o '[0-9]*$' || echo "?")
		stop_flowmond
		printf 'flowmond-%s\t%s\t%s\t%s\t%s\n' "$HOOK" "$round" "$SECS" "$n" "${drops:-?}" >> "$TSV"
		log "flowmond-$HOOK round $round: $n connections, ring drops ${drops:-?}"
	done
	awk -F'\t' 'NR>1 { r[$1]=r[$1] " " $4/$3 } END { for (c in r) print c ":" r[c] " conn/s" }' "$TSV" >&2
}

main "$@"
