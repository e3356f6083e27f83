#!/usr/bin/env bash
# Builds the flowmond .deb with dpkg-deb (no debhelper needed). From the repository root:
#
#     bash packaging/build-deb.sh
#
# builds daemon/target/flowmond.jar with Maven (tests skipped), then writes
# packaging/build/flowmond_<version>_<arch>.deb. Install it with: apt install ./packaging/build/flowmond_*.deb
#
# Options: --no-build  use the jar already in daemon/target (what the test does after `mvn package`)
#          --out DIR   write the .deb (and the staging tree, DIR/root) to DIR instead of packaging/build
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$here/build"
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --out) out="$2"; shift ;;
        *) echo "usage: $0 [--no-build] [--out DIR]" >&2; exit 64 ;;
    esac
    shift
done

if [ "$build" = 1 ]; then
    (cd "$repo" && mvn -B -ntp -q -DskipTests package)
fi
jar="$repo/daemon/target/flowmond.jar"
[ -r "$jar" ] || { echo "build-deb: $jar is missing: run 'mvn -B -ntp -DskipTests package' first" >&2; exit 66; }

# The jar's own version, Maven 0.1.0-SNAPSHOT -> Debian 0.1.0~snapshot (sorts before the 0.1.0 release).
maven_version="$(java -jar "$jar" --version | sed -n 's/^flowmond //p')"
version="$(echo "$maven_version" | sed 's/-SNAPSHOT$/~snapshot/')"
# The BPF objects in the jar are compiled for this machine's architecture (__TARGET_ARCH).
arch="$(dpkg --print-architecture)"

root="$out/root"
rm -rf "$root"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/flowmond" "$root/lib/systemd/system" \
    "$root/etc" "$root/usr/share/doc/flowmond/examples" "$root/var/lib/flowmond"
install -m 0755 "$here/flowmond" "$root/usr/bin/flowmond"
install -m 0644 "$jar" "$root/usr/share/flowmond/flowmond.jar"
# the classes the launcher's start-up archive holds (packaging/flowmond)
install -m 0644 "$here/flowmond.classlist" "$root/usr/share/flowmond/flowmond.classlist"
install -m 0644 "$here/flowmond.service" "$root/lib/systemd/system/flowmond.service"
install -m 0644 "$repo/config/flowmon.conf" "$root/etc/flowmon.conf"
install -m 0644 "$repo/README.md" "$root/usr/share/doc/flowmond/README.md"
install -m 0644 "$here/debian/copyright" "$root/usr/share/doc/flowmond/copyright"
# Prometheus alerting rules for the metrics endpoint (flowmon.metrics.listen), an example to copy
install -m 0644 "$here/flowmond-alerts.yml" "$root/usr/share/doc/flowmond/examples/flowmond-alerts.yml"
install -m 0644 "$here/debian/conffiles" "$root/DEBIAN/conffiles"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"

installed_size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
    "$here/debian/control.in" > "$root/DEBIAN/control"

deb="$out/flowmond_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group "$root" "$deb" >/dev/null
echo "$deb"
