"""The TCP listeners the fixture populations start with, for the Python programs that netns_hold (netns.sh) runs:
it puts this directory on their PYTHONPATH."""
import socket


def listener(family, addr, port, keep, v6only=None):
    """A TCP listener on addr:port (SO_REUSEADDR, backlog 16; IPV6_V6ONLY when v6only is given), kept in keep."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
    s.bind((addr, port)); s.listen(16); keep.append(s); return s


def loopback_listeners(keep):
    """127.0.0.1:8000, [::1]:8001 (v6-only) and [::]:8002 (dual-stack)."""
    return (listener(socket.AF_INET, "127.0.0.1", 8000, keep),
            listener(socket.AF_INET6, "::1", 8001, keep, v6only=True),
            listener(socket.AF_INET6, "::", 8002, keep, v6only=False))
