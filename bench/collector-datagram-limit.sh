#!/usr/bin/env bash
# The longest IPFIX datagram pmacct's nfacctd reads: messages of 415, 417, 660 and 1300 records
# (9,980, 10,028, 15,860 and 31,220 octets) sent to nfacctd on loopback, then how many records of
# each it printed. Why `flowmon.export.mtu = auto` uses 9000 for a collector on this host.
# usage: bench/collector-datagram-limit.sh    (nfacctd from install-deps.sh; about 5 s)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
WORK=$OUT_DIR/collector-datagram-limit
PORT=39555
rm -rf "$WORK" && mkdir -p "$WORK"
cat > "$WORK/nfacctd.conf" <<CONF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $PORT
plugins: print
aggregate: src_host, dst_host
print_output: csv
print_output_file: $WORK/out.csv
print_refresh_time: 1
CONF
# its own process group: the core process outlives SIGTERM, and its plugin is a child of it
setsid nfacctd -f "$WORK/nfacctd.conf" > "$WORK/nfacctd.log" 2>&1 &
PID=$!
stop() { kill -KILL -- -$PID 2>/dev/null || true; wait $PID 2>/dev/null || true; }
trap stop EXIT
sleep 1.5
python3 "$BENCH_DIR/src/ipfix_sizes.py" 127.0.0.1 $PORT 415 417 660 1300
sleep 3 # the print plugin writes every second
stop
echo "records nfacctd printed, by message (10.<message>.x.y):"
tail -n +2 "$WORK/out.csv" | cut -d, -f1 | cut -d. -f1-2 | sort | uniq -c
