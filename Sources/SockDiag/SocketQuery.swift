/// What to ask the kernel for: protocols, families, states and port conditions.
///
/// The states go to the kernel as `idiag_states`, the port conditions as `INET_DIAG_REQ_BYTECODE`,
/// so the kernel sends only what matches; the inspector checks the port conditions again on what comes back.
public struct SocketQuery: Hashable, Sendable {
    /// The protocols to dump, in output order.
    public var protocols: [TransportProtocol]
    /// The address families to dump, in output order.
    public var families: [AddressFamily]
    /// The states to dump. Include `boundInactive` only when wanted: it makes the kernel walk its bind hash.
    public var states: StateSet
    /// Port conditions that must all hold.
    public var ports: [PortMatch]

    /// Creates a query.
    /// - Parameters:
    ///   - protocols: The protocols, by default UDP then TCP (ss's order).
    ///   - families: The families, by default IPv4 then IPv6.
    ///   - states: The states, by default what ss shows without `-a` (``StateSet/ssDefault``).
    ///   - ports: Port conditions that must all hold.
    public init(
        protocols: [TransportProtocol] = [.udp, .tcp],
        families: [AddressFamily] = [.inet, .inet6],
        states: StateSet = .ssDefault,
        ports: [PortMatch] = []
    ) {
        self.protocols = protocols
        self.families = families
        self.states = states
        self.ports = ports
    }

    /// Whether `socket` satisfies the state and port conditions.
    @inline(__always)
    public func matches(_ socket: Socket) -> Bool {
        guard states.contains(socket.state) || (socket.state == .newSynRecv && states.contains(.synRecv)) else {
            return false
        }
        for condition in ports where !condition.matches(socket) {
            return false
        }
        return true
    }

    /// The state mask to send for `transport`: the requested states it can be in, or `nil` when it can be
    /// in none of them (the dump is skipped).
    func kernelStates(for transport: TransportProtocol) -> StateSet? {
        let wanted = states.intersection(transport.possibleStates)
        return wanted.isEmpty ? nil : wanted
    }
}
