/// Socket counts by protocol, family and state, from one dump, without keeping any socket.
public struct SocketCounts: Hashable, Sendable {
    // Index: protocol (0 tcp, 1 udp; raw, SCTP and MPTCP sockets are not counted) × family (0 inet, 1 inet6) ×
    // state (0…15).
    private var storage = [Int](repeating: 0, count: 2 * 2 * 16)

    /// Creates empty counts.
    public init() {}

    @inline(__always)
    private static func index(_ transport: TransportProtocol, _ family: AddressFamily, _ state: SocketState) -> Int? {
        guard state.rawValue < 16, transport == .tcp || transport == .udp else { return nil }
        return (transport == .tcp ? 0 : 32) + (family == .inet ? 0 : 16) + Int(state.rawValue)
    }

    /// Adds one socket.
    @inline(__always)
    public mutating func add(_ transport: TransportProtocol, _ family: AddressFamily, _ state: SocketState) {
        if let index = Self.index(transport, family, state) { storage[index] += 1 }
    }

    /// Adds `other`'s counts to `counts` (e.g. to total several namespaces).
    public static func += (counts: inout SocketCounts, other: SocketCounts) {
        for index in counts.storage.indices { counts.storage[index] += other.storage[index] }
    }

    /// The number of sockets of that protocol, family and state.
    public subscript(transport: TransportProtocol, family: AddressFamily, state: SocketState) -> Int {
        Self.index(transport, family, state).map { storage[$0] } ?? 0
    }

    /// The number of sockets matching every given criterion (`nil` = any).
    public func total(
        _ transport: TransportProtocol? = nil,
        family: AddressFamily? = nil,
        states: StateSet? = nil
    ) -> Int {
        var sum = 0
        for candidate in [TransportProtocol.tcp, .udp] where transport == nil || transport == candidate {
            for candidateFamily in [AddressFamily.inet, .inet6] where family == nil || family == candidateFamily {
                for raw in 0..<16 {
                    let state = SocketState(rawValue: UInt8(raw))
                    if let states, !states.contains(state) { continue }
                    sum += self[candidate, candidateFamily, state]
                }
            }
        }
        return sum
    }
}

extension SocketInspector {
    /// Counts the sockets that match `query` by protocol, family and state, reading only those bytes of each reply
    /// when the kernel does the filtering.
    /// - Parameter query: What to count.
    /// - Returns: The counts.
    /// - Throws: ``SockDiagError``.
    public func count(matching query: SocketQuery) throws -> SocketCounts {
        let plan = try DumpPlan(query)
        var counts = SocketCounts()
        if plan.repliesNeedNoDecoding {
            try forEachRawMessage(following: plan) { transport, payload in
                let message = try InetDiagMessage(payload)
                counts.add(transport, message.family, message.state)
            }
        } else {
            try forEachSocket(following: plan) { counts.add($0.transport, $0.family, $0.state) }
        }
        return counts
    }
}
