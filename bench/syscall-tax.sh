#!/usr/bin/env bash
# The tax of flowmond's socket-ownership hooks on syscalls (issue 10), with bench/src/syscall_tax.c
# in a network namespace of its own, pinned to CPU 1:
#   getppid, pipe (64-byte write+read): unrelated syscalls, none vs owners;
#   connect (TCP connect+accept+close on 127.0.0.1), udp (64-byte sendto/recvfrom request and
#   response between two unconnected sockets on 127.0.0.1): none vs owners vs owners+tc.
# none: nothing attached. owners: SocketOwnership (cgroup hooks at the cgroup v2 root, sockops,
# cgroup_skb/egress, tp_btf sock_send_length/sock_recv_length) and the syscall probes as AUTO picks
# them with it (SOCKET here), held by OwnershipAttachMain on CPU 0, as the daemon holds them.
# owners+tc: also the TC counter (with owner stamping) on the namespace's lo, which the loops'
# packets cross (a daemon watching every interface does that).
# ROUNDS rounds; in each, every mode runs once per configuration, the configurations' order
# rotated by one place per round (ABAB…/BABA…), SECONDS each. Then one more pass with
# kernel.bpf_stats_enabled=1 (owners+tc; STATS_SECONDS per mode, and once with no loop for the
# other processes' share of the root-cgroup hooks): each program's runs and run time per operation.
# Writes $OUT_DIR/ownership-tax.tsv and $OUT_DIR/ownership-tax-bpf.tsv.
#
#   bash bench/syscall-tax.sh [ROUNDS] [SECONDS]   (root; build first: mvn -B -ntp -o -pl bpf -am -DskipTests test-compile)
#   env: MODES="getppid pipe connect udp"  STATS_SECONDS=3 (0: no bpf_stats pass)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ROUNDS=${1:-3}
SECS=${2:-5}
MODES=${MODES:-"getppid pipe connect udp"}
STATS_SECONDS=${STATS_SECONDS:-3}
TSV=$OUT_DIR/ownership-tax.tsv
BPF_TSV=$OUT_DIR/ownership-tax-bpf.tsv
NS=fmtax
BIN=$BIN_DIR/syscall_tax

configs() { # MODE: the configurations that mode runs under
	case $1 in connect | udp) echo "none owners owners+tc" ;; *) echo "none owners" ;; esac
}

holder_args() { # CONFIG
	case $1 in owners) echo "--owners --probes" ;; owners+tc) echo "--owners --probes $NS:lo" ;; esac
}

# "OPS_PER_SECOND OPS" of one loop
run_loop() { # MODE SECONDS
	ip netns exec $NS taskset -c 1 "$BIN" "$1" "$2" | awk '{ print $2, $3 }'
}

measure() { # MODE CONFIG ROUND
	local load rate ops
	if [ "$2" != none ]; then
		# shellcheck disable=SC2046
		hold_start $(holder_args "$2") || return 1
	fi
	sleep 3 # the holder JVM's start-up work (JIT, class loading) is over; the same pause without it
	load=$(cut -d' ' -f1 /proc/loadavg)
	read -r rate ops < <(run_loop "$1" "$SECS")
	hold_stop
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$2" "$SECS" "$rate" "$load" "${HOLD_PROBES:--}" >> "$TSV"
	log "$1 round $3 $2: $rate/s (load $load)"
}

rotation() { # ROUND CONFIGS...
	local r=$1; shift
	local -a c=("$@")
	local n=${#c[@]} i out=""
	for ((i = 0; i < n; i++)); do out="$out ${c[$(((i + r - 1) % n))]}"; done
	echo $out
}

# One pass with bpf_stats: per mode, every program the holder has, runs and ns over the loop.
stats_pass() {
	printf 'mode\tprogram\ttype\truns\trun_time_ns\tops\tseconds\n' > "$BPF_TSV"
	[ "$STATS_SECONDS" != 0 ] || return 0
	local old mode rate ops
	old=$(sysctl -n kernel.bpf_stats_enabled)
	hold_start $(holder_args owners+tc) || return 1
	sleep 3
	sysctl -qw kernel.bpf_stats_enabled=1
	for mode in idle $MODES; do
		prog_snapshot "$HOLD_JVM" > "$OUT_DIR/tax-bpf.0"
		if [ "$mode" = idle ]; then
			sleep "$STATS_SECONDS"; ops=0
		else
			read -r rate ops < <(run_loop "$mode" "$STATS_SECONDS")
		fi
		prog_snapshot "$HOLD_JVM" > "$OUT_DIR/tax-bpf.1"
		prog_delta "$OUT_DIR/tax-bpf.0" "$OUT_DIR/tax-bpf.1" |
			awk -F'\t' -v OFS='\t' -v m="$mode" -v n="$ops" -v s="$STATS_SECONDS" '{ print m, $1, $2, $3, $4, n, s }' >> "$BPF_TSV"
		log "bpf_stats $mode: $ops ops; $(awk -F'\t' -v m="$mode" '$1 == m && $4 > 0 { printf "%s %d runs %.0f ns  ", $2, $4, $5 / $4 }' "$BPF_TSV")"
	done
	sysctl -qw kernel.bpf_stats_enabled="$old"
	hold_stop
}

main() {
	mkdir -p "$BIN_DIR"
	gcc -O2 -Wall -o "$BIN" "$BENCH_DIR/src/syscall_tax.c"
	holder_classpath
	local old_stats
	old_stats=$(sysctl -n kernel.bpf_stats_enabled)
	trap "set +e; hold_stop; sysctl -qw kernel.bpf_stats_enabled=$old_stats; ip netns del $NS 2>/dev/null; true" EXIT
	ip netns del $NS 2>/dev/null || true
	ip netns add $NS
	ip -n $NS link set lo up
	printf 'mode\tround\tconfig\tseconds\tops_per_s\tload1\tprobes\n' > "$TSV"
	local r mode cfg
	for r in $(seq 1 "$ROUNDS"); do
		for mode in $MODES; do
			for cfg in $(rotation "$r" $(configs "$mode")); do
				measure "$mode" "$cfg" "$r"
			done
		done
	done
	stats_pass
}

main "$@"; exit $?   # one line: bash must not read on if this file changes during a run
