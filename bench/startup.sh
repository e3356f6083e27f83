#!/usr/bin/env bash
# Start-up: time from exec to "syscall probes attached" (logged after the TC program is attached
# too, so every probe is in place), JVM included. Two configurations, alternating in each round
# (and which goes first alternates between rounds) so both see the same machine load:
#   jar       java -jar daemon/target/flowmond.jar ...             (how the README runs it)
#   launcher  packaging/flowmond ... (what the .deb installs as /usr/bin/flowmond): the same jar
#             with the class-data-sharing archive the launcher makes, here in $OUT_DIR/startup-cds
# Before the rounds the launcher's one-time cost is measured once: the first start, which dumps the
# archive (a JVM of its own; the .deb's postinst does this at install) and then starts the daemon.
# Also the CPU time (user+system, all threads) the JVM used until attached, less sensitive to
# other load than the wall time. The daemon runs in its own namespace with a veth pair, so this
# never touches another script's namespaces.
# Writes $OUT_DIR/startup.tsv (one line per run) and $OUT_DIR/startup.md (## Start-up section).
#
# usage: bench/startup.sh [RUNS]     RUNS rounds (default 7, at least 5 for the contract)
#   env: FLOWMOND_JAR (default daemon/target/flowmond.jar; copied to $OUT_DIR/flowmond.jar first),
#        TARGET_SECONDS (default 1.5),
#        COMPARE_JAR (optional: a third configuration "compared", java -jar COMPARE_JAR, e.g. main's
#        jar, in the same rounds; the section then gives the jar ÷ compared ratio per round)
# Each jar has a cache directory of its own (FLOWMOND_CACHE_DIR=$OUT_DIR/cache-jar, cache-compared;
# the launcher shares the jar's): a cache keeps one kernel's entry for one set of BPF objects, so two
# jars sharing /var/cache/flowmond would remove each other's minimal BTF at every start. Before the
# rounds each jar makes its minimal BTF (when it has MinCoreBtf) and starts once, unmeasured, so
# that every measured start finds what a second start of an installed daemon finds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
NS=fmbench-start
IF=fmst0
RUNS=${1:-7}
TARGET_SECONDS=${TARGET_SECONDS:-1.5}
FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}
COMPARE_JAR=${COMPARE_JAR:-}
LAUNCHER=$ROOT_DIR/packaging/flowmond
CDS_DIR=$OUT_DIR/startup-cds
TSV=$OUT_DIR/startup.tsv
MD=$OUT_DIR/startup.md
DAEMON_ARGS=(-i $IF --collector 127.0.0.1:9)
HZ=$(clk_tck)

ns_start_up() {
	ns_start_down
	ip netns add $NS
	ip -n $NS link add $IF type veth peer name fmst1
	ip -n $NS link set lo up
	ip -n $NS link set $IF up
	ip -n $NS link set fmst1 up
}
ns_start_down() { ip netns del $NS 2>/dev/null || true; }

# The command of a configuration, as run inside the namespace.
command_of() { # jar|launcher
	case $1 in
		jar) echo env FLOWMOND_CACHE_DIR="$(cache_of jar)" java -jar "$FLOWMOND_JAR" "${DAEMON_ARGS[@]}" ;;
		compared) echo env FLOWMOND_CACHE_DIR="$(cache_of compared)" java -jar "$COMPARE_JAR" "${DAEMON_ARGS[@]}" ;;
		launcher) echo env FLOWMOND_CACHE_DIR="$(cache_of jar)" FLOWMOND_JAR="$FLOWMOND_JAR" FLOWMOND_CDS_DIR="$CDS_DIR" "$LAUNCHER" "${DAEMON_ARGS[@]}" ;;
	esac
}

cache_of() { echo "$OUT_DIR/cache-$1"; } # jar|compared

# Before the rounds: a fresh cache per jar, its minimal BTF made (a jar without MinCoreBtf says so),
# then one unmeasured start of each java -jar configuration.
prepare_caches() {
	local config jar
	for config in jar ${COMPARE_JAR:+compared}; do
		jar=$FLOWMOND_JAR
		[ $config = compared ] && jar=$COMPARE_JAR
		rm -rf "$(cache_of $config)"
		mkdir -p "$(cache_of $config)"
		java -cp "$jar" org.flowmond.bpf.libbpf.MinCoreBtf "$(cache_of $config)" > "$OUT_DIR/startup-$config-btf.log" 2>&1 ||
			log "$config: no minimal BTF made (see $OUT_DIR/startup-$config-btf.log)"
		one_start $config "$OUT_DIR/startup-$config-first.log"
		log "start-up $config, unmeasured first start: $RUN_SECONDS s"
	done
}

