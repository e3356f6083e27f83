#!/usr/bin/env bash
# What one full read of the TC flow map costs in the kernel, alone: a 1 M-slot BPF hash map with
# 48-byte keys (struct flow_key) filled with ENTRIES entries, read with bpf_map_lookup_batch as
# TcFlowMonitor.scan reads it, for value sizes 296 (struct flow_stats today) and 48 (its counters
# only) and chunks of 256 (MapBatchReader.CHUNK) and 4096; then with an iter/bpf_map_elem program.
# Prints kind, entries, value size, chunk, seconds (three reads each).
# usage: bench/map-read.sh [ENTRIES]    (as root; about 30 s)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ENTRIES=${1:-1000000}
mkdir -p "$BIN_DIR"
gcc -O2 -Wall -o "$BIN_DIR/map_read" "$BENCH_DIR/src/map_read.c" -lbpf
clang -O2 -g -target bpf -I"$ROOT_DIR/bpf/src/main/c/include" \
	-c "$BENCH_DIR/src/map_read_iter.bpf.c" -o "$BIN_DIR/map_read_iter.bpf.o"
cd "$BIN_DIR"
printf 'kind\tentries\tvalue_size\tchunk\tseconds\n'
for vs in 296 48; do
	for chunk in 256 4096; do
		./map_read "$ENTRIES" $vs $chunk
	done
done
./map_read "$ENTRIES" 296 256 iter | grep '^iter'
