#!/usr/bin/env bash
# Checks the Prometheus rules in deploy/prometheus: syntax (`promtool check rules`), then the unit tests of every
# rule (`promtool test rules`). promtool comes with Debian's prometheus package (Scripts/setup.sh). About 1 s.
# (The dashboard's queries are checked against a real Prometheus by the integration test Integration/Alerting.)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v promtool >/dev/null || { echo "check-rules: promtool is not installed (Scripts/setup.sh)" >&2; exit 1; }
promtool check rules deploy/prometheus/sockdiag-rules.yml
promtool test rules deploy/prometheus/sockdiag-rules.test.yml
