#!/usr/bin/env bash
# Syscall-probe cost: a tight TCP connect+accept+close loop (bench/src/connect_loop.c) on loopback
# inside a namespace, with nothing attached vs flowmond running with one syscall-hook variant,
# alternating (none, hook, none, hook ...) for each variant in HOOKS, RUNS rounds. Ring-buffer and
# event-queue drops come from the daemon's final statistics line ("stopped; k=v ...").
# A variant the daemon refuses at start (unknown in this build, or not attachable on this kernel)
# is reported with the reason instead of numbers.
# Then one more run per hook with kernel.bpf_stats_enabled=1 (not during the ratio runs: it adds
# two clock reads to every program run): each of flowmond's BPF programs' runs and run time per
# connection. Then the same ratios in a qemu guest on Debian's 6.1 kernel for kprobe, fentry and tracepoint
# (packaging/vm/guest/syscall-bench.sh; TCG emulation, so only the ratios mean something).
# Writes $OUT_DIR/syscall.tsv, $OUT_DIR/syscall-vm.tsv and $OUT_DIR/syscall.md.
#
# usage: bench/syscall.sh [RUNS] [SECONDS]
#   env: HOOKS="tracepoint raw_tracepoint"   BPF_SECONDS=5 (0: no bpf_stats pass)   VM_KERNEL=6.1 (empty: no guest)
#        VM_HOOKS="kprobe fentry tracepoint"  VM_RUNS=3  VM_SECONDS=5  VM_TIMEOUT=660
#        VM_JAVA_OPTS="-XX:TieredStopAtLevel=1" (C1 only: under TCG a JVM start takes ~30 s instead
#        of ~50 s and the JIT settles within the warm-up loop; same for every hook)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
NS_RX=fmsc-rx   # own namespace, so a syscall run never collides with another script's

RUNS=${1:-3}
SECS=${2:-10}
HOOKS=${HOOKS:-"tracepoint raw_tracepoint"}
BPF_SECONDS=${BPF_SECONDS:-5}
VM_KERNEL=${VM_KERNEL-6.1}
VM_HOOKS=${VM_HOOKS:-"kprobe fentry tracepoint"}
VM_RUNS=${VM_RUNS:-3}
VM_SECONDS=${VM_SECONDS:-5}
VM_TIMEOUT=${VM_TIMEOUT:-660}
VM_JAVA_OPTS=${VM_JAVA_OPTS-"-XX:TieredStopAtLevel=1"}
FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}
TSV=$OUT_DIR/syscall.tsv
VM_TSV=$OUT_DIR/syscall-vm.tsv
BPF_TSV=$OUT_DIR/syscall-bpf.tsv
MD=$OUT_DIR/syscall.md
FM_LOG=$OUT_DIR/flowmond-syscall.log
PORT=7000

run_loop() { ip netns exec $NS_RX "$BIN_DIR/connect_loop" 127.0.0.1 $PORT "$SECS"; }

