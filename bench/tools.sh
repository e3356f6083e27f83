# How each configuration under test is started, stopped and asked for its packet count.
# Sourced by datapath.sh. Every tool watches $IF_RX inside $NS_RX.
# start_<cfg>: starts the tool in the background, sets TOOL_PID (empty when nothing runs)
# count_<cfg> PORT: stops the tool and prints "COUNTED DROPS": the packets it counted for flows
#   with that port (either side), and the drops it reports itself ("-" when it has no counter)
# stop_<cfg>: makes sure it is gone and removes what it attached

FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}

# --- nothing attached: the physical limit
start_none() { TOOL_PID=; }
count_none() { echo "- -"; }
stop_none() { :; }

# --- flowmond: the daemon with its TC program on the receiver's veth, JSON output for counting
start_flowmond() {
	rm -f "$OUT_DIR/flowmond.json"
	# shellcheck disable=SC2086 # FLOWMOND_ARGS: extra words (--config FILE)
	ip netns exec $NS_RX java -jar "$FLOWMOND_JAR" -i $IF_RX --collector 127.0.0.1:9 \
		--json "$OUT_DIR/flowmond.json" ${FLOWMOND_ARGS:-} > "$OUT_DIR/flowmond.log" 2>&1 &
	TOOL_PID=$!
	# ready when the daemon says "running with" (both TC hooks and the syscall probes attached)
	await_daemon "$OUT_DIR/flowmond.log" "$TOOL_PID" && return 0
	log "flowmond did not start:"; tail -20 "$OUT_DIR/flowmond.log" >&2
	return 1
}
count_flowmond() {
	kill -TERM "$TOOL_PID" 2>/dev/null; wait_gone "$TOOL_PID"
	# JSON lines with nProbe names; both directions of the port's flows
	local n
	n=$(awk -v p="$1" -F'[,:{}]' '
		{ delete f; for (i=1;i<NF;i++) { gsub(/[" ]/,"",$i); f[$i]=$(i+1) }
		  gsub(/[" ]/,"",f["L4_DST_PORT"]); gsub(/[" ]/,"",f["L4_SRC_PORT"]);
		  if (f["L4_DST_PORT"]==p || f["L4_SRC_PORT"]==p) n += f["IN_PKTS"] + f["OUT_PKTS"] }
		END { print n+0 }' "$OUT_DIR/flowmond.json")
	# drops from the final statistics line ("stopped; k=v ..."): map full + failed map inserts
	local d
	d=$(stat_value "$OUT_DIR/flowmond.log" stopped dropped.map-full tc.map-insert-failures)
	echo "$n $d"
}
stop_flowmond() { kill "$TOOL_PID" 2>/dev/null || true; wait_gone "$TOOL_PID"; TOOL_PID=; }

# --- flowmond with flowmon.tcp-health.enabled = false (the TC program without its TCP block)
start_flowmond_nohealth() {
	echo 'flowmon.tcp-health.enabled = false' > "$OUT_DIR/nohealth.conf"
	FLOWMOND_ARGS="--config $OUT_DIR/nohealth.conf" start_flowmond
}
count_flowmond_nohealth() { count_flowmond "$@"; }
stop_flowmond_nohealth() { stop_flowmond; }

# --- flowmond as built before a change: $FLOWMOND_BASE_JAR (before/after in one run)
start_flowmond_base() { FLOWMOND_JAR=$FLOWMOND_BASE_JAR start_flowmond; }
count_flowmond_base() { count_flowmond "$@"; }
stop_flowmond_base() { stop_flowmond; }

# --- softflowd (libpcap), exporting to an nfcapd in the same namespace; on shutdown it
# expires and exports every flow, so the collector holds its complete counts
start_softflowd() {
	rm -rf "$OUT_DIR/nfcapd" && mkdir -p "$OUT_DIR/nfcapd"
	ip netns exec $NS_RX nfcapd -p 9996 -l "$OUT_DIR/nfcapd" -t 3600 > "$OUT_DIR/nfcapd.log" 2>&1 &
	NFCAPD_PID=$!
	ip netns exec $NS_RX softflowd -i $IF_RX -n 127.0.0.1:9996 -v 10 -d -T full \
		-c "$OUT_DIR/sf.ctl" -p "$OUT_DIR/sf.pid" > "$OUT_DIR/softflowd.log" 2>&1 &
	TOOL_PID=$!
	sleep 1
}
count_softflowd() {
	sleep 1 # let libpcap drain its buffer
	# its own view of what it lost: libpcap's and the interface's drop counters
	ip netns exec $NS_RX softflowctl -c "$OUT_DIR/sf.ctl" statistics > "$OUT_DIR/softflowd.stats" 2>&1 || true
	local d
	d=$(awk '/Packets dropped by/ {n += $NF; f=1} END { print f ? n : "?" }' "$OUT_DIR/softflowd.stats")
	ip netns exec $NS_RX softflowctl -c "$OUT_DIR/sf.ctl" shutdown > /dev/null
	wait_gone "$TOOL_PID"
	sleep 0.5
	kill "$NFCAPD_PID"; wait_gone "$NFCAPD_PID"
	local n
	n=$(nfdump -R "$OUT_DIR/nfcapd" -q -o "fmt:%sp %dp %pkt" -N 2>/dev/null |
		awk -v p="$1" '$1==p || $2==p { n += $3 } END { print n+0 }')
	echo "$n $d"
}
stop_softflowd() {
	kill "$TOOL_PID" 2>/dev/null || true; wait_gone "$TOOL_PID"; TOOL_PID=
	kill "${NFCAPD_PID:-}" 2>/dev/null || true; wait_gone "${NFCAPD_PID:-}"
}

# --- pmacctd (libpcap), memory plugin (read with the pmacct client) with buffers sized so the
# plugin pipe does not drop; the core process and the plugin are separate processes
start_pmacctd() {
	cat > "$OUT_DIR/pmacctd.conf" <<CONF
daemonize: false
pcap_interface: $IF_RX
aggregate: src_host, dst_host, src_port, dst_port, proto
plugins: memory
imt_path: $OUT_DIR/pmacct.pipe
plugin_pipe_size: 268435456
plugin_buffer_size: 65536
CONF
	ip netns exec $NS_RX pmacctd -f "$OUT_DIR/pmacctd.conf" > "$OUT_DIR/pmacctd.log" 2>&1 &
	TOOL_PID=$!
	sleep 2
}
count_pmacctd() {
	sleep 2 # the memory plugin lags the core process
	local n
	n=$(pmacct -p "$OUT_DIR/pmacct.pipe" -s -O csv |
		awk -F, -v p="$1" 'NR>1 && ($3==p || $4==p) { n += $6 } END { print n+0 }')
	kill "$TOOL_PID" 2>/dev/null || true; wait_gone "$TOOL_PID"
	# at exit the core logs libpcap's view: "[iface,0] received_packets=N dropped_packets=M";
	# the plugin logs "Missing data detected" when its pipe lost buffers (not counted in packets)
	local d
	d=$(grep -o 'dropped_packets=[0-9]*' "$OUT_DIR/pmacctd.log" | tail -1 | cut -d= -f2)
	grep -q "Missing data detected" "$OUT_DIR/pmacctd.log" && d="${d:-?}+pipe"
	echo "$n ${d:-?}"
}
stop_pmacctd() { kill "$TOOL_PID" 2>/dev/null || true; wait_gone "$TOOL_PID"; TOOL_PID=; }
