#!/usr/bin/env bash
# Cost of one Prometheus scrape of flowmond's metrics endpoint (flowmon.metrics.listen), target
# <= 5 ms. The jar runs as shipped in its own namespace (a veth pair, 4 UDP collectors so the
# per-collector series are there), with the endpoint on the namespace's loopback. After WARMUP
# scrapes (JIT), SCRAPES scrapes one after the other, each on a new TCP connection (Prometheus keeps
# one open: this is the dearer case), asking for the text format as Prometheus does. Reports the
# wall time per scrape as the client sees it (median, p90, p99, max), the daemon's CPU time per
# scrape (utime+stime of all its threads over the scrapes, /proc/PID/stat), and the body's size
# and sample count. Then, in a separate JVM with the jar on the class path, the CPU time of the
# collect and text formatting alone, per part of the registry (src/MetricsCollect.java), for the
# statistics the daemon served.
#
# usage: bench/metrics-scrape.sh [SCRAPES] [WARMUP]   (as root, after mvn -B -ntp -DskipTests package)
#   env: FLOWMOND_JAR (default daemon/target/flowmond.jar)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
NS=fmbench-metrics
IF=fmms0
SCRAPES=${1:-2000}
WARMUP=${2:-2000}
FLOWMOND_JAR=${FLOWMOND_JAR:-$ROOT_DIR/daemon/target/flowmond.jar}
PORT=9477
WORK=$(mktemp -d)
daemon=""

cleanup() {
	if [ -n "$daemon" ]; then kill -TERM "$daemon" 2>/dev/null || true; wait_gone "$daemon"; fi
	ip netns del $NS 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

ip netns del $NS 2>/dev/null || true
ip netns add $NS
ip -n $NS link add $IF type veth peer name fmms1
for dev in lo $IF fmms1; do ip -n $NS link set $dev up; done

cat > "$WORK/flowmon.conf" <<CONF
flowmon {
  interfaces = [$IF]
  export.collectors = [{ host = "127.0.0.1", port = 9 }, { host = "127.0.0.1", port = 10 },
                       { host = "127.0.0.1", port = 11 }, { host = "127.0.0.1", port = 12 }]
  metrics.listen = "127.0.0.1:$PORT"
}
CONF
ip netns exec $NS java -jar "$FLOWMOND_JAR" --config "$WORK/flowmon.conf" > "$WORK/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 600); do grep -q "running with" "$WORK/daemon.log" && break; sleep 0.1; done
grep -q "running with" "$WORK/daemon.log" || { cat "$WORK/daemon.log" >&2; exit 1; }

log "flowmond $daemon ready; $WARMUP warm-up scrapes, then $SCRAPES timed"
ip netns exec $NS python3 - "$PORT" "$WARMUP" "$SCRAPES" "$daemon" "$(clk_tck)" <<'PY'
import http.client, sys, time

port, warmup, scrapes, pid, hz = (int(a) for a in sys.argv[1:])

def scrape():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics", headers={"Accept": "text/plain;version=0.0.4"})
    r = c.getresponse()
    body = r.read()
    c.close()
    assert r.status == 200, r.status
    return body

def cpu_ticks():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime

for _ in range(warmup):
    scrape()
times = []
t0 = cpu_ticks()
for _ in range(scrapes):
    start = time.perf_counter()
    body = scrape()
    times.append(time.perf_counter() - start)
cpu = (cpu_ticks() - t0) / hz / scrapes
times.sort()
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
samples = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
flowmond = sum(1 for line in body.decode().splitlines() if line.startswith("flowmond_"))
print(f"scrapes {scrapes} (after {warmup} warm-up), new connection each")
print(f"wall ms per scrape: median {pick(0.5):.3f}  p90 {pick(0.9):.3f}  p99 {pick(0.99):.3f}  max {times[-1] * 1000:.3f}")
print(f"daemon CPU ms per scrape: {cpu * 1000:.3f}")
print(f"body {len(body)} bytes, {samples} samples ({flowmond} flowmond_)")
PY
# the daemon's statistics as key=value, from the STATUS= summary it logs at exit
kill -TERM "$daemon"; wait_gone "$daemon"; daemon=""
stats=$(sed -n 's/.*stopped; //p' "$WORK/daemon.log" | tail -1)
java -cp "$FLOWMOND_JAR" "$BENCH_DIR/src/MetricsCollect.java" "$stats"
