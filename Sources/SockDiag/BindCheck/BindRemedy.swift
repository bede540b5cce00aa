/// One thing a person can do so that the bind works, with the sockets and numbers it concerns (see
/// ``BindCheckResult/remedies``).
public enum BindRemedy: Hashable, Sendable {
    /// Stop or restart the owner of the listeners; `SO_REUSEADDR` does not help against a live listener.
    case stopListener(holders: [Socket])
    /// Set `IPV6_V6ONLY` on the IPv6 wildcard listeners that also take the IPv4 port, or bind a specific address.
    case restrictDualStackListener(holders: [Socket])
    /// Another user's listeners (a `SO_REUSEPORT` group, or one listener): only a socket of the same effective uid
    /// with `SO_REUSEPORT` shares the port, and only if they set it too. Run as that user, or stop them.
    case joinReusePortGroup(holders: [Socket])
    /// The new socket is dual-stack (a bind to `[::]` without `IPV6_V6ONLY` also needs every IPv4 address) and IPv4
    /// listeners hold the port: set `IPV6_V6ONLY` on the new socket, or bind a specific address.
    case restrictNewSocketToIPv6(holders: [Socket])
    /// Stop the owner of the sockets bound without listening or connecting, or make it close them.
    case closeBoundInactive(holders: [Socket])
    /// Set `SO_REUSEADDR` before `bind()`: safe against TIME_WAIT (proven: a bind with it works).
    case reuseAddressAgainstTimeWait
    /// `SO_REUSEADDR` does not help: the TIME_WAIT (or orphaned FIN-WAIT-2) sockets keep the `SO_REUSEADDR` flag of
    /// the socket that left them, which did not set it (proven: a bind with it fails).
    case reuseAddressDoesNotHelpAgainstTimeWait
    /// Let `sockdiag free PORT` close what holds the port (TIME_WAIT and orphaned sockets with `SOCK_DESTROY`).
    case freePort(UInt16)
    /// Or wait until the last TIME_WAIT socket expires, in `milliseconds`.
    case waitForTimeWait(milliseconds: UInt32)
    /// TIME_WAIT (or orphaned FIN-WAIT-2) sockets hold the port besides live sockets, the last for `milliseconds`:
    /// once the live ones are gone, wait for them or let `sockdiag free PORT` close them (waiting alone does not free
    /// the port).
    case timeWaitBehindLiveSockets(milliseconds: UInt32, port: UInt16)
    /// Close the connections that use the port as their local port, or (when `reuseAddressWorks`, proven by a
    /// bind) set `SO_REUSEADDR` before `bind()`.
    case closeConnections(holders: [Socket], reuseAddressWorks: Bool)
    /// Wait for the outgoing connections that got the port as their ephemeral port to close.
    case waitForEphemeralConnections(holders: [Socket])
    /// Reserve the port so that it is never handed out as an ephemeral port: `list` is the new
    /// `net.ipv4.ip_local_reserved_ports`, the existing list with the port added.
    case reservePort(UInt16, list: String)
    /// Stop the owner of the UDP sockets; sharing the port (`SO_REUSEADDR` on both) sends the unicast datagrams to
    /// the newest socket, and `SO_REUSEPORT` (same user) spreads them over both.
    case shareUDPPort(holders: [Socket])
    /// Ports below `unprivilegedPortStart` need privilege (root or `CAP_NET_BIND_SERVICE`), or a lower
    /// `net.ipv4.ip_unprivileged_port_start`.
    case gainPrivilege(unprivilegedPortStart: UInt16)
    /// Bind an address of this host (or network namespace), or the wildcard.
    case bindLocalAddress
    /// Nothing: the bind works as asked, the sockets on the port do not conflict.
    case nothingToDo
}