# Starts flowmond with the hook; returns 1 (FM_STATUS says why) when it does not come up.
start_flowmond() { # hook
	cat > "$OUT_DIR/syscall-bench.conf" <<CONF
flowmon.interfaces = ["fmsc0"]
flowmon.probes.syscall-hook = $1
flowmon.export.collectors = [{ host = "127.0.0.1", port = 9 }]
flowmon.stats.interval = 1s
CONF
	ip netns exec $NS_RX java -jar "$FLOWMOND_JAR" --config "$OUT_DIR/syscall-bench.conf" > "$FM_LOG" 2>&1 &
	FM_PID=$!
	await_daemon "$FM_LOG" "$FM_PID" && { sleep 1; return 0; }
	stop_flowmond
	if grep -qi "syscall-hook" "$FM_LOG"; then
		FM_STATUS="not available in this build: $(grep -i -m1 "syscall-hook" "$FM_LOG" | cut -c1-160)"
	else
		FM_STATUS="did not start: $(grep -v '^\s*at ' "$FM_LOG" | tail -1 | cut -c1-160)"
	fi
	FM_STATUS=${FM_STATUS//|/ }
	FM_STATUS=${FM_STATUS//$'\t'/ }
	return 1
}

stop_flowmond() {
	kill -TERM "${FM_PID:-}" 2>/dev/null || true
	wait "${FM_PID:-}" 2>/dev/null || true
	FM_PID=
}

# Prints why the daemon's configuration check refuses the hook (and succeeds), or fails if it accepts it.
hook_refused() { # hook
	printf 'flowmon.probes.syscall-hook = %s\n' "$1" > "$OUT_DIR/syscall-check.conf"
	local msg
	if msg=$(java -jar "$FLOWMOND_JAR" --config "$OUT_DIR/syscall-check.conf" --check-config 2>&1); then return 1; fi
	msg=$(echo "$msg" | grep -m1 "syscall-hook" | sed 's/.*syscall-hook: //' | tr '\t|' '  ' | cut -c1-120)
	echo "not available in this build (--check-config: ${msg:-refused})"
}

# one round of one hook: the unprobed loop, then the loop with flowmond
# One round of a hook: the unprobed loop and the loop under flowmond, in this order on odd rounds
# and the other way round on even ones (ABBA), so neither always runs first.
round() { # hook round
	if [ $(($2 % 2)) = 1 ]; then
		unprobed_run "$1" "$2" && probed_run "$1" "$2"
	else
		probed_run "$1" "$2" && unprobed_run "$1" "$2"
	fi
}

unprobed_run() { # hook round
	local n
	n=$(run_loop)
	printf '%s\t%s\t%s\tnone\t%s\t%s\t-\t-\tok\n' "$(uname -r)" "$1" "$2" "$SECS" "$n" >> "$TSV"
	log "$1 round $2: unprobed $n connections"
}

probed_run() { # hook round
	local hook=$1 r=$2 n drops queue
	if ! start_flowmond "$hook"; then
		printf '%s\t%s\t%s\tflowmond\t%s\t-\t-\t-\t%s\n' "$(uname -r)" "$hook" "$r" "$SECS" "$FM_STATUS" >> "$TSV"
		log "$hook round $r: $FM_STATUS"
		return 1
	fi
	n=$(run_loop)
	sleep 1.5   # the ring reader and the flow thread catch up before the final statistics
	stop_flowmond
	# the final statistics line, written after the pipeline closed: exact counters, exact keys
	drops=$(stat_value "$FM_LOG" "stopped;" dropped.ring-buffer)
	queue=$(stat_value "$FM_LOG" "stopped;" dropped.event-queue dropped.syscall-stash-full)
	[ "$drops" != "?" ] || drops=$(stat_value "$FM_LOG" "statistics:" dropped.ring-buffer)
	[ "$queue" != "?" ] || queue=$(stat_value "$FM_LOG" "statistics:" dropped.event-queue dropped.syscall-stash-full)
	printf '%s\t%s\t%s\tflowmond\t%s\t%s\t%s\t%s\tok\n' "$(uname -r)" "$hook" "$r" "$SECS" "$n" "$drops" "$queue" >> "$TSV"
	log "$hook round $r: flowmond $n connections, ring drops $drops, queue/stash drops $queue"
}

# "id name type run_cnt run_time_ns" of every BPF program the process holds (fds in /proc/PID/fdinfo)
prog_stats() { # pid
	local id
	for id in $(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -un); do
		bpftool -j prog show id "$id" | jq -r '"\(.id) \(.name) \(.type) \(.run_cnt // 0) \(.run_time_ns // 0)"'
	done
}

# One loop per hook with bpf_stats on: run count and run time of each program per connection.
bpf_pass() {
	printf 'hook\tprogram\ttype\truns\trun_time_ns\tconnections\n' > "$BPF_TSV"
	[ "$BPF_SECONDS" != 0 ] || return 0
	local old hook n
	old=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	for hook in $HOOKS; do
		case " $1 " in *" $hook "*) continue ;; esac
		start_flowmond "$hook" || { log "bpf_stats pass: $hook: $FM_STATUS"; continue; }
		prog_stats "$FM_PID" > "$OUT_DIR/bpf.0"
		n=$(SECS=$BPF_SECONDS run_loop)
		prog_stats "$FM_PID" > "$OUT_DIR/bpf.1"
		stop_flowmond
		join "$OUT_DIR/bpf.0" "$OUT_DIR/bpf.1" | awk -v h="$hook" -v n="$n" -v OFS='\t' \
			'{ print h, $2, $3, $8 - $4, $9 - $5, n }' >> "$BPF_TSV"
		log "bpf_stats pass: $hook: $n connections; $(awk -v h="$hook" '$1==h && $4>0 {printf "%s %.0f ns/conn  ", $2, $5/$6}' "$BPF_TSV")"
	done
	sysctl -qw kernel.bpf_stats_enabled="$old"
}

# kprobe / fentry / tracepoint in a qemu guest (Debian's kernel), TSV copied back
guest() {
	rm -f "$VM_TSV"
	[ -n "$VM_KERNEL" ] || { log "VM_KERNEL empty: no guest run"; return 0; }
	local out=$OUT_DIR/vm
	rm -rf "$out"; mkdir -p "$out"
	log "qemu guest $VM_KERNEL: $VM_HOOKS, $VM_RUNS rounds of ${VM_SECONDS}s (timeout ${VM_TIMEOUT}s)"
	local start=$SECONDS
	"$ROOT_DIR/packaging/vm/run-guest.sh" --timeout "$VM_TIMEOUT" --out "$out" "$VM_KERNEL" -- \
		env JAVA_OPTS="$VM_JAVA_OPTS" "$ROOT_DIR/packaging/vm/guest/syscall-bench.sh" "$FLOWMOND_JAR" "$BIN_DIR/connect_loop" \
		"$VM_RUNS" "$VM_SECONDS" "$VM_HOOKS" > "$OUT_DIR/vm.log" 2>&1 || log "guest failed (exit $?), see $OUT_DIR/vm.log"
	log "guest took $((SECONDS - start)) s"
	echo "$VM_KERNEL $((SECONDS - start)) $VM_JAVA_OPTS" > "$OUT_DIR/syscall-vm.info"
	[ -f "$out/syscall.tsv" ] && cp "$out/syscall.tsv" "$VM_TSV"
	return 0
}

report() {
	"${PYTHON:-/usr/bin/python3}" "$BENCH_DIR/render.py" syscall "$TSV" "$VM_TSV" "$BPF_TSV" \
		"HOOKS=\"$HOOKS\" VM_KERNEL=$VM_KERNEL VM_HOOKS=\"$VM_HOOKS\" VM_RUNS=$VM_RUNS VM_SECONDS=$VM_SECONDS VM_JAVA_OPTS=\"$VM_JAVA_OPTS\" bash bench/syscall.sh $RUNS $SECS" > "$MD"
	log "wrote $TSV${VM_KERNEL:+, $VM_TSV} and $MD"
}

main() {
	mkdir -p "$OUT_DIR"
	build_tools
	snapshot_jar
	trap 'stop_flowmond; ip netns del $NS_RX 2>/dev/null || true' EXIT
	ip netns del $NS_RX 2>/dev/null || true
	ip netns add $NS_RX
	ip -n $NS_RX link set lo up
	# TC goes on an idle veth, not on lo: this measures the syscall probes, not the TC counter
	ip -n $NS_RX link add fmsc0 type veth peer name fmsc1
	ip -n $NS_RX link set fmsc0 up
	printf 'kernel\thook\tround\tconfig\tseconds\tconnections\tring_drops\tqueue_drops\tstatus\n' > "$TSV"
	local skip="" hook
	for hook in $HOOKS; do   # a value this build does not know is refused here, before any run
		if ! refused=$(hook_refused "$hook"); then continue; fi
		printf '%s\t%s\t1\tflowmond\t%s\t-\t-\t-\t%s\n' "$(uname -r)" "$hook" "$SECS" "$refused" >> "$TSV"
		log "$hook: $refused"
		skip="$skip $hook"
	done
	for r in $(seq 1 "$RUNS"); do
		for hook in $HOOKS; do
			case " $skip " in *" $hook "*) continue ;; esac
			round "$hook" "$r" || skip="$skip $hook"   # refused once: not tried again
		done
	done
	bpf_pass "$skip"
	ip netns del $NS_RX
	guest
	report
}

if [ "${1:-}" = --report ]; then RUNS=$(tail -n +2 "$TSV" | cut -f3 | sort -u | wc -l); SECS=$(sed -n 2p "$TSV" | cut -f5); report; exit; fi
main "$@"; exit $?   # one line: bash must not read on if this file changes during a run
