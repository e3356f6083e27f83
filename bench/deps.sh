#!/usr/bin/env bash
# Installs from Debian's archive what `make -C bench bench` needs (and nothing from elsewhere):
# the build, the traffic tools, the peers, the collectors, the qemu guest. Idempotent.
set -euo pipefail
PACKAGES=(
	openjdk-17-jdk-headless maven make gcc libc6-dev clang llvm libbpf-dev libbpf1   # build
	iproute2 ethtool procps iperf3 netsniff-ng jq python3 bpftool                   # traffic, counters
	softflowd pmacct nfdump wireshark-common                                         # peers, collector, dumpcap
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd                           # the qemu guest
)
missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	# wireshark-common asks whether non-root users may capture: no
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "bench deps: all ${#PACKAGES[@]} Debian packages installed"
