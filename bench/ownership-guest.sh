#!/usr/bin/env bash
# Socket ownership's syscall tax (issue 10) in qemu guests on Debian's kernels: the loops of
# bench/syscall-tax.sh (bench/src/syscall_tax.c), unprobed vs the ownership hooks + syscall probes
# held by OwnershipAttachMain, ROUNDS rounds alternating (packaging/vm/guest/ownership-tax.sh), one
# guest boot per kernel. TCG emulation: only the ratios mean something, not the rates.
# Writes $OUT_DIR/ownership-tax-vm.tsv (one row per run, kernel first), the guests' logs in
# $OUT_DIR/ownership-vm/KERNEL/, and $OUT_DIR/ownership-tax-vm.info (kernel, seconds the guest took).
#
#   bash bench/ownership-guest.sh [ROUNDS] [SECONDS]   (defaults 4 4; an even ROUNDS gives none and owners
#        the first place equally often. Root, under flock /tmp/flowmond-roottest.lock;
#        build first: mvn -B -ntp -o -pl bpf -am -DskipTests test-compile)
#   env: VM_KERNELS="6.1 6.12"  MODES="getppid pipe connect udp"  VM_TIMEOUT=900
#        VM_JAVA_OPTS="-XX:TieredStopAtLevel=1" (the holder's JIT settles sooner under TCG)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-4}
SECS=${2:-5}
VM_KERNELS=${VM_KERNELS:-"6.1 6.12"}
MODES=${MODES:-"getppid pipe connect udp"}
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_JAVA_OPTS=${VM_JAVA_OPTS-"-XX:TieredStopAtLevel=1"}
TSV=$OUT_DIR/ownership-tax-vm.tsv
INFO=$OUT_DIR/ownership-tax-vm.info
BIN=$BIN_DIR/syscall_tax

guest() { # KERNEL
	local out=$OUT_DIR/ownership-vm/$1 start=$SECONDS rc=0
	rm -rf "$out"; mkdir -p "$out"
	log "qemu guest $1: $MODES, $ROUNDS rounds of ${SECS}s (timeout ${VM_TIMEOUT}s)"
	"$ROOT_DIR/packaging/vm/run-guest.sh" --timeout "$VM_TIMEOUT" --out "$out" "$1" -- \
		env JAVA_TOOL_OPTIONS="$VM_JAVA_OPTS" "$ROOT_DIR/packaging/vm/guest/ownership-tax.sh" \
		"$HOLD_CP" "$BIN" "$ROUNDS" "$SECS" "$MODES" > "$out/guest.log" 2>&1 || rc=$?
	log "guest $1: exit $rc after $((SECONDS - start)) s (log: $out/guest.log)"
	printf '%s\t%s\t%s\n' "$1" "$((SECONDS - start))" "$rc" >> "$INFO"
	[ -f "$out/ownership-tax.tsv" ] && tail -n +2 "$out/ownership-tax.tsv" >> "$TSV"
	return 0
}

main() {
	mkdir -p "$BIN_DIR"
	gcc -O2 -Wall -o "$BIN" "$BENCH_DIR/src/syscall_tax.c"
	holder_classpath
	printf 'kernel\tmode\tround\tconfig\tseconds\tops_per_s\tload1\tprobes\tholder_ticks\n' > "$TSV"
	printf 'kernel\tguest_seconds\texit\n' > "$INFO"
	local k
	for k in $VM_KERNELS; do guest "$k"; done
	log "wrote $TSV"
}

main "$@"; exit $?   # one line: bash must not read on if this file changes during a run
