#!/usr/bin/env python3
"""Capture raw NETLINK_SOCK_DIAG dump replies (inet_diag) into a file, for test fixtures.

Usage: capture-fixture.py FAMILY(4|6) PROTO(tcp|udp) STATES_HEX OUTFILE [EXT_HEX]

EXT_HEX is the request's idiag_ext byte (default 0): bits 1 << (INET_DIAG_* - 1), e.g. 41 for what ss -m asks
(MEMINFO, SKMEMINFO), e for ss -i (INFO, VEGASINFO, CONG), 4f for both.

Writes every reply datagram exactly as the kernel sent it, concatenated, up to and
including NLMSG_DONE. Run it inside the namespace whose sockets you want
(`ip netns exec NAME python3 Scripts/capture-fixture.py ...`).
"""
import socket, struct, sys

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
NLMSG_DONE, NLMSG_ERROR = 3, 2

def main():
    fam = {"4": socket.AF_INET, "6": socket.AF_INET6}[sys.argv[1]]
    proto = {"tcp": socket.IPPROTO_TCP, "udp": socket.IPPROTO_UDP}[sys.argv[2]]
    states = int(sys.argv[3], 16)
    out = sys.argv[4]
    ext = int(sys.argv[5], 16) if len(sys.argv) > 5 else 0
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    s.bind((0, 0))
    body = struct.pack("=BBBxI", fam, proto, ext, states) + bytes(48)
    # cookie = INET_DIAG_NOCOOKIE
    body = body[:8 + 40] + struct.pack("=II", 0xFFFFFFFF, 0xFFFFFFFF)
    hdr = struct.pack("=IHHII", 16 + len(body), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
    s.send(hdr + body)
    data = bytearray()
    done = False
    while not done:
        chunk = s.recv(65536)
        data += chunk
        off = 0
        while off + 16 <= len(chunk):
            length, typ = struct.unpack_from("=IH", chunk, off)
            if typ in (NLMSG_DONE, NLMSG_ERROR):
                done = True
            off += (length + 3) & ~3
    open(out, "wb").write(data)
    print(f"{out}: {len(data)} bytes")

main()
