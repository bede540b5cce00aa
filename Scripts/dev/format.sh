#!/usr/bin/env bash
# Lints the Swift sources with the toolchain's swift-format and the repository's .swift-format
# (swift-nio's settings: 4 spaces, 120 columns). Usage: Scripts/dev/format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--fix" ]; then
    git ls-files -z '*.swift' | xargs -0 swift format format --in-place --parallel
else
    git ls-files -z '*.swift' | xargs -0 swift format lint --strict --parallel
fi
