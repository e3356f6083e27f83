#!/usr/bin/env bash
# Installs, from Debian's archive, everything flowmond's build and test suite need.
# Used by README.md's commands and by .ci/run; safe to run again (apt is idempotent).
set -euo pipefail

PACKAGES=(
  # build: Java, Maven, and clang for the BPF C code (CO-RE, -target bpf)
  openjdk-17-jdk-headless maven make clang llvm libbpf-dev gcc libc6-dev
  # runtime: the libbpf shared library bound through jnr-ffi, bpftool for diagnostics
  libbpf1 bpftool
  # tests: namespaces/veth/tc, traffic, captures and the real IPFIX collectors
  iproute2 iputils-ping ethtool procps tshark nfdump pmacct libfixbuf-tools
  # tests: IPFIX over TCP/TLS into a file (socat as the TCP collector and TLS-terminating relay; openssl makes the certificates)
  socat openssl
  # tests: the Prometheus server that scrapes the metrics endpoint, promtool for the exposition and the alert rules
  prometheus
  # tests: the TC flow tests' traffic generators and reference capture (bpf/src/test/resources)
  python3
  # packaging: the .deb and unit checks (strace: the unit's SystemCallFilter test; setpriv: the no-capabilities test)
  dpkg-dev systemd strace util-linux
  # other kernels under qemu (packaging/vm): emulator, the guest's initramfs, depmod and unpackers for its modules
  qemu-system-x86 busybox-static cpio kmod xz-utils zstd
  # tests: real containers (daemon's container package): Podman with runc (crun refuses the hybrid cgroup
  # layout), uidmap for its user namespaces; the image is busybox-static's binary, imported from a directory
  podman runc uidmap
)

export DEBIAN_FRONTEND=noninteractive
# tshark's package asks whether non-root users may capture; answer once, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  # Installing prometheus would start its service on :9090 (and enable it): the tests run their own
  # instance on a port of their choosing. A policy-rc.d that answers 101 keeps every package's
  # service from starting during this install.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy" && own_policy=true
  fi
  trap 'if [ "$own_policy" = true ]; then rm -f "$policy"; fi' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# ... and not at the next boot either (systemd only where it runs as init).
if [ -d /run/systemd/system ] && systemctl is-enabled --quiet prometheus.service 2>/dev/null; then
  systemctl disable --now --quiet prometheus.service
fi
