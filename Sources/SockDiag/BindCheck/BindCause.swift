/// One reason a bind conflicts, with the sockets behind it.
public struct BindCause: Hashable, Sendable {
    /// The kinds of cause.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A listening socket on the address and port.
        case listener
        /// An IPv6 wildcard listener without `IPV6_V6ONLY`, which also holds the IPv4 port (or, for an IPv6 wildcard
        /// target, an IPv4 listener on the port).
        case dualStackListener = "dual-stack-listener"
        /// Several listeners sharing the port with `SO_REUSEPORT`, of a user other than the caller.
        case reusePortGroup = "reuseport-group"
        /// A socket bound to the port that neither listens nor is connected (kernel 6.8+ shows it; netstat and
        /// ss 6.1 cannot).
        case boundInactive = "bound-inactive"
        /// TIME_WAIT sockets with the port as their local port (left by a previous run that closed first).
        case timeWait = "time-wait"
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

    /// For TIME_WAIT: milliseconds until the last of them expires.
    public var expiresInMilliseconds: UInt32? {
        kind == .timeWait ? sockets.map(\.timer.expiresMilliseconds).max() : nil
    }
}
