#!/bin/bash
# The ownership traffic of e2e-scenario.sh (issue 10), sourced after scenario-lib.sh. Every
# connecting bash writes its bytes itself and no child touches its socket: the process that
# last sent on a socket owns it from its next egress packet (on 6.4+ kernels a writing child
# would become the owner).
#   udp       a bash here sends one datagram to socat there, which answers it (port 5003);
#   idle      a bash here talks to `busybox nc -l` there (port 5004), falls quiet for longer than
#             the daemon's idle timeout, then talks again and closes;
#   existing  the same on port 5005, but connected (and talking) before flowmond starts, and
#             quiet from before the start until the same moment.
# Each pause ends at resume_connections, at least OWNER_PAUSE_S after the idle connection's first
# talk; the other traffic runs meanwhile, so the pause costs little time of its own.
UDP_PORT=5003 IDLE_PORT=5004 EXISTING_PORT=5005
OWNER_IDLE_TIMEOUT_S=2
OWNER_PAUSE_S=4     # the idle timeout, the daemon's 1 s TC scan, and a margin
VETH_FILTER="tcp or udp port $UDP_PORT"

listening_udp() { ip netns exec "$NS" ss -Hlun "sport = :$1" | grep -q .; }
established() { ss -Htn state established "dport = :$1" | grep -q .; }

# Starts a server there and a bash here that connects, writes a line, waits for a line on its
# fifo, writes another line and closes. Sets talk_client and talk_server.
fifos="$(mktemp -d)"   # the guest's tmpfs: $out is a 9p share
talk_pause_talk() {
    local port="$1" fifo="$fifos/resume-$1"
    mkfifo "$fifo" "$fifos/hold-$port"
    # nc's stdin never ends (a fifo it holds open both ways): at the end of its stdin it would
    # half-close the connection at once. It exits when the client closes.
    ip netns exec "$NS" busybox nc -l -p "$port" >/dev/null <>"$fifos/hold-$port" &
    talk_server=$!
    pids+=("$talk_server")
    wait_for 10 listening "$port"
    # `read` is a builtin: while the connection is quiet, no other process holds it.
    bash -ec "exec 3<>/dev/tcp/$THERE_IP/$port; printf 'before the pause\n' >&3; read -r _ <'$fifo';
        printf 'after the pause\n' >&3; exec 3>&-" &
    talk_client=$!
    pids+=("$talk_client")
    wait_for 10 established "$port"
}

existing_connection() {
    talk_pause_talk "$EXISTING_PORT"
    existing_client=$talk_client existing_server=$talk_server
    echo "EXISTING_CLIENT_PID=$existing_client EXISTING_SERVER_PID=$existing_server" >>"$out/expected.env"
}

idle_connection() {
    talk_pause_talk "$IDLE_PORT"
    idle_client=$talk_client idle_server=$talk_server
    idle_since=$EPOCHREALTIME
    echo "IDLE_CLIENT_PID=$idle_client IDLE_SERVER_PID=$idle_server OWNER_IDLE_TIMEOUT_S=$OWNER_IDLE_TIMEOUT_S" >>"$out/expected.env"
}

# socat answers with what it received (PIPE), in its own process: no child writes.
udp_exchange() {
    ip netns exec "$NS" socat "UDP4-RECVFROM:$UDP_PORT,bind=$THERE_IP" PIPE &
    local server=$!
    pids+=("$server")
    wait_for 10 listening_udp "$UDP_PORT"
    # bash reads one byte per read(): the first byte of the answer, which takes the datagram.
    bash -ec "exec 3<>/dev/udp/$THERE_IP/$UDP_PORT; printf 'ping\n' >&3; read -r -n 1 -t 10 reply <&3; [ \"\$reply\" = p ]" &
    local client=$!
    wait "$client" || { echo "e2e: the UDP request got no answer" >&2; return 1; }
    echo "UDP_CLIENT_PID=$client UDP_SERVER_PID=$server" >>"$out/expected.env"
}

# Ends both pauses at once, OWNER_PAUSE_S after the idle connection's first talk at the earliest.
resume_connections() {
    local wait_s
    wait_s="$(awk -v since="$idle_since" -v now="$EPOCHREALTIME" -v pause="$OWNER_PAUSE_S" \
        'BEGIN { w = since + pause - now; printf "%.3f", (w > 0 ? w : 0) }')"
    sleep "$wait_s"
    # No packet of the existing connection before this moment was counted by flowmond.
    echo "EXISTING_RESUMED_AT=$EPOCHREALTIME OWNER_PAUSED_S=$(awk -v s="$idle_since" -v n="$EPOCHREALTIME" 'BEGIN { printf "%.3f", n - s }')" >>"$out/expected.env"
    for port in "$IDLE_PORT" "$EXISTING_PORT"; do
        timeout 10 bash -c "echo resume >'$fifos/resume-$port'" || { echo "e2e: nobody reads resume-$port" >&2; return 1; }
    done
    for p in "$idle_client" "$existing_client" "$idle_server" "$existing_server"; do
        wait "$p" || { echo "e2e: a paused connection's process $p failed" >&2; return 1; }
    done
}
