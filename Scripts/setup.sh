#!/usr/bin/env bash
# Installs what building sockdiag needs and a fresh Debian machine lacks: libmnl's headers (libmnl-dev),
# pkg-config, and iproute2 (ss and ip, used by the tests). Does nothing when they are present.
set -euo pipefail
missing=()
pkg-config --exists libmnl 2>/dev/null || missing+=(libmnl-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v ss >/dev/null && command -v ip >/dev/null || missing+=(iproute2)
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
