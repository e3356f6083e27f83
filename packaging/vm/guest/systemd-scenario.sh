#!/bin/bash
# The service scenario, run as the job of a `run-guest.sh --systemd` guest (systemd is PID 1):
#   systemd-scenario.sh DEB OUT_DIR
# Installs the .deb with apt, starts flowmond with systemctl, makes traffic (scenario-lib.sh),
# reloads with a changed setting (observation domain 1 -> 7), makes traffic again, stops it,
# and records in OUT_DIR what check-systemd.sh on the host judges: the unit's states and
# results (states.txt), its journal, the IPFIX export (ipfix.pcap) and nfcapd's files, and
# snapshots of BPF programs, links, tc filters/qdiscs and /sys/fs/bpf before start, while
# running and after stop (snapshot.*), which must show nothing of flowmond left behind, and the
# launcher's class-data archive after the install and after the start, and whether the running
# JVM maps it (archive.*).
set -euo pipefail
deb="$1" out="$2"
. "$(dirname "$0")/scenario-lib.sh"

snapshot() {
    {
        echo "## bpftool prog show"; bpftool prog show
        echo "## bpftool link show"; bpftool link show
        echo "## tc qdisc show dev fmvm0"; tc qdisc show dev fmvm0
        echo "## tc filter show dev fmvm0 ingress"; tc filter show dev fmvm0 ingress
        echo "## tc filter show dev fmvm0 egress"; tc filter show dev fmvm0 egress
        echo "## find /sys/fs/bpf"; find /sys/fs/bpf
    } >"$out/snapshot.$1" 2>&1
}

# The archive postinst made (name, inode, mtime), and the one the service's JVM maps.
archive() {
    stat -c '%n %i %Y %s' /var/lib/flowmond/flowmond.*.jsa >"$out/archive.$1" 2>&1 || true
    if [ "$1" = started ]; then
        grep -o '/var/lib/flowmond/.*' "/proc/$(systemctl show -p MainPID --value flowmond)/maps" | sort -u >"$out/archive.mapped" || true
    fi
}

state() { echo "$1: $(systemctl show -p ActiveState -p SubState -p Result -p ExecMainStatus flowmond | sort | tr '\n' ' ')" >>"$out/states.txt"; }

set_domain() {
    cat >/etc/flowmon.conf <<CONF
flowmon.interfaces = ["fmvm0"]
flowmon.export.collectors = [{ host = "127.0.0.1", port = 4739 }]
flowmon.export.observation-domain-id = $1
CONF
}

wait_journal() {   # wait_journal SECONDS PATTERN
    wait_for "$1" bash -c "journalctl -u flowmond --no-pager -o cat | grep -q '$2'"
}

# Whatever happens, keep the unit's journal; on failure show its end in the job's output.
on_exit() {
    local status=$?
    journalctl -u flowmond --no-pager -o short-monotonic >"$out/journal.txt" 2>&1 || true
    if [ "$status" != 0 ]; then
        echo "systemd-scenario: failed (status $status); flowmond's journal ends:" >&2
        tail -n 40 "$out/journal.txt" >&2
    fi
    cleanup
}
trap on_exit EXIT

mkdir -p "$out"
apt-get install -y --no-install-recommends "$deb" >"$out/apt.log" 2>&1 || { cat "$out/apt.log"; exit 1; }
archive installed
setup_network
start_collectors
snapshot before
set_domain 1
systemctl start flowmond          # Type=notify: returns once the daemon sent READY=1
state started
archive started
transfer
repeat_connects
snapshot running
set_domain 7
systemctl reload flowmond
# The reload's outcome is logged just before READY=1; an emulated guest may take seconds to get
# there (the IPFIX exporter is reopened for the new domain), so wait for it, then for systemd to
# have taken READY=1, rather than for a fixed time.
wait_journal 60 "configuration reloaded\|reload rejected\|reload failed" || true
wait_for 30 bash -c '[ "$(systemctl show -p ActiveState --value flowmond)" != reloading ]' || true
state reloaded
transfer
sleep 2
systemctl stop flowmond
state stopped
snapshot after
stop_collectors
echo "KERNEL=$(uname -r)" >>"$out/expected.env"
