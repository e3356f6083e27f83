#!/usr/bin/env bash
# Scale and the export path end to end: fill flowmond's flow table to its configured maximum
# (1,000,000 flows by default) with real UDP packets from one namespace to the other (veth),
# flowmond counting on the receiving veth. Measures the daemon's RSS and Java heap at the full
# table and the time to read the full TC map, then stops the daemon, which exports the whole
# table at once (map read-and-delete -> IPFIX -> UDP), and counts at a real collector (nfcapd,
# read back with nfdump) what arrived: every flow must be there, exactly once.
# One run per JVM configuration, side by side: the heap capped at 512 MB (the target) and the
# JVM's default heap sizing. Writes $OUT_DIR/scale.tsv (raw) and $OUT_DIR/scale.md (sections
# "## Scale: 1,000,000 flows" and "## Export path end to end" for RESULTS.md).
#
# usage: bench/scale.sh [FLOWS]    (as root, from anywhere; about 2.5 minutes on this machine)
# env:   FLOWMOND_JAR; HEAPS="512m default" (each: a -Xmx value or "default");
#        IDLE (idle and active timeout, default 300s: nothing expires during a run);
#        EXTRA_JAVA_OPTS (added to every run, e.g. the launcher's "-XX:+UseSerialGC -Xms16m");
#        EXTRA_CONF (lines added to the daemon's configuration, e.g. "flowmon.export.mtu = 9000");
#        PROFILE=1 (JFR recording per run: $OUT_DIR/scale/<heap>/flowmond.jfr, class histogram at the full table)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# Own namespace and interface names: this scenario can run while another bench script is active.
NS_TX=fmscale-tx
NS_RX=fmscale-rx
IF_TX=fms-tx
IF_RX=fms-rx

FLOWS=${1:-1000000}
IDLE=${IDLE:-300s}
HEAPS=${HEAPS:-"512m default"}
FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}
DST_PORT_BASE=10000
COLLECTOR_PORT=4739
RCVBUF=$((64 << 20))
TSV=$OUT_DIR/scale.tsv
MD=$OUT_DIR/scale.md
RUNS_DIR=$OUT_DIR/scale
WORK=
LOG=
JAVA_OPTS=
FM_PID=
NFCAPD_PID=
CAPTURE_PID=

cleanup() {
	for p in $FM_PID $CAPTURE_PID $NFCAPD_PID; do
		kill -TERM "$p" 2>/dev/null || true
		wait_gone "$p"
	done
	ns_down
}

# The last value of statistic $1 in the daemon's log (statistics every second).
stat() { grep -o " $1=[0-9]*" "$LOG" | tail -1 | cut -d= -f2; }
# The largest value of statistic $1 over the run.
stat_max() { grep -o " $1=[0-9]*" "$LOG" | cut -d= -f2 | sort -n | tail -1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b - a}'; }

# Waits until statistic $1 reaches $2 or $3 seconds passed; prints the seconds waited.
wait_stat() {
	local t0; t0=$(now)
	for _ in $(seq 1 $(($3 * 10))); do
		[ "$(stat "$1" || echo 0)" -ge "$2" ] 2>/dev/null && break
		sleep 0.1
	done
	elapsed "$t0" "$(now)"
}

start_collector() {
	rm -rf "$WORK/nfcapd" && mkdir -p "$WORK/nfcapd"
	# The export bursts faster than one nfcapd drains: give its socket a large receive buffer
	# (nfcapd -B; as root it forces the size past net.core.rmem_max, which the kernel doubles).
	# nice -n -10: on a busy machine the collector, not the daemon, is what falls behind the burst
	ip netns exec $NS_RX nice -n -10 nfcapd -b 127.0.0.1 -p $COLLECTOR_PORT -w "$WORK/nfcapd" -t 3600 -B $RCVBUF \
		> "$WORK/nfcapd.log" 2>&1 &
	NFCAPD_PID=$!
	# Arrival times of every IPFIX message (first and last give the export window).
	ip netns exec $NS_RX dumpcap -q -P -i lo -B 64 -s 64 -f "udp dst port $COLLECTOR_PORT" -w "$WORK/ipfix.pcap" \
		> "$WORK/dumpcap.log" 2>&1 &
	CAPTURE_PID=$!
	sleep 1
}

