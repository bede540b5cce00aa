#!/usr/bin/env bash
# Is sockdiag-exporter's memory flat, and does it keep its descriptors, over many scrapes? In a private network
# namespace holding a small population (a listener, 200 established pairs, 50 TIME_WAIT sockets on port 8000), the
# exporter is scraped SCRAPES times (new connection each, closed with a reset so that the scrapes add no TIME_WAIT);
# prints VmRSS after 1, 100, 1000, ... scrapes and the open descriptors after the first and the last scrape.
#
# Usage: Scripts/soak/exporter-soak.sh [SCRAPES] [EXPORTER OPTIONS ...]   (root; default 10000)
# SOCKDIAG_EXPORTER=/path/sockdiag-exporter uses a prebuilt one; otherwise it is built in release mode.
set -euo pipefail
scrapes=${1:-10000}
shift || true
case "$scrapes" in '' | *[!0-9]*) echo "exporter-soak.sh: SCRAPES must be a number" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "exporter-soak.sh: needs root (ip netns)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/build.sh"
. "$here/../lib/netns.sh"
exporter=${SOCKDIAG_EXPORTER:-}
[ -n "$exporter" ] || exporter="$(release_build sockdiag-exporter)/sockdiag-exporter"

tmp=$(mktemp -d /tmp/exporter-soak.XXXXXX)
on_exit 'rm -rf "$tmp"'
netns_create sockdiag-soak

# The population, held by a Python process until the namespace is deleted.
netns_hold 0 <<'PY'
import socket, sys, time
listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 8000)); listener.listen(512)
held = []
for _ in range(200):
    c = socket.create_connection(("127.0.0.1", 8000)); s, _ = listener.accept(); held += [c, s]
for _ in range(50):  # server closes first: TIME_WAIT on local port 8000
    c = socket.create_connection(("127.0.0.1", 8000)); s, _ = listener.accept(); s.close(); c.recv(1); c.close()
open(sys.argv[1], "w").write("ready\n")
while True:
    time.sleep(3600)
PY

ip netns exec "$netns" "$exporter" --listen 127.0.0.1:9474 "$@" 2>"$tmp/exporter.err" &
exporter_pid=$!
until grep -q "listening on" "$tmp/exporter.err" 2>/dev/null; do
    kill -0 "$exporter_pid" 2>/dev/null || { cat "$tmp/exporter.err" >&2; exit 1; }
    sleep 0.05
done

echo "sockdiag-exporter $* in a namespace with $(netns_exec ss -tanH | wc -l) TCP sockets; $scrapes scrapes"
netns_exec python3 - "$scrapes" "$exporter_pid" <<'PY'
import socket, struct, sys, time
scrapes, pid = int(sys.argv[1]), int(sys.argv[2])

def status(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])

def fds():
    import os
    return len(os.listdir(f"/proc/{pid}/fd"))

def scrape():
    s = socket.create_connection(("127.0.0.1", 9474))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    assert b" 200 " in head.split(b"\r\n")[0], head
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    while len(body) < length:
        body += s.recv(65536)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return body

marks = {1, 10, 100, 1000, 10000, 100000, scrapes}
start = time.perf_counter()
first_fds = None
for i in range(1, scrapes + 1):
    body = scrape()
    if i == 1:
        first_fds = fds()
    if i in marks:
        print(f"after {i:>6} scrapes: VmRSS {status('VmRSS'):>6} KiB  (VmHWM {status('VmHWM')} KiB)")
elapsed = time.perf_counter() - start
print(f"descriptors: {first_fds} after the first scrape, {fds()} after scrape {scrapes}")
print(f"{scrapes} scrapes in {elapsed:.1f} s ({elapsed / scrapes * 1000:.2f} ms each, client included); "
      f"last body {len(body)} bytes")
PY