# CPU seconds of the JVM's threads named "java": the thread that runs main() (start-up's critical
# path) and the launcher thread that waits for it; not the JIT, GC or flowmond's own threads.
main_thread_seconds() { # pid
	local t f ticks=0
	for t in /proc/"$1"/task/*/stat; do
		read -r f < "$t" || continue
		[[ $f == *" (java) "* ]] || continue
		f=(${f##*) })
		ticks=$((ticks + f[11] + f[12]))
	done
	awk -v t="$ticks" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }'
}

# One start: reads the daemon's output through a pipe (no polling), takes the time of the line
# "syscall probes attached" and the JVM's CPU ticks at that moment, then stops it with SIGTERM and
# waits for the exit. Sets RUN_SECONDS, RUN_CPU, RUN_MAIN_CPU.
one_start() { # config log
	local config=$1 log=$2 t0 t1="" line stat
	t0=$EPOCHREALTIME
	# shellcheck disable=SC2046
	coproc FM { exec ip netns exec $NS $(command_of "$config") 2>&1; }
	local pid=$FM_PID fd
	exec {fd}<&"${FM[0]}" # our own copy: bash closes the coproc's when it reaps it
	: > "$log"
	while IFS= read -r line <&"$fd"; do
		printf '%s\n' "$line" >> "$log"
		if [[ $line == *"syscall probes attached"* ]]; then
			t1=$EPOCHREALTIME
			read -r stat < "/proc/$pid/stat"
			RUN_MAIN_CPU=$(main_thread_seconds "$pid")
			break
		fi
	done
	if [ -z "$t1" ]; then
		wait "$pid" || true
		exec {fd}<&-
		log "$config: flowmond did not attach; its output:"; cat "$log" >&2
		return 1
	fi
	kill -TERM "$pid"
	cat <&"$fd" >> "$log" || true
	exec {fd}<&-
	wait "$pid" || true
	local f=($stat)
	RUN_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	RUN_CPU=$(awk -v u="${f[13]}" -v s="${f[14]}" -v hz="$HZ" 'BEGIN { printf "%.2f", (u + s) / hz }')
}

# per round: the value of column k of configuration a (default launcher) ÷ b's (default jar; same round, same load)
round_ratios() { # k [a b]
	awk -F'\t' -v k="$1" -v a="${2:-launcher}" -v b="${3:-jar}" 'NR > 1 && $1 > 0 { t[$1, $2] = $k; r[$1] = 1 }
		END { for (i in r) if (t[i, a] > 0 && t[i, b] > 0) print t[i, a] / t[i, b] }' "$TSV"
}

column() { awk -F'\t' -v c="$1" -v k="$2" 'NR > 1 && $2 == c { print $k }' "$TSV"; }

write_md() {
	local jar_m jar_s lau_m lau_s jar_c lau_c jar_mc lau_mc ratio ratio_s cpu_ratio cpu_ratio_s main_ratio main_ratio_s first
	read -r jar_m jar_s < <(column jar 4 | median_spread)
	read -r lau_m lau_s < <(column launcher 4 | median_spread)
	read -r jar_c _ < <(column jar 5 | median_spread)
	read -r lau_c _ < <(column launcher 5 | median_spread)
	read -r jar_mc _ < <(column jar 6 | median_spread)
	read -r lau_mc _ < <(column launcher 6 | median_spread)
	read -r main_ratio main_ratio_s < <(round_ratios 6 | median_spread)
	# per-round ratio launcher / jar (same round, same load)
	read -r ratio ratio_s < <(round_ratios 4 | median_spread)
	read -r cpu_ratio cpu_ratio_s < <(round_ratios 5 | median_spread)
	first=$(awk -F'\t' '$2 == "launcher-dumps" { print $4 }' "$TSV")
	met() { awk -v m="$1" -v t="$TARGET_SECONDS" 'BEGIN { print (m <= t) ? "met" : "missed" }'; }
	range() { column "$1" 4 | sort -g | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "%s–%s", a, b }'; }
	{
		echo "## Start-up"
		echo
		echo "Time from exec to the log line \"syscall probes attached\" (TC program and syscall probes"
		echo "attached), JVM included; $RUNS rounds, the two configurations alternating in each round."
		echo "Load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)."
		echo
		echo "    bash bench/startup.sh $RUNS"
		echo "    # jar:      ip netns exec $NS $(command_of jar)"
		echo "    # launcher: ip netns exec $NS $(command_of launcher)"
		echo
		echo "| configuration | seconds to attached, median | spread (max−min)/median | min–max | JVM CPU s to attached, median (all threads / main thread) |"
		echo "|---|---|---|---|---|"
		echo "| \`java -jar\` | $jar_m | $jar_s | $(range jar) | $jar_c / $jar_mc |"
		echo "| launcher (AppCDS archive) | $lau_m | $lau_s | $(range launcher) | $lau_c / $lau_mc |"
		[ -n "$COMPARE_JAR" ] && compared_row
		echo
		echo "Launcher ÷ \`java -jar\`, per round: time to attached **$(printf '%.2f' "$ratio")** (median, spread $ratio_s),"
		echo "JVM CPU to attached **$(printf '%.2f' "$cpu_ratio")** (spread $cpu_ratio_s), main thread's CPU **$(printf '%.2f' "$main_ratio")**"
		echo "(spread $main_ratio_s). CPU time hardly depends on other load; the wall time does, so read it with the load"
		echo "average above. On an idle machine the main thread (plus the kernel's BPF verifier time it waits"
		echo "for) is the critical path; JIT and GC threads run on the other core."
		echo "One-time launcher cost (a single run, before the rounds): the first start, which dumps the archive"
		echo "(a JVM of its own; the .deb's postinst does it at install) and then starts the daemon, ${first} s."
		echo "The daemon logs where its own time went (\"started N ms after the process"
		echo "started: JVM until main …, logging …, configuration …, checks …, probes and outputs …\"), last run:"
		echo
		echo "    jar:      $(grep -o 'started [0-9]* ms after.*' "$OUT_DIR/startup-jar.log" | tail -1)"
		echo "    launcher: $(grep -o 'started [0-9]* ms after.*' "$OUT_DIR/startup-launcher.log" | tail -1)"
		echo
		echo "| target | measured | met? |"
		echo "|---|---|---|"
		echo "| Start-up ≤ $TARGET_SECONDS s to attached, JVM included (packaged launcher) | $lau_m s (median of $RUNS) | $(met "$lau_m") |"
		echo "| Start-up ≤ $TARGET_SECONDS s to attached, JVM included (\`java -jar\`) | $jar_m s (median of $RUNS) | $(met "$jar_m") |"
	} > "$MD"
}

# The row and ratio of the compared jar (COMPARE_JAR), inside write_md's table.
compared_row() {
	local m sp c mc ratio ratio_s
	read -r m sp < <(column compared 4 | median_spread)
	read -r c _ < <(column compared 5 | median_spread)
	read -r mc _ < <(column compared 6 | median_spread)
	read -r ratio ratio_s < <(round_ratios 4 jar compared | median_spread)
	echo "| \`java -jar\` compared ($COMPARE_JAR) | $m | $sp | $(range compared) | $c / $mc |"
	echo
	echo "\`java -jar\` ÷ compared, per round: time to attached **$(printf '%.2f' "$ratio")** (median, spread $ratio_s)."
}

main() {
	mkdir -p "$OUT_DIR"
	# a copy: a build during the run must not change the jar under the archive (the launcher would
	# dump it again in the middle of the rounds)
	snapshot_jar || exit 66
	trap ns_start_down EXIT
	ns_start_up
	rm -rf "$CDS_DIR"
	mkdir -p "$CDS_DIR"
	LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
	printf 'round\tconfiguration\tcommand\tseconds_to_attached\tjvm_cpu_seconds_to_attached\tmain_thread_cpu_seconds_to_attached\n' > "$TSV"
	local round config
	prepare_caches
	one_start launcher "$OUT_DIR/startup-launcher-dumps.log"
	printf '0\tlauncher-dumps\t%s\t%s\t%s\t%s\n' "$(command_of launcher)" "$RUN_SECONDS" "$RUN_CPU" "$RUN_MAIN_CPU" >> "$TSV"
	log "start-up launcher-dumps: $RUN_SECONDS s (JVM CPU $RUN_CPU s)"
	find "$CDS_DIR" -name 'flowmond.*.jsa' -size +0 | grep -q . || log "warning: the launcher made no archive ($CDS_DIR)"
	local order
	for round in $(seq 1 "$RUNS"); do
		order="jar launcher${COMPARE_JAR:+ compared}"
		[ $((round % 2)) -eq 0 ] && order="${COMPARE_JAR:+compared }launcher jar" # ABBA..., none always goes first
		for config in $order; do
			one_start $config "$OUT_DIR/startup-$config.log"
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$config" "$(command_of $config)" "$RUN_SECONDS" "$RUN_CPU" "$RUN_MAIN_CPU" >> "$TSV"
			log "start-up round $round $config: $RUN_SECONDS s (JVM CPU $RUN_CPU s, main thread $RUN_MAIN_CPU s)"
		done
	done
	write_md
	cat "$MD" >&2
}

main "$@"
