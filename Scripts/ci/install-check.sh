#!/usr/bin/env bash
# CI: what installing sockdiag takes, checked after `swift test` (which built the debug binaries): the man pages
# are current and lint clean, the .deb builds (release, static Swift stdlib), its contents and control data are
# sane, it unpacks into a scratch root whose binaries run and whose pages render, its completion scripts parse in
# bash, zsh and fish, apt would install it here, and systemd accepts the exporter's unit. Each step prints its time.
#
# Usage: Scripts/ci/install-check.sh      (root not needed; lintian runs when it is installed)
set -euo pipefail
cd "$(dirname "$0")/../.."

step_started=0
step() {
    finish_step
    step_name=$1
    step_started=$(date +%s%N)
    echo "install-check: $step_name ..." >&2
}
finish_step() {
    if [ "$step_started" -ne 0 ]; then
        echo "install-check: $step_name: $((($(date +%s%N) - step_started) / 1000000)) ms" >&2
    fi
    step_started=0
}
fail() { echo "install-check: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "man pages match the binaries' help (Scripts/man/generate.sh --check)"
swift build --product sockdiag >/dev/null
swift build --product sockdiag-exporter >/dev/null
Scripts/man/generate.sh --check --binaries "$(swift build --show-bin-path)"

step "man pages lint clean"
for page in Documentation/man/*.1; do
    if command -v mandoc >/dev/null; then
        out=$(mandoc -Tlint -W warning "$page" 2>&1 || true)
    else
        out=$(groff -mandoc -Tutf8 -ww -z "$page" 2>&1 || true)
    fi
    [ -z "$out" ] || fail "$page: $out"
done

step "the Debian package (Scripts/package-deb.sh: release build, dpkg-deb)"
deb=$(Scripts/package-deb.sh --output "$work")
[ -f "$deb" ] || fail "no package at '$deb'"

step "dpkg-deb -I / -c"
info=$(dpkg-deb -I "$deb")
grep -q '^ Depends:.*libmnl0' <<<"$info" || fail "the package does not depend on libmnl0: $info"
contents=$(dpkg-deb -c "$deb")
for file in ./usr/bin/sockdiag ./usr/bin/sockdiag-exporter ./usr/share/man/man1/sockdiag.1.gz \
    ./usr/share/man/man1/sockdiag-exporter.1.gz ./usr/share/bash-completion/completions/sockdiag \
    ./usr/share/zsh/vendor-completions/_sockdiag ./usr/share/fish/vendor_completions.d/sockdiag.fish \
    ./lib/systemd/system/sockdiag-exporter.service ./etc/default/sockdiag-exporter \
    ./usr/share/doc/sockdiag/copyright ./usr/share/doc/sockdiag/changelog.Debian.gz; do
    grep -q " $file\$" <<<"$contents" || fail "$file is not in the package"
done
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/default/sockdiag-exporter "$work/control/conffiles" || fail "the defaults file is not a conffile"
for script in postinst prerm postrm; do sh -n "$work/control/$script" || fail "$script does not parse"; done

step "unpacked into a scratch root: the binaries run, the pages render, the completions parse"
scratch=$work/root
dpkg-deb -x "$deb" "$scratch"
"$scratch/usr/bin/sockdiag" --version | grep -q '^sockdiag ' || fail "the installed sockdiag does not run"
"$scratch/usr/bin/sockdiag-exporter" --version | grep -q '^sockdiag-exporter ' || fail "the installed exporter does not run"
ldd "$scratch/usr/bin/sockdiag" | grep -q libswiftCore && fail "sockdiag links the Swift runtime dynamically"
for page in "$scratch"/usr/share/man/man1/*.1.gz; do
    MANWIDTH=80 man -l "$page" 2>"$work/man.err" | grep -q . || fail "man -l $page printed nothing"
    [ ! -s "$work/man.err" ] || fail "man -l $page: $(cat "$work/man.err")"
done
bash -n "$scratch/usr/share/bash-completion/completions/sockdiag"
bash -n "$scratch/usr/share/bash-completion/completions/sockdiag-exporter"
if command -v zsh >/dev/null; then zsh -n "$scratch"/usr/share/zsh/vendor-completions/_sockdiag*; fi
if command -v fish >/dev/null; then fish -n "$scratch"/usr/share/fish/vendor_completions.d/sockdiag*.fish; fi

step "apt would install it here (apt-get install -s)"
if [ "$(id -u)" -eq 0 ]; then
    apt-get install -s "$deb" >"$work/apt.out" 2>&1 || fail "apt-get install -s: $(cat "$work/apt.out")"
    grep -q '^Inst sockdiag ' "$work/apt.out" || fail "apt-get install -s would not install sockdiag"
fi

step "the exporter's unit (systemd-analyze verify, security)"
if command -v systemd-analyze >/dev/null; then
    # The packaged unit, its ExecStart pointed at the unpacked binary (verify checks that it is executable).
    mkdir "$work/unit"
    sed "s|/usr/bin/sockdiag-exporter|$scratch/usr/bin/sockdiag-exporter|" \
        "$scratch/lib/systemd/system/sockdiag-exporter.service" >"$work/unit/sockdiag-exporter.service"
    systemd-analyze verify --man=no "$work/unit/sockdiag-exporter.service"
    systemd-analyze security --offline=true "$work/unit/sockdiag-exporter.service" 2>/dev/null |
        grep 'Overall exposure level' >&2 || true
fi

if command -v lintian >/dev/null; then
    step "lintian"
    lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" >&2 || fail "lintian found errors"
fi
finish_step
echo "install-check: $(basename "$deb") is good" >&2