start_flowmond() {
	cat > "$WORK/scale.conf" <<CONF
flowmon.interfaces = ["$IF_RX"]
flowmon.probes.tc-map-entries = $((FLOWS * 2 > 2097152 ? FLOWS * 2 : 2097152))
flowmon.flows.max-flows = $FLOWS
flowmon.flows.idle-timeout = $IDLE
flowmon.flows.active-timeout = $IDLE
flowmon.export.collectors = [{ host = "127.0.0.1", port = $COLLECTOR_PORT }]
flowmon.stats.interval = 1s
flowmon.attribution.proc-scan-at-start = false
${EXTRA_CONF:-}
CONF
	local jfr=
	[ "${PROFILE:-0}" = 1 ] && jfr="-XX:StartFlightRecording=filename=$WORK/flowmond.jfr,settings=profile"
	# shellcheck disable=SC2086
	ip netns exec $NS_RX java $JAVA_OPTS $jfr -jar "$FLOWMOND_JAR" --config "$WORK/scale.conf" > "$LOG" 2>&1 &
	FM_PID=$!
	for _ in $(seq 1 300); do
		grep -q "statistics:" "$LOG" 2>/dev/null && break
		sleep 0.1
	done
	grep -q "statistics:" "$LOG" || { log "flowmond did not start:"; cat "$LOG" >&2; exit 1; }
}

# From time $2 (epoch seconds) to the last IPFIX message of flow records after it, in a pcap of
# the collector's port: flow records are the messages whose first set is the most common data set
# (set ID >= 256; not templates, options, or the few syscall-flow records). Prints
# "<seconds> <messages>".
data_window() {
	python3 - "$1" "$2" <<'PY'
import collections, struct, sys
with open(sys.argv[1], 'rb') as f:
    data = f.read()
start = float(sys.argv[2])
e = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
nano = data[:4] in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
off, msgs = 24, []
while off + 16 <= len(data):
    sec, frac, incl, _ = struct.unpack(e + 'IIII', data[off:off + 16])
    pkt = data[off + 16:off + 16 + incl]
    off += 16 + incl
    ip = 14                                   # Ethernet header on lo
    udp = ip + (pkt[ip] & 0x0F) * 4
    set_at = udp + 8 + 16                     # UDP header, IPFIX message header
    if len(pkt) >= set_at + 2:
        msgs.append((sec + frac / (1e9 if nano else 1e6), struct.unpack('>H', pkt[set_at:set_at + 2])[0]))
counts = collections.Counter(s for _, s in msgs if s >= 256)
flows = counts.most_common(1)[0][0] if counts else None
after = [t for t, s in msgs if s == flows and t >= start]
print('%.3f %d' % ((after[-1] - start) if after else 0, len(after)))
PY
}

rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
# Java heap in use / committed (MB) as jcmd GC.heap_info shows it, summed over its "total N, used M"
# lines: G1 prints one ("garbage-first heap"), the serial collector one per generation ("def new
# generation", "tenured generation"). Metaspace lines have no "total".
heap_info_mb() { jcmd "$1" GC.heap_info 2>/dev/null | awk -v want="$2" '/used/ && /total/ { for (i=1;i<=NF;i++) if ($i==want) { v=$(i+1); sub(/K.*/,"",v); sum+=v } } END { if (sum) printf "%.0f", sum/1024 }'; }
heap_used_mb() { heap_info_mb "$1" used; }
heap_committed_mb() { heap_info_mb "$1" total; }

# Datagrams dropped in the receiving namespace because a UDP socket's buffer was full, so far.
udp_rcvbuf_errors() {
	ip netns exec $NS_RX awk '/^Udp:/ {n++; if (n==1) for (i=1;i<=NF;i++) h[i]=$i; else for (i=1;i<=NF;i++) if (h[i]=="RcvbufErrors") print $i}' /proc/net/snmp
}

