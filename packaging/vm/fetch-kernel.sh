#!/usr/bin/env bash
# Usage: fetch-kernel.sh KERNEL
# Resolves KERNEL to one of Debian's generic amd64 kernel packages, downloads it with
# `apt-get download` and unpacks it (dpkg-deb -x) into the cache, once; prints the
# unpacked directory. KERNEL is a series alias or an exact ABI name:
#   6.1    Debian 12's default kernel (what the meta-package linux-image-amd64 points at)
#   6.12   Debian 12's 6.12 series (meta-package linux-image-6.12-amd64, bookworm-security)
#   5.10   Debian 11's kernel (meta-package linux-image-amd64 of bullseye and bullseye-security),
#          resolved through apt with a sources list and lists directory of its own in the cache,
#          so the host's apt state is untouched
#   6.1.0-56, 6.12.117+deb12, ...   linux-image-<that>-amd64 exactly
# The cache ($FLOWMOND_VM_CACHE, default /var/cache/flowmond-vm) keeps one directory per
# package version; a new security update of a series is downloaded once more when it appears.
# The generic flavour only: -cloud-amd64 has no 9p, which the guest needs for its root.
set -euo pipefail

CACHE="${FLOWMOND_VM_CACHE:-/var/cache/flowmond-vm}"
# apt options for the host's archive; bullseye_apt() replaces them for Debian 11's.
APT_OPTS=()

die() { echo "fetch-kernel: $*" >&2; exit 1; }

# The kernel package a meta-package depends on, e.g. linux-image-6.1.0-56-amd64.
meta_target() {
    apt-cache "${APT_OPTS[@]}" depends --no-recommends --no-suggests "$1" 2>/dev/null \
        | sed -n 's/^ *Depends: \(linux-image-[^ ]*-amd64\)$/\1/p' | head -n1 || true
}

resolve_package() {
    case "$1" in
        6.1|5.10)  meta_target linux-image-amd64 ;;
        6.12) meta_target linux-image-6.12-amd64 ;;
        *)    echo "linux-image-$1-amd64" ;;
    esac
}

# apt's lists may be missing on a fresh machine: update once, then ask again.
package_known() { apt-cache "${APT_OPTS[@]}" show "$1" >/dev/null 2>&1; }

# The mirror the host's apt already uses for Debian ("debian" or "debian-security" archive),
# read from its deb822 or one-line sources, so that no host is written into this script.
host_mirror() {
    local archive="$1" f
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && grep -v '^ *#' "$f"
    done | grep -oE "(https?|file):/+[^ ]*/$archive/?( |$)" | head -n1 | tr -d ' ' || true
}

# Points apt at Debian 11 (bullseye, main + security) through files of its own under the
# cache: sources, lists and package cache; the host's /etc/apt and /var/lib/apt stay as they are.
bullseye_apt() {
    local dir="$CACHE/apt-bullseye" main security
    main="$(host_mirror debian)"
    security="$(host_mirror debian-security)"
    [ -n "$main" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d} to take bullseye from"
    mkdir -p "$dir/sources.list.d" "$dir/lists/partial" "$dir/cache/archives/partial"
    {
        printf 'Types: deb\nURIs: %s\nSuites: bullseye bullseye-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$main"
        if [ -n "$security" ]; then
            printf '\nTypes: deb\nURIs: %s\nSuites: bullseye-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security"
        fi
    } > "$dir/sources.list.d/bullseye.sources"
    chmod -R a+rwX "$dir/lists" "$dir/cache" # apt downloads as _apt
    APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$dir/sources.list.d"
              -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o "Dir::State::Status=/dev/null"
              -o "APT::Architecture=amd64")
}

main() {
    [ $# -eq 1 ] || die "usage: fetch-kernel.sh KERNEL   (6.1, 6.12, 5.10, or an ABI name like 6.1.0-56)"
    # One fetch at a time: concurrent guests (run-guest.sh, FLOWMOND_VM_GUESTS) of one kernel would
    # otherwise unpack into the same directory, and apt-get update take the same lists.
    mkdir -p "$CACHE"
    exec 8>"$CACHE/fetch.lock"
    flock 8
    local pkg
    case "$1" in 5.10|5.10.*) bullseye_apt ;; esac
    pkg="$(resolve_package "$1")"
    if [ -z "$pkg" ] || ! package_known "$pkg"; then
        apt-get "${APT_OPTS[@]}" update -qq >&2 || true
        pkg="$(resolve_package "$1")"
    fi
    [ -n "$pkg" ] && package_known "$pkg" \
        || die "no Debian package for kernel '$1' (looked for ${pkg:-a meta-package}; see 'apt-cache search linux-image | grep amd64')"
    case "$pkg" in *-cloud-amd64|*-rt-amd64) die "$pkg: use the generic flavour (cloud lacks 9p)";; esac

    local version dir
    version="$(apt-cache "${APT_OPTS[@]}" policy "$pkg" | sed -n 's/^ *Candidate: //p')"
    dir="$CACHE/kernels/$pkg@$version"
    if [ ! -e "$dir/.complete" ]; then
        download_and_unpack "$pkg" "$version" "$dir"
    fi
    echo "$dir"
}

download_and_unpack() {
    local pkg="$1" version="$2" dir="$3" tmp
    mkdir -p "$CACHE/kernels"
    tmp="$(mktemp -d "$CACHE/kernels/.download.XXXXXX")"
    echo "fetch-kernel: downloading $pkg=$version" >&2
    # apt drops privileges to _apt for downloads; let it write here.
    chmod 777 "$tmp"
    (cd "$tmp" && apt-get "${APT_OPTS[@]}" download -q "$pkg=$version" >&2) || die "apt-get download $pkg=$version failed"
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$tmp"/*.deb "$dir"
    rm -rf "$tmp"
    ls "$dir"/boot/vmlinuz-* >/dev/null 2>&1 || die "$pkg has no /boot/vmlinuz-*"
    # The package ships no modules.dep (its postinst makes it): make it here, so the
    # initramfs builder can order modules and the guest's modprobe can load the rest.
    local kver
    kver="$(basename "$(ls -d "$dir"/lib/modules/*)")"
    depmod -b "$dir" "$kver"
    echo "$pkg=$version" > "$dir/.complete"
}

main "$@"
