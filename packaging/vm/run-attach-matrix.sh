#!/usr/bin/env bash
# Usage: run-attach-matrix.sh [KERNEL...]        (default: 5.10 6.1 6.12)
#
# Step one of the kernel matrix, without the daemon: on each kernel, loads the project's
# syscall-probe objects (bpf/target/classes/bpf/sock_{kprobe,fentry,tp}.bpf.o; built by
# `make -C bpf` if missing) with attach-check.c (plain libbpf), makes loopback connections
# (guest/loopback-connects.sh) and checks the ring buffer reported each connect and accept
# once with the right PID and command name. Prints a markdown table; exits 1 if a cell failed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${FLOWMOND_VM_CACHE:-/var/cache/flowmond-vm}"
OBJECTS="$REPO/bpf/target/classes/bpf"
KERNELS=("$@")
[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(5.10 6.1 6.12)

[ -f "$OBJECTS/sock_kprobe.bpf.o" ] || make -C "$REPO/bpf" -s
mkdir -p "$CACHE/bin"
checker="$CACHE/bin/attach-check"
# clang: packaging/install-deps.sh installs it (for the BPF code); gcc may be absent.
"${CC:-clang}" -O2 -Wall -Werror -I"$REPO/bpf/src/main/c" -o "$checker" "$HERE/attach-check.c" -lbpf

rows="$(mktemp)"
trap 'rm -f "$rows"' EXIT
failed=0
echo "| kernel | variant | programs attached | connects seen (PID+comm right) | accepts seen (PID+comm right) | verdict |"
echo "|---|---|---|---|---|---|"
for k in "${KERNELS[@]}"; do
    start=$SECONDS
    if ! "$HERE/run-guest.sh" --timeout 300 "$k" -- "$HERE/guest/attach-matrix.sh" "$checker" "$OBJECTS" >"$rows.log" 2>&1; then
        failed=1
    fi
    grep '^ROW|' "$rows.log" | sed 's/^ROW|//; s/|/ | /g; s/^/| /; s/$/ |/' || { failed=1; echo "| $k | (no result) | | | | FAIL |"; }
    echo "run-attach-matrix: kernel $k took $((SECONDS - start))s" >&2
    [ "$failed" = 0 ] || grep -v '^ROW|' "$rows.log" | grep -E 'FAILED|summary|run-guest|disallowed|error' >&2 || true
done
rm -f "$rows.log"
exit "$failed"