# The values of TSV column $1, one per run, as markdown cells: " a | b ".
cells() {
	awk -F'\t' -v c="$1" 'NR==1 {for (i=1;i<=NF;i++) if ($i==c) k=i; next} {printf "%s%s", (n++ ? " | " : ""), $k}' "$TSV"
}
# Per run: "met"/"NOT met" for an awk condition over the named columns (row as r["name"]).
verdicts() {
	awk -F'\t' -v cond="$1" 'NR==1 {for (i=1;i<=NF;i++) h[i]=$i; next}
		{ for (i=1;i<=NF;i++) r[h[i]]=$i; ok = 0
		  if (cond=="heap" && r["java_opts"] != "-Xmx512m") { printf "%sn/a (heap not capped)", (n++ ? " | " : ""); next }
		  if (cond=="heap") ok = (r["active"] >= r["flows"] && r["cycle_failures"] == 0 && r["at_collector"] == r["flows"])
		  if (cond=="time") ok = (r["export_s"] > 0 && r["export_s"] <= 120)
		  if (cond=="all") ok = (r["at_collector"] == r["flows"] && r["distinct_at_collector"] == r["flows"])
		  if (cond=="drops") ok = (r["send_queue_drops"] + r["send_errors"] + r["not_sent"] + r["map_full_drops"] + r["collector_rcvbuf_errors"] == 0)
		  printf "%s**%s**", (n++ ? " | " : ""), ok ? "met" : "NOT met" }' "$TSV"
}
# 1000000 -> 1,000,000
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

