#!/usr/bin/env bash
# Compares sockdiag with ss on N TCP sockets held in a private network namespace, side by side,
# interleaved, 7 runs each (medians of wall time, CPU and peak RSS, with ratios).
# Usage: Scripts/bench/bench-dump.sh [N] (default 4000; needs root). Builds sockdiag in release mode first;
# SOCKDIAG=/path/sockdiag uses a prebuilt one.
set -euo pipefail
n=${1:-4000}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/build.sh"
. "$here/../lib/netns.sh"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
bin=${SOCKDIAG:-}
[ -n "$bin" ] || bin="$(release_build sockdiag)/sockdiag"
netns_create sockdiag-bench net.ipv4.tcp_tw_reuse=0
# Hold about N sockets: established loopback pairs plus ~5% server-side TIME_WAIT on port 8000.
netns_hold 60 "$n" <<'PY'
import resource, socket, sys, time
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 1000, n + 1000))
tw = max(n // 20, 5)
pairs = (n - tw) // 2
keep = []
for port in (8000, 9000):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("127.0.0.1", port)); l.listen(4096); keep.append(l)
l8000, l9000 = keep[0], keep[1]
for _ in range(tw):
    c = socket.create_connection(("127.0.0.1", 8000)); a, _ = l8000.accept(); a.close(); c.close()
for _ in range(pairs):
    c = socket.create_connection(("127.0.0.1", 9000)); a, _ = l9000.accept(); keep += [c, a]
time.sleep(0.5)
open(sys.argv[2], "w").write("ready")
time.sleep(3600)
PY
echo "namespace $netns: $(netns_exec ss -tanH | wc -l) TCP sockets (kernel $(uname -r), $(ss -V))"
netns_exec python3 "$here/bench_compare.py" 7 \
    "sockdiag -tan" "$bin -tan" \
    "ss -tan" "ss -tan" \
    "sockdiag --state time-wait --port 8000" "$bin --state time-wait --port 8000" \
    "ss -tan state time-wait '( sport = :8000 or dport = :8000 )'" "ss -tan state time-wait '( sport = :8000 or dport = :8000 )'" \
    "sockdiag -tan --json" "$bin -tan --json" \
    "ss -tan" "ss -tan" \
    "sockdiag --version (startup)" "$bin --version" \
    "ss -V (startup)" "ss -V"
