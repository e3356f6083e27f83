#!/bin/bash
# The syscall-probe benchmark inside a guest (bench/syscall.sh starts it with run-guest.sh):
#   syscall-bench.sh JAR CONNECT_LOOP RUNS SECONDS "HOOK..."      env: JAVA_OPTS
# For each round and each hook (flowmon.probes.syscall-hook: kprobe, fentry, tracepoint):
# connect_loop unprobed, then connect_loop with flowmond forced to that hook, alternating, in a
# network namespace (flowmond's TC program on an idle veth there, so only the probes count).
# After flowmond starts, one loop of SECONDS runs unmeasured: under TCG the JIT compiling the
# event path would otherwise take most of the measured run (2 vCPUs share one emulating thread).
# Writes $FLOWMOND_VM_OUT/syscall.tsv in bench/syscall.sh's format, and each daemon log.
# Under TCG the absolute rates mean nothing; the ratio of neighbouring runs does.
set -uo pipefail
jar="$1" loop="$2" runs="$3" secs="$4" hooks="$5"
out="${FLOWMOND_VM_OUT:-/tmp}"
ns=fmvm-sc
tsv="$out/syscall.tsv"
kernel="$(uname -r)"
daemon=""

cleanup() {
    [ -n "$daemon" ] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT

say() { echo "syscall-bench $(date +%T): $*" >&2; }
loop_once() { ip netns exec "$ns" "$loop" 127.0.0.1 7000 "$secs"; }

# Sum of exact statistics keys in the daemon's last "stopped;" line ("?" if missing).
stat_value() { # LOG KEY...
    local log="$1"; shift
    grep -a "stopped;" "$log" | tail -1 | awk -v keys="$*" '
        BEGIN { n = split(keys, k, " ") }
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
        END { s = 0; for (j = 1; j <= n; j++) { if (!(k[j] in v)) { print "?"; exit } s += v[k[j]] } print s }'
}

start_daemon() { # HOOK LOG
    cat > "$out/syscall-$1.conf" <<CONF
flowmon.interfaces = ["fmsc0"]
flowmon.probes.syscall-hook = $1
flowmon.export.collectors = [{ host = "127.0.0.1", port = 9 }]
flowmon.stats.interval = 1s
flowmon.attribution.proc-scan-at-start = false
CONF
    # shellcheck disable=SC2086
    ip netns exec "$ns" java ${JAVA_OPTS:-} -jar "$jar" --config "$out/syscall-$1.conf" >"$2" 2>&1 &
    daemon=$!
    local deadline=$((SECONDS + 180))
    until grep -q "running with" "$2"; do
        if ! kill -0 "$daemon" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
            kill -TERM "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; daemon=""
            return 1
        fi
        sleep 0.5
    done
    grep -q "syscall probes attached as $1" "$2" || { say "$1: attached as something else"; grep "probes attached" "$2" >&2; }
    sleep 1
}

stop_daemon() {
    kill -TERM "$daemon" 2>/dev/null
    wait "$daemon" 2>/dev/null
    daemon=""
}

modprobe veth
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add fmsc0 type veth peer name fmsc1
ip -n "$ns" link set fmsc0 up
printf 'kernel\thook\tround\tconfig\tseconds\tconnections\tring_drops\tqueue_drops\tstatus\n' >"$tsv"
loop_once >/dev/null   # the first loop after boot runs cold (9p page cache): not measured
failed=""
for r in $(seq 1 "$runs"); do
    for hook in $hooks; do
        case " $failed " in *" $hook "*) continue ;; esac
        n=$(loop_once)
        printf '%s\t%s\t%s\tnone\t%s\t%s\t-\t-\tok\n' "$kernel" "$hook" "$r" "$secs" "$n" >>"$tsv"
        say "$hook round $r: unprobed $n"
        log="$out/flowmond-$hook-$r.log"
        if ! start_daemon "$hook" "$log"; then
            why="$(grep -v '^\s*at ' "$log" | tail -1 | cut -c1-160 | tr '\t|' '  ')"
            printf '%s\t%s\t%s\tflowmond\t%s\t-\t-\t-\tdid not start: %s\n' "$kernel" "$hook" "$r" "$secs" "$why" >>"$tsv"
            say "$hook round $r: flowmond did not start: $why"
            failed="$failed $hook"
            continue
        fi
        loop_once >/dev/null   # warm-up, not measured
        n=$(loop_once)
        sleep 3   # the ring reader catches up (TCG is slow) before the final statistics
        stop_daemon
        ring=$(stat_value "$log" dropped.ring-buffer)
        queue=$(stat_value "$log" dropped.event-queue dropped.syscall-stash-full)
        printf '%s\t%s\t%s\tflowmond\t%s\t%s\t%s\t%s\tok\n' "$kernel" "$hook" "$r" "$secs" "$n" "$ring" "$queue" >>"$tsv"
        say "$hook round $r: flowmond $n, ring drops $ring, queue/stash drops $queue"
    done
done
cat "$tsv"
