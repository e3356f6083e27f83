#!/usr/bin/env bash
# The TC program's cost per packet without bpf_stats' own clock reads: BPF_PROG_TEST_RUN
# (bpftool prog run ... repeat N) of tc_ingress on one 64-byte Ethernet/IPv4/UDP frame, the same
# flow every time (so a map update, not an insert). Prints the kernel's average duration per run.
#
#   bash bpf/scripts/tc-testrun.sh [REPEAT] [OBJECT]   (root; defaults: 2000000, bpf/target/classes/bpf/tc_flow.bpf.o)
#   env FRAME=tcp: a 64-byte Ethernet/IPv4/TCP segment (ACK with 10 payload bytes) instead; the same
#   segment every run, so from the second run on it is below seq_next (the retransmission path)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEAT=${1:-2000000}
OBJ=${2:-bpf/target/classes/bpf/tc_flow.bpf.o}
DIR=$(mktemp -d)
cleanup() { umount "$DIR/bpffs" 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

python3 - "$DIR/frame.bin" <<'PY'
import struct, sys
import os
if os.environ.get("FRAME") == "tcp":
    payload = b"x" * 10                               # 14 + 20 + 20 + 10 = 64 bytes
    l4 = struct.pack("!HHIIBBHHH", 40000, 5001, 1000, 2000, 5 << 4, 0x10, 512, 0, 0) + payload
    proto = 6
else:
    payload = b"x" * 22                               # 14 + 20 + 8 + 22 = 64 bytes
    l4 = struct.pack("!HHHH", 40000, 5001, 8 + len(payload), 0) + payload
    proto = 17
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
eth = bytes.fromhex("020000000001020000000002") + struct.pack("!H", 0x0800)
open(sys.argv[1], "wb").write(eth + ip + l4)
PY
mkdir "$DIR/bpffs"
mount -t bpf bpf "$DIR/bpffs"
bpftool prog loadall "$OBJ" "$DIR/bpffs/tc" type classifier
for i in 1 2 3; do
	bpftool prog run pinned "$DIR/bpffs/tc/tc_ingress" data_in "$DIR/frame.bin" repeat "$REPEAT" | grep -i duration
done