write_md() {
	local heads seps
	heads=$(awk -F'\t' 'NR>1 {printf "%s%s", (n++ ? " | " : ""), ($NF == "-" ? "default heap" : $NF)}' "$TSV")
	seps=$(awk -F'\t' 'NR>1 {printf "|---"}' "$TSV")
	cat > "$MD" <<EOF_MD
## Scale: $(commas "$FLOWS") flows

    bash bench/scale.sh $FLOWS        # as root from the repository root; HEAPS="$HEAPS"

One UDP datagram for each of $(commas "$FLOWS") distinct 5-tuples (\`bench/src/flow_fill.c\`: raw socket,
sendmmsg) from \`$NS_TX\` to \`$NS_RX\` over veth, flowmond on the receiving veth with
\`flows.max-flows = $FLOWS\`, \`probes.tc-map-entries = $((FLOWS * 2 > 2097152 ? FLOWS * 2 : 2097152))\`, the default
\`tc-scan-interval\` (1 s), idle and active timeout $IDLE (nothing expires during a run). One run per
JVM heap setting, one after the other (a fill takes tens of seconds); the machine is shared, so read
sizes, not digits.

| measure | $heads | target |
|---$seps|---|
| datagrams sent | $(cells sent) | $FLOWS |
| flows in the table | $(cells active) | $FLOWS |
| daemon RSS at the full table (MB) | $(cells rss_mb) | |
| Java heap live after a full GC, min of 3 (MB) | $(cells heap_live_mb) | |
| ... max of 3, a scan in flight (MB) | $(cells heap_live_max_mb) | |
| Java heap used before the GC (MB) | $(cells heap_used_mb) | |
| Java heap committed (MB) | $(cells heap_committed_mb) | |
| flow cycles that failed (e.g. out of memory) | $(cells cycle_failures) | 0 |
| heap target: in a 512 MB heap the full table is held, scanned and exported, no cycle fails | $(verdicts heap) | |
| read and merge of the full TC map, last scan (ms; each chunk is merged as it is read) | $(cells scan_ms) | < 1000 (tc-scan-interval) |
| ... slowest scan (ms) | $(cells scan_max_ms) | |
| after the scan: decisions, deadlines, eviction (ms) | $(cells table_update_ms) | |

The heap target is judged on the -Xmx512m run: the JVM cannot use more than 512 MB of heap there,
and the daemon fills, holds, scans and exports the full table in it (no failed flow cycle, every
flow at the collector). Live heap = used right after \`jcmd GC.run\`, three samples 0.7 s apart: the
table is ≈ 400 B per flow; a scan in flight adds the map's entries in compact form (84 MB at
1,000,000), and at this size one scan follows the other, so most samples hold one. The map read and
the merge run on one thread every scan interval; when they take longer than the interval the next
scan starts later (counts stay exact, records leave later). The default heap lets G1 grow to a
quarter of the RAM, hence its RSS.

## Export path end to end

The whole table at once: at SIGTERM the daemon reads and deletes every kernel entry
(\`BPF_MAP_LOOKUP_AND_DELETE_ELEM\`), builds each record, encodes it as IPFIX (RFC 5103 biflow) and
sends it over UDP to nfcapd in the same namespace (socket buffer 8 MiB, \`nfcapd -B\`; nice -10) —
the same work as an idle expiry of the full table. Export time = SIGTERM to the last IPFIX message
of flow records captured on lo (dumpcap); records counted at the collector with nfdump.

| measure | $heads | target |
|---$seps|---|
| records exported by the flow table | $(cells exported) | ≥ $FLOWS |
| records encoded by the exporter | $(cells encoded) | ≥ $FLOWS |
| records at the collector (nfdump) | $(cells at_collector) | $FLOWS |
| distinct flows at the collector | $(cells distinct_at_collector) | $FLOWS |
| packets in them | $(cells packets_at_collector) | $FLOWS |
| every flow arrived, once | $(verdicts all) | |
| full table exported: SIGTERM → last record at the collector (s) | $(cells export_s) | ≤ 120 (one active timeout) |
| ... of which the flow thread's final flush (ms) | $(cells final_flush_ms) | |
| export time target | $(verdicts time) | |
| records/s end to end (map read-and-delete → UDP → collector) | $(cells records_per_s) | |
| IPFIX messages of flow records | $(cells flow_messages) | |
| exporter send-queue drops | $(cells send_queue_drops) | 0 |
| exporter send errors | $(cells send_errors) | 0 |
| records not sent (exporter's count) | $(cells not_sent) | 0 |
| kernel map-full drops | $(cells map_full_drops) | 0 |
| datagrams dropped at the collector's socket (UDP RcvbufErrors) | $(cells collector_rcvbuf_errors) | 0 |
| no drops anywhere | $(verdicts drops) | |

The flow table's count above $(commas "$FLOWS") is the namespace's own few flows (the ARP-resolving ping, ICMP
port unreachable); the exporter's also has syscall-flow records of processes elsewhere on the host.
Records are about 240 octets (RFC 5103 biflow with ntop's process elements), 6 to a 1,500-byte message.

### What was found and changed (issue 6, session 2)

First run of this script at 1,000,000 flows (default heap): live heap 955 MB, 3,855 records dropped
at the exporter's queue (4,096 records) when the table expired, map read ≈ 2 s and merge 2–6 s per
scan; with -Xmx512m the flow thread died of an OutOfMemoryError and the daemon ran on counting
nothing. Class histograms (\`jcmd GC.class_histogram\`, \`PROFILE=1\`) and JFR execution samples showed:

- per flow: a \`HashMap<FlowKey, FlowCounters>\` of kernel entries (~260 B), two deadline tickets
  (one dead), a new \`ObservationPoint\` and two \`InetAddress\` objects, a key of two \`Endpoint\`s.
  Now: kernel entries flat (hook + direction, the key rebuilt when deleted), one ticket, shared hooks
  and addresses, a flat \`BiflowKey\`: ≈ 400 B per flow.
- per scan: every entry decoded to objects up front and the batched read gathered into growing
  arrays (three copies at the peak), a map of every new direction to its reading. Now: the chunks as
  read, decoded on access, readings applied in one pass, idle flows not re-examined.
- export: the flow thread outran the export thread. Now a biflow waits (≤ 1 s) for room in the
  queue; a stuck exporter still drops and counts. An OutOfMemoryError in one cycle no longer ends
  the flow thread.
- collector: nfcapd fell behind the burst on a loaded machine (UDP RcvbufErrors); it now runs with
  an 8 MiB buffer at nice -10 — the loss was at the collector, never in flowmond.
EOF_MD
}

main() {
	# One run at a time: a second one would tear down this one's namespaces (same names) and find
	# the collector's port taken. It waits here instead.
	exec 9> /run/lock/flowmond-bench-scale.lock
	flock -n 9 || { log "another bench/scale.sh is running: waiting for it"; flock 9; }
	mkdir -p "$OUT_DIR" "$RUNS_DIR" "$BIN_DIR"
	gcc -O2 -Wall -o "$BIN_DIR/flow_fill" "$BENCH_DIR/src/flow_fill.c"
	trap cleanup EXIT
	ns_up
	for ns in $NS_TX $NS_RX; do ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
	printf 'flows\tsent\tactive\trss_mb\theap_used_mb\theap_live_mb\theap_live_max_mb\theap_committed_mb\tscan_ms\tscan_max_ms\ttable_update_ms\texported\tencoded\tat_collector\tdistinct_at_collector\tpackets_at_collector\texport_s\tfinal_flush_ms\trecords_per_s\tflow_messages\tsend_queue_drops\tsend_errors\tnot_sent\tmap_full_drops\tcollector_rcvbuf_errors\tcycle_failures\tjava_opts\n' > "$TSV"
	for heap in $HEAPS; do
		run_one "$heap"
	done
	write_md
	log "raw results in $TSV, sections in $MD"
}

# One daemon start, fill, measurement and export with heap setting $1 (-Xmx value or "default").
run_one() {
	WORK=$RUNS_DIR/$1
	LOG=$WORK/flowmond.log
	JAVA_OPTS="${EXTRA_JAVA_OPTS:-} $([ "$1" = default ] && echo "" || echo "-Xmx$1")"
	rm -rf "$WORK" && mkdir -p "$WORK"
	local rcvbuf0; rcvbuf0=$(udp_rcvbuf_errors)
	log "run with heap $1"
	ip netns exec $NS_TX ping -c1 -q $IP_RX > /dev/null # resolve ARP before the burst
	start_collector
	start_flowmond
	log "flowmond running (pid $FM_PID); sending one packet for each of $FLOWS flows"

	local t_fill0 t_fill1 sent fill_s
	t_fill0=$(now)
	read -r sent fill_s < <(ip netns exec $NS_TX "$BIN_DIR/flow_fill" $IP_TX $IP_RX $DST_PORT_BASE "$FLOWS" 1)
	t_fill1=$(now)
	log "sent $sent datagrams in $fill_s s; waiting for the table to hold them"
	local wait_full; wait_full=$(wait_stat flows.active "$FLOWS" 60)
	local active; active=$(stat flows.active)
	log "flows.active=$active ($wait_full s after the last packet)"
	sleep 3 # a few scans of the full map
	local scan_ms scan_max_ms update_ms rss heap_before heap_live heap_live_max committed
	scan_ms=$(stat pipeline.scan-millis); scan_max_ms=$(stat_max pipeline.scan-millis)
	update_ms=$(stat pipeline.table-update-millis)
	rss=$(rss_mb "$FM_PID"); heap_before=$(heap_used_mb "$FM_PID"); committed=$(heap_committed_mb "$FM_PID")
	# Live heap: used after a full GC. A scan in flight holds a second copy of the map's contents
	# for a moment, so take three samples: the smallest is the table alone, the largest table + scan.
	local samples=()
	for _ in 1 2 3; do
		jcmd "$FM_PID" GC.run > /dev/null 2>&1 || true
		samples+=("$(heap_used_mb "$FM_PID")")
		sleep 0.7
	done
	heap_live=$(printf '%s\n' "${samples[@]}" | sort -n | head -1)
	heap_live_max=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
	[ "${PROFILE:-0}" = 1 ] && jcmd "$FM_PID" GC.class_histogram > "$WORK/histogram.txt" 2>&1
	log "at $active flows: RSS $rss MB, heap used $heap_before MB (committed $committed MB), live after full GC $heap_live..$heap_live_max MB; scan $scan_ms ms"

	# The whole table at once: SIGTERM makes the daemon read and delete every kernel entry and
	# export every flow (forced end), the same work as an idle expiry of the full table.
	log "stopping flowmond: the whole table is exported now"
	local t_stop; t_stop=$(now)
	kill -TERM "$FM_PID" 2>/dev/null || true; wait_gone "$FM_PID"; FM_PID=
	local t_gone; t_gone=$(now)
	sleep 2 # last datagrams through the collector's socket
	local exported encoded queue_drops send_errors not_sent map_full flush_ms
	exported=$(stat flows.records-exported); encoded=$(stat ipfix.records-encoded); queue_drops=$(stat dropped.send-queue)
	send_errors=$(stat ipfix.send-errors); not_sent=$(stat ipfix.records-not-sent); map_full=$(stat dropped.map-full)
	flush_ms=$(stat pipeline.final-flush-millis)
	local cycle_failures; cycle_failures=$(stat pipeline.cycle-failures)
	log "exported $exported, encoded $encoded, send-queue drops $queue_drops, send errors $send_errors; flush $flush_ms ms, daemon gone after $(elapsed "$t_stop" "$t_gone") s"
	kill -TERM "$CAPTURE_PID" 2>/dev/null || true; wait_gone "$CAPTURE_PID"; CAPTURE_PID=
	kill -TERM "$NFCAPD_PID" 2>/dev/null || true; wait_gone "$NFCAPD_PID"; NFCAPD_PID=

	# What the collector holds: flows of the generator's ports, distinct 5-tuples, packets.
	local filter="proto udp and src ip $IP_TX and dst ip $IP_RX and dst port >= $DST_PORT_BASE and dst port < $((DST_PORT_BASE + 17))"
	local at_collector distinct pkts
	at_collector=$(nfdump -R "$WORK/nfcapd" -q -N -o 'fmt:%sp %dp %pkt' "$filter" | wc -l)
	distinct=$(nfdump -R "$WORK/nfcapd" -q -N -o 'fmt:%sp %dp' "$filter" | sort -u | wc -l)
	pkts=$(nfdump -R "$WORK/nfcapd" -q -N -o 'fmt:%pkt' "$filter" | awk '{s+=$1} END {print s+0}')
	local nf_stats; nf_stats=$(grep -ho "Sequence Errors: [0-9]*\|Bad Packets: [0-9]*" "$WORK/nfcapd.log" | tr '\n' ' ')
	# Datagrams the kernel dropped because a receiver's socket buffer was full during this run
	# (the collector is the only busy UDP receiver in the namespace).
	local rcvbuf_errors=$(($(udp_rcvbuf_errors) - rcvbuf0))
	# The export window as the collector's host saw it.
	local window data_messages rate
	read -r window data_messages < <(data_window "$WORK/ipfix.pcap" "$t_stop")
	rate=$(awk -v n="$at_collector" -v w="$window" 'BEGIN{ if (w > 0) printf "%.0f", n / w; else print "n/a" }')
	log "collector socket drops (RcvbufErrors): $rcvbuf_errors"
	log "collector: $at_collector records, $distinct distinct flows, $pkts packets; export window $window s = $rate records/s ($data_messages data messages)"

	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$FLOWS" "$sent" "$active" \
		"$rss" "$heap_before" "$heap_live" "$heap_live_max" "$committed" "${scan_ms:-?}" "${scan_max_ms:-?}" "${update_ms:-?}" \
		"$exported" "$encoded" "$at_collector" "$distinct" "$pkts" "$window" "${flush_ms:-?}" "$rate" "$data_messages" \
		"$queue_drops" "$send_errors" "$not_sent" "$map_full" "$rcvbuf_errors" "${cycle_failures:-?}" "${JAVA_OPTS:--}" >> "$TSV"
}

main "$@"
