#!/usr/bin/env bash
# Recreates Tests/Fixtures/ext-*: real inet_diag dump replies captured WITH extension bits (idiag_ext 0x4f: what
# ss -m and ss -i ask together) in a private network namespace, and ss's own rendering of the same bytes
# (ss replays a captured TCP dump from $TCPDIAG_FILE), so that the decoding and the -o/-e/-m/-i formatting can be
# checked against ss byte for byte. The population: cubic (set per socket: a namespace cannot change its default
# here), one connection switched to bbr (BBRINFO),
# listeners (v4, v6only, dual-stack), established pairs with data queued, a half-closed pair (shutdown arrows,
# FIN-WAIT-2/CLOSE-WAIT), a keepalive timer, a TIME_WAIT minisocket, UDP.
# Needs root (ip netns). Usage: Scripts/make-extension-fixtures.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../Tests/Fixtures"
ns="sockdiag-ext-fixtures-$$"
ip netns add "$ns"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; ip netns del "$ns" 2>/dev/null || true' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_tw_reuse=0
ready=$(mktemp)
ip netns exec "$ns" python3 - "$ready" <<'PY' &
import socket, sys, time
keep = []
real_socket = socket.socket
def cubic(*args, **kwargs):
    s = real_socket(*args, **kwargs)
    if s.type == socket.SOCK_STREAM:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"cubic")
    return s
socket.socket = cubic
def listener(family, addr, port, v6only=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
    s.bind((addr, port)); s.listen(16); keep.append(s); return s
l4 = listener(socket.AF_INET, "127.0.0.1", 8000)
l6 = listener(socket.AF_INET6, "::1", 8001, v6only=True)
ld = listener(socket.AF_INET6, "::", 8002, v6only=False)
# data in flight and queued unread on the server side
c = socket.create_connection(("127.0.0.1", 8000)); a, _ = l4.accept()
c.sendall(b"x" * 100000); time.sleep(0.05); a.recv(30000); keep += [c, a]
# bbr on one connection (BBRINFO answers the VEGASINFO bit)
b = socket.socket(); b.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"bbr")
b.connect(("127.0.0.1", 8000)); ba, _ = l4.accept(); b.sendall(b"y" * 5000); ba.recv(5000); keep += [b, ba]
# half-closed: client FIN-WAIT-2 (send shut), server CLOSE-WAIT
h = socket.create_connection(("127.0.0.1", 8000)); ha, _ = l4.accept(); h.shutdown(socket.SHUT_WR); keep += [h, ha]
# keepalive timer
k = socket.socket(); k.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
k.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 75); k.connect(("127.0.0.1", 8000)); ka, _ = l4.accept(); keep += [k, ka]
# IPv6 pair and an IPv4 client of the dual-stack listener
for addr, port, srv in [("::1", 8001, l6), ("127.0.0.1", 8002, ld)]:
    c6 = socket.create_connection((addr, port)); a6, _ = srv.accept(); c6.sendall(b"hello"); keep += [c6, a6]
# server-side TIME_WAIT
t = socket.create_connection(("127.0.0.1", 8000)); ta, _ = l4.accept(); ta.close(); time.sleep(0.05); t.close()
# UDP, one with a bigger receive buffer
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 5353)); keep.append(u)
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u2.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
u2.bind(("127.0.0.1", 5354)); u2.connect(("127.0.0.1", 5353)); u2.send(b"ping"); keep.append(u2)
time.sleep(0.3)
open(sys.argv[1], "w").write("ready")
time.sleep(120)
PY
pid=$!
for _ in $(seq 50); do [ -s "$ready" ] && break; sleep 0.1; done
cap() { ip netns exec "$ns" python3 "$here/capture-fixture.py" "$@"; }
cap 4 tcp fff "$out/ext-tcp4.bin" 4f
cap 6 tcp fff "$out/ext-tcp6.bin" 4f
cap 4 udp fff "$out/ext-udp4.bin" 41
# ss's rendering of exactly those bytes (cgroup paths depend on the machine: ss prints them only with -e).
for f in tcp4 tcp6; do
    TCPDIAG_FILE="$out/ext-$f.bin" ss -tanoemiH 2>/dev/null | sed 's/[[:space:]]*$//' > "$out/ext-$f.ss-tanoemiH.txt"
    TCPDIAG_FILE="$out/ext-$f.bin" ss -tanmiH 2>/dev/null | sed 's/[[:space:]]*$//' > "$out/ext-$f.ss-tanmiH.txt"
    TCPDIAG_FILE="$out/ext-$f.bin" ss -tamiH 2>/dev/null | sed 's/[[:space:]]*$//' > "$out/ext-$f.ss-tamiH.txt"
done
rm -f "$ready"
