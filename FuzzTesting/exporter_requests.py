#!/usr/bin/env python3
"""Black-box fuzzing of sockdiag-exporter's request handling: the real server (SwiftNIO's HTTP/1.1 parser, the
connection guard, the metrics handler) in a private network namespace, fed mutated HTTP requests on loopback.

Usage: exporter_requests.py EXPORTER_BINARY [SECONDS] [SEED]   (root: it creates and removes a network namespace)

Each request is a seed (valid GET and HEAD scrapes, other methods and paths, pipelined requests, chunked and
Content-Length bodies, long and odd headers, HTTP/1.0, garbage) mutated by byte flips, insertions, deletions,
duplications, truncation and splicing, sent on a fresh connection, sometimes in several writes. The answer must be an
HTTP status line or a closed connection, within the header timeout. After every 25 requests a plain scrape must answer
200 within 2 s. At the end the exporter must still run and hold no more descriptors than after its first scrape
(plus connections still closing). Exit 0 when all held, 1 with the failing input (hex) otherwise.
"""
import os
import random
import signal
import socket
import subprocess
import sys
import time

SEEDS = [
    b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /metrics?name[]=x HTTP/1.1\r\nHost: x\r\nAccept: text/plain;version=0.0.4\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    b"PUT /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 3000 + b"\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET http://x/metrics HTTP/1.1\r\n\r\n",
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",  # a TLS ClientHello's start
    b"GET /metrics HTTP/2.0\r\n\r\n",
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        choice = rng.randrange(7)
        position = rng.randrange(len(data) + 1)
        if choice == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice == 1:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif choice == 2 and data:
            del data[position : position + rng.randint(1, 16)]
        elif choice == 3 and data:
            start = rng.randrange(len(data))
            data[position:position] = data[start : start + rng.randint(1, 64)] * rng.randint(1, 20)
        elif choice == 4:
            data = data[: rng.randrange(len(data) + 1)]
        elif choice == 5:
            data[position:position] = rng.choice([b"\r\n", b"\n", b"\r", b":", b" ", b"\x00", b"%", b"?", b"\xff"])
        else:
            other = rng.choice(SEEDS)
            data[position:position] = other[rng.randrange(len(other) + 1) :]
    return bytes(data[:65536])


def exchange(port, data, rng, timeout):
    """Sends `data` (in one to three writes) and reads until the server closes or answers; returns what came back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as client:
        cuts = sorted(rng.randrange(len(data) + 1) for _ in range(rng.randrange(3)))
        pieces = [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]
        try:
            for piece in pieces:
                client.sendall(piece)
            if rng.random() < 0.5:
                client.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server closed first (EPIPE, ECONNRESET, ENOTCONN): what it answered is read below
        answer = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = client.recv(65536)
            except socket.timeout:
                break
            except OSError:
                return answer, "reset"
            if not chunk:
                return answer, "closed"
            answer += chunk
            if b"\r\n\r\n" in answer and not answer.startswith(b"HTTP/1.1 200"):
                return answer, "answered"
        return answer, "open"


def scrape(port):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
        client.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while True:
            chunk = client.recv(65536)
            if not chunk:
                return answer
            answer += chunk


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    if sys.argv[1] == "--inside":
        return fuzz(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    binary = os.path.abspath(sys.argv[1])
    seconds = sys.argv[2] if len(sys.argv) > 2 else "30"
    seed = sys.argv[3] if len(sys.argv) > 3 else str(random.randrange(1 << 32))
    namespace = f"sockdiag-fuzz-exporter-{os.getpid()}"
    subprocess.run(["ip", "netns", "add", namespace], check=True)
    try:
        subprocess.run(["ip", "-n", namespace, "link", "set", "lo", "up"], check=True)
        inside = [sys.executable, os.path.abspath(__file__), "--inside", binary, seconds, seed]
        return subprocess.run(["ip", "netns", "exec", namespace] + inside).returncode
    finally:
        subprocess.run(["ip", "netns", "del", namespace])


def fuzz(binary, seconds, seed):
    """Runs inside the namespace: starts the exporter, sends the requests, stops it."""
    rng = random.Random(seed)
    port = 9474
    server = None
    try:
        server = subprocess.Popen(
            [binary, "--listen", f"127.0.0.1:{port}", "--header-timeout", "2", "--idle-timeout", "2"],
            stderr=subprocess.DEVNULL,  # one line per failure it logs; the checks below are what counts
        )
        for _ in range(100):
            try:
                if scrape(port).startswith(b"HTTP/1.1 200"):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            print("exporter_requests: the exporter never answered a scrape", file=sys.stderr)
            return 1
        baseline = descriptors(server.pid)
        sent = answered = closed = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            data = mutate(rng, rng.choice(SEEDS))
            answer, how = exchange(port, data, rng, timeout=3)
            sent += 1
            if how == "open":
                print(f"exporter_requests: no answer and no close within 3 s (seed {seed}): {data.hex()}",
                      file=sys.stderr)
                return 1
            if answer and not answer.startswith(b"HTTP/1."):
                print(f"exporter_requests: not an HTTP answer (seed {seed}): {data.hex()} -> {answer[:80]!r}",
                      file=sys.stderr)
                return 1
            answered += bool(answer)
            closed += not answer
            if server.poll() is not None:
                print(f"exporter_requests: the exporter exited with {server.returncode} after (seed {seed}): "
                      f"{data.hex()}", file=sys.stderr)
                return 1
            if sent % 25 == 0:
                started = time.monotonic()
                if not scrape(port).startswith(b"HTTP/1.1 200") or time.monotonic() - started > 2:
                    print(f"exporter_requests: a scrape failed after (seed {seed}): {data.hex()}", file=sys.stderr)
                    return 1
        time.sleep(2.5)  # connections the server is still closing (header and idle timeouts are 2 s)
        after = descriptors(server.pid)
        if after > baseline:
            print(f"exporter_requests: {after} descriptors at the end, {baseline} after the first scrape",
                  file=sys.stderr)
            return 1
        print(f"exporter_requests: {sent} mutated requests in {seconds:.0f} s (seed {seed}): {answered} answered, "
              f"{closed} closed without an answer; every scrape 200; descriptors {baseline} -> {after}")
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(5)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
