/// A port to switch to: free now by a test bind, and whether an outgoing connection could take it next.
public struct PortSuggestion: Hashable, Sendable {
    /// The port.
    public var port: UInt16
    /// Whether it lies in `net.ipv4.ip_local_port_range`, where the kernel picks ports for outgoing connections.
    public var inEphemeralRange: Bool

    /// Creates a suggestion.
    public init(port: UInt16, inEphemeralRange: Bool) {
        self.port = port
        self.inEphemeralRange = inEphemeralRange
    }
}

extension BindCheckResult {
    /// The `count` ports nearest the target's that no socket of the protocol holds (one dump of every socket) and
    /// that a plain test bind takes (safe: each one's bind bucket is empty, so it is created and destroyed with the
    /// test socket). Ports outside `ip_local_port_range` come first, nearest first; then ports inside it. Ports below
    /// `ip_unprivileged_port_start` only when the caller has `CAP_NET_BIND_SERVICE`.
    static func suggestions(
        near target: BindTarget,
        count: Int,
        ephemeralPorts: ClosedRange<UInt16>,
        lowestPort: UInt16,
        with inspector: SocketInspector
    ) throws -> [PortSuggestion] {
        guard count > 0 else { return [] }
        var held = Set<UInt16>()
        let states: StateSet = target.transport == .tcp ? StateSet.all.union(.boundInactive) : .all
        try inspector.forEachSocket(matching: SocketQuery(protocols: [target.transport], states: states)) {
            held.insert($0.local.port)
        }
        var outside: [PortSuggestion] = []
        var inside: [UInt16] = []
        let center = Int(target.port)
        for distance in 1...65535 where outside.count < count {
            for port in [center - distance, center + distance] where outside.count < count {
                guard (Int(max(lowestPort, 1))...65535).contains(port), !held.contains(UInt16(port)) else { continue }
                let candidate = UInt16(port)
                if ephemeralPorts.contains(candidate) {
                    if inside.count < count { inside.append(candidate) }
                } else if Self.bindsPlainly(target, port: candidate) {
                    outside.append(PortSuggestion(port: candidate, inEphemeralRange: false))
                }
            }
            if center - distance < 1 && center + distance > 65535 { break }
        }
        for port in inside where outside.count < count && Self.bindsPlainly(target, port: port) {
            outside.append(PortSuggestion(port: port, inEphemeralRange: true))
        }
        return outside
    }

    /// A plain test bind to the target's address at `port`.
    private static func bindsPlainly(_ target: BindTarget, port: UInt16) -> Bool {
        var candidate = target
        candidate.port = port
        return BindProof.bind(candidate, option: nil).succeeded
    }
}
