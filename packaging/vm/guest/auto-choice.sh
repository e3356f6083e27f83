#!/bin/bash
# The kernel matrix's `auto` cell, run inside a guest (e2e-matrix.sh starts it):
#   auto-choice.sh JAR OUT_DIR
# flowmond on its default syscall-hook (auto) attaches to a veth, runs, and stops on SIGTERM.
# Only the choice is judged here (KernelMatrixJarTest: auto must pick fentry wherever the forced
# fentry cell passed): once chosen, the variant runs the same code as the forced cell, whose full
# scenario (e2e-scenario.sh) already checks its flows, owners and export.
# OUT_DIR gets daemon.log and expected.env (DAEMON_EXIT, KERNEL, VARIANT), as e2e-scenario.sh's.
set -euo pipefail
jar="$1" out="$2"
. "$(dirname "$0")/scenario-lib.sh"

mkdir -p "$out"
setup_network
cat > "$out/flowmon.conf" <<CONF
flowmon.interfaces = ["fmvm0"]
flowmon.export.collectors = [{ host = "127.0.0.1", port = 4739 }]
CONF
launch_flowmond "$jar" --config "$out/flowmon.conf" >"$out/daemon.log" 2>&1 &
daemon=$!
pids+=("$daemon")
wait_for 120 grep -q "running with" "$out/daemon.log" || { cat "$out/daemon.log" >&2; exit 1; }
kill -TERM "$daemon"
wait "$daemon" && echo "DAEMON_EXIT=0" >>"$out/expected.env" || echo "DAEMON_EXIT=$?" >>"$out/expected.env"
echo "KERNEL=$(uname -r) VARIANT=auto" >>"$out/expected.env"
