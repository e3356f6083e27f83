#!/bin/bash
# Makes three TCP connections on loopback — 127.0.0.1, ::1, 127.0.0.1 — each accepted by
# its own `busybox nc -l`, and prints what the syscall probes must report for them:
#   expect connect pid=<the connecting subshell> comm=<its name: this script's, 15 chars>
#   expect accept pid=<the nc> comm=busybox
# Usage: loopback-connects.sh [PORT]
set -euo pipefail
port="${1:-8089}"

wait_listening() {
    for _ in $(seq 100); do
        ss -Hltn "sport = :$port" | grep -q . && return 0
        sleep 0.05
    done
    echo "loopback-connects: nothing listens on $port" >&2
    return 1
}

connect_once() {
    busybox nc -l -p "$port" >/dev/null &
    local server=$!
    wait_listening
    (exec 3<>"/dev/tcp/$1/$port"; read -r comm </proc/$BASHPID/comm; echo "expect connect pid=$BASHPID comm=$comm"; echo hello >&3)
    wait "$server"
    echo "expect accept pid=$server comm=busybox"
}

connect_once 127.0.0.1
connect_once ::1
connect_once 127.0.0.1
