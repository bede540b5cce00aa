/// One reason a bind conflicts, with the sockets behind it.
public struct BindCause: Hashable, Sendable {
    /// The kinds of cause.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A listening socket on the address and port.
        case listener
        /// An IPv6 listener that also holds the IPv4 port: the IPv6 wildcard without `IPV6_V6ONLY`, or an
        /// IPv4-mapped address.
        case dualStackListener = "dual-stack-listener"
        /// An IPv4 listener against a bind to the IPv6 wildcard: the new socket, without `IPV6_V6ONLY`, also needs
        /// every IPv4 address (the listener is not dual-stack).
        case ipv4ListenerAgainstDualStackBind = "ipv4-listener-against-dual-stack-bind"
        /// Several listeners sharing the port with `SO_REUSEPORT`, of a user other than the caller.
        case reusePortGroup = "reuseport-group"
        /// A socket bound to the port that neither listens nor is connected (kernel 6.8+ shows it; netstat and
        /// ss 6.1 cannot).
        case boundInactive = "bound-inactive"
        /// TIME_WAIT sockets with the port as their local port (left by a previous run that closed first).
        case timeWait = "time-wait"
        /// Orphaned FIN-WAIT-2 sockets: closed here first, the peer has not closed yet; the kernel keeps them as
        /// minisockets with a TIME_WAIT timer (`tcp_fin_timeout`).
        case orphanedFinWait = "orphaned-fin-wait-2"
        /// Connections whose local port is the port (e.g. accepted connections of a previous instance).
        case connection
        /// Outgoing connections that got the port as their ephemeral port.
        case ephemeralPort = "ephemeral-port"
        /// UDP sockets bound to the port.
        case udpSocket = "udp-socket"
    }

    /// What kind of cause.
    public var kind: Kind
    /// The sockets.
    public var sockets: [Socket]

    /// Creates a cause.
    public init(kind: Kind, sockets: [Socket]) {
        self.kind = kind
        self.sockets = sockets
    }

    /// For TIME_WAIT and orphaned FIN-WAIT-2: milliseconds until the last of them expires.
    public var expiresInMilliseconds: UInt32? {
        kind == .timeWait || kind == .orphanedFinWait ? sockets.map(\.timer.expiresMilliseconds).max() : nil
    }
}
