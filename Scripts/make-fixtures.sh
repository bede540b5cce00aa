#!/usr/bin/env bash
# Recreates Tests/Fixtures/*.bin: real inet_diag dump replies captured in a private network namespace
# holding a known population (listeners, established pairs, TIME_WAIT on both sides, UDP, bound-inactive).
# Needs root (ip netns). Usage: Scripts/make-fixtures.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../Tests/Fixtures"
ns="sockdiag-fixtures-$$"
ip netns add "$ns"
trap 'kill "$pid" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_tw_reuse=0
ready=$(mktemp)
ip netns exec "$ns" python3 - "$ready" <<'PY' &
import socket, sys, time
keep = []
def listener(family, addr, port, v6only=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
    s.bind((addr, port)); s.listen(16); keep.append(s); return s
l4 = listener(socket.AF_INET, "127.0.0.1", 8000)
l6 = listener(socket.AF_INET6, "::1", 8001, v6only=True)
ld = listener(socket.AF_INET6, "::", 8002, v6only=False)
l9 = listener(socket.AF_INET, "127.0.0.1", 9000)
# established pairs, one through the dual-stack listener from IPv4 (IPv4-mapped peer)
for (fam, addr, port, srv) in [(socket.AF_INET, "127.0.0.1", 8000, l4), (socket.AF_INET6, "::1", 8001, l6),
                               (socket.AF_INET, "127.0.0.1", 8002, ld)]:
    c = socket.socket(fam, socket.SOCK_STREAM); c.connect((addr, port)); a, _ = srv.accept()
    c.send(b"hello"); keep += [c, a]
# server-side TIME_WAIT on 8000 (server closes first), client-side TIME_WAIT to 9000 (client closes first)
for _ in range(2):
    c = socket.create_connection(("127.0.0.1", 8000)); a, _ = l4.accept(); a.close(); time.sleep(0.05); c.close()
    c = socket.create_connection(("127.0.0.1", 9000)); a, _ = l9.accept(); c.close(); time.sleep(0.05); a.close()
c = socket.socket(socket.AF_INET6); c.connect(("::1", 8001)); a, _ = l6.accept(); a.close(); time.sleep(0.05); c.close()
# bound but neither listening nor connected
b = socket.socket(); b.bind(("127.0.0.1", 8500)); keep.append(b)
# UDP: bound v4 and v6, one connected
for fam, addr in [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1"), (socket.AF_INET6, "::")]:
    u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((addr, 5353 if addr != "::" else 5354)); keep.append(u)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 5355)); u.connect(("127.0.0.1", 5353)); keep.append(u)
time.sleep(0.2)
open(sys.argv[1], "w").write("ready")
time.sleep(120)
PY
pid=$!
for _ in $(seq 50); do [ -s "$ready" ] && break; sleep 0.1; done
cap() { ip netns exec "$ns" python3 "$here/capture-fixture.py" "$@"; }
cap 4 tcp fff "$out/tcp4-all.bin"
cap 6 tcp fff "$out/tcp6-all.bin"
cap 4 udp fff "$out/udp4-all.bin"
cap 6 udp fff "$out/udp6-all.bin"
cap 4 tcp 2000 "$out/tcp4-bound-inactive.bin"
ip netns exec "$ns" ss -tuanH state all > "$out/ss-tuanH.txt"
rm -f "$ready"
