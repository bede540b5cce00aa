/// One thing a person can do so that the bind works, with the sockets and numbers it concerns (see
/// ``BindCheckResult/remedies``).
public enum BindRemedy: Hashable, Sendable {
    /// Stop or restart the owner of the listeners; `SO_REUSEADDR` does not help against a live listener.
    case stopListener(holders: [Socket])
    /// Set `IPV6_V6ONLY` on the IPv6 wildcard listeners that also take the IPv4 port, or bind a specific address.
    case restrictDualStackListener(holders: [Socket])
    /// Run as the user of the `SO_REUSEPORT` group (`SO_REUSEPORT` joins only groups of the same user), or stop it.
    case joinReusePortGroup(holders: [Socket])
    /// Stop the owner of the sockets bound without listening or connecting, or make it close them.
    case closeBoundInactive(holders: [Socket])
    /// Set `SO_REUSEADDR` before `bind()`: safe against TIME_WAIT.
    case reuseAddressAgainstTimeWait
    /// Or wait until the last TIME_WAIT socket expires, in `milliseconds`.
    case waitForTimeWait(milliseconds: UInt32)
    /// Set `SO_REUSEADDR` before `bind()`, or close the connections that use the port as their local port.
    case closeConnections(holders: [Socket])
    /// Wait for the outgoing connections that got the port as their ephemeral port to close.
    case waitForEphemeralConnections(holders: [Socket])
    /// Reserve the port (`net.ipv4.ip_local_reserved_ports`) so that it is never handed out as an ephemeral port.
    case reservePort(UInt16)
    /// Stop the owner of the UDP sockets, or let both sockets set `SO_REUSEADDR` (or `SO_REUSEPORT`) before `bind()`.
    case shareUDPPort(holders: [Socket])
    /// Ports below `unprivilegedPortStart` need privilege (root or `CAP_NET_BIND_SERVICE`), or a lower
    /// `net.ipv4.ip_unprivileged_port_start`.
    case gainPrivilege(unprivilegedPortStart: UInt16)
    /// Bind an address of this host (or network namespace), or the wildcard.
    case bindLocalAddress
    /// Nothing: the bind works as asked, the sockets on the port do not conflict.
    case nothingToDo
}
