/// A condition on ports: the socket's port on `side` is one of `ports`.
public struct PortMatch: Hashable, Sendable {
    /// Which end's port is compared: the ends of ``FilterSide``, or either.
    public enum Side: Hashable, Sendable {
        /// The local port (ss's `sport`).
        case local
        /// The peer port (ss's `dport`).
        case peer
        /// Either the local or the peer port.
        case either
    }

    /// Which end's port is compared.
    public var side: Side
    /// The ports, any of which matches.
    public var ports: [UInt16]

    /// Creates a condition.
    public init(_ side: Side, _ ports: [UInt16]) {
        self.side = side
        self.ports = ports
    }

    /// The condition as a filter expression: an `or` of port equalities, as a balanced tree
    /// (``FilterExpression/anyOf(_:)``), so that thousands of ports cost no deep recursion.
    public var expression: FilterExpression {
        .anyOf(
            ports.map { port in
                switch side {
                case .local: return .port(.local, port)
                case .peer: return .port(.peer, port)
                case .either: return .or(.port(.local, port), .port(.peer, port))
                }
            }
        )
    }

    /// Whether `socket` satisfies the condition.
    @inline(__always)
    public func matches(_ socket: Socket) -> Bool {
        for port in ports {
            switch side {
            case .local: if socket.local.port == port { return true }
            case .peer: if socket.peer.port == port { return true }
            case .either: if socket.local.port == port || socket.peer.port == port { return true }
            }
        }
        return false
    }
}
