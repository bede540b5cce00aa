#!/usr/bin/env python3
"""Capture a raw UNIX_DIAG dump reply and what `ss -xaH` printed at the same moment, for test fixtures.

Usage (root): ip netns add fx && ip netns exec fx python3 Scripts/capture-unix-fixture.py OUT_PREFIX; ip netns del fx

Creates, in the namespace it runs in: a listening stream socket on a path with one pending connection, a
connected socketpair with 5 bytes queued one way, an abstract datagram socket whose name holds a NUL byte, an
unbound datagram socket and an abstract listening seqpacket socket. Writes OUT_PREFIX.bin (every reply datagram
as the kernel sent it, up to and including NLMSG_DONE; request: all states, UDIAG_SHOW_NAME|PEER|RQLEN, as
sockdiag sends) and OUT_PREFIX.ss-xaH.txt.
"""
import os, socket, struct, subprocess, sys, tempfile

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
NLMSG_DONE, NLMSG_ERROR = 3, 2
UDIAG_SHOW = 0x01 | 0x04 | 0x10

def capture():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    s.bind((0, 0))
    body = struct.pack("=BBHIIIII", socket.AF_UNIX, 0, 0, 0xFFFFFFFF, 0, UDIAG_SHOW, 0xFFFFFFFF, 0xFFFFFFFF)
    s.send(struct.pack("=IHHII", 16 + len(body), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    data = bytearray()
    done = False
    while not done:
        chunk = s.recv(65536)
        data += chunk
        off = 0
        while off + 16 <= len(chunk):
            length, typ = struct.unpack_from("=IH", chunk, off)
            done = done or typ in (NLMSG_DONE, NLMSG_ERROR)
            off += (length + 3) & ~3
    return bytes(data)

def main():
    prefix = sys.argv[1]
    directory = tempfile.mkdtemp(prefix="sockdiag-fixture-")
    path = os.path.join(directory, "listen.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(5)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(path)
    a, b = socket.socketpair()
    a.send(b"hello")
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    abstract.bind(b"\0sockdiag\0fixture")
    unbound = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    seq = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    seq.bind(b"\0sockdiag-seq")
    seq.listen(1)
    data = capture()
    ss = subprocess.run(["ss", "-xaH"], capture_output=True, text=True, check=True).stdout
    open(prefix + ".bin", "wb").write(data)
    open(prefix + ".ss-xaH.txt", "w").write(ss)
    os.unlink(path)
    os.rmdir(directory)
    print(f"{prefix}.bin: {len(data)} bytes; {prefix}.ss-xaH.txt: {len(ss.splitlines())} lines")

main()
