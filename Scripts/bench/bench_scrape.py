#!/usr/bin/env python3
"""Times HTTP scrapes of running exporters, interleaved, and checks that their TCP state totals agree.

Usage: bench_scrape.py [--runs N] NAME=URL=PID [NAME=URL=PID ...]
The first target is the reference (B in the ratios). Per run each target is scraped once (a new connection each
time, as a Prometheus scrape after an idle keep-alive timeout), rotating which goes first. Wall time is per
scrape (request sent to body read); CPU is the server's own user+sys time (/proc/PID/stat) over all its scrapes,
divided by the runs; RSS is the server's VmRSS after the runs. After the timed runs one more scrape of each gives
the per-state TCP totals: node_exporter's node_tcp_connection_states{state} against sockdiag's
sockdiag_tcp_connection_states{state} (the same names), printed side by side (both also put rx_queued_bytes and
tx_queued_bytes in that metric's state label: they are left out); the script exits 1 if they differ.
"""
import os, re, socket, statistics, struct, sys, time, urllib.parse

TICKS = os.sysconf("SC_CLK_TCK")
# node_exporter's tcpstat names -> sockdiag's.
NODE_STATES = {"established": "established", "syn_sent": "syn-sent", "syn_recv": "syn-recv",
               "fin_wait1": "fin-wait-1", "fin_wait2": "fin-wait-2", "time_wait": "time-wait", "close": "closed",
               "close_wait": "close-wait", "last_ack": "last-ack", "listen": "listening", "closing": "closing"}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def scrape(url):
    """GET url on a new connection, closed with a reset (SO_LINGER 0) once the body is read, so that no scrape
    leaves a TIME_WAIT socket behind to skew the next scrape's totals."""
    parts = urllib.parse.urlsplit(url)
    start = time.perf_counter()
    sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
    try:
        sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError(f"{url}: connection closed in the header")
            data += chunk
        head, rest = data.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 200 " not in status + b" ":
            raise RuntimeError(f"{url}: {status.decode()}")
        headers = {k.strip().lower(): v.strip() for k, v in
                   (line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)}
        if b"content-length" in headers:
            length = int(headers[b"content-length"])
            while len(rest) < length:
                rest += sock.recv(65536)
            body = rest[:length]
        else:  # chunked (Go's net/http for a body of unknown length)
            body = b""
            while True:
                while b"\r\n" not in rest:
                    rest += sock.recv(65536)
                size_line, rest = rest.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    rest += sock.recv(65536)
                body += rest[:size]
                rest = rest[size + 2:]
                if size == 0:
                    break
    finally:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    return time.perf_counter() - start, body.decode()


def tcp_states(body):
    """Per sockdiag state name, TCP sockets, from either exporter's text."""
    states = {}
    for line in body.splitlines():
        m = re.match(r'(?:node|sockdiag)_tcp_connection_states\{state="([a-z0-9_]+)"\} (\S+)', line)
        if m:
            if m.group(1).endswith("queued_bytes"):  # rx/tx_queued_bytes are not states
                continue
            name = NODE_STATES.get(m.group(1), m.group(1))
            states[name] = states.get(name, 0) + int(float(m.group(2)))
    return {k: v for k, v in states.items() if v}


def main():
    args = sys.argv[1:]
    runs = 7
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    targets = []
    for arg in args:
        name, url, pid = arg.rsplit("=", 2)
        targets.append((name, url.replace("%3D", "="), int(pid)))
    if len(targets) < 2:
        sys.exit(__doc__)
    for _, url, _ in targets:  # warm-up
        scrape(url)
    walls = {name: [] for name, _, _ in targets}
    cpu0 = {name: cpu_seconds(pid) for name, _, pid in targets}
    for run in range(runs):
        order = targets[run % len(targets):] + targets[:run % len(targets)]
        for name, url, _ in order:
            walls[name].append(scrape(url)[0])
    cpu = {name: (cpu_seconds(pid) - cpu0[name]) / runs for name, _, pid in targets}
    rss = {name: rss_kib(pid) for name, _, pid in targets}
    ref = targets[0][0]
    ref_wall = statistics.median(walls[ref])
    print(f"  {'scrape (median of %d, interleaved)' % runs:<58} {'wall':>9} {'cpu':>9} {'rss':>9}   wall / cpu vs {ref}")
    for name, _, _ in targets:
        wall = statistics.median(walls[name])
        print(f"  {name:<58} {wall * 1000:7.1f}ms {cpu[name] * 1000:7.1f}ms {rss[name] / 1024:6.1f}MiB"
              f"   {wall / ref_wall:5.2f} / {cpu[name] / cpu[ref] if cpu[ref] else float('nan'):5.2f}")
    # The check: the TCP totals per state, one more scrape each.
    bodies = {name: scrape(url)[1] for name, url, _ in targets}
    reference = tcp_states(bodies[ref])
    ok = True
    for name, _, _ in targets[1:]:
        mine = tcp_states(bodies[name])
        same = mine == reference
        ok = ok and same
        states = sorted(set(mine) | set(reference))
        detail = ", ".join(f"{s} {mine.get(s, 0)}/{reference.get(s, 0)}" for s in states)
        print(f"  check {name}: TCP per state (sockdiag/node_exporter) {'match' if same else 'DIFFER'}: {detail}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
