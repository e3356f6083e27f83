#!/usr/bin/env bash
# The tax of flowmond's socket-level hooks on unrelated syscalls (issue 10): a getppid() loop and a
# 64-byte pipe write+read loop (bench/src/syscall_tax.c), with nothing attached (A) and with
# SocketOwnership + the syscall probes (AUTO: the SOCKET variant on a kernel without fentry/kprobes)
# attached (B), in ABAB order, ROUNDS rounds of SECONDS each, pinned to CPU 1. Prints each run and
# the ratio B/A per round.
#
#   bash bench/syscall-tax.sh [ROUNDS] [SECONDS]   (root; build first: mvn -B -ntp -o -pl bpf -am -DskipTests test-compile)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_RUN=${2:-5}
BIN=$(mktemp -d)/syscall_tax
gcc -O2 -o "$BIN" bench/src/syscall_tax.c
CP_FILE=$(mktemp)
mvn -B -ntp -o -q -pl bpf dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="bpf/target/classes:bpf/target/test-classes:$(cat "$CP_FILE")"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

run() { taskset -c 1 "$BIN" "$1" "$SECONDS_RUN" | awk '{print $2}'; }

with_hooks() { # runs "$@" while the hooks are attached
  coproc HOLD { java -Dorg.slf4j.simpleLogger.defaultLogLevel=info -cp "$CP" org.flowmond.bpf.owner.OwnershipAttachMain --owners --probes 2>/dev/null; }
  local line
  while read -r line <&"${HOLD[0]}"; do
    [ "$line" = attached ] && break
  done
  sleep 3 # the holder JVM's start-up (JIT, class loading) is over before the run
  "$@"
  eval "exec ${HOLD[1]}>&-"
  wait "$HOLD_PID" || true
}

for mode in getppid pipe; do
  for r in $(seq "$ROUNDS"); do
    sleep 3 # the same pause before the run without hooks
    a=$(run "$mode")
    b=$(with_hooks run "$mode")
    echo "$mode round $r: none $a/s, hooks $b/s, ratio $(python3 -c "print(round($b/$a, 3))")"
  done
done
