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
  # tests: the TC flow tests' traffic generators and reference capture (bpf/src/test/resources)
  python3
  # packaging: the .deb and unit checks (strace: the unit's SystemCallFilter test; setpriv: the no-capabilities test)
  dpkg-dev systemd strace util-linux
  # other kernels under qemu (packaging/vm): emulator, the guest's initramfs, depmod and unpackers for its modules
  qemu-system-x86 busybox-static cpio kmod xz-utils zstd
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
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
