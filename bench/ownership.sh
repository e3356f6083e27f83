#!/usr/bin/env bash
# Socket ownership's cost (issue 10), the `ownership` part of `make bench`:
#   1. syscall-tax.sh: getppid, pipe, TCP connect and UDP request/response loops with and without
#      the ownership hooks (and the SOCKET syscall probes), plus a bpf_stats pass per loop;
#   2. ownership-cost.sh: the TC program per packet without and with owner stamping, the
#      cgroup_skb/egress and send/receive programs per call, counts and stamped PIDs checked;
#   3. datapath.sh, 64-byte UDP only, nothing vs the daemon as shipped (it attaches the ownership
#      hooks by default), into $OUT_DIR/ownership-datapath/;
#   4. ownership-guest.sh: part 1's loops in qemu guests on Debian's kernels (VM_KERNELS, TCG: ratios only).
# Then renders $OUT_DIR/ownership.md (render.py ownership). Needs daemon/target/flowmond.jar and
# the bpf test classes (mvn -B -ntp -o -pl daemon -am -DskipTests package, then
# mvn -B -ntp -o -pl bpf -am -DskipTests test-compile).
#
# usage: bench/ownership.sh [ROUNDS] [SECONDS]      env: TAX_SECONDS=5 (each syscall loop),
#        PARTS="tax tc datapath guest" (a subset reruns only those; the others' files are reused)
#        bench/ownership.sh --report                 renders ownership.md from the files only
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-3}
SECS=${2:-10}
TAX_SECONDS=${TAX_SECONDS:-5}
PARTS=${PARTS:-"tax tc datapath guest"}
GUEST_ROUNDS=${GUEST_ROUNDS:-4}
GUEST_SECONDS=${GUEST_SECONDS:-4}
DP_DIR=$OUT_DIR/ownership-datapath
COMMAND_FILE=$OUT_DIR/ownership.command

part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

# what each part ran under: load average and the command, for the section
note() { # PART COMMAND
	printf '%s\t%s\t%s\t%s\n' "$1" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(cut -d' ' -f1-3 /proc/loadavg)" "$2" >> "$COMMAND_FILE.new"
}

run_parts() {
	mkdir -p "$OUT_DIR"
	: > "$COMMAND_FILE.new"
	if part tax; then
		note tax-start "bash bench/syscall-tax.sh $ROUNDS $TAX_SECONDS"
		bash "$BENCH_DIR/syscall-tax.sh" "$ROUNDS" "$TAX_SECONDS" || log "syscall-tax.sh failed (exit $?)"
		note tax-end -
	fi
	if part tc; then
		note tc-start "bash bench/ownership-cost.sh $ROUNDS $SECS"
		bash "$BENCH_DIR/ownership-cost.sh" "$ROUNDS" "$SECS" || log "ownership-cost.sh failed (exit $?)"
		note tc-end -
	fi
	if part datapath; then
		note datapath-start "OUT_DIR=bench/out/ownership-datapath CONFIGS=\"none flowmond\" SCENARIOS=udp TC_COST_SECONDS=0 bash bench/datapath.sh $ROUNDS $SECS"
		OUT_DIR=$DP_DIR CONFIGS="none flowmond" SCENARIOS=udp TC_COST_SECONDS=0 \
			bash "$BENCH_DIR/datapath.sh" "$ROUNDS" "$SECS" || log "datapath.sh failed (exit $?)"
		# which hooks the daemon attached there (its start-up log)
		grep -a -E "socket ownership:|syscall probes attached|TC program" "$DP_DIR/flowmond.log" 2>/dev/null |
			sed 's/^.*\] //' | sort -u > "$DP_DIR/hooks.txt" || true
		note datapath-end -
	fi
	if part guest; then
		note guest-start "VM_KERNELS=\"${VM_KERNELS:-6.1 6.12}\" MODES=\"${MODES:-getppid pipe connect udp}\" bash bench/ownership-guest.sh $GUEST_ROUNDS $GUEST_SECONDS"
		MODES=${MODES:-"getppid pipe connect udp"} bash "$BENCH_DIR/ownership-guest.sh" "$GUEST_ROUNDS" "$GUEST_SECONDS" ||
			log "ownership-guest.sh failed (exit $?)"
		note guest-end -
	fi
	# parts not rerun keep their earlier lines
	if [ -f "$COMMAND_FILE" ]; then
		for p in tax tc datapath guest; do
			part "$p" || grep -E "^$p-" "$COMMAND_FILE" >> "$COMMAND_FILE.new" || true
		done
	fi
	mv "$COMMAND_FILE.new" "$COMMAND_FILE"
}

report() {
	"${PYTHON:-/usr/bin/python3}" "$BENCH_DIR/render.py" ownership "$OUT_DIR" \
		"make -C bench ownership RUNS=$ROUNDS SECONDS_PER_RUN=$SECS   # = bash bench/ownership.sh $ROUNDS $SECS" > "$OUT_DIR/ownership.md"
	log "wrote $OUT_DIR/ownership.md"
}

if [ "${1:-}" = --report ]; then
	ROUNDS=$(tail -n +2 "$OUT_DIR/ownership-tax.tsv" | cut -f2 | sort -u | wc -l)
	SECS=$(sed -n 2p "$DP_DIR/datapath.tsv" 2>/dev/null | cut -f4)
	SECS=${SECS:-10}
	report; exit
fi
run_parts; report; exit $?   # one line: bash must not read on if this file changes during a run
