#!/usr/bin/env bash
# Installs what building and testing sockdiag needs and a fresh Debian machine lacks: libmnl's headers
# (libmnl-dev), pkg-config, iproute2 (ss and ip, used by the tests), Prometheus (the exporter's integration
# test scrapes it with a real one; its package ships promtool, which checks deploy/prometheus), Alertmanager
# (the alerting end-to-end test), and what the install check needs (dpkg-dev, mandoc, man-db, zsh, fish). Does
# nothing when they are present.
set -euo pipefail
missing=()
pkg-config --exists libmnl 2>/dev/null || missing+=(libmnl-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v ss >/dev/null && command -v ip >/dev/null || missing+=(iproute2)
command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
# For Scripts/ci/install-check.sh: the .deb (dpkg-shlibdeps), the man pages' lint and rendering, the completion
# scripts' syntax in each shell.
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
command -v mandoc >/dev/null || missing+=(mandoc)
command -v man >/dev/null || missing+=(man-db)
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    # Debian's prometheus packages would start their daemons where services can start: forbid that for the install
    # (invoke-rc.d asks policy-rc.d; 101 = not allowed), unless the machine already has a policy of its own.
    policy=/usr/sbin/policy-rc.d
    own_policy=false
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
        $sudo chmod 755 "$policy"
        own_policy=true
    fi
    status=0
    {
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    } || status=$?
    if $own_policy; then $sudo rm -f "$policy"; fi
    exit $status
fi
