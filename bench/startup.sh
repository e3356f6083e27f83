#!/usr/bin/env bash
# Start-up time: from exec of `java -jar flowmond.jar` to the moment every probe is attached
# (the log line "syscall probes attached", written after the TC program is attached too).
# RUNS runs; prints one duration per run in seconds and writes $OUT_DIR/startup.tsv.
#
# usage: bench/startup.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS=${1:-5}
FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}
TSV=$OUT_DIR/startup.tsv

one_run() {
	local log=$OUT_DIR/startup.log
	local t0 t1
	t0=$(date +%s.%N)
	ip netns exec $NS_RX java -jar "$FLOWMOND_JAR" -i $IF_RX --collector 127.0.0.1:9 > "$log" 2>&1 &
	local pid=$!
	until grep -q "syscall probes attached" "$log" 2>/dev/null; do
		kill -0 $pid 2>/dev/null || { cat "$log" >&2; return 1; }
		sleep 0.01
	done
	t1=$(date +%s.%N)
	kill -TERM $pid; wait_gone $pid
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

main() {
	mkdir -p "$OUT_DIR"
	trap ns_down EXIT
	ns_up
	printf 'run\tseconds_to_attached\n' > "$TSV"
	for i in $(seq 1 "$RUNS"); do
		s=$(one_run)
		printf '%s\t%s\n' "$i" "$s" >> "$TSV"
		log "start-up run $i: $s s"
	done
	tail -n +2 "$TSV" | cut -f2 | median_spread | awk '{print "median " $1 " s, spread " $2*100 " %"}' >&2
}

main "$@"
