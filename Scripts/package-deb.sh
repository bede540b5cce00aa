#!/usr/bin/env bash
# Builds the Debian package sockdiag_VERSION-REVISION_ARCH.deb with dpkg-deb: what Scripts/install.sh installs for
# --prefix /usr (binaries with the Swift stdlib linked statically, man pages, completions, the exporter's systemd
# unit, never enabled), /etc/default/sockdiag-exporter as a conffile, and deploy/debian's control file template,
# maintainer scripts, copyright and changelog. Depends are computed by dpkg-shlibdeps (libmnl0, libc6, ...).
#
# Usage: Scripts/package-deb.sh [--output DIR] [--binaries DIR] [--revision R]
#
#   --output DIR     where the .deb goes (default .build/deb); its path is printed on stdout
#   --binaries DIR   package sockdiag and sockdiag-exporter from DIR instead of building them (release,
#                    --static-swift-stdlib)
#   --revision R     the Debian revision (default 1)
#
# Install it on a Debian machine with: apt install ./sockdiag_*.deb
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
fail() { echo "package-deb.sh: $*" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
output=$root/.build/deb
binaries=""
revision=1
while [ $# -gt 0 ]; do
    case "$1" in
        --output | --binaries | --revision)
            [ $# -ge 2 ] && [ -n "$2" ] || fail "$1 needs a value"
            case "$1" in
                --output) output=$2 ;;
                --binaries) binaries=$2 ;;
                --revision) revision=$2 ;;
            esac
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) fail "unknown argument '$1' (try --help)" ;;
    esac
    shift
done
for tool in dpkg-deb dpkg-shlibdeps gzip; do
    command -v "$tool" >/dev/null || { echo "package-deb.sh: $tool is missing (apt-get install dpkg-dev)" >&2; exit 1; }
done

if [ -z "$binaries" ]; then
    . "$root/Scripts/lib/build.sh"
    release_build sockdiag >/dev/null
    binaries=$(release_build sockdiag-exporter)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root
"$root/Scripts/install.sh" --prefix /usr --sysconfdir /etc --destdir "$stage" --binaries "$binaries"

version=$("$stage/usr/bin/sockdiag" --version | awk '{ print $2 }')
[ -n "$version" ] || fail "cannot read the version from sockdiag --version"
arch=$(dpkg --print-architecture)
doc=$stage/usr/share/doc/sockdiag
install -D -m 0644 "$root/deploy/debian/copyright" "$doc/copyright"
gzip -9nc "$root/deploy/debian/changelog" >"$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

# dpkg-shlibdeps wants a source package's layout: a debian/control naming the binary package.
mkdir -p "$work/src/debian"
printf 'Source: sockdiag\n\nPackage: sockdiag\nArchitecture: any\n' >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$stage/usr/bin/sockdiag" "$stage/usr/bin/sockdiag-exporter" |
    sed -n 's/^shlibs:Depends=//p')
case "$depends" in *libmnl0*) ;; *) fail "dpkg-shlibdeps found no libmnl0 dependency ('$depends')" ;; esac

mkdir -p "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | awk '{ print $1 }')
sed -e "s/@VERSION@/$version-$revision/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    "$root/deploy/debian/control.in" >"$stage/DEBIAN/control"
echo /etc/default/sockdiag-exporter >"$stage/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "$root/deploy/debian/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles"

mkdir -p "$output"
deb=$output/sockdiag_${version}-${revision}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "$deb"
