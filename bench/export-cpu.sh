#!/usr/bin/env bash
# Where the CPU goes while flowmond exports a full table at SIGTERM: runs bench/scale.sh once
# (one heap, default 512m) with every thread of the daemon, nfcapd and dumpcap sampled from /proc
# (bench/src/thread_cpu.py, no process started per sample), then prints each kind of thread's CPU
# seconds from SIGTERM to the last record at the collector (scale.sh's export window).
#
# usage: bench/export-cpu.sh [FLOWS]    (as root; env as scale.sh: FLOWMOND_JAR, HEAPS, OUT_DIR, ...)
# Writes $OUT_DIR/thread-cpu.txt (raw samples) and $OUT_DIR/export-cpu.md (the table).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export HEAPS=${HEAPS:-512m}
mkdir -p "$OUT_DIR"
SAMPLES=$OUT_DIR/thread-cpu.txt

# The daemon by its configuration file (scale.conf), the collector and the capture by their names.
python3 "$BENCH_DIR/src/thread_cpu.py" "$SAMPLES" scale.conf nfcapd dumpcap &
SAMPLER=$!
trap 'kill -TERM $SAMPLER 2>/dev/null || true' EXIT
bash "$BENCH_DIR/scale.sh" "$@"
kill -TERM $SAMPLER; wait $SAMPLER 2>/dev/null || true
trap - EXIT

# The window: the daemon's "SIGTERM: stopping" log line (time of day, ms) on the samples' day,
# for scale.sh's export seconds (SIGTERM -> last IPFIX message of flow records at the collector).
heap=${HEAPS%% *}
sigterm=$(grep -m1 'SIGTERM: stopping' "$OUT_DIR/scale/$heap/flowmond.log" | cut -d' ' -f1)
day=$(date -d "@$(head -1 "$SAMPLES" | cut -d' ' -f1)" +%F)
start=$(date -d "$day $sigterm" +%s.%N)
export_s=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "export_s") c = i; next } { print $c; exit }' "$OUT_DIR/scale.tsv")
python3 "$BENCH_DIR/src/thread_cpu_window.py" "$SAMPLES" "$start" "$export_s" | tee "$OUT_DIR/export-cpu.md"
