#!/usr/bin/env bash
# Recreates Tests/Fixtures/proc/: the real text of /proc/net/{tcp,tcp6,udp,udp6} captured in a private network
# namespace holding a known population, and `ss -tuanH state all` taken right after from the same namespace.
# Population: TCP listeners 127.0.0.1:8000, v6-only [::1]:8001, dual-stack [::]:8002; established pairs (one IPv4
# client through the dual-stack listener, so IPv4-mapped; one with SO_KEEPALIVE; one left in 8001's accept queue;
# unread data so Recv-Q is not 0); server-side TIME_WAIT on 8000; UDP bound v4/v6/dual-stack, one connected, one
# with an unread datagram.
# Needs root (ip netns). Usage: Scripts/make-proc-fixtures.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../Tests/Fixtures/proc"
mkdir -p "$out"
ns="sockdiag-procfix-$$"
pid=
ready=$(mktemp)
ip netns add "$ns"
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; ip netns del "$ns" 2>/dev/null || true; rm -f "$ready"' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_tw_reuse=0
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
# established pairs; the client sends 5 bytes the server never reads (server Recv-Q 5)
for fam, addr, port, srv, keepalive in [(socket.AF_INET, "127.0.0.1", 8000, l4, True),
                                        (socket.AF_INET6, "::1", 8001, l6, False),
                                        (socket.AF_INET, "127.0.0.1", 8002, ld, False)]:
    c = socket.socket(fam, socket.SOCK_STREAM)
    if keepalive:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.connect((addr, port)); a, _ = srv.accept()
    c.send(b"hello"); keep += [c, a]
# one connection left in 8001's accept queue (listener Recv-Q 1)
c = socket.socket(socket.AF_INET6); c.connect(("::1", 8001)); keep.append(c)
# server-side TIME_WAIT on 8000: the server closes first
for _ in range(2):
    c = socket.create_connection(("127.0.0.1", 8000)); a, _ = l4.accept(); a.close(); time.sleep(0.05); c.close()
# UDP: bound v4 and v6, a dual-stack wildcard, one connected; one unread datagram on 127.0.0.1:5353
for fam, addr, port in [(socket.AF_INET, "127.0.0.1", 5353), (socket.AF_INET6, "::1", 5353), (socket.AF_INET6, "::", 5354)]:
    u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((addr, port)); keep.append(u)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 5355)); u.connect(("127.0.0.1", 5353))
u.send(b"datagram"); keep.append(u)
time.sleep(0.2)
open(sys.argv[1], "w").write("ready")
time.sleep(120)
PY
pid=$!
for _ in $(seq 50); do [ -s "$ready" ] && break; sleep 0.1; done
[ -s "$ready" ] || { echo "population did not come up" >&2; exit 1; }
# All four tables and ss at (nearly) the same moment, from inside the namespace.
ip netns exec "$ns" sh -c '
    out=$1
    cat /proc/net/tcp > "$out/tcp"; cat /proc/net/tcp6 > "$out/tcp6"
    cat /proc/net/udp > "$out/udp"; cat /proc/net/udp6 > "$out/udp6"
    ss -tuanH state all > "$out/ss-tuanH.txt"
' sh "$out"
echo "wrote $(ls "$out" | tr '\n' ' ')to $out"
